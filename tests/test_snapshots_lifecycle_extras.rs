//! The SQL of the statements beyond the basic lifecycle, pinned for
//! PostgreSQL, MySQL and SQLite: bounded purges, `deleted_by`, cascades, the
//! Unix style, the database clock and the schema helpers. One snapshot per
//! statement kind, each showing the three backends with their placeholders
//! and bound values (those read from the clock shown by type only).

use std::num::NonZeroU32;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use insta::assert_snapshot;
use sea_query::{
    ColumnDef, Cond, Expr, ExprTrait, MysqlQueryBuilder, PostgresQueryBuilder,
    QueryStatementWriter, SqliteQueryBuilder, Table, UpdateStatement, Value,
};
use soft_delete::{Backend, Schema, SoftDelete};

/// A comment, cascaded from its post; it records who deleted it too.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "comments", deleted_by = "deleted_by")]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub body: String,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deleted_by: Option<String>,
}

/// An attachment, the post's second child; no `deleted_by`.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "attachments")]
pub struct Attachment {
    pub id: i64,
    #[soft_delete(rename = "owner_post_id")]
    pub post_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A post with two cascaded children and `deleted_by`. A cascade writes one
/// actor into the parent's and the children's `deleted_by`, so they share a
/// type.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(
    table = "posts",
    deleted_by = "deleted_by",
    cascade(Comment = "post_id", Attachment = "owner_post_id")
)]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deleted_by: Option<String>,
}

/// `deleted_by` holding a user's numeric id.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "tickets", deleted_by = "deleted_by")]
pub struct Ticket {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deleted_by: Option<i64>,
}

/// A generic parent: its cascade is checked when `CHILDREN` is used.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "threads", cascade(Comment = "post_id"))]
pub struct Thread<K: Clone + Into<Value>> {
    pub id: K,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A naive-UTC timestamp marker.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "events")]
pub struct Event {
    pub id: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

/// A bool marker.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "flags", style = "bool")]
pub struct Flag {
    pub id: i64,
    pub name: String,
    pub is_deleted: bool,
}

/// A Unix-seconds child.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "session_tokens", style = "unix")]
pub struct SessionToken {
    pub id: i64,
    pub session_id: i64,
    pub deleted_at: i64,
}

/// A Unix-seconds marker with a cascade.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(
    table = "sessions",
    style = "unix",
    cascade(SessionToken = "session_id")
)]
pub struct Session {
    pub id: i64,
    pub user_email: String,
    pub deleted_at: i64,
}

/// A child of a model stamped by the database's clock.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "audit_lines")]
pub struct AuditLine {
    pub id: i64,
    pub audit_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Stamped by the database's clock.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "audits", now = "database", cascade(AuditLine = "audit_id"))]
pub struct Audit {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A child that records when it last changed.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "revisions", updated_at = "updated_at")]
pub struct Revision {
    pub id: i64,
    pub page_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// A parent that records when it last changed, in UTC without zone.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(
    table = "pages",
    updated_at = "updated_at",
    cascade(Revision = "page_id")
)]
pub struct Page {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Stamped by the database's clock, `updated_at` too.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "clocked_pages", now = "database", updated_at = "updated_at")]
pub struct ClockedPage {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

const BACKENDS: [(&str, Backend); 3] = [
    ("PostgreSQL", Backend::Postgres),
    ("MySQL", Backend::MySql),
    ("SQLite", Backend::Sqlite),
];

/// Unix seconds after this are read from the clock (2001-09-09); the keys
/// and times these tests write are far below or fixed.
const CLOCK_SECONDS: i64 = 1_000_000_000;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()
}

fn batch() -> NonZeroU32 {
    NonZeroU32::new(500).unwrap()
}

/// A bound value, or its type only when it depends on the clock.
fn show(value: &Value, clock_values: bool) -> String {
    match value {
        Value::ChronoDateTimeUtc(Some(_)) if clock_values => "<now as DateTime<Utc>>".to_owned(),
        Value::ChronoDateTime(Some(_)) if clock_values => "<now as NaiveDateTime>".to_owned(),
        Value::BigInt(Some(seconds)) if clock_values && *seconds > CLOCK_SECONDS => {
            "<now as Unix seconds>".to_owned()
        }
        // SQLite compares times as `YYYY-MM-DD HH:MM:SS` + nine digits.
        Value::String(Some(text)) if clock_values && is_sqlite_time(text) => {
            "<now as SQLite time text>".to_owned()
        }
        _ => format!("{value:?}"),
    }
}

fn is_sqlite_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 28 && bytes[4] == b'-' && bytes[10] == b' ' && bytes[19].is_ascii_digit()
}

