use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(sqlx::FromRow, SoftDelete)]
struct Post {
    id: i64,
    #[soft_delete(rename = "body_text")]
    #[sqlx(rename = "body")]
    text: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
