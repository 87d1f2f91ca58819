//! The cached SQL of the handle's single-row statements
//! (`soft_delete::__private::rendered`) is exactly what sea-query renders
//! for the statement, SQL and values, for every backend and marker
//! configuration: on the first run (rendered, then kept) and on every run
//! after (the text from the cache, the values built without a statement).
//! Time values, read from the clock at each call, are compared by type and
//! by falling within the call.

// The models are never built: only their statements are.
#![allow(dead_code)]

use std::borrow::Cow;

use chrono::{DateTime, NaiveDateTime, Utc};
use sea_query::{
    Asterisk, DeleteStatement, Expr, ExprTrait as _, MysqlQueryBuilder, Order,
    PostgresQueryBuilder, Query, SelectStatement, SqliteQueryBuilder, UpdateStatement, Value,
    Values,
};
use soft_delete::__private::{rendered, Cached, Returning};
use soft_delete::sqlx::SoftDeleteExt as _;
use soft_delete::{Backend, Marker, SoftDelete, TrashMode};

const BACKENDS: [Backend; 3] = [Backend::Postgres, Backend::MySql, Backend::Sqlite];

#[derive(SoftDelete)]
#[soft_delete(table = "cache_posts")]
struct Post {
    id: i64,
    title: String,
    deleted_at: Option<DateTime<Utc>>,
}

/// The model of the one test on a database.
#[derive(Debug, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "cache_served")]
struct Served {
    id: i64,
    title: String,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "cache_events")]
struct Naive {
    id: i64,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "cache_accounts", style = "unix")]
struct Unix {
    id: i64,
    deleted_at: i64,
}

#[derive(SoftDelete)]
#[soft_delete(table = "cache_flags", style = "bool")]
struct Flag {
    id: i64,
    is_deleted: bool,
}

#[derive(SoftDelete)]
#[soft_delete(table = "cache_articles", updated_at = "updated_at")]
struct Touched {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "cache_notes", updated_at = "updated_at")]
struct NaiveTouched {
    id: i64,
    deleted_at: Option<NaiveDateTime>,
    updated_at: Option<NaiveDateTime>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "cache_toggles", style = "bool", updated_at = "updated_at")]
struct FlagTouched {
    id: i64,
    is_deleted: bool,
    updated_at: DateTime<Utc>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "cache_clocks", style = "unix", updated_at = "changed")]
struct UnixTouched {
    id: i64,
    deleted_at: i64,
    changed: NaiveDateTime,
}

#[derive(SoftDelete)]
#[soft_delete(table = "cache_documents", deleted_by = "deleted_by")]
struct Signed {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
    deleted_by: Option<i64>,
}

#[derive(SoftDelete)]
#[soft_delete(
    table = "cache_threads",
    cascade_id = "deletion_id",
    deleted_by = "deleted_by",
    updated_at = "updated_at",
    parent(Post = "post_id", Self = "parent_id")
)]
struct Everything {
    id: i64,
    post_id: i64,
    parent_id: Option<i64>,
    deleted_at: Option<DateTime<Utc>>,
    deleted_by: Option<String>,
    updated_at: DateTime<Utc>,
    deletion_id: Option<i64>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "cache_pages", now = "database", updated_at = "updated_at")]
struct DatabaseClock {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

#[derive(SoftDelete)]
#[soft_delete(table = "cache \"slugs\"", column = "gone at")]
struct Slug {
    #[soft_delete(primary_key)]
    slug: String,
    #[soft_delete(rename = "gone at")]
    deleted_at: Option<DateTime<Utc>>,
}

/// A generic model: no cache (one static would serve every `K`).
#[derive(SoftDelete)]
#[soft_delete(table = "cache_generic")]
struct Generic<K: Clone + Into<Value>> {
    id: K,
    deleted_at: Option<DateTime<Utc>>,
}

/// A hand-written impl: no cache either.
struct Manual {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ManualColumn {
    Id,
    DeletedAt,
}

impl sea_query::Iden for ManualColumn {
    fn unquoted(&self) -> &str {
        sea_query::IdenStatic::as_str(self)
    }
}

impl sea_query::IdenStatic for ManualColumn {
    fn as_str(&self) -> &'static str {
        match self {
            ManualColumn::Id => "id",
            ManualColumn::DeletedAt => "deleted_at",
        }
    }
}

impl SoftDelete for Manual {
    const TABLE: &'static str = "cache_manual";
    const PRIMARY_KEY: &'static str = "id";
    const COLUMNS: &'static [&'static str] = &["id", "deleted_at"];
    const MARKER: Marker = Marker::timestamp("deleted_at").with_updated_at("updated_at", true);
    type Id = i64;
    type Column = ManualColumn;

    fn id(&self) -> i64 {
        self.id
    }

    fn is_trashed(&self) -> bool {
        self.deleted_at.is_some()
    }
}

