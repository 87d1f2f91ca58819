use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(sqlx::FromRow, SoftDelete)]
struct Post {
    #[sqlx(skip)]
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
