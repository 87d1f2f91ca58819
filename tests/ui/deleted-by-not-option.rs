use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(deleted_by = "deleted_by")]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
    deleted_by: i64,
}

fn main() {}
