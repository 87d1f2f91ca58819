use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "users", unique(email, deleted_at))]
struct User {
    id: i64,
    email: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
