use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
struct Post {
    id: i64,
    title: String,
    #[soft_delete(rename = "title")]
    headline: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
