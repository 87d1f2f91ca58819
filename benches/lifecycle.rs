//! The end and the return of a row, against sqlx by hand, in one run:
//!
//! 1. `Account::on(&pool).create_or_restore(values)` against the same
//!    transaction written with `sqlx::query_as`, the same statements text
//!    for text (checked at start against the library's plan): on
//!    PostgreSQL `BEGIN`, the key's `pg_advisory_xact_lock`, the holder
//!    `SELECT ... FOR UPDATE`, the restore `UPDATE ... RETURNING` or the
//!    `INSERT ... RETURNING`, `COMMIT`; on SQLite the same under
//!    `BEGIN IMMEDIATE`, without the lock. Target: library / by hand
//!    ≤ 1.1 × per call, for both paths (a trashed holder restored, a new
//!    row created).
//! 2. `Post::on(&pool).purge_trashed_before(cutoff).batch_size(1000)` on
//!    posts with comments below them (`cascade(Comment = "post_id")`, a
//!    real foreign key) against a children-first purge by hand: per batch,
//!    in one transaction, the ids of the 1,000 oldest due posts without a
//!    live comment, `DELETE` of their comments, `DELETE` of them. A third
//!    side runs the library's own statements by hand, each timed, to show
//!    where its time goes. Target: library rows/s ≥ 0.9 × by hand.
//!
//! ```text
//! cargo bench -p soft-delete-benches --bench lifecycle -- --part create_or_restore --rounds 41 --repeats 3
//! SOFT_DELETE_MYSQL_URL=mysql://root@127.0.0.1:3306/test cargo bench -p soft-delete-benches --bench lifecycle -- --part purge --purge-rounds 5
//! ```
//!
//! (`--part all`, the default, runs both.) `--part purge_instructions
//! --repeats 1` counts the instructions of a whole purge on SQLite under
//! callgrind, each side alone in a process of its own (`--only
//! library|hand|statements --op purge --calls 1`, less `--calls 0`, the
//! loading alone): ≈ 2 min a repeat. SQLite is a file of the
//! temporary directory (WAL, `synchronous = NORMAL`); PostgreSQL is the
//! server at `SOFT_DELETE_POSTGRES_URL` (default this machine's
//! `postgres://postgres@127.0.0.1:5432/test`), in a schema of its own
//! dropped at the end; the purge also runs on MySQL/MariaDB when
//! `SOFT_DELETE_MYSQL_URL` is set, in a database of its own, dropped at
//! the end. A server that cannot be reached is skipped with one line.
//! Writes `benches/results/lifecycle.json` (a run of one part keeps the
//! other's figures).
//!
//! The sides alternate so that the machine's other work falls on both:
//! `create_or_restore` in pairs of calls on the same key, the order
//! within a pair alternating (ratio = median over pairs); the purge in
//! rounds, each side on freshly reloaded tables, the order rotated every
//! round (ratio = median over rounds). `--repeats <n>` (default 3; 0 for
//! none) also counts the instructions per `create_or_restore` on SQLite
//! under `valgrind --tool=callgrind`, each side alone in a process of its
//! own (`--only library|hand --op restored|created --calls <n>`), a figure
//! the machine's load does not move.

use std::num::NonZeroU32;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::{json, Value as Json};
use soft_delete::__layer::plan::PurgeRange;
use soft_delete::__layer::value::prepare;
use soft_delete::__layer::{purge, tombstone, Sql};
use soft_delete::sqlx::{Dialect, Handle, Model, SoftDeleteExt};
use soft_delete::{Backend, Schema, SoftDelete, Written};
use soft_delete_benches::{
    arg, drop_mysql_database, drop_postgres_schema, median, mysql_database, mysql_url,
    postgres_pool, postgres_schema, postgres_url, source, write_results, ScratchFile,
};
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{AssertSqlSafe, Database, Executor, Pool};

/// Accounts, unique by email among live rows; a trashed account's email
/// comes back with `create_or_restore`.
#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "bench_accounts", unique(email))]
struct Account {
    id: i64,
    email: String,
    name: String,
    deleted_at: Option<DateTime<Utc>>,
}

/// Posts, with their comments below them.
#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "bench_posts", cascade(Comment = "post_id"))]
struct Post {
    id: i64,
    title: String,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "bench_comments")]
struct Comment {
    id: i64,
    post_id: i64,
    body: String,
    deleted_at: Option<DateTime<Utc>>,
}

const SCHEMA: &str = "soft_delete_bench_lifecycle";
const CREATE_OR_RESTORE_TARGET: f64 = 1.1;
const PURGE_TARGET: f64 = 0.9;

// ---------------------------------------------------------------------------
// 1. create_or_restore
// ---------------------------------------------------------------------------

/// Keys whose trashed holder each batch restores (then trashes again).
const KEYS: usize = 40;
/// New keys each batch creates (then removes, so the table stays the same).
const NEW: usize = 20;
/// Live accounts beside them.
const FILLER: usize = 1_000;

/// What `create_or_restore` runs, written by hand for one database.
struct HandSql {
    begin: &'static str,
    lock: Option<&'static str>,
    holder: &'static str,
    restore: &'static str,
    insert: &'static str,
}

const SQLITE: HandSql = HandSql {
    begin: "BEGIN IMMEDIATE",
    lock: None,
    // The most recent deletion first, times compared as times whatever text
    // format wrote them (the library's comparable form of the marker).
    holder: r#"SELECT "bench_accounts"."id", "bench_accounts"."email", "bench_accounts"."name", "bench_accounts"."deleted_at" FROM "bench_accounts" WHERE "bench_accounts"."email" = ? ORDER BY (CASE WHEN ("bench_accounts"."deleted_at" IS NULL) THEN ? ELSE ? END) ASC, julianday("bench_accounts"."deleted_at") DESC, "bench_accounts"."id" DESC LIMIT ?"#,
    restore: r#"UPDATE "bench_accounts" SET "deleted_at" = ?, "email" = ?, "name" = ? WHERE "bench_accounts"."id" = ? AND "bench_accounts"."deleted_at" IS NOT NULL RETURNING "id", "email", "name", "deleted_at""#,
    insert: r#"INSERT INTO "bench_accounts" ("email", "name") VALUES (?, ?) RETURNING "id", "email", "name", "deleted_at""#,
};

