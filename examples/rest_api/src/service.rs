//! The service behind `cargo run -p soft-delete-rest-api --bin rest_api`:
//! the `Post` model (titles unique among live posts), the database it runs
//! on through `soft_delete::sqlx` (SQLite, PostgreSQL, MySQL/MariaDB), the
//! input limits, and the axum router.
//!
//! The routes ask the database for what they need through [`Store`]; every
//! `soft_delete::sqlx` call of the service is in its implementation for
//! [`Posts`]. `tests/test_rest_api.rs` and `tests/test_rest_served.rs`
//! include this file as a module, and so does `examples/rest_api_by_hand`,
//! the REST load benchmark's baseline: the same routes over a [`Store`]
//! written by hand with sqlx.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, SecondsFormat, Utc};
use sea_query::{ColumnDef, Expr, ExprTrait, Index, Order, Table, Value};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize, Serializer};
use soft_delete::sqlx::{Dialect, Model, Run, SoftDeleteExt};
use soft_delete::{Backend, Holder, Schema, SoftDelete, TrashMode, Written};
use sqlx::mysql::{MySql, MySqlConnectOptions, MySqlPoolOptions};
use sqlx::pool::PoolOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, Postgres};
use sqlx::sqlite::{Sqlite, SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, Connection, Pool};

// ---------------------------------------------------------------------------
// The model and its input
// ---------------------------------------------------------------------------

/// A blog post; `deleted_at` is the soft-delete marker. Its title is its
/// natural key: unique among live posts (`unique(title)`, and the index
/// [`Post::unique_indexes`] gives), so a trashed post keeps its title and
/// `POST /posts?restore_trashed=true` can bring it back by that title.
#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow, Serialize)]
#[soft_delete(table = "posts", unique(title))]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub body: String,
    #[serde(serialize_with = "rfc3339")]
    pub deleted_at: Option<DateTime<Utc>>,
}

/// `deleted_at` as RFC 3339 in UTC with microseconds, or `null`.
#[allow(
    clippy::ref_option,
    reason = "serde's `serialize_with` lends the field as it is"
)]
fn rfc3339<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serializer.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Micros, true)),
        None => serializer.serialize_none(),
    }
}

/// The longest title, in characters: `title` is `varchar(255)` on MySQL.
pub const TITLE_MAX_CHARS: usize = 255;
/// The longest body, in characters: `body` is `text` on MySQL, 65,535
/// bytes, and 16,000 characters of up to 4 bytes each fit.
pub const BODY_MAX_CHARS: usize = 16_000;

/// Body of `POST /posts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPost {
    pub title: String,
    pub body: String,
}

impl NewPost {
    /// The columns of the new row.
    fn values(self) -> [(PostColumn, Value); 2] {
        [
            (PostColumn::Title, self.title.into()),
            (PostColumn::Body, self.body.into()),
        ]
    }
}

/// Body of `PATCH /posts/{id}`: the fields to change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostPatch {
    pub title: Option<String>,
    pub body: Option<String>,
}

impl PostPatch {
    /// The columns to change, the given fields only.
    fn values(self) -> Vec<(PostColumn, Value)> {
        let title = self.title.map(|title| (PostColumn::Title, title.into()));
        let body = self.body.map(|body| (PostColumn::Body, body.into()));
        title.into_iter().chain(body).collect()
    }
}

