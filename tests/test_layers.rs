//! One scenario through `soft_delete::sqlx` and `soft_delete::sea_orm` on
//! SQLite, PostgreSQL and MariaDB, with real foreign keys, a unique index
//! among live rows and hooks: both layers run the same plans, so their
//! outcomes, errors, hook calls and rows must be the same.

mod common;
#[path = "common/sea.rs"]
mod sea;

use std::fmt::Write as _;

use chrono::{Duration, Utc};
use common::TestBackend as _;
use common::{Backend, Db};
use sea_orm::{ConnectionTrait as _, DatabaseTransaction, TransactionTrait as _};
use soft_delete::sea_orm::{SeaOrm, SoftDeleteEntity as _};
use soft_delete::sqlx::{HookError, Hooks, SoftDeleteExt as _};
use soft_delete::{Schema, SoftDelete, TrashMode};
use sqlx::AssertSqlSafe;

mod post {
    use sea_orm::entity::prelude::*;

    #[derive(
        Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete, sqlx::FromRow,
    )]
    #[sea_orm(table_name = "posts")]
    #[soft_delete(hooks = "super::Audit", cascade(super::comment::Model = "post_id"))]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub slug: String,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod comment {
    use sea_orm::entity::prelude::*;

    #[derive(
        Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete, sqlx::FromRow,
    )]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub post_id: i64,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Writes one audit row per hook call; refuses to force delete post 13.
pub struct Audit;

fn audit_sql(event: &str, id: i64) -> String {
    format!("INSERT INTO audit (event) VALUES ('{event}:{id}')")
}

fn refuse(id: i64) -> Result<(), HookError> {
    if id == 13 {
        return Err("post 13 is kept for the records".into());
    }
    Ok(())
}

macro_rules! sqlx_hooks {
    ($database:ty, $connection:ty) => {
        impl Hooks<post::Model, $database> for Audit {
            async fn before_delete(conn: &mut $connection, id: &i64) -> Result<(), HookError> {
                sqlx::raw_sql(sqlx::AssertSqlSafe(audit_sql("before_delete", *id)))
                    .execute(conn)
                    .await?;
                Ok(())
            }
            async fn after_delete(
                conn: &mut $connection,
                row: &post::Model,
            ) -> Result<(), HookError> {
                sqlx::raw_sql(sqlx::AssertSqlSafe(audit_sql("after_delete", row.id)))
                    .execute(conn)
                    .await?;
                Ok(())
            }
            async fn after_restore(
                conn: &mut $connection,
                row: &post::Model,
            ) -> Result<(), HookError> {
                sqlx::raw_sql(sqlx::AssertSqlSafe(audit_sql("after_restore", row.id)))
                    .execute(conn)
                    .await?;
                Ok(())
            }
            async fn before_force_delete(
                conn: &mut $connection,
                id: &i64,
            ) -> Result<(), HookError> {
                sqlx::raw_sql(sqlx::AssertSqlSafe(audit_sql("before_force_delete", *id)))
                    .execute(conn)
                    .await?;
                refuse(*id)
            }
            async fn after_purge_batch(
                conn: &mut $connection,
                progress: &soft_delete::PurgeProgress,
            ) -> Result<(), HookError> {
                let sql = audit_sql("after_purge_batch", i64::try_from(progress.deleted)?);
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(conn)
                    .await?;
                Ok(())
            }
        }
    };
}

sqlx_hooks!(sqlx::Sqlite, sqlx::SqliteConnection);
sqlx_hooks!(sqlx::Postgres, sqlx::PgConnection);
sqlx_hooks!(sqlx::MySql, sqlx::MySqlConnection);

impl soft_delete::sea_orm::Hooks<post::Model, SeaOrm> for Audit {
    async fn before_delete(tx: &mut DatabaseTransaction, id: &i64) -> Result<(), HookError> {
        tx.execute_unprepared(&audit_sql("before_delete", *id))
            .await?;
        Ok(())
    }
    async fn after_delete(
        tx: &mut DatabaseTransaction,
        row: &post::Model,
    ) -> Result<(), HookError> {
        tx.execute_unprepared(&audit_sql("after_delete", row.id))
            .await?;
        Ok(())
    }
    async fn after_restore(
        tx: &mut DatabaseTransaction,
        row: &post::Model,
    ) -> Result<(), HookError> {
        tx.execute_unprepared(&audit_sql("after_restore", row.id))
            .await?;
        Ok(())
    }
    async fn before_force_delete(tx: &mut DatabaseTransaction, id: &i64) -> Result<(), HookError> {
        tx.execute_unprepared(&audit_sql("before_force_delete", *id))
            .await?;
        refuse(*id)
    }
    async fn after_purge_batch(
        tx: &mut DatabaseTransaction,
        progress: &soft_delete::PurgeProgress,
    ) -> Result<(), HookError> {
        let sql = audit_sql("after_purge_batch", i64::try_from(progress.deleted)?);
        tx.execute_unprepared(&sql).await?;
        Ok(())
    }
}