/// A statement sea-query builds, to render for any backend.
enum Built {
    Select(SelectStatement),
    Update(UpdateStatement),
    Delete(DeleteStatement),
}

impl Built {
    fn render(&self, backend: Backend) -> (String, Values) {
        macro_rules! on {
            ($statement:expr) => {
                match backend {
                    Backend::Postgres => $statement.build(PostgresQueryBuilder),
                    Backend::MySql => $statement.build(MysqlQueryBuilder),
                    Backend::Sqlite => $statement.build(SqliteQueryBuilder),
                }
            };
        }
        match self {
            Built::Select(statement) => on!(statement),
            Built::Update(statement) => on!(statement),
            Built::Delete(statement) => on!(statement),
        }
    }
}

/// What the handle ran before the cache, straight from the trait's
/// builders.
fn uncached<T: SoftDelete>(statement: Cached<T::Id>) -> Built {
    let returning = |mut update: UpdateStatement, returning| {
        if returning == Returning::Row {
            update.returning(Query::returning().columns(T::COLUMNS.iter().copied()));
        }
        Built::Update(update)
    };
    match statement {
        Cached::Find(id, mode) => Built::Select(T::find_in(id, mode)),
        Cached::List(mode) => {
            let mut select = T::query_in(mode);
            select.order_by((T::TABLE, T::PRIMARY_KEY), Order::Asc);
            Built::Select(select)
        }
        Cached::Count(mode) => {
            let mut select = Query::select();
            select
                .expr(Expr::col(Asterisk).count())
                .from(T::TABLE)
                .cond_where(T::scope(mode));
            Built::Select(select)
        }
        Cached::Delete(id, r) => returning(T::delete_by_id(id), r),
        Cached::Restore(id, r) => returning(T::restore_by_id(id), r),
        Cached::ForceDelete(id) => Built::Delete(T::force_delete_by_id(id)),
    }
}

/// Every statement the cache keeps, for the key `id`.
fn statements<Id: Clone>(id: &Id) -> Vec<Cached<Id>> {
    let mut all = Vec::new();
    for mode in TrashMode::ALL {
        all.push(Cached::Find(id.clone(), mode));
        all.push(Cached::List(mode));
        all.push(Cached::Count(mode));
    }
    for returning in [Returning::Row, Returning::Nothing] {
        all.push(Cached::Delete(id.clone(), returning));
        all.push(Cached::Restore(id.clone(), returning));
    }
    all.push(Cached::ForceDelete(id.clone()));
    all
}

/// `actual` holds the values of `expected`: equal, or both times of the
/// same type read within `[from, to]`.
fn same_values(expected: &Values, actual: &Values, (from, to): (DateTime<Utc>, DateTime<Utc>)) {
    assert_eq!(
        expected.0.len(),
        actual.0.len(),
        "{expected:?} / {actual:?}"
    );
    let within = |at: DateTime<Utc>| from <= at && at <= to;
    for (expected, actual) in expected.0.iter().zip(&actual.0) {
        let ok = match (expected, actual) {
            _ if expected == actual => true,
            (Value::ChronoDateTimeUtc(Some(a)), Value::ChronoDateTimeUtc(Some(b))) => {
                within(*a) && within(*b)
            }
            (Value::ChronoDateTime(Some(a)), Value::ChronoDateTime(Some(b))) => {
                within(a.and_utc()) && within(b.and_utc())
            }
            // Unix seconds.
            (Value::BigInt(Some(a)), Value::BigInt(Some(b))) => [a, b]
                .iter()
                .all(|s| (from.timestamp()..=to.timestamp()).contains(s)),
            _ => false,
        };
        assert!(ok, "expected {expected:?}, got {actual:?}");
    }
}

/// A soft delete's stamp and `updated_at` are one instant: so in its
/// values every time is the same one.
fn one_instant(values: &Values) {
    let instants: Vec<DateTime<Utc>> = values
        .0
        .iter()
        .filter_map(|value| match value {
            Value::ChronoDateTimeUtc(Some(at)) => Some(*at),
            Value::ChronoDateTime(Some(at)) => Some(at.and_utc()),
            _ => None,
        })
        .collect();
    assert!(
        instants.windows(2).all(|pair| pair[0] == pair[1]),
        "{values:?}"
    );
}

fn placeholders(sql: &str, backend: Backend) -> usize {
    match backend {
        Backend::Postgres => (1..=9).filter(|n| sql.contains(&format!("${n}"))).count(),
        Backend::MySql | Backend::Sqlite => sql.matches('?').count(),
    }
}

