//! Writes that meet a tombstone: who holds a unique key ([`Holder`]), and
//! create-or-restore ([`Written`] and its plan).
//!
//! A create-or-restore serializes the calls that write one key's values
//! before it reads who holds them, so that two calls can never both see
//! "nobody" and both insert — with or without a unique index behind the
//! key: on PostgreSQL a transaction-scoped advisory lock per key (taken in
//! one order, by hash, so two calls on overlapping keys cannot deadlock)
//! and a locking read; on MySQL/MariaDB a locking read, whose gap locks
//! make two inserters of one gap deadlock, and the one InnoDB rolls back
//! runs again; on SQLite the write lock of `BEGIN IMMEDIATE`. Every lock
//! ends with its transaction, so a call cancelled half-way leaves none (a
//! MySQL named lock, tried first, outlived a cancelled call on a pooled
//! connection: `tests/test_create_or_restore.rs` cancels calls at every
//! point and then finds the key free).

use sea_query::{
    Condition, Expr, ExprTrait as _, LockType, Order, PostgresQueryBuilder, QueryBuilder,
    SelectStatement, Value,
};

use crate::marker::When;
use crate::plan::{self, Insert, Sql, Write, WriteKind};
use crate::statement::mark_live;
use crate::value::ValueError;
use crate::{Backend, SoftDelete};

/// What a create-or-restore wrote: a new row, or a trashed row that held
/// one of the model's unique keys, restored with the values given.
///
/// ```
/// use soft_delete::Written;
///
/// let written = Written::Restored("ada@example.com");
/// assert!(written.is_restored());
/// assert_eq!(written.into_inner(), "ada@example.com");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Written<T> {
    /// No row held the key: the row was inserted.
    Created(T),
    /// A trashed row held the key (the most recently trashed, if several):
    /// it was restored and given the values.
    Restored(T),
}

impl<T> Written<T> {
    /// The row written, either way.
    ///
    /// ```
    /// # use soft_delete::Written;
    /// assert_eq!(Written::Created(7).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            Written::Created(row) | Written::Restored(row) => row,
        }
    }

    /// Whether a trashed row was restored.
    ///
    /// ```
    /// # use soft_delete::Written;
    /// assert!(!Written::Created(7).is_restored());
    /// ```
    #[must_use]
    pub fn is_restored(&self) -> bool {
        matches!(self, Written::Restored(_))
    }
}

/// Who holds the unique key a write could not take, as a conflict reports
/// it.
///
/// ```
/// use soft_delete::Holder;
///
/// assert_eq!(Holder::Trashed.to_string(), "a trashed row");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Holder {
    /// A live row: the key is in use.
    Live,
    /// A trashed row (a unique index over live and trashed rows alike):
    /// restoring it, for instance with `create_or_restore`, would free
    /// the way.
    Trashed,
    /// The database did not say and the model declares no `unique(...)` key
    /// the values fill.
    Unknown,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Holder::Live => "a live row",
            Holder::Trashed => "a trashed row",
            Holder::Unknown => "another row",
        })
    }
}

/// The conflict message of a write on `table`, written once for every run
/// layer's error. The same on every database: only PostgreSQL names the
/// violated index (the error's `constraint` field keeps it), so the
/// message does not.
///
/// # Errors
///
/// The formatter's.
pub fn describe_conflict(
    f: &mut std::fmt::Formatter<'_>,
    table: &str,
    holder: Holder,
) -> std::fmt::Result {
    write!(
        f,
        "cannot write the row of `{table}`: {holder} holds its unique key"
    )?;
    if holder == Holder::Trashed {
        f.write_str("; restore that row instead (`create_or_restore` does)")?;
    }
    Ok(())
}

/// The message of a refused restore of a row a cascade trashed, written
/// once for every run layer's error.
///
/// # Errors
///
/// The formatter's.
pub fn describe_cascaded(f: &mut std::fmt::Formatter<'_>, table: &str) -> std::fmt::Result {
    write!(
        f,
        "cannot restore the row of `{table}` alone: a cascade_delete trashed it (as its root or a row below); \
         restore it with cascade_restore of that cascade's root, which brings back every row it took"
    )
}

