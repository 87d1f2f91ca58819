use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "posts", cascade_id = "deletion_id", cascade(Comment = "post_id"))]
struct Post {
    id: i64,
    comment_id: i64,
    deleted_at: Option<DateTime<Utc>>,
    deletion_id: Option<i64>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "comments", cascade_id = "deletion_id", cascade(Post = "comment_id"))]
struct Comment {
    id: i64,
    post_id: i64,
    deleted_at: Option<DateTime<Utc>>,
    deletion_id: Option<i64>,
}

fn main() {}
