//! Schema helpers: the marker's column, indexes on it, and uniqueness among
//! live rows. DDL is where the three databases differ, so these take a
//! [`Backend`].

use sea_query::{
    Alias, ColumnDef, Expr, Index, IndexCreateStatement, IntoIden, MysqlQueryBuilder,
    PostgresQueryBuilder, SchemaStatementBuilder, SqliteQueryBuilder, Table, TableAlterStatement,
};

use crate::{MarkerStyle, SoftDelete};

/// A database the schema helpers write DDL for.
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

/// The marker's column definition on `backend`.
pub(crate) fn marker_column<T: SoftDelete>(backend: Backend) -> ColumnDef {
    let marker = T::MARKER;
    let mut column = ColumnDef::new(marker.column);
    match (marker.style, backend) {
        (MarkerStyle::Timestamp, Backend::Postgres) if marker.with_time_zone => {
            column.timestamp_with_time_zone().null()
        }
        (MarkerStyle::Timestamp, Backend::Postgres) => column.timestamp().null(),
        // DATETIME stores what it is given, whatever the session's zone (a
        // TIMESTAMP would convert through it), and (6) keeps microseconds.
        (MarkerStyle::Timestamp, Backend::MySql) => column.custom(Alias::new("DATETIME(6)")).null(),
        (MarkerStyle::Timestamp, Backend::Sqlite) => column.custom(Alias::new("TEXT")).null(),
        (MarkerStyle::Bool, _) => column.boolean().not_null().default(false),
        (MarkerStyle::Unix, _) => column.big_integer().not_null().default(0),
    };
    column
}

/// `ALTER TABLE ... ADD COLUMN` of the marker, for an existing table.
pub(crate) fn add_marker_column<T: SoftDelete>(backend: Backend) -> TableAlterStatement {
    Table::alter()
        .table(T::TABLE)
        .add_column(marker_column::<T>(backend))
        .to_owned()
}

/// An index on the marker alone, for the trash view and purges.
pub(crate) fn marker_index<T: SoftDelete>() -> IndexCreateStatement {
    let marker = T::MARKER.column;
    Index::create()
        .name(format!("{}_{marker}_idx", T::TABLE))
        .table(T::TABLE)
        .col(marker)
        .to_owned()
}

/// An index serving live-row queries over `columns` (for example the
/// ordering of a page): partial (`WHERE live`) where the database has partial
/// indexes, `(marker, columns...)` on MySQL/MariaDB.
pub(crate) fn live_index<T: SoftDelete>(
    columns: &[&'static str],
    backend: Backend,
) -> IndexCreateStatement {
    let marker = T::MARKER;
    let mut index = Index::create();
    index
        .name(format!("{}_live_{}_idx", T::TABLE, columns.join("_")))
        .table(T::TABLE);
    if backend == Backend::MySql {
        index.col(marker.column);
    }
    for column in columns {
        index.col(*column);
    }
    if backend != Backend::MySql {
        use sea_query::ConditionalStatement as _;
        index.and_where(marker.live(Expr::col(marker.column)));
    }
    index
}

/// DDL making `columns` unique among live rows; see
/// [`SoftDelete::unique_among_live`].
pub(crate) fn unique_among_live<T: SoftDelete>(
    columns: &[&'static str],
    backend: Backend,
) -> Vec<String> {
    let marker = T::MARKER;
    let name = format!("{}_{}_live_key", T::TABLE, columns.join("_"));
    let mut index = Index::create();
    index.name(name).table(T::TABLE).unique();
    for column in columns {
        index.col(*column);
    }
    match backend {
        Backend::Postgres | Backend::Sqlite => {
            use sea_query::ConditionalStatement as _;
            index.and_where(marker.live(Expr::col(marker.column)));
            vec![backend.render(&index)]
        }
        Backend::MySql => {
            // No partial indexes: a unique index treats rows with a NULL in
            // any of its columns as distinct, so a generated column that is
            // NULL for trashed rows takes them out of the uniqueness check.
            // One flag per index, named after its columns, so indexes over
            // different columns can be added and dropped independently.
            let flag = format!("{}_live", columns.join("_"));
            let live_flag = Expr::case(marker.live(Expr::col(marker.column)), 1)
                .finally(Expr::Keyword(sea_query::Keyword::Null));
            let add_flag = Table::alter()
                .table(T::TABLE)
                .add_column(
                    ColumnDef::new(Alias::new(flag.clone()).into_iden())
                        .tiny_integer()
                        .generated(live_flag, true),
                )
                .to_owned();
            index.col(Alias::new(flag));
            vec![backend.render(&add_flag), backend.render(&index)]
        }
    }
}
