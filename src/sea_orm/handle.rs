//! `Entity::on(db)`: an entity's operations executed through any SeaORM
//! connection or transaction, each atomic, returning SeaORM models.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::num::NonZeroU32;
use std::pin::Pin;

use ::sea_orm::{
    ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, PaginatorTrait as _,
    QueryFilter as _, QueryOrder as _, TransactionSession, TransactionTrait,
};

use super::entity::scoped;
use super::{Error, SoftDeleteEntity};
use crate::__private::returning_row;
use crate::chrono::{DateTime, Utc};
use crate::sea_query::{Expr, ExprTrait as _, Order, UpdateStatement, Value};
use crate::TrashMode;
use crate::{
    Backend, Cascade, HasHooks, NoHooks, RecordsDeletedBy, RecordsDeletionTime, SoftDelete,
};

/// A SeaORM `Model` that [`Handle`] can run: it derives [`SoftDelete`]
/// (beside `DeriveEntityModel`), with a key that can be sent between
/// threads, and declares no `hooks` (those run on `soft_delete::sqlx`).
/// Implemented for every such type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be run by `soft_delete::sea_orm`",
    label = "`{Self}` is not a `soft_delete::sea_orm::SoftDeleteModel`",
    note = "derive `SoftDelete` beside `DeriveEntityModel` on the entity's `Model`, and keep the key `Clone + Send + Sync`",
    note = "a model with `#[soft_delete(hooks = \"...\")]` runs on `soft_delete::sqlx`, whose transactions its hooks take part in"
)]
pub trait SoftDeleteModel:
    SoftDelete<Id: Clone + Send + Sync> + HasHooks<Hooks = NoHooks> + FromQueryResult + Send + Sync
{
}

impl<T> SoftDeleteModel for T where
    T: SoftDelete<Id: Clone + Send + Sync>
        + HasHooks<Hooks = NoHooks>
        + FromQueryResult
        + Send
        + Sync
{
}

/// The operations of the entity `E` through the connection `C`, from
/// [`E::on(db)`](SoftDeleteEntity::on).
///
/// The row a write returns is the row that write produced: no other request
/// can change it in between (`UPDATE ... RETURNING` on PostgreSQL and
/// SQLite; on MySQL/MariaDB the write and the read run in one transaction,
/// the row locked by the write). Multi-statement operations run in one
/// transaction, a savepoint when `C` is a `DatabaseTransaction`. Every
/// future is `Send`.
pub struct Handle<'c, E, C> {
    db: &'c C,
    entity: PhantomData<fn() -> E>,
}

impl<E, C> Clone for Handle<'_, E, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E, C> Copy for Handle<'_, E, C> {}

/// `db`'s operations on `E`; see [`SoftDeleteEntity::on`].
pub(crate) fn handle<E, C>(db: &C) -> Handle<'_, E, C> {
    Handle {
        db,
        entity: PhantomData,
    }
}

/// Which write a statement is, for its errors.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Write {
    Delete,
    Restore,
}