/// A 422 unless every database can store `value` as `field`: no NUL
/// character (PostgreSQL refuses it in text), at most `max` characters
/// (MySQL refuses longer values). The same answer on every database.
fn storable(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.contains('\0') {
        return Err(ApiError::unprocessable(format!(
            "`{field}` contains a NUL character (U+0000), which cannot be stored"
        )));
    }
    let length = value.chars().count();
    if length > max {
        return Err(ApiError::unprocessable(format!(
            "`{field}` is {length} characters long; the limit is {max}"
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The database
// ---------------------------------------------------------------------------

/// How long start-up waits for the database's first answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The posts of one database: a pool, and for an in-memory SQLite database
/// the connection that keeps it alive.
pub struct Posts<DB: sqlx::Database> {
    pool: Pool<DB>,
    /// An in-memory SQLite database lives while one of its connections is
    /// open; the pool closes its connections when it likes (a client that
    /// hangs up during a ping is enough), so this one stays open, unused.
    keep_alive: Option<Arc<dyn Any + Send + Sync>>,
}

impl<DB: sqlx::Database> Clone for Posts<DB> {
    fn clone(&self) -> Self {
        Posts {
            pool: self.pool.clone(),
            keep_alive: self.keep_alive.clone(),
        }
    }
}

impl<DB: sqlx::Database> Posts<DB> {
    /// The pool, for tests that look at the table behind the service (and
    /// for `rest_api_by_hand`, which runs its own SQL on it).
    #[allow(dead_code, reason = "the example itself does not look")]
    pub fn pool(&self) -> &Pool<DB> {
        &self.pool
    }
}

/// The service's database, one of the three.
pub enum Database {
    Sqlite(Posts<Sqlite>),
    Postgres(Posts<Postgres>),
    MySql(Posts<MySql>),
}

/// Why the database could not be opened. Never shows the URL: it may hold
/// a password.
#[derive(Debug)]
pub enum OpenError {
    /// The URL's scheme is none of the supported ones.
    Unsupported { scheme: Option<String> },
    /// The URL cannot be read (sqlx's message, which quotes no URL).
    BadUrl {
        backend: &'static str,
        cause: String,
    },
    /// `sqlite:` with no file name: every connection would get a private
    /// database of its own.
    NoSqliteFile,
    /// The server at `address` did not answer, or refused.
    Connect {
        backend: &'static str,
        address: String,
        cause: String,
    },
    /// Connected, but `CREATE TABLE posts` or one of its indexes failed
    /// (the unique index of live titles does on a table whose live posts
    /// share a title).
    CreateTable {
        backend: &'static str,
        cause: String,
    },
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Unsupported { scheme: Some(scheme) } => write!(
                f,
                "unsupported database URL scheme `{scheme}:`; expected sqlite:, postgres://, mysql:// or mariadb://"
            ),
            OpenError::Unsupported { scheme: None } => f.write_str(
                "the database URL has no scheme; expected sqlite:, postgres://, mysql:// or mariadb://",
            ),
            OpenError::BadUrl { backend, cause } => {
                write!(f, "cannot read the {backend} URL: {cause}")
            }
            OpenError::NoSqliteFile => f.write_str(
                "`sqlite:` names no file, so each connection would get a private database; \
                 use sqlite::memory: or sqlite://posts.db",
            ),
            OpenError::Connect {
                backend,
                address,
                cause,
            } => write!(f, "cannot connect to {backend} at {address}: {cause}"),
            OpenError::CreateTable { backend, cause } => {
                write!(
                    f,
                    "cannot create the posts table or its indexes on {backend}: {cause}"
                )
            }
        }
    }
}

impl std::error::Error for OpenError {}

impl Database {
    /// Connects to `url` (`sqlite:…`, `postgres://…`, `mysql://…` or
    /// `mariadb://…`) and creates the `posts` table and its indexes if they
    /// do not exist ([`schema`]).
    /// A SQLite file is created if missing.
    ///
    /// # Errors
    ///
    /// [`OpenError`], which says which address failed and why.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        let scheme = url.split_once(':').map(|(scheme, _)| scheme);
        match scheme {
            Some("sqlite") => open_sqlite(url).await,
            Some("postgres" | "postgresql") => {
                let options =
                    PgConnectOptions::from_str(url).map_err(|error| OpenError::BadUrl {
                        backend: "PostgreSQL",
                        cause: error.to_string(),
                    })?;
                let address = format!("{}:{}", options.get_host(), options.get_port());
                let pool = PgPoolOptions::new().acquire_timeout(Duration::from_secs(5));
                let posts = Posts::connect(options, pool, &address, false).await?;
                Ok(Database::Postgres(posts))
            }
            Some("mysql" | "mariadb") => {
                let options =
                    MySqlConnectOptions::from_str(url).map_err(|error| OpenError::BadUrl {
                        backend: "MySQL",
                        cause: error.to_string(),
                    })?;
                let address = format!("{}:{}", options.get_host(), options.get_port());
                let pool = MySqlPoolOptions::new().acquire_timeout(Duration::from_secs(5));
                let posts = Posts::connect(options, pool, &address, false).await?;
                Ok(Database::MySql(posts))
            }
            other => Err(OpenError::Unsupported {
                // A scheme is short and has no secrets; anything longer is
                // not a scheme and may be.
                scheme: other
                    .filter(|scheme| {
                        scheme.len() <= 16 && scheme.bytes().all(|b| b.is_ascii_alphanumeric())
                    })
                    .map(str::to_owned),
            }),
        }
    }

    /// The backend's name: `sqlite`, `postgres` or `mysql`.
    pub fn backend(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "sqlite",
            Database::Postgres(_) => "postgres",
            Database::MySql(_) => "mysql",
        }
    }

    /// The router over this database.
    #[allow(dead_code, reason = "rest_api_by_hand serves a store of its own")]
    pub fn app(self) -> Router {
        match self {
            Database::Sqlite(posts) => app(posts),
            Database::Postgres(posts) => app(posts),
            Database::MySql(posts) => app(posts),
        }
    }
}

/// A SQLite database: a file, or `sqlite::memory:` (one private database
/// per start, kept alive by a connection of its own).
async fn open_sqlite(url: &str) -> Result<Database, OpenError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|error| OpenError::BadUrl {
            backend: "SQLite",
            cause: error.to_string(),
        })?
        .create_if_missing(true);
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let file = options.get_filename().to_string_lossy().into_owned();
    if file.is_empty() {
        return Err(OpenError::NoSqliteFile);
    }
    let address = if in_memory {
        "an in-memory database".to_owned()
    } else {
        format!("`{file}`")
    };
    // In memory, one connection at a time: a shared-cache database locks
    // whole tables, and a writer that finds one locked fails at once.
    let pool = if in_memory {
        SqlitePoolOptions::new().max_connections(1)
    } else {
        SqlitePoolOptions::new()
    };
    let posts = Posts::connect(options, pool, &address, in_memory).await?;
    Ok(Database::Sqlite(posts))
}

