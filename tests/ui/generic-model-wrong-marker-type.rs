use soft_delete::SoftDelete;

// A generic model's field whose type names no parameter is checked where the
// model is declared, as in any other model.
#[derive(SoftDelete)]
struct Post<K: Clone + Into<sea_query::Value>> {
    id: K,
    deleted_at: String,
}

fn main() {}
