//! Values at the edges, on SQLite, PostgreSQL and MariaDB, through `Run`
//! and the handle: every marker is stored as written or refused with an
//! error naming it (never a success that left the row live), cutoffs past
//! what a column holds purge what is due, `u64::MAX` is an error rather
//! than a panic, and one statement text bound with integers of several
//! widths never collides in PostgreSQL's statement cache.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::TestBackend as _;
use common::{Backend, Db, SqlType};
use sea_query::{Expr, ExprTrait};
use soft_delete::sqlx::{Dialect, Error, Model, Run, SoftDeleteExt};
use soft_delete::{SoftDelete, TrashMode};
use sqlx::Pool;

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "posts")]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub deleted_at: Option<DateTime<Utc>>,
}

fn id() -> Expr {
    Expr::col((PostColumn::Table, PostColumn::Id))
}

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

/// The instants of the acceptance list.
fn edges() -> Vec<(&'static str, DateTime<Utc>)> {
    let at = |year, month, day, h, m, s| {
        NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|date| date.and_hms_opt(h, m, s))
            .map(|at| Utc.from_utc_datetime(&at))
            .expect("a valid instant")
    };
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

/// What the column can hold, to the microsecond, as the databases store
/// it (PostgreSQL and MariaDB keep microseconds, SQLite's text all of it).
fn stored(backend: Backend, at: DateTime<Utc>) -> DateTime<Utc> {
    match backend {
        Backend::Sqlite => at,
        _ => at - Duration::nanoseconds(i64::from(at.timestamp_subsec_nanos() % 1000)),
    }
}

/// Each edge instant as a soft delete's marker: stored exactly, or an
/// error naming it with the row left as it was; the pool serves on.
async fn markers_are_stored_or_refused<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
    for<'c> &'c Pool<DB>: sqlx::Executor<'c, Database = DB>,
{
    let backend = db.backend();
    for (index, (name, at)) in edges().into_iter().enumerate() {
        let row = i64::try_from(index).expect("few") + 1;
        let outcome = Post::delete_by_id_at(row, at).execute(pool).await;
        let read = Post::on(pool)
            .find_in(row, TrashMode::WithTrashed)
            .await
            .unwrap_or_else(|error| panic!("{backend}, {name}: the pool serves on: {error}"))
            .expect("the row exists");
        match outcome {
            Ok(changed) => {
                assert_eq!(changed, 1, "{backend}, {name}");
                assert_eq!(
                    read.deleted_at,
                    Some(stored(backend, at)),
                    "{backend}, {name}: a success must have stored the marker as written"
                );
            }
            Err(error) => {
                assert_eq!(
                    read.deleted_at, None,
                    "{backend}, {name}: refused, so nothing changed"
                );
                let message = error.to_string();
                let year = at.format("%Y").to_string();
                assert!(
                    message.contains(year.trim_start_matches('+')),
                    "{backend}, {name}: the error names the value: {message}"
                );
            }
        }
        let expected_refusal = match backend {
            Backend::MySql => !(1000..=9999).contains(&chrono::Datelike::year(&at)),
            Backend::Sqlite => !(0..=9999).contains(&chrono::Datelike::year(&at)),
            Backend::Postgres => chrono::Datelike::year(&at) < -4713,
        };
        assert_eq!(
            read.deleted_at.is_none(),
            expected_refusal,
            "{backend}, {name}: stored where the column holds it, refused elsewhere"
        );
    }
    // The cascade form takes a time too.
    let error = Post::cascade_delete_by_id_at(1, DateTime::<Utc>::MAX_UTC, backend.schema())
        .into_iter()
        .next()
        .expect("the parent's statement");
    let outcome = error.execute(pool).await;
    if backend != Backend::Postgres {
        assert!(
            outcome.is_err(),
            "{backend}: MAX_UTC cannot be a marker here"
        );
    }
    assert_eq!(
        Post::on(pool)
            .count(TrashMode::WithTrashed)
            .await
            .expect("count"),
        9,
        "{backend}: the pool still serves"
    );
}

/// Rows trashed in 2020; cutoffs at every edge purge exactly what is due.
async fn far_cutoffs_purge_what_is_due<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
    for<'c> &'c Pool<DB>: sqlx::Executor<'c, Database = DB>,
{
    let backend = db.backend();
    let in_2020 = Utc
        .with_ymd_and_hms(2020, 6, 1, 12, 0, 0)
        .single()
        .expect("valid");
    for (name, cutoff) in edges() {
        Post::delete_where(Expr::val(true).into())
            .execute(pool)
            .await
            .expect("trash");
        Post::restore_where(Expr::val(true).into())
            .execute(pool)
            .await
            .expect("restore");
        for id in 1..=6 {
            Post::delete_by_id_at(id, in_2020)
                .execute(pool)
                .await
                .expect("trash in 2020");
        }
        let due = if cutoff > in_2020 { 6 } else { 0 };
        let purged = Post::on(pool)
            .purge_trashed_before(cutoff)
            .await
            .unwrap_or_else(|error| panic!("{backend}, cutoff {name}: {error}"));
        assert_eq!(purged, due, "{backend}, cutoff {name}");
        for id in 1..=6 {
            db.raw(&format!("DELETE FROM posts WHERE id = {id}")).await;
            db.raw(&format!(
                "INSERT INTO posts (id, title) VALUES ({id}, 'post {id}')"
            ))
            .await;
        }
    }
}

