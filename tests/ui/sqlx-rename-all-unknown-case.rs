use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(sqlx::FromRow, SoftDelete)]
#[sqlx(rename_all = "camel_case")]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
