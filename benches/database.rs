//! Soft delete at a million rows: PostgreSQL and SQLite, 1,000,000 rows of
//! which 900,000 are trashed, queried through the library's statements with
//! its index helpers, against the same queries on a plain table holding only
//! the 100,000 live rows (what a hard-deleting application keeps). Then a
//! batched purge of the trashed rows.
//!
//! Run with `cargo bench --bench database`. PostgreSQL is the server at
//! `SOFT_DELETE_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`),
//! in a schema of its own that is dropped at the end; SQLite is a file in the
//! temporary directory, removed at the end. Writes
//! `benches/results/database.json` for `scripts/bench-chart.py`.
//!
//! The trashed rows are the oldest 900,000 ids, trashed in an order unrelated
//! to their ids: the case where a live page without an index has to step
//! over every trashed row first. Each query is timed on one connection with
//! its prepared statement cached, as sqlx does; the median is reported.
//!
//! `cargo bench --bench database -- --batch 1000 --purge-seconds 90` sets the
//! purge's batch size and the time after which a purge is stopped and
//! reported as incomplete (those are the defaults).

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sea_query::{
    Asterisk, ColumnDef, Expr, Func, Order, PostgresQueryBuilder, Query, QueryStatementWriter,
    SelectStatement, SqliteQueryBuilder, Table, TableCreateStatement,
};
use sea_query_sqlx::SqlxBinder;
use serde_json::{json, Value as Json};
use soft_delete::{Backend, Schema, SoftDelete, TrashMode};
use soft_delete_benches::{
    arg, drop_postgres_schema, median, postgres_schema, postgres_url, source, write_results,
    ScratchFile,
};
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{AssertSqlSafe, Connection, Executor, Row};

/// The soft-deleted table.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "bench_posts")]
#[allow(dead_code)]
struct Post {
    id: i64,
    title: String,
    author_id: i64,
    created_at: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
}

/// The baseline: the live rows alone, no marker.
const PLAIN: &str = "bench_posts_plain";
const PLAIN_COLUMNS: [&str; 4] = ["id", "title", "author_id", "created_at"];

const ROWS: i64 = 1_000_000;
const TRASHED: i64 = 900_000;
const LIVE: i64 = ROWS - TRASHED;
const PAGE: u64 = 50;
/// Rows per purge batch unless `--batch <n>` says otherwise; the size the
/// documentation of `purge_trashed_before_batch` uses.
const DEFAULT_BATCH: u32 = 1_000;
/// A purge still running after this many seconds (unless `--purge-seconds
/// <s>` says otherwise) is stopped and reported as incomplete, so one slow
/// purge cannot hold the run for many minutes.
const DEFAULT_PURGE_SECONDS: u64 = 90;
/// Target: live queries on the soft-delete table within this factor of the
/// plain table.
const TARGET: f64 = 1.5;
/// Time spent per measured query, after warming up.
const BUDGET: Duration = Duration::from_millis(1_500);
const SCHEMA: &str = "soft_delete_bench";

/// One connection to either database.
enum Conn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

impl Conn {
    fn backend(&self) -> Backend {
        match self {
            Conn::Postgres(_) => Backend::Postgres,
            Conn::Sqlite(_) => Backend::Sqlite,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Conn::Postgres(_) => "PostgreSQL",
            Conn::Sqlite(_) => "SQLite",
        }
    }

    /// Runs SQL text as it is (DDL, data loading).
    async fn run(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        match self {
            Conn::Postgres(conn) => conn.execute(AssertSqlSafe(sql.to_owned())).await.map(drop),
            Conn::Sqlite(conn) => conn.execute(AssertSqlSafe(sql.to_owned())).await.map(drop),
        }
    }

    /// Executes a statement with bound values, as an application does.
    async fn execute<S: SqlxBinder>(&mut self, statement: &S) -> Result<u64, sqlx::Error> {
        match self {
            Conn::Postgres(conn) => {
                let (sql, values) = statement.build_sqlx(PostgresQueryBuilder);
                let done = sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(conn)
                    .await?;
                Ok(done.rows_affected())
            }
            Conn::Sqlite(conn) => {
                let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
                let done = sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(conn)
                    .await?;
                Ok(done.rows_affected())
            }
        }
    }

    /// Fetches every row of `select`; returns the first column of each as `i64`.
    async fn fetch(&mut self, select: &SelectStatement) -> Result<Vec<i64>, sqlx::Error> {
        match self {
            Conn::Postgres(conn) => {
                let (sql, values) = select.build_sqlx(PostgresQueryBuilder);
                let rows = sqlx::query_with(AssertSqlSafe(sql), values)
                    .fetch_all(conn)
                    .await?;
                rows.iter().map(|row| row.try_get(0)).collect()
            }
            Conn::Sqlite(conn) => {
                let (sql, values) = select.build_sqlx(SqliteQueryBuilder);
                let rows = sqlx::query_with(AssertSqlSafe(sql), values)
                    .fetch_all(conn)
                    .await?;
                rows.iter().map(|row| row.try_get(0)).collect()
            }
        }
    }

