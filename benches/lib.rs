//! What soft-delete's benchmarks share; the benchmarks themselves are this
//! package's `[[bench]]` targets (`cargo bench -p soft-delete-benches`):
//! the median they report, the stamp of the commit they measured, the
//! command line, where results go, and the scratch databases they run on.

use std::path::PathBuf;
use std::process::Command;
use std::str::FromStr;

use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{AssertSqlSafe, ConnectOptions as _, Connection as _};

/// The median of `values` (the mean of the two middle ones for an even
/// count); `NaN` for none.
pub fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.into_iter().collect();
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[middle],
        _ => f64::midpoint(values[middle - 1], values[middle]),
    }
}

/// The value after `name` on the command line (cargo passes `--bench`
/// too), parsed; `default` when absent or unparsable.
pub fn arg<T: FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|arg| arg == name)
        .and_then(|at| args.get(at + 1))
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Whether `flag` is on the command line.
#[must_use]
pub fn flag(flag: &str) -> bool {
    std::env::args().any(|arg| arg == flag)
}

/// The commit measured, for a results file's `source`:
/// `SOFT_DELETE_BENCH_SOURCE` when set (say, for a `git archive`
/// snapshot), else `git rev-parse --short HEAD`, with
/// `+ uncommitted changes` when the tree differs from it outside the
/// results.
#[must_use]
pub fn source() -> String {
    if let Ok(source) = std::env::var("SOFT_DELETE_BENCH_SOURCE") {
        return source;
    }
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .output()
            .ok()
            .filter(|output| output.status.success())
    };
    let Some(head) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "unknown".to_owned();
    };
    let head = String::from_utf8_lossy(&head.stdout).trim().to_owned();
    // Changes outside the results count as a dirty tree.
    let clean = git(&[
        "diff",
        "--quiet",
        "HEAD",
        "--",
        ".",
        ":!benches/results",
        ":!docs/benchmarks.svg",
    ])
    .is_some();
    if clean {
        head
    } else {
        format!("{head} + uncommitted changes")
    }
}

/// `benches/results/<file>` of the repository.
#[must_use]
pub fn results_path(file: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/results")).join(file)
}

/// Writes `result` as pretty JSON to `benches/results/<file>`; its path.
///
/// # Panics
///
/// When the file cannot be written.
pub fn write_results(file: &str, result: &serde_json::Value) -> PathBuf {
    let out = results_path(file);
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("benches/results");
    }
    std::fs::write(&out, format!("{result:#}\n")).expect("write results");
    println!("wrote {}", out.display());
    out
}

/// A SQLite file of the temporary directory, named for `name` and the
/// process, removed (with its `-wal` and `-shm`) when dropped.
pub struct ScratchFile {
    path: PathBuf,
}

impl ScratchFile {
    /// A file not yet created.
    #[must_use]
    pub fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("{name}-{}.db", std::process::id()));
        let scratch = ScratchFile { path };
        scratch.remove();
        scratch
    }

    /// Its path.
    #[must_use]
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Options that create it, in WAL mode with `synchronous = NORMAL` (an
    /// application's settings for a SQLite file).
    #[must_use]
    pub fn options(&self) -> SqliteConnectOptions {
        SqliteConnectOptions::new()
            .filename(&self.path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut file = self.path.clone().into_os_string();
            file.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(file));
        }
    }
}

impl Drop for ScratchFile {
    fn drop(&mut self) {
        self.remove();
    }
}

/// The PostgreSQL server to measure on: `SOFT_DELETE_POSTGRES_URL`, else
/// this machine's `postgres://postgres@127.0.0.1:5432/test`.
#[must_use]
pub fn postgres_url() -> String {
    std::env::var("SOFT_DELETE_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A schema of its own on the server at `url`: created afresh (dropped
/// first if a failed run left it), and the options of connections whose
/// `search_path` is it. `None`, with one line printed, when the server
/// cannot be reached.
///
/// # Errors
///
/// The server's, when the schema cannot be created.
pub async fn postgres_schema(
    url: &str,
    schema: &str,
) -> Result<Option<PgConnectOptions>, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?;
    let mut conn = match options.connect().await {
        Ok(conn) => conn,
        Err(error) => {
            println!("skipped: PostgreSQL at {url}: {error}");
            return Ok(None);
        }
    };
    sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    )))
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    Ok(Some(options.options([("search_path", schema)])))
}

/// A pool of one connection in [`postgres_schema`]'s schema.
///
/// # Errors
///
/// The server's.
pub async fn postgres_pool(options: PgConnectOptions) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
}

/// Drops the schema of [`postgres_schema`].
///
/// # Errors
///
/// The server's.
pub async fn drop_postgres_schema(url: &str, schema: &str) -> Result<(), sqlx::Error> {
    let mut conn = PgConnectOptions::from_str(url)?.connect().await?;
    sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE"
    )))
    .execute(&mut conn)
    .await?;
    conn.close().await
}

/// The MySQL/MariaDB server to measure on: `SOFT_DELETE_MYSQL_URL` when set
/// (this machine's is `mysql://root@127.0.0.1:3306/test`).
#[must_use]
pub fn mysql_url() -> Option<String> {
    std::env::var("SOFT_DELETE_MYSQL_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A database `name` of its own on the MySQL/MariaDB server at `url`,
/// created afresh, and a pool of one connection to it; `None`, with one
/// line printed, when the server cannot be reached.
///
/// # Errors
///
/// The server's, when the database cannot be created.
pub async fn mysql_database(url: &str, name: &str) -> Result<Option<MySqlPool>, sqlx::Error> {
    let options = MySqlConnectOptions::from_str(url)?;
    let mut conn = match options.connect().await {
        Ok(conn) => conn,
        Err(error) => {
            println!("skipped: MySQL/MariaDB at {url}: {error}");
            return Ok(None);
        }
    };
    sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name} CHARACTER SET utf8mb4"
    )))
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    let pool = MySqlPoolOptions::new()
        .max_connections(1)
        .connect_with(options.database(name))
        .await?;
    Ok(Some(pool))
}

/// Drops the database of [`mysql_database`].
///
/// # Errors
///
/// The server's.
pub async fn drop_mysql_database(url: &str, name: &str) -> Result<(), sqlx::Error> {
    let mut conn = MySqlConnectOptions::from_str(url)?.connect().await?;
    sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
        .execute(&mut conn)
        .await?;
    conn.close().await
}

/// The instructions this bench's own binary executes run with `args`
/// under `valgrind --tool=callgrind` (its `Collected` total: every thread,
/// SQLite's engine included when it runs in the process).
///
/// # Panics
///
/// When valgrind is missing or prints no count.
#[must_use]
pub fn callgrind_instructions(args: &[&str]) -> f64 {
    let this = std::env::current_exe().expect("the bench's path");
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(&this)
        .args(args)
        .output()
        .expect("valgrind (with callgrind) on the PATH");
    let log = String::from_utf8_lossy(&out.stderr);
    let collected = log
        .lines()
        .find_map(|line| line.split("Collected : ").nth(1))
        .unwrap_or_else(|| panic!("no instruction count in valgrind's output:\n{log}"));
    collected.trim().parse().expect("a count")
}
