//! Backend harness for the execution tests: connects to SQLite (always) and to
//! the PostgreSQL and MariaDB servers named by `SOFT_DELETE_POSTGRES_URL` and
//! `SOFT_DELETE_MYSQL_URL`, each test in a namespace of its own.
//!
//! A model's table name is a constant, so tests running at the same time (in
//! this process or in another one) cannot tell their tables apart by name.
//! Instead every [`Db`] gets a fresh namespace that it drops when the last
//! clone goes away, on success and on panic alike: a PostgreSQL schema put
//! first on the `search_path` of every pooled connection, a MariaDB database
//! the pool connects to, or a private in-memory SQLite database.
//!
//! ```ignore
//! mod common;
//! use common::{Backend, Db, SqlType};
//!
//! for backend in common::backends() {
//!     let db = Db::connect(backend).await;
//!     db.create_table("posts", &[("id", SqlType::Id), ("deleted_at", SqlType::TimestampTz)]).await;
//!     let affected = db.execute(&Post::delete_by_id(1)).await;
//!     let live = db.ids::<Post>(&Post::query()).await;
//! }
//! ```
//!
//! Unset URL: that backend is skipped with one line on stdout. Set URL but no
//! server: the test panics; a skipped backend never passes silently.

// Each test binary uses its own part of the harness.
#![allow(dead_code)]

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder};
use sea_query_sqlx::SqlxBinder;
use soft_delete::SoftDelete;
use sqlx::mysql::{MySql, MySqlConnectOptions, MySqlPool, MySqlPoolOptions, MySqlRow};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow, Postgres};
use sqlx::sqlite::{Sqlite, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{AssertSqlSafe, Connection, Executor, Row as _};

/// Environment variable holding the PostgreSQL URL.
pub const POSTGRES_URL_VAR: &str = "SOFT_DELETE_POSTGRES_URL";
/// Environment variable holding the MariaDB/MySQL URL.
pub const MYSQL_URL_VAR: &str = "SOFT_DELETE_MYSQL_URL";

/// A database engine the tests run on: the library's own [`Backend`]
/// (`MySql` is MariaDB here), with what the tests ask of it beyond the
/// library in [`TestBackend`].
pub use soft_delete::Backend;

/// What the tests ask of a [`Backend`]: whether its server is configured,
/// its URL, quoting and column types for hand-written SQL.
pub trait TestBackend: Copy {
    /// This backend if it is configured; otherwise prints one
    /// `skipped: ... is not set` line and returns `None`. SQLite is always
    /// configured.
    fn if_configured(self) -> Option<Backend>;
    /// The environment variable holding the server's URL (none for SQLite).
    fn url_var(self) -> Option<&'static str>;
    /// The server's URL.
    fn url(self) -> String;
    /// `ident` quoted for this backend, quote characters inside doubled: for
    /// hand-written SQL.
    fn quote(self, ident: &str) -> String;
    /// This engine as the library's statements take it (itself).
    fn schema(self) -> Backend;
    /// The column type of `ty` in this backend's DDL.
    fn column_type(self, ty: SqlType) -> &'static str;
}

impl TestBackend for Backend {
    fn if_configured(self) -> Option<Backend> {
        match self.url_var() {
            None => Some(self),
            Some(var) if std::env::var_os(var).is_some_and(|url| !url.is_empty()) => Some(self),
            Some(var) => {
                println!("skipped: {var} is not set");
                None
            }
        }
    }

    fn url_var(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some(POSTGRES_URL_VAR),
            Backend::MySql => Some(MYSQL_URL_VAR),
        }
    }

    fn url(self) -> String {
        let var = self.url_var().expect("SQLite has no URL");
        std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set"))
    }

    fn quote(self, ident: &str) -> String {
        let quote = match self {
            Backend::MySql => '`',
            Backend::Sqlite | Backend::Postgres => '"',
        };
        let mut quoted = String::with_capacity(ident.len() + 2);
        quoted.push(quote);
        for ch in ident.chars() {
            if ch == quote {
                quoted.push(ch);
            }
            quoted.push(ch);
        }
        quoted.push(quote);
        quoted
    }

    fn schema(self) -> Backend {
        self
    }

    fn column_type(self, ty: SqlType) -> &'static str {
        match (self, ty) {
            (Backend::Sqlite, SqlType::Id) => "INTEGER PRIMARY KEY",
            (_, SqlType::Id) => "BIGINT PRIMARY KEY",
            (Backend::Sqlite, SqlType::BigInt) => "INTEGER NOT NULL",
            (_, SqlType::BigInt) => "BIGINT NOT NULL",
            (Backend::MySql, SqlType::Text) => "VARCHAR(255) NOT NULL",
            (_, SqlType::Text) => "TEXT NOT NULL",
            (_, SqlType::Bool) => "BOOLEAN NOT NULL DEFAULT FALSE",
            (_, SqlType::ActiveFlag) => "BOOLEAN NOT NULL DEFAULT TRUE",
            (Backend::Sqlite, SqlType::TimestampTz | SqlType::Timestamp) => "TEXT NULL",
            (Backend::Postgres, SqlType::TimestampTz) => "TIMESTAMPTZ NULL",
            (Backend::Postgres, SqlType::Timestamp) => "TIMESTAMP NULL",
            (Backend::MySql, SqlType::TimestampTz | SqlType::Timestamp) => "DATETIME(6) NULL",
        }
    }
}

