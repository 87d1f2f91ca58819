//! The run layer against sqlx written by hand: `T::on(&pool).find`,
//! `list` (50 rows), `delete` and `restore` against the same SQL run with
//! `sqlx::query_as` (prepared-statement cache on, as both sides have it by
//! default), on a SQLite file (WAL) and on PostgreSQL.
//!
//! Run with `cargo bench --bench run_layer` (`-- --rounds 31 --batch 50`,
//! the defaults). PostgreSQL is the server at `SOFT_DELETE_POSTGRES_URL`;
//! unset, it is skipped with one line. Writes
//! `benches/results/run-layer.json`.
//!
//! Instructions rather than time: `-- --only hand|handle|run` runs one side
//! alone on SQLite, `--rounds` batches and nothing else (no warm-up, no
//! file written), and `--op find|list|write` keeps one operation (`write`:
//! the deletes and the restores); run it under
//! `valgrind --tool=callgrind`, and `--rounds 0` for the setup to subtract.
//!
//! The two sides run alternately: each round measures a batch of each
//! operation on one side, then on the other (the order swapping every
//! round), so a burst of other work on the machine falls on both. Ratio =
//! median over rounds of derived / hand-written batch time. The table holds
//! 50 live and 50 trashed rows; `delete` trashes the live rows of a batch
//! one by one and `restore` brings them back, so every round starts from the
//! same table. Before measuring, each hand-written SQL text is checked to be
//! the one the library renders, and both sides to return the same rows.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sea_query::{Order, PostgresQueryBuilder, QueryBuilder, SqliteQueryBuilder, UpdateStatement};
use serde_json::{json, Value as Json};
use soft_delete::sqlx::{Run, SoftDeleteExt};
use soft_delete::{SoftDelete, TrashMode};
use soft_delete_benches::{
    arg, callgrind_instructions, median, source, write_results, ScratchFile,
};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{AssertSqlSafe, Database, Pool};

/// A model of typical width, as in `benches/statements.rs`.
#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "bench_run_posts")]
struct Post {
    id: i64,
    title: String,
    body: String,
    author_id: i64,
    created_at: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
}

const LIVE: i64 = 50;
const TARGET: f64 = 1.05;
const OPERATIONS: [&str; 4] = ["find", "list", "delete", "restore"];

/// The SQL each operation runs, written by hand for one database.
struct HandSql {
    find: &'static str,
    list: &'static str,
    delete: &'static str,
    restore: &'static str,
}

const COLUMNS: &str = r#""bench_run_posts"."id", "bench_run_posts"."title", "bench_run_posts"."body", "bench_run_posts"."author_id", "bench_run_posts"."created_at", "bench_run_posts"."deleted_at""#;
const RETURNING: &str =
    r#"RETURNING "id", "title", "body", "author_id", "created_at", "deleted_at""#;

/// `?` placeholders; PostgreSQL's `$n` are made from these.
const SQLITE: HandSql = HandSql {
    find: r#"SELECT {COLUMNS} FROM "bench_run_posts" WHERE "bench_run_posts"."deleted_at" IS NULL AND "bench_run_posts"."id" = ?"#,
    list: r#"SELECT {COLUMNS} FROM "bench_run_posts" WHERE "bench_run_posts"."deleted_at" IS NULL ORDER BY "bench_run_posts"."id" ASC"#,
    delete: r#"UPDATE "bench_run_posts" SET "deleted_at" = ? WHERE "bench_run_posts"."id" = ? AND "bench_run_posts"."deleted_at" IS NULL {RETURNING}"#,
    restore: r#"UPDATE "bench_run_posts" SET "deleted_at" = ? WHERE "bench_run_posts"."id" = ? AND "bench_run_posts"."deleted_at" IS NOT NULL {RETURNING}"#,
};

fn expand(sql: &str, numbered: bool) -> String {
    let sql = sql
        .replace("{COLUMNS}", COLUMNS)
        .replace("{RETURNING}", RETURNING);
    if !numbered {
        return sql;
    }
    let mut out = String::new();
    for (n, part) in sql.split('?').enumerate() {
        if n > 0 {
            out.push_str(&format!("${n}"));
        }
        out.push_str(part);
    }
    out
}