/// `CREATE TABLE IF NOT EXISTS posts (…)`: the marker column as the
/// library's schema helper defines it on `backend`.
fn create_posts(backend: Backend) -> String {
    let mut table = Table::create();
    table
        .table(PostColumn::Table)
        .if_not_exists()
        .col(
            ColumnDef::new(PostColumn::Id)
                .big_integer()
                .not_null()
                .auto_increment()
                .primary_key(),
        )
        .col(ColumnDef::new(PostColumn::Title).string().not_null())
        .col(ColumnDef::new(PostColumn::Body).text().not_null())
        .col(Schema::new(backend).marker_column::<Post>());
    if backend == Backend::MySql {
        // Every character a Rust string holds, whatever the server's default.
        table.character_set("utf8mb4");
    }
    backend.render(&table)
}

/// The schema of `posts` on `backend` that the library does not make:
/// `CREATE TABLE IF NOT EXISTS posts`, and on SQLite and PostgreSQL an index
/// of all titles, trashed ones included, for the look-ups of a trashed post
/// by title (create, create-or-restore), which the partial unique index
/// cannot serve; on MySQL the unique index of live titles starts with
/// `title` and serves them. The marker index and the unique index come from
/// the handle's `create_indexes()`, at every start.
pub fn schema(backend: Backend) -> Vec<String> {
    let mut statements = vec![create_posts(backend)];
    if backend != Backend::MySql {
        let mut titles = Index::create();
        titles
            .if_not_exists()
            .name("posts_title_idx")
            .table(PostColumn::Table)
            .col(PostColumn::Title);
        statements.push(backend.render(&titles));
    }
    statements
}

