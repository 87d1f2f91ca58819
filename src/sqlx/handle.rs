//! `T::on(db)`: a model's operations executed on a pool, a transaction or a
//! connection, each atomic, returning decoded rows.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::num::NonZeroU32;
use std::pin::Pin;

use crate::__private::{rendered, returning_row, Cached, Returning};
use crate::chrono::{DateTime, Utc};
use crate::sea_query::{UpdateStatement, Value};
use ::sqlx::{AssertSqlSafe, Connection as _, FromRow, Transaction};

use super::source::{Connections, Leased};
use super::{Dialect, Error, HookError, Hooks, Run, Source};
use crate::{Cascade, HasHooks, RecordsDeletedBy, RecordsDeletionTime, SoftDelete, TrashMode};

/// A model that [`Handle`] can run on `DB`: a [`SoftDelete`] model that
/// derives `sqlx::FromRow` for `DB`'s rows, with a key that can be sent
/// between threads. Implemented for every such type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be run on `{DB}` by `soft_delete::sqlx`",
    label = "`{Self}` is not a `soft_delete::sqlx::Model<{DB}>`",
    note = "derive `sqlx::FromRow` beside `SoftDelete` (the columns are read by name), and keep the key `Clone + Send + Sync`",
    note = "with `#[soft_delete(hooks = \"...\")]`, that type must implement `soft_delete::sqlx::Hooks<{Self}, {DB}>`"
)]
pub trait Model<DB: Dialect>:
    SoftDelete<Id: Clone + Send + Sync>
    + HasHooks<Hooks: Hooks<Self, DB>>
    + for<'r> FromRow<'r, DB::Row>
    + Send
    + Sync
    + Unpin
    + Sized
{
}

impl<T, DB: Dialect> Model<DB> for T where
    T: SoftDelete<Id: Clone + Send + Sync>
        + HasHooks<Hooks: Hooks<T, DB>>
        + for<'r> FromRow<'r, DB::Row>
        + Send
        + Sync
        + Unpin
{
}

/// `T::on(db)` for every [`SoftDelete`] model.
pub trait SoftDeleteExt: SoftDelete + Sized {
    /// This model's operations on `db`: `&Pool<DB>`, `&mut Transaction<'_, DB>`,
    /// `&mut PoolConnection<DB>` or `&mut DB::Connection` (see [`Source`]).
    /// The SQL is rendered for `DB`.
    ///
    /// Over a pool each operation takes a connection of its own; over a
    /// transaction or a connection, operations run on it one at a time
    /// (await each), and a rollback of the caller's transaction undoes them.
    ///
    /// ```
    /// use soft_delete::sqlx::SoftDeleteExt;
    /// use soft_delete::SoftDelete;
    ///
    /// #[derive(Debug, SoftDelete, sqlx::FromRow)]
    /// #[soft_delete(table = "posts")]
    /// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// sqlx::raw_sql("CREATE TABLE posts (id INTEGER PRIMARY KEY, deleted_at TEXT); INSERT INTO posts (id) VALUES (1);")
    ///     .execute(&pool)
    ///     .await?;
    ///
    /// let mut tx = pool.begin().await?;
    /// assert!(Post::on(&mut tx).delete(1).await?.is_some());
    /// tx.rollback().await?;
    /// assert!(Post::on(&pool).find(1).await?.is_some(), "the rollback undid the delete");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    fn on<'c, S: Source<'c>>(db: S) -> Handle<'c, Self, S::Database> {
        Handle {
            connections: db.into_connections(),
            model: PhantomData,
        }
    }
}

impl<T: SoftDelete> SoftDeleteExt for T {}

/// The operations of the model `T` on a database `DB`, from
/// [`T::on(db)`](SoftDeleteExt::on).
///
/// The row a write returns is the row that write produced: no other request
/// can change it in between (`RETURNING` on PostgreSQL and SQLite; on
/// MySQL/MariaDB the write and the read run in one transaction, the row
/// locked by the write). Multi-statement operations run in one transaction
/// (a savepoint inside the caller's). Every future is `Send`.
pub struct Handle<'c, T, DB: Dialect> {
    connections: Connections<'c, DB>,
    model: PhantomData<fn() -> T>,
}

