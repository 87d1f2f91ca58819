use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "comments", style = "active")]
struct Comment {
    id: i64,
    post_id: i64,
    is_active: bool,
}

// Without `cascade_id` the markers must be stored alike.
#[derive(SoftDelete)]
#[soft_delete(table = "posts", cascade(Comment = "post_id"))]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
