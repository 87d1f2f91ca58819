//! Live views executed on SQLite, PostgreSQL and MariaDB: `live_view`
//! creates a view that hand-written SQL reads, showing exactly the live rows
//! before and after soft deletes and restores, for every marker style; a
//! table name near the identifier limit gets a view name that fits; a view
//! name of one's own is quoted; `drop_live_view` removes the view.

mod common;

use chrono::{DateTime, NaiveDateTime, Utc};
use common::TestBackend as _;
use common::{Db, FromRow, Row, SqlType};
use sea_query::Query;
use soft_delete::{Backend, Schema, SchemaError, SoftDelete};

/// Timestamp marker with time zone.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "posts")]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Timestamp marker without time zone.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "events")]
pub struct Event {
    pub id: i64,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
}

/// Bool marker.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "flags", style = "bool")]
pub struct Flag {
    pub id: i64,
    pub title: String,
    pub is_deleted: bool,
}

/// Unix-seconds marker.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "sessions", style = "unix")]
pub struct Session {
    pub id: i64,
    pub title: String,
    pub deleted_at: i64,
}

/// A table name of 60 characters: `<table>_live` would be 65.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "a_table_named_with_sixty_characters_to_check_identifier_size")]
pub struct LongTable {
    pub id: i64,
    pub title: String,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A model of this file: the columns `id` and `title`, and its marker.
trait Model: SoftDelete<Id = i64> {
    /// The marker's column type in the harness.
    const MARKER_TYPE: SqlType;
}

impl Model for Post {
    const MARKER_TYPE: SqlType = SqlType::TimestampTz;
}
impl Model for Event {
    const MARKER_TYPE: SqlType = SqlType::Timestamp;
}
impl Model for Flag {
    const MARKER_TYPE: SqlType = SqlType::Bool;
}
impl Model for Session {
    const MARKER_TYPE: SqlType = SqlType::BigInt;
}
impl Model for LongTable {
    const MARKER_TYPE: SqlType = SqlType::TimestampTz;
}

/// A row read from a view by hand-written SQL.
#[derive(Debug, PartialEq, Eq)]
struct Titled(i64, String);

impl FromRow for Titled {
    fn from_row(row: &Row<'_>) -> Self {
        Titled(row.get("id"), row.get("title"))
    }
}

/// Creates `T`'s table with rows 1, 2 and 3, all live.
async fn seed<T: Model>(db: &Db) {
    db.create_table(
        T::TABLE,
        &[
            ("id", SqlType::Id),
            ("title", SqlType::Text),
            (T::MARKER.column, T::MARKER_TYPE),
        ],
    )
    .await;
    // Timestamp markers default to NULL and bool ones to FALSE; a Unix
    // marker, `NOT NULL` without a default here, is written as 0.
    let unix = T::MARKER_TYPE == SqlType::BigInt;
    let mut columns = vec!["id", "title"];
    if unix {
        columns.push(T::MARKER.column);
    }
    let mut insert = Query::insert();
    insert.into_table(T::TABLE).columns(columns);
    for id in 1..=3_i64 {
        let mut values = vec![id.into(), format!("row {id}").into()];
        if unix {
            values.push(0_i64.into());
        }
        insert.values_panic(values);
    }
    db.execute(&insert).await;
}

/// `SELECT id, title FROM <view>` by hand, as a reporting tool would.
async fn read_view(db: &Db, view: &str) -> Vec<i64> {
    let sql = format!(
        "SELECT id, title FROM {} ORDER BY id",
        db.backend().quote(view)
    );
    db.fetch_sql::<Titled>(&sql)
        .await
        .into_iter()
        .map(|row| {
            assert_eq!(row.1, format!("row {}", row.0), "{}: {sql}", db.backend());
            row.0
        })
        .collect()
}

/// The view follows deletes and restores: it always holds what `query()`
/// returns.
async fn follows_the_lifecycle<T: Model>(db: &Db) {
    let backend = db.backend();
    let what = format!("{backend}: {}", T::TABLE);
    seed::<T>(db).await;
    let view = Schema::new(backend.schema()).live_view_name::<T>();
    assert!(view.len() <= 63, "{what}: {view}");
    db.raw(&Schema::new(backend.schema()).live_view::<T>())
        .await;

    assert_eq!(read_view(db, &view).await, [1, 2, 3], "{what}");
    assert_eq!(db.execute(&T::delete_by_id(2)).await, 1, "{what}");
    assert_eq!(read_view(db, &view).await, [1, 3], "{what}: after delete");
    assert_eq!(
        read_view(db, &view).await,
        db.ids::<T>(&T::query()).await,
        "{what}"
    );
    assert_eq!(db.execute(&T::delete_by_id(3)).await, 1, "{what}");
    assert_eq!(read_view(db, &view).await, [1], "{what}: after two deletes");
    assert_eq!(db.execute(&T::restore_by_id(2)).await, 1, "{what}");
    assert_eq!(read_view(db, &view).await, [1, 2], "{what}: after restore");
    assert_eq!(db.execute(&T::force_delete_by_id(1)).await, 1, "{what}");
    assert_eq!(
        read_view(db, &view).await,
        [2],
        "{what}: after force delete"
    );

    // Dropped, it can be created again; dropping twice is no error.
    db.raw(&Schema::new(backend.schema()).drop_live_view::<T>())
        .await;
    db.raw(&Schema::new(backend.schema()).drop_live_view::<T>())
        .await;
    db.raw(&Schema::new(backend.schema()).live_view::<T>())
        .await;
    assert_eq!(read_view(db, &view).await, [2], "{what}: recreated");
}

#[tokio::test]
async fn live_view_shows_the_live_rows_through_deletes_and_restores() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        follows_the_lifecycle::<Post>(&db).await;
        follows_the_lifecycle::<Event>(&db).await;
        follows_the_lifecycle::<Flag>(&db).await;
        follows_the_lifecycle::<Session>(&db).await;
    }
}

