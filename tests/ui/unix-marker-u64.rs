use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(style = "unix")]
struct Post {
    id: i64,
    deleted_at: u64,
}

fn main() {}
