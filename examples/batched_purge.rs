//! Emptying an old trash in bounded batches on an in-memory SQLite database:
//! a table with live rows and a few hundred trashed ones of every age, some
//! marked by the application and some by hand from a console with
//! `CURRENT_TIMESTAMP`-style text; the documented loop of
//! `purge_trashed_before_batch` removes exactly the rows trashed more than 30
//! days ago, a small batch at a time, and no live row.
//!
//! Run it with `cargo run --example batched_purge`.

use std::num::NonZeroU32;

use chrono::{DateTime, Duration, Utc};
use sea_query::{ColumnDef, Expr, ExprTrait, Query, SqliteQueryBuilder, Table};
use sea_query_sqlx::SqlxBinder;
use soft_delete::{Backend, Schema, SoftDelete, TrashMode};
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{AssertSqlSafe, Row, SqlitePool};

/// A notification shown to a user; at most one live notification per
/// `dedup_key`, however many trashed ones share it.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "notifications")]
struct Notification {
    id: i64,
    user_id: i64,
    dedup_key: String,
    deleted_at: Option<DateTime<Utc>>,
}

/// Live rows: ids `1..=LIVE`.
const LIVE: i64 = 50;
/// Trashed rows: ids `LIVE + 1..=LIVE + TRASHED`.
const TRASHED: i64 = 300;
/// Rows purged per statement: small, to show the loop.
const BATCH: NonZeroU32 = NonZeroU32::new(40).unwrap();
/// Trashed more than this long ago: purged.
const KEEP_DAYS: i64 = 30;

/// How long ago trashed row `id` was deleted: spread over 90 days, hours
/// apart. Row `LIVE + 1` is the edge case: 29 days 23 hours, kept.
fn age_in_hours(id: i64) -> i64 {
    if id == LIVE + 1 {
        KEEP_DAYS * 24 - 1
    } else {
        (id * 37) % (90 * 24)
    }
}

