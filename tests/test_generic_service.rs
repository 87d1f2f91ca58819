//! The code README's "Generic over the database" section shows, compiled and
//! run: one service body generic over sqlx's database, its schema created
//! with `Backend::render` and `create_indexes()`, writes through the handle, a statement of its own
//! through `Run` on a pooled connection — on SQLite, PostgreSQL and MariaDB.

mod common;

use common::Backend;
use common::TestBackend as _;
use soft_delete::sea_query::{ColumnDef, Expr, ExprTrait as _, Table};
use soft_delete::sqlx::{Dialect, Model, Run, SoftDeleteExt};
use soft_delete::{Schema, SoftDelete, TrashMode};

#[derive(Debug, Clone, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "notes", unique(slug))]
struct Note {
    id: i64,
    #[allow(dead_code)] // read by the derives
    slug: String,
    deleted_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The service's data layer, once for every database: `Note: Model<DB>` is
/// the one bound the handle needs.
async fn service<DB: Dialect>(pool: &sqlx::Pool<DB>) -> Result<usize, soft_delete::sqlx::Error>
where
    Note: Model<DB>,
{
    // The schema, rendered for this database (`DB::BACKEND`).
    let table = Table::create()
        .table(NoteColumn::Table)
        .if_not_exists()
        .col(
            ColumnDef::new(NoteColumn::Id)
                .big_integer()
                .not_null()
                .primary_key(),
        )
        .col(ColumnDef::new(NoteColumn::Slug).string().not_null())
        .col(Schema::new(DB::BACKEND).marker_column::<Note>())
        .to_owned();
    // A pooled connection for statements of the service's own, given back
    // before the handle takes one (an in-memory SQLite pool has one).
    {
        let mut conn = pool.acquire().await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(DB::BACKEND.render(&table)))
            .execute(DB::executor(&mut conn))
            .await?;
        // Through the handle on this connection (`DB::source`): the
        // marker index and the unique key, only where missing.
        Note::on(DB::source(&mut conn)).create_indexes().await?;
    }
    // A second start finds them in place.
    assert_eq!(Note::on(pool).create_indexes().await?, 0);
    // Writes through the handle; `?` turns a `sqlx::Error` into the
    // handle's `Error` too.
    let notes = Note::on(pool);
    notes
        .insert([(NoteColumn::Id, 1.into()), (NoteColumn::Slug, "a".into())])
        .await?;
    notes
        .insert([(NoteColumn::Id, 2.into()), (NoteColumn::Slug, "b".into())])
        .await?;
    notes.delete(2).await?;
    // A statement of its own, on a pooled connection.
    let mut conn = pool.acquire().await?;
    let live: Vec<Note> = Note::query()
        .and_where(Expr::col((NoteColumn::Table, NoteColumn::Slug)).like("%"))
        .to_owned()
        .fetch_all(DB::executor(&mut conn))
        .await?;
    drop(conn);
    assert_eq!(notes.count(TrashMode::OnlyTrashed).await?, 1);
    Ok(live.len())
}

#[tokio::test]
async fn one_generic_service_on_sqlite_and_postgres() {
    let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
    assert_eq!(service(&pool).await.unwrap(), 1);
    if let Some(backend) = Backend::Postgres.if_configured() {
        let db = common::Db::options(backend).connect().await;
        assert_eq!(service(db.postgres_pool()).await.unwrap(), 1);
    }
    if let Some(backend) = Backend::MySql.if_configured() {
        let db = common::Db::options(backend).connect().await;
        assert_eq!(service(db.mysql_pool()).await.unwrap(), 1);
    }
}
