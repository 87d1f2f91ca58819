//! `create_or_restore` and conflicts that say who holds the key, on SQLite,
//! PostgreSQL and MariaDB, through `soft_delete::sqlx` and
//! `soft_delete::sea_orm`: a trashed holder (the most recently trashed) is
//! restored with the values, no holder means a new row, a live holder is
//! `Conflict` with nothing changed; 8 tasks × 50 calls and deletes on 3 keys
//! end with exactly one live row per key and every answer consistent with
//! the rows, with and without `unique_among_live` indexes, and with a
//! two-column key. An insert against a trashed holder of a plain unique
//! index is `Conflict { holder: Trashed }`.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{TimeZone, Utc};
use common::TestBackend as _;
use common::{Backend, Db};
use sea_orm::{SqlxMySqlConnector, SqlxPostgresConnector, SqlxSqliteConnector};
use soft_delete::sea_orm::SoftDeleteEntity as _;
use soft_delete::sqlx::{Dialect, Error, Model, SoftDeleteExt};
use soft_delete::{Holder, SoftDelete, TrashMode, Written};
use sqlx::Pool;

mod account {
    use sea_orm::entity::prelude::*;

    #[derive(
        Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete, sqlx::FromRow,
    )]
    #[sea_orm(table_name = "accounts")]
    #[soft_delete(unique(email))]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub email: String,
        pub name: String,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use account::Model as Account;
use account::ModelColumn as AccountColumn;

/// A two-column key.
#[derive(Debug, Clone, PartialEq, Eq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "pages", unique(tenant_id, slug))]
struct Page {
    id: i64,
    tenant_id: i64,
    slug: String,
    title: String,
    deleted_at: Option<chrono::DateTime<Utc>>,
}

fn types(backend: Backend) -> (&'static str, &'static str) {
    match backend {
        Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT"),
        Backend::Postgres => ("BIGSERIAL PRIMARY KEY", "TIMESTAMPTZ"),
        Backend::MySql => ("BIGINT AUTO_INCREMENT PRIMARY KEY", "DATETIME(6)"),
    }
}

/// The accounts table; `indexes` adds the declared keys' unique-among-live
/// indexes, `plain` a unique index over live and trashed rows alike.
async fn accounts(db: &Db, indexes: bool, plain: bool) {
    let (id, time) = types(db.backend());
    db.raw(&format!(
        "CREATE TABLE accounts (id {id}, email VARCHAR(100) NOT NULL, name VARCHAR(100) NOT NULL, deleted_at {time} NULL)"
    ))
    .await;
    if indexes {
        for sql in Account::unique_indexes(db.backend().schema()) {
            db.raw(&sql).await;
        }
    }
    if plain {
        db.raw("CREATE UNIQUE INDEX accounts_email_key ON accounts (email)")
            .await;
    }
}

async fn pages(db: &Db) {
    let (id, time) = types(db.backend());
    db.raw(&format!(
        "CREATE TABLE pages (id {id}, tenant_id BIGINT NOT NULL, slug VARCHAR(100) NOT NULL, title VARCHAR(100) NOT NULL, deleted_at {time} NULL)"
    ))
    .await;
    for sql in Page::unique_indexes(db.backend().schema()) {
        db.raw(&sql).await;
    }
}

fn ada(name: &str) -> [(AccountColumn, sea_query::Value); 2] {
    [
        (AccountColumn::Email, "ada@example.com".into()),
        (AccountColumn::Name, name.into()),
    ]
}

