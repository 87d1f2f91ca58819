//! Operation plans: what each run-layer operation executes, in which order,
//! on which table, under which transaction rule, how its database errors
//! read, and what it returns — written once, executed by
//! `soft_delete::sqlx` and `soft_delete::sea_orm` alike through
//! [`execute`](crate::execute).
//!
//! A plan holds SQL already rendered for one [`Backend`] with its values,
//! so a run layer only binds and sends.

use std::borrow::Cow;
use std::num::NonZeroU32;

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait as _, LockType, Query, QueryStatementWriter, Value, Values};

use sea_query::Condition;

use crate::cache::{rendered, returning_row, Cached, Returning};
use crate::marker::When;
use sea_query::IdenStatic as _;

use crate::tombstone::HolderLookup;
use crate::value::ValueError;
use crate::{Backend, RecordsDeletedBy, RecordsDeletionTime, SoftDelete, TrashMode};

/// One statement of a plan, rendered for its backend, with its values.
#[derive(Debug, Clone)]
pub struct Sql {
    /// The SQL text.
    pub text: Cow<'static, str>,
    /// The values it binds, in order.
    pub values: Values,
}

impl Sql {
    /// `statement` rendered for `backend`.
    #[must_use]
    pub fn render(statement: &impl QueryStatementWriter, backend: Backend) -> Self {
        let (text, values) = backend.build(statement);
        Sql {
            text: Cow::Owned(text),
            values,
        }
    }

    fn cached<T: SoftDelete>(statement: Cached<T::Id>, backend: Backend) -> Self {
        let (text, values) = rendered::<T>(statement, backend);
        Sql { text, values }
    }
}

/// Which kind of write a plan is: it names the hooks that run around it and
/// how a unique violation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// A soft delete: `before_delete` / `after_delete`.
    Delete,
    /// A restore: `before_restore` / `after_restore`; a unique violation is
    /// a conflict (a live row holds the restored row's key).
    Restore,
    /// An update of a live row's columns (no hooks); a unique violation is
    /// a conflict.
    Update,
}

/// A soft delete or restore of one row, returning the row it produced.
#[derive(Debug)]
pub struct Write<T: SoftDelete> {
    /// Which write.
    pub kind: WriteKind,
    /// The row's key.
    pub id: T::Id,
    /// The `UPDATE`, with `RETURNING` every column when `returning`.
    pub statement: Sql,
    /// Whether `statement` returns the row; else the layer reads it back,
    /// in the write's transaction (the row is locked by the write).
    pub returning: bool,
    /// The read of the written row, where `statement` does not return it:
    /// `None` for the row `id` ([`read_back`]), rendered only when needed
    /// (a write with `RETURNING` never needs it).
    pub read_back: Option<Sql>,
    /// For an update, the read of who holds a unique key it sets, run
    /// after a unique violation to say whether a live or a trashed row
    /// holds it.
    pub holder: Option<HolderLookup>,
}

/// The read of the row `id` whatever its marker: a write's read-back, and
/// the row an `after_*` hook sees.
#[must_use]
pub fn read_back<T: SoftDelete>(id: T::Id, backend: Backend) -> Sql {
    Sql::cached::<T>(Cached::Find(id, TrashMode::WithTrashed), backend)
}

/// `SELECT COUNT(*)` of the row `id` when a cascade trashed it: as a row
/// below the cascade's root (`member`), or as either; `None` for a model
/// without `cascade_id`.
#[must_use]
pub fn cascaded<T: SoftDelete>(id: T::Id, member: bool, backend: Backend) -> Option<Sql> {
    let column = Expr::col((T::TABLE, T::MARKER.cascade_id?));
    let mut select = Query::select();
    select
        .expr(Expr::col(sea_query::Asterisk).count())
        .from(T::TABLE)
        .and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id))
        .and_where(T::MARKER.trashed_in(T::TABLE))
        .and_where(if member {
            column.lt(0)
        } else {
            column.is_not_null()
        });
    Some(Sql::render(&select, backend))
}

