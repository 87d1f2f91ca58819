//! Cascade soft delete and restore executed on SQLite, PostgreSQL and
//! MariaDB, each cascade in one real transaction: the parent and its live
//! children (in two child tables) share one stored deletion instant; a child
//! trashed on its own before keeps its time and is not brought back by the
//! cascade restore, even on second-precision columns (`timestamp(0)`,
//! `DATETIME`) where the two deletions fall in the same second; children of
//! other parents are never touched. Three marker kinds: with time zone,
//! without (naive UTC), and Unix seconds.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use common::TestBackend as _;
use common::{Backend, Db, FromRow, Row};
use sea_query::{Query, UpdateStatement};
use soft_delete::{MarkerStyle, RecordsDeletionTime, SoftDelete};

// Timestamps with time zone.

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "comments")]
struct Comment {
    id: i64,
    post_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "attachments", column = "removed_at")]
struct Attachment {
    id: i64,
    post_id: i64,
    removed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "posts", cascade(Comment = "post_id", Attachment = "post_id"))]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

// Timestamps without time zone.

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "replies")]
struct Reply {
    id: i64,
    topic_id: i64,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "uploads")]
struct Upload {
    id: i64,
    topic_id: i64,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "topics", cascade(Reply = "topic_id", Upload = "topic_id"))]
struct Topic {
    id: i64,
    deleted_at: Option<NaiveDateTime>,
}

// Unix seconds.

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "photos", style = "unix")]
struct Photo {
    id: i64,
    album_id: i64,
    deleted_at: i64,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "captions", style = "unix")]
struct Caption {
    id: i64,
    album_id: i64,
    deleted_at: i64,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(
    table = "albums",
    style = "unix",
    cascade(Photo = "album_id", Caption = "album_id")
)]
struct Album {
    id: i64,
    deleted_at: i64,
}

/// A parent with two child tables.
trait Family {
    type Parent: SoftDelete<Id = i64> + RecordsDeletionTime;
    type First: SoftDelete<Id = i64> + RecordsDeletionTime;
    type Second: SoftDelete<Id = i64> + RecordsDeletionTime;
}

struct Posts;
impl Family for Posts {
    type Parent = Post;
    type First = Comment;
    type Second = Attachment;
}

struct Topics;
impl Family for Topics {
    type Parent = Topic;
    type First = Reply;
    type Second = Upload;
}

struct Albums;
impl Family for Albums {
    type Parent = Album;
    type First = Photo;
    type Second = Caption;
}

/// How finely the marker columns store time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Precision {
    /// Microseconds (`TIMESTAMPTZ`, `DATETIME(6)`, text on SQLite).
    Micro,
    /// Whole seconds (`TIMESTAMPTZ(0)`/`TIMESTAMP(0)`, which round, and
    /// MariaDB's `DATETIME`, which truncates); SQLite text keeps what it is
    /// given. Unix markers are whole seconds anyway.
    Seconds,
}

fn marker_type(
    backend: Backend,
    marker: soft_delete::Marker,
    precision: Precision,
) -> &'static str {
    use Precision::{Micro, Seconds};
    if marker.style == MarkerStyle::Unix {
        return match backend {
            Backend::Sqlite => "INTEGER NOT NULL DEFAULT 0",
            _ => "BIGINT NOT NULL DEFAULT 0",
        };
    }
    match (backend, marker.with_time_zone, precision) {
        (Backend::Sqlite, _, _) => "TEXT NULL",
        (Backend::Postgres, true, Micro) => "TIMESTAMPTZ NULL",
        (Backend::Postgres, true, Seconds) => "TIMESTAMPTZ(0) NULL",
        (Backend::Postgres, false, Micro) => "TIMESTAMP NULL",
        (Backend::Postgres, false, Seconds) => "TIMESTAMP(0) NULL",
        (Backend::MySql, _, Micro) => "DATETIME(6) NULL",
        (Backend::MySql, _, Seconds) => "DATETIME NULL",
    }
}

