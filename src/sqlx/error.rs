//! What can go wrong running a model's operation, as a value to match on.

use std::fmt;

use ::sqlx::error::ErrorKind;

use crate::__layer::{Failure, Fault};

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
        source: Option<::sqlx::Error>,
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
        source: ::sqlx::Error,
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
            Error::Database(source) | Error::Referenced { source, .. } => Some(source),
            Error::Conflict { source, .. } => source.as_ref(),
            Error::Hook { .. }
            | Error::Cascaded { .. }
            | Error::TrashedParent { .. }
            | Error::Busy { .. } => None,
        }
    }

    /// Whether running the operation again may succeed: a deadlock
    /// (MySQL/MariaDB 1213, PostgreSQL `40P01`), a serialization failure
    /// (`40001`), a lock wait timeout (MySQL/MariaDB 1205), SQLite's
    /// `SQLITE_BUSY`, or a connection lost before the operation committed.
    /// The operation changed nothing then: run it again, with a short
    /// backoff.
    ///
    /// ```
    /// # use soft_delete::sqlx::Error;
    /// assert!(Error::Database(sqlx::Error::PoolTimedOut).is_retryable());
    /// assert!(!Error::Database(sqlx::Error::RowNotFound).is_retryable());
    /// ```
    ///
    /// A retry loop around a cascade:
    ///
    /// ```no_run
    /// # use soft_delete::sqlx::{Error, SoftDeleteExt};
    /// # use soft_delete::{Cascade, SoftDelete};
    /// # #[derive(Debug, SoftDelete, sqlx::FromRow)] #[soft_delete(table = "comments")] struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// # #[derive(Debug, SoftDelete, sqlx::FromRow)] #[soft_delete(table = "posts", cascade(Comment = "post_id"))] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// async fn delete_post(pool: &sqlx::MySqlPool, id: i64) -> Result<Option<Cascade>, Error> {
    ///     let mut attempt = 0;
    ///     loop {
    ///         match Post::on(pool).cascade_delete(id).await {
    ///             Err(error) if error.is_retryable() && attempt < 5 => {
    ///                 attempt += 1;
    ///                 tokio::time::sleep(std::time::Duration::from_millis(10 << attempt)).await;
    ///             }
    ///             outcome => return outcome,
    ///         }
    ///     }
    /// }
    /// ```
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        self.as_sqlx().is_some_and(retryable)
    }
}

/// What `error` means to an operation.
pub(crate) fn fault(error: &::sqlx::Error) -> Fault {
    let Some(database) = error.as_database_error() else {
        return Fault::Other;
    };
    let constraint = || database.constraint().map(str::to_owned);
    match database.kind() {
        ErrorKind::UniqueViolation => Fault::Unique(constraint()),
        ErrorKind::ForeignKeyViolation => Fault::ForeignKey(constraint()),
        _ => Fault::Other,
    }
}

/// Whether `error` is one a retry may cure (see [`Error::is_retryable`]).
pub(crate) fn retryable(error: &::sqlx::Error) -> bool {
    match error {
        ::sqlx::Error::Io(_)
        | ::sqlx::Error::PoolTimedOut
        | ::sqlx::Error::PoolClosed
        | ::sqlx::Error::WorkerCrashed => true,
        ::sqlx::Error::Database(database) => {
            crate::__layer::retryable_code(database.code().as_deref(), database.message())
        }
        _ => false,
    }
}

impl From<crate::ValueError> for Error {
    fn from(error: crate::ValueError) -> Self {
        Error::Database(::sqlx::Error::Encode(Box::new(error)))
    }
}

impl From<Failure<::sqlx::Error>> for Error {
    fn from(failure: Failure<::sqlx::Error>) -> Self {
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
            Error::Hook {
                table,
                hook,
                source,
            } => write!(
                f,
                "the `{hook}` hook of `{table}` failed, so nothing was changed: {source}"
            ),
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
            Error::Database(source) | Error::Referenced { source, .. } => Some(source),
            Error::Conflict { source, .. } => source
                .as_ref()
                .map(|source| source as &(dyn std::error::Error + 'static)),
            Error::Hook { source, .. } => Some(source.as_ref()),
            Error::Cascaded { .. } | Error::TrashedParent { .. } | Error::Busy { .. } => None,
        }
    }
}

impl From<::sqlx::Error> for Error {
    fn from(error: ::sqlx::Error) -> Self {
        Error::Database(error)
    }
}
