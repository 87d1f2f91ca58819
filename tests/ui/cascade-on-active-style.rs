use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "comments", style = "active")]
struct Comment {
    id: i64,
    post_id: i64,
    is_active: bool,
}

#[derive(SoftDelete)]
#[soft_delete(table = "posts", style = "active", cascade(Comment = "post_id"))]
struct Post {
    id: i64,
    is_active: bool,
}

fn main() {}