/// Why a restore of the row `id` changed nothing, when the row is trashed:
/// a cascade took it ([`cascaded`]), or one of its declared parents is
/// trashed (a `SELECT COUNT(*)` per parent, with the parent's table). `None`
/// when the model has neither `cascade_id` nor a `parent(...)`.
#[must_use]
pub fn refusals<T: SoftDelete<Id: Clone>>(
    id: T::Id,
    member: bool,
    backend: Backend,
) -> Option<Refusals> {
    let cascaded = cascaded::<T>(id.clone(), member, backend);
    let alias = sea_query::Alias::new("soft_delete_parent");
    let parents: Vec<(&'static str, Sql)> = T::PARENTS
        .iter()
        .map(|parent| {
            let trashed_parent = Query::select()
                .expr(Expr::val(1))
                .from_as(parent.table, alias.clone())
                .and_where(
                    Expr::col((alias.clone(), parent.primary_key))
                        .equals((T::TABLE, parent.foreign_key)),
                )
                .and_where(
                    parent
                        .marker
                        .trashed(Expr::col((alias.clone(), parent.marker.column))),
                )
                .to_owned();
            let mut select = Query::select();
            select
                .expr(Expr::col(sea_query::Asterisk).count())
                .from(T::TABLE)
                .and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id.clone()))
                .and_where(T::MARKER.trashed_in(T::TABLE))
                .and_where(Expr::exists(trashed_parent));
            (parent.table, Sql::render(&select, backend))
        })
        .collect();
    (cascaded.is_some() || !parents.is_empty()).then_some(Refusals { cascaded, parents })
}

