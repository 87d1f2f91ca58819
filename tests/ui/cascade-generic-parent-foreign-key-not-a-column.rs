use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "comments")]
struct Comment {
    id: i64,
    post_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

// A generic model whose marker names no parameter is checked where it is
// declared, as any other.
#[derive(SoftDelete)]
#[soft_delete(table = "posts", cascade(Comment = "article_id"))]
struct Post<K: Clone + Into<sea_query::Value>> {
    id: K,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