/// Which write a statement is, for its hooks and its errors.
#[derive(Clone, Copy)]
enum Write {
    Delete,
    Restore,
}

impl<'c, T: Model<DB>, DB: Dialect> Handle<'c, T, DB> {
    /// The live row `id`, `None` if absent or trashed.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails (see [`Error`]).
    pub async fn find(&self, id: T::Id) -> Result<Option<T>, Error> {
        self.find_in(id, TrashMode::WithoutTrashed).await
    }

    /// The row `id` if `mode` lets it be seen.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn find_in(&self, id: T::Id, mode: TrashMode) -> Result<Option<T>, Error> {
        let mut connection = self.lease().await?;
        Ok(
            fetch_optional::<T, DB>(&mut connection, cached::<T, DB>(Cached::Find(id, mode)))
                .await?,
        )
    }

    /// The rows in `mode`'s view, by primary key.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn list(&self, mode: TrashMode) -> Result<Vec<T>, Error> {
        let query = cached::<T, DB>(Cached::List(mode));
        let mut connection = self.lease().await?;
        let rows = query.fetch_all(DB::executor(&mut connection)).await?;
        Ok(rows.iter().map(T::from_row).collect::<Result<_, _>>()?)
    }

    /// How many rows `mode`'s view holds.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn count(&self, mode: TrashMode) -> Result<u64, Error> {
        let query = cached::<T, DB>(Cached::Count(mode));
        let mut connection = self.lease().await?;
        let row = query.fetch_one(DB::executor(&mut connection)).await?;
        // COUNT(*) is never negative.
        Ok(u64::try_from(DB::first_integer(&row)?).unwrap_or_default())
    }

    /// Soft delete of the live row `id`: the row as trashed, `None` if
    /// absent or already trashed (its first deletion time stands).
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails; [`Error::Hook`] when a
    /// hook fails (nothing changes).
    pub async fn delete(&self, id: T::Id) -> Result<Option<T>, Error> {
        let query = cached::<T, DB>(Cached::Delete(id.clone(), returning::<DB>()));
        self.write(id, query, Write::Delete).await
    }

    /// [`delete`](Self::delete) recording `actor` in the `deleted_by`
    /// column (models with `deleted_by = "..."`).
    ///
    /// # Errors
    ///
    /// As [`delete`](Self::delete).
    pub async fn delete_as(&self, id: T::Id, actor: impl Into<Value>) -> Result<Option<T>, Error>
    where
        T: RecordsDeletedBy,
    {
        let mut statement = T::delete_by_id_as(id.clone(), actor);
        if DB::UPDATE_RETURNING {
            statement.returning(returning_row::<T>());
        }
        let query = super::run::query::<DB>(&statement);
        self.write(id, query, Write::Delete).await
    }

    /// Restore of the trashed row `id`: the row as live, `None` if absent
    /// or not trashed.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when a live row now holds one of its unique keys
    /// (nothing changes); [`Error::Database`], [`Error::Hook`].
    pub async fn restore(&self, id: T::Id) -> Result<Option<T>, Error> {
        let query = cached::<T, DB>(Cached::Restore(id.clone(), returning::<DB>()));
        self.write(id, query, Write::Restore).await
    }

    /// Hard delete of the row `id`, trashed or not: whether a row was
    /// removed.
    ///
    /// # Errors
    ///
    /// [`Error::Database`], [`Error::Hook`].
    pub async fn force_delete(&self, id: T::Id) -> Result<bool, Error> {
        let query = cached::<T, DB>(Cached::ForceDelete(id.clone()));
        let mut connection = self.lease().await?;
        if !<T::Hooks as Hooks<T, DB>>::ACTIVE {
            return Ok(execute::<DB>(&mut connection, query).await? > 0);
        }
        let mut tx = connection.begin().await?;
        let outcome = async {
            hook(
                T::TABLE,
                "before_force_delete",
                <T::Hooks as Hooks<T, DB>>::before_force_delete(&mut tx, &id),
            )
            .await?;
            let removed = execute::<DB>(&mut tx, query).await? > 0;
            if removed {
                hook(
                    T::TABLE,
                    "after_force_delete",
                    <T::Hooks as Hooks<T, DB>>::after_force_delete(&mut tx, &id),
                )
                .await?;
            }
            Ok(removed)
        }
        .await;
        finish(tx, outcome).await
    }

    /// Hard delete of the rows trashed before `cutoff`, in batches (1000 by
    /// default, [`Purge::batch_size`]), each its own transaction, oldest
    /// first, times compared as times (on SQLite whatever format wrote the
    /// marker); a live row is never touched. Await it for the number of
    /// rows removed; [`Purge::on_batch`] sees each batch.
    ///
    /// ```
    /// use soft_delete::sqlx::SoftDeleteExt;
    /// use soft_delete::SoftDelete;
    /// use std::num::NonZeroU32;
    ///
    /// #[derive(Debug, SoftDelete, sqlx::FromRow)]
    /// #[soft_delete(table = "posts")]
    /// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// // Five rows trashed by a console's CURRENT_TIMESTAMP long ago, one live.
    /// sqlx::raw_sql("CREATE TABLE posts (id INTEGER PRIMARY KEY, deleted_at TEXT);
    ///                INSERT INTO posts VALUES (1, '2020-01-01 00:00:00'), (2, '2020-01-02 00:00:00'),
    ///                  (3, '2020-01-03 00:00:00'), (4, '2020-01-04 00:00:00'), (5, '2020-01-05 00:00:00'), (6, NULL);")
    ///     .execute(&pool)
    ///     .await?;
    ///
    /// let mut batches = Vec::new();
    /// let purged = Post::on(&pool)
    ///     .purge_trashed_before(chrono::Utc::now() - chrono::Duration::days(30))
    ///     .batch_size(NonZeroU32::new(2).unwrap())
    ///     .on_batch(|progress| batches.push(progress.deleted))
    ///     .await?;
    /// assert_eq!(purged, 5);
    /// assert_eq!(batches, [2, 2, 1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub fn purge_trashed_before(&self, cutoff: DateTime<Utc>) -> Purge<'_, 'c, T, DB>
    where
        T: RecordsDeletionTime,
    {
        Purge {
            handle: self,
            cutoff,
            batch_size: DEFAULT_BATCH,
            on_batch: None,
        }
    }

    /// Cascade soft delete of the live row `id` and its live children
    /// ([`SoftDelete::cascade_delete_by_id`]), in one transaction: how many
    /// rows of each table were trashed, `None` if the row is absent or
    /// trashed already (then nothing changes). Runs the model's
    /// `before_delete`/`after_delete` hooks.
    ///
    /// ```
    /// # use soft_delete::sqlx::SoftDeleteExt;
    /// # use soft_delete::SoftDelete;
    /// # #[derive(Debug, SoftDelete, sqlx::FromRow)] #[soft_delete(table = "comments")] struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// # #[derive(Debug, SoftDelete, sqlx::FromRow)] #[soft_delete(table = "posts", cascade(Comment = "post_id"))] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// sqlx::raw_sql("CREATE TABLE posts (id INTEGER PRIMARY KEY, deleted_at TEXT);
    ///                CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER, deleted_at TEXT);
    ///                INSERT INTO posts (id) VALUES (1); INSERT INTO comments (id, post_id) VALUES (1, 1), (2, 1);")
    ///     .execute(&pool)
    ///     .await?;
    ///
    /// let cascade = Post::on(&pool).cascade_delete(1).await?.expect("post 1 was live");
    /// assert_eq!(cascade.rows_in("posts"), 1);
    /// assert_eq!(cascade.rows_in("comments"), 2);
    /// assert_eq!(cascade.total(), 3);
    /// assert_eq!(Post::on(&pool).cascade_restore(1).await?.map(|c| c.total()), Some(3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Database`], [`Error::Hook`]; nothing changes.
    pub async fn cascade_delete(&self, id: T::Id) -> Result<Option<Cascade>, Error>
    where
        T: RecordsDeletionTime,
    {
        let statements = T::cascade_delete_by_id(id.clone(), DB::BACKEND);
        // The parent's statement runs first.
        self.cascade(id, &statements, 0, Write::Delete).await
    }

    /// Cascade restore of the trashed row `id` and exactly the children
    /// deleted with it ([`SoftDelete::cascade_restore_by_id`]), in one
    /// transaction: how many rows of each table were restored, `None` if the
    /// row is absent or live (then nothing changes). Runs the model's
    /// `before_restore`/`after_restore` hooks.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when a restored row's unique key is taken by a
    /// live row; [`Error::Database`], [`Error::Hook`]; nothing changes.
    pub async fn cascade_restore(&self, id: T::Id) -> Result<Option<Cascade>, Error>
    where
        T: RecordsDeletionTime,
    {
        let statements = T::cascade_restore_by_id(id.clone());
        // The parent's statement runs last, after its children's.
        let parent = statements.len() - 1;
        self.cascade(id, &statements, parent, Write::Restore).await
    }

    /// Runs a cascade's `statements` and the model's hooks in one
    /// transaction; `None` (rolled back) when the parent's statement, at
    /// `parent`, changed nothing.
    async fn cascade(
        &self,
        id: T::Id,
        statements: &[UpdateStatement],
        parent: usize,
        write: Write,
    ) -> Result<Option<Cascade>, Error> {
        let mut connection = self.lease().await?;
        let mut tx = connection.begin().await?;
        let outcome = async {
            self.before_hook(&mut tx, &id, write).await?;
            let Some(cascade) = run_cascade::<T, DB>(&mut tx, statements, parent).await? else {
                return Ok(None);
            };
            self.after(&mut tx, id, write).await?;
            Ok(Some(cascade))
        }
        .await;
        finish(tx, outcome).await
    }

    async fn lease(&self) -> Result<Leased<'_, 'c, DB>, Error> {
        self.connections.lease(T::TABLE).await
    }

    /// A soft delete or restore of the row `id` (`query`, with `RETURNING`
    /// where [`Dialect::UPDATE_RETURNING`]), returning the row it produced:
    /// one `UPDATE ... RETURNING` where that is atomic on its own, else the
    /// update, the read and the hooks in one transaction.
    async fn write(
        &self,
        id: T::Id,
        query: Statement<DB>,
        write: Write,
    ) -> Result<Option<T>, Error> {
        let mut connection = self.lease().await?;
        // Inside the caller's transaction a failed statement would abort it
        // (PostgreSQL): a savepoint keeps a conflict from spoiling it.
        let one_statement = DB::UPDATE_RETURNING
            && !<T::Hooks as Hooks<T, DB>>::ACTIVE
            && !connection.is_in_transaction();
        if one_statement {
            return write_and_read::<T, DB>(&mut connection, id, query, write).await;
        }
        let mut tx = connection.begin().await?;
        let outcome = async {
            self.before_hook(&mut tx, &id, write).await?;
            let row = write_and_read::<T, DB>(&mut tx, id, query, write).await?;
            if let Some(row) = &row {
                self.after_hook(&mut tx, row, write).await?;
            }
            Ok(row)
        }
        .await;
        finish(tx, outcome).await
    }

    /// The `after_*` hook of `write` for the row `id`, read back in the
    /// operation's transaction (only when the model has hooks).
    async fn after(&self, tx: &mut DB::Connection, id: T::Id, write: Write) -> Result<(), Error> {
        if !<T::Hooks as Hooks<T, DB>>::ACTIVE {
            return Ok(());
        }
        let row = fetch_optional::<T, DB>(
            tx,
            cached::<T, DB>(Cached::Find(id, TrashMode::WithTrashed)),
        )
        .await?;
        match row {
            Some(row) => self.after_hook(tx, &row, write).await,
            None => Ok(()),
        }
    }

    async fn before_hook(
        &self,
        tx: &mut DB::Connection,
        id: &T::Id,
        write: Write,
    ) -> Result<(), Error> {
        match write {
            Write::Delete => {
                hook(
                    T::TABLE,
                    "before_delete",
                    <T::Hooks as Hooks<T, DB>>::before_delete(tx, id),
                )
                .await
            }
            Write::Restore => {
                hook(
                    T::TABLE,
                    "before_restore",
                    <T::Hooks as Hooks<T, DB>>::before_restore(tx, id),
                )
                .await
            }
        }
    }

    async fn after_hook(
        &self,
        tx: &mut DB::Connection,
        row: &T,
        write: Write,
    ) -> Result<(), Error> {
        match write {
            Write::Delete => {
                hook(
                    T::TABLE,
                    "after_delete",
                    <T::Hooks as Hooks<T, DB>>::after_delete(tx, row),
                )
                .await
            }
            Write::Restore => {
                hook(
                    T::TABLE,
                    "after_restore",
                    <T::Hooks as Hooks<T, DB>>::after_restore(tx, row),
                )
                .await
            }
        }
    }
}

