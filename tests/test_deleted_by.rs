//! Who deleted a row (`deleted_by = "..."`), executed on SQLite, PostgreSQL
//! and MariaDB for every marker style: `delete_by_id_as`, `delete_where_as`
//! and `row.delete_as` set the actor in the same UPDATE as the marker; a
//! second delete keeps the first actor and time; restores clear it; a plain
//! delete records no actor; cascades record it on the parent and on the
//! children that have the column.

mod common;

use std::fmt::Debug;

use chrono::{DateTime, Duration, Utc};
use common::TestBackend as _;
use common::{Backend, Db, FromRow, Row, SqlType};
use sea_query::{Cond, Expr, ExprTrait, Query, Value};
use soft_delete::{RecordsDeletedBy, SoftDelete, TrashMode};

/// Timestamp marker, actor by name.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "documents", deleted_by = "deleted_by")]
struct Document {
    id: i64,
    owner_id: i64,
    deleted_at: Option<DateTime<Utc>>,
    deleted_by: Option<String>,
}

/// Bool marker, actor by user id, under another column name.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "tickets", style = "bool", deleted_by = "removed_by")]
struct Ticket {
    id: i64,
    owner_id: i64,
    is_deleted: bool,
    removed_by: Option<i64>,
}

/// Unix marker, actor by name.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "sessions", style = "unix", deleted_by = "deleted_by")]
struct Session {
    id: i64,
    owner_id: i64,
    deleted_at: i64,
    deleted_by: Option<String>,
}

impl FromRow for Document {
    fn from_row(row: &Row<'_>) -> Self {
        Document {
            id: row.get("id"),
            owner_id: row.get("owner_id"),
            deleted_at: row.get("deleted_at"),
            deleted_by: row.get("deleted_by"),
        }
    }
}

impl FromRow for Ticket {
    fn from_row(row: &Row<'_>) -> Self {
        Ticket {
            id: row.get("id"),
            owner_id: row.get("owner_id"),
            is_deleted: row.get("is_deleted"),
            removed_by: row.get("removed_by"),
        }
    }
}

impl FromRow for Session {
    fn from_row(row: &Row<'_>) -> Self {
        Session {
            id: row.get("id"),
            owner_id: row.get("owner_id"),
            deleted_at: row.get("deleted_at"),
            deleted_by: row.get("deleted_by"),
        }
    }
}

/// A model of this file: `id`, `owner_id`, a marker and an actor column.
trait Model: SoftDelete<Id = i64> + RecordsDeletedBy + FromRow + Clone + PartialEq + Debug {
    type Actor: Into<Value> + Clone + PartialEq + Debug;
    /// The marker column's DDL.
    fn marker_type(backend: Backend) -> &'static str;
    /// The actor column's DDL (nullable).
    fn actor_type(backend: Backend) -> &'static str;
    /// Five distinct actors.
    fn actors() -> [Self::Actor; 5];
    /// The recorded actor of this row.
    fn actor(&self) -> Option<Self::Actor>;
}

fn nullable_text(backend: Backend) -> &'static str {
    match backend {
        Backend::MySql => "VARCHAR(255) NULL",
        Backend::Sqlite | Backend::Postgres => "TEXT NULL",
    }
}

fn unix_marker(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "INTEGER NOT NULL DEFAULT 0",
        Backend::Postgres | Backend::MySql => "BIGINT NOT NULL DEFAULT 0",
    }
}

impl Model for Document {
    type Actor = String;
    fn marker_type(backend: Backend) -> &'static str {
        backend.column_type(SqlType::TimestampTz)
    }
    fn actor_type(backend: Backend) -> &'static str {
        nullable_text(backend)
    }
    fn actors() -> [String; 5] {
        ["alice", "bob", "carol", "dave", "erin"].map(String::from)
    }
    fn actor(&self) -> Option<String> {
        self.deleted_by.clone()
    }
}

