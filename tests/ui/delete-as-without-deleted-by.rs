use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {
    let _ = Post::delete_by_id_as(7, "alice");
}
