use chrono::{DateTime, Utc};
use soft_delete::{Backend, SoftDelete, Schema};

#[derive(SoftDelete)]
#[soft_delete(table = "users")]
struct User {
    id: i64,
    email: String,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "teams")]
struct Team {
    id: i64,
    name: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {
    // Unique among live users, by a column of `teams`.
    let _ = Schema::new(Backend::MySql).unique_among_live::<User>(&[UserColumn::Email, TeamColumn::Name]);
}