impl Model for Ticket {
    type Actor = i64;
    fn marker_type(backend: Backend) -> &'static str {
        backend.column_type(SqlType::Bool)
    }
    fn actor_type(backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => "INTEGER NULL",
            Backend::Postgres | Backend::MySql => "BIGINT NULL",
        }
    }
    fn actors() -> [i64; 5] {
        [101, 102, 103, 104, 105]
    }
    fn actor(&self) -> Option<i64> {
        self.removed_by
    }
}

impl Model for Session {
    type Actor = String;
    fn marker_type(backend: Backend) -> &'static str {
        unix_marker(backend)
    }
    fn actor_type(backend: Backend) -> &'static str {
        nullable_text(backend)
    }
    fn actors() -> [String; 5] {
        ["ann", "ben", "cat", "dan", "eve"].map(String::from)
    }
    fn actor(&self) -> Option<String> {
        self.deleted_by.clone()
    }
}

/// The table of `T` holding live rows 1, 2, 3 (owner 1) and 4, 5 (owner 2).
async fn table<T: Model>(backend: Backend) -> Db {
    let db = Db::connect(backend).await;
    let actor = T::MARKER.deleted_by.expect("a model with deleted_by");
    db.raw(&format!(
        "CREATE TABLE {} (id {}, owner_id {}, {} {}, {} {})",
        backend.quote(T::TABLE),
        backend.column_type(SqlType::Id),
        backend.column_type(SqlType::BigInt),
        backend.quote(T::MARKER.column),
        T::marker_type(backend),
        backend.quote(actor),
        T::actor_type(backend),
    ))
    .await;
    for (id, owner_id) in [(1_i64, 1_i64), (2, 1), (3, 1), (4, 2), (5, 2)] {
        let insert = Query::insert()
            .into_table(T::TABLE)
            .columns(["id", "owner_id"])
            .values_panic([id.into(), owner_id.into()])
            .to_owned();
        db.execute(&insert).await;
    }
    db
}

async fn row<T: Model>(db: &Db, id: i64) -> T {
    let rows = db
        .fetch::<T, _>(&T::find_in(id, TrashMode::WithTrashed))
        .await;
    assert_eq!(rows.len(), 1, "{}: row {id}", db.backend());
    rows.into_iter().next().unwrap()
}

/// `(is_trashed, actor)` of rows 1..=5.
async fn states<T: Model>(db: &Db) -> Vec<(bool, Option<T::Actor>)> {
    let mut states = Vec::new();
    for id in 1..=5 {
        let row = row::<T>(db, id).await;
        states.push((row.is_trashed(), row.actor()));
    }
    states
}

fn owner_is<T: Model>(owner_id: i64) -> Cond {
    Cond::all().add(Expr::col((T::TABLE, "owner_id")).eq(owner_id))
}

