//! The SQL of scoped joins and live views, pinned for PostgreSQL, MySQL and
//! SQLite: one snapshot per statement kind, each showing the three backends
//! (joins with their placeholders and bound values).

use chrono::{DateTime, Utc};
use insta::assert_snapshot;
use sea_query::{
    Expr, ExprTrait, MysqlQueryBuilder, PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder,
};
use soft_delete::{Backend, Schema, ScopedJoin, SoftDelete, TrashMode};

#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "posts")]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "comments", style = "bool")]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub is_deleted: bool,
}

#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "sessions", style = "unix")]
pub struct Session {
    pub id: i64,
    pub user_email: String,
    pub deleted_at: i64,
}

const BACKENDS: [(&str, Backend); 3] = [
    ("PostgreSQL", Backend::Postgres),
    ("MySQL", Backend::MySql),
    ("SQLite", Backend::Sqlite),
];

/// Each statement for each backend: SQL, then its bound values.
fn render(statements: &[(String, SelectStatement)]) -> String {
    let mut out = String::new();
    for (label, statement) in statements {
        out.push_str(&format!("== {label}\n"));
        for (backend, (sql, values)) in [
            ("PostgreSQL", statement.build(PostgresQueryBuilder)),
            ("MySQL", statement.build(MysqlQueryBuilder)),
            ("SQLite", statement.build(SqliteQueryBuilder)),
        ] {
            out.push_str(&format!("-- {backend}\n{sql}\n"));
            let values: Vec<String> = values.0.iter().map(|value| format!("{value:?}")).collect();
            out.push_str(&format!("   values: [{}]\n", values.join(", ")));
        }
    }
    out
}

/// `comments.post_id = posts.id`.
fn on() -> Expr {
    Expr::col((CommentColumn::Table, CommentColumn::PostId))
        .equals((PostColumn::Table, PostColumn::Id))
}

#[test]
fn inner_join_scoped() {
    let statements: Vec<_> = TrashMode::ALL
        .into_iter()
        .map(|mode| {
            let select = Comment::query()
                .inner_join_scoped::<Post>(on(), mode)
                .and_where(Expr::col((PostColumn::Table, PostColumn::Title)).like("Rust%"))
                .to_owned();
            (format!("posts {mode}"), select)
        })
        .collect();
    assert_snapshot!("inner_join_scoped", render(&statements));
}

#[test]
fn left_join_scoped() {
    let statements: Vec<_> = TrashMode::ALL
        .into_iter()
        .map(|mode| {
            let select = Post::query()
                .expr_as(
                    Expr::col((CommentColumn::Table, CommentColumn::Id)),
                    "comment_id",
                )
                .left_join_scoped::<Comment>(on(), mode)
                .to_owned();
            (format!("comments {mode}"), select)
        })
        .collect();
    assert_snapshot!("left_join_scoped", render(&statements));
}

#[test]
fn left_join_scoped_with_an_any_condition() {
    // An `OR` in the caller's condition stays in parentheses: the scope
    // cannot be bypassed by it.
    let any = sea_query::Cond::any()
        .add(on())
        .add(Expr::col((CommentColumn::Table, CommentColumn::PostId)).eq(0));
    let select = Post::query()
        .left_join_scoped::<Comment>(any, TrashMode::WithoutTrashed)
        .to_owned();
    assert_snapshot!(
        "left_join_scoped_any",
        render(&[("comments without".to_owned(), select)])
    );
}

#[test]
fn self_joins_scoped_as() {
    // A comment and the comment it answers: `comments` joined to itself
    // under `parent`, each join scoped on the alias.
    let on = || Expr::col(("parent", "id")).equals((CommentColumn::Table, CommentColumn::PostId));
    let mut statements = Vec::new();
    for mode in TrashMode::ALL {
        let inner = Comment::query()
            .inner_join_scoped_as::<Comment>("parent", on(), mode)
            .to_owned();
        statements.push((format!("inner, parents {mode}"), inner));
        let left = Comment::query()
            .expr_as(Expr::col(("parent", "id")), "parent_id")
            .left_join_scoped_as::<Comment>("parent", on(), mode)
            .to_owned();
        statements.push((format!("left, parents {mode}"), left));
    }
    let where_scope = Post::query()
        .cond_where(Post::scope_as("p2", TrashMode::OnlyTrashed))
        .to_owned();
    statements.push(("scope_as in WHERE".to_owned(), where_scope));
    assert_snapshot!("self_joins_scoped_as", render(&statements));
}

#[test]
fn live_view() {
    let mut out = String::new();
    for (name, backend) in BACKENDS {
        out.push_str(&format!("-- {name}\n"));
        for sql in [
            Schema::new(backend).live_view::<Post>(),
            Schema::new(backend).live_view::<Comment>(),
            Schema::new(backend).live_view::<Session>(),
            Schema::new(backend).drop_live_view::<Post>(),
            Schema::new(backend)
                .live_view_named::<Post>("reporting \"posts\" `live`")
                .expect("name"),
            Schema::new(backend)
                .drop_live_view_named("reporting \"posts\" `live`")
                .expect("name"),
        ] {
            out.push_str(&format!("{sql}\n"));
        }
    }
    assert_snapshot!("live_view", out);
}
