use chrono::{DateTime, Utc};
use soft_delete::{SoftDelete, TrashMode};

#[derive(SoftDelete)]
#[soft_delete(table = "comments")]
struct Comment {
    id: i64,
    post_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

// One mistake: `article_id` is no column of `Comment`. The code below uses
// the model, its cascade included; only the cascade's error may be reported.
#[derive(SoftDelete)]
#[soft_delete(table = "posts", cascade(Comment = "article_id"))]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {
    let _ = Post::find(1);
    let _ = Post::scope(TrashMode::OnlyTrashed);
    let _ = Post::CHILDREN.len();
    let post = Post { id: 1, deleted_at: None };
    let _ = post.delete();
    let _ = post.is_trashed();
}