/// Every fourth trashed row was trashed from a console, by hand.
fn trashed_by_hand(id: i64) -> bool {
    id == LIVE + 1 || id % 4 == 0
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // One connection: every connection to `sqlite::memory:` is its own database.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await?;

    step("Create the table with the schema helpers");
    let table = Table::create()
        .table(NotificationColumn::Table)
        .col(
            ColumnDef::new(NotificationColumn::Id)
                .integer()
                .primary_key(),
        )
        .col(
            ColumnDef::new(NotificationColumn::UserId)
                .integer()
                .not_null(),
        )
        .col(
            ColumnDef::new(NotificationColumn::DedupKey)
                .string()
                .not_null(),
        )
        .col(Schema::new(Backend::Sqlite).marker_column::<Notification>())
        .to_owned();
    let mut ddl = vec![Backend::Sqlite.render(&table)];
    // The purge reads the trash oldest first: an index on the marker.
    ddl.push(Backend::Sqlite.render(&Schema::new(Backend::Sqlite).marker_index::<Notification>()));
    // A user's inbox lists live rows only.
    ddl.push(
        Backend::Sqlite.render(
            &Schema::new(Backend::Sqlite).live_index::<Notification>(&[
                NotificationColumn::UserId,
                NotificationColumn::Id,
            ])?,
        ),
    );
    ddl.extend(
        Schema::new(Backend::Sqlite)
            .unique_among_live::<Notification>(&[NotificationColumn::DedupKey])?,
    );
    for statement in ddl {
        println!("    {statement}");
        sqlx::query(AssertSqlSafe(statement)).execute(&pool).await?;
    }

    step("Fill it: live rows, and trashed rows of every age up to 90 days");
    let now = Utc::now();
    let mut insert = Query::insert();
    insert.into_table(NotificationColumn::Table).columns([
        NotificationColumn::Id,
        NotificationColumn::UserId,
        NotificationColumn::DedupKey,
        NotificationColumn::DeletedAt,
    ]);
    for id in 1..=LIVE + TRASHED {
        // Rows trashed by the application reuse the keys of live ones: the
        // unique index counts live rows only. Those trashed by hand are live
        // until then, so they have keys of their own.
        let key = if trashed_by_hand(id) {
            format!("digest-{id}")
        } else {
            format!("digest-{}", id % LIVE)
        };
        let deleted_at =
            (id > LIVE && !trashed_by_hand(id)).then(|| now - Duration::hours(age_in_hours(id)));
        insert.values_panic([id.into(), (id % 7).into(), key.into(), deleted_at.into()]);
    }
    let (sql, values) = insert.build_sqlx(SqliteQueryBuilder);
    sqlx::query_with(AssertSqlSafe(sql), values)
        .execute(&pool)
        .await?;
    println!(
        "    INSERT INTO \"notifications\" ... {} rows, {} of them trashed by the application",
        LIVE + TRASHED,
        (LIVE + 1..=LIVE + TRASHED)
            .filter(|&id| !trashed_by_hand(id))
            .count()
    );

    // An operator trashes the rest from a console, as SQLite writes times.
    let mut by_hand = 0;
    for id in (LIVE + 1..=LIVE + TRASHED).filter(|&id| trashed_by_hand(id)) {
        let sql = format!(
            "UPDATE notifications SET deleted_at = datetime('now', '-{} hours') WHERE id = {id}",
            age_in_hours(id)
        );
        if by_hand == 0 {
            println!("    {sql}    (and so on)");
        }
        sqlx::query(AssertSqlSafe(sql)).execute(&pool).await?;
        by_hand += 1;
    }
    println!("    -> {by_hand} rows trashed by hand");
    show_markers(&pool).await?;
    counts(&pool).await?;

    let cutoff = Utc::now() - Duration::days(KEEP_DAYS);
    let expected = (LIVE + 1..=LIVE + TRASHED)
        .filter(|&id| age_in_hours(id) >= KEEP_DAYS * 24)
        .count();
    step("Why the SQLite purge compares times, not text");
    // Compared as text, the console's `2026-01-02 13:00:00` sorts before the
    // application's `2026-01-02T12:00:00...+00:00` of the same day.
    let as_text = Notification::only_trashed()
        .and_where(Expr::col((NotificationColumn::Table, NotificationColumn::DeletedAt)).lt(cutoff))
        .to_owned();
    println!("    {}", as_text.to_string(SqliteQueryBuilder));
    let rows = fetch(&pool, as_text).await?;
    println!(
        "    -> {} rows, row #{} among them: {} (it is {} hours old, younger than the cutoff)",
        rows.len(),
        LIVE + 1,
        rows.iter().any(|row| row.id == LIVE + 1),
        age_in_hours(LIVE + 1)
    );

    step(&format!(
        "Purge what was trashed more than {KEEP_DAYS} days ago, {} rows at a time",
        BATCH.get()
    ));
    println!("By the ages written, {expected} rows are older than the cutoff.");
    let first = Notification::purge_trashed_before_batch(cutoff, BATCH, Backend::Sqlite);
    println!("    {}", first.to_string(SqliteQueryBuilder));
    let mut purged = 0;
    let mut batches = 0;
    loop {
        let statement = Notification::purge_trashed_before_batch(cutoff, BATCH, Backend::Sqlite);
        let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
        let deleted = sqlx::query_with(AssertSqlSafe(sql), values)
            .execute(&pool)
            .await?
            .rows_affected();
        batches += 1;
        purged += deleted;
        println!("    batch {batches}: {deleted} row(s) purged");
        if deleted < u64::from(BATCH.get()) {
            break;
        }
    }
    println!("Purged {purged} rows in {batches} batches (expected {expected}).");

    step("What is left");
    counts(&pool).await?;
    let oldest = fetch(&pool, Notification::only_trashed())
        .await?
        .iter()
        .filter_map(|row| row.deleted_at)
        .min();
    if let Some(oldest) = oldest {
        let age = Utc::now() - oldest;
        println!(
            "Oldest trashed row left: trashed {} days {} hours ago",
            age.num_days(),
            age.num_hours() % 24
        );
    }
    let edge = Notification::find_in(LIVE + 1, TrashMode::WithTrashed);
    match fetch(&pool, edge).await?.first() {
        Some(row) => println!(
            "Row #{} ({:?} of user {}, trashed by hand {} hours ago, just inside {KEEP_DAYS} days): kept",
            row.id,
            row.dedup_key,
            row.user_id,
            age_in_hours(row.id)
        ),
        None => println!("Row #{}: purged, which it should not be", LIVE + 1),
    }
    let live_ids: Vec<i64> = fetch(&pool, Notification::query())
        .await?
        .iter()
        .map(|row| row.id)
        .collect();
    println!(
        "Live rows: {} (ids {}..={}), all {LIVE} still there: {}",
        live_ids.len(),
        live_ids.first().unwrap_or(&0),
        live_ids.last().unwrap_or(&0),
        live_ids == (1..=LIVE).collect::<Vec<_>>()
    );
    Ok(())
}

fn step(title: &str) {
    println!("\n== {title}");
}

/// A few markers as stored: the application's and the console's formats.
async fn show_markers(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    let sample = Query::select()
        .columns([NotificationColumn::Id, NotificationColumn::DeletedAt])
        .from(NotificationColumn::Table)
        .and_where(Expr::col(NotificationColumn::Id).is_in([
            1,
            LIVE + 1,
            LIVE + 2,
            LIVE + 3,
            LIVE + 4,
        ]))
        .to_owned();
    let (sql, values) = sample.build_sqlx(SqliteQueryBuilder);
    println!("Markers as SQLite stores them:");
    for row in sqlx::query_with(AssertSqlSafe(sql), values)
        .fetch_all(pool)
        .await?
    {
        let id: i64 = row.try_get(0)?;
        let marker: Option<String> = row.try_get(1)?;
        println!(
            "    #{id:<4} {}",
            marker.as_deref().unwrap_or("NULL (live)")
        );
    }
    Ok(())
}

/// Live and trashed row counts.
async fn counts(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    for (label, select) in [
        ("Notification::query()", Notification::query()),
        ("Notification::only_trashed()", Notification::only_trashed()),
    ] {
        println!("{label}: {} rows", fetch(pool, select).await?.len());
    }
    Ok(())
}

async fn fetch(
    pool: &SqlitePool,
    select: sea_query::SelectStatement,
) -> Result<Vec<Notification>, sqlx::Error> {
    let (sql, values) = select.build_sqlx(SqliteQueryBuilder);
    let rows = sqlx::query_with(AssertSqlSafe(sql), values)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Notification {
                id: row.try_get("id")?,
                user_id: row.try_get("user_id")?,
                dedup_key: row.try_get("dedup_key")?,
                deleted_at: row.try_get("deleted_at")?,
            })
        })
        .collect()
}