    /// The plan of `statement`, one line per row of `EXPLAIN` (not run).
    async fn explain(
        &mut self,
        statement: &impl QueryStatementWriter,
    ) -> Result<Vec<String>, sqlx::Error> {
        match self {
            Conn::Postgres(conn) => {
                let sql = format!("EXPLAIN {}", statement.to_string(PostgresQueryBuilder));
                let rows = conn.fetch_all(AssertSqlSafe(sql)).await?;
                rows.iter().map(|row| row.try_get(0)).collect()
            }
            Conn::Sqlite(conn) => {
                let sql = format!(
                    "EXPLAIN QUERY PLAN {}",
                    statement.to_string(SqliteQueryBuilder)
                );
                let rows = conn.fetch_all(AssertSqlSafe(sql)).await?;
                rows.iter().map(|row| row.try_get("detail")).collect()
            }
        }
    }
}

/// A page of live rows: the library's `query()`, ordered by id, limited.
fn live_page() -> SelectStatement {
    let mut select = Post::query();
    select
        .order_by((PostColumn::Table, PostColumn::Id), Order::Asc)
        .limit(PAGE);
    select
}

/// The number of live rows: the library's scope on a `COUNT(*)`.
fn live_count() -> SelectStatement {
    let mut select = Query::select();
    select
        .expr(Func::count(Expr::col(Asterisk)))
        .from(Post::TABLE)
        .cond_where(Post::scope(TrashMode::WithoutTrashed));
    select
}

fn plain_page() -> SelectStatement {
    let mut select = Query::select();
    select
        .columns(PLAIN_COLUMNS.map(|column| (PLAIN, column)))
        .from(PLAIN)
        .order_by((PLAIN, "id"), Order::Asc)
        .limit(PAGE);
    select
}

fn plain_count() -> SelectStatement {
    let mut select = Query::select();
    select.expr(Func::count(Expr::col(Asterisk))).from(PLAIN);
    select
}

/// `CREATE TABLE` of the soft-delete table (its marker from the library) or
/// of the plain one.
fn create_table(name: &str, backend: Backend, with_marker: bool) -> TableCreateStatement {
    let timestamp = |column: &str| {
        let mut def = ColumnDef::new(column.to_owned());
        match backend {
            Backend::Postgres => def.timestamp_with_time_zone(),
            _ => def.text(),
        };
        def.not_null().to_owned()
    };
    let mut create = Table::create();
    create
        .table(name.to_owned())
        .col(ColumnDef::new("id").big_integer().not_null().primary_key())
        .col(ColumnDef::new("title").text().not_null())
        .col(ColumnDef::new("author_id").big_integer().not_null())
        .col(timestamp("created_at"));
    if with_marker {
        create.col(Schema::new(backend).marker_column::<Post>());
    }
    create
}

/// Loads the million rows, server-side (in SQLite `||` binds tighter than
/// `*`, hence the parentheses): ids 1..=900,000 trashed, each at a
/// time unrelated to its id (so the purge's oldest-first order jumps around
/// the table), the newest 100,000 live. Times are written as sqlx writes a
/// `DateTime<Utc>` on SQLite.
fn load_sql(backend: Backend) -> String {
    match backend {
        Backend::Postgres => format!(
            "INSERT INTO bench_posts (id, title, author_id, created_at, deleted_at) \
             SELECT g, 'post number ' || g, g % 1000, \
                    timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute', \
                    CASE WHEN g <= {TRASHED} THEN timestamptz '2025-01-01 00:00:00+00' \
                         + ((g * 7919) % {TRASHED}) * interval '10 seconds' END \
             FROM generate_series(1::bigint, {ROWS}::bigint) AS g"
        ),
        _ => format!(
            "INSERT INTO bench_posts (id, title, author_id, created_at, deleted_at) \
             WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {ROWS}) \
             SELECT n, 'post number ' || n, n % 1000, \
                    strftime('%Y-%m-%dT%H:%M:%S+00:00', '2024-01-01', '+' || n || ' minutes'), \
                    CASE WHEN n <= {TRASHED} THEN strftime('%Y-%m-%dT%H:%M:%S+00:00', '2025-01-01', \
                         '+' || (((n * 7919) % {TRASHED}) * 10) || ' seconds') END \
             FROM g"
        ),
    }
}

