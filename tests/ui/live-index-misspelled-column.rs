use chrono::{DateTime, Utc};
use soft_delete::{Backend, SoftDelete};

#[derive(SoftDelete)]
#[soft_delete(table = "posts")]
struct Post {
    id: i64,
    title: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {
    let _ = Post::live_index(&[PostColumn::Titel], Backend::Sqlite);
}