/// The schema: posts with a slug unique among live posts, comments
/// (declared child) and likes (undeclared) referencing posts.
async fn schema(db: &Db) {
    let (id, ts) = match db.backend() {
        Backend::Sqlite => ("INTEGER PRIMARY KEY", "TEXT NULL"),
        Backend::Postgres => ("BIGINT PRIMARY KEY", "TIMESTAMPTZ NULL"),
        Backend::MySql => ("BIGINT PRIMARY KEY", "DATETIME(6) NULL"),
    };
    db.raw(&format!(
        "CREATE TABLE posts (id {id}, slug VARCHAR(100) NOT NULL, deleted_at {ts})"
    ))
    .await;
    db.raw(&format!(
        "CREATE TABLE comments (id {id}, post_id BIGINT NOT NULL, deleted_at {ts}, FOREIGN KEY (post_id) REFERENCES posts (id))"
    ))
    .await;
    db.raw(&format!(
        "CREATE TABLE likes (id {id}, post_id BIGINT NOT NULL, FOREIGN KEY (post_id) REFERENCES posts (id))"
    ))
    .await;
    db.raw("CREATE TABLE audit (event VARCHAR(100) NOT NULL)")
        .await;
    for sql in Schema::new(db.backend().schema())
        .unique_among_live::<post::Model>(&[post::ModelColumn::Slug])
        .expect("slug is a column")
    {
        db.raw(&sql).await;
    }
    db.raw(
        "INSERT INTO posts (id, slug) VALUES (1, 'hello'), (2, 'liked'), (4, 'tree'), (13, 'kept'), (20, 'old-1'), (21, 'old-2'), (22, 'old-3')",
    )
    .await;
    db.raw("INSERT INTO comments (id, post_id) VALUES (41, 4), (42, 4), (43, 4)")
        .await;
    db.raw("INSERT INTO likes (id, post_id) VALUES (1, 2)")
        .await;
}

/// What an outcome says, the same whichever layer produced it.
fn row(post: Option<&post::Model>) -> String {
    match post {
        None => "none".to_owned(),
        Some(post) => format!("post {} trashed={}", post.id, post.is_trashed()),
    }
}

fn sqlx_error(error: &soft_delete::sqlx::Error) -> String {
    use soft_delete::sqlx::Error;
    match error {
        Error::Conflict { table, .. } => format!("conflict on {table}"),
        Error::Referenced { table, .. } => format!("referenced on {table}"),
        Error::Hook { table, hook, .. } => format!("hook {hook} on {table}"),
        other => format!("database error: {other}"),
    }
}

fn sea_orm_error(error: &soft_delete::sea_orm::Error) -> String {
    use soft_delete::sea_orm::Error;
    match error {
        Error::Conflict { table, .. } => format!("conflict on {table}"),
        Error::Referenced { table, .. } => format!("referenced on {table}"),
        Error::Hook { table, hook, .. } => format!("hook {hook} on {table}"),
        other => format!("database error: {other}"),
    }
}

fn outcome<T, E>(
    result: Result<T, E>,
    ok: impl Fn(&T) -> String,
    err: impl Fn(&E) -> String,
) -> String {
    match result {
        Ok(value) => ok(&value),
        Err(error) => err(&error),
    }
}

fn cascade(cascade: &Option<soft_delete::Cascade>) -> String {
    match cascade {
        None => "none".to_owned(),
        Some(cascade) => format!("{:?}", cascade.rows),
    }
}

