//! What can go wrong running an entity's operation, as a value to match on.

use std::fmt;

use ::sea_orm::{DbBackend, DbErr, SqlErr};

/// The error of an operation of
/// [`SoftDeleteEntity::on`](super::SoftDeleteEntity::on)'s handle.
///
/// Its `Display` says what failed on which table; it never prints a
/// connection URL.
///
/// ```
/// use soft_delete::sea_orm::Error;
///
/// let error = Error::Database(sea_orm::DbErr::Custom("gone".into()));
/// assert!(error.to_string().starts_with("database error: "));
/// assert!(std::error::Error::source(&error).is_some());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The database, the driver or the connection failed (an unreachable
    /// server, a missing table or column, a row that does not decode).
    Database(DbErr),
    /// A `restore` (or a cascade restore) would give a live row a unique
    /// key that another live row holds now (see
    /// [`unique_among_live`](crate::SoftDelete::unique_among_live)).
    /// Nothing was changed.
    Conflict {
        /// The table of the row that could not be restored.
        table: &'static str,
        /// The database's unique-violation error; its
        /// [`sql_err`](DbErr::sql_err) carries the database's message.
        source: DbErr,
    },
    /// The connection's backend is one this library has no SQL for (a
    /// backend added to SeaORM after this release).
    UnsupportedBackend {
        /// The connection's backend.
        backend: DbBackend,
    },
}

impl Error {
    /// Whether this is [`Error::Conflict`].
    ///
    /// ```
    /// # use soft_delete::sea_orm::Error;
    /// assert!(!Error::Database(sea_orm::DbErr::RecordNotUpdated).is_conflict());
    /// ```
    #[must_use]
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
    }

    /// The SeaORM error behind this one, if any.
    ///
    /// ```
    /// # use soft_delete::sea_orm::Error;
    /// let error = Error::Database(sea_orm::DbErr::RecordNotUpdated);
    /// assert!(matches!(error.as_db_err(), Some(sea_orm::DbErr::RecordNotUpdated)));
    /// ```
    #[must_use]
    pub fn as_db_err(&self) -> Option<&DbErr> {
        match self {
            Error::Database(source) | Error::Conflict { source, .. } => Some(source),
            Error::UnsupportedBackend { .. } => None,
        }
    }

    /// `error` from an operation on `table`: a unique violation is a
    /// [`Conflict`](Error::Conflict) when `conflicts` (a restore), anything
    /// else [`Database`](Error::Database).
    pub(crate) fn from_db(table: &'static str, conflicts: bool, error: DbErr) -> Self {
        let unique = matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)));
        if conflicts && unique {
            Error::Conflict {
                table,
                source: error,
            }
        } else {
            Error::Database(error)
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Database(source) => write!(f, "database error: {source}"),
            Error::Conflict { table, .. } => write!(
                f,
                "cannot restore the row of `{table}`: a live row holds one of its unique keys"
            ),
            Error::UnsupportedBackend { backend } => write!(
                f,
                "soft_delete has no SQL for the database backend {backend:?}"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Database(source) | Error::Conflict { source, .. } => Some(source),
            Error::UnsupportedBackend { .. } => None,
        }
    }
}

impl From<DbErr> for Error {
    fn from(error: DbErr) -> Self {
        Error::Database(error)
    }
}