/// The hand-written SQL of one database, placeholders in its style:
/// `&'static str`, as a constant in the source would be (sqlx keeps it
/// without copying it).
struct Sql {
    find: &'static str,
    list: &'static str,
    delete: &'static str,
    restore: &'static str,
}

impl Sql {
    fn new(numbered: bool) -> Self {
        let constant = |sql| -> &'static str { Box::leak(expand(sql, numbered).into_boxed_str()) };
        Self {
            find: constant(SQLITE.find),
            list: constant(SQLITE.list),
            delete: constant(SQLITE.delete),
            restore: constant(SQLITE.restore),
        }
    }

    /// The library renders the same SQL, or the comparison means nothing.
    fn check(&self, builder: &impl QueryBuilder) {
        let mut list = Post::query();
        list.order_by((Post::TABLE, Post::PRIMARY_KEY), Order::Asc);
        let delete = returning(Post::delete_by_id(1));
        let restore = returning(Post::restore_by_id(1));
        assert_eq!(Post::find(1).build_any(builder).0, self.find, "find");
        assert_eq!(list.build_any(builder).0, self.list, "list");
        assert_eq!(delete.build_any(builder).0, self.delete, "delete");
        assert_eq!(restore.build_any(builder).0, self.restore, "restore");
    }
}

/// Per-operation batch times of one side in one round.
type Times = [Duration; 4];

/// One side of the comparison on `pool`: the library or sqlx by hand.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    /// `Post::on(&pool)`: the handle.
    Derived,
    /// sqlx by hand, the SQL a constant.
    Hand,
    /// The library's statements run through `soft_delete::sqlx::Run`
    /// without the handle: what the handle adds over rendering the
    /// statement and binding its values.
    Statement,
}

fn returning(mut update: UpdateStatement) -> UpdateStatement {
    update.returning(sea_query::Query::returning().columns(Post::COLUMNS.iter().copied()));
    update
}

async fn batch<DB>(pool: &Pool<DB>, sql: &Sql, side: Side, batch: i64) -> Times
where
    DB: soft_delete::sqlx::Dialect,
    Post: soft_delete::sqlx::Model<DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'c> &'c Pool<DB>: sqlx::Executor<'c, Database = DB>,
    i64: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    DateTime<Utc>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    Option<DateTime<Utc>>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
{
    let posts = Post::on(pool);
    let calls = |operation, calls| if runs(operation) { calls } else { 0 };
    let ids = || (0..calls("find", batch)).map(|n| n % LIVE + 1);
    let mut times = Times::default();
    let start = Instant::now();
    for id in ids() {
        let found = match side {
            Side::Derived => posts.find(id).await.expect("find"),
            Side::Hand => sqlx::query_as::<_, Post>(sql.find)
                .bind(id)
                .fetch_optional(pool)
                .await
                .expect("find"),
            Side::Statement => Post::find(id).fetch_optional(pool).await.expect("find"),
        };
        assert!(found.is_some());
    }
    times[0] = start.elapsed();
    let start = Instant::now();
    for _ in 0..calls("list", (batch + 9) / 10) {
        let rows = match side {
            Side::Derived => posts.list(TrashMode::WithoutTrashed).await.expect("list"),
            Side::Hand => sqlx::query_as::<_, Post>(sql.list)
                .fetch_all(pool)
                .await
                .expect("list"),
            Side::Statement => {
                let mut list = Post::query();
                list.order_by((Post::TABLE, Post::PRIMARY_KEY), Order::Asc);
                list.fetch_all(pool).await.expect("list")
            }
        };
        assert_eq!(rows.len(), 50);
    }
    times[1] = start.elapsed();
    // Delete then restore distinct live rows, so each one changes a row.
    let start = Instant::now();
    for id in 1..=calls("write", batch.min(LIVE)) {
        let row = match side {
            Side::Derived => posts.delete(id).await.expect("delete"),
            Side::Hand => sqlx::query_as::<_, Post>(sql.delete)
                .bind(Utc::now())
                .bind(id)
                .fetch_optional(pool)
                .await
                .expect("delete"),
            Side::Statement => returning(Post::delete_by_id(id))
                .fetch_optional(pool)
                .await
                .expect("delete"),
        };
        assert!(row.is_some_and(|row| row.deleted_at.is_some()));
    }
    times[2] = start.elapsed();
    let start = Instant::now();
    for id in 1..=calls("write", batch.min(LIVE)) {
        let row = match side {
            Side::Derived => posts.restore(id).await.expect("restore"),
            Side::Hand => sqlx::query_as::<_, Post>(sql.restore)
                .bind(None::<DateTime<Utc>>)
                .bind(id)
                .fetch_optional(pool)
                .await
                .expect("restore"),
            Side::Statement => returning(Post::restore_by_id(id))
                .fetch_optional(pool)
                .await
                .expect("restore"),
        };
        assert!(row.is_some_and(|row| row.deleted_at.is_none()));
    }
    times[3] = start.elapsed();
    times
}