/// The rows and audit after the scenario, as text.
async fn state(db: &Db) -> String {
    let mut state = String::new();
    for (table, sql) in [
        (
            "posts",
            "SELECT id, slug, deleted_at IS NOT NULL AS trashed FROM posts ORDER BY id",
        ),
        (
            "comments",
            "SELECT id, post_id, deleted_at IS NOT NULL AS trashed FROM comments ORDER BY id",
        ),
    ] {
        let rows: Vec<(i64, String, bool)> = match db.backend() {
            Backend::Sqlite => sqlx::query_as(AssertSqlSafe(
                sql.replace("post_id,", "CAST(post_id AS TEXT),"),
            ))
            .fetch_all(db.sqlite_pool())
            .await
            .expect("read rows"),
            Backend::Postgres => sqlx::query_as(AssertSqlSafe(
                sql.replace("post_id,", "CAST(post_id AS TEXT),"),
            ))
            .fetch_all(db.postgres_pool())
            .await
            .expect("read rows"),
            Backend::MySql => {
                let rows: Vec<(i64, String, i64)> = sqlx::query_as(AssertSqlSafe(
                    sql.replace("post_id,", "CAST(post_id AS CHAR),"),
                ))
                .fetch_all(db.mysql_pool())
                .await
                .expect("read rows");
                rows.into_iter()
                    .map(|(id, slug, trashed)| (id, slug, trashed != 0))
                    .collect()
            }
        };
        let _ = writeln!(state, "{table}: {rows:?}");
    }
    let audit: Vec<String> = match db.backend() {
        Backend::Sqlite => sqlx::query_scalar("SELECT event FROM audit ORDER BY event")
            .fetch_all(db.sqlite_pool())
            .await
            .expect("read audit"),
        Backend::Postgres => sqlx::query_scalar("SELECT event FROM audit ORDER BY event")
            .fetch_all(db.postgres_pool())
            .await
            .expect("read audit"),
        Backend::MySql => sqlx::query_scalar("SELECT event FROM audit ORDER BY event")
            .fetch_all(db.mysql_pool())
            .await
            .expect("read audit"),
    };
    let _ = writeln!(state, "audit: {audit:?}");
    state
}

macro_rules! sqlx_scenario {
    ($pool:expr) => {{
        let pool = $pool;
        let posts = post::Model::on(pool);
        let mut log = Vec::new();
        let e = sqlx_error;
        log.push(outcome(posts.delete(1).await, |r| row(r.as_ref()), e));
        log.push(outcome(posts.delete(1).await, |r| row(r.as_ref()), e));
        log.push(outcome(posts.find(1).await, |r| row(r.as_ref()), e));
        log.push(outcome(
            posts.find_in(1, TrashMode::OnlyTrashed).await,
            |r| row(r.as_ref()),
            e,
        ));
        sqlx::raw_sql("INSERT INTO posts (id, slug) VALUES (3, 'hello')")
            .execute(pool)
            .await
            .expect("insert");
        log.push(outcome(posts.restore(1).await, |r| row(r.as_ref()), e));
        {
            // A conflict inside the caller's transaction leaves it usable.
            let mut tx = pool.begin().await.expect("begin");
            log.push(outcome(
                post::Model::on(&mut *tx).restore(1).await,
                |r| row(r.as_ref()),
                e,
            ));
            log.push(outcome(
                post::Model::on(&mut *tx).delete(3).await,
                |r| row(r.as_ref()),
                e,
            ));
            tx.commit()
                .await
                .expect("the caller's transaction survives the conflict");
        }
        log.push(outcome(posts.restore(1).await, |r| row(r.as_ref()), e));
        log.push(outcome(posts.force_delete(2).await, |r| r.to_string(), e));
        log.push(outcome(posts.force_delete(13).await, |r| r.to_string(), e));
        log.push(outcome(posts.cascade_delete(4).await, cascade, e));
        log.push(outcome(posts.cascade_delete(4).await, cascade, e));
        log.push(outcome(posts.cascade_restore(4).await, cascade, e));
        log.push(outcome(
            posts.list(TrashMode::WithTrashed).await,
            |r| format!("{} rows", r.len()),
            e,
        ));
        log.push(outcome(
            posts.count(TrashMode::OnlyTrashed).await,
            |r| r.to_string(),
            e,
        ));
        for id in [20, 21, 22] {
            posts.delete(id).await.expect("trash an old post");
        }
        let purged = posts
            .purge_trashed_before(Utc::now() + Duration::seconds(1))
            .batch_size(std::num::NonZeroU32::new(2).expect("2 is not 0"))
            .await;
        log.push(outcome(purged, |r| r.to_string(), e));
        log
    }};
}

async fn through_sqlx(db: &Db) -> Vec<String> {
    match db.backend() {
        Backend::Sqlite => sqlx_scenario!(db.sqlite_pool()),
        Backend::Postgres => sqlx_scenario!(db.postgres_pool()),
        Backend::MySql => sqlx_scenario!(db.mysql_pool()),
    }
}

