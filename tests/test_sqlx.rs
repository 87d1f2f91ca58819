//! `soft_delete::sqlx` on SQLite, PostgreSQL and MariaDB: every method of
//! the handle and of `Run`, through a pool and inside a caller's
//! transaction, checked against the rows in the database.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::TestBackend as _;
use common::{Backend, Db, SqlType};
use sea_query::{Expr, ExprTrait, Query};
use soft_delete::sqlx::{Dialect, Error, Model, Run, SoftDeleteExt};
use soft_delete::{Schema, SoftDelete, TrashMode};
use sqlx::Pool;

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "posts", deleted_by = "deleted_by")]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deleted_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "flags", style = "bool")]
pub struct Flag {
    pub id: i64,
    pub name: String,
    pub is_deleted: bool,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "comments")]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "threads", cascade(Comment = "post_id"))]
pub struct Thread {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Runs `$test::<DB>(&db, pool)` on every configured backend, each in a
/// fresh namespace.
macro_rules! on_every_backend {
    ($test:ident) => {
        for backend in common::backends() {
            let db = Db::connect(backend).await;
            match backend {
                Backend::Sqlite => $test(&db, db.sqlite_pool()).await,
                Backend::Postgres => $test(&db, db.postgres_pool()).await,
                Backend::MySql => $test(&db, db.mysql_pool()).await,
            }
        }
    };
}

async fn posts_table(db: &Db) {
    let (text, time) = match db.backend() {
        Backend::Sqlite => ("TEXT", "TEXT"),
        Backend::Postgres => ("TEXT", "TIMESTAMPTZ"),
        Backend::MySql => ("VARCHAR(255)", "DATETIME(6)"),
    };
    db.raw(&format!(
        "CREATE TABLE posts (id BIGINT PRIMARY KEY, title {text} NOT NULL, deleted_at {time} NULL, deleted_by {text} NULL)"
    ))
    .await;
    for (id, title) in [(1, "one"), (2, "two"), (3, "three")] {
        let insert = Query::insert()
            .into_table("posts")
            .columns(["id", "title"])
            .values_panic([id.into(), title.into()])
            .to_owned();
        db.execute(&insert).await;
    }
}

async fn lifecycle<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
{
    posts_table(db).await;
    let what = db.backend();
    let posts = Post::on(pool);

    assert_eq!(posts.count(TrashMode::WithoutTrashed).await.unwrap(), 3);
    let one = posts.find(1).await.unwrap().expect("post 1 is live");
    assert_eq!(one.title, "one", "{what}");

    let trashed = posts.delete(1).await.unwrap().expect("post 1 was live");
    assert_eq!(trashed.id, 1, "{what}");
    assert!(
        trashed.is_trashed(),
        "{what}: delete returns the row as trashed"
    );
    assert_eq!(
        posts.delete(1).await.unwrap(),
        None,
        "{what}: already trashed"
    );
    assert_eq!(posts.delete(99).await.unwrap(), None, "{what}: absent");
    assert_eq!(posts.find(1).await.unwrap(), None, "{what}");
    assert_eq!(
        posts.find_in(1, TrashMode::WithTrashed).await.unwrap(),
        Some(trashed.clone()),
        "{what}: the returned row is the stored row"
    );
    assert_eq!(
        posts.find_in(1, TrashMode::OnlyTrashed).await.unwrap(),
        Some(trashed),
        "{what}"
    );
    assert_eq!(
        ids(&posts.list(TrashMode::WithoutTrashed).await.unwrap()),
        [2, 3],
        "{what}"
    );
    assert_eq!(
        ids(&posts.list(TrashMode::OnlyTrashed).await.unwrap()),
        [1],
        "{what}"
    );
    assert_eq!(
        ids(&posts.list(TrashMode::WithTrashed).await.unwrap()),
        [1, 2, 3],
        "{what}"
    );
    assert_eq!(posts.count(TrashMode::OnlyTrashed).await.unwrap(), 1);
    assert_eq!(posts.count(TrashMode::WithTrashed).await.unwrap(), 3);

    let by = posts.delete_as(2, "alice").await.unwrap().expect("live");
    assert_eq!(by.deleted_by.as_deref(), Some("alice"), "{what}");
    assert!(by.is_trashed(), "{what}");

    let restored = posts.restore(2).await.unwrap().expect("post 2 was trashed");
    assert!(
        !restored.is_trashed(),
        "{what}: restore returns the row as live"
    );
    assert_eq!(
        restored.deleted_by, None,
        "{what}: restore clears deleted_by"
    );
    assert_eq!(posts.restore(2).await.unwrap(), None, "{what}: not trashed");
    assert_eq!(posts.restore(99).await.unwrap(), None, "{what}: absent");

    assert!(posts.force_delete(3).await.unwrap(), "{what}");
    assert!(
        !posts.force_delete(3).await.unwrap(),
        "{what}: gone already"
    );
    assert!(
        posts.force_delete(1).await.unwrap(),
        "{what}: trashed rows too"
    );
    assert_eq!(
        ids(&posts.list(TrashMode::WithTrashed).await.unwrap()),
        [2],
        "{what}"
    );
}

fn ids<T: SoftDelete<Id = i64>>(rows: &[T]) -> Vec<i64> {
    rows.iter().map(SoftDelete::id).collect()
}

#[tokio::test]
async fn every_handle_method_through_a_pool() {
    on_every_backend!(lifecycle);
}

async fn bool_style<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Flag: Model<DB>,
{
    db.create_table(
        "flags",
        &[
            ("id", SqlType::Id),
            ("name", SqlType::Text),
            ("is_deleted", SqlType::Bool),
        ],
    )
    .await;
    db.raw("INSERT INTO flags (id, name) VALUES (1, 'a'), (2, 'b')")
        .await;
    let flags = Flag::on(pool);
    let what = db.backend();
    assert!(flags.delete(1).await.unwrap().unwrap().is_deleted, "{what}");
    assert!(
        !flags.restore(1).await.unwrap().unwrap().is_deleted,
        "{what}"
    );
    flags.delete(2).await.unwrap();
    assert_eq!(ids(&flags.list(TrashMode::OnlyTrashed).await.unwrap()), [2]);
    assert_eq!(flags.count(TrashMode::WithoutTrashed).await.unwrap(), 1);
}

#[tokio::test]
async fn bool_markers_through_the_handle() {
    on_every_backend!(bool_style);
}

async fn run_statements<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
    // What sqlx asks of a database for `&Pool<DB>` to be an executor.
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    posts_table(db).await;
    let what = db.backend();
    assert_eq!(Post::delete_by_id(1).execute(pool).await.unwrap(), 1);
    let live: Vec<Post> = Post::query().fetch_all(pool).await.unwrap();
    assert_eq!(ids(&live), [2, 3], "{what}");
    let trashed: Option<Post> = Post::only_trashed().fetch_optional(pool).await.unwrap();
    assert_eq!(trashed.map(|post| post.id), Some(1), "{what}");
    let one: Post = Post::find(2).fetch_one(pool).await.unwrap();
    assert_eq!(one.title, "two", "{what}");
    let missing: Result<Post, _> = Post::find(1).fetch_one(pool).await;
    assert!(
        matches!(missing, Err(sqlx::Error::RowNotFound)),
        "{what}: {missing:?}"
    );
    let insert = Query::insert()
        .into_table("posts")
        .columns(["id", "title"])
        .values_panic([4.into(), "four".into()])
        .to_owned();
    assert_eq!(insert.execute(pool).await.unwrap(), 1, "{what}");
    assert_eq!(
        Post::force_delete_by_id(4).execute(pool).await.unwrap(),
        1,
        "{what}"
    );
    // On a connection and inside a transaction too.
    let mut tx = pool.begin().await.unwrap();
    assert_eq!(
        Post::delete_by_id(2)
            .execute(DB::executor(&mut tx))
            .await
            .unwrap(),
        1
    );
    tx.rollback().await.unwrap();
    assert_eq!(
        Post::query()
            .fetch_all::<Post, _>(pool)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn run_executes_every_statement_kind() {
    on_every_backend!(run_statements);
}

async fn in_transaction<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
    Thread: Model<DB>,
    Comment: Model<DB>,
{
    posts_table(db).await;
    threads_tables(db).await;
    let what = db.backend();
    let mut tx = pool.begin().await.unwrap();
    {
        let posts = Post::on(&mut tx);
        assert!(posts.delete(1).await.unwrap().unwrap().is_trashed());
        assert!(posts.restore(1).await.unwrap().is_some());
        assert!(posts.delete(2).await.unwrap().is_some());
        assert!(posts.force_delete(3).await.unwrap());
        assert_eq!(posts.count(TrashMode::WithTrashed).await.unwrap(), 2);
        assert_eq!(
            posts
                .purge_trashed_before(Utc::now() + Duration::days(1))
                .await
                .unwrap(),
            1,
            "{what}"
        );
        assert_eq!(ids(&posts.list(TrashMode::WithTrashed).await.unwrap()), [1]);
    }
    let cascade = Thread::on(&mut tx)
        .cascade_delete(1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cascade.rows_in("comments"), 2, "{what}");
    tx.rollback().await.unwrap();
    // Everything undone.
    let posts = Post::on(pool);
    assert_eq!(
        ids(&posts.list(TrashMode::WithoutTrashed).await.unwrap()),
        [1, 2, 3],
        "{what}: the rollback undid every operation"
    );
    assert_eq!(
        Comment::on(pool)
            .count(TrashMode::OnlyTrashed)
            .await
            .unwrap(),
        0
    );

    // A committed transaction keeps them; a pooled connection works too.
    let mut tx = pool.begin().await.unwrap();
    Post::on(&mut tx).delete(3).await.unwrap();
    tx.commit().await.unwrap();
    let mut connection = pool.acquire().await.unwrap();
    assert_eq!(
        ids(&Post::on(&mut connection)
            .list(TrashMode::OnlyTrashed)
            .await
            .unwrap()),
        [3],
        "{what}"
    );
    assert!(Post::on(&mut connection)
        .restore(3)
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn inside_a_callers_transaction_a_rollback_undoes_everything() {
    on_every_backend!(in_transaction);
}

async fn threads_tables(db: &Db) {
    db.create_table(
        "threads",
        &[("id", SqlType::Id), ("deleted_at", SqlType::TimestampTz)],
    )
    .await;
    db.create_table(
        "comments",
        &[
            ("id", SqlType::Id),
            ("post_id", SqlType::BigInt),
            ("deleted_at", SqlType::TimestampTz),
        ],
    )
    .await;
    db.raw("INSERT INTO threads (id) VALUES (1), (2)").await;
    db.raw("INSERT INTO comments (id, post_id) VALUES (1, 1), (2, 1), (3, 2)")
        .await;
}

async fn cascades<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Thread: Model<DB>,
    Comment: Model<DB>,
{
    threads_tables(db).await;
    let what = db.backend();
    let comments = Comment::on(pool);
    // A comment trashed on its own before the cascade stays trashed after
    // the cascade restore.
    comments
        .delete(2)
        .await
        .unwrap()
        .expect("comment 2 was live");
    let threads = Thread::on(pool);
    let cascade = threads.cascade_delete(1).await.unwrap().unwrap();
    assert_eq!(cascade.rows, [("threads", 1), ("comments", 1)], "{what}");
    assert_eq!(threads.cascade_delete(1).await.unwrap(), None, "{what}");
    assert_eq!(
        ids(&comments.list(TrashMode::OnlyTrashed).await.unwrap()),
        [1, 2]
    );
    let restored = threads.cascade_restore(1).await.unwrap().unwrap();
    assert_eq!(restored.rows, [("threads", 1), ("comments", 1)], "{what}");
    assert_eq!(restored.total(), 2);
    assert_eq!(threads.cascade_restore(1).await.unwrap(), None, "{what}");
    assert_eq!(
        ids(&comments.list(TrashMode::OnlyTrashed).await.unwrap()),
        [2],
        "{what}: exactly the cascade's comments came back"
    );
    assert_eq!(
        ids(&threads.list(TrashMode::WithoutTrashed).await.unwrap()),
        [1, 2]
    );
}

#[tokio::test]
async fn cascades_run_in_one_transaction() {
    on_every_backend!(cascades);
}

/// Markers in every format SQLite may hold: sqlx's RFC 3339, a console's
/// `CURRENT_TIMESTAMP`, another offset. The purge removes exactly the rows
/// trashed before the cutoff, never a live one.
#[tokio::test]
async fn purge_on_sqlite_compares_times_whatever_wrote_the_marker() {
    let db = Db::connect(Backend::Sqlite).await;
    posts_table(&db).await;
    let hour_ago = Utc::now() - Duration::hours(1);
    let old = (hour_ago - Duration::minutes(30)).format("%Y-%m-%d %H:%M:%S");
    let old_rfc = (hour_ago - Duration::minutes(5)).to_rfc3339();
    // 20 minutes before the cutoff, written at +02:00: as text it sorts after.
    let old_offset = (hour_ago - Duration::minutes(20))
        .with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).unwrap())
        .to_rfc3339();
    let recent_offset = (hour_ago + Duration::minutes(10))
        .with_timezone(&chrono::FixedOffset::west_opt(5 * 3600).unwrap())
        .to_rfc3339();
    db.raw(&format!(
        "INSERT INTO posts (id, title, deleted_at) VALUES
           (10, 'old console', '{old}'),
           (11, 'old sqlx', '{old_rfc}'),
           (12, 'old offset', '{old_offset}'),
           (13, 'recent offset', '{recent_offset}'),
           (14, 'now console', CURRENT_TIMESTAMP)"
    ))
    .await;
    let posts = Post::on(db.sqlite_pool());
    posts.delete(3).await.unwrap();
    let mut seen = Vec::new();
    let purged = posts
        .purge_trashed_before(hour_ago)
        .batch_size(std::num::NonZeroU32::new(2).unwrap())
        .on_batch(|progress| seen.push((progress.batch, progress.deleted, progress.total)))
        .await
        .unwrap();
    assert_eq!(purged, 3);
    assert_eq!(seen, [(1, 2, 2), (2, 1, 3)]);
    assert_eq!(
        ids(&posts.list(TrashMode::OnlyTrashed).await.unwrap()),
        [3, 13, 14]
    );
    assert_eq!(
        ids(&posts.list(TrashMode::WithoutTrashed).await.unwrap()),
        [1, 2]
    );
}

async fn purges<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
{
    posts_table(db).await;
    for id in 10..25 {
        let insert = Query::insert()
            .into_table("posts")
            .columns(["id", "title", "deleted_at"])
            .values_panic([
                id.into(),
                "old".into(),
                (Utc::now() - Duration::days(id)).into(),
            ])
            .to_owned();
        db.execute(&insert).await;
    }
    let posts = Post::on(pool);
    posts.delete(1).await.unwrap();
    let purged = posts
        .purge_trashed_before(Utc::now() - Duration::days(1))
        .batch_size(std::num::NonZeroU32::new(4).unwrap())
        .await
        .unwrap();
    assert_eq!(purged, 15, "{}", db.backend());
    assert_eq!(
        ids(&posts.list(TrashMode::WithTrashed).await.unwrap()),
        [1, 2, 3]
    );
}

#[tokio::test]
async fn purge_in_batches_on_every_backend() {
    on_every_backend!(purges);
}

async fn conflicts<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
{
    posts_table(db).await;
    for ddl in Schema::new(db.backend().schema())
        .unique_among_live::<Post>(&[PostColumn::Title])
        .unwrap()
    {
        db.raw(&ddl).await;
    }
    let what = db.backend();
    let posts = Post::on(pool);
    posts.delete(1).await.unwrap();
    let insert = Query::insert()
        .into_table("posts")
        .columns(["id", "title"])
        .values_panic([5.into(), "one".into()])
        .to_owned();
    db.execute(&insert).await;
    let error = posts.restore(1).await.unwrap_err();
    assert!(error.is_conflict(), "{what}: {error}");
    assert!(
        matches!(error, Error::Conflict { table: "posts", .. }),
        "{what}"
    );
    assert!(error.to_string().contains("posts"), "{what}: {error}");
    assert!(posts
        .find_in(1, TrashMode::OnlyTrashed)
        .await
        .unwrap()
        .is_some());

    // Inside a caller's transaction the conflict leaves it usable.
    let mut tx = pool.begin().await.unwrap();
    let in_tx = Post::on(&mut tx);
    assert!(in_tx.restore(1).await.unwrap_err().is_conflict(), "{what}");
    assert!(
        in_tx.delete(2).await.unwrap().is_some(),
        "{what}: still usable"
    );
    tx.commit().await.unwrap();
    assert!(posts.find(2).await.unwrap().is_none(), "{what}: committed");
}

#[tokio::test]
async fn restore_into_a_taken_unique_key_is_a_conflict_and_changes_nothing() {
    on_every_backend!(conflicts);
}

async fn concurrent_writers<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
{
    posts_table(db).await;
    let what = db.backend();
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let posts = Post::on(&pool);
            let mut wrong = Vec::new();
            for round in 0..25 {
                let id = 1 + (worker + round) % 2;
                if let Some(row) = posts.delete(id).await.unwrap() {
                    if !row.is_trashed() {
                        wrong.push(format!("delete({id}) returned a live row"));
                    }
                }
                if let Some(row) = posts.restore(id).await.unwrap() {
                    if row.is_trashed() {
                        wrong.push(format!("restore({id}) returned a trashed row"));
                    }
                }
            }
            wrong
        }));
    }
    for task in tasks {
        let wrong = task.await.unwrap();
        assert!(wrong.is_empty(), "{what}: {wrong:?}");
    }
}

