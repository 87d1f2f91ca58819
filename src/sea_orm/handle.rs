//! `Entity::on(db)`: an entity's operations executed through any SeaORM
//! connection or transaction, each atomic, returning SeaORM models.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::num::NonZeroU32;
use std::pin::Pin;

use ::sea_orm::{
    ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, TransactionTrait,
};

use super::session::SeaOrmSession;
use super::{Error, SeaOrm};
use crate::__layer::{execute, plan, tombstone, PurgeConfig, Session as _};
use crate::chrono::{DateTime, Utc};
use crate::hooks::Hooks;
use crate::sea_query::Value;
use crate::TrashMode;
use crate::{
    Cascade, HasHooks, PurgeProgress, RecordsDeletedBy, RecordsDeletionTime, Retained, SoftDelete,
    Written,
};

/// A SeaORM `Model` that [`Handle`] can run: it derives [`SoftDelete`]
/// (beside `DeriveEntityModel`), with a key that can be sent between
/// threads, and its `hooks` (if any) implement [`Hooks<Model, SeaOrm>`](Hooks).
/// Implemented for every such type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be run by `soft_delete::sea_orm`",
    label = "`{Self}` is not a `soft_delete::sea_orm::SoftDeleteModel`",
    note = "derive `SoftDelete` beside `DeriveEntityModel` on the entity's `Model`, and keep the key `Clone + Send + Sync`",
    note = "with `#[soft_delete(hooks = \"...\")]`, that type must implement `soft_delete::sea_orm::Hooks<{Self}, soft_delete::sea_orm::SeaOrm>`"
)]
pub trait SoftDeleteModel:
    SoftDelete<Id: Clone + Send + Sync>
    + HasHooks<Hooks: Hooks<Self, SeaOrm>>
    + FromQueryResult
    + Send
    + Sync
{
}

impl<T> SoftDeleteModel for T where
    T: SoftDelete<Id: Clone + Send + Sync>
        + HasHooks<Hooks: Hooks<T, SeaOrm>>
        + FromQueryResult
        + Send
        + Sync
{
}

/// The operations of the entity `E` through the connection `C`, from
/// [`E::on(db)`](super::SoftDeleteEntity::on).
///
/// The row a write returns is the row that write produced: no other request
/// can change it in between (`UPDATE ... RETURNING` on PostgreSQL and
/// SQLite; on MySQL/MariaDB the write and the read run in one transaction,
/// the row locked by the write). Every write runs in a transaction of its
/// own, a savepoint when `C` is a `DatabaseTransaction` (SeaORM does not
/// tell the two apart, and a failed statement must not spoil the caller's
/// transaction). Every future is `Send`.
///
/// The operations run the model's [`Hooks`] (`#[soft_delete(hooks =
/// "...")]`), as `soft_delete::sqlx` does. They write with sea-query
/// statements, not through `ActiveModel`, so SeaORM's own
/// `ActiveModelBehavior` (`before_save`, `after_save`, ...) does not run
/// for them: put code that must run around a soft delete in a hook.
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

/// `db`'s operations on `E`; see [`SoftDeleteEntity::on`](super::SoftDeleteEntity::on).
pub(crate) fn handle<E, C>(db: &C) -> Handle<'_, E, C> {
    Handle {
        db,
        entity: PhantomData,
    }
}