/// Median times of `soft` and `plain`, run alternately for [`BUDGET`] each
/// (at least 11 runs), after three warm-up runs: a machine busy with other
/// work slows both sides alike. Checks both return `expected` every time.
async fn median_times(
    conn: &mut Conn,
    soft: &SelectStatement,
    plain: &SelectStatement,
    expected: &[i64],
) -> Result<(Duration, Duration), sqlx::Error> {
    for _ in 0..3 {
        conn.fetch(soft).await?;
        conn.fetch(plain).await?;
    }
    let (mut soft_times, mut plain_times) = (Vec::new(), Vec::new());
    let start = Instant::now();
    while soft_times.len() < 11 || (start.elapsed() < 2 * BUDGET && soft_times.len() < 2_000) {
        for (select, times) in [(soft, &mut soft_times), (plain, &mut plain_times)] {
            let run = Instant::now();
            let rows = conn.fetch(select).await?;
            times.push(run.elapsed());
            assert_eq!(rows, expected, "{}: wrong rows", conn.name());
        }
    }
    let median = |times: Vec<Duration>| {
        Duration::from_secs_f64(median(times.iter().map(Duration::as_secs_f64)))
    };
    Ok((median(soft_times), median(plain_times)))
}

fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e3
}

/// Times the live page and count on both tables; `label` names the indexes.
async fn compare(conn: &mut Conn, label: &str) -> Result<Json, sqlx::Error> {
    let first_page: Vec<i64> = (TRASHED + 1..).take(50).collect();
    let mut result = serde_json::Map::new();
    for (query, soft, plain, expected) in [
        ("page", live_page(), plain_page(), first_page),
        ("count", live_count(), plain_count(), vec![LIVE]),
    ] {
        let (soft_time, plain_time) = median_times(conn, &soft, &plain, &expected).await?;
        let ratio = soft_time.as_secs_f64() / plain_time.as_secs_f64();
        println!(
            "{:<10} {label:<18} {query:<6} soft delete {:>9.3} ms   plain {:>8.3} ms   ratio {ratio:>7.2}",
            conn.name(),
            ms(soft_time),
            ms(plain_time),
        );
        let plan = conn.explain(&soft).await?;
        let plain_plan = conn.explain(&plain).await?;
        for line in &plan {
            println!("    soft delete plan: {line}");
        }
        for line in &plain_plan {
            println!("    plain plan:       {line}");
        }
        result.insert(
            query.to_owned(),
            json!({
                "soft_delete_sql": soft.to_string(PostgresQueryBuilder),
                "soft_delete_ms": ms(soft_time),
                "plain_ms": ms(plain_time),
                "ratio": (ratio * 1000.0).round() / 1000.0,
                "soft_delete_plan": plan,
                "plain_plan": plain_plan,
            }),
        );
    }
    Ok(Json::Object(result))
}

/// Purges every trashed row with `purge_trashed_before_batch`, each batch its
/// own transaction, until a batch comes back short, or stops once
/// `options.purge_limit` has passed (reported as incomplete).
async fn purge(conn: &mut Conn, options: &Options) -> Result<Json, sqlx::Error> {
    let batch = options.batch;
    let cutoff: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap_or_default();
    let statement = Post::purge_trashed_before_batch(cutoff, batch, conn.backend());
    let plan = conn.explain(&statement).await?;
    for line in &plan {
        println!("    purge plan: {line}");
    }
    let mut purged = 0;
    let mut batches = Vec::new();
    let start = Instant::now();
    let complete = loop {
        let run = Instant::now();
        let deleted = conn.execute(&statement).await?;
        batches.push(run.elapsed());
        purged += deleted;
        if deleted < u64::from(batch.get()) {
            break true;
        }
        if start.elapsed() > options.purge_limit {
            break false;
        }
    };
    let total = start.elapsed();
    if complete {
        assert_eq!(
            purged,
            TRASHED.unsigned_abs(),
            "{}: purge missed rows",
            conn.name()
        );
    } else {
        println!(
            "{:<10} purge stopped after {} s (--purge-seconds): {purged} of {TRASHED} rows purged",
            conn.name(),
            options.purge_limit.as_secs()
        );
    }
    let live = conn.fetch(&live_count()).await?;
    assert_eq!(
        live,
        [LIVE],
        "{}: the purge touched a live row",
        conn.name()
    );
    let longest = batches.iter().max().copied().unwrap_or_default();
    let mut sorted = batches.clone();
    sorted.sort();
    let median = sorted[sorted.len() / 2];
    let rate = f64::from(u32::try_from(purged).unwrap_or(u32::MAX)) / total.as_secs_f64();
    println!(
        "{:<10} purge {purged} rows in {} batches of {batch}: {:.2} s, {rate:.0} rows/s, longest batch {:.1} ms, median {:.1} ms",
        conn.name(),
        batches.len(),
        total.as_secs_f64(),
        ms(longest),
        ms(median),
    );
    let (sql, _) = match conn.backend() {
        Backend::Sqlite => statement.build(SqliteQueryBuilder),
        _ => statement.build(PostgresQueryBuilder),
    };
    Ok(json!({
        "complete": complete,
        "statement_sql": sql,
        "batch_size": batch.get(),
        "rows": purged,
        "batches": batches.len(),
        "seconds": (total.as_secs_f64() * 100.0).round() / 100.0,
        "rows_per_second": rate.round(),
        "longest_batch_ms": ms(longest),
        "median_batch_ms": ms(median),
        "p99_batch_ms": ms(sorted[sorted.len() * 99 / 100]),
        "plan": plan,
    }))
}

