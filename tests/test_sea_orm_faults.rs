//! Faults, edge values and foreign keys through `soft_delete::sea_orm`, on
//! SQLite, PostgreSQL and MariaDB: the SeaORM layer runs the same plans as
//! `soft_delete::sqlx`, so what `tests/test_edge_values.rs`,
//! `tests/test_purge_foreign_keys.rs` and `tests/test_cascade_isolation.rs`
//! show for sqlx must hold here too, checked against the rows read back.
//!
//! - Edge values: every marker is stored as written or refused with an
//!   error naming it (the row left as it was); cutoffs past what a column
//!   holds purge what is due and never a live row; `u64::MAX` is an error
//!   value, not a panic; PostgreSQL statements bound with integers of
//!   several widths never collide in sqlx's statement cache.
//! - Foreign keys (`RESTRICT` and `ON DELETE CASCADE`): no purge removes a
//!   live row, kept rows are counted, an undeclared reference is
//!   `Error::Referenced` with the earlier batches committed, erase removes
//!   the subtree or, on a failing hook, nothing.
//! - Cascades racing on overlapping trees end as if serial.
//! - `Error::is_retryable` for real faults: a deadlock, a serialization
//!   failure, a lock wait timeout, SQLite's busy database, a connection not
//!   acquired, a connection killed under a transaction; each time running
//!   the operation again succeeds.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::TestBackend as _;
use common::{Backend, Db, SqlType};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr, IsolationLevel, SqlxMySqlConnector,
    SqlxPostgresConnector, SqlxSqliteConnector, Statement, TransactionTrait as _,
};
use sea_query::{Expr, ExprTrait as _, Value};
use soft_delete::sea_orm::{Error, SoftDeleteEntity as _};
use soft_delete::{Cascade, PurgeProgress, SoftDelete, TrashMode};
use tokio::sync::Barrier;
use tokio::task::JoinSet;

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

/// A SeaORM connection over the harness's pool, in the test's namespace.
fn connect(db: &Db) -> DatabaseConnection {
    match db.backend() {
        Backend::Sqlite => SqlxSqliteConnector::from_sqlx_sqlite_pool(db.sqlite_pool().clone()),
        Backend::Postgres => {
            SqlxPostgresConnector::from_sqlx_postgres_pool(db.postgres_pool().clone())
        }
        Backend::MySql => SqlxMySqlConnector::from_sqlx_mysql_pool(db.mysql_pool().clone()),
    }
}

/// The first column of the one row `sql` returns, as an `i64`.
async fn scalar<C: ConnectionTrait>(conn: &C, sql: &str) -> i64 {
    let backend = conn.get_database_backend();
    let row = conn
        .query_one_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .unwrap_or_else(|error| panic!("{backend:?}: `{sql}` failed: {error}"))
        .unwrap_or_else(|| panic!("{backend:?}: `{sql}` returned no row"));
    row.try_get_by_index::<i64>(0)
        .unwrap_or_else(|error| panic!("{backend:?}: `{sql}`: {error}"))
}

fn timestamp_type(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "TEXT",
        Backend::Postgres => "TIMESTAMPTZ",
        Backend::MySql => "DATETIME(6)",
    }
}

// ---------------------------------------------------------------------------
// Edge values
// ---------------------------------------------------------------------------

mod post {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
    #[sea_orm(table_name = "posts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub title: String,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use post::ModelColumn as PostColumn;

fn post_id() -> Expr {
    Expr::col((PostColumn::Table, PostColumn::Id))
}

/// `posts (id, title, deleted_at)` holding the live rows `ids`.
async fn posts(db: &Db, ids: std::ops::RangeInclusive<i64>) {
    db.create_table(
        "posts",
        &[
            ("id", SqlType::Id),
            ("title", SqlType::Text),
            ("deleted_at", SqlType::TimestampTz),
        ],
    )
    .await;
    for id in ids {
        db.raw(&format!(
            "INSERT INTO posts (id, title) VALUES ({id}, 'post {id}')"
        ))
        .await;
    }
}

/// Every post's key, trashed or not, ascending.
async fn post_ids(conn: &DatabaseConnection) -> Vec<i64> {
    let mut ids: Vec<i64> = post::Entity::on(conn)
        .list(TrashMode::WithTrashed)
        .await
        .expect("list posts")
        .iter()
        .map(|post| post.id)
        .collect();
    ids.sort_unstable();
    ids
}

fn at(year: i32, month: u32, day: u32, h: u32, m: u32, s: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|date| date.and_hms_opt(h, m, s))
        .map(|at| Utc.from_utc_datetime(&at))
        .expect("a valid instant")
}

fn in_2020() -> DateTime<Utc> {
    at(2020, 6, 1, 12, 0, 0)
}

/// The instants of the acceptance list.
fn edges() -> Vec<(&'static str, DateTime<Utc>)> {
    vec![
        ("year 1", at(1, 1, 1, 0, 0, 0)),
        ("year 1000", at(1000, 1, 1, 0, 0, 0)),
        ("1969", at(1969, 12, 31, 23, 59, 59)),
        ("2038-01-19 03:14:08", at(2038, 1, 19, 3, 14, 8)),
        ("2040", at(2040, 1, 1, 0, 0, 0)),
        ("9999", at(9999, 12, 31, 23, 59, 59)),
        ("10000", at(10000, 1, 1, 0, 0, 0)),
        ("MIN_UTC", DateTime::<Utc>::MIN_UTC),
        ("MAX_UTC", DateTime::<Utc>::MAX_UTC),
    ]
}

/// What the column holds of `at`: microseconds on PostgreSQL and MariaDB,
/// all of it in SQLite's text.
fn stored(backend: Backend, at: DateTime<Utc>) -> DateTime<Utc> {
    match backend {
        Backend::Sqlite => at,
        _ => at - Duration::nanoseconds(i64::from(at.timestamp_subsec_nanos() % 1000)),
    }
}

/// Whether `backend`'s timestamp column cannot hold `at`.
fn refused(backend: Backend, at: DateTime<Utc>) -> bool {
    let year = chrono::Datelike::year(&at);
    match backend {
        Backend::MySql => !(1000..=9999).contains(&year),
        Backend::Sqlite => !(0..=9999).contains(&year),
        Backend::Postgres => year < -4713,
    }
}

/// The error names the refused instant by its year.
fn names_the_year(error: &Error, at: DateTime<Utc>) -> bool {
    let year = at.format("%Y").to_string();
    error.to_string().contains(year.trim_start_matches('+'))
}

