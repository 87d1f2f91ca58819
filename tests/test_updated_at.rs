//! `#[soft_delete(updated_at = "...")]` on SQLite, PostgreSQL and MariaDB:
//! soft deletes, restores and cascades set the column in the same UPDATE, to
//! the instant the marker records, through the statements and through
//! `soft_delete::sqlx`; nothing else touches it.

mod common;

use chrono::{DateTime, Duration, DurationRound, NaiveDateTime, Utc};
use common::TestBackend as _;
use common::{Backend, Db};
use sea_query::{Expr, ExprTrait, Query};
use soft_delete::sqlx::{Dialect, Model, Run, SoftDeleteExt};
use soft_delete::{SoftDelete, TrashMode};
use sqlx::Pool;

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "articles", updated_at = "updated_at")]
pub struct Article {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "notes", style = "bool", updated_at = "touched_at")]
pub struct Note {
    pub id: i64,
    pub is_deleted: bool,
    pub touched_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "replies", updated_at = "updated_at")]
pub struct Reply {
    pub id: i64,
    pub topic_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(
    table = "topics",
    updated_at = "updated_at",
    cascade(Reply = "topic_id")
)]
pub struct Topic {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "stamps", now = "database", updated_at = "updated_at")]
pub struct Stamp {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// Runs `$test(&db, pool)` on every configured backend, each in a fresh
/// namespace.
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

/// The time the rows are created with: long before any change the tests make.
fn created() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// `(time with zone, time without zone)` column types.
fn time_types(db: &Db) -> (&'static str, &'static str) {
    match db.backend() {
        Backend::Sqlite => ("TEXT", "TEXT"),
        Backend::Postgres => ("TIMESTAMPTZ", "TIMESTAMP"),
        Backend::MySql => ("DATETIME(6)", "DATETIME(6)"),
    }
}

/// A table `id, [extra,] marker, updated_at` holding `ids`, all live and
/// last updated at [`created`].
async fn table(db: &Db, table: &str, extra: &[(&str, i64)], ids: &[i64]) {
    let (tz, _) = time_types(db);
    let extra_ddl: String = extra
        .iter()
        .map(|(column, _)| format!("{column} BIGINT NOT NULL, "))
        .collect();
    db.raw(&format!(
        "CREATE TABLE {table} (id BIGINT PRIMARY KEY, {extra_ddl}deleted_at {tz} NULL, updated_at {tz} NOT NULL)"
    ))
    .await;
    for &id in ids {
        let mut columns = vec!["id", "updated_at"];
        let mut values: Vec<sea_query::Value> = vec![id.into(), created().into()];
        for (column, value) in extra {
            columns.push(column);
            values.push((*value).into());
        }
        let insert = Query::insert()
            .into_table(sea_query::Alias::new(table))
            .columns(columns.into_iter().map(sea_query::Alias::new))
            .values_panic(values.into_iter().map(Expr::val))
            .to_owned();
        db.execute(&insert).await;
    }
}

/// The instant as a second-precision column keeps it, for comparisons with
/// what the database stores.
fn within_a_second_of(stored: DateTime<Utc>, expected: DateTime<Utc>) -> bool {
    (stored - expected).abs() < Duration::seconds(1)
}

async fn statements_and_handle<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Article: Model<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let what = db.backend();
    table(db, "articles", &[], &[1, 2, 3, 4]).await;
    let articles = Article::on(pool);

