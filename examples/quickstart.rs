//! The whole soft-delete lifecycle on an in-memory SQLite database: create,
//! soft delete, list, with/only trashed, restore, an update that misses a
//! trashed row, force delete and purge — each step's SQL and the rows it
//! leaves visible.
//!
//! Run it with `cargo run --example quickstart`.

use chrono::{DateTime, Duration, Utc};
use sea_query::{Expr, ExprTrait, Query, QueryStatementWriter, SqliteQueryBuilder};
use sea_query_sqlx::SqlxBinder;
use soft_delete::{Backend, SoftDelete, TrashMode};
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{AssertSqlSafe, Row, SqlitePool};

/// A blog post whose deletion is recorded in `deleted_at`.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "posts", column = "deleted_at", style = "timestamp")]
struct Post {
    id: i64,
    title: String,
    deleted_at: Option<DateTime<Utc>>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // One connection: every connection to `sqlite::memory:` is its own database.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await?;

    step("Create the table and three posts");
    sqlx::query(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, deleted_at TEXT NULL)",
    )
    .execute(&pool)
    .await?;
    let insert = Query::insert()
        .into_table(PostColumn::Table)
        .columns([PostColumn::Id, PostColumn::Title])
        .values_panic([1.into(), "Hello, soft delete".into()])
        .values_panic([2.into(), "Draft nobody should see".into()])
        .values_panic([3.into(), "Old announcement".into()])
        .to_owned();
    execute(&pool, "insert", &insert).await?;
    list(&pool, "Post::query()", Post::query()).await?;

    step("Soft delete post 2: the row stays, its marker is set");
    execute(&pool, "Post::delete_by_id(2)", &Post::delete_by_id(2)).await?;
    list(&pool, "Post::query()", Post::query()).await?;
    list(&pool, "Post::with_trashed()", Post::with_trashed()).await?;
    list(&pool, "Post::only_trashed()", Post::only_trashed()).await?;

    step("Deleting twice changes nothing: the first deletion time stands");
    execute(&pool, "Post::delete_by_id(2)", &Post::delete_by_id(2)).await?;

    step("An update through Post::update() misses the trashed row");
    let retitle = Post::update()
        .value(PostColumn::Title, "Edited while in the trash?")
        .and_where(Expr::col((PostColumn::Table, PostColumn::Id)).eq(2))
        .to_owned();
    execute(&pool, "Post::update() … id = 2", &retitle).await?;

    step("Restore post 2");
    execute(&pool, "Post::restore_by_id(2)", &Post::restore_by_id(2)).await?;
    list(&pool, "Post::query()", Post::query()).await?;

    step("A `?trashed=only` parameter picks the view at run time");
    let mode: TrashMode = "only".parse()?;
    list(
        &pool,
        "Post::query_in(\"only\".parse()?)",
        Post::query_in(mode),
    )
    .await?;

    step("Trash post 3 forty days ago and post 1 now, then purge what is older than 30 days");
    let forty_days_ago = Utc::now() - Duration::days(40);
    execute(
        &pool,
        "Post::delete_by_id_at(3, 40 days ago)",
        &Post::delete_by_id_at(3, forty_days_ago),
    )
    .await?;
    let post_1 = fetch(&pool, Post::find(1)).await?.remove(0);
    execute(&pool, "post_1.delete()", &post_1.delete()).await?;
    list(&pool, "Post::only_trashed()", Post::only_trashed()).await?;
    let cutoff = Utc::now() - Duration::days(30);
    execute(
        &pool,
        "Post::purge_trashed_before(30 days ago)",
        &Post::purge_trashed_before(cutoff, Backend::Sqlite),
    )
    .await?;
    list(&pool, "Post::with_trashed()", Post::with_trashed()).await?;

    step("Force delete post 1: the row is gone for good, and cannot be restored");
    execute(
        &pool,
        "Post::force_delete_by_id(1)",
        &Post::force_delete_by_id(1),
    )
    .await?;
    execute(&pool, "Post::restore_by_id(1)", &Post::restore_by_id(1)).await?;
    list(&pool, "Post::with_trashed()", Post::with_trashed()).await?;

    Ok(())
}

fn step(title: &str) {
    println!("\n== {title}");
}

/// Runs a statement, printing its SQL (values inlined for reading) and the
/// number of rows it changed.
async fn execute<S: SqlxBinder + QueryStatementWriter>(
    pool: &SqlitePool,
    label: &str,
    statement: &S,
) -> Result<u64, sqlx::Error> {
    let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
    let affected = sqlx::query_with(AssertSqlSafe(sql), values)
        .execute(pool)
        .await?
        .rows_affected();
    println!(
        "{label}\n    {}\n    -> {affected} row(s) affected",
        statement.to_string(SqliteQueryBuilder)
    );
    Ok(affected)
}

/// Prints a query, then the rows it returns.
async fn list(
    pool: &SqlitePool,
    label: &str,
    select: sea_query::SelectStatement,
) -> Result<(), sqlx::Error> {
    println!("{label}\n    {}", select.to_string(SqliteQueryBuilder));
    let posts = fetch(pool, select).await?;
    if posts.is_empty() {
        println!("    (no rows)");
    }
    for post in posts {
        let state = match post.deleted_at {
            Some(at) => format!("trashed at {}", at.format("%Y-%m-%d %H:%M:%S UTC")),
            None => "live".to_owned(),
        };
        println!(
            "    #{} {:<28} {state}",
            post.id,
            format!("{:?}", post.title)
        );
    }
    Ok(())
}

async fn fetch(
    pool: &SqlitePool,
    select: sea_query::SelectStatement,
) -> Result<Vec<Post>, sqlx::Error> {
    let (sql, values) = select.build_sqlx(SqliteQueryBuilder);
    let rows = sqlx::query_with(AssertSqlSafe(sql), values)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Post {
                id: row.try_get("id")?,
                title: row.try_get("title")?,
                deleted_at: row.try_get("deleted_at")?,
            })
        })
        .collect()
}
