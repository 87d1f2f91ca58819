use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(sqlx::FromRow, SoftDelete)]
#[sqlx(rename_all = "camelCase")]
struct Post {
    id: i64,
    #[soft_delete(rename = "author")]
    author_name: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