impl<'c, E, C> Handle<'c, E, C>
where
    E: EntityTrait<Model: SoftDeleteModel>,
    C: ConnectionTrait + TransactionTrait,
{
    /// The live row `id`, `None` if absent or trashed.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn find(&self, id: Id<E>) -> Result<Option<E::Model>, Error> {
        self.find_in(id, TrashMode::WithoutTrashed).await
    }

    /// The row `id` if `mode` lets it be seen.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn find_in(&self, id: Id<E>, mode: TrashMode) -> Result<Option<E::Model>, Error> {
        Ok(find_in::<E, C>(self.db, id, mode).await?)
    }

    /// The rows in `mode`'s view, by primary key.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn list(&self, mode: TrashMode) -> Result<Vec<E::Model>, Error> {
        let select = E::find_in(mode).order_by(primary_key::<E>(), Order::Asc);
        Ok(select.all(self.db).await?)
    }

    /// How many rows `mode`'s view holds.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn count(&self, mode: TrashMode) -> Result<u64, Error> {
        Ok(E::find_in(mode).count(self.db).await?)
    }

    /// Soft delete of the live row `id`: the row as trashed, `None` if
    /// absent or already trashed (its first deletion time stands).
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn delete(&self, id: Id<E>) -> Result<Option<E::Model>, Error> {
        let statement = E::Model::delete_by_id(id.clone());
        self.write(id, statement, Write::Delete).await
    }

    /// [`delete`](Self::delete) recording `actor` in the `deleted_by`
    /// column (models with `deleted_by = "..."`).
    ///
    /// # Errors
    ///
    /// As [`delete`](Self::delete).
    pub async fn delete_as(
        &self,
        id: Id<E>,
        actor: impl Into<Value>,
    ) -> Result<Option<E::Model>, Error>
    where
        E::Model: RecordsDeletedBy,
    {
        let statement = E::Model::delete_by_id_as(id.clone(), actor);
        self.write(id, statement, Write::Delete).await
    }

    /// Restore of the trashed row `id`: the row as live, `None` if absent
    /// or not trashed.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when a live row now holds one of its unique keys
    /// (nothing changes, and a caller's transaction stays usable);
    /// [`Error::Database`].
    pub async fn restore(&self, id: Id<E>) -> Result<Option<E::Model>, Error> {
        let statement = E::Model::restore_by_id(id.clone());
        self.write(id, statement, Write::Restore).await
    }

    /// Hard delete of the row `id`, trashed or not: whether a row was
    /// removed.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn force_delete(&self, id: Id<E>) -> Result<bool, Error> {
        let statement = E::Model::force_delete_by_id(id);
        Ok(self.db.execute(&statement).await?.rows_affected() > 0)
    }

    /// Hard delete of the rows trashed before `cutoff`, in batches (1000 by
    /// default, [`Purge::batch_size`]), each one `DELETE` (its own
    /// transaction on a `DatabaseConnection`), oldest first, times compared
    /// as times (on SQLite whatever format wrote the marker); a live row is
    /// never touched. Await it for the number of rows removed;
    /// [`Purge::on_batch`] sees each batch.
    pub fn purge_trashed_before(&self, cutoff: DateTime<Utc>) -> Purge<'c, E, C>
    where
        E::Model: RecordsDeletionTime,
    {
        Purge {
            handle: *self,
            cutoff,
            batch_size: DEFAULT_BATCH,
            on_batch: None,
        }
    }

    /// Cascade soft delete of the live row `id` and its live children
    /// ([`SoftDelete::cascade_delete_by_id`]), in one transaction: how many
    /// rows of each table were trashed, `None` if the row is absent or
    /// trashed already (then nothing changes).
    ///
    /// # Errors
    ///
    /// [`Error::Database`]; nothing changes.
    pub async fn cascade_delete(&self, id: Id<E>) -> Result<Option<Cascade>, Error>
    where
        E::Model: RecordsDeletionTime,
    {
        let statements = E::Model::cascade_delete_by_id(id, self.backend()?);
        // The parent's statement runs first.
        self.cascade(&statements, 0, Write::Delete).await
    }

    /// Cascade restore of the trashed row `id` and exactly the children
    /// deleted with it ([`SoftDelete::cascade_restore_by_id`]), in one
    /// transaction: how many rows of each table were restored, `None` if the
    /// row is absent or live (then nothing changes).
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when a restored row's unique key is taken by a
    /// live row; [`Error::Database`]; nothing changes.
    pub async fn cascade_restore(&self, id: Id<E>) -> Result<Option<Cascade>, Error>
    where
        E::Model: RecordsDeletionTime,
    {
        let statements = E::Model::cascade_restore_by_id(id);
        // The parent's statement runs last, after its children's.
        let parent = statements.len() - 1;
        self.cascade(&statements, parent, Write::Restore).await
    }

    /// The backend `db` speaks, as the statements name it.
    fn backend(self) -> Result<Backend, Error> {
        match self.db.get_database_backend() {
            DbBackend::Postgres => Ok(Backend::Postgres),
            DbBackend::MySql => Ok(Backend::MySql),
            DbBackend::Sqlite => Ok(Backend::Sqlite),
            backend => Err(Error::UnsupportedBackend { backend }),
        }
    }

    /// A soft delete or restore of the row `id`, returning the row it
    /// produced: one `UPDATE ... RETURNING` where that is atomic on its own,
    /// else the update and the read in one transaction.
    async fn write(
        &self,
        id: Id<E>,
        statement: UpdateStatement,
        write: Write,
    ) -> Result<Option<E::Model>, Error> {
        let backend = self.backend()?;
        // On PostgreSQL a failed statement aborts the transaction it is in:
        // a restore's conflict must not spoil the caller's, so it runs in a
        // savepoint there (a transaction of its own on a connection).
        let one_statement = match backend {
            Backend::MySql => false,
            Backend::Postgres => write == Write::Delete,
            Backend::Sqlite => true,
        };
        if one_statement {
            return write_and_read::<E, _>(self.db, backend, id, statement, write).await;
        }
        let tx = self.db.begin().await?;
        let outcome = write_and_read::<E, _>(&tx, backend, id, statement, write).await;
        finish(tx, outcome).await
    }

    /// Runs a cascade's `statements` in one transaction; `None` (rolled
    /// back) when the parent's statement, at `parent`, changed nothing.
    async fn cascade(
        &self,
        statements: &[UpdateStatement],
        parent: usize,
        write: Write,
    ) -> Result<Option<Cascade>, Error> {
        let table = E::Model::TABLE;
        let tables = crate::__private::cascade_tables::<E::Model>(parent != 0);
        let restore = write == Write::Restore;
        let tx = self.db.begin().await?;
        let outcome = async {
            let mut changed = vec![0; statements.len()];
            for (index, statement) in statements.iter().enumerate() {
                let table = tables.get(index).copied().unwrap_or(table);
                changed[index] = tx
                    .execute(statement)
                    .await
                    .map_err(|error| Error::from_db(table, restore, error))?
                    .rows_affected();
                if index == parent && changed[index] == 0 {
                    return Ok(None);
                }
            }
            Ok(Some(Cascade::counted::<E::Model>(&tables, &changed)))
        }
        .await;
        finish(tx, outcome).await
    }
}