const POSTGRES: HandSql = HandSql {
    begin: "BEGIN",
    lock: Some("SELECT pg_advisory_xact_lock($1)"),
    holder: r#"SELECT "bench_accounts"."id", "bench_accounts"."email", "bench_accounts"."name", "bench_accounts"."deleted_at" FROM "bench_accounts" WHERE "bench_accounts"."email" = $1 ORDER BY (CASE WHEN ("bench_accounts"."deleted_at" IS NULL) THEN $2 ELSE $3 END) ASC, "bench_accounts"."deleted_at" DESC, "bench_accounts"."id" DESC LIMIT $4 FOR UPDATE"#,
    restore: r#"UPDATE "bench_accounts" SET "deleted_at" = $1, "email" = $2, "name" = $3 WHERE "bench_accounts"."id" = $4 AND "bench_accounts"."deleted_at" IS NOT NULL RETURNING "id", "email", "name", "deleted_at""#,
    insert: r#"INSERT INTO "bench_accounts" ("email", "name") VALUES ($1, $2) RETURNING "id", "email", "name", "deleted_at""#,
};

/// The lock of an email: a 64-bit FNV-1a of the table, column and quoted
/// value, the bits as a `bigint` (a hash the library also uses, so that
/// the by-hand side serializes with it).
fn lock_key(email: &str) -> i64 {
    let name = format!("bench_accounts\0email='{email}'\0");
    name.bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
        .cast_signed()
}

fn account(email: &str, name: &str) -> [(AccountColumn, sea_query::Value); 2] {
    [
        (AccountColumn::Email, email.into()),
        (AccountColumn::Name, name.into()),
    ]
}

impl HandSql {
    /// The library runs the same statements, or the comparison means
    /// nothing.
    fn check(&self, backend: Backend) {
        let email = "user1@example.com";
        let plan = tombstone::create_or_restore::<Account>(account(email, "Ada"), backend)
            .expect("a plan");
        let locks: Vec<&str> = plan.lock.iter().map(|lock| &*lock.text).collect();
        assert_eq!(locks, self.lock.into_iter().collect::<Vec<_>>(), "lock");
        if let Some(lock) = plan.lock.first() {
            assert_eq!(
                lock.values.0,
                [sea_query::Value::from(lock_key(email))],
                "lock key"
            );
        }
        let holder = plan.holder.as_ref().expect("a holder query");
        assert_eq!(holder.text, self.holder, "holder");
        assert_eq!(holder.values.0.len(), 4, "holder values");
        assert_eq!(plan.insert.statement.text, self.insert, "insert");
        assert_eq!(plan.revive(7).statement.text, self.restore, "restore");
    }
}

