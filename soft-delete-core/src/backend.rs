//! [`Backend`]: the databases, and the facts about each that the
//! statements, the schema helpers and the run layers ask for.

use sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, SchemaStatementBuilder, SqliteQueryBuilder,
};

/// A database: what its SQL looks like and what it can do. The schema
/// helpers write DDL for one, the plans render their statements for one.
///
/// ```
/// use soft_delete_core::Backend;
///
/// assert_eq!("postgres".parse::<Backend>(), Ok(Backend::Postgres));
/// assert_eq!("mariadb".parse::<Backend>(), Ok(Backend::MySql));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    MySql,
    /// SQLite.
    Sqlite,
}

impl Backend {
    /// `statement` rendered for this database, with the values it binds.
    ///
    /// ```
    /// use soft_delete_core::Backend;
    /// use sea_query::{Expr, ExprTrait, Query};
    ///
    /// let select = Query::select().column("id").from("posts").and_where(Expr::col("id").eq(7)).to_owned();
    /// let (sql, values) = Backend::Postgres.build(&select);
    /// assert_eq!(sql, r#"SELECT "id" FROM "posts" WHERE "id" = $1"#);
    /// assert_eq!(values.0.len(), 1);
    /// ```
    #[must_use]
    pub fn build(
        self,
        statement: &impl sea_query::QueryStatementWriter,
    ) -> (String, sea_query::Values) {
        match self {
            Backend::Postgres => statement.build_any(&PostgresQueryBuilder),
            Backend::MySql => statement.build_any(&MysqlQueryBuilder),
            Backend::Sqlite => statement.build_any(&SqliteQueryBuilder),
        }
    }

    /// Whether `UPDATE ... RETURNING` exists here: PostgreSQL and SQLite
    /// (3.35+) have it; MySQL has no `RETURNING` and MariaDB has it for
    /// `DELETE` and `INSERT` only.
    ///
    /// ```
    /// use soft_delete_core::Backend;
    ///
    /// assert!(Backend::Postgres.update_returning());
    /// assert!(!Backend::MySql.update_returning());
    /// ```
    #[must_use]
    pub const fn update_returning(self) -> bool {
        !matches!(self, Backend::MySql)
    }

    /// Renders a schema statement for this backend.
    ///
    /// ```
    /// use soft_delete_core::Backend;
    /// use sea_query::Index;
    ///
    /// let index = Index::create().name("posts_title_idx").table("posts").col("title").to_owned();
    /// assert_eq!(
    ///     Backend::MySql.render(&index),
    ///     "CREATE INDEX `posts_title_idx` ON `posts` (`title`)"
    /// );
    /// ```
    #[must_use]
    pub fn render(self, statement: &impl SchemaStatementBuilder) -> String {
        match self {
            Backend::Postgres => statement.to_string(PostgresQueryBuilder),
            Backend::MySql => statement.to_string(MysqlQueryBuilder),
            Backend::Sqlite => statement.to_string(SqliteQueryBuilder),
        }
    }

    /// `statement` rendered for this database with its values inlined:
    /// for DDL that holds a query (a view), and for messages.
    ///
    /// ```
    /// use soft_delete_core::Backend;
    /// use sea_query::{Expr, ExprTrait, Query};
    ///
    /// let select = Query::select().column("id").from("posts").and_where(Expr::col("id").eq(7)).to_owned();
    /// assert_eq!(Backend::MySql.inline(&select), "SELECT `id` FROM `posts` WHERE `id` = 7");
    /// ```
    #[must_use]
    pub fn inline(self, statement: &impl sea_query::QueryStatementWriter) -> String {
        match self {
            Backend::Postgres => statement.to_string(PostgresQueryBuilder),
            Backend::MySql => statement.to_string(MysqlQueryBuilder),
            Backend::Sqlite => statement.to_string(SqliteQueryBuilder),
        }
    }
}

/// The database's name: `PostgreSQL`, `MySQL/MariaDB` or `SQLite`.
///
/// ```
/// use soft_delete_core::Backend;
///
/// assert_eq!(Backend::MySql.to_string(), "MySQL/MariaDB");
/// ```
impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Postgres => "PostgreSQL",
            Backend::MySql => "MySQL/MariaDB",
            Backend::Sqlite => "SQLite",
        })
    }
}

impl std::str::FromStr for Backend {
    type Err = UnknownBackendError;

    /// Reads a backend from a URL scheme or a name: `postgres`,
    /// `postgresql`, `mysql`, `mariadb`, `sqlite`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            "mysql" | "mariadb" => Ok(Backend::MySql),
            "sqlite" => Ok(Backend::Sqlite),
            _ => Err(UnknownBackendError {
                input: text.to_owned(),
            }),
        }
    }
}

/// The error of parsing a [`Backend`] from an unknown name.
///
/// ```
/// use soft_delete_core::Backend;
///
/// let error = "oracle".parse::<Backend>().unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "`oracle` is not a supported database; expected `postgres`, `mysql`, `mariadb` or `sqlite`"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownBackendError {
    input: String,
}

impl std::fmt::Display for UnknownBackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` is not a supported database; expected `postgres`, `mysql`, `mariadb` or `sqlite`",
            self.input
        )
    }
}

impl std::error::Error for UnknownBackendError {}
