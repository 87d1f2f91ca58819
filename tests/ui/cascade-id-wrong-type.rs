use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "posts", cascade_id = "deletion_id")]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
    deletion_id: String,
}

fn main() {}
