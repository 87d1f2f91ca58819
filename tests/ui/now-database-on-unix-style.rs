use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(style = "unix", now = "database")]
struct Post {
    id: i64,
    deleted_at: i64,
}

fn main() {}
