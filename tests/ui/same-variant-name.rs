use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
struct Post {
    id: i64,
    author_id: i64,
    #[soft_delete(rename = "author")]
    author__id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
