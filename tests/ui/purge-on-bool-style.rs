use chrono::Utc;
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(style = "bool")]
struct Post {
    id: i64,
    is_deleted: bool,
}

fn main() {
    let _ = Post::purge_trashed_before(Utc::now(), soft_delete::Backend::Postgres);
}
