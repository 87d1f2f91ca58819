use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(style = "active")]
struct Member {
    id: i64,
    is_active: Option<bool>,
}

fn main() {}
