use soft_delete::{Backend, SoftDelete};

#[derive(SoftDelete)]
#[soft_delete(style = "bool")]
struct Post {
    id: i64,
    is_deleted: bool,
}

fn main() {
    let _ = Post::cascade_delete_by_id(7, Backend::Postgres);
}
