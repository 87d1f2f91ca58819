use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(sqlx::FromRow, SoftDelete)]
struct Post {
    id: i64,
    #[sqlx(skip)]
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
