use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(updated_at = "updated_at")]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
    #[soft_delete(rename = "modified_at")]
    updated_at: DateTime<Utc>,
}

fn main() {}
