use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "users", unique(email_address))]
struct User {
    id: i64,
    #[soft_delete(rename = "email_address")]
    email: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