/// Every statement of `T` on every backend, run twice through `rendered`:
/// the first run renders (and keeps the text when `cached`), the second
/// takes it from the cache; both are what sea-query renders.
fn check<T: SoftDelete<Id: Clone + std::fmt::Debug>>(id: &T::Id, cached: bool) {
    assert_eq!(T::__SQL_CACHE_KEY.is_some(), cached, "{}", T::TABLE);
    for backend in BACKENDS {
        for statement in statements(id) {
            for run in ["first", "second"] {
                let from = Utc::now();
                let (sql, values) = rendered::<T>(statement.clone(), backend);
                let (expected_sql, expected_values) =
                    uncached::<T>(statement.clone()).render(backend);
                let to = Utc::now();
                let what = format!("{} {statement:?} on {backend:?}, {run} run", T::TABLE);
                let hit = matches!(sql, Cow::Borrowed(_));
                assert_eq!(hit, cached && run == "second", "{what}");
                assert_eq!(sql, expected_sql, "{what}");
                same_values(&expected_values, &values, (from, to));
                assert_eq!(placeholders(&sql, backend), values.0.len(), "{what}");
                if let Cached::Delete(..) = statement {
                    one_instant(&values);
                }
            }
        }
    }
}

#[test]
fn timestamp_markers_with_and_without_time_zone() {
    check::<Post>(&7, true);
    check::<Naive>(&7, true);
}

#[test]
fn unix_and_bool_markers() {
    check::<Unix>(&7, true);
    check::<Flag>(&7, true);
}

#[test]
fn updated_at_of_every_marker_style() {
    check::<Touched>(&7, true);
    check::<NaiveTouched>(&7, true);
    check::<FlagTouched>(&7, true);
    check::<UnixTouched>(&7, true);
}

#[test]
fn deleted_by_and_cascade_id() {
    check::<Signed>(&7, true);
    check::<Everything>(&7, true);
}

#[test]
fn database_clock() {
    check::<DatabaseClock>(&7, true);
}

#[test]
fn text_keys_and_quoted_names() {
    check::<Slug>(&"it's \"a\" $1 ?".to_owned(), true);
}

#[test]
fn generic_and_hand_written_models_render_every_time() {
    check::<Generic<i64>>(&7, false);
    check::<Generic<String>>(&"x".to_owned(), false);
    check::<Manual>(&7, false);
}

/// The handle runs the cached statements: each one's text is in the cache
/// once the handle has run it, and every run returns what the database
/// holds.
#[tokio::test]
async fn the_handle_fills_and_uses_the_cache() -> Result<(), Box<dyn std::error::Error>> {
    let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    sqlx::raw_sql(
        "CREATE TABLE cache_served (id INTEGER PRIMARY KEY, title TEXT NOT NULL, deleted_at TEXT);
         INSERT INTO cache_served (id, title) VALUES (1, 'one'), (2, 'two');",
    )
    .execute(&pool)
    .await?;
    let kept = [
        Cached::Find(1, TrashMode::WithoutTrashed),
        Cached::Find(1, TrashMode::OnlyTrashed),
        Cached::List(TrashMode::WithoutTrashed),
        Cached::Count(TrashMode::OnlyTrashed),
        Cached::Delete(1, Returning::Row),
        Cached::Restore(1, Returning::Row),
    ];
    // A statement not in the cache would be rendered here, and `Owned`.
    let in_cache = |statement| {
        matches!(
            rendered::<Served>(statement, Backend::Sqlite).0,
            Cow::Borrowed(_)
        )
    };
    let posts = Served::on(&pool);
    // Twice: the first round fills the cache, the second runs from it.
    for round in 0..2 {
        let deleted = posts.delete(1).await?.expect("post 1 is live");
        assert!(deleted.deleted_at.is_some());
        assert!(posts.delete(1).await?.is_none(), "already trashed");
        let trashed = posts.find_in(1, TrashMode::OnlyTrashed).await?;
        assert_eq!(trashed.map(|post| post.id), Some(1));
        assert!(posts.find(1).await?.is_none());
        assert_eq!(posts.list(TrashMode::WithoutTrashed).await?.len(), 1);
        assert_eq!(posts.count(TrashMode::OnlyTrashed).await?, 1);
        let restored = posts.restore(1).await?.expect("post 1 is trashed");
        assert_eq!(
            (restored.title.as_str(), restored.deleted_at),
            ("one", None)
        );
        assert!(posts.restore(1).await?.is_none(), "live already");
        assert_eq!(
            posts.find(1).await?.map(|post| post.title),
            Some("one".to_owned())
        );
        if round == 0 {
            // Rendered by the handle's runs, not by `in_cache`'s.
            assert!(kept.iter().all(|statement| in_cache(*statement)));
        }
    }
    assert!(posts.force_delete(2).await?);
    assert!(!posts.force_delete(2).await?);
    assert!(in_cache(Cached::ForceDelete(1)));
    let left: Vec<Served> = posts.list(TrashMode::WithTrashed).await?;
    assert_eq!(left.iter().map(|post| post.id).collect::<Vec<_>>(), [1]);
    Ok(())
}
