use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(updated_at = "modified_at")]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

fn main() {}
