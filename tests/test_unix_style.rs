//! `style = "unix"` executed on SQLite, PostgreSQL and MariaDB: an `i64`
//! marker, `0` while live and the Unix second of deletion once trashed, runs
//! the whole lifecycle and purges by whole seconds; and a plain composite
//! unique index over `(key, deleted_at)` lets one live row and trashed
//! duplicates (deleted in different seconds) coexist while rejecting a
//! second live duplicate.

mod common;

use std::num::NonZeroU32;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::TestBackend as _;
use common::{Backend, Db, FromRow, Row, SqlType};
use sea_query::{Cond, Expr, ExprTrait, Query};
use soft_delete::{MarkerStyle, SoftDelete, TrashMode};

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "accounts", style = "unix")]
struct Account {
    id: i64,
    handle: String,
    deleted_at: i64,
}

impl FromRow for Account {
    fn from_row(row: &Row<'_>) -> Self {
        Account {
            id: row.get("id"),
            handle: row.get("handle"),
            deleted_at: row.get("deleted_at"),
        }
    }
}

/// The accounts table, as a user would write it by hand: the marker
/// `BIGINT NOT NULL DEFAULT 0`.
async fn accounts(backend: Backend) -> Db {
    let db = Db::connect(backend).await;
    let marker = match backend {
        Backend::Sqlite => "INTEGER NOT NULL DEFAULT 0",
        Backend::Postgres | Backend::MySql => "BIGINT NOT NULL DEFAULT 0",
    };
    let handle = match backend {
        Backend::MySql => "VARCHAR(191) NOT NULL",
        Backend::Sqlite | Backend::Postgres => "TEXT NOT NULL",
    };
    db.raw(&format!(
        "CREATE TABLE accounts (id {}, handle {handle}, deleted_at {marker})",
        backend.column_type(SqlType::Id)
    ))
    .await;
    db
}

async fn try_insert(db: &Db, id: i64, handle: &str) -> Result<u64, sqlx::Error> {
    let insert = Query::insert()
        .into_table(Account::TABLE)
        .columns([AccountColumn::Id, AccountColumn::Handle])
        .values_panic([id.into(), handle.into()])
        .to_owned();
    db.try_execute_sqlx(&insert).await
}

async fn insert(db: &Db, id: i64, handle: &str) {
    let result = try_insert(db, id, handle).await;
    assert!(
        matches!(result, Ok(1)),
        "{}: insert {id} {handle}: {result:?}",
        db.backend()
    );
}

async fn marker(db: &Db, id: i64) -> i64 {
    let rows = db
        .fetch::<Account, _>(&Account::find_in(id, TrashMode::WithTrashed))
        .await;
    assert_eq!(rows.len(), 1, "{}: account {id}", db.backend());
    rows[0].deleted_at
}

/// A whole second, with a fraction added where a test needs one.
fn second() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 5, 6, 7, 8, 9).unwrap()
}

fn handle_is(handle: &str) -> Cond {
    Cond::all().add(Expr::col((AccountColumn::Table, AccountColumn::Handle)).eq(handle))
}

