use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(updated_at = "deleted_at")]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
