use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
struct Post {
    id: i64,
    #[soft_delete(rename = "")]
    body: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