/// Parents 1 and 2; in each child table, rows 11, 12, 13 of parent 1 and
/// 21, 22 of parent 2 (a child's parent is its id / 10). Everything live.
async fn family<F: Family>(backend: Backend, precision: Precision) -> Db {
    let db = Db::connect(backend).await;
    let parent = F::Parent::MARKER;
    let id = backend.column_type(common::SqlType::Id);
    let fk = backend.column_type(common::SqlType::BigInt);
    db.raw(&format!(
        "CREATE TABLE {} (id {id}, {} {})",
        backend.quote(F::Parent::TABLE),
        backend.quote(parent.column),
        marker_type(backend, parent, precision)
    ))
    .await;
    assert_eq!(F::Parent::CHILDREN.len(), 2);
    assert_eq!(F::Parent::CHILDREN[0].table, F::First::TABLE);
    assert_eq!(F::Parent::CHILDREN[1].table, F::Second::TABLE);
    for child in F::Parent::CHILDREN {
        db.raw(&format!(
            "CREATE TABLE {} (id {id}, {} {fk}, {} {})",
            backend.quote(child.table),
            backend.quote(child.foreign_key),
            backend.quote(child.marker.column),
            marker_type(backend, child.marker, precision)
        ))
        .await;
    }
    for parent_id in [1_i64, 2] {
        let insert = Query::insert()
            .into_table(F::Parent::TABLE)
            .columns(["id"])
            .values_panic([parent_id.into()])
            .to_owned();
        db.execute(&insert).await;
    }
    for child in F::Parent::CHILDREN {
        for child_id in [11_i64, 12, 13, 21, 22] {
            let insert = Query::insert()
                .into_table(child.table)
                .columns(["id", child.foreign_key])
                .values_panic([child_id.into(), (child_id / 10).into()])
                .to_owned();
            db.execute(&insert).await;
        }
    }
    db
}