/// Each edge instant given as a marker through the handle, by `update` of a
/// live row and by `insert` of a new one: stored exactly (and returned as
/// stored), or refused with an error naming it and the row as it was.
async fn markers_are_stored_or_refused(db: &Db, conn: &DatabaseConnection) {
    let backend = db.backend();
    let posts = post::Entity::on(conn);
    let mut born = 0;
    for (index, (name, at)) in edges().into_iter().enumerate() {
        let row = i64::try_from(index).expect("few") + 1;
        let outcome = posts
            .update(row, [(PostColumn::DeletedAt, at.into())])
            .await;
        let read = posts
            .find_in(row, TrashMode::WithTrashed)
            .await
            .unwrap_or_else(|error| panic!("{backend}, {name}: the pool serves on: {error}"))
            .expect("the row exists");
        match outcome {
            Ok(written) => {
                let written = written.expect("the row was live");
                assert_eq!(
                    written.deleted_at,
                    Some(stored(backend, at)),
                    "{backend}, {name}: a success stored the marker as written"
                );
                assert_eq!(
                    read, written,
                    "{backend}, {name}: the row returned is the row stored"
                );
            }
            Err(error) => {
                assert_eq!(
                    read,
                    post::Model {
                        id: row,
                        title: format!("post {row}"),
                        deleted_at: None
                    },
                    "{backend}, {name}: refused, so nothing changed"
                );
                assert!(
                    names_the_year(&error, at),
                    "{backend}, {name}: the error names the value: {error}"
                );
                assert!(!error.is_retryable(), "{backend}, {name}: {error:?}");
            }
        }
        assert_eq!(
            read.deleted_at.is_none(),
            refused(backend, at),
            "{backend}, {name}: stored where the column holds it, refused elsewhere"
        );

        // A row inserted already trashed, with the same instant.
        let id = 100 + row;
        let outcome = posts
            .insert([
                (PostColumn::Id, id.into()),
                (PostColumn::Title, format!("born {name}").into()),
                (PostColumn::DeletedAt, at.into()),
            ])
            .await;
        let read = posts
            .find_in(id, TrashMode::WithTrashed)
            .await
            .unwrap_or_else(|error| panic!("{backend}, {name}: the pool serves on: {error}"));
        match outcome {
            Ok(written) => {
                born += 1;
                assert_eq!(
                    written.deleted_at,
                    Some(stored(backend, at)),
                    "{backend}, {name}: inserted as written"
                );
                assert_eq!(read, Some(written), "{backend}, {name}");
            }
            Err(error) => {
                assert_eq!(read, None, "{backend}, {name}: refused, so no row");
                assert!(
                    names_the_year(&error, at),
                    "{backend}, {name}: the error names the value: {error}"
                );
            }
        }
        assert_eq!(read.is_none(), refused(backend, at), "{backend}, {name}");
    }
    assert_eq!(
        posts.count(TrashMode::WithTrashed).await.expect("count"),
        9 + born,
        "{backend}: the pool still serves, and no refused row was written"
    );
}

/// Posts 1–6 trashed in 2020 and post 7 live; at every edge as the cutoff,
/// `list_trashed_since` and the purge (batches of 1, 4 and 1000) see exactly
/// what is due, and post 7 stays.
async fn far_cutoffs_purge_what_is_due(db: &Db, conn: &DatabaseConnection) {
    let backend = db.backend();
    let posts = post::Entity::on(conn);
    for (round, (name, cutoff)) in edges().into_iter().enumerate() {
        db.raw("DELETE FROM posts").await;
        for id in 1..=7_i64 {
            posts
                .insert([
                    (PostColumn::Id, id.into()),
                    (PostColumn::Title, format!("post {id}").into()),
                ])
                .await
                .expect("insert");
        }
        for id in 1..=6 {
            posts
                .update(id, [(PostColumn::DeletedAt, in_2020().into())])
                .await
                .expect("trash in 2020")
                .expect("live");
        }
        let mut since: Vec<i64> = posts
            .list_trashed_since(cutoff)
            .await
            .unwrap_or_else(|error| panic!("{backend}, since {name}: {error}"))
            .iter()
            .map(|post| post.id)
            .collect();
        since.sort_unstable();
        let expected: Vec<i64> = if cutoff <= in_2020() {
            (1..=6).collect()
        } else {
            Vec::new()
        };
        assert_eq!(since, expected, "{backend}, trashed since {name}");

        let size = [1_u32, 4, 1000][round % 3];
        let mut batches = 0_u64;
        let purged = posts
            .purge_trashed_before(cutoff)
            .batch_size(NonZeroU32::new(size).expect("not 0"))
            .on_batch(|_| batches += 1)
            .await
            .unwrap_or_else(|error| panic!("{backend}, cutoff {name}: {error}"));
        let due = if cutoff > in_2020() { 6 } else { 0 };
        assert_eq!(purged, due, "{backend}, cutoff {name}, batches of {size}");
        assert_eq!(
            batches,
            due / u64::from(size) + 1,
            "{backend}, cutoff {name}: batches of {size} until one takes fewer"
        );
        let left = post_ids(conn).await;
        let expected: Vec<i64> = if due == 6 { vec![7] } else { (1..=7).collect() };
        assert_eq!(left, expected, "{backend}, cutoff {name}");
        assert!(
            posts.find(7).await.expect("find").is_some(),
            "{backend}, cutoff {name}: the live row is never purged"
        );
    }
}

/// `u64::MAX` as a purge filter's value, a key to insert and a key to update
/// to: an error value naming it on PostgreSQL and SQLite (signed integers),
/// MariaDB's own answer there; nothing changes and the pool serves on.
async fn u64_max_is_an_error_not_a_panic(db: &Db, conn: &DatabaseConnection) {
    let backend = db.backend();
    let posts = post::Entity::on(conn);
    for id in [1, 2] {
        posts
            .update(id, [(PostColumn::DeletedAt, in_2020().into())])
            .await
            .expect("trash")
            .expect("live");
    }
    let names_it = |error: &Error| error.to_string().contains("18446744073709551615");

    let filtered = posts
        .purge_trashed_before(Utc::now())
        .filter(post_id().eq(u64::MAX).into())
        .await;
    match backend {
        Backend::MySql => assert_eq!(
            filtered.expect("MariaDB compares unsigned"),
            0,
            "{backend}: no key is u64::MAX"
        ),
        _ => {
            let error = filtered.expect_err("signed 64-bit integers only");
            assert!(matches!(error, Error::Database(_)), "{backend}: {error:?}");
            assert!(names_it(&error), "{backend}: {error}");
            assert!(!error.is_retryable(), "{backend}: {error:?}");
        }
    }

    let inserted = posts
        .insert([
            (PostColumn::Id, u64::MAX.into()),
            (PostColumn::Title, "max".into()),
        ])
        .await;
    let error = inserted.expect_err("a BIGINT key cannot hold u64::MAX");
    if backend != Backend::MySql {
        assert!(names_it(&error), "{backend}: {error}");
    }
    let updated = posts.update(3, [(PostColumn::Id, u64::MAX.into())]).await;
    let error = updated.expect_err("a BIGINT key cannot hold u64::MAX");
    if backend != Backend::MySql {
        assert!(names_it(&error), "{backend}: {error}");
    }

    assert_eq!(
        post_ids(conn).await,
        [1, 2, 3],
        "{backend}: nothing changed"
    );
    assert_eq!(
        posts.find(3).await.expect("the pool serves on"),
        Some(post::Model {
            id: 3,
            title: "post 3".to_owned(),
            deleted_at: None
        }),
        "{backend}"
    );
    assert_eq!(
        posts
            .purge_trashed_before(Utc::now())
            .await
            .expect("the pool serves on"),
        2,
        "{backend}: the purge proper still runs"
    );
    assert_eq!(post_ids(conn).await, [3], "{backend}");
}

#[tokio::test]
async fn edge_values() {
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(4).connect().await;
        posts(&db, 1..=9).await;
        markers_are_stored_or_refused(&db, &connect(&db)).await;

        let db = Db::options(backend).max_connections(4).connect().await;
        posts(&db, 1..=7).await;
        far_cutoffs_purge_what_is_due(&db, &connect(&db)).await;

        let db = Db::options(backend).max_connections(4).connect().await;
        posts(&db, 1..=3).await;
        u64_max_is_an_error_not_a_panic(&db, &connect(&db)).await;
    }
}

