use chrono::{DateTime, Utc};
use soft_delete::{Retained, SoftDelete};

#[derive(SoftDelete)]
#[soft_delete(table = "posts")]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

fn retention<T: Retained>() -> Option<u64> {
    T::RETAIN_SECONDS
}

fn main() {
    let _ = retention::<Post>();
}
