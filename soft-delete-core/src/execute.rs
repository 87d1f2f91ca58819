//! Runs an operation's [plan](crate::plan) through a run layer's
//! [`Session`]: the transaction rule, the hooks, the classification of
//! database errors and the result, written once for every run layer.

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::plan::{
    self, read_back, CascadePlan, CreateIndexes, ErasePlan, ForceDelete, Insert, PurgeConfig,
    PurgeProgress, PurgeRange, Sql, Write, WriteKind,
};
use crate::tombstone::{CreateOrRestore, Holder, HolderLookup, Written};
use crate::{purge, Backend, Cascade, SoftDelete};

/// A `tracing` event (target `soft_delete`, DEBUG) for a finished
/// operation with feature `tracing`; nothing without it.
macro_rules! event {
    ($($field:tt)*) => {
        #[cfg(feature = "tracing")]
        tracing::debug!(target: "soft_delete", $($field)*);
    };
}

/// The outcome of a cascade or erase of `table`, as [`event!`] reports it.
fn traced(operation: &'static str, table: &'static str, outcome: Option<&Cascade>) {
    #[cfg(feature = "tracing")]
    if let Some(cascade) = outcome {
        tracing::debug!(
            target: "soft_delete",
            table,
            operation,
            rows = cascade.total(),
            "soft_delete {operation}"
        );
    }
    let _ = (operation, table, outcome);
}

/// An operation's body: with feature `tracing`, run inside its span
/// ([`in_span`]); without, as it is (no future around it).
macro_rules! in_span {
    ($operation:expr, $rows:expr, $body:block) => {{
        #[cfg(feature = "tracing")]
        {
            in_span(T::TABLE, $operation, $rows, async move $body).await
        }
        #[cfg(not(feature = "tracing"))]
        {
            let _ = $operation;
            $body
        }
    }};
}

/// Runs one operation of the run layers; with feature `tracing`, inside a
/// span (target `soft_delete`, DEBUG, named `soft_delete`) with the table
/// and the operation, and, when it ends, the rows it changed (`rows`) and
/// its outcome (`ok` or the kind of failure). Bound values never go into
/// it: they may be personal data.
#[cfg(feature = "tracing")]
async fn in_span<R, E>(
    table: &'static str,
    operation: &'static str,
    rows: impl FnOnce(&R) -> u64,
    run: impl Future<Output = Result<R, Failure<E>>>,
) -> Result<R, Failure<E>> {
    use tracing::Instrument as _;
    let span = tracing::debug_span!(
        target: "soft_delete",
        "soft_delete",
        table,
        operation,
        rows = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
    let outcome = run.instrument(span.clone()).await;
    match &outcome {
        Ok(changed) => {
            span.record("rows", rows(changed));
            span.record("outcome", "ok");
        }
        Err(failure) => {
            span.record("outcome", failure.kind());
        }
    }
    outcome
}

impl<E> Failure<E> {
    /// The failure's kind, as a span records it.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    fn kind(&self) -> &'static str {
        match self {
            Failure::Database(_) => "database",
            Failure::Conflict { .. } => "conflict",
            Failure::Referenced { .. } => "referenced",
            Failure::Cascaded { .. } => "cascaded",
            Failure::TrashedParent { .. } => "trashed_parent",
            Failure::Hook { .. } => "hook",
        }
    }
}