/// One statement text bound with `i16`, `i32`, `i64` and `u32` keys on
/// PostgreSQL: first in both orders on one connection (a transaction), then
/// 240 calls on a pool of 4 mixing them, through `update`, `insert`,
/// `delete`, `restore` and a purge filter: no error, every row where it
/// should be.
#[tokio::test]
async fn integer_widths_never_collide_in_the_statement_cache() {
    let Some(backend) = Backend::Postgres.if_configured() else {
        return;
    };
    let db = Db::options(backend).max_connections(4).connect().await;
    posts(&db, 1..=200).await;
    let conn = connect(&db);
    {
        let tx = conn.begin().await.expect("begin");
        let posts = post::Entity::on(&tx);
        // `UPDATE ... SET id = $1 WHERE id = $2`: i64 then i32, i32 then i64,
        // then i16 and u32.
        for (row, key) in [
            (4, Value::BigInt(Some(4))),
            (5, Value::Int(Some(5))),
            (6, Value::Int(Some(6))),
            (7, Value::BigInt(Some(7))),
            (8, Value::SmallInt(Some(8))),
            (9, Value::Unsigned(Some(9))),
            (10, Value::Int(Some(10))),
        ] {
            let written = posts
                .update(row, [(PostColumn::Id, key.clone())])
                .await
                .unwrap_or_else(|error| panic!("update {row} to {key:?}: {error}"))
                .expect("live");
            assert_eq!(written.id, row);
        }
        // `INSERT ... VALUES ($1, $2)`: i32, i64, i16.
        for (row, key) in [
            (301, Value::Int(Some(301))),
            (302, Value::BigInt(Some(302))),
            (303, Value::SmallInt(Some(303))),
            (304, Value::Int(Some(304))),
        ] {
            let written = posts
                .insert([
                    (PostColumn::Id, key.clone()),
                    (PostColumn::Title, "new".into()),
                ])
                .await
                .unwrap_or_else(|error| panic!("insert {key:?}: {error}"));
            assert_eq!(written.id, row);
        }
        // A purge filter's `$n`: i32, i64, i16, i32.
        for (row, key) in [
            (90, Value::Int(Some(90))),
            (91, Value::BigInt(Some(91))),
            (92, Value::SmallInt(Some(92))),
            (93, Value::Int(Some(93))),
        ] {
            posts.delete(row).await.expect("delete").expect("live");
            let purged = posts
                .purge_trashed_before(Utc::now() + Duration::seconds(5))
                .filter(post_id().eq(key.clone()).into())
                .await
                .unwrap_or_else(|error| panic!("purge {key:?}: {error}"));
            assert_eq!(purged, 1, "post {row}");
        }
        tx.commit().await.expect("commit");
    }
    let ids = post_ids(&conn).await;
    let expected: Vec<i64> = (1..=200)
        .filter(|id| !(90..=93).contains(id))
        .chain(301..=304)
        .collect();
    assert_eq!(ids, expected);

    let long_ago = at(2000, 1, 1, 0, 0, 0);
    let mut tasks = JoinSet::new();
    for task in 0..4_i64 {
        let conn = conn.clone();
        tasks.spawn(async move {
            let posts = post::Entity::on(&conn);
            let mut errors = Vec::new();
            for call in 0..60_i64 {
                let row = 1 + (task * 60 + call) % 80;
                let small = i32::try_from(row).expect("small");
                let outcome = match call % 6 {
                    0 => posts.delete(row).await.map(|_| None),
                    1 => posts
                        .update(row, [(PostColumn::Id, Value::Int(Some(small)))])
                        .await
                        .map(|written| written.map(|post| post.id)),
                    2 => posts.restore(row).await.map(|_| None),
                    3 => posts
                        .update(
                            row,
                            [(
                                PostColumn::Id,
                                Value::SmallInt(Some(i16::try_from(row).expect("small"))),
                            )],
                        )
                        .await
                        .map(|written| written.map(|post| post.id)),
                    4 => posts
                        .purge_trashed_before(long_ago)
                        .filter(post_id().eq(small).into())
                        .await
                        .map(|purged| (purged != 0).then_some(-1)),
                    _ => posts
                        .update(row, [(PostColumn::Id, Value::BigInt(Some(row)))])
                        .await
                        .map(|written| written.map(|post| post.id)),
                };
                match outcome {
                    Ok(Some(id)) if id != row => {
                        errors.push(format!("task {task}, call {call}: wrote {id}, not {row}"));
                    }
                    Ok(_) => {}
                    Err(error) => errors.push(format!("task {task}, call {call}: {error}")),
                }
            }
            errors
        });
    }
    let mut errors = Vec::new();
    while let Some(task) = tasks.join_next().await {
        errors.extend(task.expect("task"));
    }
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(post_ids(&conn).await, expected, "no row lost or renamed");
}

// ---------------------------------------------------------------------------
// Foreign keys: purge and erase
// ---------------------------------------------------------------------------

mod fk {
    use sea_orm::{ConnectionTrait as _, DatabaseTransaction};
    use soft_delete::sea_orm::{HookError, Hooks, SeaOrm};

