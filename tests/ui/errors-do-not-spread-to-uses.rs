use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait};
use soft_delete::{SoftDelete, TrashMode, Schema};

// One mistake in the model: `style` is misspelled. The code below uses the
// model as if it were right; only the attribute's error may be reported.
#[derive(SoftDelete)]
#[soft_delete(stlye = "timestamp")]
struct Post {
    #[soft_delete(primary_key)]
    slug: String,
    title: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {
    let _ = Post::query().and_where(Expr::col((PostColumn::Table, PostColumn::Title)).eq("x"));
    let _ = Post::find("hello".to_owned());
    let _ = Post::purge_trashed_before(Utc::now(), soft_delete::Backend::Postgres);
    let _ = Post::scope(TrashMode::OnlyTrashed);
    let _ = Schema::new(soft_delete::Backend::Sqlite).live_index::<Post>(&[PostColumn::Title]);
    let post = Post { slug: "a".to_owned(), title: String::new(), deleted_at: None };
    let _ = post.delete();
    let _: String = post.id();
    let _ = post.is_trashed();
}
