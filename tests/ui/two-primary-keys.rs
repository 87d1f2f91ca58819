use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
struct Membership {
    #[soft_delete(primary_key)]
    user_id: i64,
    #[soft_delete(primary_key)]
    group_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
