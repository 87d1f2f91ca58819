//! What can go wrong running a model's operation, as a value to match on.

use std::fmt;

/// The error of an operation of [`SoftDeleteExt::on`](super::SoftDeleteExt::on)'s
/// handle.
///
/// Its `Display` says what failed on which table; it never prints a
/// connection URL (sqlx's messages do not carry one).
///
/// ```
/// use soft_delete::sqlx::Error;
///
/// let error = Error::Database(sqlx::Error::PoolTimedOut);
/// assert!(error.to_string().starts_with("database error: "));
/// assert!(std::error::Error::source(&error).is_some());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The database, the driver or the connection failed (an unreachable
    /// server, a missing table or column, a value the database refuses).
    /// sqlx's message names the object at fault.
    Database(::sqlx::Error),
    /// A `restore` (or a cascade restore) would give a live row a unique
    /// key that another live row holds now (see
    /// [`unique_among_live`](crate::SoftDelete::unique_among_live)).
    /// Nothing was changed.
    Conflict {
        /// The table of the row that could not be restored.
        table: &'static str,
        /// The unique constraint or index, where the database names it.
        constraint: Option<String>,
        /// The database's unique-violation error.
        source: ::sqlx::Error,
    },
    /// A [`Hooks`](super::Hooks) method failed; the operation was rolled
    /// back.
    Hook {
        /// The table of the model whose hook failed.
        table: &'static str,
        /// The hook, such as `before_delete`.
        hook: &'static str,
        /// What the hook returned.
        source: super::HookError,
    },
    /// The handle's connection is in use by another of its operations:
    /// a handle over one connection or transaction runs one operation at a
    /// time (await each before starting the next).
    Busy {
        /// The table of the handle's model.
        table: &'static str,
    },
}

impl Error {
    /// Whether this is [`Error::Conflict`].
    ///
    /// ```
    /// # use soft_delete::sqlx::Error;
    /// assert!(!Error::Database(sqlx::Error::RowNotFound).is_conflict());
    /// ```
    #[must_use]
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
    }

    /// The sqlx error behind this one, if any.
    ///
    /// ```
    /// # use soft_delete::sqlx::Error;
    /// let error = Error::Database(sqlx::Error::RowNotFound);
    /// assert!(matches!(error.as_sqlx(), Some(sqlx::Error::RowNotFound)));
    /// ```
    #[must_use]
    pub fn as_sqlx(&self) -> Option<&::sqlx::Error> {
        match self {
            Error::Database(source) | Error::Conflict { source, .. } => Some(source),
            Error::Hook { .. } | Error::Busy { .. } => None,
        }
    }

    /// `error` from an operation on `table`: a unique violation is a
    /// [`Conflict`](Error::Conflict) when `conflicts` (a restore), anything
    /// else [`Database`](Error::Database).
    pub(crate) fn from_sqlx(table: &'static str, conflicts: bool, error: ::sqlx::Error) -> Self {
        let unique = error
            .as_database_error()
            .filter(|database| database.is_unique_violation())
            .map(|database| database.constraint().map(str::to_owned));
        match unique {
            Some(constraint) if conflicts => Error::Conflict {
                table,
                constraint,
                source: error,
            },
            _ => Error::Database(error),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Database(source) => write!(f, "database error: {source}"),
            Error::Conflict {
                table,
                constraint: Some(constraint),
                ..
            } => write!(
                f,
                "cannot restore the row of `{table}`: a live row holds its unique key (`{constraint}`)"
            ),
            Error::Conflict { table, .. } => write!(
                f,
                "cannot restore the row of `{table}`: a live row holds one of its unique keys"
            ),
            Error::Hook {
                table,
                hook,
                source,
            } => write!(
                f,
                "the `{hook}` hook of `{table}` failed, so nothing was changed: {source}"
            ),
            Error::Busy { table } => write!(
                f,
                "the `{table}` handle's connection is already running an operation; await it first"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Database(source) | Error::Conflict { source, .. } => Some(source),
            Error::Hook { source, .. } => Some(source.as_ref()),
            Error::Busy { .. } => None,
        }
    }
}

impl From<::sqlx::Error> for Error {
    fn from(error: ::sqlx::Error) -> Self {
        Error::Database(error)
    }
}
