use chrono::{DateTime, NaiveDateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "comments")]
struct Comment {
    id: i64,
    post_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "posts", cascade(Comment = "post_id"))]
struct Post {
    id: i64,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {}