/// The model key type of the entity `E`.
pub type Id<E> = <<E as EntityTrait>::Model as SoftDelete>::Id;

/// `table.primary_key` of the entity `E`'s model.
fn primary_key<E: EntityTrait<Model: SoftDelete>>() -> Expr {
    Expr::col((E::Model::TABLE, E::Model::PRIMARY_KEY))
}

/// The row `id` of `E` in `mode`'s view, through `db`.
async fn find_in<E, C>(
    db: &C,
    id: Id<E>,
    mode: TrashMode,
) -> Result<Option<E::Model>, ::sea_orm::DbErr>
where
    E: EntityTrait<Model: SoftDeleteModel>,
    C: ConnectionTrait,
{
    scoped(E::find(), mode)
        .filter(primary_key::<E>().eq(id.into()))
        .one(db)
        .await
}

/// Runs a soft delete or restore of the row `id` through `db` and reads the
/// row it produced: `RETURNING` where the database has it, else the update
/// and a read of the row it locked (`db` is then a transaction).
async fn write_and_read<E, C>(
    db: &C,
    backend: Backend,
    id: Id<E>,
    mut statement: UpdateStatement,
    write: Write,
) -> Result<Option<E::Model>, Error>
where
    E: EntityTrait<Model: SoftDeleteModel>,
    C: ConnectionTrait,
{
    let table = E::Model::TABLE;
    let failed = |error| Error::from_db(table, write == Write::Restore, error);
    if backend != Backend::MySql {
        statement.returning(returning_row::<E::Model>());
        let Some(row) = db.query_one(&statement).await.map_err(failed)? else {
            return Ok(None);
        };
        return Ok(Some(E::Model::from_query_result(&row, "")?));
    }
    let changed = db
        .execute(&statement)
        .await
        .map_err(failed)?
        .rows_affected();
    if changed == 0 {
        return Ok(None);
    }
    // The update locked the row: this reads what it wrote.
    Ok(find_in::<E, C>(db, id, TrashMode::WithTrashed).await?)
}