/// The message of a refused restore of a row whose parent is trashed,
/// written once for every run layer's error.
///
/// # Errors
///
/// The formatter's.
pub fn describe_trashed_parent(
    f: &mut std::fmt::Formatter<'_>,
    table: &str,
    parent: &str,
) -> std::fmt::Result {
    write!(
        f,
        "cannot restore the row of `{table}`: its parent row in `{parent}` is trashed; \
         restore the parent first (its cascade_restore brings back what its cascade took)"
    )
}

/// The row holding one of `T`'s declared unique keys with the values of
/// `assignments` (other than the row `except`): a live one if any, else the
/// most recently trashed; `None` when the values fill no declared key (a
/// key with a NULL part holds nothing). With it, the hashes of the keys'
/// values, sorted: the names of their locks.
pub(crate) fn holders<T: SoftDelete>(
    assignments: &[(&'static str, Value)],
    except: Option<Value>,
    backend: Backend,
) -> (Option<SelectStatement>, Vec<u64>) {
    let mut any = Condition::any();
    let mut hashes = Vec::new();
    for key in T::UNIQUE {
        let Some(values) = key
            .iter()
            .map(|column| {
                assignments
                    .iter()
                    .find(|(set, value)| set == column && !is_null(value))
                    .map(|(_, value)| value)
            })
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let mut all = Condition::all();
        let mut name = format!("{}\0", T::TABLE);
        for (column, value) in key.iter().zip(&values) {
            all = all.add(Expr::col((T::TABLE, *column)).eq((*value).clone()));
            name.push_str(column);
            name.push('=');
            name.push_str(&PostgresQueryBuilder.value_to_string(value));
            name.push('\0');
        }
        any = any.add(all);
        hashes.push(fnv1a(name.as_bytes()));
    }
    if hashes.is_empty() {
        return (None, hashes);
    }
    hashes.sort_unstable();
    hashes.dedup();
    let marker = T::MARKER;
    let mut select = T::with_trashed();
    select.cond_where(any);
    if let Some(id) = except {
        select.and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).ne(id));
    }
    select
        .order_by_expr(
            Expr::case(marker.live_in(T::TABLE), 0).finally(1).into(),
            Order::Asc,
        )
        .order_by_expr(newest_first::<T>(backend), Order::Desc)
        .order_by((T::TABLE, T::PRIMARY_KEY), Order::Desc)
        .limit(1);
    (Some(select), hashes)
}

