use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(style = "bool", column = "id")]
struct Post {
    id: bool,
}

fn main() {}
