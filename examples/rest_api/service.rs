//! The service behind `cargo run --example rest_api`: the `Post` model, the
//! database layer for SQLite, PostgreSQL and MySQL/MariaDB, and the axum
//! router.
//!
//! `tests/test_rest_api.rs` includes this file as a module and drives
//! [`app`] in-process, so everything here is used by both.

use std::str::FromStr;
use std::time::Duration;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, SecondsFormat, Utc};
use sea_query::{
    ColumnDef, Expr, ExprTrait, MysqlQueryBuilder, Order, PostgresQueryBuilder, Query,
    SelectStatement, SqliteQueryBuilder, Table, TableCreateStatement,
};
use sea_query_sqlx::SqlxBinder;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize, Serializer};
use soft_delete::{SoftDelete, TrashMode};
use sqlx::mysql::{MySqlPool, MySqlPoolOptions};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, ColumnIndex, Decode, Row, Type};

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

/// A blog post; `deleted_at` is the soft-delete marker.
#[derive(Debug, Clone, PartialEq, SoftDelete, Serialize)]
#[soft_delete(table = "posts")]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub body: String,
    #[serde(serialize_with = "rfc3339")]
    pub deleted_at: Option<DateTime<Utc>>,
}

/// `deleted_at` as RFC 3339 in UTC with microseconds, or `null`.
fn rfc3339<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serializer.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Micros, true)),
        None => serializer.serialize_none(),
    }
}

/// Reads a `Post` from a row of any of the three backends, by column name.
impl<'r, R> sqlx::FromRow<'r, R> for Post
where
    R: Row,
    &'r str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    DateTime<Utc>: Decode<'r, R::Database> + Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(Post {
            id: row.try_get("id")?,
            title: row.try_get("title")?,
            body: row.try_get("body")?,
            deleted_at: row.try_get("deleted_at")?,
        })
    }
}

/// Body of `POST /posts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPost {
    pub title: String,
    pub body: String,
}

/// Body of `PATCH /posts/{id}`: the fields to change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostPatch {
    pub title: Option<String>,
    pub body: Option<String>,
}

// ---------------------------------------------------------------------------
// The database
// ---------------------------------------------------------------------------

/// A connection pool to one of the supported backends.
#[derive(Debug, Clone)]
pub enum Database {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    MySql(MySqlPool),
}

/// Runs `$body` with `$pool` bound to the pool and `$builder` to the
/// matching sea-query builder, once per backend (so the types are concrete).
macro_rules! on_backend {
    ($db:expr, |$pool:ident, $builder:ident| $body:expr) => {
        match $db {
            Database::Sqlite($pool) => {
                let $builder = SqliteQueryBuilder;
                $body
            }
            Database::Postgres($pool) => {
                let $builder = PostgresQueryBuilder;
                $body
            }
            Database::MySql($pool) => {
                let $builder = MysqlQueryBuilder;
                $body
            }
        }
    };
}

