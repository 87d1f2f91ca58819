use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(sqlx::FromRow)]
struct Audit {
    created_by: i64,
}

#[derive(sqlx::FromRow, SoftDelete)]
struct Post {
    id: i64,
    #[sqlx(flatten)]
    audit: Audit,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
