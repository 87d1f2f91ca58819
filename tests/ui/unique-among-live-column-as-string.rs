use chrono::{DateTime, Utc};
use soft_delete::{Backend, SoftDelete, Schema};

#[derive(SoftDelete)]
#[soft_delete(table = "users")]
struct User {
    id: i64,
    email: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {
    // Columns by name, as before: a typo would only fail when the DDL runs.
    let _ = Schema::new(Backend::Postgres).unique_among_live::<User>(&["emial"]);
}
