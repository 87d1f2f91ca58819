use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
struct Seat {
    id: i64,
    table: i32,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