/// SQLite, plus PostgreSQL and MariaDB when their URL is set (one
/// `skipped: ...` line for each that is not).
pub fn backends() -> Vec<Backend> {
    [Backend::Sqlite, Backend::Postgres, Backend::MySql]
        .into_iter()
        .filter_map(Backend::if_configured)
        .collect()
}

/// What a column holds, mapped to each backend's DDL by
/// [`TestBackend::column_type`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    /// `BIGINT PRIMARY KEY` (ids are given explicitly by the tests).
    Id,
    /// `BIGINT NOT NULL`.
    BigInt,
    /// Text, `NOT NULL`.
    Text,
    /// A bool marker: `BOOLEAN NOT NULL DEFAULT FALSE`.
    Bool,
    /// An active flag (`style = "active"`): `BOOLEAN NOT NULL DEFAULT TRUE`.
    ActiveFlag,
    /// An `Option<DateTime<Utc>>` marker: `TIMESTAMPTZ`, `DATETIME(6)`, `TEXT`; nullable.
    TimestampTz,
    /// An `Option<NaiveDateTime>` marker: `TIMESTAMP`, `DATETIME(6)`, `TEXT`; nullable.
    Timestamp,
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    Mysql(MySqlPool),
}

/// A connection pool in a namespace of its own, dropped with the last clone.
#[derive(Clone)]
pub struct Db {
    backend: Backend,
    pool: Pool,
    _namespace: Option<Arc<Namespace>>,
}

/// How to connect: [`Db::options`] → settings → [`DbOptions::connect`].
#[derive(Debug, Clone)]
pub struct DbOptions {
    backend: Backend,
    max_connections: u32,
    on_connect: Vec<String>,
}

impl DbOptions {
    /// Pool size (default 1; SQLite is always 1 so the in-memory database is
    /// shared by every statement).
    #[must_use]
    pub fn max_connections(mut self, max: u32) -> Self {
        self.max_connections = max;
        self
    }

    /// SQL run on every new connection, after the namespace is selected:
    /// e.g. a session time zone.
    #[must_use]
    pub fn on_connect(mut self, sql: &str) -> Self {
        self.on_connect.push(sql.to_owned());
        self
    }