/// One statement on one backend: its SQL, then its bound values.
fn build(statement: &impl QueryStatementWriter, backend: Backend, clock_values: bool) -> String {
    let (sql, values) = match backend {
        Backend::Postgres => statement.build(PostgresQueryBuilder),
        Backend::MySql => statement.build(MysqlQueryBuilder),
        Backend::Sqlite => statement.build(SqliteQueryBuilder),
    };
    let values: Vec<String> = values
        .0
        .iter()
        .map(|value| show(value, clock_values))
        .collect();
    format!("{sql}\n   values: [{}]\n", values.join(", "))
}

/// The statement `make` builds for each backend (it may depend on it).
fn render<S: QueryStatementWriter>(make: impl Fn(Backend) -> S, clock_values: bool) -> String {
    BACKENDS
        .iter()
        .map(|&(name, backend)| {
            format!(
                "-- {name}\n{}",
                build(&make(backend), backend, clock_values)
            )
        })
        .collect()
}

/// The statements of a cascade, numbered in the order to run them, for each
/// backend.
fn render_cascade(make: impl Fn(Backend) -> Vec<UpdateStatement>, clock_values: bool) -> String {
    BACKENDS
        .iter()
        .map(|&(name, backend)| {
            let statements: String = make(backend)
                .iter()
                .enumerate()
                .map(|(index, statement)| {
                    format!("{}. {}", index + 1, build(statement, backend, clock_values))
                })
                .collect();
            format!("-- {name}\n{statements}")
        })
        .collect()
}

/// Schema DDL for each backend.
fn render_ddl(make: impl Fn(Backend) -> Vec<String>) -> String {
    BACKENDS
        .iter()
        .map(|&(name, backend)| format!("-- {name}\n{}\n", make(backend).join(";\n")))
        .collect()
}

#[test]
fn purge_trashed_before() {
    assert_snapshot!(
        "purge_trashed_before",
        render(|backend| Post::purge_trashed_before(at(), backend), false)
    );
    assert_snapshot!(
        "purge_trashed_before_naive",
        render(|backend| Event::purge_trashed_before(at(), backend), false)
    );
}

#[test]
fn purge_trashed_before_batch() {
    assert_snapshot!(
        "purge_trashed_before_batch",
        render(
            |backend| Post::purge_trashed_before_batch(at(), batch(), backend),
            false
        )
    );
    assert_snapshot!(
        "purge_trashed_before_batch_naive",
        render(
            |backend| Event::purge_trashed_before_batch(at(), batch(), backend),
            false
        )
    );
    assert_snapshot!(
        "purge_trashed_before_batch_unix",
        render(
            |backend| Session::purge_trashed_before_batch(at(), batch(), backend),
            false
        )
    );
}

#[test]
fn delete_by_id_as() {
    assert_snapshot!(
        "delete_by_id_as",
        render(|_| Post::delete_by_id_as(7, "alice"), true)
    );
    assert_snapshot!(
        "delete_by_id_as_integer_actor",
        render(|_| Ticket::delete_by_id_as(7, 42), true)
    );
}

#[test]
fn delete_where_as() {
    let filter =
        || Cond::all().add(Expr::col((PostColumn::Table, PostColumn::Title)).like("draft%"));
    assert_snapshot!(
        "delete_where_as",
        render(|_| Post::delete_where_as(filter(), "alice"), true)
    );
}

#[test]
fn delete_as_is_delete_by_id_as_of_the_row() {
    let post = Post {
        id: 7,
        title: String::new(),
        deleted_at: None,
        deleted_by: None,
    };
    assert_eq!(
        post.delete_as("alice").build(PostgresQueryBuilder).0,
        Post::delete_by_id_as(7, "alice")
            .build(PostgresQueryBuilder)
            .0
    );
}

#[test]
fn restore_clears_deleted_by() {
    assert_snapshot!(
        "restore_by_id_with_deleted_by",
        render(|_| Post::restore_by_id(7), false)
    );
    let filter = || Cond::all().add(Expr::col((PostColumn::Table, PostColumn::Title)).eq("x"));
    assert_snapshot!(
        "restore_where_with_deleted_by",
        render(|_| Post::restore_where(filter()), false)
    );
}