impl<DB: Dialect> Posts<DB>
where
    Post: Model<DB>,
{
    /// Opens one connection (so a failure is reported with its cause, not
    /// as a pool timeout), creates the table on it, then starts the pool;
    /// `keep_first` keeps that connection open for the service's life.
    async fn connect(
        options: <DB::Connection as Connection>::Options,
        pool: PoolOptions<DB>,
        address: &str,
        keep_first: bool,
    ) -> Result<Self, OpenError> {
        let backend = backend_name(DB::BACKEND);
        let connect_failed = |cause: String| OpenError::Connect {
            backend,
            address: address.to_owned(),
            cause,
        };
        let mut first =
            match tokio::time::timeout(CONNECT_TIMEOUT, DB::Connection::connect_with(&options))
                .await
            {
                Ok(Ok(connection)) => connection,
                Ok(Err(error)) => return Err(connect_failed(error.to_string())),
                Err(_) => {
                    return Err(connect_failed(format!(
                        "no answer within {} s",
                        CONNECT_TIMEOUT.as_secs()
                    )))
                }
            };
        create_table::<DB>(&mut first)
            .await
            .map_err(|error| OpenError::CreateTable {
                backend,
                cause: error.to_string(),
            })?;
        let keep_alive: Option<Arc<dyn Any + Send + Sync>> = if keep_first {
            Some(Arc::new(Mutex::new(first)))
        } else {
            // The table exists; a failed goodbye changes nothing.
            let _ = first.close().await;
            None
        };
        Ok(Posts {
            pool: pool.connect_lazy_with(options),
            keep_alive,
        })
    }

    /// The posts of an open `pool`, whose connections all see one database
    /// (the tests' namespaced pools); creates the table through it.
    #[allow(dead_code, reason = "for the tests")]
    pub async fn with_pool(pool: Pool<DB>) -> Result<Self, soft_delete::sqlx::Error> {
        create_table::<DB>(&mut *pool.acquire().await?).await?;
        Ok(Posts {
            pool,
            keep_alive: None,
        })
    }
}

// ---------------------------------------------------------------------------
// What the routes ask of the database
// ---------------------------------------------------------------------------

/// The database operations behind the routes. [`Posts`] implements them
/// with `soft_delete::sqlx`.
pub trait Store: Clone + Send + Sync + 'static {
    /// Up to `limit` posts of `mode`'s view with an id above `after`, by id.
    fn page(
        &self,
        mode: TrashMode,
        after: Option<i64>,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<Post>, ApiError>> + Send;

    /// The post `id` if `mode` lets it be seen.
    fn find(
        &self,
        id: i64,
        mode: TrashMode,
    ) -> impl Future<Output = Result<Option<Post>, ApiError>> + Send;

    /// Inserts a live post; the row the insert produced. A 409 when a post
    /// holds its title: a live one, or else a trashed one, which
    /// [`create_or_restore`](Self::create_or_restore) would restore (looked
    /// up before the insert: a post trashed in between is not seen, and the
    /// insert then succeeds beside it; the unique index stops a post made
    /// live in between).
    fn insert(&self, post: NewPost) -> impl Future<Output = Result<Post, ApiError>> + Send;

    /// Restores the trashed post holding `post`'s title (the most recently
    /// trashed, if several) and gives it `post`'s values, or else inserts
    /// `post`; the row written. A 409 when a live post holds the title
    /// (nothing changed).
    fn create_or_restore(
        &self,
        post: NewPost,
    ) -> impl Future<Output = Result<Written<Post>, ApiError>> + Send;

    /// Applies `patch` (at least one field) to the live post `id`; the row
    /// the update produced, `None` if the post is trashed or absent (then
    /// nothing changed). A 409 when a live post holds the new title; a
    /// trashed one does not stop it (restoring that one is then a 409).
    fn update(
        &self,
        id: i64,
        patch: PostPatch,
    ) -> impl Future<Output = Result<Option<Post>, ApiError>> + Send;

    /// Soft delete of the live post `id`: the trashed row, `None` if
    /// trashed already or absent.
    fn delete(&self, id: i64) -> impl Future<Output = Result<Option<Post>, ApiError>> + Send;

    /// Hard delete of the post `id`, trashed or not: whether it existed.
    fn force_delete(&self, id: i64) -> impl Future<Output = Result<bool, ApiError>> + Send;

    /// Restore of the trashed post `id`: the live row, `None` if live or
    /// absent; a 409 when a live post holds its title now.
    fn restore(&self, id: i64) -> impl Future<Output = Result<Option<Post>, ApiError>> + Send;
}