#[tokio::test]
async fn lifecycle_with_unix_seconds() {
    assert_eq!(Account::MARKER.style, MarkerStyle::Unix);
    for backend in common::backends() {
        let db = accounts(backend).await;
        for (id, handle) in [(1, "ann"), (2, "ben"), (3, "cat"), (4, "dan")] {
            insert(&db, id, handle).await;
        }
        let rows = db.fetch::<Account, _>(&Account::query()).await;
        assert_eq!(rows.len(), 4, "{backend}");
        assert!(
            rows.iter()
                .all(|row| row.deleted_at == 0 && !row.is_trashed()),
            "{backend}: live rows hold 0: {rows:?}"
        );

        // Now, in whole seconds.
        let before = Utc::now().timestamp();
        assert_eq!(db.execute(&Account::delete_by_id(1)).await, 1, "{backend}");
        let after = Utc::now().timestamp();
        let first = marker(&db, 1).await;
        assert!(
            (before..=after).contains(&first),
            "{backend}: deleted at {first}, between {before} and {after}"
        );
        assert_eq!(db.execute(&Account::delete_by_id(1)).await, 0, "{backend}");
        assert_eq!(
            marker(&db, 1).await,
            first,
            "{backend}: the first second stands"
        );

        // A given instant: its second, the fraction dropped.
        let at = second() + Duration::milliseconds(900);
        assert_eq!(
            db.execute(&Account::delete_by_id_at(2, at)).await,
            1,
            "{backend}"
        );
        assert_eq!(marker(&db, 2).await, second().timestamp(), "{backend}");

        assert_eq!(
            db.execute(&Account::delete_where(handle_is("cat"))).await,
            1,
            "{backend}"
        );
        assert_eq!(db.ids::<Account>(&Account::query()).await, [4], "{backend}");
        assert_eq!(
            db.ids::<Account>(&Account::only_trashed()).await,
            [1, 2, 3],
            "{backend}"
        );
        assert!(
            db.ids::<Account>(&Account::find(1)).await.is_empty(),
            "{backend}"
        );

        assert_eq!(db.execute(&Account::restore_by_id(1)).await, 1, "{backend}");
        assert_eq!(marker(&db, 1).await, 0, "{backend}: restored to 0");
        assert_eq!(db.execute(&Account::restore_by_id(1)).await, 0, "{backend}");
        assert_eq!(
            db.execute(&Account::restore_where(Cond::all())).await,
            2,
            "{backend}: restore_where restores the trashed rows only"
        );
        assert_eq!(
            db.ids::<Account>(&Account::query()).await,
            [1, 2, 3, 4],
            "{backend}"
        );

        // A scoped update skips trashed rows.
        db.execute(&Account::delete_by_id(4)).await;
        let rename = Account::update()
            .value(AccountColumn::Handle, "renamed")
            .to_owned();
        assert_eq!(db.execute(&rename).await, 3, "{backend}: live rows only");
        let trashed = db.fetch::<Account, _>(&Account::only_trashed()).await;
        assert_eq!(trashed[0].handle, "dan", "{backend}");

        assert_eq!(
            db.execute(&Account::force_delete_by_id(4)).await,
            1,
            "{backend}"
        );
        assert_eq!(
            db.ids::<Account>(&Account::with_trashed()).await,
            [1, 2, 3],
            "{backend}"
        );
    }
}

/// Rows trashed 100 s and 1 s before a whole second `t`, at `t`, and 1 s
/// after it, plus two live rows: a purge at `t` takes the first two.
async fn purge_scenario(db: &Db) -> DateTime<Utc> {
    let t = second();
    for (id, offset) in [(1, -100), (2, -1), (3, 0), (4, 1)] {
        insert(db, id, &format!("h{id}")).await;
        db.execute(&Account::delete_by_id_at(id, t + Duration::seconds(offset)))
            .await;
    }
    insert(db, 5, "h5").await;
    insert(db, 6, "h6").await;
    t
}