    /// Creates the namespace and connects; panics with the backend and the
    /// server's error if the configured server cannot be reached.
    pub async fn connect(self) -> Db {
        let on_connect = Arc::new(self.on_connect);
        match self.backend {
            Backend::Sqlite => {
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .after_connect(move |conn, _| {
                        let on_connect = Arc::clone(&on_connect);
                        Box::pin(async move {
                            for sql in on_connect.iter() {
                                conn.execute(AssertSqlSafe(sql.clone())).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect("sqlite::memory:")
                    .await
                    .unwrap_or_else(|e| panic!("SQLite: cannot open an in-memory database: {e}"));
                Db {
                    backend: Backend::Sqlite,
                    pool: Pool::Sqlite(pool),
                    _namespace: None,
                }
            }
            Backend::Postgres => {
                let namespace = Namespace::create(Backend::Postgres).await;
                let options = PgConnectOptions::from_str(&namespace.url)
                    .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR} is not a valid URL: {e}"))
                    .options([("search_path", namespace.name.as_str())])
                    // Named after the namespace, so its cleanup can end the
                    // pool's connections that are still open (below).
                    .application_name(&namespace.name);
                let pool = PgPoolOptions::new()
                    .max_connections(self.max_connections)
                    .acquire_timeout(Duration::from_secs(20))
                    .after_connect(move |conn, _| {
                        let on_connect = Arc::clone(&on_connect);
                        Box::pin(async move {
                            for sql in on_connect.iter() {
                                conn.execute(AssertSqlSafe(sql.clone())).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL: cannot connect with {POSTGRES_URL_VAR}: {e}")
                    });
                Db {
                    backend: Backend::Postgres,
                    pool: Pool::Postgres(pool),
                    _namespace: Some(Arc::new(namespace)),
                }
            }
            Backend::MySql => {
                let namespace = Namespace::create(Backend::MySql).await;
                let options = MySqlConnectOptions::from_str(&namespace.url)
                    .unwrap_or_else(|e| panic!("{MYSQL_URL_VAR} is not a valid URL: {e}"))
                    .database(&namespace.name);
                let pool = MySqlPoolOptions::new()
                    .max_connections(self.max_connections)
                    .acquire_timeout(Duration::from_secs(20))
                    .after_connect(move |conn, _| {
                        let on_connect = Arc::clone(&on_connect);
                        Box::pin(async move {
                            for sql in on_connect.iter() {
                                conn.execute(AssertSqlSafe(sql.clone())).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await
                    .unwrap_or_else(|e| {
                        panic!("MariaDB: cannot connect with {MYSQL_URL_VAR}: {e}")
                    });
                Db {
                    backend: Backend::MySql,
                    pool: Pool::Mysql(pool),
                    _namespace: Some(Arc::new(namespace)),
                }
            }
        }
    }
}

/// Runs `body` with `pool` bound to `db`'s pool, typed for its backend:
/// `with_pool!(db, |pool| scenario(&db, pool).await)`.
#[macro_export]
macro_rules! with_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db.backend() {
            $crate::common::Backend::Sqlite => {
                let $pool = $db.sqlite_pool();
                $body
            }
            $crate::common::Backend::Postgres => {
                let $pool = $db.postgres_pool();
                $body
            }
            $crate::common::Backend::MySql => {
                let $pool = $db.mysql_pool();
                $body
            }
        }
    };
}

impl Db {
    /// Connects to `backend` with one connection and no session settings.
    pub async fn connect(backend: Backend) -> Db {
        Db::options(backend).connect().await
    }

    /// Options for connecting to `backend`, to set before
    /// [`connect`](DbOptions::connect).
    pub fn options(backend: Backend) -> DbOptions {
        DbOptions {
            backend,
            max_connections: 1,
            on_connect: Vec::new(),
        }
    }

    /// The backend this pool talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// `CREATE TABLE table (name type, ...)` with the identifiers quoted and
    /// the types mapped for this backend.
    pub async fn create_table(&self, table: &str, columns: &[(&str, SqlType)]) {
        let columns = columns
            .iter()
            .map(|(name, ty)| {
                format!(
                    "{} {}",
                    self.backend.quote(name),
                    self.backend.column_type(*ty)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        self.raw(&format!(
            "CREATE TABLE {} ({columns})",
            self.backend.quote(table)
        ))
        .await;
    }

    /// Runs hand-written SQL (DDL, session settings); panics on error.
    pub async fn raw(&self, sql: &str) {
        let result = match &self.pool {
            Pool::Sqlite(pool) => pool.execute(AssertSqlSafe(sql.to_owned())).await.map(drop),
            Pool::Postgres(pool) => pool.execute(AssertSqlSafe(sql.to_owned())).await.map(drop),
            Pool::Mysql(pool) => pool.execute(AssertSqlSafe(sql.to_owned())).await.map(drop),
        };
        if let Err(e) = result {
            panic!("{}: `{sql}` failed: {e}", self.backend);
        }
    }

    /// The SQL `stmt` renders to on this backend, values inlined: for messages.
    pub fn sql<S: SqlxBinder>(&self, stmt: &S) -> String {
        self.build(stmt).0
    }

    fn build<S: SqlxBinder>(&self, stmt: &S) -> (String, sea_query_sqlx::SqlxValues) {
        match self.backend {
            Backend::Sqlite => stmt.build_sqlx(SqliteQueryBuilder),
            Backend::Postgres => stmt.build_sqlx(PostgresQueryBuilder),
            Backend::MySql => stmt.build_sqlx(MysqlQueryBuilder),
        }
    }

    /// Executes `stmt` and returns the rows it affected; panics with the
    /// backend, the SQL and the error if the backend rejects it.
    pub async fn execute<S: SqlxBinder>(&self, stmt: &S) -> u64 {
        self.try_execute(stmt)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`execute`](Self::execute) that returns the failure as a message
    /// (backend, SQL, error) instead of panicking.
    pub async fn try_execute<S: SqlxBinder>(&self, stmt: &S) -> Result<u64, String> {
        self.try_execute_sqlx(stmt)
            .await
            .map_err(|e| format!("{}: `{}` failed: {e}", self.backend, self.sql(stmt)))
    }

    /// [`execute`](Self::execute) that returns the driver's error as it is,
    /// for tests that expect the database to refuse a write
    /// (`sqlx::Error::Database(e)` with `e.is_unique_violation()`).
    pub async fn try_execute_sqlx<S: SqlxBinder>(&self, stmt: &S) -> Result<u64, sqlx::Error> {
        let (sql, values) = self.build(stmt);
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::query_with(AssertSqlSafe(sql), values)
                .execute(pool)
                .await
                .map(|done| done.rows_affected()),
            Pool::Postgres(pool) => sqlx::query_with(AssertSqlSafe(sql), values)
                .execute(pool)
                .await
                .map(|done| done.rows_affected()),
            Pool::Mysql(pool) => sqlx::query_with(AssertSqlSafe(sql), values)
                .execute(pool)
                .await
                .map(|done| done.rows_affected()),
        }
    }

    /// Runs `statements` in order in one transaction (`pool.begin()` ...
    /// `tx.commit()`) and returns the rows each affected; on an error the
    /// transaction is rolled back and the test panics with the backend, the
    /// statement's SQL and the error.
    pub async fn transaction<S: SqlxBinder>(&self, statements: &[S]) -> Vec<u64> {
        let built: Vec<_> = statements.iter().map(|stmt| self.build(stmt)).collect();
        let backend = self.backend;
        // One body for the three pool types, whose transactions differ in type.
        macro_rules! in_transaction {
            ($pool:expr) => {{
                let mut tx = $pool
                    .begin()
                    .await
                    .unwrap_or_else(|e| panic!("{backend}: BEGIN failed: {e}"));
                let mut affected = Vec::with_capacity(built.len());
                for (sql, values) in built {
                    let done = sqlx::query_with(AssertSqlSafe(sql.clone()), values)
                        .execute(&mut *tx)
                        .await
                        .unwrap_or_else(|e| {
                            panic!("{backend}: `{sql}` failed in a transaction (rolled back): {e}")
                        });
                    affected.push(done.rows_affected());
                }
                tx.commit()
                    .await
                    .unwrap_or_else(|e| panic!("{backend}: COMMIT failed: {e}"));
                affected
            }};
        }
        match &self.pool {
            Pool::Sqlite(pool) => in_transaction!(pool),
            Pool::Postgres(pool) => in_transaction!(pool),
            Pool::Mysql(pool) => in_transaction!(pool),
        }
    }

    /// Runs `stmt` (a SELECT, or a write with RETURNING on PostgreSQL) and
    /// decodes every row with [`FromRow`].
    pub async fn fetch<T: FromRow, S: SqlxBinder>(&self, stmt: &S) -> Vec<T> {
        let (sql, values) = self.build(stmt);
        let rows = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query_with(AssertSqlSafe(sql.clone()), values)
                .fetch_all(pool)
                .await
                .map(|rows| rows.into_iter().map(Inner::Sqlite).collect::<Vec<_>>()),
            Pool::Postgres(pool) => sqlx::query_with(AssertSqlSafe(sql.clone()), values)
                .fetch_all(pool)
                .await
                .map(|rows| rows.into_iter().map(Inner::Postgres).collect()),
            Pool::Mysql(pool) => sqlx::query_with(AssertSqlSafe(sql.clone()), values)
                .fetch_all(pool)
                .await
                .map(|rows| rows.into_iter().map(Inner::Mysql).collect()),
        }
        .unwrap_or_else(|e| panic!("{}: `{sql}` failed: {e}", self.backend));
        rows.into_iter()
            .map(|inner| {
                T::from_row(&Row {
                    backend: self.backend,
                    sql: &sql,
                    inner,
                })
            })
            .collect()
    }

    /// Runs hand-written SQL that returns rows (`EXPLAIN`, catalog queries)
    /// and decodes each with [`FromRow`]; panics on error.
    pub async fn fetch_sql<T: FromRow>(&self, sql: &str) -> Vec<T> {
        let rows = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query(AssertSqlSafe(sql.to_owned()))
                .fetch_all(pool)
                .await
                .map(|rows| rows.into_iter().map(Inner::Sqlite).collect::<Vec<_>>()),
            Pool::Postgres(pool) => sqlx::query(AssertSqlSafe(sql.to_owned()))
                .fetch_all(pool)
                .await
                .map(|rows| rows.into_iter().map(Inner::Postgres).collect()),
            Pool::Mysql(pool) => sqlx::query(AssertSqlSafe(sql.to_owned()))
                .fetch_all(pool)
                .await
                .map(|rows| rows.into_iter().map(Inner::Mysql).collect()),
        }
        .unwrap_or_else(|e| panic!("{}: `{sql}` failed: {e}", self.backend));
        rows.into_iter()
            .map(|inner| {
                T::from_row(&Row {
                    backend: self.backend,
                    sql,
                    inner,
                })
            })
            .collect()
    }

    /// The primary keys `select` returns, ascending.
    pub async fn ids<T: SoftDelete>(&self, select: &SelectStatement) -> Vec<i64> {
        struct Id<T>(i64, std::marker::PhantomData<T>);
        impl<T: SoftDelete> FromRow for Id<T> {
            fn from_row(row: &Row<'_>) -> Self {
                Id(row.get(T::PRIMARY_KEY), std::marker::PhantomData)
            }
        }
        let mut ids: Vec<i64> = self
            .fetch::<Id<T>, _>(select)
            .await
            .into_iter()
            .map(|id| id.0)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The PostgreSQL pool, for tests that need sqlx directly (transactions).
    pub fn postgres_pool(&self) -> &PgPool {
        match &self.pool {
            Pool::Postgres(pool) => pool,
            _ => panic!("{} is not PostgreSQL", self.backend),
        }
    }

    /// The names of the indexes on `table` other than the primary key's,
    /// sorted, as the catalog holds them.
    pub async fn index_names(&self, table: &str) -> Vec<String> {
        let sql = match self.backend {
            Backend::Sqlite => format!(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' AND sql IS NOT NULL"
            ),
            Backend::Postgres => format!(
                "SELECT indexname::text AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = '{table}' AND indexname NOT LIKE '%_pkey'"
            ),
            Backend::MySql => format!(
                "SELECT DISTINCT CAST(index_name AS CHAR) AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = '{table}' AND index_name <> 'PRIMARY'"
            ),
        };
        let mut names: Vec<String> = self
            .fetch_sql::<IndexName>(&sql)
            .await
            .into_iter()
            .map(|name| name.0)
            .collect();
        names.sort();
        names
    }

    /// The SQLite pool (its one connection holds the in-memory database).
    pub fn sqlite_pool(&self) -> &SqlitePool {
        match &self.pool {
            Pool::Sqlite(pool) => pool,
            _ => panic!("{} is not SQLite", self.backend),
        }
    }

    /// The MariaDB pool.
    pub fn mysql_pool(&self) -> &MySqlPool {
        match &self.pool {
            Pool::Mysql(pool) => pool,
            _ => panic!("{} is not MariaDB", self.backend),
        }
    }
}

/// One index name, from a catalog query.
struct IndexName(String);

impl FromRow for IndexName {
    fn from_row(row: &Row<'_>) -> Self {
        IndexName(row.get("name"))
    }
}

/// A value decodable from a column on all three backends.
pub trait Cell:
    Sized
    + Send
    + sqlx::Type<Postgres>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<MySql>
    + for<'r> sqlx::Decode<'r, MySql>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Sqlite>
{
}

impl<T> Cell for T where
    T: Sized
        + Send
        + sqlx::Type<Postgres>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<MySql>
        + for<'r> sqlx::Decode<'r, MySql>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Sqlite>
{
}

enum Inner {
    Sqlite(SqliteRow),
    Postgres(PgRow),
    Mysql(MySqlRow),
}

/// One fetched row, whatever the backend.
pub struct Row<'a> {
    backend: Backend,
    sql: &'a str,
    inner: Inner,
}

impl Row<'_> {
    /// The value of `column`; panics naming the backend, column and query if
    /// it is missing or of another type.
    pub fn get<T: Cell>(&self, column: &str) -> T {
        let value = match &self.inner {
            Inner::Sqlite(row) => row.try_get::<T, _>(column),
            Inner::Postgres(row) => row.try_get::<T, _>(column),
            Inner::Mysql(row) => row.try_get::<T, _>(column),
        };
        value.unwrap_or_else(|e| {
            panic!(
                "{}: cannot read column `{column}` of `{}`: {e}",
                self.backend, self.sql
            )
        })
    }
}

/// A value built from a fetched row, for [`Db::fetch`].
pub trait FromRow {
    /// Reads the columns this type needs.
    fn from_row(row: &Row<'_>) -> Self;
}

/// A PostgreSQL schema or MariaDB database private to one [`Db`], dropped
/// (with its tables) on drop.
struct Namespace {
    backend: Backend,
    url: String,
    name: String,
}

impl Namespace {
    async fn create(backend: Backend) -> Namespace {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() % 1_000_000_000);
        let name = format!(
            "sd_test_{}_{}_{started}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let url = backend.url();
        let quoted = backend.quote(&name);
        let sql = match backend {
            Backend::Postgres => format!("CREATE SCHEMA {quoted}"),
            Backend::MySql => format!("CREATE DATABASE {quoted}"),
            Backend::Sqlite => unreachable!("SQLite databases are private already"),
        };
        admin(backend, &url, &sql).await.unwrap_or_else(|e| {
            panic!(
                "{backend}: cannot create the test namespace with {}: {e}",
                backend.url_var().unwrap_or_default()
            )
        });
        Namespace { backend, url, name }
    }
}

/// Runs `sql` on a connection of its own, outside any pool.
async fn admin(backend: Backend, url: &str, sql: &str) -> Result<(), sqlx::Error> {
    match backend {
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await?;
            // A connection of a failed test may still hold a lock: give up
            // rather than hang.
            conn.execute("SET lock_timeout = '20s'").await?;
            conn.execute(AssertSqlSafe(sql.to_owned())).await?;
            conn.close().await
        }
        Backend::MySql => {
            let mut conn = sqlx::MySqlConnection::connect(url).await?;
            conn.execute("SET SESSION lock_wait_timeout = 20").await?;
            if let Some(database) = sql.strip_prefix("DROP DATABASE IF EXISTS `") {
                // As on PostgreSQL (see `Namespace::drop`): end the
                // namespace's own connections before dropping it.
                let database = database.trim_end_matches('`').replace("``", "`");
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()",
                )
                .bind(database)
                .fetch_all(&mut conn)
                .await?;
                for id in ids {
                    // It may have ended meanwhile.
                    let _ = conn.execute(AssertSqlSafe(format!("KILL {id}"))).await;
                }
            }
            conn.execute(AssertSqlSafe(sql.to_owned())).await?;
            conn.close().await
        }
        Backend::Sqlite => Ok(()),
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let quoted = self.backend.quote(&self.name);
        let sql = match self.backend {
            // The drop runs while the test's runtime is blocked on it, so a
            // pooled connection that was still being given back (a cancelled
            // call's queued rollback) cannot finish and would hold its locks
            // until `lock_timeout`: end the namespace's own connections first.
            Backend::Postgres => format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE application_name = '{}' AND pid <> pg_backend_pid(); \
                 DROP SCHEMA IF EXISTS {quoted} CASCADE",
                self.name.replace('\'', "''")
            ),
            Backend::MySql => format!("DROP DATABASE IF EXISTS {quoted}"),
            Backend::Sqlite => return,
        };
        // Drop may run inside the test's runtime (which must not block on
        // itself) or during a panic: use a thread with a runtime of its own.
        let result = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| e.to_string())?
                        .block_on(admin(self.backend, &self.url, &sql))
                        .map_err(|e| e.to_string())
                })
                .join()
        });
        let failure = match result {
            Ok(Ok(())) => return,
            Ok(Err(e)) => format!("{}: cleanup `{sql}` failed: {e}", self.backend),
            Err(_) => format!("{}: cleanup `{sql}` panicked", self.backend),
        };
        // Leaving tables behind fails a passing test; a failing one already
        // reports its own cause, which a second panic would turn into an abort.
        if std::thread::panicking() {
            eprintln!("{failure}");
        } else {
            panic!("{failure}");
        }
    }
}

/// Whether a row, trashed or not, is in the view `mode`: what the scope of
/// `mode` must let through.
pub fn seen(mode: soft_delete::TrashMode, trashed: bool) -> bool {
    match mode {
        soft_delete::TrashMode::WithoutTrashed => !trashed,
        soft_delete::TrashMode::WithTrashed => true,
        soft_delete::TrashMode::OnlyTrashed => trashed,
    }
}

/// A timestamp-marked model of a test file, and how to read its marker.
pub trait TimestampModel: SoftDelete<Id = i64> + soft_delete::RecordsDeletionTime + Sized {
    /// The marker's column type in the harness.
    const MARKER_TYPE: SqlType;
    /// The marker of a fetched row, as an instant.
    fn marker_of(row: &Row<'_>) -> Option<chrono::DateTime<chrono::Utc>>;
}

/// The marker of a fetched row of `T`.
struct Marked<T>(
    Option<chrono::DateTime<chrono::Utc>>,
    std::marker::PhantomData<T>,
);

impl<T: TimestampModel> FromRow for Marked<T> {
    fn from_row(row: &Row<'_>) -> Self {
        Marked(T::marker_of(row), std::marker::PhantomData)
    }
}

/// The stored marker of row `id` of `T`, trashed or not, read through the
/// model's field type.
pub async fn marker<T: TimestampModel>(db: &Db, id: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    let rows = db
        .fetch::<Marked<T>, _>(&T::find_in(id, soft_delete::TrashMode::WithTrashed))
        .await;
    assert_eq!(rows.len(), 1, "{}: row {id} should exist", db.backend());
    rows[0].0
}