    pub mod post {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
        #[sea_orm(table_name = "posts")]
        #[soft_delete(
            cascade_id = "deletion_id",
            cascade(super::comment::Model = "post_id"),
            hooks = "super::EraseAudit"
        )]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: i64,
            pub deleted_at: Option<DateTimeUtc>,
            pub deletion_id: Option<i64>,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    /// Replies are comments: `cascade(Self = "parent_id")`.
    pub mod comment {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
        #[sea_orm(table_name = "comments")]
        #[soft_delete(
            cascade_id = "deletion_id",
            cascade(Self = "parent_id", super::reaction::Model = "comment_id")
        )]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: i64,
            pub post_id: i64,
            pub parent_id: Option<i64>,
            pub deleted_at: Option<DateTimeUtc>,
            pub deletion_id: Option<i64>,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    pub mod reaction {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
        #[sea_orm(table_name = "reactions")]
        #[soft_delete(cascade_id = "deletion_id")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: i64,
            pub comment_id: i64,
            pub deleted_at: Option<DateTimeUtc>,
            pub deletion_id: Option<i64>,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    /// Writes an audit row before each erase; refuses to erase post 99.
    pub struct EraseAudit;

    impl Hooks<post::Model, SeaOrm> for EraseAudit {
        async fn before_erase(tx: &mut DatabaseTransaction, id: &i64) -> Result<(), HookError> {
            tx.execute_unprepared(&format!(
                "INSERT INTO audit (event) VALUES ('erasing {id}')"
            ))
            .await?;
            Ok(())
        }

        async fn after_erase(_tx: &mut DatabaseTransaction, id: &i64) -> Result<(), HookError> {
            if *id == 99 {
                return Err("post 99 is under legal hold".into());
            }
            Ok(())
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnDelete {
    Restrict,
    Cascade,
}

/// The three tables with real foreign keys, and `audit`; a SeaORM
/// connection to them.
async fn fk_schema(backend: Backend, on_delete: OnDelete) -> (Db, DatabaseConnection) {
    let db = Db::options(backend).max_connections(4).connect().await;
    let time = timestamp_type(backend);
    let action = match on_delete {
        OnDelete::Restrict => "",
        OnDelete::Cascade => " ON DELETE CASCADE",
    };
    for ddl in [
        format!("CREATE TABLE posts (id BIGINT PRIMARY KEY, deleted_at {time} NULL, deletion_id BIGINT NULL)"),
        format!("CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, parent_id BIGINT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL, FOREIGN KEY (post_id) REFERENCES posts (id){action}, FOREIGN KEY (parent_id) REFERENCES comments (id){action})"),
        format!("CREATE TABLE reactions (id BIGINT PRIMARY KEY, comment_id BIGINT NOT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL, FOREIGN KEY (comment_id) REFERENCES comments (id){action})"),
        "CREATE TABLE audit (event VARCHAR(100) NOT NULL)".to_owned(),
    ] {
        db.raw(&ddl).await;
    }
    let conn = connect(&db);
    (db, conn)
}

/// Post `p` has comment `p*10 + 1`, its reply `p*10 + 2`, the reply's reply
/// `p*10 + 3`, and a reaction `p*100 + 1` on the deepest reply.
async fn forest(db: &Db, posts: impl IntoIterator<Item = i64>) {
    for post in posts {
        let (a, b, c) = (post * 10 + 1, post * 10 + 2, post * 10 + 3);
        for sql in [
            format!("INSERT INTO posts (id) VALUES ({post})"),
            format!("INSERT INTO comments (id, post_id, parent_id) VALUES ({a}, {post}, NULL)"),
            format!("INSERT INTO comments (id, post_id, parent_id) VALUES ({b}, {post}, {a})"),
            format!("INSERT INTO comments (id, post_id, parent_id) VALUES ({c}, {post}, {b})"),
            format!(
                "INSERT INTO reactions (id, comment_id) VALUES ({}, {c})",
                post * 100 + 1
            ),
        ] {
            db.raw(&sql).await;
        }
    }
}

type Tree = BTreeSet<(&'static str, i64, bool)>;

/// Every `(table, id, trashed)` in the schema, read through the handles.
async fn fk_rows(conn: &DatabaseConnection) -> Tree {
    let mut rows = Tree::new();
    for post in fk::post::Entity::on(conn)
        .list(TrashMode::WithTrashed)
        .await
        .expect("posts")
    {
        rows.insert(("posts", post.id, post.is_trashed()));
    }
    for comment in fk::comment::Entity::on(conn)
        .list(TrashMode::WithTrashed)
        .await
        .expect("comments")
    {
        rows.insert(("comments", comment.id, comment.is_trashed()));
    }
    for reaction in fk::reaction::Entity::on(conn)
        .list(TrashMode::WithTrashed)
        .await
        .expect("reactions")
    {
        rows.insert(("reactions", reaction.id, reaction.is_trashed()));
    }
    rows
}

fn live(rows: &Tree) -> BTreeSet<(&'static str, i64)> {
    rows.iter()
        .filter(|(_, _, trashed)| !trashed)
        .map(|&(table, id, _)| (table, id))
        .collect()
}

/// The post a row of the forest belongs to.
fn post_of(table: &str, id: i64) -> i64 {
    match table {
        "posts" => id,
        "comments" => id / 10,
        _ => id / 100,
    }
}

/// Ten posts cascade-deleted long ago; in three of them (3, 6, 9) a
/// comment was then restored on its own. A purge in batches of `size`
/// removes the seven free posts with their whole subtrees, keeps and counts
/// the three, never touches a live row; a second run removes nothing more.
async fn purge_keeps_what_holds_a_live_row(db: &Db, conn: &DatabaseConnection, size: u32) {
    let backend = db.backend();
    forest(db, 1..=10).await;
    for post in 1..=10 {
        fk::post::Entity::on(conn)
            .cascade_delete(post)
            .await
            .expect("cascade delete")
            .expect("the post was live");
    }
    let long_ago = Utc::now() - Duration::days(400);
    db.raw(&format!(
        "UPDATE posts SET deleted_at = '{}'",
        long_ago.format("%Y-%m-%d %H:%M:%S")
    ))
    .await;
    // Members restored alone by a statement of the application's own (the
    // library refuses to: `Error::Cascaded`, nothing changed): live rows
    // under trashed posts.
    for comment in [31, 62, 93] {
        let refused = fk::comment::Entity::on(conn).cascade_restore(comment).await;
        assert!(
            matches!(refused, Err(Error::Cascaded { table: "comments" })),
            "{backend}: {refused:?}"
        );
        let refused = fk::comment::Entity::on(conn).restore(comment).await;
        assert!(
            matches!(refused, Err(Error::Cascaded { table: "comments" })),
            "{backend}: {refused:?}"
        );
    }
    assert!(
        live(&fk_rows(conn).await).is_empty(),
        "{backend}: the refused restores changed nothing"
    );
    db.raw("UPDATE comments SET deleted_at = NULL, deletion_id = NULL WHERE id IN (31, 62, 93)")
        .await;
    let before = fk_rows(conn).await;
    let live_before = live(&before);
    assert_eq!(live_before.len(), 3, "{backend}: {before:?}");

    let mut batches: Vec<PurgeProgress> = Vec::new();
    let purged = fk::post::Entity::on(conn)
        .purge_trashed_before(Utc::now() - Duration::days(30))
        .batch_size(NonZeroU32::new(size).expect("not 0"))
        .on_batch(|progress| batches.push(progress))
        .await
        .unwrap_or_else(|error| panic!("{backend}, batches of {size}: {error}"));
    assert_eq!(purged, 7, "{backend}, batches of {size}: {batches:?}");
    assert_eq!(
        batches.iter().map(|batch| batch.kept).sum::<u64>(),
        3,
        "{backend}, batches of {size}: the held posts are counted: {batches:?}"
    );
    assert_eq!(
        batches.last().map(|batch| batch.total),
        Some(7),
        "{backend}, batches of {size}: {batches:?}"
    );
    let after = fk_rows(conn).await;
    assert_eq!(live(&after), live_before, "{backend}: a live row went");
    let kept: BTreeSet<i64> = after
        .iter()
        .filter(|(table, ..)| *table == "posts")
        .map(|(_, id, _)| *id)
        .collect();
    assert_eq!(
        kept,
        BTreeSet::from([3, 6, 9]),
        "{backend}, batches of {size}"
    );
    for &(table, id, _) in &after {
        assert!(
            [3, 6, 9].contains(&post_of(table, id)),
            "{backend}: {table} {id} of a purged post is left"
        );
    }
    // The held posts' trees are whole: 5 rows each.
    assert_eq!(after.len(), 15, "{backend}: {after:?}");

    let again = fk::post::Entity::on(conn)
        .purge_trashed_before(Utc::now() - Duration::days(30))
        .batch_size(NonZeroU32::new(size).expect("not 0"))
        .await
        .expect("second purge");
    assert_eq!(again, 0, "{backend}: a second run removes nothing more");
    assert_eq!(fk_rows(conn).await, after, "{backend}");
}

#[tokio::test]
async fn restrict_purge_removes_the_free_and_keeps_the_held() {
    for backend in common::backends() {
        for size in [1, 2, 3, 1000] {
            let (db, conn) = fk_schema(backend, OnDelete::Restrict).await;
            purge_keeps_what_holds_a_live_row(&db, &conn, size).await;
        }
    }
}

#[tokio::test]
async fn on_delete_cascade_purge_never_takes_a_live_row() {
    for backend in common::backends() {
        for size in [1, 4, 1000] {
            let (db, conn) = fk_schema(backend, OnDelete::Cascade).await;
            purge_keeps_what_holds_a_live_row(&db, &conn, size).await;
        }
    }
}

/// A comment's own purge leaves the comments its post's cascade trashed:
/// they go with the post, so the post's cascade restore stays exact.
#[tokio::test]
async fn a_childs_own_purge_leaves_what_a_cascade_from_above_trashed() {
    for backend in common::backends() {
        let (db, conn) = fk_schema(backend, OnDelete::Restrict).await;
        forest(&db, [1]).await;
        db.raw("INSERT INTO comments (id, post_id, parent_id) VALUES (19, 1, NULL)")
            .await;
        fk::comment::Entity::on(&conn)
            .delete(19)
            .await
            .expect("delete")
            .expect("live");
        fk::post::Entity::on(&conn)
            .cascade_delete(1)
            .await
            .expect("cascade")
            .expect("live");
        let purged = fk::comment::Entity::on(&conn)
            .purge_trashed_before(Utc::now() + Duration::seconds(5))
            .await
            .expect("comment purge");
        assert_eq!(
            purged, 1,
            "{backend}: only comment 19, trashed on its own, goes"
        );
        let restored = fk::post::Entity::on(&conn)
            .cascade_restore(1)
            .await
            .expect("restore")
            .expect("trashed");
        assert_eq!(restored.rows_in("posts"), 1, "{backend}");
        assert_eq!(restored.rows_in("comments"), 3, "{backend}");
        assert_eq!(restored.rows_in("reactions"), 1, "{backend}");
        let rows = fk_rows(&conn).await;
        assert_eq!(
            live(&rows).len(),
            5,
            "{backend}: the whole tree is back: {rows:?}"
        );
        assert_eq!(rows.len(), 5, "{backend}: comment 19 is gone: {rows:?}");
    }
}

/// A table the model declares no cascade into: its reference fails the
/// batch with `Error::Referenced`; the batches before it stay committed.
#[tokio::test]
async fn an_undeclared_reference_is_referenced_and_earlier_batches_stay() {
    for backend in common::backends() {
        let (db, conn) = fk_schema(backend, OnDelete::Restrict).await;
        db.raw("CREATE TABLE bookmarks (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, FOREIGN KEY (post_id) REFERENCES posts (id))")
            .await;
        for post in 1..=4 {
            db.raw(&format!(
                "INSERT INTO posts (id, deleted_at) VALUES ({post}, '2020-01-0{post} 00:00:00')"
            ))
            .await;
        }
        db.raw("INSERT INTO bookmarks (id, post_id) VALUES (1, 3)")
            .await;
        let mut committed = 0;
        let error = fk::post::Entity::on(&conn)
            .purge_trashed_before(Utc::now())
            .batch_size(NonZeroU32::new(2).expect("two"))
            .on_batch(|progress| committed += progress.deleted)
            .await
            .expect_err("post 3 is bookmarked");
        assert!(
            matches!(&error, Error::Referenced { table: "posts", .. }),
            "{backend}: {error:?}"
        );
        assert!(error.to_string().contains("declare"), "{backend}: {error}");
        assert!(!error.is_retryable(), "{backend}: {error:?}");
        assert_eq!(
            committed, 2,
            "{backend}: the first batch (posts 1, 2) committed"
        );
        let left: BTreeSet<i64> = fk_rows(&conn)
            .await
            .iter()
            .filter(|(table, ..)| *table == "posts")
            .map(|(_, id, _)| *id)
            .collect();
        assert_eq!(
            left,
            BTreeSet::from([3, 4]),
            "{backend}: the failing batch changed nothing"
        );
        let error = fk::post::Entity::on(&conn)
            .force_delete(3)
            .await
            .expect_err("bookmarked");
        assert!(
            matches!(error, Error::Referenced { table: "posts", .. }),
            "{backend}: {error:?}"
        );
        let error = fk::post::Entity::on(&conn)
            .erase(3)
            .await
            .expect_err("bookmarked");
        assert!(
            matches!(error, Error::Referenced { table: "posts", .. }),
            "{backend}: {error:?}"
        );
        assert_eq!(
            scalar(&conn, "SELECT COUNT(*) FROM audit").await,
            0,
            "{backend}: the failed erase's audit row was rolled back"
        );
        assert_eq!(
            fk_rows(&conn).await,
            Tree::from([("posts", 3, true), ("posts", 4, true)]),
            "{backend}"
        );
    }
}

/// Erase takes the row and everything below it, live or trashed, deepest
/// first, under `RESTRICT` too; a failing hook undoes all of it.
#[tokio::test]
async fn erase_leaves_nothing_of_the_subtree_or_rolls_back_whole() {
    for backend in common::backends() {
        let (db, conn) = fk_schema(backend, OnDelete::Restrict).await;
        forest(&db, [1, 2, 99]).await;
        // Some of post 1's subtree trashed on its own, some live.
        fk::comment::Entity::on(&conn)
            .delete(12)
            .await
            .expect("delete")
            .expect("live");
        let erased: Cascade = fk::post::Entity::on(&conn)
            .erase(1)
            .await
            .expect("erase")
            .expect("post 1 exists");
        assert_eq!(
            erased.rows,
            [("posts", 1), ("comments", 3), ("reactions", 1)],
            "{backend}"
        );
        let left = fk_rows(&conn).await;
        assert!(
            left.iter().all(|&(table, id, _)| post_of(table, id) != 1),
            "{backend}: {left:?}"
        );
        assert_eq!(
            left.len(),
            10,
            "{backend}: posts 2 and 99 are whole: {left:?}"
        );
        assert_eq!(
            fk::post::Entity::on(&conn)
                .erase(1)
                .await
                .expect("erase again"),
            None,
            "{backend}"
        );

        let before = fk_rows(&conn).await;
        let error = fk::post::Entity::on(&conn)
            .erase(99)
            .await
            .expect_err("legal hold");
        assert!(
            matches!(
                error,
                Error::Hook {
                    table: "posts",
                    hook: "after_erase",
                    ..
                }
            ),
            "{backend}: {error:?}"
        );
        assert!(!error.is_retryable(), "{backend}: {error:?}");
        assert_eq!(
            fk_rows(&conn).await,
            before,
            "{backend}: the failed erase changed nothing"
        );
        assert_eq!(
            scalar(&conn, "SELECT COUNT(*) FROM audit").await,
            1,
            "{backend}: the erase of post 1 audited, the undone one not"
        );
    }
}

// ---------------------------------------------------------------------------
// Cascades racing each other
// ---------------------------------------------------------------------------

mod iso {
    pub mod post {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
        #[sea_orm(table_name = "posts")]
        #[soft_delete(cascade_id = "deletion_id", cascade(super::comment::Model = "post_id"))]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: i64,
            pub deleted_at: Option<DateTimeUtc>,
            pub deletion_id: Option<i64>,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    pub mod comment {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
        #[sea_orm(table_name = "comments")]
        #[soft_delete(
            cascade_id = "deletion_id",
            cascade(super::reaction::Model = "comment_id")
        )]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: i64,
            pub post_id: i64,
            pub deleted_at: Option<DateTimeUtc>,
            pub deletion_id: Option<i64>,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    pub mod reaction {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
        #[sea_orm(table_name = "reactions")]
        #[soft_delete(cascade_id = "deletion_id")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: i64,
            pub comment_id: i64,
            pub deleted_at: Option<DateTimeUtc>,
            pub deletion_id: Option<i64>,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }
}

const POSTS: i64 = 3;
const COMMENTS_PER_POST: i64 = 4;
const REACTIONS_PER_COMMENT: i64 = 2;

fn comments_of(post: i64) -> impl Iterator<Item = i64> {
    (1..=COMMENTS_PER_POST).map(move |n| post * 10 + n)
}

/// Post `p` has comments `p*10 + 1..`, comment `c` reactions `c*10 + 1..`.
async fn trees(backend: Backend) -> (Db, DatabaseConnection) {
    let db = Db::options(backend).max_connections(4).connect().await;
    let time = timestamp_type(backend);
    for ddl in [
        format!("CREATE TABLE posts (id BIGINT PRIMARY KEY, deleted_at {time} NULL, deletion_id BIGINT NULL)"),
        format!("CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL, FOREIGN KEY (post_id) REFERENCES posts (id))"),
        format!("CREATE TABLE reactions (id BIGINT PRIMARY KEY, comment_id BIGINT NOT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL, FOREIGN KEY (comment_id) REFERENCES comments (id))"),
    ] {
        db.raw(&ddl).await;
    }
    for post in 1..=POSTS {
        db.raw(&format!("INSERT INTO posts (id) VALUES ({post})"))
            .await;
        for comment in comments_of(post) {
            db.raw(&format!(
                "INSERT INTO comments (id, post_id) VALUES ({comment}, {post})"
            ))
            .await;
            for reaction in 1..=REACTIONS_PER_COMMENT {
                let id = comment * 10 + reaction;
                db.raw(&format!(
                    "INSERT INTO reactions (id, comment_id) VALUES ({id}, {comment})"
                ))
                .await;
            }
        }
    }
    let conn = connect(&db);
    (db, conn)
}

/// `(table, id) -> (parent id, trashed, deletion id)` for every row.
type Rows = BTreeMap<(&'static str, i64), (Option<i64>, bool, Option<i64>)>;

async fn iso_rows(conn: &DatabaseConnection) -> Rows {
    let mut rows = Rows::new();
    for post in iso::post::Entity::on(conn)
        .list(TrashMode::WithTrashed)
        .await
        .expect("posts")
    {
        rows.insert(
            ("posts", post.id),
            (None, post.is_trashed(), post.deletion_id),
        );
    }
    for comment in iso::comment::Entity::on(conn)
        .list(TrashMode::WithTrashed)
        .await
        .expect("comments")
    {
        rows.insert(
            ("comments", comment.id),
            (
                Some(comment.post_id),
                comment.is_trashed(),
                comment.deletion_id,
            ),
        );
    }
    for reaction in iso::reaction::Entity::on(conn)
        .list(TrashMode::WithTrashed)
        .await
        .expect("reactions")
    {
        rows.insert(
            ("reactions", reaction.id),
            (
                Some(reaction.comment_id),
                reaction.is_trashed(),
                reaction.deletion_id,
            ),
        );
    }
    rows
}

/// The invariants of isolated cascades, as a list of violations: a live row
/// holds no deletion id; a row a cascade trashed (a negative id `-x`) has
/// that cascade's root, trashed and holding `x`.
fn violations(rows: &Rows) -> Vec<String> {
    let mut found = Vec::new();
    for (&(table, id), &(_, trashed, deletion_id)) in rows {
        if !trashed {
            if deletion_id.is_some() {
                found.push(format!(
                    "live {table} {id} holds deletion id {deletion_id:?}"
                ));
            }
            continue;
        }
        let Some(member) = deletion_id.filter(|id| *id < 0) else {
            continue;
        };
        let root = rows
            .values()
            .any(|&(_, trashed, root_id)| trashed && root_id == Some(-member));
        if !root {
            found.push(format!(
                "trashed {table} {id} holds {member}, whose root is gone"
            ));
        }
    }
    found
}

/// Cascade restores every root (a row holding a positive deletion id):
/// afterwards no row is left trashed by a cascade.
async fn restore_every_root(conn: &DatabaseConnection, backend: Backend) {
    let roots: Vec<(&str, i64)> = iso_rows(conn)
        .await
        .into_iter()
        .filter(|(_, (_, trashed, id))| *trashed && id.is_some_and(|id| id > 0))
        .map(|((table, id), _)| (table, id))
        .collect();
    for (table, id) in roots {
        let restored = match table {
            "posts" => iso::post::Entity::on(conn).cascade_restore(id).await,
            _ => iso::comment::Entity::on(conn).cascade_restore(id).await,
        };
        assert!(
            restored.expect("cascade_restore").is_some(),
            "{backend}: the root {table} {id} was trashed, so its restore changes it"
        );
    }
    let left: Vec<_> = iso_rows(conn)
        .await
        .into_iter()
        .filter(|(_, (_, trashed, id))| *trashed && id.is_some())
        .collect();
    assert_eq!(
        left,
        Vec::new(),
        "{backend}: rows a cascade took stayed trashed after every root came back"
    );
}

/// A fixed schedule: a third connection holds post 1 (a row lock on
/// PostgreSQL and MariaDB; on SQLite, whose one connection serialises
/// writers, that connection); a `cascade_restore(1)` starts while post 1 is
/// live, then a `cascade_delete(1)`; the hold is let go. Whatever order they
/// take, the result is one of the two serial outcomes.
#[tokio::test]
async fn a_restore_racing_a_delete_ends_as_if_serial() {
    // Every backend runs; the failures are reported together.
    let mut failures = Vec::new();
    for backend in common::backends() {
        if let Err(panic) = tokio::spawn(race(backend)).await {
            let panic = panic.into_panic();
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(format!("{backend}: {message}"));
        }
    }
    assert_eq!(failures, Vec::<String>::new());
}

/// The fixed schedule on `backend`; panics on a failed check.
async fn race(backend: Backend) {
    let (_db, conn) = trees(backend).await;
    let lock = match backend {
        Backend::Sqlite => "SELECT id FROM posts WHERE id = 1",
        _ => "SELECT id FROM posts WHERE id = 1 FOR UPDATE",
    };
    let blocker = conn.begin().await.expect("begin the blocker");
    blocker.execute_unprepared(lock).await.expect("hold post 1");

    let restoring = {
        let conn = conn.clone();
        tokio::spawn(async move { iso::post::Entity::on(&conn).cascade_restore(1).await })
    };
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    let deleting = {
        let conn = conn.clone();
        tokio::spawn(async move { iso::post::Entity::on(&conn).cascade_delete(1).await })
    };
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    assert!(
        !restoring.is_finished() && !deleting.is_finished(),
        "{backend}: both wait on the hold"
    );
    blocker.rollback().await.expect("let go of post 1");

    let restored = restoring
        .await
        .expect("restore task")
        .unwrap_or_else(|error| {
            panic!("cascade_restore(1), started first, while post 1 was live: {error:?}")
        });
    let deleted = deleting
        .await
        .expect("delete task")
        .expect("cascade_delete")
        .expect("post 1 was live, so its cascade delete took it");
    let rows = iso_rows(&conn).await;
    assert_eq!(
        violations(&rows),
        Vec::<String>::new(),
        "{backend}: {rows:#?}"
    );
    let tree: Vec<bool> = rows
        .iter()
        .filter(|((table, id), (parent, ..))| match *table {
            "posts" => *id == 1,
            "comments" => *parent == Some(1),
            _ => parent.is_some_and(|comment| comment / 10 == 1),
        })
        .map(|(_, &(_, trashed, _))| trashed)
        .collect();
    let expected_rows = 1 + COMMENTS_PER_POST * (1 + REACTIONS_PER_COMMENT);
    assert_eq!(tree.len(), usize::try_from(expected_rows).expect("small"));
    assert_eq!(
        deleted.total(),
        u64::try_from(expected_rows).expect("small"),
        "{backend}"
    );
    match restored {
        // The restore ran first, on a live post: it changed nothing, and
        // the delete then took the whole tree.
        None => assert!(tree.iter().all(|trashed| *trashed), "{backend}: {rows:#?}"),
        // The restore ran after the delete: it brought the whole tree back.
        Some(restored) => {
            assert_eq!(restored.total(), deleted.total(), "{backend}");
            assert!(tree.iter().all(|trashed| !trashed), "{backend}: {rows:#?}");
        }
    }
    // The other trees were not touched.
    assert!(
        rows.iter()
            .filter(|((table, id), (parent, ..))| match *table {
                "posts" => *id != 1,
                "comments" => *parent != Some(1),
                _ => parent.is_some_and(|comment| comment / 10 != 1),
            })
            .all(|(_, &(_, trashed, id))| !trashed && id.is_none()),
        "{backend}: {rows:#?}"
    );
}

/// One random operation of the bounded run.
#[derive(Debug, Clone, Copy)]
enum Op {
    DeletePost(i64),
    RestorePost(i64),
    DeleteComment(i64),
    RestoreComment(i64),
}

/// A small deterministic generator (same ops every run).
fn ops(task: u64, count: usize) -> Vec<Op> {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ (task + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let post = i64::try_from(next() % 2).expect("small") + 1;
            let comment = post * 10 + i64::try_from(next() % 3).expect("small") + 1;
            match next() % 4 {
                0 => Op::DeletePost(post),
                1 => Op::RestorePost(post),
                2 => Op::DeleteComment(comment),
                _ => Op::RestoreComment(comment),
            }
        })
        .collect()
}

/// Runs `op`, retrying while [`Error::is_retryable`]: the outcome and the
/// number of retries it took.
async fn run(conn: &DatabaseConnection, op: Op) -> Result<(Option<Cascade>, u32), Error> {
    let mut retries = 0;
    loop {
        let outcome = match op {
            Op::DeletePost(id) => iso::post::Entity::on(conn).cascade_delete(id).await,
            Op::RestorePost(id) => iso::post::Entity::on(conn).cascade_restore(id).await,
            Op::DeleteComment(id) => iso::comment::Entity::on(conn).cascade_delete(id).await,
            Op::RestoreComment(id) => iso::comment::Entity::on(conn).cascade_restore(id).await,
        };
        match outcome {
            Err(error) if error.is_retryable() && retries < 50 => {
                retries += 1;
                tokio::time::sleep(StdDuration::from_millis(u64::from(retries) * 3)).await;
            }
            // A row a cascade from above took comes back with its root only.
            Err(Error::Cascaded { .. }) => return Ok((None, retries)),
            outcome => return outcome.map(|cascade| (cascade, retries)),
        }
    }
}

/// 4 tasks × 25 cascade deletes and restores of posts and their comments
/// (overlapping trees) on a pool of 4, retried while retryable: every
/// invariant holds at the end, no operation failed for good, and every root
/// restores its whole cascade.
#[tokio::test]
async fn random_cascades_keep_every_invariant() {
    for backend in common::backends() {
        let (_db, conn) = trees(backend).await;
        let mut tasks = JoinSet::new();
        for task in 0..4 {
            let conn = conn.clone();
            tasks.spawn(async move {
                let mut retried = 0;
                for op in ops(task, 25) {
                    let (_, retries) = run(&conn, op)
                        .await
                        .unwrap_or_else(|error| panic!("{op:?} failed: {error:?}"));
                    retried += retries;
                }
                retried
            });
        }
        let mut retried = 0;
        while let Some(task) = tasks.join_next().await {
            retried += task.expect("task");
        }
        println!("{backend}: 100 cascade operations, {retried} retried after a retryable error");
        let rows = iso_rows(&conn).await;
        assert_eq!(
            violations(&rows),
            Vec::<String>::new(),
            "{backend}: {rows:#?}"
        );
        // Post 3 was never touched.
        assert!(
            rows.iter()
                .filter(|((table, id), (parent, ..))| match *table {
                    "posts" => *id == 3,
                    "comments" => *parent == Some(3),
                    _ => parent.is_some_and(|comment| comment / 10 == 3),
                })
                .all(|(_, &(_, trashed, id))| !trashed && id.is_none()),
            "{backend}: {rows:#?}"
        );
        restore_every_root(&conn, backend).await;
    }
}

// ---------------------------------------------------------------------------
// is_retryable on real faults
// ---------------------------------------------------------------------------

/// Two transactions each take a post, then ask for the other's: the
/// database breaks the deadlock by failing one with a retryable error
/// (PostgreSQL `40P01`, MariaDB 1213); the other commits. Running the
/// victim's transaction again succeeds.
#[tokio::test]
async fn a_deadlock_is_retryable() {
    for backend in [Backend::Postgres, Backend::MySql]
        .into_iter()
        .filter_map(Backend::if_configured)
    {
        let db = Db::options(backend).max_connections(4).connect().await;
        posts(&db, 1..=2).await;
        let conn = connect(&db);
        let barrier = Arc::new(Barrier::new(2));
        let a = tokio::spawn(retitle(conn.clone(), "A", [1, 2], Arc::clone(&barrier), 0));
        let b = tokio::spawn(retitle(conn.clone(), "B", [2, 1], barrier, 300));
        let outcomes = [
            ("A", a.await.expect("task A")),
            ("B", b.await.expect("task B")),
        ];
        let failed: Vec<_> = outcomes
            .iter()
            .filter_map(|(name, outcome)| outcome.as_ref().err().map(|error| (*name, error)))
            .collect();
        assert_eq!(failed.len(), 1, "{backend}: one victim: {outcomes:?}");
        let (victim, error) = failed[0];
        assert!(error.is_retryable(), "{backend}: {error:?}");
        assert!(
            error.to_string().to_lowercase().contains("deadlock"),
            "{backend}: {error}"
        );
        let winner = if victim == "A" { "B" } else { "A" };
        assert_eq!(
            titles(&conn).await,
            [winner, winner],
            "{backend}: the winner's transaction committed whole, the victim's not at all"
        );
        // Run again, the victim's transaction succeeds.
        let order = if victim == "A" { [1, 2] } else { [2, 1] };
        retitle(conn.clone(), victim, order, Arc::new(Barrier::new(1)), 0)
            .await
            .unwrap_or_else(|error| panic!("{backend}: the retry: {error}"));
        assert_eq!(titles(&conn).await, [victim, victim], "{backend}");
    }
}

/// In one transaction, renames post `rows[0]`, waits for the other
/// transaction, sleeps `delay_ms`, renames post `rows[1]`; commits, or rolls
/// back on an error, which it returns.
async fn retitle(
    conn: DatabaseConnection,
    name: &'static str,
    rows: [i64; 2],
    barrier: Arc<Barrier>,
    delay_ms: u64,
) -> Result<(), Error> {
    let tx = conn.begin().await.expect("begin");
    let posts = post::Entity::on(&tx);
    posts
        .update(rows[0], [(PostColumn::Title, name.into())])
        .await
        .expect("the first row")
        .expect("live");
    barrier.wait().await;
    tokio::time::sleep(StdDuration::from_millis(delay_ms)).await;
    match posts
        .update(rows[1], [(PostColumn::Title, name.into())])
        .await
    {
        Ok(written) => {
            assert_eq!(written.map(|post| post.title), Some(name.to_owned()));
            tx.commit().await.expect("commit");
            Ok(())
        }
        Err(error) => {
            let _ = tx.rollback().await;
            Err(error)
        }
    }
}

/// The titles of posts 1 and 2.
async fn titles(conn: &DatabaseConnection) -> Vec<String> {
    let mut posts = post::Entity::on(conn)
        .list(TrashMode::WithTrashed)
        .await
        .expect("list");
    posts.sort_by_key(|post| post.id);
    posts.into_iter().map(|post| post.title).collect()
}

/// PostgreSQL at `REPEATABLE READ`: a transaction that read post 1 before
/// another request trashed it cannot trash it itself (`40001`), a
/// retryable error; run again, the delete finds the post trashed already
/// and changes nothing.
#[tokio::test]
async fn a_serialization_failure_is_retryable() {
    let Some(backend) = Backend::Postgres.if_configured() else {
        return;
    };
    let db = Db::options(backend).max_connections(4).connect().await;
    posts(&db, 1..=1).await;
    let conn = connect(&db);
    let tx = conn
        .begin_with_config(Some(IsolationLevel::RepeatableRead), None)
        .await
        .expect("begin");
    assert!(
        post::Entity::on(&tx).find(1).await.expect("find").is_some(),
        "the snapshot sees post 1 live"
    );
    let first = post::Entity::on(&conn)
        .delete(1)
        .await
        .expect("delete")
        .expect("live");
    let error = post::Entity::on(&tx)
        .delete(1)
        .await
        .expect_err("post 1 changed after the snapshot");
    assert!(error.is_retryable(), "{error:?}");
    assert!(error.to_string().contains("serialize"), "{error}");
    tx.rollback().await.expect("rollback");
    assert_eq!(
        post::Entity::on(&conn)
            .find_in(1, TrashMode::WithTrashed)
            .await
            .expect("find"),
        Some(first.clone()),
        "the failed delete changed nothing"
    );
    let tx = conn
        .begin_with_config(Some(IsolationLevel::RepeatableRead), None)
        .await
        .expect("begin");
    assert_eq!(
        post::Entity::on(&tx).delete(1).await.expect("the retry"),
        None,
        "trashed already"
    );
    tx.commit().await.expect("commit");
    assert_eq!(
        post::Entity::on(&conn)
            .find_in(1, TrashMode::WithTrashed)
            .await
            .expect("find"),
        Some(first),
        "the first deletion time stands"
    );
}

/// MariaDB with `innodb_lock_wait_timeout = 1`: a delete of a post another
/// transaction holds fails after a second with 1205, a retryable error that
/// changed nothing; once the holder is done, the delete runs.
#[tokio::test]
async fn a_lock_wait_timeout_is_retryable() {
    let Some(backend) = Backend::MySql.if_configured() else {
        return;
    };
    let db = Db::options(backend)
        .max_connections(2)
        .on_connect("SET SESSION innodb_lock_wait_timeout = 1")
        .connect()
        .await;
    posts(&db, 1..=1).await;
    let conn = connect(&db);
    let holder = conn.begin().await.expect("begin");
    post::Entity::on(&holder)
        .update(1, [(PostColumn::Title, "held".into())])
        .await
        .expect("hold")
        .expect("live");
    let error = post::Entity::on(&conn)
        .delete(1)
        .await
        .expect_err("post 1 is held");
    assert!(error.is_retryable(), "{error:?}");
    assert!(error.to_string().contains("Lock wait timeout"), "{error}");
    holder.rollback().await.expect("let go");
    let read = post::Entity::on(&conn).find(1).await.expect("find");
    assert_eq!(
        read.map(|post| (post.title, post.deleted_at)),
        Some(("post 1".to_owned(), None)),
        "neither the holder nor the failed delete changed post 1"
    );
    let trashed = post::Entity::on(&conn)
        .delete(1)
        .await
        .expect("the retry")
        .expect("live");
    assert!(trashed.deleted_at.is_some());
    assert_eq!(
        post::Entity::on(&conn)
            .count(TrashMode::OnlyTrashed)
            .await
            .expect("count"),
        1
    );
}

/// SQLite with two connections to one database file and no busy timeout:
/// while one holds the write lock, the other's writes fail with
/// `SQLITE_BUSY`, retryable, changing nothing; afterwards they run.
#[tokio::test]
async fn sqlite_busy_is_retryable() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use sqlx::Connection as _;

    let path = std::env::temp_dir().join(format!(
        "soft_delete_sea_orm_faults_{}_{}.db",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .busy_timeout(StdDuration::ZERO);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone())
        .await
        .expect("open the database file");
    let conn = SqlxSqliteConnector::from_sqlx_sqlite_pool(pool.clone());
    conn.execute_unprepared(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, deleted_at TEXT NULL); INSERT INTO posts (id, title) VALUES (1, 'post 1');",
    )
    .await
    .expect("schema");

    let mut writer = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("a second connection");
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut writer)
        .await
        .expect("take the write lock");
    let posts = post::Entity::on(&conn);
    let error = posts.delete(1).await.expect_err("the database is locked");
    assert!(error.is_retryable(), "{error:?}");
    let error = posts
        .insert([
            (PostColumn::Id, 2_i64.into()),
            (PostColumn::Title, "two".into()),
        ])
        .await
        .expect_err("the database is locked");
    assert!(error.is_retryable(), "{error:?}");
    sqlx::raw_sql("COMMIT")
        .execute(&mut writer)
        .await
        .expect("let go");
    assert_eq!(
        post_ids(&conn).await,
        [1],
        "the failed insert wrote nothing"
    );
    assert_eq!(
        posts
            .find(1)
            .await
            .expect("find")
            .map(|post| post.deleted_at),
        Some(None),
        "the failed delete changed nothing"
    );
    assert!(posts.delete(1).await.expect("the retry").is_some());
    posts
        .insert([
            (PostColumn::Id, 2_i64.into()),
            (PostColumn::Title, "two".into()),
        ])
        .await
        .expect("the retry");
    assert_eq!(post_ids(&conn).await, [1, 2]);
    assert_eq!(posts.count(TrashMode::OnlyTrashed).await.expect("count"), 1);
    writer.close().await.expect("close");
    pool.close().await;
    let _ = std::fs::remove_file(&path);
}

/// A pool of one connection, held by a transaction: an operation through
/// the pool cannot acquire a connection in time, a retryable error; once
/// the transaction is done, it runs.
#[tokio::test]
async fn a_connection_not_acquired_is_retryable() {
    let mut options = sea_orm::ConnectOptions::new("sqlite::memory:");
    options
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(StdDuration::from_millis(300))
        .sqlx_logging(false);
    let conn = sea_orm::Database::connect(options).await.expect("connect");
    conn.execute_unprepared(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, deleted_at TEXT NULL); INSERT INTO posts (id, title) VALUES (1, 'post 1');",
    )
    .await
    .expect("schema");
    let tx = conn.begin().await.expect("hold the one connection");
    let error = post::Entity::on(&conn)
        .delete(1)
        .await
        .expect_err("no connection is free");
    assert!(error.is_retryable(), "{error:?}");
    assert!(
        matches!(error, Error::Database(DbErr::ConnectionAcquire(_))),
        "{error:?}"
    );
    assert_eq!(
        post::Entity::on(&tx)
            .find(1)
            .await
            .expect("find")
            .map(|post| post.deleted_at),
        Some(None),
        "the failed delete changed nothing"
    );
    tx.commit().await.expect("let go");
    assert!(post::Entity::on(&conn)
        .delete(1)
        .await
        .expect("the retry")
        .is_some());
    assert_eq!(
        post::Entity::on(&conn)
            .count(TrashMode::OnlyTrashed)
            .await
            .expect("count"),
        1
    );
}

/// The server ends the connection under a caller's transaction
/// (`pg_terminate_backend`, MariaDB's `KILL`): the next operation on it
/// fails with a retryable error, nothing of the transaction commits, and
/// the transaction run again on a fresh connection succeeds.
#[tokio::test]
async fn a_lost_connection_is_retryable() {
    for backend in [Backend::Postgres, Backend::MySql]
        .into_iter()
        .filter_map(Backend::if_configured)
    {
        let db = Db::options(backend).max_connections(2).connect().await;
        posts(&db, 1..=2).await;
        let conn = connect(&db);
        let whoami = match backend {
            Backend::Postgres => "SELECT CAST(pg_backend_pid() AS BIGINT)",
            _ => "SELECT CAST(CONNECTION_ID() AS SIGNED)",
        };
        let tx = conn.begin().await.expect("begin");
        let id = scalar(&tx, whoami).await;
        post::Entity::on(&tx)
            .delete(1)
            .await
            .expect("delete")
            .expect("live");
        match backend {
            Backend::Postgres => {
                let sql = format!(
                    "SELECT CAST(CASE WHEN pg_terminate_backend({id}) THEN 1 ELSE 0 END AS BIGINT)"
                );
                assert_eq!(scalar(&conn, &sql).await, 1, "{backend}: terminated");
            }
            _ => {
                conn.execute_unprepared(&format!("KILL {id}"))
                    .await
                    .expect("kill");
            }
        }
        tokio::time::sleep(StdDuration::from_millis(200)).await;
        let error = post::Entity::on(&tx)
            .delete(2)
            .await
            .expect_err("the connection is gone");
        assert!(error.is_retryable(), "{backend}: {error:?}");
        let _ = tx.rollback().await;
        assert_eq!(
            post::Entity::on(&conn)
                .count(TrashMode::WithoutTrashed)
                .await
                .expect("count"),
            2,
            "{backend}: nothing of the lost transaction committed"
        );
        let tx = conn.begin().await.expect("begin again");
        for id in [1, 2] {
            assert!(
                post::Entity::on(&tx)
                    .delete(id)
                    .await
                    .expect("the retry")
                    .is_some(),
                "{backend}"
            );
        }
        tx.commit().await.expect("commit");
        assert_eq!(
            post::Entity::on(&conn)
                .count(TrashMode::OnlyTrashed)
                .await
                .expect("count"),
            2,
            "{backend}"
        );
    }
}
