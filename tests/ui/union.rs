use soft_delete::SoftDelete;

#[derive(SoftDelete)]
union Post {
    id: i64,
    deleted_at: u64,
}

fn main() {}