async fn who_deleted<T: Model>(backend: Backend) {
    let db = table::<T>(backend).await;
    let what = format!("{backend}: {}", T::TABLE);
    let [a, b, c, d, e] = T::actors();

    // One statement sets the marker and the actor.
    assert_eq!(
        db.execute(&T::delete_by_id_as(1, a.clone())).await,
        1,
        "{what}"
    );
    let first = row::<T>(&db, 1).await;
    assert!(first.is_trashed(), "{what}: {first:?}");
    assert_eq!(first.actor(), Some(a.clone()), "{what}");

    // A second delete, with or without an actor, keeps the first one.
    assert_eq!(
        db.execute(&T::delete_by_id_as(1, b.clone())).await,
        0,
        "{what}"
    );
    assert_eq!(db.execute(&T::delete_by_id(1)).await, 0, "{what}");
    assert_eq!(
        row::<T>(&db, 1).await,
        first,
        "{what}: time and actor of the first delete stand"
    );

    // Bulk: the live rows of owner 1; row 1 keeps its actor.
    assert_eq!(
        db.execute(&T::delete_where_as(owner_is::<T>(1), c.clone()))
            .await,
        2,
        "{what}: delete_where_as"
    );
    assert_eq!(row::<T>(&db, 1).await, first, "{what}");

    // From a fetched row.
    let fourth = row::<T>(&db, 4).await;
    assert_eq!(
        db.execute(&fourth.delete_as(d.clone())).await,
        1,
        "{what}: delete_as"
    );

    // A plain delete records no actor.
    assert_eq!(db.execute(&T::delete_by_id(5)).await, 1, "{what}");
    assert_eq!(
        states::<T>(&db).await,
        [
            (true, Some(a.clone())),
            (true, Some(c.clone())),
            (true, Some(c.clone())),
            (true, Some(d.clone())),
            (true, None),
        ],
        "{what}"
    );

    // Restores clear the actor: by id, in bulk, from a row.
    assert_eq!(db.execute(&T::restore_by_id(1)).await, 1, "{what}");
    assert_eq!(
        db.execute(&T::restore_where(owner_is::<T>(1))).await,
        2,
        "{what}"
    );
    let fourth = row::<T>(&db, 4).await;
    assert_eq!(db.execute(&fourth.restore()).await, 1, "{what}");
    assert_eq!(
        states::<T>(&db).await,
        [
            (false, None),
            (false, None),
            (false, None),
            (false, None),
            (true, None),
        ],
        "{what}: restored rows have no actor"
    );

    // A row deleted again after a restore records its new deleter.
    assert_eq!(
        db.execute(&T::delete_by_id_as(1, e.clone())).await,
        1,
        "{what}"
    );
    assert_eq!(row::<T>(&db, 1).await.actor(), Some(e), "{what}");
    assert_eq!(db.ids::<T>(&T::query()).await, [2, 3, 4], "{what}");
}

#[tokio::test]
async fn soft_deletes_record_who_deleted_and_restores_clear_it() {
    for backend in common::backends() {
        who_deleted::<Document>(backend).await;
        who_deleted::<Ticket>(backend).await;
        who_deleted::<Session>(backend).await;
    }
}

/// The time a delete with an actor records is now, as without one.
#[tokio::test]
async fn delete_as_stamps_now() {
    for backend in common::backends() {
        let db = table::<Document>(backend).await;
        let before = Utc::now();
        db.execute(&Document::delete_by_id_as(1, "alice")).await;
        let after = Utc::now();
        let at = row::<Document>(&db, 1).await.deleted_at.unwrap();
        // MariaDB's DATETIME(6) and PostgreSQL keep microseconds.
        assert!(
            before - Duration::microseconds(1) <= at && at <= after,
            "{backend}: deleted at {at}, between {before} and {after}"
        );
    }
}

// Cascade with actors: the parent and one child table record who deleted,
// the other child table has no such column.

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "files", deleted_by = "deleted_by")]
struct File {
    id: i64,
    folder_id: i64,
    deleted_at: Option<DateTime<Utc>>,
    deleted_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "links")]
struct Link {
    id: i64,
    folder_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

// Two children keyed by columns of the same name.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(
    table = "folders",
    deleted_by = "deleted_by",
    cascade(File = "folder_id", Link = "folder_id")
)]
struct Folder {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
    deleted_by: Option<String>,
}

impl FromRow for File {
    fn from_row(row: &Row<'_>) -> Self {
        File {
            id: row.get("id"),
            folder_id: row.get("folder_id"),
            deleted_at: row.get("deleted_at"),
            deleted_by: row.get("deleted_by"),
        }
    }
}

impl FromRow for Folder {
    fn from_row(row: &Row<'_>) -> Self {
        Folder {
            id: row.get("id"),
            deleted_at: row.get("deleted_at"),
            deleted_by: row.get("deleted_by"),
        }
    }
}

impl FromRow for Link {
    fn from_row(row: &Row<'_>) -> Self {
        Link {
            id: row.get("id"),
            folder_id: row.get("folder_id"),
            deleted_at: row.get("deleted_at"),
        }
    }
}