#[tokio::test]
async fn live_view_of_a_long_table_name_fits_every_database() {
    assert_eq!(LongTable::TABLE.len(), 60);
    let name = Schema::new(Backend::Sqlite).live_view_name::<LongTable>();
    assert_eq!(name.len(), 63, "{name}");
    assert!(name.starts_with("a_table_named_with_sixty_characters_to_check_"));
    assert!(name.ends_with("_live"), "{name}");
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        follows_the_lifecycle::<LongTable>(&db).await;
        // The catalog holds the name as given: PostgreSQL did not cut it.
        let sql = match backend {
            common::Backend::Sqlite => format!(
                "SELECT name FROM sqlite_master WHERE type = 'view' AND name = '{name}'"
            ),
            common::Backend::Postgres => format!(
                "SELECT viewname::text AS name FROM pg_views WHERE schemaname = current_schema() AND viewname = '{name}'"
            ),
            common::Backend::MySql => format!(
                "SELECT CAST(table_name AS CHAR) AS name FROM information_schema.views WHERE table_schema = DATABASE() AND table_name = '{name}'"
            ),
        };
        let names: Vec<String> = db
            .fetch_sql::<Name>(&sql)
            .await
            .into_iter()
            .map(|name| name.0)
            .collect();
        assert_eq!(names, [name.as_str()], "{backend}: {sql}");
    }
}

/// One name, from a catalog query.
struct Name(String);

impl FromRow for Name {
    fn from_row(row: &Row<'_>) -> Self {
        Name(row.get("name"))
    }
}

#[tokio::test]
async fn live_view_under_a_name_of_ones_own() {
    // Both quote characters inside: each backend must quote its own.
    let name = r#"reporting "posts" `live`"#;
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        seed::<Post>(&db).await;
        let create = Schema::new(backend.schema())
            .live_view_named::<Post>(name)
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        db.raw(&create).await;
        assert_eq!(db.execute(&Post::delete_by_id(1)).await, 1, "{backend}");
        assert_eq!(read_view(&db, name).await, [2, 3], "{backend}");
        // The default view is another view, not created here.
        let drop = Schema::new(backend.schema())
            .drop_live_view_named(name)
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        db.raw(&drop).await;
        db.raw(&create).await;
        assert_eq!(read_view(&db, name).await, [2, 3], "{backend}: recreated");
    }
}

#[test]
fn a_view_name_that_no_database_keeps_is_an_error() {
    let too_long = "v".repeat(64);
    for name in ["", too_long.as_str()] {
        let expected = Err(SchemaError::InvalidName {
            name: name.to_owned(),
        });
        assert_eq!(
            Schema::new(Backend::Postgres).live_view_named::<Post>(name),
            expected
        );
        assert_eq!(
            Schema::new(Backend::MySql).drop_live_view_named(name),
            expected
        );
    }
    assert!(Schema::new(Backend::MySql)
        .live_view_named::<Post>(&"v".repeat(63))
        .is_ok());
}