impl Database {
    /// Connects to `url` (`sqlite:…`, `postgres://…`, `mysql://…` or
    /// `mariadb://…`) and creates the `posts` table if it does not exist.
    ///
    /// An in-memory SQLite database (`sqlite::memory:`) lives as long as its
    /// one connection, so the pool keeps exactly one, forever. A file SQLite
    /// database is created if missing.
    pub async fn open(url: &str) -> Result<Self, sqlx::Error> {
        let database = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?.create_if_missing(true);
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let pool = if in_memory {
                SqlitePoolOptions::new()
                    .min_connections(1)
                    .max_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
            } else {
                SqlitePoolOptions::new()
            };
            Database::Sqlite(pool.connect_with(options).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Database::Postgres(
                PgPoolOptions::new()
                    .acquire_timeout(Duration::from_secs(5))
                    .connect(url)
                    .await?,
            )
        } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
            Database::MySql(
                MySqlPoolOptions::new()
                    .acquire_timeout(Duration::from_secs(5))
                    .connect(url)
                    .await?,
            )
        } else {
            return Err(sqlx::Error::Configuration(
                format!(
                    "unsupported database URL `{url}`: expected sqlite:, postgres://, mysql:// or mariadb://"
                )
                .into(),
            ));
        };
        database.create_table().await?;
        Ok(database)
    }

    /// The backend's name: `sqlite`, `postgres` or `mysql`.
    pub fn backend(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "sqlite",
            Database::Postgres(_) => "postgres",
            Database::MySql(_) => "mysql",
        }
    }

    /// `CREATE TABLE IF NOT EXISTS posts (…)`, rendered for the backend.
    async fn create_table(&self) -> Result<(), sqlx::Error> {
        let mut deleted_at = ColumnDef::new(PostColumn::DeletedAt);
        if let Database::MySql(_) = self {
            // `timestamp` would keep whole seconds only, and without an
            // explicit NULL old MySQL versions make it NOT NULL DEFAULT now().
            deleted_at.custom("timestamp(6)");
        } else {
            deleted_at.timestamp_with_time_zone();
        }
        deleted_at.null();
        let table: TableCreateStatement = Table::create()
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
            .col(deleted_at)
            .to_owned();
        on_backend!(self, |pool, builder| {
            sqlx::query(AssertSqlSafe(table.build(builder)))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Every row `select` returns.
    async fn fetch_all(&self, select: &SelectStatement) -> Result<Vec<Post>, sqlx::Error> {
        on_backend!(self, |pool, builder| {
            let (sql, values) = select.build_sqlx(builder);
            sqlx::query_as_with(AssertSqlSafe(sql), values)
                .fetch_all(pool)
                .await
        })
    }

    /// The first row `select` returns, if any.
    async fn fetch_optional(&self, select: &SelectStatement) -> Result<Option<Post>, sqlx::Error> {
        on_backend!(self, |pool, builder| {
            let (sql, values) = select.build_sqlx(builder);
            sqlx::query_as_with(AssertSqlSafe(sql), values)
                .fetch_optional(pool)
                .await
        })
    }

    /// Runs an UPDATE or DELETE; returns how many rows it matched.
    async fn execute(&self, statement: &impl SqlxBinder) -> Result<u64, sqlx::Error> {
        on_backend!(self, |pool, builder| {
            let (sql, values) = statement.build_sqlx(builder);
            Ok(sqlx::query_with(AssertSqlSafe(sql), values)
                .execute(pool)
                .await?
                .rows_affected())
        })
    }

    /// Inserts a live post and returns its id. PostgreSQL reports the id
    /// through `RETURNING`; SQLite and MySQL (which has no `RETURNING`)
    /// through the last insert id.
    async fn insert(&self, post: NewPost) -> Result<i64, sqlx::Error> {
        let mut insert = Query::insert();
        insert
            .into_table(PostColumn::Table)
            .columns([PostColumn::Title, PostColumn::Body])
            .values_panic([post.title.into(), post.body.into()]);
        match self {
            Database::Sqlite(pool) => {
                let (sql, values) = insert.build_sqlx(SqliteQueryBuilder);
                let done = sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(pool)
                    .await?;
                Ok(done.last_insert_rowid())
            }
            Database::Postgres(pool) => {
                insert.returning_col(PostColumn::Id);
                let (sql, values) = insert.build_sqlx(PostgresQueryBuilder);
                let row = sqlx::query_with(AssertSqlSafe(sql), values)
                    .fetch_one(pool)
                    .await?;
                row.try_get("id")
            }
            Database::MySql(pool) => {
                let (sql, values) = insert.build_sqlx(MysqlQueryBuilder);
                let done = sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(pool)
                    .await?;
                i64::try_from(done.last_insert_id())
                    .map_err(|error| sqlx::Error::Decode(Box::new(error)))
            }
        }
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

impl From<soft_delete::ParseTrashModeError> for ApiError {
    fn from(error: soft_delete::ParseTrashModeError) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            format!("invalid `trashed` parameter: {error}"),
        )
    }
}

/// A database error is the server's fault: logged in full, answered with a
/// 500 that does not leak SQL or connection details.
impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        eprintln!("database error: {error}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "database error")
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

/// `?trashed=without|with|only`, parsed with `TrashMode`'s `FromStr`.
#[derive(Debug, Deserialize)]
pub struct TrashedParam {
    trashed: Option<String>,
}

impl TrashedParam {
    fn mode(&self) -> Result<TrashMode, ApiError> {
        match &self.trashed {
            Some(text) => Ok(text.parse()?),
            None => Ok(TrashMode::default()),
        }
    }
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

/// The router: every route of the `posts` resource, with JSON errors for
/// unknown paths and methods too.
pub fn app(database: Database) -> Router {
    Router::new()
        .route("/posts", get(list_posts).post(create_post))
        .route(
            "/posts/{id}",
            get(show_post).patch(update_post).delete(delete_post),
        )
        .route("/posts/{id}/restore", post(restore_post))
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(database)
}

fn post_id_is(id: i64) -> Expr {
    Expr::col((PostColumn::Table, PostColumn::Id)).eq(id)
}

/// `GET /posts[?trashed=with|only]`: the posts the mode lets through, by id.
async fn list_posts(
    State(db): State<Database>,
    ApiQuery(param): ApiQuery<TrashedParam>,
) -> Result<Json<Vec<Post>>, ApiError> {
    let mut select = Post::query_in(param.mode()?);
    select.order_by((PostColumn::Table, PostColumn::Id), Order::Asc);
    Ok(Json(db.fetch_all(&select).await?))
}

/// `GET /posts/{id}[?trashed=with|only]`: a trashed post is 404 unless the
/// mode lets it through.
async fn show_post(
    State(db): State<Database>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(param): ApiQuery<TrashedParam>,
) -> Result<Json<Post>, ApiError> {
    let mode = param.mode()?;
    match db.fetch_optional(&Post::find_in(id, mode)).await? {
        Some(post) => Ok(Json(post)),
        None => Err(ApiError::not_found(match mode {
            TrashMode::WithoutTrashed => format!("no live post with id {id}"),
            TrashMode::WithTrashed => format!("no post with id {id}, live or trashed"),
            TrashMode::OnlyTrashed => format!("no trashed post with id {id}"),
        })),
    }
}

/// `POST /posts`: 201 with the new post.
async fn create_post(
    State(db): State<Database>,
    ApiJson(new): ApiJson<NewPost>,
) -> Result<(StatusCode, Json<Post>), ApiError> {
    let id = db.insert(new).await?;
    let post = db
        .fetch_optional(&Post::find_in(id, TrashMode::WithTrashed))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("post {id} vanished after insert")))?;
    Ok((StatusCode::CREATED, Json(post)))
}

/// `PATCH /posts/{id}`: `Post::update()` only sees live posts, so a trashed
/// post is 404 and stays unchanged.
async fn update_post(
    State(db): State<Database>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<PostPatch>,
) -> Result<Json<Post>, ApiError> {
    let not_found = || ApiError::not_found(format!("no live post with id {id}"));
    if patch.title.is_some() || patch.body.is_some() {
        let mut update = Post::update();
        if let Some(title) = patch.title {
            update.value(PostColumn::Title, title);
        }
        if let Some(body) = patch.body {
            update.value(PostColumn::Body, body);
        }
        update.and_where(post_id_is(id));
        if db.execute(&update).await? == 0 {
            return Err(not_found());
        }
    }
    let post = db.fetch_optional(&Post::find(id)).await?;
    post.map(Json).ok_or_else(not_found)
}

/// `DELETE /posts/{id}[?force=true]`: soft delete (404 if trashed or
/// absent), or hard delete (404 if absent).
async fn delete_post(
    State(db): State<Database>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(param): ApiQuery<ForceParam>,
) -> Result<StatusCode, ApiError> {
    let (deleted, missing) = if param.force {
        (
            db.execute(&Post::force_delete_by_id(id)).await?,
            format!("no post with id {id}"),
        )
    } else {
        (
            db.execute(&Post::delete_by_id(id)).await?,
            format!("no live post with id {id}"),
        )
    };
    if deleted == 0 {
        return Err(ApiError::not_found(missing));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /posts/{id}/restore`: 200 with the restored post; 404 if the post
/// is live or absent.
async fn restore_post(
    State(db): State<Database>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Post>, ApiError> {
    let not_found = || ApiError::not_found(format!("no trashed post with id {id}"));
    if db.execute(&Post::restore_by_id(id)).await? == 0 {
        return Err(not_found());
    }
    let post = db.fetch_optional(&Post::find(id)).await?;
    post.map(Json).ok_or_else(not_found)
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
