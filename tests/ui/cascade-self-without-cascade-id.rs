use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "comments", cascade(Self = "parent_id"))]
struct Comment {
    id: i64,
    parent_id: Option<i64>,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