/// Runs a soft delete or restore of the row `id` on `connection` and reads
/// the row it produced: `RETURNING` where the database has it (`query`
/// has it then), else the update and a read of the row it locked
/// (`connection` is then inside a transaction).
async fn write_and_read<T: Model<DB>, DB: Dialect>(
    connection: &mut DB::Connection,
    id: T::Id,
    query: Statement<DB>,
    write: Write,
) -> Result<Option<T>, Error> {
    let failed = |error| Error::from_sqlx(T::TABLE, matches!(write, Write::Restore), error);
    if DB::UPDATE_RETURNING {
        return fetch_optional::<T, DB>(connection, query)
            .await
            .map_err(failed);
    }
    let changed = execute::<DB>(&mut *connection, query)
        .await
        .map_err(failed)?;
    if changed == 0 {
        return Ok(None);
    }
    // The update locked the row: this reads what it wrote.
    let find = cached::<T, DB>(Cached::Find(id, TrashMode::WithTrashed));
    Ok(fetch_optional::<T, DB>(connection, find).await?)
}

/// A statement rendered for `DB` with its values, ready to run.
type Statement<DB> = ::sqlx::query::Query<'static, DB, <DB as Dialect>::Values>;

/// `statement` of `T` for `DB`: its SQL text from `T`'s cache once rendered
/// (see [`rendered`]), its values built for this call.
fn cached<T: SoftDelete, DB: Dialect>(statement: Cached<T::Id>) -> Statement<DB> {
    let (sql, values) = rendered::<T>(statement, DB::BACKEND);
    ::sqlx::query_with(AssertSqlSafe(sql), DB::bind(values))
}