    // The statement: updated_at is the deletion's instant, exactly.
    let at = Utc::now().duration_trunc(Duration::seconds(1)).unwrap() - Duration::hours(1);
    assert_eq!(
        Article::delete_by_id_at(1, at).execute(pool).await.unwrap(),
        1
    );
    let one = articles
        .find_in(1, TrashMode::WithTrashed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(one.deleted_at, Some(at), "{what}");
    assert_eq!(
        one.updated_at, at,
        "{what}: updated_at is the deletion's instant"
    );

    // A second delete misses the trashed row and leaves updated_at alone.
    assert_eq!(Article::delete_by_id(1).execute(pool).await.unwrap(), 0);
    let again = articles
        .find_in(1, TrashMode::WithTrashed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again, one, "{what}: a trashed row is not touched again");

    // The handle: the row it returns carries the same instant in both columns.
    let before = Utc::now() - Duration::seconds(1);
    let two = articles
        .delete(2)
        .await
        .unwrap()
        .expect("article 2 was live");
    assert_eq!(Some(two.updated_at), two.deleted_at, "{what}: one instant");
    assert!(two.updated_at >= before, "{what}: {two:?}");
    let stored = articles
        .find_in(2, TrashMode::WithTrashed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, two, "{what}: the returned row is the stored row");

    // Bulk delete through a filter touches exactly the rows it trashes.
    let filter = sea_query::Cond::all().add(Expr::col("id").is_in([3, 1]));
    assert_eq!(
        Article::delete_where(filter).execute(pool).await.unwrap(),
        1
    );
    let three = articles
        .find_in(3, TrashMode::WithTrashed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(Some(three.updated_at), three.deleted_at, "{what}");
    assert_eq!(
        articles
            .find_in(1, TrashMode::WithTrashed)
            .await
            .unwrap()
            .unwrap(),
        one,
        "{what}: the already-trashed row keeps its times"
    );

    // Restore: the statement and the handle set updated_at to now.
    let before = Utc::now() - Duration::seconds(1);
    assert_eq!(Article::restore_by_id(1).execute(pool).await.unwrap(), 1);
    let one = articles
        .find(1)
        .await
        .unwrap()
        .expect("article 1 is live again");
    assert!(one.updated_at >= before, "{what}: {one:?}");
    let two = articles
        .restore(2)
        .await
        .unwrap()
        .expect("article 2 was trashed");
    assert_eq!(two.deleted_at, None, "{what}");
    assert!(two.updated_at >= before, "{what}: {two:?}");
    // Restoring a live row changes nothing.
    assert_eq!(articles.restore(2).await.unwrap(), None, "{what}");
    assert_eq!(articles.find(2).await.unwrap(), Some(two), "{what}");

    // The untouched row still holds its creation time.
    let four = articles.find(4).await.unwrap().unwrap();
    assert_eq!(
        four.updated_at,
        created(),
        "{what}: other rows are not touched"
    );
    // A user's UPDATE sets only what it says.
    let mut update = Article::update();
    update
        .value("deleted_at", Expr::value(Option::<DateTime<Utc>>::None))
        .and_where(Expr::col("id").eq(4));
    update.execute(pool).await.unwrap();
    assert_eq!(articles.find(4).await.unwrap().unwrap(), four, "{what}");
}

#[tokio::test]
async fn deletes_and_restores_set_updated_at_to_their_instant() {
    on_every_backend!(statements_and_handle);
}

async fn bool_style_without_zone<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Note: Model<DB>,
{
    let what = db.backend();
    let (_, naive) = time_types(db);
    db.raw(&format!(
        "CREATE TABLE notes (id BIGINT PRIMARY KEY, is_deleted BOOLEAN NOT NULL DEFAULT FALSE, touched_at {naive} NULL)"
    ))
    .await;
    db.raw("INSERT INTO notes (id) VALUES (1), (2)").await;
    let notes = Note::on(pool);

    let before = (Utc::now() - Duration::seconds(1)).naive_utc();
    let one = notes.delete(1).await.unwrap().expect("note 1 was live");
    assert!(one.is_deleted, "{what}");
    let touched = one.touched_at.expect("delete sets touched_at");
    assert!(touched >= before, "{what}: {one:?} holds UTC");
    assert!(
        touched <= (Utc::now() + Duration::seconds(1)).naive_utc(),
        "{what}: {one:?}"
    );

    let restored = notes.restore(1).await.unwrap().expect("note 1 was trashed");
    assert!(!restored.is_deleted, "{what}");
    assert!(restored.touched_at >= Some(touched), "{what}: {restored:?}");
    assert_eq!(
        notes.find(2).await.unwrap().unwrap().touched_at,
        None,
        "{what}: other rows are not touched"
    );
}

#[tokio::test]
async fn bool_markers_set_a_naive_updated_at() {
    on_every_backend!(bool_style_without_zone);
}

async fn cascades<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Topic: Model<DB>,
    Reply: Model<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let what = db.backend();
    table(db, "topics", &[], &[1, 2]).await;
    table(db, "replies", &[("topic_id", 1)], &[10, 11]).await;
    let other_topic = Query::insert()
        .into_table("replies")
        .columns(["id", "topic_id", "updated_at"])
        .values_panic([20.into(), 2.into(), created().into()])
        .to_owned();
    db.execute(&other_topic).await;

    // The statements, at a given instant: parent and children get it.
    let at = Utc::now().duration_trunc(Duration::seconds(1)).unwrap() - Duration::minutes(5);
    for statement in Topic::cascade_delete_by_id_at(1, at, db.backend().schema()) {
        statement.execute(pool).await.unwrap();
    }
    let topic = Topic::on(pool)
        .find_in(1, TrashMode::WithTrashed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(topic.updated_at, at, "{what}: {topic:?}");
    let replies = Reply::on(pool).list(TrashMode::OnlyTrashed).await.unwrap();
    assert_eq!(replies.len(), 2, "{what}: {replies:?}");
    for reply in &replies {
        assert_eq!(reply.updated_at, at, "{what}: {reply:?}");
        assert_eq!(reply.deleted_at, topic.deleted_at, "{what}: {reply:?}");
    }

    // The handle's cascade restore: one instant for every row it restores.
    let before = Utc::now() - Duration::seconds(1);
    let restored = Topic::on(pool).cascade_restore(1).await.unwrap().unwrap();
    assert_eq!(restored.total(), 3, "{what}");
    let topic = Topic::on(pool).find(1).await.unwrap().unwrap();
    assert!(topic.updated_at >= before, "{what}: {topic:?}");
    for reply in Reply::on(pool)
        .list(TrashMode::WithoutTrashed)
        .await
        .unwrap()
    {
        if reply.topic_id == 1 {
            assert_eq!(reply.updated_at, topic.updated_at, "{what}: {reply:?}");
        }
    }

    // The handle's cascade delete, at now.
    let before = Utc::now() - Duration::seconds(1);
    let deleted = Topic::on(pool).cascade_delete(2).await.unwrap().unwrap();
    assert_eq!(deleted.total(), 2, "{what}");
    let topic = Topic::on(pool)
        .find_in(2, TrashMode::WithTrashed)
        .await
        .unwrap()
        .unwrap();
    assert!(topic.updated_at >= before, "{what}: {topic:?}");
    assert_eq!(
        topic.deleted_at,
        Some(topic.updated_at),
        "{what}: {topic:?}"
    );
    let reply = Reply::on(pool)
        .find_in(20, TrashMode::WithTrashed)
        .await
        .unwrap()
        .unwrap();
    assert!(
        within_a_second_of(reply.updated_at, topic.updated_at),
        "{what}: {reply:?}"
    );
    assert!(reply.is_trashed(), "{what}");
}

#[tokio::test]
async fn cascades_set_updated_at_on_every_row_they_change() {
    on_every_backend!(cascades);
}

async fn database_clock<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Stamp: Model<DB>,
{
    let what = db.backend();
    table(db, "stamps", &[], &[1]).await;
    let stamps = Stamp::on(pool);
    let deleted = stamps.delete(1).await.unwrap().expect("stamp 1 was live");
    assert_eq!(
        deleted.deleted_at,
        Some(deleted.updated_at),
        "{what}: both from the database's CURRENT_TIMESTAMP"
    );
    assert!(
        (deleted.updated_at - Utc::now()).abs() < Duration::minutes(1),
        "{what}: the database's clock is this machine's: {deleted:?}"
    );
    let restored = stamps
        .restore(1)
        .await
        .unwrap()
        .expect("stamp 1 was trashed");
    assert!(
        restored.updated_at >= deleted.updated_at,
        "{what}: {restored:?}"
    );
    assert_eq!(restored.deleted_at, None, "{what}");
}

#[tokio::test]
async fn the_database_clock_stamps_updated_at_too() {
    on_every_backend!(database_clock);
}