/// `create_or_restore` by hand: the transaction of [`HandSql`], a live
/// holder a conflict (rolled back, nothing changed).
async fn by_hand<DB>(
    pool: &Pool<DB>,
    sql: &HandSql,
    email: &str,
    name: &str,
) -> Result<Written<Account>, sqlx::Error>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
    Account: for<'r> sqlx::FromRow<'r, DB::Row>,
    i32: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    i64: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    for<'a> &'a str: sqlx::Type<DB> + sqlx::Encode<'a, DB>,
    Option<DateTime<Utc>>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
{
    let mut tx = pool.begin_with(sql.begin).await?;
    if let Some(lock) = sql.lock {
        sqlx::query(lock)
            .bind(lock_key(email))
            .execute(&mut *tx)
            .await?;
    }
    let holder = sqlx::query_as::<_, Account>(sql.holder)
        .bind(email)
        .bind(0_i32)
        .bind(1_i32)
        .bind(1_i64)
        .fetch_optional(&mut *tx)
        .await?;
    let written = match holder {
        Some(row) if row.deleted_at.is_none() => None,
        Some(row) => sqlx::query_as::<_, Account>(sql.restore)
            .bind(None::<DateTime<Utc>>)
            .bind(email)
            .bind(name)
            .bind(row.id)
            .fetch_optional(&mut *tx)
            .await?
            .map(Written::Restored),
        None => Some(Written::Created(
            sqlx::query_as::<_, Account>(sql.insert)
                .bind(email)
                .bind(name)
                .fetch_one(&mut *tx)
                .await?,
        )),
    };
    let Some(written) = written else {
        tx.rollback().await?;
        return Err(sqlx::Error::Protocol("a live row holds the key".into()));
    };
    tx.commit().await?;
    Ok(written)
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Side {
    Library,
    ByHand,
}

/// One `create_or_restore` of `side`.
async fn write<DB>(
    accounts: &Handle<'_, Account, DB>,
    pool: &Pool<DB>,
    sql: &HandSql,
    side: Side,
    email: &str,
    name: &str,
) -> Written<Account>
where
    DB: Dialect,
    Account: Model<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
    i32: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    i64: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    for<'a> &'a str: sqlx::Type<DB> + sqlx::Encode<'a, DB>,
    Option<DateTime<Utc>>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
{
    match side {
        Side::Library => accounts
            .create_or_restore(account(email, name))
            .await
            .expect("create_or_restore"),
        Side::ByHand => by_hand(pool, sql, email, name).await.expect("by hand"),
    }
}

fn placeholder(backend: Backend, n: usize) -> String {
    if backend == Backend::Postgres {
        format!("${n}")
    } else {
        "?".to_owned()
    }
}

/// The untimed steps between the measured calls, the same statement for
/// both sides: the restored account trashed again (`now` as its time),
/// or a created one removed.
async fn untimed<DB>(pool: &Pool<DB>, id: i64, remove: bool)
where
    DB: Dialect,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
    i64: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    DateTime<Utc>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
{
    let (one, two) = (placeholder(DB::BACKEND, 1), placeholder(DB::BACKEND, 2));
    let done = if remove {
        sqlx::query(AssertSqlSafe(format!(
            r#"DELETE FROM "bench_accounts" WHERE "id" = {one}"#
        )))
        .bind(id)
        .execute(pool)
        .await
    } else {
        sqlx::query(AssertSqlSafe(format!(
            r#"UPDATE "bench_accounts" SET "deleted_at" = {one} WHERE "id" = {two} AND "deleted_at" IS NULL"#
        )))
        .bind(Utc::now())
        .bind(id)
        .execute(pool)
        .await
    };
    assert_eq!(DB::rows_affected(&done.expect("untimed step")), 1);
}

/// Per-call times of one side, µs, in call order: the `n`-th of each side
/// are a pair, the same key run one right after the other.
#[derive(Default)]
struct Calls {
    restored: Vec<f64>,
    created: Vec<f64>,
}

impl Calls {
    fn of(calls: &mut [Calls; 2], side: Side) -> &mut Calls {
        &mut calls[usize::from(side == Side::ByHand)]
    }
}

/// One round: for each of the [`KEYS`] emails, its trashed holder restored
/// by one side and trashed again, then by the other; then [`NEW`] pairs of
/// creations, removed after. The order within a pair alternates (A B, B A,
/// ...) and `round` shifts it.
async fn round<DB>(pool: &Pool<DB>, sql: &HandSql, round: usize, calls: &mut [Calls; 2])
where
    DB: Dialect,
    Account: Model<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
    i32: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    i64: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    for<'a> &'a str: sqlx::Type<DB> + sqlx::Encode<'a, DB>,
    DateTime<Utc>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    Option<DateTime<Utc>>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
{
    let accounts = Account::on(pool);
    let order = |n: usize| {
        if (round + n).is_multiple_of(2) {
            [Side::Library, Side::ByHand]
        } else {
            [Side::ByHand, Side::Library]
        }
    };
    for key in 1..=KEYS {
        for side in order(key) {
            let name = format!("r{round} {side:?}");
            let email = format!("user{key}@example.com");
            let start = Instant::now();
            let written = write(&accounts, pool, sql, side, &email, &name).await;
            let us = start.elapsed().as_secs_f64() * 1e6;
            let Written::Restored(row) = written else {
                panic!("{side:?}: {email} was created, not restored");
            };
            assert_eq!((row.email.as_str(), row.name.as_str()), (&*email, &*name));
            untimed(pool, row.id, false).await;
            Calls::of(calls, side).restored.push(us);
        }
    }
    for n in 1..=NEW {
        for side in order(n) {
            let email = format!("new-r{round}-{side:?}-{n}@example.com");
            let start = Instant::now();
            let written = write(&accounts, pool, sql, side, &email, "New").await;
            let us = start.elapsed().as_secs_f64() * 1e6;
            let Written::Created(row) = written else {
                panic!("{side:?}: {email} was restored, not created");
            };
            untimed(pool, row.id, true).await;
            Calls::of(calls, side).created.push(us);
        }
    }
}

/// Emails with one trashed holder each, for the instruction counts'
/// restores (each restored once).
const IDLE: usize = 500;

/// The accounts table: [`FILLER`] live accounts, for each of the [`KEYS`]
/// emails two trashed holders (the later one is restored), and [`IDLE`]
/// trashed accounts more.
fn accounts_schema(backend: Backend) -> Vec<String> {
    let (id, time) = match backend {
        Backend::Postgres => ("BIGSERIAL PRIMARY KEY", "TIMESTAMPTZ"),
        _ => ("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT"),
    };
    let mut sql = vec![
        "DROP TABLE IF EXISTS bench_accounts".to_owned(),
        format!(
            "CREATE TABLE bench_accounts (id {id}, email TEXT NOT NULL, name TEXT NOT NULL, deleted_at {time})"
        ),
    ];
    sql.extend(Account::unique_indexes(backend));
    sql.push("CREATE INDEX bench_accounts_email_idx ON bench_accounts (email)".to_owned());
    let mut rows: Vec<String> = (1..=FILLER)
        .map(|n| format!("('filler{n}@example.com', 'Filler {n}', NULL)"))
        .collect();
    for key in 1..=KEYS {
        for at in ["2025-01-01T00:00:00+00:00", "2025-06-01T00:00:00+00:00"] {
            rows.push(format!("('user{key}@example.com', 'Old {key}', '{at}')"));
        }
    }
    for n in 1..=IDLE {
        rows.push(format!(
            "('idle{n}@example.com', 'Idle {n}', '2025-03-01T00:00:00+00:00')"
        ));
    }
    sql.push(format!(
        "INSERT INTO bench_accounts (email, name, deleted_at) VALUES {}",
        rows.join(", ")
    ));
    sql.push("ANALYZE".to_owned());
    sql
}

async fn create_accounts<DB>(pool: &Pool<DB>)
where
    DB: Dialect,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
{
    for statement in accounts_schema(DB::BACKEND) {
        sqlx::raw_sql(AssertSqlSafe(statement))
            .execute(pool)
            .await
            .expect("accounts");
    }
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Rounds of pairs on `pool`: a JSON row per path (restored, created).
async fn compare_create_or_restore<DB>(
    name: &str,
    pool: &Pool<DB>,
    sql: &HandSql,
    rounds: usize,
) -> Vec<Json>
where
    DB: Dialect,
    Account: Model<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
    i32: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    i64: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    for<'a> &'a str: sqlx::Type<DB> + sqlx::Encode<'a, DB>,
    DateTime<Utc>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    Option<DateTime<Utc>>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
{
    sql.check(DB::BACKEND);
    create_accounts(pool).await;
    // Warm-up: every statement prepared on the connection, both sides
    // (each asserts what it wrote).
    round(pool, sql, rounds, &mut Default::default()).await;
    let mut calls: [Calls; 2] = Default::default();
    for n in 0..rounds {
        round(pool, sql, n, &mut calls).await;
    }
    let [library, hand] = &calls;
    let mut rows = Vec::new();
    for (path, l, h) in [
        ("restored", &library.restored, &hand.restored),
        ("created", &library.created, &hand.created),
    ] {
        let mut ratios: Vec<f64> = l.iter().zip(h).map(|(l, h)| l / h).collect();
        ratios.sort_by(f64::total_cmp);
        let ratio = median(ratios.iter().copied());
        let quartiles = [ratios[ratios.len() / 4], ratios[ratios.len() * 3 / 4]];
        let (lm, hm) = (median(l.iter().copied()), median(h.iter().copied()));
        let verdict = if ratio <= CREATE_OR_RESTORE_TARGET {
            "met"
        } else {
            "MISSED"
        };
        println!(
            "{name:10} create_or_restore {path:8} library {lm:7.1} µs  by hand {hm:7.1} µs  ratio {ratio:.3} ({:.3}–{:.3}, {} pairs) ({verdict})",
            quartiles[0],
            quartiles[1],
            ratios.len(),
        );
        rows.push(json!({
            "database": name,
            "path": path,
            "pairs": ratios.len(),
            "library_us": round1(lm),
            "by_hand_us": round1(hm),
            "ratio": round3(ratio),
            "ratio_quartiles": quartiles.map(round3),
            "ratio_of_medians": round3(lm / hm),
            "met": ratio <= CREATE_OR_RESTORE_TARGET,
        }));
    }
    sqlx::raw_sql("DROP TABLE bench_accounts")
        .execute(pool)
        .await
        .expect("drop accounts");
    rows
}

/// `--only library|hand --op restored|created --calls <n>`: on SQLite, the
/// accounts table, then `n` calls of one side alone on one path (restores
/// of distinct idle accounts, or creations), nothing else; for
/// `valgrind --tool=callgrind` (`--calls 0`: the setup to subtract).
async fn one_side(pool: &sqlx::SqlitePool, side: Side, op: &str, calls: usize) {
    assert!(calls <= IDLE, "--calls at most {IDLE}");
    create_accounts(pool).await;
    let accounts = Account::on(pool);
    for n in 1..=calls {
        let email = match op {
            "restored" => format!("idle{n}@example.com"),
            "created" => format!("fresh{n}@example.com"),
            other => panic!("--op restored|created, not {other}"),
        };
        let written = write(&accounts, pool, &SQLITE, side, &email, "Counted").await;
        assert_eq!(written.is_restored(), op == "restored");
    }
}

/// Instructions per `create_or_restore` on SQLite (callgrind: the client,
/// sqlx and SQLite's engine, in one process), each side alone in a process
/// of its own: `--calls CALLS` less `--calls 0`; the median over `repeats`,
/// the sides' order swapped every repeat.
fn instructions(repeats: usize) -> Vec<Json> {
    const CALLS: usize = 300;
    let count = |side: &str, op: &str, calls: usize| {
        soft_delete_benches::callgrind_instructions(&[
            "--bench",
            "--only",
            side,
            "--op",
            op,
            "--calls",
            &calls.to_string(),
        ])
    };
    let sides = ["library", "hand"];
    let ops = ["restored", "created"];
    // Per side: per repeat, [setup, restored, created].
    let mut runs: [Vec<[f64; 3]>; 2] = Default::default();
    for repeat in 0..repeats {
        let order = if repeat % 2 == 0 { [0, 1] } else { [1, 0] };
        for side in order {
            let setup = count(sides[side], "restored", 0);
            let restored = count(sides[side], "restored", CALLS);
            let created = count(sides[side], "created", CALLS);
            runs[side].push([setup, restored, created]);
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let per_call = |side: usize, op: usize| {
        let setup = median(runs[side].iter().map(|run| run[0]));
        (median(runs[side].iter().map(|run| run[op + 1])) - setup) / CALLS as f64
    };
    let mut rows = Vec::new();
    for (at, op) in ops.iter().enumerate() {
        let (library, hand) = (per_call(0, at), per_call(1, at));
        let ratio = library / hand;
        println!(
            "SQLite     create_or_restore {op:8} instructions per call: library {library:9.0}  by hand {hand:9.0}  ({:+.0})  ratio {ratio:.3}",
            library - hand
        );
        rows.push(json!({
            "database": "SQLite",
            "path": op,
            "calls_per_run": CALLS,
            "library": library.round(),
            "by_hand": hand.round(),
            "ratio": round3(ratio),
        }));
    }
    rows
}

// ---------------------------------------------------------------------------
// 2. Purge with a foreign key
// ---------------------------------------------------------------------------

/// Posts trashed before the cutoff, 3 comments each, trashed with them.
const DUE: i64 = 20_000;
/// Every `KEPT_EVERY`-th due post keeps one live comment: it stays.
const KEPT_EVERY: i64 = 400;
/// Posts trashed after the cutoff, with trashed comments: they stay.
const RECENT: i64 = 500;
/// Live posts with live comments.
const LIVE: i64 = 1_000;
const COMMENTS_PER_POST: i64 = 3;
const PURGE_BATCH: u32 = 1_000;
const KEPT: i64 = DUE / KEPT_EVERY;
const PURGED_POSTS: i64 = DUE - KEPT;
const PURGED_ROWS: i64 = PURGED_POSTS * (1 + COMMENTS_PER_POST);

fn cutoff() -> DateTime<Utc> {
    "2026-01-01T00:00:00Z".parse().expect("a time")
}

/// Drops and creates the two tables and loads them, server-side. Post
/// `g` (`1..=DUE`) is trashed at a time unrelated to its id, so the purge's
/// oldest-first order jumps around the table; times as sqlx writes a
/// `DateTime<Utc>` on SQLite.
fn purge_schema(backend: Backend) -> Vec<String> {
    let total = DUE + RECENT + LIVE;
    let recent_end = DUE + RECENT;
    let (id, time, text) = match backend {
        Backend::Postgres => ("BIGINT", "TIMESTAMPTZ", "TEXT"),
        Backend::MySql => ("BIGINT", "DATETIME(6) NULL", "VARCHAR(200)"),
        Backend::Sqlite => ("INTEGER", "TEXT", "TEXT"),
    };
    let mut sql = vec![
        "DROP TABLE IF EXISTS bench_comments".to_owned(),
        "DROP TABLE IF EXISTS bench_posts".to_owned(),
        format!(
            "CREATE TABLE bench_posts (id {id} PRIMARY KEY, title {text} NOT NULL, deleted_at {time})"
        ),
        format!(
            "CREATE TABLE bench_comments (id {id} PRIMARY KEY, post_id {id} NOT NULL, body {text} NOT NULL, deleted_at {time}, FOREIGN KEY (post_id) REFERENCES bench_posts (id))"
        ),
        backend.render(&Schema::new(backend).marker_index::<Post>()),
    ];
    if backend != Backend::MySql {
        // InnoDB indexes a foreign key itself.
        sql.push("CREATE INDEX bench_comments_post_id_idx ON bench_comments (post_id)".to_owned());
    }
    // The deletion time of post `g`, and whether comment `k` of it is live.
    let (series, trashed_at, post_ids) = match backend {
        Backend::Postgres => (
            format!("generate_series(1::bigint, {total}::bigint) AS s(g)"),
            format!(
                "CASE WHEN g <= {DUE} THEN timestamptz '2025-01-01 00:00:00+00' + ((g * 7919) % {DUE}) * interval '10 seconds' \
                      WHEN g <= {recent_end} THEN timestamptz '2026-06-01 00:00:00+00' + g * interval '1 second' END"
            ),
            String::new(),
        ),
        Backend::MySql => (
            "g".to_owned(),
            format!(
                "CASE WHEN g <= {DUE} THEN TIMESTAMP '2025-01-01 00:00:00' + INTERVAL ((g * 7919) % {DUE}) * 10 SECOND \
                      WHEN g <= {recent_end} THEN TIMESTAMP '2026-06-01 00:00:00' + INTERVAL g SECOND END"
            ),
            // Five digits crossed (a recursive CTE stops at MariaDB's
            // `max_recursive_iterations`, 1,000 by default).
            format!(
                "WITH d (d) AS (SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 \
                                UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9), \
                      g (g) AS (SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d FROM d a, d b, d c, d e, d f \
                                WHERE 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d <= {total}) "
            ),
        ),
        Backend::Sqlite => (
            "g".to_owned(),
            format!(
                "CASE WHEN g <= {DUE} THEN strftime('%Y-%m-%dT%H:%M:%S+00:00', '2025-01-01', '+' || (((g * 7919) % {DUE}) * 10) || ' seconds') \
                      WHEN g <= {recent_end} THEN strftime('%Y-%m-%dT%H:%M:%S+00:00', '2026-06-01', '+' || g || ' seconds') END"
            ),
            format!("WITH RECURSIVE g (g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM g WHERE g < {total}) "),
        ),
    };
    let insert = post_ids;
    sql.push(format!(
        "INSERT INTO bench_posts (id, title, deleted_at) {insert}SELECT g, CONCAT('post ', g), {trashed_at} FROM {series}"
    ));
    let comment_series = match backend {
        Backend::Postgres => {
            format!("{series} CROSS JOIN generate_series(1, {COMMENTS_PER_POST}) AS k(k)")
        }
        _ => format!(
            "{series} CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) AS k"
        ),
    };
    sql.push(format!(
        "INSERT INTO bench_comments (id, post_id, body, deleted_at) {insert}\
         SELECT (g - 1) * {COMMENTS_PER_POST} + k, g, CONCAT('comment ', k, ' on post ', g), \
                CASE WHEN g <= {DUE} AND g % {KEPT_EVERY} = 0 AND k = 1 THEN NULL ELSE {trashed_at} END \
         FROM {comment_series}"
    ));
    sql.push(match backend {
        Backend::MySql => "ANALYZE TABLE bench_posts, bench_comments".to_owned(),
        _ => "ANALYZE".to_owned(),
    });
    sql
}

/// The by-hand purge's statements for one database: the batch's posts,
/// then the deletes of their comments and of them (`{ids}` is the list).
struct HandPurge {
    begin: &'static str,
    select: String,
    comments: &'static str,
    posts: &'static str,
}

impl HandPurge {
    fn new(backend: Backend) -> Self {
        let (cutoff, limit, lock) = match backend {
            Backend::Postgres => ("$1", "$2", " FOR UPDATE"),
            Backend::MySql => ("?", "?", " FOR UPDATE"),
            Backend::Sqlite => ("?", "?", ""),
        };
        HandPurge {
            begin: if backend == Backend::Sqlite {
                "BEGIN IMMEDIATE"
            } else {
                "BEGIN"
            },
            select: format!(
                "SELECT p.id FROM bench_posts p \
                 WHERE p.deleted_at IS NOT NULL AND p.deleted_at < {cutoff} \
                   AND NOT EXISTS (SELECT 1 FROM bench_comments c WHERE c.post_id = p.id AND c.deleted_at IS NULL) \
                 ORDER BY p.deleted_at, p.id LIMIT {limit}{lock}"
            ),
            comments: "DELETE FROM bench_comments WHERE post_id IN ({ids}) AND deleted_at IS NOT NULL",
            posts: "DELETE FROM bench_posts WHERE id IN ({ids})",
        }
    }
}

/// Seconds spent in each step of a purge, summed over its batches, in the
/// order the steps first ran.
#[derive(Default)]
struct Steps(Vec<(&'static str, f64)>);

impl Steps {
    fn add(&mut self, step: &'static str, since: Instant) {
        let seconds = since.elapsed().as_secs_f64();
        match self.0.iter_mut().find(|(name, _)| *name == step) {
            Some((_, total)) => *total += seconds,
            None => self.0.push((step, seconds)),
        }
    }
}

/// What a purge run did: posts and rows removed, batches, its steps.
struct Purged {
    posts: u64,
    rows: u64,
    batches: u32,
    steps: Steps,
}

fn in_list(backend: Backend, n: usize) -> String {
    (1..=n)
        .map(|at| placeholder(backend, at))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The purge by hand: batches until one comes back short.
async fn purge_by_hand<DB>(pool: &Pool<DB>, sql: &HandPurge) -> Purged
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
    i64: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB> + for<'r> sqlx::Decode<'r, DB>,
    DateTime<Utc>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    (i64,): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    let mut purged = Purged {
        posts: 0,
        rows: 0,
        batches: 0,
        steps: Steps::default(),
    };
    loop {
        let at = Instant::now();
        let mut tx = pool.begin_with(sql.begin).await.expect("begin");
        purged.steps.add("begin", at);
        let at = Instant::now();
        let ids: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(sql.select.as_str()))
            .bind(cutoff())
            .bind(i64::from(PURGE_BATCH))
            .fetch_all(&mut *tx)
            .await
            .expect("the batch's posts");
        purged.steps.add("select the batch's posts", at);
        purged.batches += 1;
        if !ids.is_empty() {
            let list = in_list(DB::BACKEND, ids.len());
            for (step, statement) in [
                ("delete their comments", sql.comments),
                ("delete the posts", sql.posts),
            ] {
                let at = Instant::now();
                let mut query = sqlx::query(AssertSqlSafe(statement.replace("{ids}", &list)));
                for id in &ids {
                    query = query.bind(*id);
                }
                let done = query.execute(&mut *tx).await.expect("delete");
                purged.steps.add(step, at);
                let removed = DB::rows_affected(&done);
                purged.rows += removed;
                if step == "delete the posts" {
                    purged.posts += removed;
                }
            }
        }
        let at = Instant::now();
        tx.commit().await.expect("commit");
        purged.steps.add("commit", at);
        if ids.len() < PURGE_BATCH as usize {
            break;
        }
    }
    purged
}

/// The library's own statements for this purge (`soft_delete::__layer`,
/// what `purge_trashed_before` runs for a model with cascades), run one by
/// one with sqlx and timed: per batch the due posts (`LIMIT`, `OFFSET` the
/// ones kept so far, `FOR UPDATE` where there are row locks), the count of
/// those with a live comment below, the delete of the other posts'
/// comments, the delete of those posts.
async fn purge_statements<DB>(pool: &Pool<DB>) -> Purged
where
    DB: Dialect,
    Post: Model<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
{
    let backend = DB::BACKEND;
    let range = PurgeRange {
        cutoff: cutoff(),
        batch_size: NonZeroU32::new(PURGE_BATCH).expect("a size"),
        filter: None,
    };
    let begin = if backend == Backend::Sqlite {
        "BEGIN IMMEDIATE"
    } else {
        "BEGIN"
    };
    let query = |sql: Sql| {
        let (text, values) = prepare(backend, sql.text, sql.values).expect("storable values");
        sqlx::query_with(AssertSqlSafe(text), DB::bind(values))
    };
    let mut purged = Purged {
        posts: 0,
        rows: 0,
        batches: 0,
        steps: Steps::default(),
    };
    let mut kept = 0;
    loop {
        let at = Instant::now();
        let mut tx = pool.begin_with(begin).await.expect("begin");
        purged.steps.add("begin", at);
        // `Post`'s tree has no self-referencing table: the candidates are
        // the free roots, and the kept ones are counted at the end; on
        // SQLite the deletes select them themselves.
        assert!(purge::picks_free::<Post>());
        let (steps, mut taken) = if purge::selects_in_deletes::<Post>(backend) {
            (purge::selecting_batch::<Post>(&range, backend), None)
        } else {
            let at = Instant::now();
            let (text, values) = {
                let sql = purge::candidates::<Post>(&range, kept, backend);
                prepare(backend, sql.text, sql.values).expect("storable values")
            };
            let roots: Vec<sea_query::Value> =
                sqlx::query_as_with::<_, Post, _>(AssertSqlSafe(text), DB::bind(values))
                    .fetch_all(&mut *tx)
                    .await
                    .expect("candidates")
                    .iter()
                    .map(|post| post.id.into())
                    .collect();
            purged.steps.add("select the batch's posts", at);
            // The bench's foreign key restricts (no `ON DELETE` action):
            // as the library, the deletes leave out their own check.
            let steps = if roots.is_empty() {
                Vec::new()
            } else {
                purge::unchecked_batch::<Post>(&roots, backend)
            };
            (steps, Some(roots.len() as u64))
        };
        purged.batches += 1;
        for step in steps {
            let at = Instant::now();
            let done = query(step.sql).execute(&mut *tx).await.expect("delete");
            let removed = DB::rows_affected(&done);
            purged.rows += removed;
            if step.table == Post::TABLE {
                purged.posts += removed;
                taken.get_or_insert(removed);
                purged.steps.add("delete the posts", at);
            } else {
                purged.steps.add("delete their comments", at);
            }
        }
        let last = taken.unwrap_or(0) < u64::from(PURGE_BATCH);
        if last {
            let at = Instant::now();
            let row = query(purge::kept::<Post>(&range, backend))
                .fetch_one(&mut *tx)
                .await
                .expect("kept");
            kept += DB::first_integer(&row).expect("a count").unsigned_abs();
            purged.steps.add("count the kept (once)", at);
        }
        let at = Instant::now();
        tx.commit().await.expect("commit");
        purged.steps.add("commit", at);
        if last {
            break;
        }
    }
    purged
}

/// What is left: (posts, comments, the sum of all their ids).
async fn left<DB>(pool: &Pool<DB>) -> (i64, i64, i64)
where
    DB: Dialect,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
    (i64, i64, i64): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    let integer = match DB::BACKEND {
        Backend::MySql => "SIGNED",
        Backend::Postgres => "BIGINT",
        Backend::Sqlite => "INTEGER",
    };
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM bench_posts), (SELECT COUNT(*) FROM bench_comments), \
                CAST((SELECT SUM(id) FROM bench_posts) + (SELECT SUM(id) FROM bench_comments) AS {integer})"
    );
    sqlx::query_as(AssertSqlSafe(sql))
        .fetch_one(pool)
        .await
        .expect("what is left")
}

/// Drops, creates and loads the posts and comments ([`purge_schema`]).
async fn load_posts<DB>(pool: &Pool<DB>)
where
    DB: Dialect,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
{
    for statement in purge_schema(DB::BACKEND) {
        sqlx::raw_sql(AssertSqlSafe(statement))
            .execute(pool)
            .await
            .expect("load posts and comments");
    }
}

/// Instructions of one whole purge on SQLite (callgrind: the client, sqlx
/// and SQLite's engine, in one process), each side alone in a process of
/// its own (`--only <side> --op purge --calls 1`) less the same process
/// loading the tables only (`--calls 0`); the median over `repeats`, the
/// sides' order swapped every repeat.
fn purge_instructions(repeats: usize) -> Json {
    let sides = ["library", "hand", "statements"];
    let count = |side: &str, calls: &str| {
        soft_delete_benches::callgrind_instructions(&[
            "--bench", "--only", side, "--op", "purge", "--calls", calls,
        ])
    };
    let mut runs: [Vec<f64>; 3] = Default::default();
    for repeat in 0..repeats {
        let mut order = [0, 1, 2];
        if repeat % 2 == 1 {
            order.reverse();
        }
        for side in order {
            let setup = count(sides[side], "0");
            runs[side].push(count(sides[side], "1") - setup);
        }
    }
    let totals: Vec<f64> = runs
        .iter()
        .map(|side| median(side.iter().copied()))
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let per_row = |at: usize| totals[at] / PURGED_ROWS as f64;
    // Throughput in instructions: by hand's work / the library's.
    let ratio = totals[1] / totals[0];
    let statements_ratio = totals[1] / totals[2];
    let verdict = if ratio >= PURGE_TARGET {
        "met"
    } else {
        "MISSED"
    };
    println!(
        "SQLite     purge {PURGED_ROWS} rows, instructions: library {:.1} M ({:.0} a row)  by hand {:.1} M ({:.0} a row)  by hand / library {ratio:.3} ({verdict})  |  library's statements by hand {:.1} M, ratio {statements_ratio:.3}",
        totals[0] / 1e6,
        per_row(0),
        totals[1] / 1e6,
        per_row(1),
        totals[2] / 1e6,
    );
    json!({
        "source": source(),
        "database": "SQLite",
        "target": format!("by hand / library instructions >= {PURGE_TARGET} (the throughput ratio in instructions)"),
        "repeats": repeats,
        "measure": "instructions of one whole purge (callgrind: client, sqlx and SQLite's engine), each side alone in its own process, less the same process loading the tables only; median over repeats, sides' order swapped each repeat",
        "rows_purged": PURGED_ROWS,
        "library": totals[0].round(),
        "by_hand": totals[1].round(),
        "library_statements": totals[2].round(),
        "library_per_row": per_row(0).round(),
        "by_hand_per_row": per_row(1).round(),
        "ratio": round3(ratio),
        "library_statements_ratio": round3(statements_ratio),
        "met": ratio >= PURGE_TARGET,
    })
}

/// A side of the purge comparison.
#[derive(Clone, Copy, PartialEq, Debug)]
enum PurgeSide {
    /// `Post::on(&pool).purge_trashed_before(cutoff)`.
    Library,
    /// The children-first purge by hand.
    ByHand,
    /// The library's statements, run and timed one by one by hand: where
    /// the library's time goes.
    Statements,
}

/// One run of one side on freshly loaded tables: its seconds, what it did
/// and what is left.
async fn purge_run<DB>(
    pool: &Pool<DB>,
    sql: &HandPurge,
    side: PurgeSide,
) -> (f64, Purged, (i64, i64, i64))
where
    DB: Dialect,
    Post: Model<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
    i64: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB> + for<'r> sqlx::Decode<'r, DB>,
    DateTime<Utc>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    (i64,): for<'r> sqlx::FromRow<'r, DB::Row>,
    (i64, i64, i64): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    load_posts(pool).await;
    let before = left(pool).await;
    let start = Instant::now();
    let purged = match side {
        PurgeSide::Library => {
            let mut batches = 0;
            let mut kept = 0;
            let posts = Post::on(pool)
                .purge_trashed_before(cutoff())
                .batch_size(NonZeroU32::new(PURGE_BATCH).expect("a size"))
                .on_batch(|progress| {
                    batches = progress.batch;
                    kept += progress.kept;
                })
                .await
                .expect("purge");
            assert_eq!(kept, KEPT.unsigned_abs(), "library: posts kept");
            Purged {
                posts,
                rows: PURGED_ROWS.unsigned_abs(),
                batches,
                steps: Steps::default(),
            }
        }
        PurgeSide::ByHand => purge_by_hand(pool, sql).await,
        PurgeSide::Statements => purge_statements(pool).await,
    };
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(
        (purged.posts, purged.rows),
        (PURGED_POSTS.unsigned_abs(), PURGED_ROWS.unsigned_abs()),
        "{side:?}: posts and rows removed"
    );
    let after = left(pool).await;
    assert_eq!(
        (before.0 - after.0, before.1 - after.1),
        (PURGED_POSTS, PURGED_POSTS * COMMENTS_PER_POST),
        "{side:?}: rows removed"
    );
    (seconds, purged, after)
}

/// Rounds of the three sides on `pool`, each on freshly loaded tables.
async fn compare_purge<DB>(name: &str, pool: &Pool<DB>, rounds: usize) -> Json
where
    DB: Dialect,
    Post: Model<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
    i64: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB> + for<'r> sqlx::Decode<'r, DB>,
    DateTime<Utc>: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB>,
    (i64,): for<'r> sqlx::FromRow<'r, DB::Row>,
    (i64, i64, i64): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    const SIDES: [PurgeSide; 3] = [PurgeSide::Library, PurgeSide::ByHand, PurgeSide::Statements];
    let sql = HandPurge::new(DB::BACKEND);
    // Per side: rows/s per round, batches, and per round the steps' ms per
    // batch.
    let mut rates: [Vec<f64>; 3] = Default::default();
    let mut batches = [0; 3];
    let mut steps: [Vec<Steps>; 3] = Default::default();
    for round in 0..rounds {
        let mut order = SIDES;
        order.rotate_left(round % 3);
        if round % 2 == 1 {
            order.reverse();
        }
        let mut left_by = Vec::new();
        for side in order {
            let (seconds, purged, after) = purge_run(pool, &sql, side).await;
            let at = SIDES.iter().position(|s| *s == side).unwrap_or_default();
            #[allow(clippy::cast_precision_loss)]
            rates[at].push(purged.rows as f64 / seconds);
            batches[at] = purged.batches;
            steps[at].push(purged.steps);
            left_by.push(after);
        }
        assert!(
            left_by.windows(2).all(|pair| pair[0] == pair[1]),
            "{name}: the sides left other rows"
        );
    }
    let ratios = |of: usize| -> Vec<f64> {
        rates[of]
            .iter()
            .zip(&rates[1])
            .map(|(l, h)| round3(l / h))
            .collect()
    };
    let (library_ratios, statement_ratios) = (ratios(0), ratios(2));
    let ratio = median(library_ratios.iter().copied());
    let statements_ratio = median(statement_ratios.iter().copied());
    let rate = |of: usize| median(rates[of].iter().copied());
    let verdict = if ratio >= PURGE_TARGET {
        "met"
    } else {
        "MISSED"
    };
    println!(
        "{name:10} purge {PURGED_ROWS} rows: library {:8.0} rows/s ({} batches)  by hand {:8.0} rows/s ({} batches)  ratio {ratio:.3} {library_ratios:?} ({verdict})  |  library's statements by hand {:8.0} rows/s, ratio {statements_ratio:.3}",
        rate(0),
        batches[0],
        rate(1),
        batches[1],
        rate(2),
    );
    // Per side, each step's median over rounds of its ms per batch.
    let step_ms = |of: usize| -> Vec<(&'static str, f64)> {
        let names: Vec<&'static str> = steps[of][0].0.iter().map(|(name, _)| *name).collect();
        names
            .into_iter()
            .map(|name| {
                let per_round = steps[of].iter().map(|run| {
                    let total = run.0.iter().find(|(n, _)| *n == name).map_or(0.0, |s| s.1);
                    total * 1e3 / f64::from(batches[of])
                });
                (name, round3(median(per_round)))
            })
            .collect()
    };
    let (hand_steps, library_steps) = (step_ms(1), step_ms(2));
    for (side, list) in [
        ("by hand", &hand_steps),
        ("library's statements", &library_steps),
    ] {
        let shown: Vec<String> = list
            .iter()
            .map(|(name, ms)| format!("{name} {ms:.2}"))
            .collect();
        println!("{name:10}   ms per batch, {side}: {}", shown.join(", "));
    }
    for table in ["bench_comments", "bench_posts"] {
        sqlx::raw_sql(AssertSqlSafe(format!("DROP TABLE {table}")))
            .execute(pool)
            .await
            .expect("drop");
    }
    let steps_json = |list: &[(&'static str, f64)]| -> Json {
        Json::Object(
            list.iter()
                .map(|(name, ms)| ((*name).to_owned(), json!(ms)))
                .collect(),
        )
    };
    json!({
        "database": name,
        "rows_purged": PURGED_ROWS,
        "posts_purged": PURGED_POSTS,
        "posts_kept": KEPT,
        "library_rows_per_second": rate(0).round(),
        "by_hand_rows_per_second": rate(1).round(),
        "library_statements_rows_per_second": rate(2).round(),
        "library_batches": batches[0],
        "by_hand_batches": batches[1],
        "ratio": round3(ratio),
        "ratio_per_round": library_ratios,
        "library_statements_ratio": round3(statements_ratio),
        "by_hand_ms_per_batch": steps_json(&hand_steps),
        "library_statements_ms_per_batch": steps_json(&library_steps),
        "met": ratio >= PURGE_TARGET,
    })
}

// ---------------------------------------------------------------------------

/// The side `--only` names, if any.
fn only() -> Option<String> {
    Some(arg("--only", String::new())).filter(|side| !side.is_empty())
}

fn main() {
    if !soft_delete_benches::flag("--bench") {
        // `cargo test --benches`: nothing to time.
        println!("lifecycle: run with `cargo bench -p soft-delete-benches --bench lifecycle`");
        return;
    }
    if let Some(side) = only() {
        // One side alone, for callgrind (see `instructions`).
        let op: String = arg("--op", "restored".to_owned());
        let calls: usize = arg("--calls", 0);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(async {
            let file = ScratchFile::new("soft-delete-bench-lifecycle-one");
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(file.options())
                .await
                .expect("SQLite file");
            if op == "purge" {
                let side = match side.as_str() {
                    "library" => PurgeSide::Library,
                    "hand" => PurgeSide::ByHand,
                    "statements" => PurgeSide::Statements,
                    other => panic!("--only library|hand|statements, not {other}"),
                };
                if calls == 0 {
                    load_posts(&pool).await;
                } else {
                    purge_run(&pool, &HandPurge::new(Backend::Sqlite), side).await;
                }
            } else {
                let side = match side.as_str() {
                    "library" => Side::Library,
                    "hand" => Side::ByHand,
                    other => panic!("--only library|hand, not {other}"),
                };
                one_side(&pool, side, &op, calls).await;
            }
            pool.close().await;
        });
        return;
    }
    let rounds: usize = arg("--rounds", 41);
    let purge_rounds: usize = arg("--purge-rounds", 5);
    let part: String = arg("--part", "all".to_owned());
    let (with_cor, with_purge) = match part.as_str() {
        "all" => (true, true),
        "create_or_restore" => (true, false),
        "purge" | "purge_instructions" => (false, part == "purge"),
        other => panic!("--part all|create_or_restore|purge|purge_instructions, not {other}"),
    };
    let purge_counts =
        (part == "purge_instructions").then(|| purge_instructions(arg("--repeats", 3)));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (mut cor, mut purges) = (Vec::new(), Vec::new());
    let repeats: usize = arg("--repeats", 3);
    let counts = if with_cor && repeats > 0 {
        instructions(repeats)
    } else {
        Vec::new()
    };
    if with_cor || with_purge {
        runtime.block_on(async {
            let file = ScratchFile::new("soft-delete-bench-lifecycle");
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(file.options())
                .await
                .expect("SQLite file");
            if with_cor {
                cor.extend(compare_create_or_restore("SQLite", &pool, &SQLITE, rounds).await);
            }
            if with_purge {
                purges.push(compare_purge("SQLite", &pool, purge_rounds).await);
            }
            pool.close().await;
            drop(file);

            let url = postgres_url();
            if let Some(options) = postgres_schema(&url, SCHEMA).await.expect("a schema") {
                let pool = postgres_pool(options).await.expect("PostgreSQL");
                if with_cor {
                    cor.extend(
                        compare_create_or_restore("PostgreSQL", &pool, &POSTGRES, rounds).await,
                    );
                }
                if with_purge {
                    purges.push(compare_purge("PostgreSQL", &pool, purge_rounds).await);
                }
                pool.close().await;
                drop_postgres_schema(&url, SCHEMA)
                    .await
                    .expect("drop the schema");
            }

            match mysql_url() {
                Some(url) if with_purge => {
                    if let Some(pool) = mysql_database(&url, SCHEMA).await.expect("a database") {
                        purges.push(compare_purge("MariaDB", &pool, purge_rounds).await);
                        pool.close().await;
                        drop_mysql_database(&url, SCHEMA)
                            .await
                            .expect("drop the database");
                    }
                }
                Some(_) => {}
                None => println!("skipped: MySQL/MariaDB purge (SOFT_DELETE_MYSQL_URL is unset)"),
            }
        });
    }
    let source = source();
    let create_or_restore = json!({
        "source": source,
        "target": format!("library / by hand <= {CREATE_OR_RESTORE_TARGET} per call"),
        "rounds": rounds,
        "measure": format!("per round, {KEYS} pairs of restores (one key's trashed holder restored by one side, trashed again untimed, then by the other) and {NEW} pairs of creations (removed untimed), the order within a pair alternating; per-call medians; ratio = median over pairs of library / by-hand call time; one pooled connection, current-thread tokio runtime"),
        "rows": cor,
        "instructions": {
            "repeats": repeats,
            "measure": "SQLite, instructions per call (callgrind: client, sqlx and SQLite's engine), each side alone in its own process, 300 calls less the setup; median over repeats, sides alternating",
            "rows": counts,
        },
    });
    let purge = json!({
        "source": source,
        "target": format!("library rows/s >= {PURGE_TARGET} x by hand"),
        "rounds": purge_rounds,
        "batch_size": PURGE_BATCH,
        "measure": format!("per round and side (library, by hand, the library's statements run by hand; order rotated each round), tables dropped and reloaded ({DUE} posts trashed before the cutoff with {COMMENTS_PER_POST} trashed comments each, every {KEPT_EVERY}th with one live comment instead, {RECENT} trashed after the cutoff, {LIVE} live), then one timed purge; rows = posts + comments removed; ratio = median over rounds of library / by-hand rows/s; ms per batch = median over rounds"),
        "rows": purges,
    });
    // A run of one part keeps the other part's last figures.
    let mut result: serde_json::Map<String, Json> =
        std::fs::read_to_string(soft_delete_benches::results_path("lifecycle.json"))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
    if with_cor {
        result.insert("create_or_restore".to_owned(), create_or_restore);
    }
    if with_purge {
        result.insert("purge".to_owned(), purge);
    }
    if let Some(counts) = purge_counts {
        result.insert("purge_instructions".to_owned(), counts);
    }
    let sources: Vec<&Json> = ["create_or_restore", "purge", "purge_instructions"]
        .iter()
        .filter_map(|part| result.get(*part).and_then(|part| part.get("source")))
        .collect();
    let top = if sources.windows(2).all(|pair| pair[0] == pair[1]) {
        json!(source)
    } else {
        json!("per part: see each part's source")
    };
    result.insert("source".to_owned(), top);
    let result = Json::Object(result);
    write_results("lifecycle.json", &result);
}