/// Whether a soft delete or restore returns its row in the same statement.
fn returning<DB: Dialect>() -> Returning {
    if DB::UPDATE_RETURNING {
        Returning::Row
    } else {
        Returning::Nothing
    }
}

/// Runs `query` on `connection`: the row it returns, if any, decoded.
async fn fetch_optional<T: Model<DB>, DB: Dialect>(
    connection: &mut DB::Connection,
    query: Statement<DB>,
) -> Result<Option<T>, ::sqlx::Error> {
    let row = query.fetch_optional(DB::executor(connection)).await?;
    row.as_ref().map(T::from_row).transpose()
}

/// Runs `query` on `connection`: the number of rows it affected.
async fn execute<DB: Dialect>(
    connection: &mut DB::Connection,
    query: Statement<DB>,
) -> Result<u64, ::sqlx::Error> {
    let result = query.execute(DB::executor(connection)).await?;
    Ok(DB::rows_affected(&result))
}

/// Runs a hook, naming it in its error.
async fn hook(
    table: &'static str,
    name: &'static str,
    running: impl Future<Output = Result<(), HookError>>,
) -> Result<(), Error> {
    running.await.map_err(|source| Error::Hook {
        table,
        hook: name,
        source,
    })
}

/// Commits `tx` when `outcome` is a success that changed something, else
/// rolls it back; the outcome either way.
async fn finish<DB: Dialect, R: Changed>(
    tx: Transaction<'_, DB>,
    outcome: Result<R, Error>,
) -> Result<R, Error> {
    match outcome {
        Ok(value) if value.changed() => {
            tx.commit().await?;
            Ok(value)
        }
        Ok(value) => {
            tx.rollback().await?;
            Ok(value)
        }
        Err(error) => {
            // The operation's error is the one to report; a failed rollback
            // leaves the connection to sqlx, which closes a broken one.
            let _ = tx.rollback().await;
            Err(error)
        }
    }
}