#[tokio::test]
async fn purge_compares_whole_seconds() {
    for backend in common::backends() {
        let db = accounts(backend).await;
        let t = purge_scenario(&db).await;
        assert_eq!(
            db.execute(&Account::purge_trashed_before(t, db.backend().schema()))
                .await,
            2,
            "{backend}"
        );
        assert_eq!(
            db.ids::<Account>(&Account::with_trashed()).await,
            [3, 4, 5, 6],
            "{backend}: strictly before t; live rows never"
        );
        // Row 3's second began before a cutoff at t + 0.5 s, but the row may
        // have been trashed after it: it stays.
        assert_eq!(
            db.execute(&Account::purge_trashed_before(
                t + Duration::milliseconds(500),
                db.backend().schema()
            ))
            .await,
            0,
            "{backend}"
        );
        assert_eq!(
            db.execute(&Account::purge_trashed_before(
                t + Duration::seconds(1),
                db.backend().schema()
            ))
            .await,
            1,
            "{backend}"
        );
        assert_eq!(
            db.ids::<Account>(&Account::with_trashed()).await,
            [4, 5, 6],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn batched_purge_compares_whole_seconds() {
    for backend in common::backends() {
        let db = accounts(backend).await;
        let t = purge_scenario(&db).await;
        let one = NonZeroU32::new(1).unwrap();
        let mut batches = Vec::new();
        loop {
            let deleted = db
                .execute(&Account::purge_trashed_before_batch(
                    t + Duration::seconds(1),
                    one,
                    backend.schema(),
                ))
                .await;
            batches.push(deleted);
            // Oldest first.
            let left = db.ids::<Account>(&Account::with_trashed()).await;
            let expected: &[i64] = match batches.len() {
                1 => &[2, 3, 4, 5, 6],
                2 => &[3, 4, 5, 6],
                _ => &[4, 5, 6],
            };
            assert_eq!(left, expected, "{backend}: after batch {}", batches.len());
            if deleted < 1 {
                break;
            }
        }
        assert_eq!(batches, [1, 1, 1, 0], "{backend}");
        assert_eq!(
            db.ids::<Account>(&Account::query()).await,
            [5, 6],
            "{backend}"
        );
    }
}

/// Asserts that `result` is the database's unique-violation error.
fn assert_unique_violation(result: Result<u64, sqlx::Error>, what: &str) {
    match result {
        Err(sqlx::Error::Database(e)) => {
            assert!(e.is_unique_violation(), "{what}: {e}");
            assert_eq!(e.kind(), sqlx::error::ErrorKind::UniqueViolation, "{what}");
        }
        other => panic!("{what}: expected a unique violation, got {other:?}"),
    }
}

#[tokio::test]
async fn composite_unique_index_over_key_and_marker() {
    for backend in common::backends() {
        let db = accounts(backend).await;
        db.raw("CREATE UNIQUE INDEX accounts_handle_key ON accounts (handle, deleted_at)")
            .await;
        let t = second();

        insert(&db, 1, "ann").await;
        assert_unique_violation(
            try_insert(&db, 2, "ann").await,
            &format!("{backend}: a second live ann"),
        );

        // Trashed duplicates, deleted in different seconds, coexist with one
        // live row.
        db.execute(&Account::delete_by_id_at(1, t)).await;
        insert(&db, 2, "ann").await;
        db.execute(&Account::delete_by_id_at(2, t + Duration::seconds(5)))
            .await;
        insert(&db, 3, "ann").await;
        assert_eq!(db.ids::<Account>(&Account::query()).await, [3], "{backend}");
        assert_eq!(
            db.ids::<Account>(&Account::only_trashed()).await,
            [1, 2],
            "{backend}"
        );
        assert_unique_violation(
            try_insert(&db, 4, "ann").await,
            &format!("{backend}: ann is live as row 3"),
        );
        assert_unique_violation(
            db.try_execute_sqlx(&Account::restore_by_id(1)).await,
            &format!("{backend}: restoring row 1 while row 3 is live"),
        );
        assert_eq!(
            marker(&db, 1).await,
            t.timestamp(),
            "{backend}: still trashed"
        );

        // The index holds (key, second): trashing another ann in a second
        // that already holds a trashed ann is refused too.
        assert_unique_violation(
            db.try_execute_sqlx(&Account::delete_by_id_at(
                3,
                t + Duration::milliseconds(300),
            ))
            .await,
            &format!("{backend}: a second trashed ann in the same second"),
        );
        assert_eq!(
            db.execute(&Account::delete_by_id_at(3, t + Duration::seconds(9)))
                .await,
            1,
            "{backend}"
        );
        assert_eq!(db.execute(&Account::restore_by_id(1)).await, 1, "{backend}");
        assert_eq!(db.ids::<Account>(&Account::query()).await, [1], "{backend}");
    }
}