/// The reads that tell why a restore changed nothing (see [`refusals`]).
#[derive(Debug, Clone)]
pub struct Refusals {
    /// Counts the row when a cascade took it.
    pub cascaded: Option<Sql>,
    /// Per declared parent: its table, and a count of the row when that
    /// parent is trashed.
    pub parents: Vec<(&'static str, Sql)>,
}

/// The live row `id`, or the row in `mode`'s view.
#[must_use]
pub fn find<T: SoftDelete>(id: T::Id, mode: TrashMode, backend: Backend) -> Sql {
    Sql::cached::<T>(Cached::Find(id, mode), backend)
}

/// The rows in `mode`'s view, by primary key.
#[must_use]
pub fn list<T: SoftDelete>(mode: TrashMode, backend: Backend) -> Sql {
    Sql::cached::<T>(Cached::List(mode), backend)
}

/// The rows trashed at or after `since`, newest first.
#[must_use]
pub fn trashed_since<T: RecordsDeletionTime>(since: DateTime<Utc>, backend: Backend) -> Sql {
    let mut select = T::with_trashed();
    select
        .cond_where(T::trashed_between(Some(since), None, backend))
        .order_by((T::TABLE, T::MARKER.column), sea_query::Order::Desc)
        .order_by((T::TABLE, T::PRIMARY_KEY), sea_query::Order::Desc);
    Sql::render(&select, backend)
}

/// `SELECT COUNT(*)` of `mode`'s view.
#[must_use]
pub fn count<T: SoftDelete>(mode: TrashMode, backend: Backend) -> Sql {
    Sql::cached::<T>(Cached::Count(mode), backend)
}

fn returning(backend: Backend) -> Returning {
    if backend.update_returning() {
        Returning::Row
    } else {
        Returning::Nothing
    }
}

/// Soft delete of the live row `id`.
#[must_use]
pub fn delete<T: SoftDelete<Id: Clone>>(id: T::Id, backend: Backend) -> Write<T> {
    Write {
        kind: WriteKind::Delete,
        statement: Sql::cached::<T>(Cached::Delete(id.clone(), returning(backend)), backend),
        read_back: None,
        id,
        returning: backend.update_returning(),
        holder: None,
    }
}

/// Soft delete of the live row `id` recording `actor` in `deleted_by`.
#[must_use]
pub fn delete_as<T: RecordsDeletedBy<Id: Clone>>(
    id: T::Id,
    actor: Value,
    backend: Backend,
) -> Write<T> {
    let mut statement = T::delete_by_id_as(id.clone(), actor);
    if backend.update_returning() {
        statement.returning(returning_row::<T>());
    }
    Write {
        kind: WriteKind::Delete,
        statement: Sql::render(&statement, backend),
        read_back: None,
        id,
        returning: backend.update_returning(),
        holder: None,
    }
}

/// Restore of the trashed row `id`.
#[must_use]
pub fn restore<T: SoftDelete<Id: Clone>>(id: T::Id, backend: Backend) -> Write<T> {
    Write {
        kind: WriteKind::Restore,
        statement: Sql::cached::<T>(Cached::Restore(id.clone(), returning(backend)), backend),
        read_back: None,
        id,
        returning: backend.update_returning(),
        holder: None,
    }
}

/// The model's columns and values of a write, checked: each a column of
/// `T` (its column enum's `Table` names no column), each at most once.
pub(crate) fn assignments<T: SoftDelete>(
    values: impl IntoIterator<Item = (T::Column, Value)>,
    backend: Backend,
) -> Result<Vec<(&'static str, Value)>, ValueError> {
    let mut assignments: Vec<(&'static str, Value)> = Vec::new();
    for (column, value) in values {
        let name = column.as_str();
        if !T::COLUMNS.contains(&name) {
            return Err(ValueError::not_a_column(name, backend));
        }
        if assignments.iter().any(|(seen, _)| *seen == name) {
            return Err(ValueError::repeated_column(name, backend));
        }
        assignments.push((name, value));
    }
    Ok(assignments)
}

/// The read of the row whose key is `key`, as a value.
fn find_key<T: SoftDelete>(key: Value, backend: Backend) -> Sql {
    let mut select = T::with_trashed();
    select.and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(key));
    Sql::render(&select, backend)
}

/// An insert of one row with `values`, returning the row it wrote.
#[derive(Debug)]
pub struct Insert<T: SoftDelete> {
    /// The `INSERT`, with `RETURNING` every column when `returning`.
    pub statement: Sql,
    /// Whether `statement` returns the row.
    pub returning: bool,
    /// Else its read, in the insert's transaction: by the key given, or by
    /// `LAST_INSERT_ID()` for a key the database assigned.
    pub read_back: Sql,
    /// The read of who holds a unique key the insert sets (see
    /// [`Write::holder`]).
    pub holder: Option<HolderLookup>,
    model: std::marker::PhantomData<fn() -> T>,
}

impl<T: SoftDelete> Clone for Insert<T> {
    fn clone(&self) -> Self {
        Insert {
            statement: self.statement.clone(),
            returning: self.returning,
            read_back: self.read_back.clone(),
            holder: self.holder.clone(),
            model: std::marker::PhantomData,
        }
    }
}

/// An insert of one row with `values` (columns of `T`'s column enum).
///
/// # Errors
///
/// [`ValueError`] for a column that is not `T`'s, or named twice.
pub fn insert<T: SoftDelete>(
    values: impl IntoIterator<Item = (T::Column, Value)>,
    backend: Backend,
) -> Result<Insert<T>, ValueError> {
    insert_assigned(assignments::<T>(values, backend)?, backend)
}

/// [`insert`] of checked assignments.
pub(crate) fn insert_assigned<T: SoftDelete>(
    assignments: Vec<(&'static str, Value)>,
    backend: Backend,
) -> Result<Insert<T>, ValueError> {
    let key = assignments
        .iter()
        .find(|(column, _)| *column == T::PRIMARY_KEY)
        .map(|(_, value)| value.clone());
    let holder = HolderLookup::of::<T>(&assignments, None, backend);
    let mut statement = Query::insert();
    statement.into_table(T::TABLE);
    if assignments.is_empty() {
        statement.or_default_values();
    } else {
        let (columns, values): (Vec<_>, Vec<_>) = assignments.into_iter().unzip();
        statement.columns(columns);
        statement
            .values(values.into_iter().map(Expr::from))
            .map_err(|_| ValueError::repeated_column(T::PRIMARY_KEY, backend))?;
    }
    // MySQL has no `RETURNING`: the row is read back on the same connection,
    // in the insert's transaction.
    let returning = backend.update_returning();
    if returning {
        statement.returning(returning_row::<T>());
    }
    let read_back = if let Some(key) = key {
        find_key::<T>(key, backend)
    } else {
        let mut select = T::with_trashed();
        select.and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(Expr::cust("LAST_INSERT_ID()")));
        Sql::render(&select, backend)
    };
    Ok(Insert {
        statement: Sql::render(&statement, backend),
        returning,
        read_back,
        holder,
        model: std::marker::PhantomData,
    })
}

/// An update of the live row `id` with `values`, returning the row it
/// wrote; a model with `updated_at` has it stamped too, unless `values`
/// sets it.
///
/// # Errors
///
/// [`ValueError`] for a column that is not `T`'s, or named twice.
pub fn update<T: SoftDelete<Id: Clone>>(
    id: T::Id,
    values: impl IntoIterator<Item = (T::Column, Value)>,
    backend: Backend,
) -> Result<Write<T>, ValueError> {
    let assignments = assignments::<T>(values, backend)?;
    let holder = HolderLookup::of::<T>(&assignments, Some(id.clone().into()), backend);
    let new_key = assignments
        .iter()
        .find(|(column, _)| *column == T::PRIMARY_KEY)
        .map(|(_, value)| value.clone());
    let touched = T::MARKER
        .touched(When::Now)
        .filter(|(column, _)| !assignments.iter().any(|(set, _)| set == column));
    let mut statement = T::update();
    statement.and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id.clone()));
    for (column, value) in assignments {
        statement.value(column, value);
    }
    if let Some((column, value)) = touched {
        statement.value(column, value);
    }
    let returning = backend.update_returning();
    if returning {
        statement.returning(returning_row::<T>());
    }
    Ok(Write {
        kind: WriteKind::Update,
        statement: Sql::render(&statement, backend),
        read_back: new_key.map(|key| find_key::<T>(key, backend)),
        id,
        returning,
        holder,
    })
}

