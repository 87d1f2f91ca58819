//! [`Hooks`]: a model's own code around its soft deletes, restores, force
//! deletes and purge batches, in the same transaction, on either run layer.

use std::future::Future;

use crate::__layer::Hook;
use crate::chrono::{DateTime, Utc};
use crate::{NoHooks, PurgeProgress, SoftDelete};

pub use crate::HookError;

/// A run layer whose operations call [`Hooks`], and the connection a hook
/// is handed there: each sqlx database (its `Connection`), and
/// `soft_delete::sea_orm::SeaOrm` (a `sea_orm::DatabaseTransaction`).
pub trait Layer {
    /// The connection a hook runs on, inside the operation's transaction.
    type Connection: ?Sized + Send;
}

/// Code that runs before and after each write of the model `T` made through
/// `T::on(db)` (`soft_delete::sqlx`) or `Entity::on(&db)` (`soft_delete::sea_orm`), on the same connection and inside
/// the operation's transaction (a savepoint inside the caller's): what
/// Laravel's `deleting`/`deleted`/`restoring`/`restored` events give, but
/// atomic. A row an `after_*` hook writes commits with the operation or not
/// at all.
///
/// An error from a `before_*` hook aborts the operation, an error from an
/// `after_*` hook undoes it; either way it is rolled back and returned as
/// the layer's `Error::Hook`.
///
/// A model opts in with `#[soft_delete(hooks = "TypeName")]` and implements
/// `Hooks<Model, L>` for that type, for each [`Layer`] it runs on: a sqlx
/// database (`sqlx::Sqlite`, `sqlx::Postgres`, `sqlx::MySql`, or every
/// `soft_delete::sqlx::Dialect` at once), whose hooks get the operation's
/// `&mut DB::Connection`, or `soft_delete::sea_orm::SeaOrm`, whose hooks
/// get the operation's `&mut sea_orm::DatabaseTransaction`. Every method has an empty default. Hooks run
/// for the handle's operations: statements run by hand do not call them.
///
/// | operation | hooks |
/// |---|---|
/// | `delete`, `delete_as`, `cascade_delete` | `before_delete(id)`, then `after_delete(row as trashed)` (when a row was deleted) |
/// | `restore`, `cascade_restore` | `before_restore(id)`, then `after_restore(row as live)` (when a row was restored) |
/// | `force_delete` | `before_force_delete(id)`, then `after_force_delete(id)` (when a row was deleted) |
/// | `purge_trashed_before` | `before_purge_batch(cutoff)`, then `after_purge_batch(progress)`, per batch |
/// | `erase` | `before_erase(id)`, then `after_erase(id)` (when the row was removed) |
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
pub trait Hooks<T: SoftDelete, L: Layer> {
    /// Whether the model has hooks at all; `false` only for [`NoHooks`], so
    /// a model without hooks runs each write as one statement where the
    /// database allows.
    #[doc(hidden)]
    const ACTIVE: bool = true;

    /// Before a soft delete of the row `id` (which may be absent or
    /// trashed already).
    fn before_delete(
        connection: &mut L::Connection,
        id: &T::Id,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, id);
        async { Ok(()) }
    }

    /// After a soft delete, with the row as it was trashed.
    fn after_delete(
        connection: &mut L::Connection,
        row: &T,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, row);
        async { Ok(()) }
    }

    /// Before a restore of the row `id`.
    fn before_restore(
        connection: &mut L::Connection,
        id: &T::Id,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, id);
        async { Ok(()) }
    }

    /// After a restore, with the row as it is live again.
    fn after_restore(
        connection: &mut L::Connection,
        row: &T,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, row);
        async { Ok(()) }
    }

    /// Before a force delete of the row `id`.
    fn before_force_delete(
        connection: &mut L::Connection,
        id: &T::Id,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, id);
        async { Ok(()) }
    }

    /// After a force delete removed the row `id`.
    fn after_force_delete(
        connection: &mut L::Connection,
        id: &T::Id,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, id);
        async { Ok(()) }
    }

    /// Before each batch of a purge of the rows trashed before `cutoff`.
    fn before_purge_batch(
        connection: &mut L::Connection,
        cutoff: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, cutoff);
        async { Ok(()) }
    }

    /// After each batch of a purge, in the batch's transaction.
    fn after_purge_batch(
        connection: &mut L::Connection,
        progress: &PurgeProgress,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, progress);
        async { Ok(()) }
    }

    /// Runs before an erase of the row `id`, inside its transaction: to
    /// anonymise what must outlive the row, or to audit the erasure.
    fn before_erase(
        connection: &mut L::Connection,
        id: &T::Id,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, id);
        async { Ok(()) }
    }

    /// Runs after an erase removed the row `id` and everything below it,
    /// inside its transaction.
    fn after_erase(
        connection: &mut L::Connection,
        id: &T::Id,
    ) -> impl Future<Output = Result<(), HookError>> + Send {
        let _ = (connection, id);
        async { Ok(()) }
    }
}

impl<T: SoftDelete, L: Layer> Hooks<T, L> for NoHooks {
    const ACTIVE: bool = false;
}

/// Calls `H`'s method for `hook` on `connection`.
pub(crate) async fn dispatch<'a, T, L, H>(
    connection: &'a mut L::Connection,
    hook: Hook<'a, T>,
) -> Result<(), HookError>
where
    T: SoftDelete<Id: Sync> + Sync,
    L: Layer,
    H: Hooks<T, L>,
{
    match hook {
        Hook::BeforeDelete(id) => H::before_delete(connection, id).await,
        Hook::AfterDelete(row) => H::after_delete(connection, row).await,
        Hook::BeforeRestore(id) => H::before_restore(connection, id).await,
        Hook::AfterRestore(row) => H::after_restore(connection, row).await,
        Hook::BeforeForceDelete(id) => H::before_force_delete(connection, id).await,
        Hook::AfterForceDelete(id) => H::after_force_delete(connection, id).await,
        Hook::BeforePurgeBatch(cutoff) => H::before_purge_batch(connection, cutoff).await,
        Hook::AfterPurgeBatch(progress) => H::after_purge_batch(connection, progress).await,
        Hook::BeforeErase(id) => H::before_erase(connection, id).await,
        Hook::AfterErase(id) => H::after_erase(connection, id).await,
        _ => Ok(()),
    }
}