/// The whole run on one database.
async fn run(conn: &mut Conn, options: &Options) -> Result<Json, sqlx::Error> {
    let backend = conn.backend();
    let started = Instant::now();
    conn.run(&backend.render(&create_table(Post::TABLE, backend, true)))
        .await?;
    conn.run(&backend.render(&create_table(PLAIN, backend, false)))
        .await?;
    conn.run(&load_sql(backend)).await?;
    let copy = format!(
        "INSERT INTO {PLAIN} (id, title, author_id, created_at) \
         SELECT id, title, author_id, created_at FROM bench_posts WHERE deleted_at IS NULL"
    );
    conn.run(&copy).await?;
    let analyze = match backend {
        Backend::Postgres => "VACUUM ANALYZE",
        _ => "ANALYZE",
    };
    conn.run(analyze).await?;
    println!(
        "{:<10} loaded {ROWS} rows in {:.1} s",
        conn.name(),
        started.elapsed().as_secs_f64()
    );

    let primary_key_only = compare(conn, "primary key only").await?;

    // The index for live pages first, alone; then the marker's index, which
    // the purge needs, beside it (the planner may prefer either).
    let live_index = Schema::new(backend)
        .live_index::<Post>(&[PostColumn::Id])
        .map_err(|error| sqlx::Error::Configuration(error.into()))?;
    let live_index = backend.render(&live_index);
    conn.run(&live_index).await?;
    conn.run(analyze).await?;
    println!("{:<10} {live_index}", conn.name());
    let with_live_index = compare(conn, "+ live_index(id)").await?;
    let marker_index = backend.render(&Schema::new(backend).marker_index::<Post>());
    conn.run(&marker_index).await?;
    conn.run(analyze).await?;
    println!("{:<10} {marker_index}", conn.name());
    let with_both = compare(conn, "+ marker_index()").await?;

    let purge = purge(conn, options).await?;
    Ok(json!({
        "indexes": [live_index, marker_index],
        "primary_key_only": primary_key_only,
        "live_index": with_live_index,
        "live_index_and_marker_index": with_both,
        "purge": purge,
    }))
}

async fn postgres(options: &Options) -> Result<Option<Json>, sqlx::Error> {
    let url = postgres_url();
    let Some(connect) = postgres_schema(&url, SCHEMA).await? else {
        return Ok(None);
    };
    let mut conn = Conn::Postgres(PgConnection::connect_with(&connect).await?);
    let result = run(&mut conn, options).await;
    if let Conn::Postgres(conn) = conn {
        conn.close().await?;
    }
    drop_postgres_schema(&url, SCHEMA).await?;
    result.map(Some)
}

async fn sqlite(options: &Options) -> Result<Json, sqlx::Error> {
    let file = ScratchFile::new("soft-delete-bench");
    let mut conn = Conn::Sqlite(SqliteConnection::connect_with(&file.options()).await?);
    let result = run(&mut conn, options).await;
    if let Conn::Sqlite(conn) = conn {
        conn.close().await?;
    }
    drop(file);
    result
}

/// Settings from the command line (cargo passes `--bench` too):
/// `--batch <rows>` and `--purge-seconds <s>`.
struct Options {
    batch: NonZeroU32,
    purge_limit: Duration,
}

impl Options {
    fn from_args() -> Options {
        Options {
            batch: NonZeroU32::new(arg("--batch", DEFAULT_BATCH)).unwrap_or(NonZeroU32::MIN),
            purge_limit: Duration::from_secs(arg("--purge-seconds", DEFAULT_PURGE_SECONDS)),
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|arg| arg == "--list") {
        // `cargo bench -- --list` and `cargo test --benches` ask what is here.
        return Ok(());
    }
    let options = Options::from_args();
    let postgres = postgres(&options).await?;
    let sqlite = sqlite(&options).await?;
    let result = json!({
        "source": source(),
        "rows": ROWS,
        "trashed": TRASHED,
        "page": PAGE,
        "target": TARGET,
        "postgres": postgres,
        "sqlite": sqlite,
    });
    write_results("database.json", &result);
    Ok(())
}