/// Hard delete of the row `id`, trashed or not.
#[derive(Debug)]
pub struct ForceDelete<T: SoftDelete> {
    /// The row's key, for the hooks.
    pub id: T::Id,
    /// The `DELETE`.
    pub statement: Sql,
}

/// Hard delete of the row `id`.
#[must_use]
pub fn force_delete<T: SoftDelete<Id: Clone>>(id: T::Id, backend: Backend) -> ForceDelete<T> {
    ForceDelete {
        statement: Sql::cached::<T>(Cached::ForceDelete(id.clone()), backend),
        id,
    }
}

/// The indexes soft deletion asks of a model's table: the marker index and
/// the keys of [`SoftDelete::UNIQUE`], each created unless it is in place.
#[derive(Debug)]
pub struct CreateIndexes {
    /// In order, each statement with the count that sees it done.
    pub steps: Vec<(Sql, Sql)>,
}

/// The indexes of `T`'s table (see [`Schema`](crate::Schema)).
#[must_use]
pub fn create_indexes<T: SoftDelete>(backend: Backend) -> CreateIndexes {
    let steps = crate::schema::indexes::<T>(backend)
        .into_iter()
        .map(|ddl| {
            let exists = ddl.exists(backend);
            let statement = Sql {
                text: Cow::Owned(ddl.statement),
                values: Values(Vec::new()),
            };
            (statement, exists)
        })
        .collect();
    CreateIndexes { steps }
}

/// A cascade soft delete or restore of a row and the rows below it, in one
/// transaction.
#[derive(Debug)]
pub struct CascadePlan<T: SoftDelete> {
    /// Which write (its hooks, and how a unique violation reads).
    pub kind: WriteKind,
    /// The root's key.
    pub id: T::Id,
    /// Locks the root before anything else runs, so two cascades over one
    /// tree serialise on it and each statement after it sees the other's
    /// committed rows (`SELECT ... FOR UPDATE`; `None` on SQLite, whose
    /// transaction takes the write lock at `BEGIN IMMEDIATE`).
    pub lock: Option<Sql>,
    /// Each statement with the table it changes, in order.
    pub steps: Vec<(Sql, &'static str)>,
    /// The index of the root's own statement: when it changes nothing the
    /// root was not live (delete) or not trashed (restore), and the whole
    /// cascade is rolled back.
    pub root: usize,
}

fn lock_root<T: SoftDelete>(id: &Value, backend: Backend) -> Option<Sql> {
    if backend == Backend::Sqlite {
        return None;
    }
    let select = Query::select()
        .column((T::TABLE, T::PRIMARY_KEY))
        .from(T::TABLE)
        .and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id.clone()))
        .lock(LockType::Update)
        .to_owned();
    Some(Sql::render(&select, backend))
}

fn cascade<T: SoftDelete<Id: Clone>>(
    kind: WriteKind,
    id: T::Id,
    statements: Vec<crate::cascade::Step>,
    backend: Backend,
) -> CascadePlan<T> {
    let steps = statements
        .into_iter()
        .map(|(statement, table)| (Sql::render(&statement, backend), table))
        .collect::<Vec<_>>();
    CascadePlan {
        kind,
        lock: lock_root::<T>(&id.clone().into(), backend),
        id,
        // The root's statement runs first in a delete, last in a restore.
        root: match kind {
            WriteKind::Restore => steps.len() - 1,
            WriteKind::Delete | WriteKind::Update => 0,
        },
        steps,
    }
}

/// Cascade soft delete of the live row `id` and its live subtree.
#[must_use]
pub fn cascade_delete<T: RecordsDeletionTime<Id: Clone>>(
    id: T::Id,
    backend: Backend,
) -> CascadePlan<T> {
    let statements = crate::cascade::delete::<T>(&id.clone().into(), When::Now, None, backend);
    cascade(WriteKind::Delete, id, statements, backend)
}

/// Cascade restore of the trashed row `id` and exactly the rows its cascade
/// trashed.
#[must_use]
pub fn cascade_restore<T: RecordsDeletionTime<Id: Clone>>(
    id: T::Id,
    backend: Backend,
) -> CascadePlan<T> {
    let statements = crate::cascade::restore::<T>(&id.clone().into());
    cascade(WriteKind::Restore, id, statements, backend)
}

