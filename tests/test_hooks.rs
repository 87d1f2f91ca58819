//! `soft_delete::sqlx::Hooks` on SQLite, PostgreSQL and MariaDB: an audit
//! row per soft delete, restore, force delete and purge batch, written in
//! the operation's transaction; a failing before-hook aborts the operation
//! and rolls back everything it wrote.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{Backend, Db};
use sea_query::{Order, Query};
use soft_delete::sqlx::{
    Dialect, Error, HookError, Hooks, Model, PurgeProgress, Run, SoftDeleteExt,
};
use soft_delete::{SoftDelete, TrashMode};
use sqlx::Pool;

/// The post whose deletion the hooks refuse.
const LOCKED: i64 = 2;

/// A post whose writes are audited; post [`LOCKED`] cannot be deleted.
#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "posts", hooks = "AuditTrail")]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// One audit row: what happened to which post.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditRow {
    pub post_id: i64,
    pub action: String,
}

pub struct AuditTrail;

async fn audit<DB: Dialect>(
    connection: &mut DB::Connection,
    post_id: i64,
    action: &str,
) -> Result<(), HookError> {
    Query::insert()
        .into_table("audit")
        .columns(["post_id", "action"])
        .values([post_id.into(), action.into()])?
        .to_owned()
        .execute(DB::executor(connection))
        .await?;
    Ok(())
}

/// One implementation for every database: the hooks write through `Run`.
impl<DB: Dialect> Hooks<Post, DB> for AuditTrail {
    async fn before_delete(connection: &mut DB::Connection, id: &i64) -> Result<(), HookError> {
        audit::<DB>(connection, *id, "deleting").await?;
        if *id == LOCKED {
            return Err("post is locked".into());
        }
        Ok(())
    }

    async fn after_delete(connection: &mut DB::Connection, post: &Post) -> Result<(), HookError> {
        if post.deleted_at.is_none() {
            return Err("after_delete saw a live row".into());
        }
        audit::<DB>(connection, post.id, "deleted").await
    }

    async fn before_restore(connection: &mut DB::Connection, id: &i64) -> Result<(), HookError> {
        audit::<DB>(connection, *id, "restoring").await
    }

    async fn after_restore(connection: &mut DB::Connection, post: &Post) -> Result<(), HookError> {
        if post.title == "fails after restore" {
            return Err("refused after the write".into());
        }
        audit::<DB>(connection, post.id, "restored").await
    }

    async fn before_force_delete(
        connection: &mut DB::Connection,
        id: &i64,
    ) -> Result<(), HookError> {
        audit::<DB>(connection, *id, "force deleting").await
    }

    async fn after_force_delete(
        connection: &mut DB::Connection,
        id: &i64,
    ) -> Result<(), HookError> {
        audit::<DB>(connection, *id, "force deleted").await
    }

    async fn before_purge_batch(
        connection: &mut DB::Connection,
        _cutoff: DateTime<Utc>,
    ) -> Result<(), HookError> {
        audit::<DB>(connection, 0, "purging").await
    }

    async fn after_purge_batch(
        connection: &mut DB::Connection,
        progress: &PurgeProgress,
    ) -> Result<(), HookError> {
        let action = format!("purged {}", progress.deleted);
        audit::<DB>(connection, i64::from(progress.batch), &action).await
    }
}

async fn tables(db: &Db) {
    let (text, time) = match db.backend() {
        Backend::Sqlite => ("TEXT", "TEXT"),
        Backend::Postgres => ("TEXT", "TIMESTAMPTZ"),
        Backend::MySql => ("VARCHAR(255)", "DATETIME(6)"),
    };
    db.raw(&format!(
        "CREATE TABLE posts (id BIGINT PRIMARY KEY, title {text} NOT NULL, deleted_at {time} NULL)"
    ))
    .await;
    db.raw(&format!(
        "CREATE TABLE audit (seq {}, post_id BIGINT NOT NULL, action {text} NOT NULL)",
        match db.backend() {
            Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Backend::Postgres => "BIGSERIAL PRIMARY KEY",
            Backend::MySql => "BIGINT AUTO_INCREMENT PRIMARY KEY",
        }
    ))
    .await;
    db.raw(
        "INSERT INTO posts (id, title) VALUES (1, 'one'), (2, 'locked'), (3, 'fails after restore'), (4, 'four')",
    )
    .await;
}

