use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "comments", style = "unix")]
struct Comment {
    id: i64,
    post_id: i64,
    deleted_at: i64,
}

#[derive(SoftDelete)]
#[soft_delete(table = "posts", cascade(Comment = "post_id"))]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
