use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "posts" column = "removed_at")]
struct Post {
    id: i64,
    removed_at: Option<DateTime<Utc>>,
}

fn main() {}
