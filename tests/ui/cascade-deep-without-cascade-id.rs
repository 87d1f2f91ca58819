use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "replies")]
struct Reply {
    id: i64,
    comment_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "comments", cascade(Reply = "comment_id"))]
struct Comment {
    id: i64,
    post_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "posts", cascade(Comment = "post_id"))]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