/// Every row of the family: `(table, id)` → its stored marker as the
/// database renders it in text, `None` while live. Comparing text compares
/// the stored values exactly, whatever the column type.
type Snapshot = BTreeMap<(&'static str, i64), Option<String>>;

struct Stored(i64, Option<String>);

impl FromRow for Stored {
    fn from_row(row: &Row<'_>) -> Self {
        Stored(row.get("id"), row.get("marker"))
    }
}

async fn snapshot<F: Family>(db: &Db) -> Snapshot {
    let backend = db.backend();
    let text = match backend {
        Backend::MySql => "CHAR",
        Backend::Sqlite | Backend::Postgres => "TEXT",
    };
    let mut tables = vec![(F::Parent::TABLE, F::Parent::MARKER)];
    tables.extend(F::Parent::CHILDREN.iter().map(|c| (c.table, c.marker)));
    let mut snapshot = Snapshot::new();
    for (table, marker) in tables {
        let sql = format!(
            "SELECT id, CAST({} AS {text}) AS marker FROM {}",
            backend.quote(marker.column),
            backend.quote(table)
        );
        for Stored(id, value) in db.fetch_sql::<Stored>(&sql).await {
            let value = value.filter(|v| !(marker.style == MarkerStyle::Unix && v == "0"));
            snapshot.insert((table, id), value);
        }
    }
    snapshot
}

fn parent_of(table: &str, id: i64, parent_table: &str) -> i64 {
    if table == parent_table {
        id
    } else {
        id / 10
    }
}

/// Runs `statements` in one transaction and returns the rows each affected.
async fn in_one_transaction(db: &Db, statements: &[UpdateStatement]) -> Vec<u64> {
    db.transaction(statements).await
}

/// Checks a cascade delete of `parent`: the parent and exactly the children
/// of it that were live now hold one shared, non-null stored marker; every
/// other row is as it was. Returns that marker.
fn assert_cascaded_delete<F: Family>(
    before: &Snapshot,
    after: &Snapshot,
    parent: i64,
    what: &str,
) -> String {
    let shared = after[&(F::Parent::TABLE, parent)]
        .clone()
        .unwrap_or_else(|| panic!("{what}: parent {parent} is not trashed: {after:#?}"));
    for (key, value) in after {
        let (table, id) = *key;
        let was = &before[key];
        let cascaded = parent_of(table, id, F::Parent::TABLE) == parent && was.is_none();
        if cascaded {
            assert_eq!(
                value.as_ref(),
                Some(&shared),
                "{what}: {table}#{id} shares the parent's instant\nbefore: {before:#?}\nafter: {after:#?}"
            );
        } else {
            assert_eq!(
                value, was,
                "{what}: {table}#{id} is not touched by the cascade\nbefore: {before:#?}\nafter: {after:#?}"
            );
        }
    }
    for (key, value) in before {
        if value.is_some() {
            assert_ne!(
                value.as_ref(),
                Some(&shared),
                "{what}: {}#{} was trashed on its own, yet holds the cascade's stored instant: a cascade restore would bring it back",
                key.0,
                key.1
            );
        }
    }
    shared
}

/// Checks a cascade restore of `parent` after `deleted` (the snapshot right
/// after its cascade delete): exactly the rows holding the parent's marker
/// are live again, every other row is as it was.
fn assert_cascaded_restore<F: Family>(
    deleted: &Snapshot,
    after: &Snapshot,
    parent: i64,
    what: &str,
) {
    let shared = deleted[&(F::Parent::TABLE, parent)].clone();
    for (key, value) in after {
        let (table, id) = *key;
        let was = &deleted[key];
        let restored = parent_of(table, id, F::Parent::TABLE) == parent && *was == shared;
        if restored {
            assert_eq!(
                *value, None,
                "{what}: {table}#{id} was deleted with its parent and comes back\nbefore: {deleted:#?}\nafter: {after:#?}"
            );
        } else {
            assert_eq!(
                value, was,
                "{what}: {table}#{id} is not touched by the cascade restore\nbefore: {deleted:#?}\nafter: {after:#?}"
            );
        }
    }
}

/// The lifecycle with the application's clock, on microsecond columns.
async fn cascade_lifecycle<F: Family>(backend: Backend) {
    let db = family::<F>(backend, Precision::Micro).await;
    let what = format!("{backend}: {}", F::Parent::TABLE);
    let schema = backend.schema();
    let now = Utc::now();

    // Trashed on their own first: first-table child 13 of parent 1, and
    // second-table child 22 of parent 2.
    assert_eq!(
        db.execute(&F::First::delete_by_id_at(13, now - Duration::hours(1)))
            .await,
        1
    );
    assert_eq!(
        db.execute(&F::Second::delete_by_id_at(22, now - Duration::hours(2)))
            .await,
        1
    );

    let before = snapshot::<F>(&db).await;
    let affected = in_one_transaction(&db, &F::Parent::cascade_delete_by_id(1, schema)).await;
    assert_eq!(
        affected,
        [1, 2, 3],
        "{what}: parent, its two live first-table children, its three second-table children"
    );
    let deleted = snapshot::<F>(&db).await;
    assert_cascaded_delete::<F>(&before, &deleted, 1, &what);
    assert_eq!(
        db.ids::<F::Parent>(&F::Parent::only_trashed()).await,
        [1],
        "{what}"
    );
    assert_eq!(
        db.ids::<F::First>(&F::First::query()).await,
        [21, 22],
        "{what}"
    );
    assert_eq!(
        db.ids::<F::Second>(&F::Second::query()).await,
        [21],
        "{what}"
    );

    // Deleting again changes nothing: the parent is not live.
    let again = in_one_transaction(&db, &F::Parent::cascade_delete_by_id(1, schema)).await;
    assert_eq!(again[0], 0, "{what}: the parent is trashed already");
    assert_eq!(
        snapshot::<F>(&db).await,
        deleted,
        "{what}: a second cascade"
    );

    // Restoring the live parent 2 brings back none of its children trashed
    // on their own.
    let live = in_one_transaction(&db, &F::Parent::cascade_restore_by_id(2)).await;
    assert_eq!(live, [0, 0, 0], "{what}: cascade restore of a live parent");
    assert_eq!(snapshot::<F>(&db).await, deleted, "{what}");

    let affected = in_one_transaction(&db, &F::Parent::cascade_restore_by_id(1)).await;
    assert_eq!(
        affected,
        [2, 3, 1],
        "{what}: children first, then the parent"
    );
    let restored = snapshot::<F>(&db).await;
    assert_cascaded_restore::<F>(&deleted, &restored, 1, &what);
    assert_eq!(
        restored, before,
        "{what}: the cascade restore undoes the cascade delete exactly"
    );

    // A cascade at a given instant stores it, on the parent and its children.
    let at = Utc.with_ymd_and_hms(2031, 1, 2, 3, 4, 5).unwrap() + Duration::microseconds(678_901);
    in_one_transaction(&db, &F::Parent::cascade_delete_by_id_at(1, at, schema)).await;
    let deleted = snapshot::<F>(&db).await;
    assert_cascaded_delete::<F>(&restored, &deleted, 1, &what);
    let stored = deleted[&(F::Parent::TABLE, 1)].clone().unwrap();
    if F::Parent::MARKER.style == MarkerStyle::Unix {
        assert_eq!(stored, at.timestamp().to_string(), "{what}");
    } else {
        assert_eq!(parse_instant(&stored), at, "{what}: stored {stored:?}");
    }
    in_one_transaction(&db, &F::Parent::cascade_restore_by_id(1)).await;
    assert_eq!(snapshot::<F>(&db).await, before, "{what}");
}

/// A stored timestamp as the databases render it in text: RFC 3339 (SQLite,
/// with time zone), `YYYY-MM-DD HH:MM:SS[.f]` with or without `+00` (the
/// others, and naive SQLite).
fn parse_instant(text: &str) -> DateTime<Utc> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return at.with_timezone(&Utc);
    }
    let naive = text.trim_end_matches("+00");
    NaiveDateTime::parse_from_str(naive, "%Y-%m-%d %H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("cannot read {text:?}: {e}"))
        .and_utc()
}

