//! Retention and the pruner on SQLite, PostgreSQL and MariaDB, with a real
//! foreign key: `purge_expired` removes exactly what is past the model's
//! `retain`; `Pruner` runs a parent before its children whatever the
//! order they were listed in, with a report per table; `run_every` stops
//! on its shutdown signal after finishing the batch under way; SeaORM's
//! pruner does the same work.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Duration, Utc};
use common::{Backend, Db};
use sea_orm::{SqlxMySqlConnector, SqlxPostgresConnector, SqlxSqliteConnector};
use sea_query::Query;
use soft_delete::sqlx::{Dialect, HookError, Hooks, Model, Pruner, SoftDeleteExt};
use soft_delete::{Pruned, SoftDelete, TrashMode};
use sqlx::Pool;
use tokio::sync::Notify;

mod post {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, DeriveEntityModel, soft_delete::SoftDelete, sqlx::FromRow)]
    #[sea_orm(table_name = "posts")]
    #[soft_delete(retain = "30 days", cascade(super::comment::Model = "post_id"))]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod comment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, DeriveEntityModel, soft_delete::SoftDelete, sqlx::FromRow)]
    #[sea_orm(table_name = "comments")]
    #[soft_delete(retain = "7 days")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub post_id: i64,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use comment::Model as Comment;
use post::Model as Post;

/// A note whose purge batches signal [`BATCH_STARTED`].
#[derive(Debug, Clone, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "notes", retain = "1 days", hooks = "Signal")]
struct Note {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

static BATCH_STARTED: Notify = Notify::const_new();
static BATCHES: AtomicU32 = AtomicU32::new(0);

struct Signal;

impl<DB: Dialect> Hooks<Note, DB> for Signal {
    async fn before_purge_batch(
        _connection: &mut DB::Connection,
        _cutoff: DateTime<Utc>,
    ) -> Result<(), HookError> {
        if BATCHES.fetch_add(1, Ordering::SeqCst) == 0 {
            BATCH_STARTED.notify_one();
        }
        Ok(())
    }
}

async fn schema(db: &Db) {
    let (id, time) = match db.backend() {
        Backend::Sqlite => ("INTEGER PRIMARY KEY", "TEXT"),
        Backend::Postgres => ("BIGINT PRIMARY KEY", "TIMESTAMPTZ"),
        Backend::MySql => ("BIGINT PRIMARY KEY", "DATETIME(6)"),
    };
    db.raw(&format!(
        "CREATE TABLE posts (id {id}, deleted_at {time} NULL)"
    ))
    .await;
    db.raw(&format!(
        "CREATE TABLE comments (id {id}, post_id BIGINT NOT NULL REFERENCES posts (id), deleted_at {time} NULL)"
    ))
    .await;
    db.raw(&format!(
        "CREATE TABLE notes (id {id}, deleted_at {time} NULL)"
    ))
    .await;
}

fn days_ago(days: i64) -> DateTime<Utc> {
    Utc::now() - Duration::days(days)
}

/// Posts 1 (trashed 31 days ago: due), 2 (29 days: not due), 3 (live);
/// comments 10 and 11 under post 1 (trashed 31 and 2 days ago: they go
/// with it), 20 under post 2 (trashed 31 days ago: its own retention is
/// past), 30 and 31 under post 3 (trashed 8 and 6 days ago), 32 live.
async fn seed(db: &Db) {
    for (id, trashed) in [(1, Some(31)), (2, Some(29)), (3, None)] {
        insert(db, "posts", &[("id", id.into())]).await;
        if let Some(days) = trashed {
            db.execute(&Post::delete_by_id_at(id, days_ago(days))).await;
        }
    }
    for (id, post, trashed) in [
        (10, 1, Some(31)),
        (11, 1, Some(2)),
        (20, 2, Some(31)),
        (30, 3, Some(8)),
        (31, 3, Some(6)),
        (32, 3, None),
    ] {
        insert(
            db,
            "comments",
            &[("id", id.into()), ("post_id", post.into())],
        )
        .await;
        if let Some(days) = trashed {
            db.execute(&Comment::delete_by_id_at(id, days_ago(days)))
                .await;
        }
    }
}

async fn insert(db: &Db, table: &str, values: &[(&str, sea_query::Value)]) {
    let mut insert = Query::insert();
    insert
        .into_table(sea_query::Alias::new(table))
        .columns(
            values
                .iter()
                .map(|(column, _)| sea_query::Alias::new(*column)),
        )
        .values_panic(values.iter().map(|(_, value)| value.clone().into()));
    db.execute(&insert).await;
}

async fn left(db: &Db) -> (Vec<i64>, Vec<i64>) {
    (
        db.ids::<Post>(&Post::with_trashed()).await,
        db.ids::<Comment>(&Comment::with_trashed()).await,
    )
}

async fn retention<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Note: Model<DB>,
{
    let backend = db.backend();
    schema(db).await;
    seed(db).await;

    // A model's own purge_expired: the comments past 7 days (10, 20, 30).
    assert_eq!(
        Comment::on(pool).purge_expired().await.expect("purge"),
        3,
        "{backend}"
    );
    let (posts, comments) = left(db).await;
    assert_eq!(posts, [1, 2, 3], "{backend}");
    assert_eq!(comments, [11, 31, 32], "{backend}");

    // The pruner, listed children first: posts run first, taking comment
    // 11 along though its own retention is not past.
    let report = Pruner::new(pool)
        .model::<Comment>()
        .model::<Post>()
        .run()
        .await
        .expect("run");
    assert_eq!(
        report,
        [Pruned::new("posts", 1, 0), Pruned::new("comments", 0, 0)],
        "{backend}"
    );
    let (posts, comments) = left(db).await;
    assert_eq!(posts, [2, 3], "{backend}");
    assert_eq!(comments, [31, 32], "{backend}");
    // A second run removes nothing more.
    let again = Pruner::new(pool)
        .model::<Post>()
        .model::<Comment>()
        .run()
        .await
        .expect("run");
    assert!(
        again.iter().all(|pruned| pruned.removed == 0),
        "{backend}: {again:?}"
    );

    // run_every, shut down during its first batch: that batch is finished,
    // nothing more is taken, and the task ends.
    let rows: Vec<i64> = (1..=2_500).collect();
    for chunk in rows.chunks(500) {
        let mut insert = Query::insert();
        insert
            .into_table(NoteColumn::Table)
            .columns([NoteColumn::Id, NoteColumn::DeletedAt]);
        for id in chunk {
            insert.values_panic([(*id).into(), days_ago(2).into()]);
        }
        db.execute(&insert).await;
    }
    BATCHES.store(0, Ordering::SeqCst);
    let pruner = Pruner::new(pool).model::<Note>();
    tokio::time::timeout(
        std::time::Duration::from_secs(60),
        pruner.run_every(
            std::time::Duration::from_millis(10),
            BATCH_STARTED.notified(),
        ),
    )
    .await
    .expect("run_every ends on its shutdown signal")
    .expect("run_every");
    assert_eq!(
        BATCHES.load(Ordering::SeqCst),
        1,
        "{backend}: one batch ran"
    );
    assert_eq!(
        Note::on(pool)
            .count(TrashMode::WithTrashed)
            .await
            .expect("count"),
        1_500,
        "{backend}: the first batch of 1000 finished, the rest stayed"
    );
    // Without a signal it goes on: the rest is purged within a few runs.
    let ticks = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        pruner.run_every(std::time::Duration::from_millis(10), std::future::pending()),
    )
    .await;
    assert!(ticks.is_err(), "{backend}: run_every runs until shut down");
    assert_eq!(
        Note::on(pool)
            .count(TrashMode::WithTrashed)
            .await
            .expect("count"),
        0,
        "{backend}"
    );
}