impl<DB: Dialect> Store for Posts<DB>
where
    Post: Model<DB>,
{
    /// `Post::query_in(mode)`, keyset-paginated on the primary key (a page
    /// costs the same at any depth).
    async fn page(
        &self,
        mode: TrashMode,
        after: Option<i64>,
        limit: u64,
    ) -> Result<Vec<Post>, ApiError> {
        let mut select = Post::query_in(mode);
        if let Some(after) = after {
            select.and_where(Expr::col((PostColumn::Table, PostColumn::Id)).gt(after));
        }
        select
            .order_by((PostColumn::Table, PostColumn::Id), Order::Asc)
            .limit(limit);
        let mut connection = self.pool.acquire().await?;
        Ok(select.fetch_all(DB::executor(&mut connection)).await?)
    }

    async fn find(&self, id: i64, mode: TrashMode) -> Result<Option<Post>, ApiError> {
        Ok(Post::on(&self.pool).find_in(id, mode).await?)
    }

    /// `Post::on(&pool).insert`, after a look for a holder of the title
    /// ([`title_holder`]): the partial unique index lets a new post take the
    /// title of a trashed one, which the service refuses so that the client
    /// can choose to restore it.
    async fn insert(&self, post: NewPost) -> Result<Post, ApiError> {
        let mut connection = self.pool.acquire().await?;
        let holder: Option<Post> = title_holder(&post.title)
            .fetch_optional(DB::executor(&mut connection))
            .await?;
        drop(connection);
        if let Some(holder) = holder {
            return Err(soft_delete::sqlx::Error::Conflict {
                table: Post::TABLE,
                constraint: None,
                holder: if holder.is_trashed() {
                    Holder::Trashed
                } else {
                    Holder::Live
                },
                source: None,
            }
            .into());
        }
        Ok(Post::on(&self.pool).insert(post.values()).await?)
    }

    async fn create_or_restore(&self, post: NewPost) -> Result<Written<Post>, ApiError> {
        Ok(Post::on(&self.pool)
            .create_or_restore(post.values())
            .await?)
    }

    async fn update(&self, id: i64, patch: PostPatch) -> Result<Option<Post>, ApiError> {
        Ok(Post::on(&self.pool).update(id, patch.values()).await?)
    }

    async fn delete(&self, id: i64) -> Result<Option<Post>, ApiError> {
        Ok(Post::on(&self.pool).delete(id).await?)
    }

    async fn force_delete(&self, id: i64) -> Result<bool, ApiError> {
        Ok(Post::on(&self.pool).force_delete(id).await?)
    }

    async fn restore(&self, id: i64) -> Result<Option<Post>, ApiError> {
        Ok(Post::on(&self.pool).restore(id).await?)
    }
}

/// The post holding the title `title`: the live one if any, else the most
/// recently trashed (`deleted_at IS NOT NULL` false first, then the newest
/// deletion), `LIMIT 1`.
pub fn title_holder(title: &str) -> sea_query::SelectStatement {
    let deleted_at = || Expr::col((PostColumn::Table, PostColumn::DeletedAt));
    let mut select = Post::with_trashed();
    select
        .and_where(Expr::col((PostColumn::Table, PostColumn::Title)).eq(title))
        .order_by_expr(deleted_at().is_not_null(), Order::Asc)
        .order_by_expr(deleted_at(), Order::Desc)
        .limit(1);
    select
}

/// Creates the `posts` table and its indexes on `connection`, those that do
/// not exist: safe at every start ([`schema`], then the marker index and
/// the unique index of live titles, which `create_indexes()` creates only
/// where missing, on MySQL too).
async fn create_table<DB: Dialect>(
    connection: &mut DB::Connection,
) -> Result<(), soft_delete::sqlx::Error>
where
    Post: Model<DB>,
{
    for statement in schema(DB::BACKEND) {
        sqlx::raw_sql(AssertSqlSafe(statement))
            .execute(DB::executor(&mut *connection))
            .await?;
    }
    Post::on(DB::source(connection)).create_indexes().await?;
    Ok(())
}

/// A backend's name in messages.
fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "PostgreSQL",
        Backend::MySql => "MySQL",
        Backend::Sqlite => "SQLite",
    }
}

// ---------------------------------------------------------------------------
// Errors and extractors
// ---------------------------------------------------------------------------

