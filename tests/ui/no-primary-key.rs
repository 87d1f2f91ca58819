use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
struct Post {
    post_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
