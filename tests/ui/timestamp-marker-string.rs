use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(style = "timestamp")]
struct Post {
    id: i64,
    deleted_at: String,
}

fn main() {}