/// `u64::MAX` in a `LIMIT` and in a condition: an error value on
/// PostgreSQL and SQLite (whose integers are signed), the right answer on
/// MariaDB; the pool serves on either way.
async fn u64_max_is_an_error_not_a_panic<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
    for<'c> &'c Pool<DB>: sqlx::Executor<'c, Database = DB>,
{
    let backend = db.backend();
    let limited = Post::query()
        .limit(u64::MAX)
        .to_owned()
        .fetch_all::<Post, _>(pool)
        .await;
    let matched = Post::query()
        .and_where(id().eq(u64::MAX))
        .to_owned()
        .fetch_all::<Post, _>(pool)
        .await;
    match backend {
        Backend::MySql => {
            assert_eq!(limited.expect("MariaDB has unsigned limits").len(), 3);
            assert!(matched.expect("MariaDB compares unsigned").is_empty());
        }
        _ => {
            let error = limited.expect_err("signed 64-bit integers only");
            assert!(
                matches!(error, sqlx::Error::Encode(_)),
                "{backend}: {error:?}"
            );
            assert!(
                error.to_string().contains("18446744073709551615"),
                "{backend}: {error}"
            );
            assert!(matched.is_err(), "{backend}");
        }
    }
    assert_eq!(
        Post::on(pool)
            .count(TrashMode::WithTrashed)
            .await
            .expect("the pool serves on"),
        3,
        "{backend}"
    );
}

#[tokio::test]
async fn edge_values() {
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(2).connect().await;
        posts(&db, 1..=9).await;
        match backend {
            Backend::Sqlite => markers_are_stored_or_refused(&db, db.sqlite_pool()).await,
            Backend::Postgres => markers_are_stored_or_refused(&db, db.postgres_pool()).await,
            Backend::MySql => markers_are_stored_or_refused(&db, db.mysql_pool()).await,
        }
        let db = Db::options(backend).max_connections(2).connect().await;
        posts(&db, 1..=6).await;
        match backend {
            Backend::Sqlite => far_cutoffs_purge_what_is_due(&db, db.sqlite_pool()).await,
            Backend::Postgres => far_cutoffs_purge_what_is_due(&db, db.postgres_pool()).await,
            Backend::MySql => far_cutoffs_purge_what_is_due(&db, db.mysql_pool()).await,
        }
        let db = Db::options(backend).max_connections(2).connect().await;
        posts(&db, 1..=3).await;
        match backend {
            Backend::Sqlite => u64_max_is_an_error_not_a_panic(&db, db.sqlite_pool()).await,
            Backend::Postgres => u64_max_is_an_error_not_a_panic(&db, db.postgres_pool()).await,
            Backend::MySql => u64_max_is_an_error_not_a_panic(&db, db.mysql_pool()).await,
        }
    }
}

/// The two reproductions, in both orders, on one PostgreSQL connection; then
/// 240 calls on a pool of 4 mixing `i16`, `i32`, `i64` and `u32` keys on the
/// same statement texts, through `Run` and the handle: no error.
#[tokio::test]
async fn integer_widths_never_collide_in_the_statement_cache() {
    let Some(backend) = Backend::Postgres.if_configured() else {
        return;
    };
    let db = Db::options(backend).max_connections(4).connect().await;
    posts(&db, 1..=200).await;
    let pool = db.postgres_pool();
    {
        let mut conn = pool.acquire().await.expect("connection");
        Post::delete_by_id(4i64)
            .execute(&mut *conn)
            .await
            .expect("i64 first");
        Post::delete_where(id().eq(5).into())
            .execute(&mut *conn)
            .await
            .expect("then i32");
        Post::delete_where(id().eq(6).into())
            .execute(&mut *conn)
            .await
            .expect("i32 first");
        Post::delete_by_id(7i64)
            .execute(&mut *conn)
            .await
            .expect("then i64");
        Post::force_delete_where(id().eq(90).into())
            .execute(&mut *conn)
            .await
            .expect("a user's i32");
        assert!(Post::on(&mut *conn)
            .force_delete(190)
            .await
            .expect("the handle's i64"));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..4_i64 {
        let pool = pool.clone();
        tasks.spawn(async move {
            let mut errors = Vec::new();
            for call in 0..60_i64 {
                let row = 1 + (task * 60 + call) % 80;
                let outcome = match call % 6 {
                    0 => Post::delete_by_id(row).execute(&pool).await.map(drop),
                    1 => Post::delete_where(id().eq(i32::try_from(row).expect("small")).into())
                        .execute(&pool)
                        .await
                        .map(drop),
                    2 => Post::restore_where(id().eq(i16::try_from(row).expect("small")).into())
                        .execute(&pool)
                        .await
                        .map(drop),
                    3 => Post::restore_where(id().eq(u32::try_from(row).expect("small")).into())
                        .execute(&pool)
                        .await
                        .map(drop),
                    4 => Post::on(&pool)
                        .delete(row)
                        .await
                        .map(drop)
                        .map_err(|error: Error| sqlx::Error::Protocol(error.to_string())),
                    _ => Post::on(&pool)
                        .restore(row)
                        .await
                        .map(drop)
                        .map_err(|error: Error| sqlx::Error::Protocol(error.to_string())),
                };
                if let Err(error) = outcome {
                    errors.push(format!("task {task}, call {call}: {error}"));
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
}
