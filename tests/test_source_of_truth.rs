//! One source of truth for names: a model deriving `sqlx::FromRow` and
//! `SoftDelete` writes its column names once, in `#[sqlx(...)]`, and the
//! statements SoftDelete builds select exactly the columns `FromRow` reads.
//! Executed on SQLite: rows written through the column enum come back
//! through `FromRow`, before and after a soft delete and a restore.
//!
//! The `#[sea_orm(...)]` half is checked by unit tests in
//! `soft-delete-derive` (`valid::tests`): SeaORM is not a dependency here, and
//! its attribute does not compile without its derive.

use chrono::{DateTime, SubsecRound, Utc};
use sea_query::{Expr, ExprTrait, Query, SqliteQueryBuilder};
use sea_query_sqlx::SqlxBinder;
use soft_delete::SoftDelete;
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{AssertSqlSafe, SqlitePool};

/// Columns in camelCase (`authorName`, `deletedAt`), one renamed, one field
/// that is no column: all said once, to sqlx.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, SoftDelete)]
#[sqlx(rename_all = "camelCase")]
#[soft_delete(table = "blog_posts")]
struct BlogPost {
    id: i64,
    author_name: String,
    #[sqlx(rename = "body_text", default)]
    body: String,
    #[sqlx(skip)]
    cached_len: usize,
    deleted_at: Option<DateTime<Utc>>,
}

async fn pool() -> SqlitePool {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    sqlx::query(
        r#"CREATE TABLE "blog_posts" ("id" BIGINT PRIMARY KEY, "authorName" TEXT NOT NULL, "body_text" TEXT NOT NULL, "deletedAt" TEXT)"#,
    )
    .execute(&pool)
    .await
    .expect("create table");
    pool
}

async fn fetch(pool: &SqlitePool, select: &sea_query::SelectStatement) -> Vec<BlogPost> {
    let (sql, values) = select.build_sqlx(SqliteQueryBuilder);
    sqlx::query_as_with::<_, BlogPost, _>(AssertSqlSafe(sql.clone()), values)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"))
}

async fn execute<S: SqlxBinder>(pool: &SqlitePool, stmt: &S) -> u64 {
    let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
    sqlx::query_with(AssertSqlSafe(sql.clone()), values)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"))
        .rows_affected()
}

#[test]
fn names_come_from_sqlx_attributes() {
    assert_eq!(BlogPost::TABLE, "blog_posts");
    assert_eq!(
        BlogPost::COLUMNS,
        ["id", "authorName", "body_text", "deletedAt"]
    );
    assert_eq!(BlogPost::PRIMARY_KEY, "id");
    assert_eq!(BlogPost::MARKER.column, "deletedAt");
    assert_eq!(
        BlogPost::query().to_string(SqliteQueryBuilder),
        r#"SELECT "blog_posts"."id", "blog_posts"."authorName", "blog_posts"."body_text", "blog_posts"."deletedAt" FROM "blog_posts" WHERE "blog_posts"."deletedAt" IS NULL"#
    );
}

#[tokio::test]
async fn from_row_reads_what_soft_delete_selects_on_sqlite() {
    let pool = pool().await;
    let insert = Query::insert()
        .into_table(BlogPostColumn::Table)
        .columns([
            BlogPostColumn::Id,
            BlogPostColumn::AuthorName,
            BlogPostColumn::Body,
        ])
        .values_panic([1.into(), "ada".into(), "first".into()])
        .values_panic([2.into(), "grace".into(), "second".into()])
        .to_owned();
    assert_eq!(execute(&pool, &insert).await, 2);

    let live = fetch(&pool, &BlogPost::query()).await;
    assert_eq!(
        live,
        [
            BlogPost {
                id: 1,
                author_name: "ada".into(),
                body: "first".into(),
                cached_len: 0,
                deleted_at: None
            },
            BlogPost {
                id: 2,
                author_name: "grace".into(),
                body: "second".into(),
                cached_len: 0,
                deleted_at: None
            },
        ]
    );

    // A filter through the column enum names the renamed columns.
    let by_author = BlogPost::query()
        .and_where(Expr::col((BlogPostColumn::Table, BlogPostColumn::AuthorName)).eq("grace"))
        .to_owned();
    assert_eq!(fetch(&pool, &by_author).await.len(), 1);

    let at = Utc::now().trunc_subsecs(6);
    assert_eq!(execute(&pool, &BlogPost::delete_by_id_at(1, at)).await, 1);
    let live: Vec<i64> = fetch(&pool, &BlogPost::query())
        .await
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(live, [2]);
    let trashed = fetch(&pool, &BlogPost::only_trashed()).await;
    assert_eq!(trashed.len(), 1);
    assert_eq!(trashed[0].id, 1);
    assert_eq!(trashed[0].deleted_at, Some(at));
    assert!(trashed[0].is_trashed());

    assert_eq!(execute(&pool, &trashed[0].restore()).await, 1);
    assert_eq!(fetch(&pool, &BlogPost::query()).await.len(), 2);
    assert_eq!(execute(&pool, &BlogPost::force_delete_by_id(2)).await, 1);
    assert_eq!(fetch(&pool, &BlogPost::with_trashed()).await.len(), 1);
}