/// Commits `tx` when `outcome` is a success that changed something, else
/// rolls it back; the outcome either way.
async fn finish<T, R>(tx: T, outcome: Result<Option<R>, Error>) -> Result<Option<R>, Error>
where
    T: TransactionSession,
{
    match outcome {
        Ok(Some(value)) => {
            tx.commit().await?;
            Ok(Some(value))
        }
        Ok(None) => {
            tx.rollback().await?;
            Ok(None)
        }
        Err(error) => {
            // The operation's error is the one to report; SeaORM drops a
            // transaction that fails to roll back with its connection.
            let _ = tx.rollback().await;
            Err(error)
        }
    }
}

const DEFAULT_BATCH: NonZeroU32 = match NonZeroU32::new(1_000) {
    Some(size) => size,
    None => unreachable!(),
};

/// One batch of a purge, as [`Purge::on_batch`] sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PurgeProgress {
    /// The batch's number, from 1.
    pub batch: u32,
    /// Rows this batch removed.
    pub deleted: u64,
    /// Rows removed so far, this batch included.
    pub total: u64,
}

/// A purge of the rows trashed before a cutoff, from
/// [`Handle::purge_trashed_before`]: set it up, then `.await` it for the
/// number of rows removed.
#[must_use = "a purge does nothing until it is awaited"]
pub struct Purge<'c, E, C> {
    handle: Handle<'c, E, C>,
    cutoff: DateTime<Utc>,
    batch_size: NonZeroU32,
    on_batch: Option<Box<dyn FnMut(PurgeProgress) + Send + 'c>>,
}

impl<'c, E, C> Purge<'c, E, C> {
    /// Rows per batch (default 1000): each batch is one bounded `DELETE`,
    /// so a purge never holds long locks or a huge transaction.
    pub fn batch_size(mut self, size: NonZeroU32) -> Self {
        self.batch_size = size;
        self
    }

    /// Calls `progress` after each batch.
    pub fn on_batch(mut self, progress: impl FnMut(PurgeProgress) + Send + 'c) -> Self {
        self.on_batch = Some(Box::new(progress));
        self
    }
}

impl<'c, E, C> IntoFuture for Purge<'c, E, C>
where
    E: EntityTrait<Model: SoftDeleteModel + RecordsDeletionTime>,
    C: ConnectionTrait + TransactionTrait,
{
    type Output = Result<u64, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<u64, Error>> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

impl<E, C> Purge<'_, E, C>
where
    E: EntityTrait<Model: SoftDeleteModel + RecordsDeletionTime>,
    C: ConnectionTrait + TransactionTrait,
{
    async fn run(mut self) -> Result<u64, Error> {
        let size = self.batch_size;
        let backend = self.handle.backend()?;
        let statement = E::Model::purge_trashed_before_batch(self.cutoff, size, backend);
        let mut total = 0;
        for batch in 1.. {
            let deleted = self.handle.db.execute(&statement).await?.rows_affected();
            total += deleted;
            if let Some(on_batch) = self.on_batch.as_mut() {
                on_batch(PurgeProgress {
                    batch,
                    deleted,
                    total,
                });
            }
            if deleted < u64::from(size.get()) {
                break;
            }
        }
        Ok(total)
    }
}
