//! The databases `soft_delete::sqlx` runs on, each tied to its SQL dialect
//! by its sqlx type, so a statement is always rendered for the database that
//! runs it.

use ::sqlx::{Database, Executor, IntoArguments};
use sea_query_sqlx::SqlxValues;

use super::Source;
use crate::sea_query::Values;
use crate::Backend;

mod sealed {
    pub trait Sealed {}
}

/// A sqlx database that `soft_delete::sqlx` can run statements on:
/// [`Sqlite`](::sqlx::Sqlite) (feature `sqlx-sqlite`),
/// [`Postgres`](::sqlx::Postgres) (`sqlx-postgres`) and
/// [`MySql`](::sqlx::MySql) (`sqlx-mysql`, also for MariaDB).
///
/// Sealed: the set of dialects is the library's. Its items are for generic
/// code, such as a [`Hooks`](super::Hooks) implementation over every
/// database.
///
/// ```
/// use soft_delete::sqlx::Dialect;
/// use soft_delete::Backend;
///
/// assert_eq!(<sqlx::Sqlite as Dialect>::BACKEND, Backend::Sqlite);
/// assert_eq!(<sqlx::MySql as Dialect>::BACKEND, Backend::MySql);
/// ```
pub trait Dialect: Database + sealed::Sealed {
    /// The backend whose SQL this database speaks.
    const BACKEND: Backend;

    /// Whether `UPDATE ... RETURNING` exists (PostgreSQL and SQLite; not
    /// MySQL, nor MariaDB).
    const UPDATE_RETURNING: bool = Self::BACKEND.update_returning();

    /// The arguments a built statement binds.
    #[doc(hidden)]
    type Values: IntoArguments<Self> + Send + 'static;

    /// `values` as the arguments of a statement rendered for this database
    /// (one whose SQL text is cached).
    #[doc(hidden)]
    fn bind(values: Values) -> Self::Values;

    /// Rows a statement affected.
    #[doc(hidden)]
    fn rows_affected(result: &Self::QueryResult) -> u64;

    /// The first column of `row` as an integer (a `COUNT(*)`).
    #[doc(hidden)]
    fn first_integer(row: &Self::Row) -> Result<i64, ::sqlx::Error>;

    /// A connection of this database as an [`Executor`], for generic code:
    /// `statement.execute(DB::executor(&mut *conn))`.
    ///
    /// ```
    /// use soft_delete::sqlx::{Dialect, Run};
    /// use sea_query::Query;
    ///
    /// async fn touch<DB: Dialect>(conn: &mut DB::Connection) -> Result<u64, sqlx::Error> {
    ///     Query::update().table("audit").value("seen", true).to_owned().execute(DB::executor(conn)).await
    /// }
    /// ```
    fn executor(connection: &mut Self::Connection) -> impl Executor<'_, Database = Self>;

    /// A connection of this database as a [`Source`] of handles, for
    /// generic code, where `Post::on(&mut *conn)` does not resolve:
    /// `Post::on(DB::source(&mut *conn))`.
    ///
    /// ```
    /// use soft_delete::sqlx::{Dialect, Model, SoftDeleteExt};
    /// # use soft_delete::SoftDelete;
    /// # #[derive(Debug, SoftDelete, sqlx::FromRow)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// async fn trash<DB: Dialect>(conn: &mut DB::Connection, id: i64) -> Result<bool, soft_delete::sqlx::Error>
    /// where
    ///     Post: Model<DB>,
    /// {
    ///     Ok(Post::on(DB::source(conn)).delete(id).await?.is_some())
    /// }
    /// ```
    fn source(connection: &mut Self::Connection) -> impl Source<'_, Database = Self>;
}

macro_rules! dialect {
    ($feature:literal, $database:ty, $connection:ty, $backend:expr) => {
        #[cfg(feature = $feature)]
        impl sealed::Sealed for $database {}

        #[cfg(feature = $feature)]
        impl Dialect for $database {
            const BACKEND: Backend = $backend;
            type Values = SqlxValues;

            fn bind(values: Values) -> SqlxValues {
                SqlxValues(values)
            }

            fn rows_affected(result: &Self::QueryResult) -> u64 {
                result.rows_affected()
            }

            fn first_integer(row: &Self::Row) -> Result<i64, ::sqlx::Error> {
                ::sqlx::Row::try_get(row, 0)
            }

            fn executor(connection: &mut $connection) -> impl Executor<'_, Database = Self> {
                connection
            }

            fn source(connection: &mut $connection) -> impl Source<'_, Database = Self> {
                connection
            }
        }
    };
}

dialect!(
    "sqlx-sqlite",
    ::sqlx::Sqlite,
    ::sqlx::SqliteConnection,
    Backend::Sqlite
);
dialect!(
    "sqlx-postgres",
    ::sqlx::Postgres,
    ::sqlx::PgConnection,
    Backend::Postgres
);
dialect!(
    "sqlx-mysql",
    ::sqlx::MySql,
    ::sqlx::MySqlConnection,
    Backend::MySql
);
