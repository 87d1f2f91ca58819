use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
struct Post(i64, Option<DateTime<Utc>>);

fn main() {}
