//! [`Run`]: any sea-query statement executed on any sqlx executor, rendered
//! for the executor's database.

use std::future::Future;

use crate::sea_query::QueryStatementWriter;
use ::sqlx::{AssertSqlSafe, Database, Executor, FromRow};

use super::Dialect;

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::sea_query::SelectStatement {}
    impl Sealed for crate::sea_query::InsertStatement {}
    impl Sealed for crate::sea_query::UpdateStatement {}
    impl Sealed for crate::sea_query::DeleteStatement {}
}

/// Executes a sea-query statement on a sqlx executor (`&Pool<DB>`,
/// `&mut DB::Connection`, `&mut *transaction`), rendering it for the
/// executor's database: a SQLite pool is never handed PostgreSQL SQL.
///
/// Implemented for sea-query's [`SelectStatement`](crate::sea_query::SelectStatement),
/// [`InsertStatement`](crate::sea_query::InsertStatement),
/// [`UpdateStatement`](crate::sea_query::UpdateStatement) and
/// [`DeleteStatement`](crate::sea_query::DeleteStatement); rows decode through
/// [`sqlx::FromRow`](::sqlx::FromRow).
///
/// ```
/// use soft_delete::sqlx::Run;
/// use soft_delete::SoftDelete;
///
/// #[derive(Debug, SoftDelete, sqlx::FromRow)]
/// #[soft_delete(table = "posts")]
/// struct Post { id: i64, title: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
/// sqlx::query("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, deleted_at TEXT)")
///     .execute(&pool)
///     .await?;
/// sqlx::query("INSERT INTO posts (id, title) VALUES (1, 'Hello'), (2, 'World')")
///     .execute(&pool)
///     .await?;
///
/// assert_eq!(Post::delete_by_id(2).execute(&pool).await?, 1);
/// let live: Vec<Post> = Post::query().fetch_all(&pool).await?;
/// assert_eq!(live.len(), 1);
/// let trashed: Option<Post> = Post::only_trashed().fetch_optional(&pool).await?;
/// assert_eq!(trashed.map(|post| post.id), Some(2));
/// # Ok::<(), sqlx::Error>(())
/// # }).unwrap();
/// ```
pub trait Run: sealed::Sealed {
    /// Runs the statement; the number of rows it affected.
    fn execute<'e, 'c: 'e, E>(
        &self,
        executor: E,
    ) -> impl Future<Output = Result<u64, ::sqlx::Error>> + Send + 'e
    where
        E: Executor<'c> + 'e,
        E::Database: Dialect;

    /// Every row the statement returns.
    fn fetch_all<'e, 'c: 'e, T, E>(
        &self,
        executor: E,
    ) -> impl Future<Output = Result<Vec<T>, ::sqlx::Error>> + Send + 'e
    where
        E: Executor<'c> + 'e,
        E::Database: Dialect,
        T: for<'r> FromRow<'r, <E::Database as Database>::Row> + Send + 'e;

    /// The first row the statement returns, if any.
    fn fetch_optional<'e, 'c: 'e, T, E>(
        &self,
        executor: E,
    ) -> impl Future<Output = Result<Option<T>, ::sqlx::Error>> + Send + 'e
    where
        E: Executor<'c> + 'e,
        E::Database: Dialect,
        T: for<'r> FromRow<'r, <E::Database as Database>::Row> + Send + 'e;

    /// The first row the statement returns; [`sqlx::Error::RowNotFound`](::sqlx::Error::RowNotFound)
    /// when there is none.
    fn fetch_one<'e, 'c: 'e, T, E>(
        &self,
        executor: E,
    ) -> impl Future<Output = Result<T, ::sqlx::Error>> + Send + 'e
    where
        E: Executor<'c> + 'e,
        E::Database: Dialect,
        T: for<'r> FromRow<'r, <E::Database as Database>::Row> + Send + 'e;
}

/// `statement` rendered for `DB`, its values guarded
/// ([`prepare`](crate::__layer::value::prepare)): a value the database
/// cannot hold is sqlx's encode error, and nothing is sent.
pub(crate) fn query<DB: Dialect>(
    statement: &impl QueryStatementWriter,
) -> Result<::sqlx::query::Query<'static, DB, DB::Values>, ::sqlx::Error> {
    let (sql, values) = DB::BACKEND.build(statement);
    let (sql, values) = crate::__layer::value::prepare(DB::BACKEND, sql.into(), values)
        .map_err(|error| ::sqlx::Error::Encode(Box::new(error)))?;
    Ok(::sqlx::query_with(AssertSqlSafe(sql), DB::bind(values)))
}

impl<S: QueryStatementWriter + sealed::Sealed> Run for S {
    fn execute<'e, 'c: 'e, E>(
        &self,
        executor: E,
    ) -> impl Future<Output = Result<u64, ::sqlx::Error>> + Send + 'e
    where
        E: Executor<'c> + 'e,
        E::Database: Dialect,
    {
        let running = query::<E::Database>(self).map(|query| executor.execute(query));
        async move {
            let result = running?.await?;
            Ok(<E::Database as Dialect>::rows_affected(&result))
        }
    }

    fn fetch_all<'e, 'c: 'e, T, E>(
        &self,
        executor: E,
    ) -> impl Future<Output = Result<Vec<T>, ::sqlx::Error>> + Send + 'e
    where
        E: Executor<'c> + 'e,
        E::Database: Dialect,
        T: for<'r> FromRow<'r, <E::Database as Database>::Row> + Send + 'e,
    {
        let running = query::<E::Database>(self).map(|query| executor.fetch_all(query));
        async move { running?.await?.iter().map(T::from_row).collect() }
    }

    fn fetch_optional<'e, 'c: 'e, T, E>(
        &self,
        executor: E,
    ) -> impl Future<Output = Result<Option<T>, ::sqlx::Error>> + Send + 'e
    where
        E: Executor<'c> + 'e,
        E::Database: Dialect,
        T: for<'r> FromRow<'r, <E::Database as Database>::Row> + Send + 'e,
    {
        let running = query::<E::Database>(self).map(|query| executor.fetch_optional(query));
        async move { running?.await?.as_ref().map(T::from_row).transpose() }
    }

    fn fetch_one<'e, 'c: 'e, T, E>(
        &self,
        executor: E,
    ) -> impl Future<Output = Result<T, ::sqlx::Error>> + Send + 'e
    where
        E: Executor<'c> + 'e,
        E::Database: Dialect,
        T: for<'r> FromRow<'r, <E::Database as Database>::Row> + Send + 'e,
    {
        let running = query::<E::Database>(self).map(|query| executor.fetch_one(query));
        async move { T::from_row(&running?.await?) }
    }
}