/// Alternating rounds on `pool`; a JSON row per operation, printed too.
async fn compare<DB>(name: &str, pool: &Pool<DB>, sql: &Sql, rounds: usize, size: i64) -> Vec<Json>
where
    DB: soft_delete::sqlx::Dialect,
    Post: soft_delete::sqlx::Model<DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'c> &'c Pool<DB>: sqlx::Executor<'c, Database = DB>,
    i64: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    DateTime<Utc>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    Option<DateTime<Utc>>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
{
    // Warm-up: prepares every statement on the connection, both sides.
    for side in [Side::Derived, Side::Hand, Side::Statement] {
        batch(pool, sql, side, size).await;
    }
    let mut derived = Vec::new();
    let mut hand = Vec::new();
    let mut statement = Vec::new();
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            [Side::Derived, Side::Hand, Side::Statement]
        } else {
            [Side::Statement, Side::Hand, Side::Derived]
        };
        for side in order {
            let times = batch(pool, sql, side, size).await;
            match side {
                Side::Derived => derived.push(times),
                Side::Hand => hand.push(times),
                Side::Statement => statement.push(times),
            }
        }
    }
    let counts = [size, (size + 9) / 10, size.min(LIVE), size.min(LIVE)];
    let mut rows = Vec::new();
    for (op, operation) in OPERATIONS.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let per_call = |times: &[Times]| -> f64 {
            let us: Vec<f64> = times
                .iter()
                .map(|t| t[op].as_secs_f64() * 1e6 / counts[op] as f64)
                .collect();
            median(us)
        };
        let mut ratios: Vec<f64> = derived
            .iter()
            .zip(&hand)
            .map(|(d, h)| d[op].as_secs_f64() / h[op].as_secs_f64())
            .collect();
        let ratio = median(ratios.iter().copied());
        let statement_ratios: Vec<f64> = statement
            .iter()
            .zip(&hand)
            .map(|(s, h)| s[op].as_secs_f64() / h[op].as_secs_f64())
            .collect();
        let statement_ratio = median(statement_ratios);
        let (d, h, st) = (per_call(&derived), per_call(&hand), per_call(&statement));
        let verdict = if ratio <= TARGET { "met" } else { "MISSED" };
        println!(
            "{name:10} {operation:8} handle {d:7.1} µs  hand-written {h:7.1} µs  ratio {ratio:.3} ({verdict})  |  Run {st:7.1} µs, ratio {statement_ratio:.3}"
        );
        ratios.sort_by(f64::total_cmp);
        rows.push(json!({
            "database": name,
            "operation": operation,
            "calls_per_batch": counts[op],
            "derived_us": (d * 10.0).round() / 10.0,
            "hand_written_us": (h * 10.0).round() / 10.0,
            "ratio": (ratio * 1000.0).round() / 1000.0,
            "ratio_quartiles": [ratios[ratios.len() / 4], ratios[ratios.len() * 3 / 4]],
            "run_statement_us": (st * 10.0).round() / 10.0,
            "run_statement_ratio": (statement_ratio * 1000.0).round() / 1000.0,
        }));
    }
    rows
}

