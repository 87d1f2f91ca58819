use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(style = "bool", now = "database")]
struct Post {
    id: i64,
    is_deleted: bool,
}

fn main() {}
