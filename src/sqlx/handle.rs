//! `T::on(db)`: a model's operations executed on a pool, a transaction or a
//! connection, each atomic, returning decoded rows.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::num::NonZeroU32;
use std::pin::Pin;

use ::sqlx::FromRow;

use super::session::SqlxSession;
use super::source::{Connections, Leased};
use super::{Dialect, Error, Hooks, Source};
use crate::__layer::{execute, plan, tombstone, PurgeConfig};
use crate::chrono::{DateTime, Utc};
use crate::sea_query::Value;
use crate::{
    Cascade, HasHooks, PurgeProgress, RecordsDeletedBy, RecordsDeletionTime, Retained, SoftDelete,
    TrashMode, Written,
};

/// A model that [`Handle`] can run on `DB`: a [`SoftDelete`] model that
/// derives `sqlx::FromRow` for `DB`'s rows, with a key that can be sent
/// between threads. Implemented for every such type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be run on `{DB}` by `soft_delete::sqlx`",
    label = "`{Self}` is not a `soft_delete::sqlx::Model<{DB}>`",
    note = "in code generic over the database, add the bound `where {Self}: soft_delete::sqlx::Model<{DB}>`",
    note = "for one database, derive `sqlx::FromRow` beside `SoftDelete` (the columns are read by name), and keep the key `Clone + Send + Sync`",
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