async fn through_sea_orm(db: &Db) -> Vec<String> {
    let connection = sea::connection(db);
    let posts = post::Entity::on(&connection);
    let mut log = Vec::new();
    let e = sea_orm_error;
    log.push(outcome(posts.delete(1).await, |r| row(r.as_ref()), e));
    log.push(outcome(posts.delete(1).await, |r| row(r.as_ref()), e));
    log.push(outcome(posts.find(1).await, |r| row(r.as_ref()), e));
    log.push(outcome(
        posts.find_in(1, TrashMode::OnlyTrashed).await,
        |r| row(r.as_ref()),
        e,
    ));
    connection
        .execute_unprepared("INSERT INTO posts (id, slug) VALUES (3, 'hello')")
        .await
        .expect("insert");
    log.push(outcome(posts.restore(1).await, |r| row(r.as_ref()), e));
    {
        let tx = connection.begin().await.expect("begin");
        log.push(outcome(
            post::Entity::on(&tx).restore(1).await,
            |r| row(r.as_ref()),
            e,
        ));
        log.push(outcome(
            post::Entity::on(&tx).delete(3).await,
            |r| row(r.as_ref()),
            e,
        ));
        tx.commit()
            .await
            .expect("the caller's transaction survives the conflict");
    }
    log.push(outcome(posts.restore(1).await, |r| row(r.as_ref()), e));
    log.push(outcome(posts.force_delete(2).await, |r| r.to_string(), e));
    log.push(outcome(posts.force_delete(13).await, |r| r.to_string(), e));
    log.push(outcome(posts.cascade_delete(4).await, cascade, e));
    log.push(outcome(posts.cascade_delete(4).await, cascade, e));
    log.push(outcome(posts.cascade_restore(4).await, cascade, e));
    log.push(outcome(
        posts.list(TrashMode::WithTrashed).await,
        |r| format!("{} rows", r.len()),
        e,
    ));
    log.push(outcome(
        posts.count(TrashMode::OnlyTrashed).await,
        |r| r.to_string(),
        e,
    ));
    for id in [20, 21, 22] {
        posts.delete(id).await.expect("trash an old post");
    }
    let purged = posts
        .purge_trashed_before(Utc::now() + Duration::seconds(1))
        .batch_size(std::num::NonZeroU32::new(2).expect("2 is not 0"))
        .await;
    log.push(outcome(purged, |r| r.to_string(), e));
    log
}

#[tokio::test]
async fn both_layers_run_the_same_plans() {
    for backend in common::backends() {
        let sqlx_db = Db::connect(backend).await;
        schema(&sqlx_db).await;
        let sqlx_log = through_sqlx(&sqlx_db).await;
        let sqlx_state = state(&sqlx_db).await;

        let sea_orm_db = Db::connect(backend).await;
        schema(&sea_orm_db).await;
        let sea_orm_log = through_sea_orm(&sea_orm_db).await;
        let sea_orm_state = state(&sea_orm_db).await;

        let expected = [
            "post 1 trashed=true",
            "none",
            "none",
            "post 1 trashed=true",
            "conflict on posts",
            "conflict on posts",
            "post 3 trashed=true",
            "post 1 trashed=false",
            "referenced on posts",
            "hook before_force_delete on posts",
            r#"[("posts", 1), ("comments", 3)]"#,
            "none",
            r#"[("posts", 1), ("comments", 3)]"#,
            "8 rows",
            "1",
            "4",
        ];
        assert_eq!(sqlx_log, expected, "{backend}: sqlx");
        assert_eq!(sea_orm_log, sqlx_log, "{backend}: SeaORM and sqlx disagree");
        assert_eq!(sea_orm_state, sqlx_state, "{backend}: the rows differ");
        for event in [
            "before_delete:1",
            "after_delete:1",
            "after_restore:1",
            "before_delete:4",
            "after_delete:4",
            "after_restore:4",
            "after_purge_batch:2",
            "after_purge_batch:0",
            "before_delete:3",
        ] {
            assert!(
                sqlx_state.contains(event),
                "{backend}: the hook call {event} was not committed:\n{sqlx_state}"
            );
        }
        for rolled_back in ["before_force_delete:2", "before_force_delete:13"] {
            assert!(
                !sqlx_state.contains(rolled_back),
                "{backend}: {rolled_back} should have been rolled back with its operation:\n{sqlx_state}"
            );
        }
    }
}