/// Whether an operation's result changed a row (else its transaction has
/// nothing to keep, and a before-hook's writes are rolled back with it).
trait Changed {
    fn changed(&self) -> bool;
}

impl<T> Changed for Option<T> {
    fn changed(&self) -> bool {
        self.is_some()
    }
}

impl Changed for bool {
    fn changed(&self) -> bool {
        *self
    }
}

impl Changed for PurgeProgress {
    fn changed(&self) -> bool {
        true
    }
}

/// Runs a cascade's statements on `tx`; `None` (to roll back) when the
/// parent's statement, at `parent`, changed nothing.
async fn run_cascade<T: SoftDelete, DB: Dialect>(
    tx: &mut DB::Connection,
    statements: &[UpdateStatement],
    parent: usize,
) -> Result<Option<Cascade>, Error> {
    let tables = crate::__private::cascade_tables::<T>(parent != 0);
    let mut changed = vec![0; statements.len()];
    for (index, statement) in statements.iter().enumerate() {
        let table = tables.get(index).copied().unwrap_or(T::TABLE);
        changed[index] = statement
            .execute(DB::executor(tx))
            .await
            .map_err(|error| Error::from_sqlx(table, true, error))?;
        if index == parent && changed[index] == 0 {
            return Ok(None);
        }
    }
    Ok(Some(Cascade::counted::<T>(&tables, &changed)))
}