/// Every error response: a status and `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// The 409 of a write whose title `holder` holds: the title is the
    /// posts' only unique key.
    pub(crate) fn title_taken(holder: Holder) -> Self {
        let message = match holder {
            Holder::Live => "a live post holds this title: titles are unique among live posts",
            Holder::Trashed => {
                "a trashed post holds this title: `POST /posts?restore_trashed=true` \
                 restores it with the values sent"
            }
            // Gone by the time the service looked.
            _ => "another post held this title: titles are unique among live posts",
        };
        Self::new(StatusCode::CONFLICT, message)
    }

    /// The server's fault: logged in full, answered with a 500 that does not
    /// leak SQL or connection details.
    fn internal(error: &dyn fmt::Display) -> Self {
        eprintln!("database error: {error}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "database error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(serde_json::json!({ "error": self.message }));
        (self.status, body).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        Self::new(rejection.status(), rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::new(rejection.status(), rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::new(rejection.status(), rejection.body_text())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(&error)
    }
}

impl From<soft_delete::sqlx::Error> for ApiError {
    fn from(error: soft_delete::sqlx::Error) -> Self {
        if let soft_delete::sqlx::Error::Conflict { holder, .. } = error {
            return Self::title_taken(holder);
        }
        Self::internal(&error)
    }
}

/// `axum::Json` whose rejection is an [`ApiError`].
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(value) = Json::<T>::from_request(request, state).await?;
        Ok(ApiJson(value))
    }
}

/// `axum::extract::Path` whose rejection is an [`ApiError`].
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(value) =
            axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(ApiPath(value))
    }
}

/// `axum::extract::Query` whose rejection is an [`ApiError`].
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(value))
    }
}

/// `?trashed=…` of `GET /posts/{id}`.
#[derive(Debug, Deserialize)]
pub struct ShowParams {
    /// `without`, `with` or `only`, read by `TrashMode`'s serde support
    /// (soft-delete's `serde` feature).
    #[serde(default)]
    trashed: TrashMode,
}

/// Posts per page of `GET /posts` unless `limit` says otherwise.
pub const DEFAULT_PAGE: u32 = 50;
/// The largest `limit` of `GET /posts`.
pub const MAX_PAGE: u32 = 100;

/// `?trashed=…&after=<id>&limit=<n>` of `GET /posts`.
#[derive(Debug, Deserialize)]
pub struct ListParams {
    /// `without`, `with` or `only` (soft-delete's `serde` feature).
    trashed: Option<TrashMode>,
    after: Option<String>,
    limit: Option<String>,
}

impl ListParams {
    /// The id to start after, if any.
    fn after(&self) -> Result<Option<i64>, ApiError> {
        self.after
            .as_deref()
            .map(|text| {
                text.parse().map_err(|_| {
                    ApiError::bad_request(format!(
                        "invalid `after` parameter: `{text}` is not a post id (a whole number)"
                    ))
                })
            })
            .transpose()
    }

    /// Posts per page: [`DEFAULT_PAGE`], or `limit` from 1 to [`MAX_PAGE`].
    fn limit(&self) -> Result<u32, ApiError> {
        let Some(text) = self.limit.as_deref() else {
            return Ok(DEFAULT_PAGE);
        };
        match text.parse() {
            Ok(limit) if (1..=MAX_PAGE).contains(&limit) => Ok(limit),
            _ => Err(ApiError::bad_request(format!(
                "invalid `limit` parameter: `{text}` is not a whole number from 1 to {MAX_PAGE}"
            ))),
        }
    }
}

/// `?restore_trashed=true|false` of `POST /posts`.
#[derive(Debug, Deserialize)]
pub struct CreateParams {
    #[serde(default)]
    restore_trashed: bool,
}

/// `?force=true|false` of `DELETE /posts/{id}`.
#[derive(Debug, Deserialize)]
pub struct ForceParam {
    #[serde(default)]
    force: bool,
}

// ---------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------

/// The router over `posts` (a [`Posts`] database): every route of the
/// resource, with JSON errors for unknown paths and methods too.
pub fn app<S: Store>(posts: S) -> Router {
    Router::new()
        .route("/posts", get(list_posts::<S>).post(create_post::<S>))
        .route(
            "/posts/{id}",
            get(show_post::<S>)
                .patch(update_post::<S>)
                .delete(delete_post::<S>),
        )
        .route("/posts/{id}/restore", post(restore_post::<S>))
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(posts)
}