/// Created, then restored (the most recently trashed of two holders, given
/// the values), then a conflict against the live holder with nothing
/// changed.
async fn lifecycle<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Account: Model<DB>,
{
    let backend = db.backend();
    let accounts = Account::on(pool);
    let Written::Created(first) = accounts
        .create_or_restore(ada("First"))
        .await
        .expect("create")
    else {
        panic!("{backend}: nothing held the key");
    };
    let second = {
        accounts.delete(first.id).await.expect("delete");
        accounts
            .insert(ada("Second"))
            .await
            .expect("the key is free among live rows")
    };
    // The first trashed later than the second: it is the one restored,
    // whatever the order of their keys.
    let at = |day| Utc.with_ymd_and_hms(2026, 1, day, 0, 0, 0).unwrap();
    db.execute(&Account::delete_by_id_at(second.id, at(1)))
        .await;
    db.execute(&Account::restore_by_id(first.id)).await;
    db.execute(&Account::delete_by_id_at(first.id, at(2))).await;

    let restored = accounts
        .create_or_restore(ada("Third"))
        .await
        .expect("restore");
    assert!(restored.is_restored(), "{backend}: {restored:?}");
    let restored = restored.into_inner();
    assert_eq!(
        (restored.id, restored.name.as_str(), restored.deleted_at),
        (first.id, "Third", None),
        "{backend}"
    );
    let still = accounts
        .find_in(second.id, TrashMode::WithTrashed)
        .await
        .expect("find")
        .expect("the other holder is there");
    assert!(
        still.is_trashed(),
        "{backend}: the other holder stays trashed"
    );

    let error = accounts
        .create_or_restore(ada("Fourth"))
        .await
        .expect_err("a live row holds the key");
    assert!(
        matches!(
            error,
            Error::Conflict {
                table: "accounts",
                holder: Holder::Live,
                source: None,
                ..
            }
        ),
        "{backend}: {error:?}"
    );
    assert!(
        error.to_string().contains("a live row"),
        "{backend}: {error}"
    );
    assert_eq!(
        accounts
            .find(first.id)
            .await
            .expect("find")
            .map(|row| row.name),
        Some("Third".to_owned()),
        "{backend}: nothing changed"
    );
    assert_eq!(
        accounts.count(TrashMode::WithTrashed).await.expect("count"),
        2,
        "{backend}"
    );

    // Values that fill no declared key only insert.
    let other = accounts
        .create_or_restore([
            (AccountColumn::Email, "bob@example.com".into()),
            (AccountColumn::Name, "Bob".into()),
        ])
        .await
        .expect("create");
    assert!(!other.is_restored(), "{backend}");
}

#[tokio::test]
async fn create_or_restore_restores_the_latest_holder_creates_or_conflicts() {
    for backend in common::backends() {
        for indexes in [true, false] {
            let db = Db::options(backend).max_connections(2).connect().await;
            accounts(&db, indexes, false).await;
            match backend {
                Backend::Sqlite => lifecycle(&db, db.sqlite_pool()).await,
                Backend::Postgres => lifecycle(&db, db.postgres_pool()).await,
                Backend::MySql => lifecycle(&db, db.mysql_pool()).await,
            }
        }
    }
}

/// A small deterministic generator: the runs are the same every time.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// What one call answered.
#[derive(Debug)]
enum Answer {
    Created(i64),
    Restored(i64),
    Conflict,
    Deleted(i64),
}

