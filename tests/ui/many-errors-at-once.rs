use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(tabel = "posts", style = "boolean")]
struct Post {
    post_id: i64,
    #[soft_delete(skip, rename = "body_text")]
    body: String,
    #[soft_delete(colum = "x")]
    title: String,
}

fn main() {}
