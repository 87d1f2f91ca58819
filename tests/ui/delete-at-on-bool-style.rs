use chrono::Utc;
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(style = "bool")]
struct Post {
    id: i64,
    is_deleted: bool,
}

fn main() {
    let _ = Post::delete_by_id_at(7, Utc::now());
}
