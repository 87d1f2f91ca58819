use sea_query::{Expr, ExprTrait};
use soft_delete::{Schema, SoftDelete, TrashMode};

// One mistake in the model: the marker is not an `Option`. The code below
// uses the model as if it were right; only the field's error may be reported.
#[derive(SoftDelete)]
struct Post {
    id: i64,
    title: String,
    deleted_at: chrono::DateTime<chrono::Utc>,
}

fn main() {
    let _ = Post::query().and_where(Expr::col((PostColumn::Table, PostColumn::Title)).eq("x"));
    let _ = Post::find(1);
    let _ = Post::scope(TrashMode::OnlyTrashed);
    let _ = Schema::new(soft_delete::Backend::Sqlite).live_index::<Post>(&[PostColumn::Title]);
    let post = Post { id: 1, title: String::new(), deleted_at: chrono::Utc::now() };
    let _ = post.delete();
    let _: i64 = post.id();
    let _ = post.is_trashed();
}