/// How many rows a purge batch removes unless set otherwise.
pub const DEFAULT_BATCH: NonZeroU32 = match NonZeroU32::new(1_000) {
    Some(size) => size,
    None => unreachable!(),
};

/// One batch of a purge, as a purge's `on_batch` callback and the
/// `after_purge_batch` hook see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PurgeProgress {
    /// The batch's number, from 1.
    pub batch: u32,
    /// Rows this batch removed.
    pub deleted: u64,
    /// Rows removed so far, this batch included.
    pub total: u64,
    /// Rows found due but kept, because a live row hangs below them
    /// through a declared cascade (the database's `ON DELETE CASCADE` would
    /// take it); the purge goes on past them and never retries them in the
    /// same run. Their sum over a run's batches is the run's kept rows: a
    /// model whose cascade tree has no self-referencing table counts them
    /// all in the run's last batch (its batches pass over them without
    /// taking them), one with such a table in the batch that took them.
    pub kept: u64,
}

/// Which rows a purge takes, and how many at a time.
#[derive(Debug, Clone)]
pub struct PurgeRange {
    /// Rows trashed before this instant go.
    pub cutoff: DateTime<Utc>,
    /// Rows per batch.
    pub batch_size: NonZeroU32,
    /// Only the trashed rows matching this condition go.
    pub filter: Option<Condition>,
}

/// What a purge is set up with, before it runs: the run layers' `Purge`
/// builders hold one.
pub struct PurgeConfig<'a> {
    /// The rows it takes.
    pub range: PurgeRange,
    /// Called after each committed batch.
    pub on_batch: Option<Box<dyn FnMut(PurgeProgress) + Send + 'a>>,
    /// When set, the purge stops after the batch during which it became
    /// true (a pruner's shutdown).
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// What a pruner did to one model's table.
///
/// ```
/// # use soft_delete::Pruned;
/// fn summary(pruned: &Pruned) -> String {
///     format!("{}: {} removed, {} kept", pruned.table, pruned.removed, pruned.kept)
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pruned {
    /// The model's table.
    pub table: &'static str,
    /// Rows removed (of this table; the trashed rows below them went too).
    pub removed: u64,
    /// Rows due but kept, because a live row hangs below them.
    pub kept: u64,
}

impl Pruned {
    /// A report of `removed` and `kept` rows of `table`.
    #[must_use]
    pub fn new(table: &'static str, removed: u64, kept: u64) -> Self {
        Pruned {
            table,
            removed,
            kept,
        }
    }
}

/// The cutoff of a purge of `T`'s expired rows at `now`: `now` less its
/// retention (the earliest instant when the retention reaches past it).
#[must_use]
pub fn expiry<T: crate::Retained>(now: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = T::RETAIN_SECONDS.map_or(0, |seconds| i64::try_from(seconds).unwrap_or(i64::MAX));
    chrono::TimeDelta::try_seconds(seconds)
        .and_then(|retain| now.checked_sub_signed(retain))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

impl PurgeConfig<'_> {
    /// A purge of the rows trashed before `cutoff`, in batches of
    /// [`DEFAULT_BATCH`].
    #[must_use]
    pub fn new(cutoff: DateTime<Utc>) -> Self {
        PurgeConfig {
            range: PurgeRange {
                cutoff,
                batch_size: DEFAULT_BATCH,
                filter: None,
            },
            on_batch: None,
            stop: None,
        }
    }
}

impl std::fmt::Debug for PurgeConfig<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PurgeConfig")
            .field("range", &self.range)
            .field("on_batch", &self.on_batch.is_some())
            .finish()
    }
}

/// An erase of the row `id` and every row below it through the declared
/// cascades, live or trashed, deepest first, in one transaction.
#[derive(Debug)]
pub struct ErasePlan<T: SoftDelete> {
    /// The row's key, for the hooks.
    pub id: T::Id,
    /// Locks the row first (`None` on SQLite, as for a cascade).
    pub lock: Option<Sql>,
    /// The deletes; the last removes the row itself.
    pub steps: Vec<crate::purge::Step>,
}

/// An erase of the row `id`.
#[must_use]
pub fn erase<T: SoftDelete<Id: Clone>>(id: T::Id, backend: Backend) -> ErasePlan<T> {
    let key: Value = id.clone().into();
    ErasePlan {
        lock: lock_root::<T>(&key, backend),
        steps: crate::purge::erase::<T>(key, backend),
        id,
    }
}
