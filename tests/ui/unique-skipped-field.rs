use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "users", unique(email_lower))]
struct User {
    id: i64,
    email: String,
    #[soft_delete(skip)]
    email_lower: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