// Not recommended in errors: a missing bound then reads as this trait's
// message (which says the fix), not as the leaf bounds the impl needs
// (`i64: Decode<'_, DB>`, ...).
#[diagnostic::do_not_recommend]
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
    fn on<'c, S: Source<'c>>(db: S) -> Handle<'c, Self, S::Database>
    where
        // Here rather than only on the handle's methods: in generic code a
        // missing bound is then this trait's error, which says the fix,
        // instead of "the method exists but its trait bounds were not
        // satisfied".
        Self: Model<S::Database>,
    {
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
        let sql = plan::find::<T>(id, mode, DB::BACKEND);
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(execute::fetch_optional(&mut session, sql).await?)
    }

    /// The rows in `mode`'s view, by primary key.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn list(&self, mode: TrashMode) -> Result<Vec<T>, Error> {
        let sql = plan::list::<T>(mode, DB::BACKEND);
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(crate::__layer::Session::<T>::fetch_all(&mut session, sql).await?)
    }

    /// The rows trashed at or after `at`, newest first: "deleted in the
    /// last 30 minutes — undo?". Times compare as times on every backend
    /// ([`SoftDelete::trashed_between`]).
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn list_trashed_since(&self, at: DateTime<Utc>) -> Result<Vec<T>, Error>
    where
        T: RecordsDeletionTime,
    {
        let sql = plan::trashed_since::<T>(at, DB::BACKEND);
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(crate::__layer::Session::<T>::fetch_all(&mut session, sql).await?)
    }

    /// How many rows `mode`'s view holds.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails.
    pub async fn count(&self, mode: TrashMode) -> Result<u64, Error> {
        let sql = plan::count::<T>(mode, DB::BACKEND);
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(crate::__layer::Session::<T>::fetch_count(&mut session, sql).await?)
    }

    /// Inserts one row with `values` (columns of the model's own enum, so a
    /// misspelt column does not compile) and returns the row as the
    /// database wrote it, defaults and assigned key included: `INSERT ...
    /// RETURNING`, or on MySQL/MariaDB the insert and its read in one
    /// transaction.
    ///
    /// ```
    /// use soft_delete::sqlx::SoftDeleteExt;
    /// use soft_delete::SoftDelete;
    ///
    /// #[derive(Debug, SoftDelete, sqlx::FromRow)]
    /// #[soft_delete(table = "posts")]
    /// struct Post { id: i64, title: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// sqlx::raw_sql("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, deleted_at TEXT)")
    ///     .execute(&pool)
    ///     .await?;
    ///
    /// let posts = Post::on(&pool);
    /// let post = posts.insert([(PostColumn::Title, "Hello".into())]).await?;
    /// assert_eq!((post.id, post.title.as_str()), (1, "Hello"));
    /// let post = posts.update(1, [(PostColumn::Title, "Hello again".into())]).await?;
    /// assert_eq!(post.map(|post| post.title), Some("Hello again".to_owned()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when a unique key is taken (nothing changes);
    /// [`Error::Database`], also for a value the database cannot hold or a
    /// column named twice.
    pub async fn insert(
        &self,
        values: impl IntoIterator<Item = (T::Column, Value)>,
    ) -> Result<T, Error> {
        let plan = plan::insert::<T>(values, DB::BACKEND)?;
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(execute::insert(&mut session, plan).await?)
    }

    /// Inserts a row with `values`, or — when a trashed row holds one of
    /// the model's `unique(...)` keys with these values — restores that row
    /// (the most recently trashed, if several) and gives it the values
    /// (all but its primary key), atomically: concurrent calls with one key
    /// end with exactly one live row. A live holder is a conflict and
    /// nothing changes. A model without `unique(...)`, or values that fill
    /// no key, only insert. The restore's hooks run when a row is restored.
    ///
    /// Calls on one key's values wait for each other (PostgreSQL: an
    /// advisory lock for the transaction and a locking read; MySQL/MariaDB:
    /// a locking read, run again when `InnoDB` resolves two inserters'
    /// deadlock; SQLite: its write lock), so this holds with or without a
    /// unique index behind the key, and every lock ends with the
    /// transaction (a cancelled call leaves none). On MySQL/MariaDB declare
    /// the key's index (`unique_indexes`): without one the locking read
    /// locks the whole table, and other writers may lose deadlocks to it
    /// ([`Error::is_retryable`]). Inside a transaction of yours there a
    /// deadlock is returned rather than retried: it rolled your
    /// transaction back.
    ///
    /// ```
    /// use soft_delete::sqlx::{Error, SoftDeleteExt};
    /// use soft_delete::{Holder, SoftDelete, Written};
    ///
    /// #[derive(Debug, SoftDelete, sqlx::FromRow)]
    /// #[soft_delete(table = "users", unique(email))]
    /// struct User { id: i64, email: String, name: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// sqlx::raw_sql("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL, deleted_at TEXT)")
    ///     .execute(&pool)
    ///     .await?;
    /// let users = User::on(&pool);
    /// let ada = || [(UserColumn::Email, "ada@example.com".into()), (UserColumn::Name, "Ada".into())];
    ///
    /// let Written::Created(user) = users.create_or_restore(ada()).await? else { panic!() };
    /// users.delete(user.id).await?;
    /// let Written::Restored(again) = users.create_or_restore(ada()).await? else { panic!() };
    /// assert_eq!(again.id, user.id);
    /// let taken = users.create_or_restore(ada()).await.unwrap_err();
    /// assert!(matches!(taken, Error::Conflict { holder: Holder::Live, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] (holder [`Holder::Live`](crate::Holder::Live))
    /// when a live row holds the key; [`Error::Hook`]; [`Error::Database`],
    /// also for a value the database cannot hold or a column named twice.
    pub async fn create_or_restore(
        &self,
        values: impl IntoIterator<Item = (T::Column, Value)>,
    ) -> Result<Written<T>, Error> {
        let plan = tombstone::create_or_restore::<T>(values, DB::BACKEND)?;
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(execute::create_or_restore(&mut session, plan).await?)
    }

    /// Updates the live row `id` with `values` and returns the row as
    /// written; `None` (nothing changed) when the row is absent or
    /// trashed: a trashed row is treated as absent. A model with
    /// `updated_at` has it stamped too.
    ///
    /// # Errors
    ///
    /// As [`insert`](Self::insert).
    pub async fn update(
        &self,
        id: T::Id,
        values: impl IntoIterator<Item = (T::Column, Value)>,
    ) -> Result<Option<T>, Error> {
        let write = plan::update::<T>(id, values, DB::BACKEND)?;
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(execute::write(&mut session, write).await?)
    }

    /// Soft delete of the live row `id`: the row as trashed, `None` if
    /// absent or already trashed (its first deletion time stands).
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails; [`Error::Hook`] when a
    /// hook fails (nothing changes).
    pub async fn delete(&self, id: T::Id) -> Result<Option<T>, Error> {
        let write = plan::delete::<T>(id, DB::BACKEND);
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(execute::write(&mut session, write).await?)
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
        let write = plan::delete_as::<T>(id, actor.into(), DB::BACKEND);
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(execute::write(&mut session, write).await?)
    }

    /// Restore of the trashed row `id`: the row as live, `None` if absent
    /// or not trashed.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when a live row now holds one of its unique keys
    /// (nothing changes); [`Error::Database`], [`Error::Hook`].
    pub async fn restore(&self, id: T::Id) -> Result<Option<T>, Error> {
        let write = plan::restore::<T>(id, DB::BACKEND);
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(execute::write(&mut session, write).await?)
    }

    /// Hard delete of the row `id`, trashed or not: whether a row was
    /// removed.
    ///
    /// # Errors
    ///
    /// [`Error::Database`], [`Error::Hook`].
    pub async fn force_delete(&self, id: T::Id) -> Result<bool, Error> {
        let plan = plan::force_delete::<T>(id, DB::BACKEND);
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(execute::force_delete(&mut session, plan).await?)
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
            config: PurgeConfig::new(cutoff),
        }
    }

    /// [`purge_trashed_before`](Self::purge_trashed_before) now less the
    /// model's retention (`retain = "30 days"` in the derive): the rows
    /// past it go. A model without `retain` has no such method.
    ///
    /// ```
    /// use soft_delete::sqlx::SoftDeleteExt;
    /// use soft_delete::SoftDelete;
    ///
    /// #[derive(Debug, SoftDelete, sqlx::FromRow)]
    /// #[soft_delete(table = "posts", retain = "30 days")]
    /// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// sqlx::raw_sql("CREATE TABLE posts (id INTEGER PRIMARY KEY, deleted_at TEXT);
    ///                INSERT INTO posts VALUES (1, '2020-01-01 00:00:00'), (2, datetime('now', '-1 day')), (3, NULL);")
    ///     .execute(&pool)
    ///     .await?;
    /// assert_eq!(Post::on(&pool).purge_expired().await?, 1, "only the row past 30 days");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub fn purge_expired(&self) -> Purge<'_, 'c, T, DB>
    where
        T: Retained,
    {
        self.purge_trashed_before(plan::expiry::<T>(Utc::now()))
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
        let plan = plan::cascade_delete::<T>(id, DB::BACKEND);
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(execute::cascade(&mut session, plan).await?)
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
        let plan = plan::cascade_restore::<T>(id, DB::BACKEND);
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(execute::cascade(&mut session, plan).await?)
    }

    /// Erase — the right to erasure: hard deletes the row `id` and every
    /// row below it through the declared cascades, live or trashed, deepest
    /// first, in one transaction (a savepoint inside the caller's). How many
    /// rows of each table went, the row's own first; `None` if there is no
    /// such row. The model's `before_erase` / `after_erase` hooks run in
    /// that transaction (to anonymise or audit); a failing hook undoes it
    /// all.
    ///
    /// ```
    /// # use soft_delete::sqlx::SoftDeleteExt;
    /// # use soft_delete::SoftDelete;
    /// # #[derive(Debug, SoftDelete, sqlx::FromRow)] #[soft_delete(table = "comments")] struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// # #[derive(Debug, SoftDelete, sqlx::FromRow)] #[soft_delete(table = "posts", cascade(Comment = "post_id"))] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// sqlx::raw_sql("CREATE TABLE posts (id INTEGER PRIMARY KEY, deleted_at TEXT);
    ///                CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id), deleted_at TEXT);
    ///                INSERT INTO posts (id) VALUES (1); INSERT INTO comments (id, post_id, deleted_at) VALUES (1, 1, NULL), (2, 1, '2020-01-01 00:00:00');")
    ///     .execute(&pool)
    ///     .await?;
    ///
    /// let erased = Post::on(&pool).erase(1).await?.expect("post 1 exists");
    /// assert_eq!(erased.rows, [("posts", 1), ("comments", 2)]);
    /// assert_eq!(Post::on(&pool).erase(1).await?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Referenced`] when a table the model declares no cascade
    /// into references one of the rows; [`Error::Hook`],
    /// [`Error::Database`]; nothing changes.
    pub async fn erase(&self, id: T::Id) -> Result<Option<Cascade>, Error> {
        let plan = plan::erase::<T>(id, DB::BACKEND);
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(execute::erase(&mut session, plan).await?)
    }

    /// Creates the indexes soft deletion asks of the model's table that are
    /// missing: the marker index and the keys of `unique(...)`
    /// ([`Schema::marker_index`](crate::Schema::marker_index),
    /// [`Schema::unique_indexes`](crate::Schema::unique_indexes)). Each is
    /// created only when the database does not have it, on every database
    /// (MySQL has no `CREATE INDEX IF NOT EXISTS`), so a service can call it
    /// at every start. The number of statements run: 0 once all are in
    /// place. Call it outside a transaction: MySQL/MariaDB commit one on DDL.
    ///
    /// ```
    /// use soft_delete::sqlx::SoftDeleteExt;
    /// use soft_delete::SoftDelete;
    ///
    /// #[derive(Debug, SoftDelete, sqlx::FromRow)]
    /// #[soft_delete(table = "users", unique(email))]
    /// struct User { id: i64, email: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// sqlx::raw_sql("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, deleted_at TEXT)")
    ///     .execute(&pool)
    ///     .await?;
    /// assert_eq!(User::on(&pool).create_indexes().await?, 2);
    /// // The next start finds them in place.
    /// assert_eq!(User::on(&pool).create_indexes().await?, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Database`] for a statement that failed with its index still
    /// missing (for example a live duplicate of a unique key).
    pub async fn create_indexes(&self) -> Result<u64, Error> {
        let plan = plan::create_indexes::<T>(DB::BACKEND);
        let mut connection = self.lease().await?;
        let mut session = SqlxSession::<DB>::new(&mut connection);
        Ok(execute::create_indexes::<T, _>(&mut session, plan).await?)
    }

    async fn lease(&self) -> Result<Leased<'_, 'c, DB>, Error> {
        self.connections.lease(T::TABLE).await
    }
}

/// A purge of the rows trashed before a cutoff, from
/// [`Handle::purge_trashed_before`]: set it up, then `.await` it for the
/// number of rows removed.
#[must_use = "a purge does nothing until it is awaited"]
pub struct Purge<'h, 'c, T, DB: Dialect> {
    handle: &'h Handle<'c, T, DB>,
    config: PurgeConfig<'h>,
}

impl<'h, T, DB: Dialect> Purge<'h, '_, T, DB> {
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
    pub fn on_batch(mut self, progress: impl FnMut(PurgeProgress) + Send + 'h) -> Self {
        self.config.on_batch = Some(Box::new(progress));
        self
    }

    /// Stops after the batch during which `stop` became true.
    pub(crate) fn stop_on(mut self, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Self {
        self.config.stop = Some(stop);
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
        Box::pin(async move {
            let mut connection = self.handle.lease().await?;
            let mut session = SqlxSession::<DB>::new(&mut connection);
            Ok(execute::purge::<T, _>(&mut session, self.config).await?)
        })
    }
}
