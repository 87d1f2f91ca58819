use soft_delete::SoftDelete;

#[derive(SoftDelete)]
enum Post {
    Draft,
    Published,
}

fn main() {}