async fn audit_rows<DB: Dialect>(pool: &Pool<DB>) -> Vec<(i64, String)>
where
    AuditRow: for<'r> sqlx::FromRow<'r, DB::Row> + Send + Unpin,
{
    let mut connection = pool.acquire().await.unwrap();
    let rows: Vec<AuditRow> = Query::select()
        .columns(["post_id", "action"])
        .from("audit")
        .order_by("seq", Order::Asc)
        .to_owned()
        .fetch_all(DB::executor(&mut connection))
        .await
        .unwrap();
    rows.into_iter()
        .map(|row| (row.post_id, row.action))
        .collect()
}

fn entries(rows: &[(i64, &str)]) -> Vec<(i64, String)> {
    rows.iter()
        .map(|&(id, action)| (id, action.to_owned()))
        .collect()
}

async fn hooks<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
    AuditRow: for<'r> sqlx::FromRow<'r, DB::Row> + Send + Unpin,
{
    tables(db).await;
    let what = db.backend();
    let posts = Post::on(pool);

    // A soft delete and its audit rows, committed together.
    assert!(posts.delete(1).await.unwrap().unwrap().deleted_at.is_some());
    assert_eq!(
        audit_rows(pool).await,
        entries(&[(1, "deleting"), (1, "deleted")]),
        "{what}"
    );

    // A before-hook error aborts: the post stays live, its audit row is gone.
    let error = posts.delete(2).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Hook {
                table: "posts",
                hook: "before_delete",
                ..
            }
        ),
        "{what}: {error}"
    );
    assert!(
        error.to_string().contains("post is locked"),
        "{what}: {error}"
    );
    assert!(posts.find(2).await.unwrap().is_some(), "{what}: still live");
    assert_eq!(audit_rows(pool).await.len(), 2, "{what}: rolled back");

    // An after-hook error undoes the write itself.
    posts.delete(3).await.unwrap().unwrap();
    let error = posts.restore(3).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Hook {
                hook: "after_restore",
                ..
            }
        ),
        "{what}: {error}"
    );
    assert!(
        posts
            .find_in(3, TrashMode::OnlyTrashed)
            .await
            .unwrap()
            .is_some(),
        "{what}: the restore was rolled back"
    );
    assert_eq!(audit_rows(pool).await.len(), 4, "{what}");

    // Restore and force delete.
    assert!(posts.restore(1).await.unwrap().is_some());
    assert!(posts.force_delete(4).await.unwrap());
    assert_eq!(
        audit_rows(pool).await[4..],
        entries(&[
            (1, "restoring"),
            (1, "restored"),
            (4, "force deleting"),
            (4, "force deleted"),
        ]),
        "{what}"
    );

    // Nothing to delete: the before-hook's write is rolled back too.
    assert_eq!(posts.delete(99).await.unwrap(), None);
    assert_eq!(audit_rows(pool).await.len(), 8, "{what}");

    // Purge batches: one audit pair per batch, in each batch's transaction.
    posts.delete(1).await.unwrap();
    let purged = posts
        .purge_trashed_before(Utc::now() + Duration::days(1))
        .batch_size(std::num::NonZeroU32::new(1).unwrap())
        .await
        .unwrap();
    assert_eq!(purged, 2, "{what}");
    assert_eq!(
        audit_rows(pool).await[10..],
        entries(&[
            (0, "purging"),
            (1, "purged 1"),
            (0, "purging"),
            (2, "purged 1"),
            (0, "purging"),
            (3, "purged 0"),
        ]),
        "{what}"
    );

    // Inside a caller's transaction: a rollback takes the audit rows too.
    let mut tx = pool.begin().await.unwrap();
    Post::on(&mut tx).delete(2).await.unwrap_err();
    tx.rollback().await.unwrap();
    assert_eq!(audit_rows(pool).await.len(), 16, "{what}");
}

#[tokio::test]
async fn hooks_run_in_the_operations_transaction() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        match backend {
            Backend::Sqlite => hooks(&db, db.sqlite_pool()).await,
            Backend::Postgres => hooks(&db, db.postgres_pool()).await,
            Backend::MySql => hooks(&db, db.mysql_pool()).await,
        }
    }
}
