use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
struct Post {
    id: i64,
    _2024: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