/// The error a hook returns; any error converts into it with `?`.
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// A point in an operation where the model's hooks run, with what they see.
#[derive(Debug)]
#[non_exhaustive]
pub enum Hook<'a, T: SoftDelete> {
    /// Before a soft delete (also a cascade's), with the row's key.
    BeforeDelete(&'a T::Id),
    /// After a soft delete, with the row as trashed.
    AfterDelete(&'a T),
    /// Before a restore (also a cascade's), with the row's key.
    BeforeRestore(&'a T::Id),
    /// After a restore, with the row as live.
    AfterRestore(&'a T),
    /// Before a hard delete, with the row's key.
    BeforeForceDelete(&'a T::Id),
    /// After a hard delete that removed the row, with its key.
    AfterForceDelete(&'a T::Id),
    /// Before each purge batch, with the cutoff.
    BeforePurgeBatch(DateTime<Utc>),
    /// After each purge batch, with its progress.
    AfterPurgeBatch(&'a PurgeProgress),
    /// Before an erase, with the row's key.
    BeforeErase(&'a T::Id),
    /// After an erase that removed the row, with its key.
    AfterErase(&'a T::Id),
}

impl<T: SoftDelete> Hook<'_, T> {
    /// The hook's method name, as errors report it.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Hook::BeforeDelete(_) => "before_delete",
            Hook::AfterDelete(_) => "after_delete",
            Hook::BeforeRestore(_) => "before_restore",
            Hook::AfterRestore(_) => "after_restore",
            Hook::BeforeForceDelete(_) => "before_force_delete",
            Hook::AfterForceDelete(_) => "after_force_delete",
            Hook::BeforePurgeBatch(_) => "before_purge_batch",
            Hook::AfterPurgeBatch(_) => "after_purge_batch",
            Hook::BeforeErase(_) => "before_erase",
            Hook::AfterErase(_) => "after_erase",
        }
    }
}

/// What a database error means to an operation, as a run layer reads it
/// from its driver's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A unique constraint was violated (the constraint, where the database
    /// names it).
    Unique(Option<String>),
    /// A foreign key was violated: a row still references the one removed
    /// (the constraint, where the database names it).
    ForeignKey(Option<String>),
    /// Anything else.
    Other,
}

/// How an operation failed, before a run layer turns it into its own
/// error type; `E` is the driver's error.
#[derive(Debug)]
pub enum Failure<E> {
    /// The database, the driver or the connection failed.
    Database(E),
    /// A write would give a row a unique key another row holds (a restore,
    /// an insert, an update, a create-or-restore against a live holder).
    Conflict {
        /// The table of the row that could not be written.
        table: &'static str,
        /// The violated constraint, where the database names it.
        constraint: Option<String>,
        /// Who holds the key.
        holder: Holder,
        /// The driver's error; `None` when the library found the live
        /// holder itself (a create-or-restore) and wrote nothing.
        source: Option<E>,
    },
    /// A hard delete failed because a row of a table the model declares no
    /// cascade into still references it.
    Referenced {
        /// The table of the row that could not be removed.
        table: &'static str,
        /// The violated constraint, where the database names it.
        constraint: Option<String>,
        /// The driver's error.
        source: E,
    },
    /// A restore of a row a cascade trashed (its root or a row below),
    /// which comes back only with that cascade's restore; nothing changed.
    Cascaded {
        /// The table of the row.
        table: &'static str,
    },
    /// A restore of a row whose declared parent is trashed; nothing
    /// changed.
    TrashedParent {
        /// The table of the row.
        table: &'static str,
        /// The parent's table.
        parent: &'static str,
    },
    /// A hook failed; the operation was rolled back.
    Hook {
        /// The model's table.
        table: &'static str,
        /// The hook's name.
        hook: &'static str,
        /// The hook's error.
        source: HookError,
    },
}

impl<E> From<E> for Failure<E> {
    fn from(error: E) -> Self {
        Failure::Database(error)
    }
}

/// A run layer's connection for one operation of the model `T`: the few
/// primitives every plan is executed with. Each layer implements it once
/// (sqlx over a connection, SeaORM over a `ConnectionTrait`), and holds no
/// operation logic of its own.
pub trait Session<T: SoftDelete>: Send {
    /// The driver's error.
    type Error: Send;

    /// The database this session speaks.
    fn backend(&self) -> Backend;

    /// Whether the session is inside a transaction of the caller's, where a
    /// failed statement must not spoil it (a savepoint keeps it usable).
    fn in_transaction(&self) -> bool;

    /// Runs `sql`: the number of rows it changed.
    fn execute(&mut self, sql: Sql) -> impl Future<Output = Result<u64, Self::Error>> + Send;

    /// Runs `sql`: the row it returns, decoded, if any.
    fn fetch_optional(
        &mut self,
        sql: Sql,
    ) -> impl Future<Output = Result<Option<T>, Self::Error>> + Send;

    /// Runs `sql`: every row it returns, decoded.
    fn fetch_all(&mut self, sql: Sql) -> impl Future<Output = Result<Vec<T>, Self::Error>> + Send;

    /// Runs `sql`, a `SELECT COUNT(*)`: the count.
    fn fetch_count(&mut self, sql: Sql) -> impl Future<Output = Result<u64, Self::Error>> + Send;

    /// Begins a transaction, or a savepoint inside the caller's. `write`
    /// asks for the database's write lock up front where it has one for a
    /// whole transaction (SQLite's `BEGIN IMMEDIATE`), so that two writers
    /// never deadlock upgrading a read.
    fn begin(&mut self, write: bool) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Commits what [`begin`](Self::begin) began.
    fn commit(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Rolls back what [`begin`](Self::begin) began.
    fn rollback(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Whether the model has hooks on this layer (else none is called and
    /// no transaction is opened for them).
    fn has_hooks(&self) -> bool;

    /// Runs the model's hook for `hook`, on this session's connection,
    /// inside the operation's transaction.
    fn hook<'a>(
        &'a mut self,
        hook: Hook<'a, T>,
    ) -> impl Future<Output = Result<(), HookError>> + Send + 'a;

    /// What `error` means to an operation.
    fn fault(error: &Self::Error) -> Fault;

    /// The driver's "no row" error, for a write on `table` whose row could
    /// not be read back.
    fn not_found(table: &'static str) -> Self::Error;

    /// Whether running the operation again may succeed (a deadlock, a
    /// serialization failure, a lost connection): the run layer's
    /// `Error::is_retryable`.
    fn is_retryable(error: &Self::Error) -> bool;
}

/// `error` from a statement on `table`: a unique violation is a conflict
/// in a restore, a foreign-key violation a reference in a hard delete,
/// anything else a database error.
fn classify<T: SoftDelete, S: Session<T>>(
    table: &'static str,
    kind: Classify,
    error: S::Error,
) -> Failure<S::Error> {
    match (S::fault(&error), kind) {
        // A restore's key was free while the row was trashed: only a live
        // row can hold it now. An insert's or update's holder is looked up
        // afterwards (see `holder_of`).
        (Fault::Unique(constraint), Classify::Restore) => Failure::Conflict {
            table,
            constraint,
            holder: Holder::Live,
            source: Some(error),
        },
        (Fault::Unique(constraint), Classify::Write) => Failure::Conflict {
            table,
            constraint,
            holder: Holder::Unknown,
            source: Some(error),
        },
        (Fault::ForeignKey(constraint), Classify::HardDelete) => Failure::Referenced {
            table,
            constraint,
            source: error,
        },
        _ => Failure::Database(error),
    }
}

/// Which errors an operation reads as its own.
#[derive(Clone, Copy)]
enum Classify {
    SoftDelete,
    Restore,
    /// An insert or update: a unique violation is a conflict whose holder
    /// is looked up afterwards.
    Write,
    HardDelete,
}

impl From<WriteKind> for Classify {
    fn from(kind: WriteKind) -> Self {
        match kind {
            WriteKind::Delete => Classify::SoftDelete,
            WriteKind::Restore => Classify::Restore,
            WriteKind::Update => Classify::Write,
        }
    }
}

/// `failure` with the holder of its conflict read by `holder` (once the
/// failed write is rolled back): live or trashed, as far as the model's
/// declared keys tell.
async fn with_holder<T: SoftDelete, S: Session<T>, R>(
    session: &mut S,
    outcome: Result<R, Failure<S::Error>>,
    holder: Option<HolderLookup>,
) -> Result<R, Failure<S::Error>> {
    let Err(Failure::Conflict {
        table,
        constraint,
        holder: Holder::Unknown,
        source,
    }) = outcome
    else {
        return outcome;
    };
    // Built only now: a write that succeeds never renders it.
    let holder = match holder.and_then(HolderLookup::sql::<T>) {
        None => Holder::Unknown,
        Some(sql) => match session.fetch_optional(sql).await {
            Ok(Some(row)) if row.is_trashed() => Holder::Trashed,
            Ok(Some(_)) => Holder::Live,
            // The conflict is the error to report, whatever the read.
            Ok(None) | Err(_) => Holder::Unknown,
        },
    };
    Err(Failure::Conflict {
        table,
        constraint,
        holder,
        source,
    })
}

async fn hook<T: SoftDelete, S: Session<T>>(
    session: &mut S,
    hook: Hook<'_, T>,
) -> Result<(), Failure<S::Error>> {
    let name = hook.name();
    session.hook(hook).await.map_err(|source| Failure::Hook {
        table: T::TABLE,
        hook: name,
        source,
    })
}

/// Commits when `outcome` succeeded and `keep` says it changed something,
/// else rolls back; the outcome either way.
async fn finish<T: SoftDelete, S: Session<T>, R>(
    session: &mut S,
    outcome: Result<R, Failure<S::Error>>,
    keep: impl FnOnce(&R) -> bool,
) -> Result<R, Failure<S::Error>> {
    match outcome {
        Ok(value) if keep(&value) => {
            session.commit().await?;
            Ok(value)
        }
        Ok(value) => {
            session.rollback().await?;
            Ok(value)
        }
        Err(error) => {
            // The operation's error is the one to report; a connection that
            // cannot roll back is broken, and its driver closes it.
            let _ = session.rollback().await;
            Err(error)
        }
    }
}

/// The row `sql` finds.
///
/// # Errors
///
/// The database's.
pub async fn fetch_optional<T: SoftDelete, S: Session<T>>(
    session: &mut S,
    sql: Sql,
) -> Result<Option<T>, Failure<S::Error>> {
    Ok(session.fetch_optional(sql).await?)
}

/// Runs a soft delete or restore: one `UPDATE ... RETURNING` where that is
/// atomic on its own (outside a caller's transaction, without hooks), else
/// the hooks, the update and the read of the row it locked in one
/// transaction (a savepoint inside the caller's).
///
/// # Errors
///
/// [`Failure::Conflict`] for a restore whose key a live row holds,
/// [`Failure::Hook`], [`Failure::Database`]; nothing is changed.
pub async fn write<T, S>(
    session: &mut S,
    mut write: Write<T>,
) -> Result<Option<T>, Failure<S::Error>>
where
    T: SoftDelete<Id: Clone + Send + Sync> + Send + Sync,
    S: Session<T>,
{
    let operation = match write.kind {
        WriteKind::Delete => "delete",
        WriteKind::Restore => "restore",
        WriteKind::Update => "update",
    };
    in_span!(operation, |row: &Option<T>| u64::from(row.is_some()), {
        let holder = write.holder.take();
        let cascaded = match write.kind {
            WriteKind::Restore => plan::refusals::<T>(write.id.clone(), false, session.backend()),
            _ => None,
        };
        let outcome = write_with_hooks(session, write).await;
        match (outcome, cascaded) {
            // A restore takes only rows trashed on their own; the refusal is
            // decided by what the row is when read (a linearization point of
            // the restore, which changed nothing).
            (Ok(None), Some(cascaded)) => unrestored(session, cascaded).await.map(|()| None),
            (outcome, _) => with_holder(session, outcome, holder).await,
        }
    })
}

/// After a restore that changed nothing: [`Failure::Cascaded`] when a
/// cascade took the row, [`Failure::TrashedParent`] when a parent it
/// declares is trashed, else nothing to say (absent, live, or a cascade's
/// own root).
async fn unrestored<T: SoftDelete, S: Session<T>>(
    session: &mut S,
    refusals: plan::Refusals,
) -> Result<(), Failure<S::Error>> {
    if let Some(cascaded) = refusals.cascaded {
        if session.fetch_count(cascaded).await? > 0 {
            return Err(Failure::Cascaded { table: T::TABLE });
        }
    }
    for (parent, trashed) in refusals.parents {
        if session.fetch_count(trashed).await? > 0 {
            return Err(Failure::TrashedParent {
                table: T::TABLE,
                parent,
            });
        }
    }
    Ok(())
}

async fn write_with_hooks<T, S>(
    session: &mut S,
    write: Write<T>,
) -> Result<Option<T>, Failure<S::Error>>
where
    T: SoftDelete<Id: Clone + Send + Sync> + Send + Sync,
    S: Session<T>,
{
    let hooks = session.has_hooks() && matches!(write.kind, WriteKind::Delete | WriteKind::Restore);
    if write.returning && !hooks && !session.in_transaction() {
        return write_and_read(session, write).await;
    }
    session.begin(false).await?;
    let outcome = async {
        let (kind, id) = (write.kind, write.id.clone());
        if hooks {
            if let Some(before) = before(kind, &id) {
                self::hook(session, before).await?;
            }
        }
        let row = write_and_read(session, write).await?;
        if let (true, Some(row)) = (hooks, &row) {
            after(session, kind, row).await?;
        }
        Ok(row)
    }
    .await;
    finish(session, outcome, Option::is_some).await
}

/// The `before_*` hook of a write of `kind`; an update has none.
fn before<T: SoftDelete>(kind: WriteKind, id: &T::Id) -> Option<Hook<'_, T>> {
    match kind {
        WriteKind::Delete => Some(Hook::BeforeDelete(id)),
        WriteKind::Restore => Some(Hook::BeforeRestore(id)),
        WriteKind::Update => None,
    }
}

async fn after<T: SoftDelete, S: Session<T>>(
    session: &mut S,
    kind: WriteKind,
    row: &T,
) -> Result<(), Failure<S::Error>> {
    let after = match kind {
        WriteKind::Delete => Hook::AfterDelete(row),
        WriteKind::Restore => Hook::AfterRestore(row),
        WriteKind::Update => return Ok(()),
    };
    hook(session, after).await
}

/// The write's statement and the row it produced: `RETURNING`, or a read of
/// the row the update locked (the session is then in a transaction).
async fn write_and_read<T, S>(
    session: &mut S,
    write: Write<T>,
) -> Result<Option<T>, Failure<S::Error>>
where
    T: SoftDelete<Id: Send>,
    S: Session<T>,
{
    let classify = |error| self::classify::<T, S>(T::TABLE, write.kind.into(), error);
    if write.returning {
        return session
            .fetch_optional(write.statement)
            .await
            .map_err(classify);
    }
    let changed = session.execute(write.statement).await.map_err(classify)?;
    if changed == 0 {
        return Ok(None);
    }
    let read = match write.read_back {
        Some(read) => read,
        None => read_back::<T>(write.id, session.backend()),
    };
    Ok(session.fetch_optional(read).await?)
}

/// Runs an insert and returns the row it wrote: one `INSERT ... RETURNING`
/// where that is atomic on its own, else the insert and the read of the row
/// in one transaction (a savepoint inside the caller's).
///
/// # Errors
///
/// [`Failure::Conflict`] when a unique key is taken, [`Failure::Database`]
/// (also when the row cannot be read back: a MySQL table whose key the
/// insert neither gave nor had assigned); nothing is changed.
pub async fn insert<T, S>(session: &mut S, mut plan: Insert<T>) -> Result<T, Failure<S::Error>>
where
    T: SoftDelete + Send + Sync,
    S: Session<T>,
{
    in_span!("insert", |_| 1, {
        let holder = plan.holder.take();
        let outcome = if plan.returning && !session.in_transaction() {
            insert_row(session, plan).await
        } else {
            session.begin(false).await?;
            let outcome = insert_row(session, plan).await;
            finish(session, outcome, |_| true).await
        };
        with_holder(session, outcome, holder).await
    })
}

/// The insert and the row it wrote; without `RETURNING` the session is in
/// a transaction, where the read-back sees the insert's row.
async fn insert_row<T, S>(session: &mut S, plan: Insert<T>) -> Result<T, Failure<S::Error>>
where
    T: SoftDelete + Send + Sync,
    S: Session<T>,
{
    let classify = |error| self::classify::<T, S>(T::TABLE, Classify::Write, error);
    let row = if plan.returning {
        session
            .fetch_optional(plan.statement)
            .await
            .map_err(classify)?
    } else {
        session.execute(plan.statement).await.map_err(classify)?;
        session.fetch_optional(plan.read_back).await?
    };
    row.ok_or_else(|| Failure::Database(S::not_found(T::TABLE)))
}

/// Runs a create-or-restore: with the key's values locked, the trashed row
/// holding them is restored with the values, or the row is inserted; a
/// live holder is a conflict. One transaction (a savepoint inside the
/// caller's); the restore's hooks run when a row is restored.
///
/// # Errors
///
/// [`Failure::Conflict`] when a live row holds the key (nothing changed),
/// [`Failure::Hook`], [`Failure::Database`].
pub async fn create_or_restore<T, S>(
    session: &mut S,
    plan: CreateOrRestore<T>,
) -> Result<Written<T>, Failure<S::Error>>
where
    T: SoftDelete<Id: Clone + Send + Sync> + Send + Sync,
    S: Session<T>,
{
    in_span!("create_or_restore", |_| 1, {
        let outcome = create_or_restore_traced(session, plan).await;
        #[cfg(feature = "tracing")]
        match &outcome {
            Ok(written) => tracing::debug!(
                target: "soft_delete",
                table = T::TABLE,
                restored = written.is_restored(),
                "soft_delete create_or_restore"
            ),
            Err(Failure::Conflict { .. }) => tracing::debug!(
                target: "soft_delete",
                table = T::TABLE,
                "soft_delete create_or_restore: a live row holds the key"
            ),
            Err(_) => {}
        }
        outcome
    })
}

async fn create_or_restore_traced<T, S>(
    session: &mut S,
    mut plan: CreateOrRestore<T>,
) -> Result<Written<T>, Failure<S::Error>>
where
    T: SoftDelete<Id: Clone + Send + Sync> + Send + Sync,
    S: Session<T>,
{
    let Some(holder) = plan.holder.take() else {
        // The values fill no declared key: nothing can hold it.
        return insert(session, plan.insert).await.map(Written::Created);
    };
    // MySQL/MariaDB: the holder's locking read takes InnoDB's gap locks,
    // so two calls inserting into one gap deadlock and InnoDB rolls one
    // back, having changed nothing: run it again (outside a caller's
    // transaction, which the deadlock rolled back whole).
    let retries = if session.backend() == Backend::MySql && !session.in_transaction() {
        MYSQL_DEADLOCK_RETRIES
    } else {
        0
    };
    let mut attempt = 0;
    loop {
        match locked_create_or_restore(session, &plan, holder.clone()).await {
            Err(Failure::Database(error)) if attempt < retries && S::is_retryable(&error) => {
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

/// How many times a create-or-restore on MySQL/MariaDB runs again after a
/// deadlock before it reports one.
const MYSQL_DEADLOCK_RETRIES: u32 = 16;

async fn locked_create_or_restore<T, S>(
    session: &mut S,
    plan: &CreateOrRestore<T>,
    holder: Sql,
) -> Result<Written<T>, Failure<S::Error>>
where
    T: SoftDelete<Id: Clone + Send + Sync> + Send + Sync,
    S: Session<T>,
{
    session.begin(true).await?;
    let outcome = async {
        for lock in &plan.lock {
            session.execute(lock.clone()).await?;
        }
        match session.fetch_optional(holder).await? {
            Some(row) if !row.is_trashed() => Err(Failure::Conflict {
                table: T::TABLE,
                constraint: None,
                holder: Holder::Live,
                source: None,
            }),
            Some(row) => {
                let id = row.id();
                let hooks = session.has_hooks();
                if hooks {
                    hook(session, Hook::BeforeRestore(&id)).await?;
                }
                // The locking read keeps every other write off the holder
                // (SQLite: the database's write lock); a restore that still
                // finds it live lost to one that came first.
                let Some(row) = write_and_read(session, plan.revive(id)).await? else {
                    return Err(Failure::Conflict {
                        table: T::TABLE,
                        constraint: None,
                        holder: Holder::Live,
                        source: None,
                    });
                };
                if hooks {
                    hook(session, Hook::AfterRestore(&row)).await?;
                }
                Ok(Written::Restored(row))
            }
            None => insert_row(session, plan.insert.clone())
                .await
                .map(Written::Created),
        }
    }
    .await;
    finish(session, outcome, |_| true).await
}

/// Runs a hard delete, with its hooks in one transaction when the model has
/// them: whether a row was removed.
///
/// # Errors
///
/// [`Failure::Referenced`] when a row of an undeclared table references it,
/// [`Failure::Hook`], [`Failure::Database`]; nothing is changed.
pub async fn force_delete<T, S>(
    session: &mut S,
    plan: ForceDelete<T>,
) -> Result<bool, Failure<S::Error>>
where
    T: SoftDelete<Id: Send + Sync> + Send + Sync,
    S: Session<T>,
{
    in_span!("force_delete", |removed| u64::from(*removed), {
        let classify = |error| self::classify::<T, S>(T::TABLE, Classify::HardDelete, error);
        if !session.has_hooks() {
            return Ok(session.execute(plan.statement).await.map_err(classify)? > 0);
        }
        session.begin(false).await?;
        let outcome = async {
            hook(session, Hook::BeforeForceDelete(&plan.id)).await?;
            let removed = session.execute(plan.statement).await.map_err(classify)? > 0;
            if removed {
                hook(session, Hook::AfterForceDelete(&plan.id)).await?;
            }
            Ok(removed)
        }
        .await;
        finish(session, outcome, |removed| *removed).await
    })
}

/// Creates the indexes of `plan` that are missing: a statement runs only
/// when its count finds nothing in place, and one that fails because
/// another process created the index meanwhile counts as done. The number
/// of statements run (0 when everything was there).
///
/// # Errors
///
/// [`Failure::Database`], for a statement that failed with its index still
/// missing.
pub async fn create_indexes<T, S>(
    session: &mut S,
    plan: CreateIndexes,
) -> Result<u64, Failure<S::Error>>
where
    T: SoftDelete,
    S: Session<T>,
{
    in_span!("create_indexes", |ran| *ran, {
        let mut ran = 0;
        for (statement, exists) in plan.steps {
            if session.fetch_count(exists.clone()).await? > 0 {
                continue;
            }
            if let Err(error) = session.execute(statement).await {
                // In a caller's transaction a failed statement may have
                // spoilt it (PostgreSQL): report the failure itself.
                if session.in_transaction() || session.fetch_count(exists).await? == 0 {
                    return Err(Failure::Database(error));
                }
                continue;
            }
            ran += 1;
        }
        Ok(ran)
    })
}

/// Runs a cascade in one transaction (a savepoint inside the caller's): the
/// root locked first, then the hooks and each statement; rolled back and
/// `None` when the root's statement changed nothing.
///
/// # Errors
///
/// [`Failure::Conflict`] (a restore), [`Failure::Hook`],
/// [`Failure::Database`]; nothing is changed.
pub async fn cascade<T, S>(
    session: &mut S,
    plan: CascadePlan<T>,
) -> Result<Option<Cascade>, Failure<S::Error>>
where
    T: SoftDelete<Id: Clone + Send + Sync> + Send + Sync,
    S: Session<T>,
{
    let operation = match plan.kind {
        WriteKind::Restore => "cascade_restore",
        _ => "cascade_delete",
    };
    in_span!(
        operation,
        |done: &Option<Cascade>| done.as_ref().map_or(0, Cascade::total),
        {
            let hooks = session.has_hooks();
            let cascaded = match plan.kind {
                WriteKind::Restore => plan::refusals::<T>(plan.id.clone(), true, session.backend()),
                _ => None,
            };
            session.begin(true).await?;
            let outcome = async {
                let CascadePlan {
                    kind,
                    id,
                    lock,
                    steps,
                    root,
                } = plan;
                if let Some(lock) = lock {
                    session.execute(lock).await?;
                }
                if hooks {
                    if let Some(before) = before(kind, &id) {
                        hook(session, before).await?;
                    }
                }
                let mut tables = Vec::with_capacity(steps.len());
                let mut changed = Vec::with_capacity(steps.len());
                for (index, (sql, table)) in steps.into_iter().enumerate() {
                    let rows = session
                        .execute(sql)
                        .await
                        .map_err(|error| classify::<T, S>(table, kind.into(), error))?;
                    if index == root && rows == 0 {
                        // In the transaction, the root locked: a row below another
                        // cascade's root comes back only with that root.
                        if let Some(cascaded) = cascaded {
                            unrestored(session, cascaded).await?;
                        }
                        return Ok(None);
                    }
                    tables.push(table);
                    changed.push(rows);
                }
                if hooks {
                    let backend = session.backend();
                    if let Some(row) = session.fetch_optional(read_back::<T>(id, backend)).await? {
                        after(session, kind, &row).await?;
                    }
                }
                Ok(Some(Cascade::counted::<T>(&tables, &changed)))
            }
            .await;
            let outcome = finish(session, outcome, Option::is_some).await?;
            traced(operation, T::TABLE, outcome.as_ref());
            Ok(outcome)
        }
    )
}

/// Runs a purge batch by batch until a batch takes fewer rows than its
/// size: each batch its own transaction (one `DELETE` for a model with
/// nothing below it and no hooks); `config.on_batch` sees each committed
/// batch. For a model with cascades each batch takes the oldest due rows
/// whose subtrees hold no live row, and removes those subtrees deepest
/// first; the others are kept, counted, and passed over. The rows of `T`
/// removed.
///
/// # Errors
///
/// [`Failure::Referenced`], [`Failure::Hook`], [`Failure::Database`]: the
/// failing batch changed nothing, the ones before it stay committed.
pub async fn purge<T, S>(session: &mut S, config: PurgeConfig<'_>) -> Result<u64, Failure<S::Error>>
where
    T: SoftDelete<Id: Send + Sync> + Send + Sync,
    S: Session<T>,
{
    in_span!("purge", |removed| *removed, {
        let PurgeConfig {
            range,
            mut on_batch,
            stop,
        } = config;
        let hooks = session.has_hooks();
        let tree = purge::has_tree::<T>();
        let backend = session.backend();
        let flat = purge::flat_batch::<T>(&range, backend);
        let size = u64::from(if tree {
            purge::tree_batch(&range)
        } else {
            range.batch_size.get()
        });
        let mut total = 0;
        let mut kept = 0;
        let stopping = || {
            stop.as_ref()
                .is_some_and(|stop| stop.load(std::sync::atomic::Ordering::Relaxed))
        };
        // Whether each delete checks that nothing is left below the rows it
        // takes: not where the database's own foreign keys refuse a delete
        // that would (the batch then fails, and runs again checked).
        let mut checked = !tree || !unchecked_allowed::<T, S>(session).await;
        for batch in 1.. {
            // Whether this batch is the run's last: it took fewer rows than its
            // size, or `stop` was raised during it.
            let mut last = false;
            let (progress, taken) = if tree || hooks {
                // Run again, checked, when a row below was revived since the
                // pick and a foreign key refused the unchecked delete: the
                // failed attempt rolled back, its hooks' writes with it.
                loop {
                    session.begin(true).await?;
                    let outcome = async {
                        if hooks {
                            hook(session, Hook::BeforePurgeBatch(range.cutoff)).await?;
                        }
                        let (deleted, kept_now, taken) = if tree {
                            tree_batch(session, &range, kept, checked, |taken| {
                                last = taken < size || stopping();
                                last
                            })
                            .await?
                        } else {
                            let deleted = session
                                .execute(flat.clone())
                                .await
                                .map_err(referenced::<T, S>)?;
                            (deleted, 0, deleted)
                        };
                        let progress = PurgeProgress {
                            batch,
                            deleted,
                            total: total + deleted,
                            kept: kept_now,
                        };
                        if hooks {
                            hook(session, Hook::AfterPurgeBatch(&progress)).await?;
                        }
                        Ok((progress, taken))
                    }
                    .await;
                    match finish(session, outcome, |_| true).await {
                        Err(Failure::Referenced { .. }) if !checked => checked = true,
                        done => break done?,
                    }
                }
            } else {
                // One DELETE: its own transaction already.
                let deleted = session
                    .execute(flat.clone())
                    .await
                    .map_err(referenced::<T, S>)?;
                let progress = PurgeProgress {
                    batch,
                    deleted,
                    total: total + deleted,
                    kept: 0,
                };
                (progress, deleted)
            };
            event!(
                table = T::TABLE,
                batch = progress.batch,
                deleted = progress.deleted,
                kept = progress.kept,
                "soft_delete purge batch"
            );
            total = progress.total;
            kept += progress.kept;
            if let Some(on_batch) = on_batch.as_mut() {
                on_batch(progress);
            }
            if last || taken < size || (!tree && stopping()) {
                break;
            }
        }
        Ok(total)
    })
}

/// Whether a purge of `T` may leave out its check that nothing is left
/// below a row it deletes: every declared cascade of the tree is a foreign
/// key that restricts ([`purge::restricting_keys`]). Not inside a caller's
/// transaction, which a failed statement could spoil, and not when the
/// catalog cannot be read.
async fn unchecked_allowed<T: SoftDelete, S: Session<T>>(session: &mut S) -> bool {
    let keys = purge::restricting_keys::<T>(session.backend());
    if keys.is_empty() || session.in_transaction() {
        return false;
    }
    for key in keys {
        if !matches!(session.fetch_count(key).await, Ok(count) if count > 0) {
            return false;
        }
    }
    true
}

fn referenced<T: SoftDelete, S: Session<T>>(error: S::Error) -> Failure<S::Error> {
    classify::<T, S>(T::TABLE, Classify::HardDelete, error)
}

/// One batch of a purge of a model with cascades, inside its transaction:
/// `(rows of T removed, roots kept, roots taken)`. `last(taken)` says
/// whether the run ends with this batch.
async fn tree_batch<T, S>(
    session: &mut S,
    range: &PurgeRange,
    skip: u64,
    checked: bool,
    mut last: impl FnMut(u64) -> bool + Send,
) -> Result<(u64, u64, u64), Failure<S::Error>>
where
    T: SoftDelete<Id: Send + Sync> + Send + Sync,
    S: Session<T>,
{
    let backend = session.backend();
    let picks_free = purge::picks_free::<T>();
    // The batch's deletes, the roots it took (`None`: as many as its roots'
    // delete removes), and the kept ones among them.
    let (steps, taken, mut kept) = if purge::selects_in_deletes::<T>(backend) {
        (purge::selecting_batch::<T>(range, backend), None, 0)
    } else {
        let roots: Vec<sea_query::Value> = session
            .fetch_all(purge::candidates::<T>(range, skip, backend))
            .await?
            .iter()
            .map(|row| row.id().into())
            .collect();
        let taken = roots.len() as u64;
        let free: Vec<sea_query::Value> = if picks_free || roots.is_empty() {
            roots
        } else {
            session
                .fetch_all(purge::free::<T>(&roots, backend))
                .await?
                .iter()
                .map(|row| row.id().into())
                .collect()
        };
        let kept = taken - free.len() as u64;
        let steps = if free.is_empty() {
            Vec::new()
        } else if checked {
            purge::batch::<T>(&free, backend)
        } else {
            purge::unchecked_batch::<T>(&free, backend)
        };
        (steps, Some(taken), kept)
    };
    let mut deleted = 0;
    for step in steps {
        let rows = run_step(session, &step).await?;
        if step.table == T::TABLE {
            deleted += rows;
        }
    }
    let taken = taken.unwrap_or(deleted);
    if last(taken) && picks_free {
        // The run passed over its kept rows: count them once, at its end.
        kept = session
            .fetch_count(purge::kept::<T>(range, backend))
            .await?;
    }
    Ok((deleted, kept, taken))
}

/// Runs `step` (again until it removes nothing, for a self-referencing
/// table): the rows it removed.
async fn run_step<T, S>(session: &mut S, step: &purge::Step) -> Result<u64, Failure<S::Error>>
where
    T: SoftDelete,
    S: Session<T>,
{
    let mut removed = 0;
    loop {
        let rows = session
            .execute(step.sql.clone())
            .await
            .map_err(|error| classify::<T, S>(step.table, Classify::HardDelete, error))?;
        removed += rows;
        if !step.until_empty || rows == 0 {
            break;
        }
    }
    Ok(removed)
}

/// Runs an erase in one transaction (a savepoint inside the caller's): the
/// row locked, `before_erase`, every row below it deepest first, the row,
/// `after_erase`; rolled back and `None` when there is no such row.
///
/// # Errors
///
/// [`Failure::Referenced`] (a table the model declares no cascade into
/// still references a row), [`Failure::Hook`], [`Failure::Database`];
/// nothing is changed.
pub async fn erase<T, S>(
    session: &mut S,
    plan: ErasePlan<T>,
) -> Result<Option<Cascade>, Failure<S::Error>>
where
    T: SoftDelete<Id: Send + Sync> + Send + Sync,
    S: Session<T>,
{
    let operation = "erase";
    in_span!(
        operation,
        |done: &Option<Cascade>| done.as_ref().map_or(0, Cascade::total),
        {
            let hooks = session.has_hooks();
            session.begin(true).await?;
            let outcome = async {
                let ErasePlan { id, lock, steps } = plan;
                if let Some(lock) = lock {
                    session.execute(lock).await?;
                }
                if hooks {
                    hook(session, Hook::BeforeErase(&id)).await?;
                }
                let mut tables = Vec::with_capacity(steps.len());
                let mut changed = Vec::with_capacity(steps.len());
                let last = steps.len().saturating_sub(1);
                for (index, step) in steps.iter().enumerate() {
                    let rows = run_step(session, step).await?;
                    if index == last && rows == 0 {
                        return Ok(None);
                    }
                    tables.push(step.table);
                    changed.push(rows);
                }
                if hooks {
                    hook(session, Hook::AfterErase(&id)).await?;
                }
                // In the tree's order, the row itself first, as a cascade reports it.
                tables.reverse();
                changed.reverse();
                Ok(Some(Cascade::counted::<T>(&tables, &changed)))
            }
            .await;
            let outcome = finish(session, outcome, Option::is_some).await?;
            traced("erase", T::TABLE, outcome.as_ref());
            Ok(outcome)
        }
    )
}

/// Whether a database error with SQLSTATE (or SQLite result code) `code`
/// and `message` is one a retry may cure: a deadlock (`40P01`; MySQL's 1213
/// reports `40001`), a serialization failure (`40001`), a lost or refused
/// connection (class `08`, `57P01`–`57P03`), SQLite's busy and locked codes
/// (5, 6 and their extended forms), and MySQL's lock wait timeout (1205,
/// reported under the catch-all `HY000`, so known by its message).
#[must_use]
pub fn retryable_code(code: Option<&str>, message: &str) -> bool {
    match code {
        Some("40001" | "40P01" | "57P01" | "57P02" | "57P03") => true,
        Some(code) if code.starts_with("08") => true,
        // SQLITE_BUSY, SQLITE_LOCKED, BUSY_RECOVERY, BUSY_SNAPSHOT, BUSY_TIMEOUT, LOCKED_SHAREDCACHE.
        Some("5" | "6" | "261" | "517" | "773" | "262") => true,
        _ => message.starts_with("Lock wait timeout exceeded"),
    }
}