impl<'c, E, C> Handle<'c, E, C>
where
    E: EntityTrait<Model: SoftDeleteModel>,
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>,
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
        let mut session = self.session()?;
        let sql = plan::find::<E::Model>(id, mode, session.backend());
        Ok(execute::fetch_optional(&mut session, sql).await?)
    }

    /// The rows in `mode`'s view, by primary key.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn list(&self, mode: TrashMode) -> Result<Vec<E::Model>, Error> {
        let mut session = self.session()?;
        let sql = plan::list::<E::Model>(mode, session.backend());
        Ok(session.fetch_all(sql).await?)
    }

    /// The rows trashed at or after `at`, newest first: "deleted in the
    /// last 30 minutes — undo?". Times compare as times on every backend
    /// ([`SoftDelete::trashed_between`]).
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn list_trashed_since(&self, at: DateTime<Utc>) -> Result<Vec<E::Model>, Error>
    where
        E::Model: RecordsDeletionTime,
    {
        let mut session = self.session()?;
        let sql = plan::trashed_since::<E::Model>(at, session.backend());
        Ok(session.fetch_all(sql).await?)
    }

    /// How many rows `mode`'s view holds.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn count(&self, mode: TrashMode) -> Result<u64, Error> {
        let mut session = self.session()?;
        let sql = plan::count::<E::Model>(mode, session.backend());
        Ok(crate::__layer::Session::<E::Model>::fetch_count(&mut session, sql).await?)
    }

    /// Inserts one row with `values` (columns of the model's own enum) and
    /// returns the row as the database wrote it: `INSERT ... RETURNING`, or
    /// on MySQL/MariaDB the insert and its read in one transaction.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when a unique key is taken (nothing changes);
    /// [`Error::Database`], also for a value the database cannot hold or a
    /// column named twice.
    pub async fn insert(
        &self,
        values: impl IntoIterator<Item = (<E::Model as SoftDelete>::Column, Value)>,
    ) -> Result<E::Model, Error> {
        let mut session = self.session()?;
        let plan = plan::insert::<E::Model>(values, session.backend())?;
        Ok(execute::insert(&mut session, plan).await?)
    }

    /// Inserts a row with `values`, or restores the trashed row that holds
    /// one of the model's `unique(...)` keys with these values and gives it
    /// the values, atomically; a live holder is [`Error::Conflict`] and
    /// nothing changes. As
    /// [`soft_delete::sqlx`'s](crate::sqlx::Handle::create_or_restore)
    /// (the same plan).
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] (holder [`Holder::Live`](crate::Holder::Live))
    /// when a live row holds the key; [`Error::Hook`]; [`Error::Database`],
    /// also for a value the database cannot hold or a column named twice.
    pub async fn create_or_restore(
        &self,
        values: impl IntoIterator<Item = (<E::Model as SoftDelete>::Column, Value)>,
    ) -> Result<Written<E::Model>, Error> {
        let mut session = self.session()?;
        let plan = tombstone::create_or_restore::<E::Model>(values, session.backend())?;
        Ok(execute::create_or_restore(&mut session, plan).await?)
    }

    /// Updates the live row `id` with `values` and returns the row as
    /// written; `None` (nothing changed) when the row is absent or trashed.
    ///
    /// # Errors
    ///
    /// As [`insert`](Self::insert).
    pub async fn update(
        &self,
        id: Id<E>,
        values: impl IntoIterator<Item = (<E::Model as SoftDelete>::Column, Value)>,
    ) -> Result<Option<E::Model>, Error> {
        let mut session = self.session()?;
        let write = plan::update::<E::Model>(id, values, session.backend())?;
        Ok(execute::write(&mut session, write).await?)
    }

    /// Soft delete of the live row `id`: the row as trashed, `None` if
    /// absent or already trashed (its first deletion time stands).
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn delete(&self, id: Id<E>) -> Result<Option<E::Model>, Error> {
        let mut session = self.session()?;
        let write = plan::delete::<E::Model>(id, session.backend());
        Ok(execute::write(&mut session, write).await?)
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
        let mut session = self.session()?;
        let write = plan::delete_as::<E::Model>(id, actor.into(), session.backend());
        Ok(execute::write(&mut session, write).await?)
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
        let mut session = self.session()?;
        let write = plan::restore::<E::Model>(id, session.backend());
        Ok(execute::write(&mut session, write).await?)
    }

    /// Hard delete of the row `id`, trashed or not: whether a row was
    /// removed.
    ///
    /// # Errors
    ///
    /// [`Error::Referenced`] when a row of an undeclared table references
    /// it; [`Error::Hook`], [`Error::Database`].
    pub async fn force_delete(&self, id: Id<E>) -> Result<bool, Error> {
        let mut session = self.session()?;
        let plan = plan::force_delete::<E::Model>(id, session.backend());
        Ok(execute::force_delete(&mut session, plan).await?)
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
            config: PurgeConfig::new(cutoff),
        }
    }

    /// [`purge_trashed_before`](Self::purge_trashed_before) now less the
    /// model's retention (`retain = "30 days"` in the derive); a model
    /// without `retain` has no such method. As
    /// [`soft_delete::sqlx`'s](crate::sqlx::Handle::purge_expired).
    pub fn purge_expired(&self) -> Purge<'c, E, C>
    where
        E::Model: Retained,
    {
        self.purge_trashed_before(plan::expiry::<E::Model>(Utc::now()))
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
        let mut session = self.session()?;
        let plan = plan::cascade_delete::<E::Model>(id, session.backend());
        Ok(execute::cascade(&mut session, plan).await?)
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
        let mut session = self.session()?;
        let plan = plan::cascade_restore::<E::Model>(id, session.backend());
        Ok(execute::cascade(&mut session, plan).await?)
    }

    /// Erase — the right to erasure: hard deletes the row `id` and every
    /// row below it through the declared cascades, live or trashed, deepest
    /// first, in one transaction (a savepoint inside the caller's). How many
    /// rows of each table went, the row's own first; `None` if there is no
    /// such row. The model's `before_erase` / `after_erase` hooks run in
    /// that transaction.
    ///
    /// # Errors
    ///
    /// [`Error::Referenced`] when a table the model declares no cascade
    /// into references one of the rows; [`Error::Hook`],
    /// [`Error::Database`]; nothing changes.
    pub async fn erase(&self, id: Id<E>) -> Result<Option<Cascade>, Error> {
        let mut session = self.session()?;
        let plan = plan::erase::<E::Model>(id, session.backend());
        Ok(execute::erase(&mut session, plan).await?)
    }

    /// Creates the indexes soft deletion asks of the model's table that are
    /// missing (the marker index, the keys of `unique(...)`), on every
    /// database, so a service can call it at every start: the number of
    /// statements run. As
    /// [`soft_delete::sqlx`'s](crate::sqlx::Handle::create_indexes).
    ///
    /// # Errors
    ///
    /// [`Error::Database`] for a statement that failed with its index still
    /// missing.
    pub async fn create_indexes(&self) -> Result<u64, Error> {
        let mut session = self.session()?;
        let plan = plan::create_indexes::<E::Model>(session.backend());
        Ok(execute::create_indexes::<E::Model, _>(&mut session, plan).await?)
    }

    fn session(self) -> Result<SeaOrmSession<'c, C>, Error> {
        SeaOrmSession::new(self.db)
    }
}

