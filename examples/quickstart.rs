//! The whole soft-delete lifecycle on an in-memory SQLite database, through
//! `soft_delete::sqlx`: create, soft delete, list, with/only trashed, an
//! update that misses a trashed row, restore, purge and force delete — each
//! step's result and the rows it leaves visible.
//!
//! Run it with `cargo run --example quickstart`.

use std::num::NonZeroU32;

use chrono::{DateTime, Duration, Utc};
use sea_query::{Expr, ExprTrait, Query};
use soft_delete::sqlx::{Run, SoftDeleteExt};
use soft_delete::{SoftDelete, TrashMode};
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::SqlitePool;

/// A blog post whose deletion is recorded in `deleted_at`.
#[derive(Debug, Clone, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "posts", column = "deleted_at", style = "timestamp")]
struct Post {
    id: i64,
    title: String,
    deleted_at: Option<DateTime<Utc>>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // An in-memory database lives as long as its connection: keep exactly
    // one, and never let the pool close it.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect("sqlite::memory:")
        .await?;
    let posts = Post::on(&pool);

    step("Create the table and three posts");
    sqlx::query(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, deleted_at TEXT NULL)",
    )
    .execute(&pool)
    .await?;
    Query::insert()
        .into_table(PostColumn::Table)
        .columns([PostColumn::Id, PostColumn::Title])
        .values_panic([1.into(), "Hello, soft delete".into()])
        .values_panic([2.into(), "Draft nobody should see".into()])
        .values_panic([3.into(), "Old announcement".into()])
        .to_owned()
        .execute(&pool)
        .await?;
    show(&pool, TrashMode::WithoutTrashed).await?;

    step("Soft delete post 2: the row stays, its marker is set");
    let trashed = posts.delete(2).await?;
    println!("  posts.delete(2) -> {}", describe(trashed.as_ref()));
    show(&pool, TrashMode::WithoutTrashed).await?;
    show(&pool, TrashMode::WithTrashed).await?;
    show(&pool, TrashMode::OnlyTrashed).await?;
    println!(
        "  posts.find(2) -> {}",
        describe(posts.find(2).await?.as_ref())
    );
    println!(
        "  posts.count(OnlyTrashed) -> {}",
        posts.count(TrashMode::OnlyTrashed).await?
    );

    step("Deleting twice changes nothing: the first deletion time stands");
    let again = posts.delete(2).await?;
    println!("  posts.delete(2) -> {}", describe(again.as_ref()));

    step("An update through Post::update() misses the trashed row");
    let edited = Post::update()
        .value(PostColumn::Title, "Edited while in the trash?")
        .and_where(Expr::col((PostColumn::Table, PostColumn::Id)).eq(2))
        .to_owned()
        .execute(&pool)
        .await?;
    println!("  Post::update() ... WHERE id = 2 -> {edited} rows");

    step("Restore post 2");
    let restored = posts.restore(2).await?;
    println!("  posts.restore(2) -> {}", describe(restored.as_ref()));
    show(&pool, TrashMode::WithoutTrashed).await?;

    step("A `?trashed=only` parameter picks the view at run time");
    let mode: TrashMode = "only".parse()?;
    println!("  \"only\".parse::<TrashMode>() -> {mode:?}");
    show(&pool, mode).await?;

    step("Trash post 3 forty days ago and post 1 now, then purge what is older than 30 days");
    let forty_days_ago = Utc::now() - Duration::days(40);
    Post::delete_by_id_at(3, forty_days_ago)
        .execute(&pool)
        .await?;
    posts.delete(1).await?;
    show(&pool, TrashMode::OnlyTrashed).await?;
    let purged = posts
        .purge_trashed_before(Utc::now() - Duration::days(30))
        .batch_size(NonZeroU32::new(100).ok_or("batch size")?)
        .on_batch(|progress| {
            println!(
                "  purge batch {}: {} rows removed",
                progress.batch, progress.deleted
            );
        })
        .await?;
    println!("  posts.purge_trashed_before(30 days ago) -> {purged} rows");
    show(&pool, TrashMode::WithTrashed).await?;

    step("Force delete post 1: the row is gone for good, and cannot be restored");
    println!(
        "  posts.force_delete(1) -> {}",
        posts.force_delete(1).await?
    );
    println!(
        "  posts.restore(1) -> {}",
        describe(posts.restore(1).await?.as_ref())
    );
    show(&pool, TrashMode::WithTrashed).await?;
    Ok(())
}

fn step(title: &str) {
    println!("\n== {title}");
}

fn describe(post: Option<&Post>) -> String {
    match post {
        None => "None".to_owned(),
        Some(post) => format!(
            "#{} {:?} ({})",
            post.id,
            post.title,
            post.deleted_at.map_or_else(
                || "live".to_owned(),
                |at| format!("trashed {}", at.format("%Y-%m-%d %H:%M:%S"))
            )
        ),
    }
}

/// The rows `mode` lets be seen.
async fn show(pool: &SqlitePool, mode: TrashMode) -> Result<(), soft_delete::sqlx::Error> {
    let rows = Post::on(pool).list(mode).await?;
    println!("  posts.list({mode:?}): {} rows", rows.len());
    for post in &rows {
        println!("    {}", describe(Some(post)));
    }
    Ok(())
}