#[test]
fn cascade_delete() {
    assert_snapshot!(
        "cascade_delete_by_id_at",
        render_cascade(
            |backend| Post::cascade_delete_by_id_at(7, at(), backend),
            false
        )
    );
    assert_snapshot!(
        "cascade_delete_by_id",
        render_cascade(|backend| Post::cascade_delete_by_id(7, backend), true)
    );
    assert_snapshot!(
        "cascade_delete_by_id_as",
        render_cascade(
            |backend| Post::cascade_delete_by_id_as(7, "alice", backend),
            true
        )
    );
}

#[test]
fn cascade_restore() {
    assert_snapshot!(
        "cascade_restore_by_id",
        render_cascade(|_| Post::cascade_restore_by_id(7), false)
    );
}

#[test]
fn cascade_from_a_generic_parent() {
    assert_eq!(Thread::<i64>::CHILDREN[0].table, "comments");
    assert_eq!(
        Thread::<i64>::cascade_delete_by_id_at(7, at(), Backend::Postgres)[1]
            .to_string(PostgresQueryBuilder),
        r#"UPDATE "comments" SET "deleted_at" = (SELECT "threads"."deleted_at" FROM "threads" WHERE "threads"."id" = 7) WHERE "comments"."post_id" = 7 AND (SELECT "threads"."deleted_at" FROM "threads" WHERE "threads"."id" = 7) IS NOT NULL AND "comments"."deleted_at" IS NULL"#
    );
}

#[test]
fn cascade_without_children_is_the_plain_statement() {
    assert_eq!(
        Event::cascade_delete_by_id_at(7, at(), Backend::Postgres)
            .iter()
            .map(|statement| statement.to_string(PostgresQueryBuilder))
            .collect::<Vec<_>>(),
        [Event::delete_by_id_at(7, at()).to_string(PostgresQueryBuilder)]
    );
    assert_eq!(
        Event::cascade_restore_by_id(7)
            .iter()
            .map(|statement| statement.to_string(PostgresQueryBuilder))
            .collect::<Vec<_>>(),
        [Event::restore_by_id(7).to_string(PostgresQueryBuilder)]
    );
}

/// An active flag: `TRUE` while live.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "members", style = "active", unique(email))]
pub struct Member {
    pub id: i64,
    pub email: String,
    pub is_active: bool,
}

#[test]
fn active_style() {
    assert_snapshot!("active_query", render(|_| Member::query(), false));
    assert_snapshot!(
        "active_only_trashed",
        render(|_| Member::only_trashed(), false)
    );
    assert_snapshot!(
        "active_delete_by_id",
        render(|_| Member::delete_by_id(7), false)
    );
    assert_snapshot!(
        "active_restore_by_id",
        render(|_| Member::restore_by_id(7), false)
    );
    assert_snapshot!("active_create_table", render_ddl(create_table::<Member>));
    assert_snapshot!("active_unique_indexes", render_ddl(Member::unique_indexes));
}

#[test]
fn unix_style() {
    assert_snapshot!("unix_query", render(|_| Session::query(), false));
    assert_snapshot!(
        "unix_only_trashed",
        render(|_| Session::only_trashed(), false)
    );
    assert_snapshot!(
        "unix_delete_by_id",
        render(|_| Session::delete_by_id(7), true)
    );
    assert_snapshot!(
        "unix_delete_by_id_at",
        render(|_| Session::delete_by_id_at(7, at()), false)
    );
    assert_snapshot!(
        "unix_restore_by_id",
        render(|_| Session::restore_by_id(7), false)
    );
    assert_snapshot!(
        "unix_purge_trashed_before",
        render(
            |backend| Session::purge_trashed_before(at(), backend),
            false
        )
    );
    assert_snapshot!(
        "unix_cascade_delete_by_id_at",
        render_cascade(
            |backend| Session::cascade_delete_by_id_at(7, at(), backend),
            false
        )
    );
    assert_snapshot!(
        "unix_cascade_restore_by_id",
        render_cascade(|_| Session::cascade_restore_by_id(7), false)
    );
}

#[test]
fn database_clock() {
    assert_snapshot!(
        "database_clock_delete_by_id",
        render(|_| Audit::delete_by_id(7), false)
    );
    let filter = || Cond::all().add(Expr::col((AuditColumn::Table, AuditColumn::Id)).gt(100));
    assert_snapshot!(
        "database_clock_delete_where",
        render(|_| Audit::delete_where(filter()), false)
    );
    // A given time is the given time, whatever the clock.
    assert_snapshot!(
        "database_clock_delete_by_id_at",
        render(|_| Audit::delete_by_id_at(7, at()), false)
    );
    assert_snapshot!(
        "database_clock_cascade_delete_by_id",
        render_cascade(|backend| Audit::cascade_delete_by_id(7, backend), true)
    );
}