/// The read of who holds a unique key a write sets, built only when the
/// write meets a unique violation: most writes never need it.
#[derive(Debug, Clone)]
pub struct HolderLookup {
    assignments: Vec<(&'static str, Value)>,
    except: Option<Value>,
    backend: Backend,
}

impl HolderLookup {
    /// A lookup for a write of `assignments` (to the row `except`, for an
    /// update); `None` for a model that declares no unique key.
    pub(crate) fn of<T: SoftDelete>(
        assignments: &[(&'static str, Value)],
        except: Option<Value>,
        backend: Backend,
    ) -> Option<Self> {
        (!T::UNIQUE.is_empty()).then(|| HolderLookup {
            assignments: assignments.to_vec(),
            except,
            backend,
        })
    }

    /// The `SELECT` of the holder (see [`holders`]), `None` when the values
    /// fill no declared key.
    #[must_use]
    pub fn sql<T: SoftDelete>(self) -> Option<Sql> {
        holders::<T>(&self.assignments, self.except, self.backend)
            .0
            .map(|select| Sql::render(&select, self.backend))
    }
}

/// The marker as a key that sorts the most recently trashed first. On
/// SQLite, where a timestamp is text in whatever format wrote it, its
/// Julian day: every format read, offsets applied, to the millisecond (two
/// holders trashed within one millisecond go by key); the exact form of
/// `comparable` costs a purge nothing per row but every call here its
/// rendering.
fn newest_first<T: SoftDelete>(backend: Backend) -> Expr {
    let column = T::MARKER.column_in(T::TABLE);
    if backend == Backend::Sqlite && T::MARKER.style == crate::MarkerStyle::Timestamp {
        sea_query::Func::cust("julianday").arg(column).into()
    } else {
        column
    }
}

fn is_null(value: &Value) -> bool {
    // A value's `None` renders as NULL; that is the one form to detect.
    PostgresQueryBuilder.value_to_string(value) == "NULL"
}

/// FNV-1a, 64 bits: a lock name that is the same in every process and
/// release, whatever the Rust version (`std`'s hasher promises neither).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A create-or-restore of one row: lock the key's values, read the holder,
/// then restore it with the values or insert.
#[derive(Debug)]
pub struct CreateOrRestore<T: SoftDelete> {
    /// Statements that serialize the calls on these key values, run first
    /// in the transaction (PostgreSQL's advisory locks).
    pub lock: Vec<Sql>,
    /// The holder of a key (live first, then the most recently trashed); `None` when the values fill
    /// no declared key, and the plan only inserts.
    pub holder: Option<Sql>,
    /// The insert, when no row holds the key.
    pub insert: Insert<T>,
    assignments: Vec<(&'static str, Value)>,
    backend: Backend,
}

impl<T: SoftDelete<Id: Clone>> CreateOrRestore<T> {
    /// The restore of the trashed holder `id` with the plan's values (its
    /// primary key and its marker columns stay the restore's).
    #[must_use]
    pub fn revive(&self, id: T::Id) -> Write<T> {
        let marker = T::MARKER;
        let own = [
            Some(T::PRIMARY_KEY),
            Some(marker.column),
            marker.deleted_by,
            marker.cascade_id,
            marker.updated_at.map(|updated| updated.column),
        ];
        let mut update = mark_live(
            T::TABLE,
            marker,
            crate::statement::PrimaryKeyIs::<T>(id.clone()),
            When::Now,
        );
        for (column, value) in &self.assignments {
            if !own.contains(&Some(*column)) {
                update.value(*column, value.clone());
            }
        }
        let returning = self.backend.update_returning();
        if returning {
            update.returning(crate::cache::returning_row::<T>());
        }
        Write {
            kind: WriteKind::Restore,
            statement: Sql::render(&update, self.backend),
            read_back: None,
            id,
            returning,
            holder: None,
        }
    }
}

/// The plan of a create-or-restore of one row with `values`.
///
/// # Errors
///
/// [`ValueError`] for a column that is not `T`'s, or named twice.
pub fn create_or_restore<T: SoftDelete>(
    values: impl IntoIterator<Item = (T::Column, Value)>,
    backend: Backend,
) -> Result<CreateOrRestore<T>, ValueError> {
    let assignments = plan::assignments::<T>(values, backend)?;
    let insert = plan::insert_assigned::<T>(assignments.clone(), backend)?;
    let (holder, hashes) = holders::<T>(&assignments, None, backend);
    // A locking read sees the latest commit, whatever the transaction's
    // snapshot, and holds the holder (and, on MySQL, the gap where the key
    // would go) until the transaction ends.
    let holder = holder.map(|mut select| {
        if backend != Backend::Sqlite {
            select.lock(LockType::Update);
        }
        Sql::render(&select, backend)
    });
    // The key's lock, as PostgreSQL's `bigint`: the bits of its hash.
    let lock = match backend {
        Backend::Postgres => hashes
            .iter()
            .map(|hash| Sql {
                text: "SELECT pg_advisory_xact_lock($1)".into(),
                values: sea_query::Values(vec![Value::from(hash.cast_signed())]),
            })
            .collect(),
        Backend::MySql | Backend::Sqlite => Vec::new(),
    };
    Ok(CreateOrRestore {
        lock,
        holder,
        insert,
        assignments,
        backend,
    })
}