const CREATE: &str = "CREATE TABLE bench_run_posts (id BIGINT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, author_id BIGINT NOT NULL, created_at {TS} NOT NULL, deleted_at {TS})";

/// 50 live rows (ids 1–50) and 50 trashed ones (51–100).
fn insert_rows(numbered: bool) -> String {
    let _ = numbered;
    let rows: Vec<String> = (1..=2 * LIVE)
        .map(|id| {
            let deleted = if id > LIVE {
                "'2026-01-01 00:00:00+00:00'"
            } else {
                "NULL"
            };
            format!(
                "({id}, 'Post {id}', '{}', {}, '2025-06-01 12:00:00+00:00', {deleted})",
                "body text ".repeat(20),
                id % 7
            )
        })
        .collect();
    format!("INSERT INTO bench_run_posts (id, title, body, author_id, created_at, deleted_at) VALUES {}", rows.join(", "))
}

/// Whether a batch runs `operation` (`find`, `list`, `write` for the
/// deletes and the restores): every one, unless `--op` names one, for
/// instructions per operation under callgrind (with `--only`).
fn runs(operation: &str) -> bool {
    static OP: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let op = OP.get_or_init(|| {
        let args: Vec<String> = std::env::args().collect();
        let at = args.iter().position(|a| a == "--op")?;
        args.get(at + 1).cloned()
    });
    op.as_deref().is_none_or(|op| op == operation)
}

