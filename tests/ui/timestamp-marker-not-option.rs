use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
struct Post {
    id: i64,
    deleted_at: DateTime<Utc>,
}

fn main() {}