#[tokio::test]
async fn cascade_records_who_deleted() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        let what = backend.to_string();
        let id = backend.column_type(SqlType::Id);
        let fk = backend.column_type(SqlType::BigInt);
        let at = backend.column_type(SqlType::TimestampTz);
        let by = nullable_text(backend);
        db.raw(&format!(
            "CREATE TABLE folders (id {id}, deleted_at {at}, deleted_by {by})"
        ))
        .await;
        db.raw(&format!(
            "CREATE TABLE files (id {id}, folder_id {fk}, deleted_at {at}, deleted_by {by})"
        ))
        .await;
        db.raw(&format!(
            "CREATE TABLE links (id {id}, folder_id {fk}, deleted_at {at})"
        ))
        .await;
        for folder in [1_i64, 2] {
            db.raw(&format!("INSERT INTO folders (id) VALUES ({folder})"))
                .await;
            for n in 1..=2 {
                let child = folder * 10 + n;
                db.raw(&format!(
                    "INSERT INTO files (id, folder_id) VALUES ({child}, {folder})"
                ))
                .await;
                db.raw(&format!(
                    "INSERT INTO links (id, folder_id) VALUES ({child}, {folder})"
                ))
                .await;
            }
        }
        // File 12 was trashed by bob before the cascade.
        assert_eq!(
            db.execute(&File::delete_by_id_as(12, "bob")).await,
            1,
            "{what}"
        );
        let bobs = db
            .fetch::<File, _>(&File::find_in(12, TrashMode::WithTrashed))
            .await;

        let affected = db
            .transaction(&Folder::cascade_delete_by_id_as(
                1,
                "alice",
                backend.schema(),
            ))
            .await;
        assert_eq!(
            affected,
            [1, 1, 2],
            "{what}: folder, file 11, links 11 and 12"
        );
        let folders = db.fetch::<Folder, _>(&Folder::with_trashed()).await;
        let files = db.fetch::<File, _>(&File::with_trashed()).await;
        let links = db.fetch::<Link, _>(&Link::with_trashed()).await;
        let folder = |id: i64| folders.iter().find(|f| f.id == id).unwrap().clone();
        let shared = folder(1).deleted_at;
        assert!(shared.is_some(), "{what}: {folders:?}");
        let by = |id: i64| folder(id).deleted_by;
        assert_eq!(by(1).as_deref(), Some("alice"), "{what}");
        assert_eq!(by(2), None, "{what}");
        let file = |id: i64| files.iter().find(|f| f.id == id).unwrap().clone();
        assert_eq!(file(11).deleted_by.as_deref(), Some("alice"), "{what}");
        assert_eq!(file(11).deleted_at, shared, "{what}");
        assert_eq!(
            [file(12)],
            bobs.as_slice(),
            "{what}: bob's file keeps bob and its time"
        );
        assert_eq!(file(21).deleted_at, None, "{what}");
        assert_eq!(file(22).deleted_at, None, "{what}");
        for link in &links {
            let expected = if link.folder_id == 1 { shared } else { None };
            assert_eq!(link.deleted_at, expected, "{what}: {link:?}");
        }

        let affected = db.transaction(&Folder::cascade_restore_by_id(1)).await;
        assert_eq!(affected, [1, 2, 1], "{what}");
        let files = db.fetch::<File, _>(&File::with_trashed()).await;
        for file in files {
            if file.id == 12 {
                assert_eq!([file], bobs.as_slice(), "{what}: still bob's");
            } else {
                assert_eq!((file.deleted_at, file.deleted_by), (None, None), "{what}");
            }
        }
        let folder = db.fetch::<Folder, _>(&Folder::find(1)).await;
        assert_eq!(
            folder,
            [Folder {
                id: 1,
                deleted_at: None,
                deleted_by: None
            }],
            "{what}"
        );
        assert_eq!(
            db.ids::<Link>(&Link::query()).await,
            [11, 12, 21, 22],
            "{what}"
        );
    }
}
