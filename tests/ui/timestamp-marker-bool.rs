use soft_delete::SoftDelete;

#[derive(SoftDelete)]
struct Post {
    id: i64,
    deleted_at: bool,
}

fn main() {}
