use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(deleted_by = "deleted_by")]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
    #[soft_delete(rename = "removed_by")]
    deleted_by: Option<i64>,
}

fn main() {}