/// 8 tasks × 50 operations on 3 keys: a create-or-restore, or a delete of
/// the key's live row. `write` runs the create-or-restore of key `k` and
/// gives the row's id; `live` lists the live (id, key) pairs; `delete`
/// trashes a row; `rows` gives every (id, key, live) at the end.
macro_rules! race {
    ($backend:expr, $pool:expr, $handle:ident, $write:expr, $key_of:expr) => {{
        let backend = $backend;
        let mut tasks = tokio::task::JoinSet::new();
        for task in 0..8_u64 {
            let pool = $pool.clone();
            tasks.spawn(async move {
                let handle = $handle::on(&pool);
                let mut random = Lcg(task + 1);
                let mut answers = Vec::new();
                for n in 0..50 {
                    let key = random.below(3) as i64;
                    if random.below(3) == 0 {
                        let live = handle.list(TrashMode::WithoutTrashed).await.expect("list");
                        if let Some(row) = live.iter().find(|row| $key_of(row) == key) {
                            // On MariaDB a plain delete may lose a deadlock
                            // to a create-or-restore's locking read: retry it,
                            // as README says to.
                            let deleted = loop {
                                match handle.delete(row.id).await {
                                    Err(error) if error.is_retryable() => continue,
                                    deleted => break deleted.expect("delete"),
                                }
                            };
                            if deleted.is_some() {
                                answers.push((key, Answer::Deleted(row.id)));
                            }
                        }
                        continue;
                    }
                    let answer = match handle.create_or_restore($write(key, task, n)).await {
                        Ok(Written::Created(row)) => {
                            assert_eq!($key_of(&row), key, "{backend}");
                            Answer::Created(row.id)
                        }
                        Ok(Written::Restored(row)) => {
                            assert_eq!($key_of(&row), key, "{backend}");
                            assert!(!row.is_trashed(), "{backend}");
                            Answer::Restored(row.id)
                        }
                        Err(Error::Conflict {
                            holder: Holder::Live,
                            ..
                        }) => Answer::Conflict,
                        Err(error) => panic!("{backend}: {error:?}"),
                    };
                    answers.push((key, answer));
                }
                answers
            });
        }
        let mut answers: BTreeMap<i64, Vec<Answer>> = BTreeMap::new();
        while let Some(task) = tasks.join_next().await {
            for (key, answer) in task.expect("task") {
                answers.entry(key).or_default().push(answer);
            }
        }
        // Each key ends with one live row: one more call makes it so if
        // the last operation was a delete.
        let handle = $handle::on($pool);
        for key in 0..3 {
            match handle.create_or_restore($write(key, 99, 99)).await {
                Ok(Written::Created(row)) => answers
                    .entry(key)
                    .or_default()
                    .push(Answer::Created(row.id)),
                Ok(Written::Restored(row)) => answers
                    .entry(key)
                    .or_default()
                    .push(Answer::Restored(row.id)),
                Err(Error::Conflict {
                    holder: Holder::Live,
                    ..
                }) => {}
                Err(error) => panic!("{backend}: {error:?}"),
            }
        }
        let rows = handle.list(TrashMode::WithTrashed).await.expect("list");
        for key in 0..3 {
            let held: Vec<_> = rows.iter().filter(|row| $key_of(row) == key).collect();
            let live = held.iter().filter(|row| !row.is_trashed()).count();
            assert_eq!(live, 1, "{backend}: key {key} has {live} live rows");
            let ids: BTreeSet<i64> = held.iter().map(|row| row.id).collect();
            let answered = &answers[&key];
            let created: BTreeSet<i64> = answered
                .iter()
                .filter_map(|answer| match answer {
                    Answer::Created(id) => Some(*id),
                    _ => None,
                })
                .collect();
            assert_eq!(
                created, ids,
                "{backend}: key {key}: every row was created by one answer"
            );
            let creations = answered
                .iter()
                .filter(|answer| matches!(answer, Answer::Created(_)))
                .count();
            assert_eq!(
                creations,
                created.len(),
                "{backend}: key {key}: an id answered twice"
            );
            for answer in answered {
                if let Answer::Restored(id) | Answer::Deleted(id) = answer {
                    assert!(
                        ids.contains(id),
                        "{backend}: key {key}: {answer:?} is no row of the key"
                    );
                }
            }
            // Every row but the live one went to the trash, and each restore
            // undid one delete: deletes − restores = rows − 1.
            let count = |pick: fn(&Answer) -> bool| answered.iter().filter(|a| pick(a)).count();
            let deletes = count(|a| matches!(a, Answer::Deleted(_)));
            let restores = count(|a| matches!(a, Answer::Restored(_)));
            assert_eq!(
                deletes - restores,
                ids.len() - 1,
                "{backend}: key {key}: {answered:?}"
            );
            assert!(
                count(|a| matches!(a, Answer::Conflict)) > 0,
                "{backend}: key {key}: the race was real"
            );
        }
    }};
}

fn account_values(key: i64, task: u64, n: u64) -> [(AccountColumn, sea_query::Value); 2] {
    [
        (
            AccountColumn::Email,
            format!("user{key}@example.com").into(),
        ),
        (AccountColumn::Name, format!("t{task}-{n}").into()),
    ]
}

fn account_key(row: &Account) -> i64 {
    row.email[4..5].parse().expect("user<k>@")
}

fn page_values(key: i64, task: u64, n: u64) -> [(PageColumn, sea_query::Value); 3] {
    [
        (PageColumn::TenantId, (key % 2).into()),
        (PageColumn::Slug, format!("s{}", key / 2).into()),
        (PageColumn::Title, format!("t{task}-{n}").into()),
    ]
}

fn page_key(row: &Page) -> i64 {
    row.tenant_id + 2 * row.slug[1..].parse::<i64>().expect("s<n>")
}

async fn races<DB: Dialect>(db: &Db, pool: &Pool<DB>, indexes: bool)
where
    Account: Model<DB>,
    Page: Model<DB>,
{
    accounts(db, indexes, false).await;
    race!(db.backend(), pool, Account, account_values, account_key);
    if indexes {
        pages(db).await;
        race!(db.backend(), pool, Page, page_values, page_key);
    }
}

#[tokio::test]
async fn concurrent_create_or_restore_leaves_one_live_row_per_key() {
    for backend in common::backends() {
        for indexes in [true, false] {
            let db = Db::options(backend).max_connections(4).connect().await;
            match backend {
                Backend::Sqlite => races(&db, db.sqlite_pool(), indexes).await,
                Backend::Postgres => races(&db, db.postgres_pool(), indexes).await,
                Backend::MySql => races(&db, db.mysql_pool(), indexes).await,
            }
        }
    }
}

