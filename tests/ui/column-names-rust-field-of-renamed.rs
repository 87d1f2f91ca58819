use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(column = "removed")]
struct Post {
    id: i64,
    #[soft_delete(rename = "removed_at")]
    removed: Option<DateTime<Utc>>,
}

fn main() {}