/// Concurrent writers never get back a row another request changed in
/// between (the futures are `Send`: they run on `tokio::spawn`).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_get_the_row_their_write_produced() {
    on_every_backend!(concurrent_writers);
}

async fn bad_input<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
{
    let what = db.backend();
    // No table at all.
    let error = Post::on(pool).find(1).await.unwrap_err();
    assert!(matches!(error, Error::Database(_)), "{what}: {error}");
    assert!(error.to_string().contains("posts"), "{what}: {error}");
    // A table missing a column: the error names it.
    db.raw("CREATE TABLE posts (id BIGINT PRIMARY KEY, title TEXT, deleted_at TEXT)")
        .await;
    let error = Post::on(pool)
        .list(TrashMode::WithTrashed)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("deleted_by"), "{what}: {error}");
}

#[tokio::test]
async fn bad_input_is_an_error_value_naming_what_is_wrong() {
    on_every_backend!(bad_input);
}

/// A value the database refuses: PostgreSQL stores no NUL in text.
#[tokio::test]
async fn a_value_the_database_refuses_is_an_error_value() {
    let Some(backend) = Backend::Postgres.if_configured() else {
        return;
    };
    let db = Db::connect(backend).await;
    posts_table(&db).await;
    let posts = Post::on(db.postgres_pool());
    let error = posts.delete_as(1, "nul\0byte").await.unwrap_err();
    assert!(matches!(error, Error::Database(_)), "{error}");
    assert!(error.to_string().contains("0x00"), "{error}");
    assert!(posts.find(1).await.unwrap().is_some(), "nothing changed");
}