async fn holders<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Account: Model<DB>,
{
    let backend = db.backend();
    let accounts = Account::on(pool);
    let row = accounts.insert(ada("Ada")).await.expect("insert");
    let live = accounts.insert(ada("Again")).await.expect_err("taken");
    assert!(
        matches!(
            live,
            Error::Conflict {
                holder: Holder::Live,
                source: Some(_),
                ..
            }
        ),
        "{backend}: {live:?}"
    );
    accounts.delete(row.id).await.expect("delete");
    // The plain index still holds the trashed row's key.
    let trashed = accounts
        .insert(ada("Again"))
        .await
        .expect_err("taken by a trashed row");
    assert!(
        matches!(
            trashed,
            Error::Conflict {
                holder: Holder::Trashed,
                ..
            }
        ),
        "{backend}: {trashed:?}"
    );
    assert!(
        trashed.to_string().contains("create_or_restore"),
        "{backend}: {trashed}"
    );
    let Written::Restored(back) = accounts
        .create_or_restore(ada("Back"))
        .await
        .expect("restore")
    else {
        panic!("{backend}: the trashed row holds the key");
    };
    assert_eq!((back.id, back.name.as_str()), (row.id, "Back"), "{backend}");
}

#[tokio::test]
async fn a_conflict_says_whether_a_live_or_a_trashed_row_holds_the_key() {
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(2).connect().await;
        accounts(&db, false, true).await;
        match backend {
            Backend::Sqlite => holders(&db, db.sqlite_pool()).await,
            Backend::Postgres => holders(&db, db.postgres_pool()).await,
            Backend::MySql => holders(&db, db.mysql_pool()).await,
        }
    }
}

#[tokio::test]
async fn sea_orm_create_or_restore() {
    use soft_delete::sea_orm::Error;
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(2).connect().await;
        accounts(&db, true, false).await;
        let connection = match backend {
            Backend::Sqlite => SqlxSqliteConnector::from_sqlx_sqlite_pool(db.sqlite_pool().clone()),
            Backend::Postgres => {
                SqlxPostgresConnector::from_sqlx_postgres_pool(db.postgres_pool().clone())
            }
            Backend::MySql => SqlxMySqlConnector::from_sqlx_mysql_pool(db.mysql_pool().clone()),
        };
        let accounts = account::Entity::on(&connection);
        let created = accounts
            .create_or_restore(ada("Ada"))
            .await
            .expect("create");
        let Written::Created(row) = created else {
            panic!("{backend}: {created:?}");
        };
        let error = accounts
            .create_or_restore(ada("Twice"))
            .await
            .expect_err("live");
        assert!(
            matches!(
                error,
                Error::Conflict {
                    holder: Holder::Live,
                    ..
                }
            ),
            "{backend}: {error:?}"
        );
        accounts.delete(row.id).await.expect("delete");
        let restored = accounts
            .create_or_restore(ada("Back"))
            .await
            .expect("restore");
        let Written::Restored(back) = restored else {
            panic!("{backend}: {restored:?}");
        };
        assert_eq!((back.id, back.name.as_str()), (row.id, "Back"), "{backend}");
    }
}

/// Calls cancelled half-way (a client hanging up) leave no lock behind
/// and no pooled connection stuck mid-exchange: the next call on the same
/// key answers at once, on a pool of 2.
async fn cancelled<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Account: Model<DB>,
{
    let backend = db.backend();
    accounts(db, false, false).await;
    let accounts = Account::on(pool);
    for micros in (0..40).map(|n| 50 * n) {
        let call = accounts.create_or_restore(ada("Cancelled"));
        let _ = tokio::time::timeout(std::time::Duration::from_micros(micros), call).await;
    }
    let answer = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        accounts.create_or_restore(ada("After")),
    )
    .await
    .unwrap_or_else(|_| panic!("{backend}: a cancelled call left a lock or a stuck connection"));
    match answer {
        Ok(_)
        | Err(Error::Conflict {
            holder: Holder::Live,
            ..
        }) => {}
        Err(error) => panic!("{backend}: {error:?}"),
    }
    let live = accounts
        .count(TrashMode::WithoutTrashed)
        .await
        .expect("count");
    assert_eq!(live, 1, "{backend}: one live row for the key");
}

/// PostgreSQL and MariaDB, whose locks outlive a statement: SQLite's write
/// lock is its connection's, and sqlx closes a connection dropped mid-call
/// (which, here, would take the in-memory database with it).
#[tokio::test]
async fn a_cancelled_call_leaves_no_lock() {
    for backend in [Backend::Postgres, Backend::MySql]
        .into_iter()
        .filter_map(common::TestBackend::if_configured)
    {
        let db = Db::options(backend).max_connections(2).connect().await;
        match backend {
            Backend::Postgres => cancelled(&db, db.postgres_pool()).await,
            _ => cancelled(&db, db.mysql_pool()).await,
        }
    }
}
