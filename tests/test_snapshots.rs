//! The SQL every statement builder emits, pinned for PostgreSQL, MySQL and
//! SQLite: one snapshot per statement kind, each showing the three backends
//! with their placeholders and bound values.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use insta::assert_snapshot;
use sea_query::{
    Cond, Expr, ExprTrait, JoinType, MysqlQueryBuilder, PostgresQueryBuilder, QueryStatementWriter,
    SqliteQueryBuilder,
};
use soft_delete::{SoftDelete, TrashMode};

#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "posts", column = "removed_at", style = "timestamp")]
pub struct Post {
    pub id: i64,
    pub title: String,
    #[soft_delete(rename = "body_text")]
    pub body: String,
    #[soft_delete(skip)]
    pub cached_len: usize,
    pub removed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "flags", style = "bool")]
pub struct Flag {
    pub id: i64,
    pub name: String,
    pub is_deleted: bool,
}

#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "events")]
pub struct Event {
    #[soft_delete(primary_key)]
    pub event_id: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "comments")]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// The statement for each backend: SQL, then its bound values. Values that
/// depend on the clock are shown by type only, so snapshots stay stable.
fn render(statement: &impl QueryStatementWriter, clock_values: bool) -> String {
    let mut out = String::new();
    for (backend, (sql, values)) in [
        ("PostgreSQL", statement.build(PostgresQueryBuilder)),
        ("MySQL", statement.build(MysqlQueryBuilder)),
        ("SQLite", statement.build(SqliteQueryBuilder)),
    ] {
        out.push_str(&format!("-- {backend}\n{sql}\n"));
        let values: Vec<String> = values
            .0
            .iter()
            .map(|value| match value {
                sea_query::Value::ChronoDateTimeUtc(Some(_)) if clock_values => {
                    "<now as DateTime<Utc>>".to_owned()
                }
                sea_query::Value::ChronoDateTime(Some(_)) if clock_values => {
                    "<now as NaiveDateTime>".to_owned()
                }
                _ => format!("{value:?}"),
            })
            .collect();
        out.push_str(&format!("   values: [{}]\n", values.join(", ")));
    }
    out
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()
}

#[test]
fn select_query() {
    assert_snapshot!("query_timestamp", render(&Post::query(), false));
    assert_snapshot!("query_bool", render(&Flag::query(), false));
}

#[test]
fn select_with_trashed() {
    assert_snapshot!("with_trashed", render(&Post::with_trashed(), false));
}

#[test]
fn select_only_trashed() {
    assert_snapshot!(
        "only_trashed_timestamp",
        render(&Post::only_trashed(), false)
    );
    assert_snapshot!("only_trashed_bool", render(&Flag::only_trashed(), false));
}

#[test]
fn select_query_in_matches_the_three_views() {
    let sql = |select: sea_query::SelectStatement| select.to_string(PostgresQueryBuilder);
    assert_eq!(
        sql(Post::query_in(TrashMode::WithoutTrashed)),
        sql(Post::query())
    );
    assert_eq!(
        sql(Post::query_in(TrashMode::WithTrashed)),
        sql(Post::with_trashed())
    );
    assert_eq!(
        sql(Post::query_in(TrashMode::OnlyTrashed)),
        sql(Post::only_trashed())
    );
}

#[test]
fn select_find() {
    assert_snapshot!("find", render(&Post::find(7), false));
    assert_snapshot!(
        "find_string_key",
        render(&Event::find("evt-1".to_owned()), false)
    );
    assert_snapshot!(
        "find_in_with_trashed",
        render(&Flag::find_in(7, TrashMode::WithTrashed), false)
    );
}

#[test]
fn select_user_condition_with_or_stays_scoped() {
    let select = Post::query()
        .and_where(
            Expr::col((PostColumn::Table, PostColumn::Title))
                .eq("a")
                .or(Expr::col((PostColumn::Table, PostColumn::Id)).eq(1)),
        )
        .to_owned();
    assert_snapshot!("query_and_or", render(&select, false));
    let select = Post::query()
        .cond_where(
            Cond::any()
                .add(Expr::col((PostColumn::Table, PostColumn::Title)).eq("a"))
                .add(Expr::col((PostColumn::Table, PostColumn::Id)).eq(1)),
        )
        .to_owned();
    assert_snapshot!("query_cond_any", render(&select, false));
}