/// The model key type of the entity `E`.
pub type Id<E> = <<E as EntityTrait>::Model as SoftDelete>::Id;

/// A purge of the rows trashed before a cutoff, from
/// [`Handle::purge_trashed_before`]: set it up, then `.await` it for the
/// number of rows removed.
#[must_use = "a purge does nothing until it is awaited"]
pub struct Purge<'c, E, C> {
    handle: Handle<'c, E, C>,
    config: PurgeConfig<'c>,
}

impl<'c, E, C> Purge<'c, E, C> {
    /// Rows per batch (default 1000): each batch is one bounded `DELETE`,
    /// so a purge never holds long locks or a huge transaction.
    pub fn batch_size(mut self, size: NonZeroU32) -> Self {
        self.config.range.batch_size = size;
        self
    }

    /// Only the trashed rows matching `condition` go (Laravel's
    /// `prunable()` query): `Expr::col((PostColumn::Table,
    /// PostColumn::Draft)).eq(true).into()`.
    pub fn filter(mut self, condition: crate::sea_query::Condition) -> Self {
        self.config.range.filter = Some(condition);
        self
    }

    /// Calls `progress` after each committed batch.
    pub fn on_batch(mut self, progress: impl FnMut(PurgeProgress) + Send + 'c) -> Self {
        self.config.on_batch = Some(Box::new(progress));
        self
    }

    /// Stops after the batch during which `stop` became true.
    pub(crate) fn stop_on(mut self, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Self {
        self.config.stop = Some(stop);
        self
    }
}

impl<'c, E, C> IntoFuture for Purge<'c, E, C>
where
    E: EntityTrait<Model: SoftDeleteModel + RecordsDeletionTime>,
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>,
{
    type Output = Result<u64, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<u64, Error>> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let mut session = self.handle.session()?;
            Ok(execute::purge::<E::Model, _>(&mut session, self.config).await?)
        })
    }
}
