use chrono::Utc;
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(style = "active")]
struct Member {
    id: i64,
    is_active: bool,
}

fn main() {
    let _ = Member::purge_trashed_before(Utc::now(), soft_delete::Backend::Postgres);
}