/// `GET /posts[?trashed=with|only][&after=<id>][&limit=<n>]`: one page of
/// the posts the mode lets through, by id ([`Store::page`]). When more
/// follow, a `Link: <…>; rel="next"` header gives the next page.
async fn list_posts<S: Store>(
    State(posts): State<S>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, ApiError> {
    let mode = params.trashed.unwrap_or_default();
    let after = params.after()?;
    let limit = params.limit()?;
    // One more than the page, to know whether another page follows.
    let mut page = posts.page(mode, after, u64::from(limit) + 1).await?;
    let another_page = page.len() > limit as usize;
    page.truncate(limit as usize);
    let next = page.last().filter(|_| another_page).map(|last| {
        let trashed = params
            .trashed
            .as_ref()
            .map(|_| format!("&trashed={mode}"))
            .unwrap_or_default();
        format!(
            "</posts?after={}&limit={limit}{trashed}>; rel=\"next\"",
            last.id
        )
    });
    let mut response = Json(page).into_response();
    if let Some(next) = next.and_then(|link| HeaderValue::from_str(&link).ok()) {
        response.headers_mut().insert(header::LINK, next);
    }
    Ok(response)
}

/// `GET /posts/{id}[?trashed=with|only]`: a trashed post is 404 unless the
/// mode lets it through.
async fn show_post<S: Store>(
    State(posts): State<S>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<ShowParams>,
) -> Result<Json<Post>, ApiError> {
    let mode = params.trashed;
    match posts.find(id, mode).await? {
        Some(post) => Ok(Json(post)),
        None => Err(ApiError::not_found(match mode {
            TrashMode::WithoutTrashed => format!("no live post with id {id}"),
            TrashMode::WithTrashed => format!("no post with id {id}, live or trashed"),
            TrashMode::OnlyTrashed => format!("no trashed post with id {id}"),
        })),
    }
}

/// `POST /posts`: 201 with the new post; 409 if a post, live or trashed,
/// holds the title. `POST /posts?restore_trashed=true`: 200 with the
/// trashed post that held the title, restored with the values sent, or 201
/// with a new post; 409 if a live post holds the title.
async fn create_post<S: Store>(
    State(posts): State<S>,
    ApiQuery(params): ApiQuery<CreateParams>,
    ApiJson(new): ApiJson<NewPost>,
) -> Result<(StatusCode, Json<Post>), ApiError> {
    storable("title", &new.title, TITLE_MAX_CHARS)?;
    storable("body", &new.body, BODY_MAX_CHARS)?;
    if !params.restore_trashed {
        return Ok((StatusCode::CREATED, Json(posts.insert(new).await?)));
    }
    Ok(match posts.create_or_restore(new).await? {
        Written::Created(post) => (StatusCode::CREATED, Json(post)),
        Written::Restored(post) => (StatusCode::OK, Json(post)),
    })
}

/// `PATCH /posts/{id}`: only a live post changes; a trashed post is 404 and
/// stays unchanged; a title another live post holds is 409.
async fn update_post<S: Store>(
    State(posts): State<S>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<PostPatch>,
) -> Result<Json<Post>, ApiError> {
    if let Some(title) = &patch.title {
        storable("title", title, TITLE_MAX_CHARS)?;
    }
    if let Some(body) = &patch.body {
        storable("body", body, BODY_MAX_CHARS)?;
    }
    let post = if patch.title.is_none() && patch.body.is_none() {
        posts.find(id, TrashMode::WithoutTrashed).await?
    } else {
        posts.update(id, patch).await?
    };
    post.map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no live post with id {id}")))
}

/// `DELETE /posts/{id}[?force=true]`: soft delete (404 if trashed or
/// absent), or hard delete (404 if absent).
async fn delete_post<S: Store>(
    State(posts): State<S>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(param): ApiQuery<ForceParam>,
) -> Result<StatusCode, ApiError> {
    if param.force {
        if posts.force_delete(id).await? {
            return Ok(StatusCode::NO_CONTENT);
        }
        return Err(ApiError::not_found(format!("no post with id {id}")));
    }
    match posts.delete(id).await? {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(ApiError::not_found(format!("no live post with id {id}"))),
    }
}

/// `POST /posts/{id}/restore`: 200 with the restored post; 404 if the post
/// is live or absent; 409 if a live post holds its title.
async fn restore_post<S: Store>(
    State(posts): State<S>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Post>, ApiError> {
    match posts.restore(id).await? {
        Some(post) => Ok(Json(post)),
        None => Err(ApiError::not_found(format!("no trashed post with id {id}"))),
    }
}

async fn no_route(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route for {method} {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method {method} is not allowed on {}", uri.path()),
    )
}
