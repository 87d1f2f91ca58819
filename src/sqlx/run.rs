//! [`Run`]: any sea-query statement executed on any sqlx executor, rendered
//! for the executor's database.

use std::future::Future;

use ::sqlx::{AssertSqlSafe, Database, Executor, FromRow};
use sea_query_sqlx::SqlxBinder;

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

/// `statement` rendered for `DB`, ready for an executor.
pub(crate) fn query<DB: Dialect>(
    statement: &impl SqlxBinder,
) -> ::sqlx::query::Query<'static, DB, DB::Values> {
    let (sql, values) = DB::build(statement);
    ::sqlx::query_with(AssertSqlSafe(sql), values)
}

impl<S: SqlxBinder + sealed::Sealed> Run for S {
    fn execute<'e, 'c: 'e, E>(
        &self,
        executor: E,
    ) -> impl Future<Output = Result<u64, ::sqlx::Error>> + Send + 'e
    where
        E: Executor<'c> + 'e,
        E::Database: Dialect,
    {
        let running = executor.execute(query::<E::Database>(self));
        async move {
            let result = running.await?;
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
        let running = executor.fetch_all(query::<E::Database>(self));
        async move { running.await?.iter().map(T::from_row).collect() }
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
        let running = executor.fetch_optional(query::<E::Database>(self));
        async move { running.await?.as_ref().map(T::from_row).transpose() }
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
        let running = executor.fetch_one(query::<E::Database>(self));
        async move { T::from_row(&running.await?) }
    }
}