#[test]
fn updated_at() {
    // The given instant in both columns, each bound as its column's type.
    assert_snapshot!(
        "updated_at_delete_by_id_at",
        render(|_| Page::delete_by_id_at(7, at()), false)
    );
    assert_snapshot!(
        "updated_at_delete_by_id",
        render(|_| Page::delete_by_id(7), true)
    );
    assert_snapshot!(
        "updated_at_restore_by_id",
        render(|_| Page::restore_by_id(7), true)
    );
    assert_snapshot!(
        "updated_at_cascade_delete_by_id_at",
        render_cascade(
            |backend| Page::cascade_delete_by_id_at(7, at(), backend),
            false
        )
    );
    assert_snapshot!(
        "updated_at_cascade_restore_by_id",
        render_cascade(|_| Page::cascade_restore_by_id(7), true)
    );
    assert_snapshot!(
        "updated_at_database_clock",
        render(|_| ClockedPage::delete_by_id(7), false)
    );
}

/// `CREATE TABLE` of a model's columns, its marker from `marker_column`.
fn create_table<T: SoftDelete>(backend: Backend) -> Vec<String> {
    let mut create = Table::create();
    create
        .table(T::TABLE)
        .col(ColumnDef::new(T::PRIMARY_KEY).big_integer().primary_key());
    for column in T::COLUMNS {
        if *column != T::PRIMARY_KEY && *column != T::MARKER.column {
            create.col(ColumnDef::new(*column).string().not_null());
        }
    }
    create.col(Schema::new(backend).marker_column::<T>());
    vec![backend.render(&create)]
}

#[test]
fn schema_marker_column() {
    assert_snapshot!("create_table_timestamp", render_ddl(create_table::<Audit>));
    assert_snapshot!("create_table_naive", render_ddl(create_table::<Event>));
    assert_snapshot!("create_table_bool", render_ddl(create_table::<Flag>));
    assert_snapshot!("create_table_unix", render_ddl(create_table::<Session>));
}

#[test]
fn schema_add_marker_column() {
    let add = |backend: Backend| {
        vec![
            backend.render(&Schema::new(backend).add_marker_column::<Audit>()),
            backend.render(&Schema::new(backend).add_marker_column::<Event>()),
            backend.render(&Schema::new(backend).add_marker_column::<Flag>()),
            backend.render(&Schema::new(backend).add_marker_column::<Session>()),
        ]
    };
    assert_snapshot!("add_marker_column", render_ddl(add));
}

#[test]
fn schema_marker_index() {
    let index = |backend: Backend| {
        vec![
            backend.render(&Schema::new(backend).marker_index::<Audit>()),
            backend.render(&Schema::new(backend).marker_index::<Flag>()),
        ]
    };
    assert_snapshot!("marker_index", render_ddl(index));
}

#[test]
fn schema_live_index() {
    let index = |backend: Backend| {
        vec![
            backend.render(
                &Schema::new(backend)
                    .live_index::<Post>(&[PostColumn::Title])
                    .expect("columns"),
            ),
            backend.render(
                &Schema::new(backend)
                    .live_index::<Comment>(&[CommentColumn::PostId, CommentColumn::Id])
                    .expect("columns"),
            ),
            backend.render(
                &Schema::new(backend)
                    .live_index::<Flag>(&[FlagColumn::Name])
                    .expect("columns"),
            ),
            backend.render(
                &Schema::new(backend)
                    .live_index::<Session>(&[SessionColumn::UserEmail])
                    .expect("columns"),
            ),
        ]
    };
    assert_snapshot!("live_index", render_ddl(index));
}

#[test]
fn schema_unique_among_live() {
    assert_snapshot!(
        "unique_among_live_timestamp",
        render_ddl(|backend| Schema::new(backend)
            .unique_among_live::<Post>(&[PostColumn::Title])
            .expect("columns"))
    );
    assert_snapshot!(
        "unique_among_live_two_columns",
        render_ddl(|backend| {
            Schema::new(backend)
                .unique_among_live::<Comment>(&[CommentColumn::PostId, CommentColumn::Body])
                .expect("columns")
        })
    );
    assert_snapshot!(
        "unique_among_live_bool",
        render_ddl(|backend| Schema::new(backend)
            .unique_among_live::<Flag>(&[FlagColumn::Name])
            .expect("columns"))
    );
    assert_snapshot!(
        "unique_among_live_unix",
        render_ddl(|backend| {
            Schema::new(backend)
                .unique_among_live::<Session>(&[SessionColumn::UserEmail])
                .expect("columns")
        })
    );
}
