use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(crate = "soft_delete")]
struct Post {
    id: i64,
    deleted_at: bool,
}

fn main() {}
