use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "comments", style = "bool")]
struct Comment {
    id: i64,
    post_id: i64,
    is_deleted: bool,
}

#[derive(SoftDelete)]
#[soft_delete(table = "posts", style = "bool", cascade(Comment = "post_id"))]
struct Post {
    id: i64,
    is_deleted: bool,
}

fn main() {}
