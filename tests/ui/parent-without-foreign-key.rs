use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "posts")]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "comments", parent(Post))]
struct Comment {
    id: i64,
    post_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