/// Instructions executed one operation on SQLite (valgrind's callgrind, the
/// same on any machine to within the noise of thread interleaving), each
/// side alone in a process of its own: this binary under callgrind with
/// `--only side --op operation --rounds 10`, less the same with
/// `--rounds 0` (connecting, creating the table); the median over
/// `repeats` runs, the sides' order swapped every repeat. Writes
/// `benches/results/run-layer-instructions.json`.
fn instructions(repeats: usize) {
    const ROUNDS: usize = 10;
    const BATCH: usize = 50;
    let count = |side: &str, op: &str, rounds: usize| -> f64 {
        let rounds = rounds.to_string();
        callgrind_instructions(&["--bench", "--only", side, "--op", op, "--rounds", &rounds])
    };
    // Operations per run: finds, lists of 50 rows, deletes plus restores.
    let calls = [
        ("find", ROUNDS * BATCH),
        ("list", ROUNDS * BATCH.div_ceil(10)),
        ("write", ROUNDS * 2 * BATCH),
    ];
    let sides = ["hand", "handle", "run"];
    let mut runs: Vec<Vec<[f64; 4]>> = vec![Vec::new(); sides.len()];
    for repeat in 0..repeats {
        let mut order: Vec<usize> = (0..sides.len()).collect();
        if repeat % 2 == 1 {
            order.reverse();
        }
        for side in order {
            let mut counts = [count(sides[side], "setup", 0), 0.0, 0.0, 0.0];
            for (at, (op, _)) in calls.iter().enumerate() {
                counts[at + 1] = count(sides[side], op, ROUNDS);
            }
            runs[side].push(counts);
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let per_call: Vec<Vec<f64>> = runs
        .iter()
        .map(|side| {
            let setup = median(side.iter().map(|run| run[0]));
            calls
                .iter()
                .enumerate()
                .map(|(at, (_, n))| {
                    let totals: Vec<f64> = side.iter().map(|run| run[at + 1]).collect();
                    (median(totals) - setup) / *n as f64
                })
                .collect()
        })
        .collect();
    let mut rows = Vec::new();
    for (at, (op, n)) in calls.iter().enumerate() {
        let [hand, handle, run] = [0, 1, 2].map(|side| per_call[side][at]);
        let (ratio, run_ratio) = (handle / hand, run / hand);
        println!(
            "SQLite {op:6} instructions per call: hand {hand:9.0}  handle {handle:9.0} (ratio {ratio:.3})  Run {run:9.0} (ratio {run_ratio:.3})"
        );
        rows.push(json!({
            "database": "SQLite",
            "operation": op,
            "calls_per_run": n,
            "hand_written": hand.round(),
            "derived": handle.round(),
            "run_statement": run.round(),
            "ratio": (ratio * 1000.0).round() / 1000.0,
            "run_statement_ratio": (run_ratio * 1000.0).round() / 1000.0,
        }));
    }
    let result = json!({
        "source": source(),
        "target": TARGET,
        "repeats": repeats,
        "measure": "instructions per call (callgrind), each side alone in its own process, 10 rounds of batches of 50 less the setup; median over repeats, sides alternating; 'write' is a delete or a restore",
        "rows": rows,
    });
    write_results("run-layer-instructions.json", &result);
}

/// The side `--only` names, if any.
fn only() -> Option<Side> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == "--only")?;
    match args.get(at + 1).map(String::as_str) {
        Some("handle") => Some(Side::Derived),
        Some("hand") => Some(Side::Hand),
        Some("run") => Some(Side::Statement),
        other => panic!("--only handle|hand|run, not {other:?}"),
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        // `cargo test --benches`: nothing to time.
        println!("run_layer: run with `cargo bench --bench run_layer`");
        return;
    }
    if std::env::args().any(|a| a == "--instructions") {
        instructions(arg("--repeats", 5));
        return;
    }
    let rounds = arg("--rounds", 31);
    let size: i64 = arg("--batch", 50);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut rows = Vec::new();
    runtime.block_on(async {
        let file = ScratchFile::new("soft_delete_run_layer");
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(file.options())
            .await
            .expect("SQLite file");
        sqlx::raw_sql(AssertSqlSafe(CREATE.replace("{TS}", "TEXT")))
            .execute(&pool)
            .await
            .expect("create");
        sqlx::raw_sql(AssertSqlSafe(insert_rows(false)))
            .execute(&pool)
            .await
            .expect("insert");
        let sql = Sql::new(false);
        sql.check(&SqliteQueryBuilder);
        if let Some(side) = only() {
            // `-- --only hand|handle|run [--op find|list|write]`: one side
            // alone, for `valgrind --tool=callgrind` (instructions per call).
            for _ in 0..rounds {
                batch(&pool, &sql, side, size).await;
            }
        } else {
            rows.extend(compare("SQLite", &pool, &sql, rounds, size).await);
        }
        pool.close().await;
        drop(file);

        if only().is_some() {
            return;
        }
        let Ok(url) = std::env::var("SOFT_DELETE_POSTGRES_URL") else {
            println!("skipped: PostgreSQL (SOFT_DELETE_POSTGRES_URL is unset)");
            return;
        };
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .expect("PostgreSQL at SOFT_DELETE_POSTGRES_URL");
        sqlx::raw_sql("DROP TABLE IF EXISTS bench_run_posts")
            .execute(&pool)
            .await
            .expect("drop");
        sqlx::raw_sql(AssertSqlSafe(CREATE.replace("{TS}", "TIMESTAMPTZ")))
            .execute(&pool)
            .await
            .expect("create");
        sqlx::raw_sql(AssertSqlSafe(insert_rows(true)))
            .execute(&pool)
            .await
            .expect("insert");
        let sql = Sql::new(true);
        sql.check(&PostgresQueryBuilder);
        rows.extend(compare("PostgreSQL", &pool, &sql, rounds, size).await);
        sqlx::raw_sql("DROP TABLE bench_run_posts")
            .execute(&pool)
            .await
            .expect("drop");
        pool.close().await;
    });
    let result = json!({
        "source": source(),
        "target": TARGET,
        "rounds": rounds,
        "batch": size,
        "measure": "alternating rounds, derived then hand-written (order swapped each round); ratio = median over rounds of batch-time ratios; one pooled connection, current-thread tokio runtime",
        "rows": rows,
    });
    if only().is_some() {
        return;
    }
    write_results("run-layer.json", &result);
}
