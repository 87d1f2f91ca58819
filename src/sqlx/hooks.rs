//! [`Hooks`]: a model's own code around its soft deletes, restores, force
//! deletes and purge batches, in the same transaction.

use std::future::Future;

use crate::chrono::{DateTime, Utc};

use super::Dialect;
use crate::{NoHooks, SoftDelete};

/// The error a hook returns; any error converts into it with `?`.
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// Code that runs before and after each write of the model `T` made through
/// [`T::on(db)`](super::SoftDeleteExt::on), on the same connection and inside
/// the operation's transaction (a savepoint inside the caller's): what
/// Laravel's `deleting`/`deleted`/`restoring`/`restored` events give, but
/// atomic. A row an `after_*` hook writes commits with the operation or not
/// at all.
///
/// An error from a `before_*` hook aborts the operation, an error from an
/// `after_*` hook undoes it; either way it is rolled back and returned as
/// [`Error::Hook`](super::Error::Hook).
///
/// A model opts in with `#[soft_delete(hooks = "TypeName")]` and implements
/// `Hooks<Model, DB>` for that type, for each database it runs on (or for
/// every [`Dialect`] at once). Every method has an empty default. Hooks run
/// for the handle's operations: statements run by hand do not call them.
///
/// | operation | hooks |
/// |---|---|
/// | `delete`, `delete_as`, `cascade_delete` | `before_delete(id)`, then `after_delete(row as trashed)` (when a row was deleted) |
/// | `restore`, `cascade_restore` | `before_restore(id)`, then `after_restore(row as live)` (when a row was restored) |
/// | `force_delete` | `before_force_delete(id)`, then `after_force_delete(id)` (when a row was deleted) |
/// | `purge_trashed_before` | `before_purge_batch(cutoff)`, then `after_purge_batch(progress)`, per batch |
///
/// An audit row per deletion, written atomically with it:
///
/// ```
/// use soft_delete::sqlx::{HookError, Hooks, SoftDeleteExt};
/// use soft_delete::SoftDelete;
/// use sqlx::{Sqlite, SqliteConnection};
///
/// #[derive(Debug, SoftDelete, sqlx::FromRow)]
/// #[soft_delete(table = "posts", hooks = "AuditTrail")]
/// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// struct AuditTrail;
///
/// impl Hooks<Post, Sqlite> for AuditTrail {
///     async fn after_delete(conn: &mut SqliteConnection, post: &Post) -> Result<(), HookError> {
///         sqlx::query("INSERT INTO audit (post_id, action) VALUES (?, 'deleted')")
///             .bind(post.id)
///             .execute(conn)
///             .await?;
///         Ok(())
///     }
/// }
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
/// sqlx::raw_sql("CREATE TABLE posts (id INTEGER PRIMARY KEY, deleted_at TEXT);
///                CREATE TABLE audit (post_id INTEGER, action TEXT);
///                INSERT INTO posts (id) VALUES (1);")
///     .execute(&pool)
///     .await?;
///
/// Post::on(&pool).delete(1).await?;
/// let audit: (i64, String) = sqlx::query_as("SELECT post_id, action FROM audit").fetch_one(&pool).await?;
/// assert_eq!(audit, (1, "deleted".to_owned()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub trait Hooks<T: SoftDelete, DB: Dialect> {
    /// Whether the model has hooks at all; `false` only for [`NoHooks`], so
    /// a model without hooks runs each write as one statement where the
    /// database allows.
    #[doc(hidden)]
    const ACTIVE: bool = true;

    /// Before a soft delete of the row `id` (which may be absent or
    /// trashed already).
    fn before_delete(
        connection: &mut DB::Connection,
        id: &T::Id,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, id);
        async { Ok(()) }
    }

    /// After a soft delete, with the row as it was trashed.
    fn after_delete(
        connection: &mut DB::Connection,
        row: &T,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, row);
        async { Ok(()) }
    }

    /// Before a restore of the row `id`.
    fn before_restore(
        connection: &mut DB::Connection,
        id: &T::Id,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, id);
        async { Ok(()) }
    }

    /// After a restore, with the row as it is live again.
    fn after_restore(
        connection: &mut DB::Connection,
        row: &T,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, row);
        async { Ok(()) }
    }

    /// Before a force delete of the row `id`.
    fn before_force_delete(
        connection: &mut DB::Connection,
        id: &T::Id,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, id);
        async { Ok(()) }
    }

    /// After a force delete removed the row `id`.
    fn after_force_delete(
        connection: &mut DB::Connection,
        id: &T::Id,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, id);
        async { Ok(()) }
    }

    /// Before each batch of a purge of the rows trashed before `cutoff`.
    fn before_purge_batch(
        connection: &mut DB::Connection,
        cutoff: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, cutoff);
        async { Ok(()) }
    }

    /// After each batch of a purge, in the batch's transaction.
    fn after_purge_batch(
        connection: &mut DB::Connection,
        progress: &super::PurgeProgress,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, progress);
        async { Ok(()) }
    }
}

impl<T: SoftDelete, DB: Dialect> Hooks<T, DB> for NoHooks {
    const ACTIVE: bool = false;
}
