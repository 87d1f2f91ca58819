//! What can go wrong running an entity's operation, as a value to match on.

use std::fmt;

use ::sea_orm::{DbBackend, DbErr};

use crate::__layer::Failure;

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
    /// A write would give a row a unique key another row holds: a
    /// `restore` (or cascade restore) against a live row, an `insert` or
    /// `update` against a live or trashed one, a `create_or_restore`
    /// against a live one. `holder` says which; nothing was changed.
    Conflict {
        /// The table of the row that could not be written.
        table: &'static str,
        /// The unique constraint or index, where the database names it.
        constraint: Option<String>,
        /// Who holds the key: a live row, or a trashed one (then restoring
        /// it, as `create_or_restore` does, is the way).
        holder: crate::Holder,
        /// The database's unique-violation error; `None` when the handle
        /// found the live holder itself (a create-or-restore) and wrote
        /// nothing.
        source: Option<DbErr>,
    },
    /// A `restore` of a row that a `cascade_delete` trashed, as its root or
    /// as a row below (a model with `cascade_id`): such a row comes back
    /// only with that cascade's `cascade_restore` of its root, so that a
    /// cascade's rows come back together. Nothing was changed.
    Cascaded {
        /// The table of the row.
        table: &'static str,
    },
    /// A `restore` (or `cascade_restore`) of a row whose parent, declared
    /// with `parent(Post = "post_id")`, is trashed: restore the parent
    /// first, so that no live row sits under a trashed parent. Nothing was
    /// changed.
    TrashedParent {
        /// The table of the row.
        table: &'static str,
        /// The parent's table.
        parent: &'static str,
    },
    /// A hard delete (`force_delete`, a purge batch) failed because a row
    /// of a table the model declares no `cascade(...)` into still
    /// references the row: declare that child (or delete its rows first).
    /// That statement changed nothing; earlier purge batches stay
    /// committed.
    Referenced {
        /// The table of the row that could not be removed.
        table: &'static str,
        /// The foreign key, where the database names it.
        constraint: Option<String>,
        /// The database's foreign-key error.
        source: DbErr,
    },
    /// A [`Hooks`](crate::hooks::Hooks) method failed; the operation was
    /// rolled back.
    Hook {
        /// The table of the model whose hook failed.
        table: &'static str,
        /// The hook, such as `before_delete`.
        hook: &'static str,
        /// What the hook returned.
        source: crate::HookError,
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
            Error::Database(source) | Error::Referenced { source, .. } => Some(source),
            Error::Conflict { source, .. } => source.as_ref(),
            Error::Hook { .. }
            | Error::Cascaded { .. }
            | Error::TrashedParent { .. }
            | Error::UnsupportedBackend { .. } => None,
        }
    }

    /// Whether running the operation again may succeed: a deadlock
    /// (MySQL/MariaDB 1213, PostgreSQL `40P01`), a serialization failure
    /// (`40001`), a lock wait timeout (MySQL/MariaDB 1205), SQLite's
    /// `SQLITE_BUSY`, or a connection lost or not acquired before the
    /// operation committed. The operation changed nothing then: run it
    /// again, with a short backoff.
    ///
    /// ```
    /// # use soft_delete::sea_orm::Error;
    /// assert!(!Error::Database(sea_orm::DbErr::RecordNotUpdated).is_retryable());
    /// ```
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        self.as_db_err().is_some_and(retryable)
    }
}

/// The constraint a SeaORM violation message names: PostgreSQL's
/// `constraint "name"`, MySQL's `for key 'name'` (SQLite names none).
pub(crate) fn constraint(message: &str) -> Option<String> {
    let quoted = |start: &str, quote: char| {
        let rest = &message[message.find(start)? + start.len()..];
        let name = &rest[..rest.find(quote)?];
        Some(name.to_owned())
    };
    quoted("constraint \"", '"').or_else(|| quoted("for key '", '\''))
}

/// Whether `error` is one a retry may cure (see [`Error::is_retryable`]).
pub(crate) fn retryable(error: &DbErr) -> bool {
    use ::sea_orm::RuntimeErr;
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => {
            match &**error {
                ::sea_orm::sqlx::Error::Io(_)
                | ::sea_orm::sqlx::Error::PoolTimedOut
                | ::sea_orm::sqlx::Error::WorkerCrashed => true,
                ::sea_orm::sqlx::Error::Database(database) => {
                    crate::__layer::retryable_code(database.code().as_deref(), database.message())
                }
                _ => false,
            }
        }
        _ => false,
    }
}

impl From<crate::ValueError> for Error {
    fn from(error: crate::ValueError) -> Self {
        Error::Database(DbErr::Custom(error.to_string()))
    }
}

impl From<Failure<DbErr>> for Error {
    fn from(failure: Failure<DbErr>) -> Self {
        match failure {
            Failure::Database(source) => Error::Database(source),
            Failure::Conflict {
                table,
                constraint,
                holder,
                source,
            } => Error::Conflict {
                table,
                constraint,
                holder,
                source,
            },
            Failure::Referenced {
                table,
                constraint,
                source,
            } => Error::Referenced {
                table,
                constraint,
                source,
            },
            Failure::Cascaded { table } => Error::Cascaded { table },
            Failure::TrashedParent { table, parent } => Error::TrashedParent { table, parent },
            Failure::Hook {
                table,
                hook,
                source,
            } => Error::Hook {
                table,
                hook,
                source,
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Database(source) => write!(f, "database error: {source}"),
            Error::Conflict { table, holder, .. } => {
                crate::__layer::describe_conflict(f, table, *holder)
            }
            Error::Cascaded { table } => crate::__layer::describe_cascaded(f, table),
            Error::TrashedParent { table, parent } => {
                crate::__layer::describe_trashed_parent(f, table, parent)
            }
            Error::Referenced {
                table, constraint, ..
            } => {
                write!(f, "cannot remove the row of `{table}`: a row of a table it declares no cascade into still references it")?;
                if let Some(constraint) = constraint {
                    write!(f, " (`{constraint}`)")?;
                }
                write!(f, "; declare that child with `cascade(Child = \"foreign_key\")`, or delete its rows first")
            }
            Error::Hook {
                table,
                hook,
                source,
            } => write!(
                f,
                "the `{hook}` hook of `{table}` failed, so nothing was changed: {source}"
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
            Error::Database(source) | Error::Referenced { source, .. } => Some(source),
            Error::Conflict { source, .. } => source
                .as_ref()
                .map(|source| source as &(dyn std::error::Error + 'static)),
            Error::Hook { source, .. } => Some(source.as_ref()),
            Error::Cascaded { .. }
            | Error::TrashedParent { .. }
            | Error::UnsupportedBackend { .. } => None,
        }
    }
}

impl From<DbErr> for Error {
    fn from(error: DbErr) -> Self {
        Error::Database(error)
    }
}