#[test]
fn select_join_of_two_soft_delete_tables() {
    let select = Comment::query()
        .join(
            JoinType::InnerJoin,
            PostColumn::Table,
            Expr::col((PostColumn::Table, PostColumn::Id))
                .equals((CommentColumn::Table, CommentColumn::PostId)),
        )
        .cond_where(Post::scope(TrashMode::WithoutTrashed))
        .to_owned();
    assert_snapshot!("join_scoped", render(&select, false));
}

#[test]
fn scope_conditions() {
    let rendered = [
        TrashMode::WithoutTrashed,
        TrashMode::WithTrashed,
        TrashMode::OnlyTrashed,
    ]
    .into_iter()
    .map(|mode| {
        let select = sea_query::Query::select()
            .column(FlagColumn::Id)
            .from(FlagColumn::Table)
            .cond_where(Flag::scope(mode))
            .to_owned();
        format!("-- {mode}\n{}", select.to_string(PostgresQueryBuilder))
    })
    .collect::<Vec<_>>()
    .join("\n");
    assert_snapshot!("scope_bool", rendered);
}

#[test]
fn update_scoped() {
    let update = Post::update()
        .value(PostColumn::Title, "new")
        .and_where(Expr::col((PostColumn::Table, PostColumn::Id)).eq(7))
        .to_owned();
    assert_snapshot!("update", render(&update, false));
}

#[test]
fn update_delete_by_id() {
    assert_snapshot!(
        "delete_by_id_timestamp",
        render(&Post::delete_by_id(7), true)
    );
    assert_snapshot!(
        "delete_by_id_naive",
        render(&Event::delete_by_id("evt-1".to_owned()), true)
    );
    assert_snapshot!("delete_by_id_bool", render(&Flag::delete_by_id(7), false));
}

#[test]
fn update_delete_by_id_at() {
    assert_snapshot!(
        "delete_by_id_at",
        render(&Post::delete_by_id_at(7, at()), false)
    );
    assert_snapshot!(
        "delete_by_id_at_naive",
        render(&Event::delete_by_id_at("evt-1".to_owned(), at()), false)
    );
}

#[test]
fn update_delete_where() {
    let filter = Cond::any()
        .add(Expr::col((PostColumn::Table, PostColumn::Title)).like("draft%"))
        .add(Expr::col((PostColumn::Table, PostColumn::Id)).gt(100));
    assert_snapshot!("delete_where", render(&Post::delete_where(filter), true));
}

#[test]
fn update_restore_by_id() {
    assert_snapshot!(
        "restore_by_id_timestamp",
        render(&Post::restore_by_id(7), false)
    );
    assert_snapshot!("restore_by_id_bool", render(&Flag::restore_by_id(7), false));
}

#[test]
fn update_restore_where() {
    let filter = Cond::all().add(Expr::col((FlagColumn::Table, FlagColumn::Name)).eq("x"));
    assert_snapshot!("restore_where", render(&Flag::restore_where(filter), false));
}

#[test]
fn update_row_methods() {
    let post = Post {
        id: 7,
        title: String::new(),
        body: String::new(),
        cached_len: 0,
        removed_at: Some(at()),
    };
    assert_eq!(
        post.restore().to_string(PostgresQueryBuilder),
        Post::restore_by_id(7).to_string(PostgresQueryBuilder)
    );
    assert_eq!(
        post.force_delete().to_string(PostgresQueryBuilder),
        Post::force_delete_by_id(7).to_string(PostgresQueryBuilder)
    );
    assert_eq!(
        post.delete().build(PostgresQueryBuilder).0,
        Post::delete_by_id(7).build(PostgresQueryBuilder).0
    );
}

#[test]
fn delete_force_delete_by_id() {
    assert_snapshot!(
        "force_delete_by_id",
        render(&Post::force_delete_by_id(7), false)
    );
}

#[test]
fn delete_force_delete_where() {
    let filter = Cond::all().add(Expr::col((FlagColumn::Table, FlagColumn::Name)).eq("x"));
    assert_snapshot!(
        "force_delete_where",
        render(&Flag::force_delete_where(filter), false)
    );
}