#[tokio::test]
async fn retention_and_the_pruner() {
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(2).connect().await;
        match backend {
            Backend::Sqlite => retention(&db, db.sqlite_pool()).await,
            Backend::Postgres => retention(&db, db.postgres_pool()).await,
            Backend::MySql => retention(&db, db.mysql_pool()).await,
        }
    }
}

#[tokio::test]
async fn sea_orm_pruner() {
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(2).connect().await;
        schema(&db).await;
        seed(&db).await;
        let connection = match backend {
            Backend::Sqlite => SqlxSqliteConnector::from_sqlx_sqlite_pool(db.sqlite_pool().clone()),
            Backend::Postgres => {
                SqlxPostgresConnector::from_sqlx_postgres_pool(db.postgres_pool().clone())
            }
            Backend::MySql => SqlxMySqlConnector::from_sqlx_mysql_pool(db.mysql_pool().clone()),
        };
        let report = soft_delete::sea_orm::Pruner::new(&connection)
            .model::<comment::Entity>()
            .model::<post::Entity>()
            .run()
            .await
            .expect("run");
        assert_eq!(
            report,
            [Pruned::new("posts", 1, 0), Pruned::new("comments", 2, 0)],
            "{backend}"
        );
        let (posts, comments) = left(&db).await;
        assert_eq!(posts, [2, 3], "{backend}");
        assert_eq!(comments, [31, 32], "{backend}");
    }
}
