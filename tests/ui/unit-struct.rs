use soft_delete::SoftDelete;

#[derive(SoftDelete)]
struct Post;

fn main() {}