const DEFAULT_BATCH: NonZeroU32 = match NonZeroU32::new(1_000) {
    Some(size) => size,
    None => unreachable!(),
};

/// One batch of a purge, as [`Purge::on_batch`] and
/// [`Hooks::after_purge_batch`] see it.
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
pub struct Purge<'h, 'c, T, DB: Dialect> {
    handle: &'h Handle<'c, T, DB>,
    cutoff: DateTime<Utc>,
    batch_size: NonZeroU32,
    on_batch: Option<Box<dyn FnMut(PurgeProgress) + Send + 'h>>,
}

impl<'h, T, DB: Dialect> Purge<'h, '_, T, DB> {
    /// Rows per batch (default 1000): each batch is one bounded `DELETE`,
    /// so a purge never holds long locks or a huge transaction.
    pub fn batch_size(mut self, size: NonZeroU32) -> Self {
        self.batch_size = size;
        self
    }

    /// Calls `progress` after each committed batch.
    pub fn on_batch(mut self, progress: impl FnMut(PurgeProgress) + Send + 'h) -> Self {
        self.on_batch = Some(Box::new(progress));
        self
    }
}

impl<'h, T, DB> IntoFuture for Purge<'h, '_, T, DB>
where
    T: Model<DB> + RecordsDeletionTime,
    DB: Dialect,
{
    type Output = Result<u64, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<u64, Error>> + Send + 'h>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

impl<T, DB> Purge<'_, '_, T, DB>
where
    T: Model<DB> + RecordsDeletionTime,
    DB: Dialect,
{
    async fn run(mut self) -> Result<u64, Error> {
        let size = self.batch_size;
        let statement = T::purge_trashed_before_batch(self.cutoff, size, DB::BACKEND);
        let mut connection = self.handle.lease().await?;
        let mut total = 0;
        for batch in 1.. {
            let progress = if <T::Hooks as Hooks<T, DB>>::ACTIVE {
                let mut tx = connection.begin().await?;
                let outcome = async {
                    hook(
                        T::TABLE,
                        "before_purge_batch",
                        <T::Hooks as Hooks<T, DB>>::before_purge_batch(&mut tx, self.cutoff),
                    )
                    .await?;
                    let deleted = statement.execute(DB::executor(&mut tx)).await?;
                    let progress = PurgeProgress {
                        batch,
                        deleted,
                        total: total + deleted,
                    };
                    hook(
                        T::TABLE,
                        "after_purge_batch",
                        <T::Hooks as Hooks<T, DB>>::after_purge_batch(&mut tx, &progress),
                    )
                    .await?;
                    Ok(progress)
                }
                .await;
                finish(tx, outcome).await?
            } else {
                // One DELETE: its own transaction already.
                let deleted = statement.execute(DB::executor(&mut connection)).await?;
                PurgeProgress {
                    batch,
                    deleted,
                    total: total + deleted,
                }
            };
            total = progress.total;
            if let Some(on_batch) = self.on_batch.as_mut() {
                on_batch(progress);
            }
            if progress.deleted < u64::from(size.get()) {
                break;
            }
        }
        Ok(total)
    }
}
