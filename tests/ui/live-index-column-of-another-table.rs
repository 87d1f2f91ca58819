use chrono::{DateTime, Utc};
use soft_delete::{Backend, SoftDelete, Schema};

#[derive(SoftDelete)]
#[soft_delete(table = "posts")]
struct Post {
    id: i64,
    title: String,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "comments")]
struct Comment {
    id: i64,
    post_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {
    // A column of `comments` cannot index `posts`.
    let _ = Schema::new(Backend::Postgres).live_index::<Post>(&[CommentColumn::PostId]);
}
