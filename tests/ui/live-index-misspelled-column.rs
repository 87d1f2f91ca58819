use chrono::{DateTime, Utc};
use soft_delete::{Backend, SoftDelete, Schema};

#[derive(SoftDelete)]
#[soft_delete(table = "posts")]
struct Post {
    id: i64,
    title: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {
    let _ = Schema::new(Backend::Sqlite).live_index::<Post>(&[PostColumn::Titel]);
}
