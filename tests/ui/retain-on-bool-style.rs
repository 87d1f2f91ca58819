use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "posts", style = "bool", retain = "30 days")]
struct Post {
    id: i64,
    is_deleted: bool,
}

fn main() {}