#[tokio::test]
async fn cascade_shares_one_instant_and_restores_exactly_its_children() {
    for backend in common::backends() {
        cascade_lifecycle::<Posts>(backend).await;
        cascade_lifecycle::<Topics>(backend).await;
        cascade_lifecycle::<Albums>(backend).await;
    }
}

/// A whole second, far from now so no real deletion can collide with it.
fn second() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 5, 6, 7, 8, 10).unwrap()
}

/// A child of parent 1 in each table trashed on its own at `own`, then the
/// cascade at `cascade`, in that order; the cascade restore must leave both
/// children in the trash with their own time.
async fn own_deletion_then_cascade<F: Family>(
    backend: Backend,
    precision: Precision,
    own: DateTime<Utc>,
    cascade: DateTime<Utc>,
) {
    let db = family::<F>(backend, precision).await;
    let what = format!(
        "{backend}: {} ({precision:?}): child trashed on its own at {}, cascade at {}",
        F::Parent::TABLE,
        own.format("%H:%M:%S%.3f"),
        cascade.format("%H:%M:%S%.3f")
    );
    assert_eq!(db.execute(&F::First::delete_by_id_at(13, own)).await, 1);
    assert_eq!(db.execute(&F::Second::delete_by_id_at(12, own)).await, 1);
    let before = snapshot::<F>(&db).await;
    let affected = in_one_transaction(
        &db,
        &F::Parent::cascade_delete_by_id_at(1, cascade, backend.schema()),
    )
    .await;
    assert_eq!(affected, [1, 2, 2], "{what}");
    let deleted = snapshot::<F>(&db).await;
    assert_cascaded_delete::<F>(&before, &deleted, 1, &what);
    in_one_transaction(&db, &F::Parent::cascade_restore_by_id(1)).await;
    let restored = snapshot::<F>(&db).await;
    assert_cascaded_restore::<F>(&deleted, &restored, 1, &what);
    assert_eq!(
        restored, before,
        "{what}: after the cascade restore, the two children are still in the trash with their own time"
    );
    assert_eq!(
        db.ids::<F::First>(&F::First::only_trashed()).await,
        [13],
        "{what}"
    );
    assert_eq!(
        db.ids::<F::Second>(&F::Second::only_trashed()).await,
        [12],
        "{what}"
    );
}

/// Own deletion and cascade a few hundred milliseconds apart: in one second
/// (.300/.700), in one second where both round up on PostgreSQL (.600/.900),
/// and across a second boundary where the earlier one rounds up into the
/// cascade's second on PostgreSQL (x:09.600/x:10.300).
fn same_second_pairs() -> [(DateTime<Utc>, DateTime<Utc>); 3] {
    let s = second();
    let ms = Duration::milliseconds;
    [
        (s + ms(300), s + ms(700)),
        (s + ms(600), s + ms(900)),
        (s - ms(400), s + ms(300)),
    ]
}

async fn same_second<F: Family>(backend: Backend) {
    for precision in [Precision::Seconds, Precision::Micro] {
        for (own, cascade) in same_second_pairs() {
            own_deletion_then_cascade::<F>(backend, precision, own, cascade).await;
        }
    }
}

#[tokio::test]
async fn a_child_trashed_in_the_same_second_is_not_restored() {
    for backend in common::backends() {
        same_second::<Posts>(backend).await;
        same_second::<Topics>(backend).await;
        same_second::<Albums>(backend).await;
    }
}

/// The cascade module's promise covers a child whose own marker is in the
/// cascade's second "or later" (another application server's clock a little
/// ahead): here the child was trashed on its own, before the cascade ran, by
/// a clock two seconds ahead, exactly on a whole second.
async fn own_clock_ahead<F: Family>(backend: Backend) {
    let s = second();
    for precision in [Precision::Seconds, Precision::Micro] {
        own_deletion_then_cascade::<F>(
            backend,
            precision,
            s + Duration::seconds(2),
            s + Duration::milliseconds(700),
        )
        .await;
    }
}

async fn clock_ahead(backend: Backend) {
    if let Some(backend) = backend.if_configured() {
        own_clock_ahead::<Posts>(backend).await;
        own_clock_ahead::<Topics>(backend).await;
        own_clock_ahead::<Albums>(backend).await;
    }
}

#[tokio::test]
async fn a_child_trashed_by_a_clock_ahead_is_not_restored_on_sqlite() {
    clock_ahead(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_child_trashed_by_a_clock_ahead_is_not_restored_on_postgres() {
    clock_ahead(Backend::Postgres).await;
}

#[tokio::test]
async fn a_child_trashed_by_a_clock_ahead_is_not_restored_on_mariadb() {
    clock_ahead(Backend::MySql).await;
}