/// An unreachable server: an error value, no panic, no password printed.
#[tokio::test]
async fn an_unreachable_server_is_an_error_value() {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_secs(2))
        .connect_lazy("postgres://someone:secret@127.0.0.1:1/test")
        .unwrap();
    let error = Post::on(&pool).find(1).await.unwrap_err();
    assert!(matches!(error, Error::Database(_)), "{error}");
    assert!(!error.to_string().contains("secret"), "{error}");
}

/// The post model again, with a hook that holds its delete until
/// [`GATE`] opens: an operation that is certainly running.
#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "posts", deleted_by = "deleted_by", hooks = "Gated")]
pub struct GatedPost {
    pub id: i64,
    pub title: String,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deleted_by: Option<String>,
}

static GATE: tokio::sync::Notify = tokio::sync::Notify::const_new();

pub struct Gated;

impl<DB: Dialect> soft_delete::sqlx::Hooks<GatedPost, DB> for Gated {
    async fn before_delete(
        _: &mut DB::Connection,
        _: &i64,
    ) -> Result<(), soft_delete::sqlx::HookError> {
        GATE.notified().await;
        Ok(())
    }
}

/// A handle over one connection runs one operation at a time: a second,
/// started while the first runs, is `Error::Busy`, not a deadlock, and the
/// handle stays usable.
#[tokio::test]
async fn a_connection_handle_runs_one_operation_at_a_time() {
    let db = Db::connect(Backend::Sqlite).await;
    posts_table(&db).await;
    let mut connection = db.sqlite_pool().acquire().await.unwrap();
    let posts = GatedPost::on(&mut connection);
    let (deleted, found) = tokio::join!(posts.delete(1), async {
        // The delete has the connection and waits at its hook by now.
        tokio::task::yield_now().await;
        let found = posts.find(2).await;
        GATE.notify_one();
        found
    });
    assert!(
        matches!(found, Err(Error::Busy { table: "posts" })),
        "{found:?}"
    );
    assert!(deleted.unwrap().unwrap().is_trashed(), "the first ran");
    assert!(posts.find(3).await.unwrap().is_some(), "usable afterwards");
    // A plain connection is a source too.
    assert!(Post::on(&mut *connection)
        .delete(3)
        .await
        .unwrap()
        .is_some());
    let filter = Expr::col(("posts", "id")).gt(0);
    assert_eq!(
        Post::delete_where(filter.into())
            .execute(&mut *connection)
            .await
            .unwrap(),
        1
    );
}
