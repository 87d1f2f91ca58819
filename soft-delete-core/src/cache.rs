//! The rendered SQL of a model's single-row statements, kept once per model
//! and backend, so running one renders nothing and builds only its values.
//!
//! A statement's text depends only on the model's constants (`TABLE`,
//! `PRIMARY_KEY`, `COLUMNS`, `MARKER`) and the backend; only its values
//! change from call to call. The derive gives each model without generic
//! parameters a key, its `TypeId` (through the hidden
//! `SoftDelete::__SQL_CACHE_KEY`); the first run of a statement renders it with
//! sea-query as ever and keeps the text, later runs take the text and build
//! the values in the order it binds them. A model without a cache (a
//! hand-written impl, a generic model) renders every time.

use std::any::TypeId;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher};
use std::sync::{PoisonError, RwLock};

use sea_query::{
    Asterisk, Expr, ExprTrait as _, Order, Query, QueryBuilder, ReturningClause, UpdateStatement,
    Values,
};
use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};

use crate::marker::When;
use crate::{statement, Backend, SoftDelete, TrashMode};

/// The rendered SQL of every cached model's [`Cached`] statements, by
/// model (its `TypeId`), statement kind and backend, each text rendered by
/// the first run and leaked: at most one per kind and backend for each
/// model, for the life of the process.
///
/// One map for all models rather than a `static` per model, which costs
/// every model's compile (BENCHMARKS.md, section 3); a read is an
/// uncontended `RwLock` read and a hash of the key.
static RENDERED: RwLock<HashMap<(TypeId, Statement, Backend), &'static str, Hasher>> =
    RwLock::new(HashMap::with_hasher(BuildHasherDefault::new()));

type Hasher = BuildHasherDefault<DefaultHasher>;

/// A single-row statement whose SQL the cache keeps, with what it
/// needs per call.
#[derive(Debug, Clone, Copy)]
pub enum Cached<Id> {
    /// [`SoftDelete::find_in`].
    Find(Id, TrashMode),
    /// [`SoftDelete::query_in`] ordered by primary key, ascending.
    List(TrashMode),
    /// `SELECT COUNT(*)` of the table under [`SoftDelete::scope`].
    Count(TrashMode),
    /// [`SoftDelete::delete_by_id`], with `RETURNING` every column of
    /// [`SoftDelete::COLUMNS`] when `returning`.
    Delete(Id, Returning),
    /// [`SoftDelete::restore_by_id`], with `RETURNING` as for `Delete`.
    Restore(Id, Returning),
    /// [`SoftDelete::force_delete_by_id`].
    ForceDelete(Id),
}

/// Whether a write returns the row it changed (`UPDATE ... RETURNING`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Returning {
    /// `RETURNING` every column.
    Row,
    /// No `RETURNING`.
    Nothing,
}

/// A [`Cached`] without its values: with the model and the backend, the
/// key of its text.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Statement {
    Find(TrashMode),
    List(TrashMode),
    Count(TrashMode),
    Delete(Returning),
    Restore(Returning),
    ForceDelete,
}

impl<Id> Cached<Id> {
    fn statement(&self) -> Statement {
        match *self {
            Cached::Find(_, mode) => Statement::Find(mode),
            Cached::List(mode) => Statement::List(mode),
            Cached::Count(mode) => Statement::Count(mode),
            Cached::Delete(_, returning) => Statement::Delete(returning),
            Cached::Restore(_, returning) => Statement::Restore(returning),
            Cached::ForceDelete(_) => Statement::ForceDelete,
        }
    }
}

/// `statement` of `T` rendered for `backend`, and its values: the text
/// borrowed from the cache once a run has rendered it, else rendered by
/// sea-query (and kept, when `T` has a cache key).
///
/// Either way the pair is the one sea-query renders for the statement:
/// `tests/test_sql_cache.rs` holds it to that for every backend and marker
/// configuration.
#[must_use]
pub fn rendered<T: SoftDelete>(
    statement: Cached<T::Id>,
    backend: Backend,
) -> (Cow<'static, str>, Values) {
    let key = T::__SQL_CACHE_KEY.map(|model| (model, statement.statement(), backend));
    if let Some(key) = key {
        let kept = RENDERED
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .copied();
        if let Some(sql) = kept {
            return (Cow::Borrowed(sql), values::<T>(statement));
        }
    }
    let (sql, values) = match backend {
        Backend::Postgres => render::<T>(statement, &PostgresQueryBuilder),
        Backend::MySql => render::<T>(statement, &MysqlQueryBuilder),
        Backend::Sqlite => render::<T>(statement, &SqliteQueryBuilder),
    };
    if let Some(key) = key {
        // Another thread may have kept it meanwhile, with the same text.
        RENDERED
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key)
            .or_insert_with(|| Box::leak(sql.clone().into_boxed_str()));
    }
    (Cow::Owned(sql), values)
}

/// `RETURNING` every column of `T`, as a soft delete or restore that reads
/// back its row adds it.
#[must_use]
pub fn returning_row<T: SoftDelete>() -> ReturningClause {
    Query::returning().columns(T::COLUMNS.iter().copied())
}

/// `statement` built with sea-query and rendered by `builder`: what a run
/// without the cache does.
fn render<T: SoftDelete>(
    statement: Cached<T::Id>,
    builder: &impl QueryBuilder,
) -> (String, Values) {
    let returning = |mut update: UpdateStatement, returning| {
        if returning == Returning::Row {
            update.returning(returning_row::<T>());
        }
        update.build_any(builder)
    };
    match statement {
        Cached::Find(id, mode) => T::find_in(id, mode).build_any(builder),
        Cached::List(mode) => T::query_in(mode)
            .order_by((T::TABLE, T::PRIMARY_KEY), Order::Asc)
            .build_any(builder),
        Cached::Count(mode) => Query::select()
            .expr(Expr::col(Asterisk).count())
            .from(T::TABLE)
            .cond_where(T::scope(mode))
            .build_any(builder),
        Cached::Delete(id, r) => returning(T::delete_by_id(id), r),
        Cached::Restore(id, r) => returning(T::restore_by_id(id), r),
        Cached::ForceDelete(id) => T::force_delete_by_id(id).build_any(builder),
    }
}

/// The values `statement` binds, in the order its SQL binds them, built
/// without the statement: the value of each assignment that sea-query binds
/// (`Expr::Value`), from the same assignment lists the statement builders
/// take (`statement::deleted_assignments`, `statement::live_assignments`),
/// then the `WHERE` key. Scope conditions, `TRUE`/`FALSE`/`0` markers,
/// `CURRENT_TIMESTAMP` and the `deleted_by` `NULL` are constants in the SQL
/// text.
fn values<T: SoftDelete>(statement: Cached<T::Id>) -> Values {
    let marker = T::MARKER;
    let mut values = Vec::with_capacity(4);
    let mut bind = |_: &'static str, expr: Expr| {
        if let Expr::Value(value) = expr {
            values.push(value);
        }
    };
    let id = match statement {
        Cached::Find(id, _) | Cached::ForceDelete(id) => Some(id),
        Cached::List(_) | Cached::Count(_) => None,
        Cached::Delete(id, _) => {
            // As `statement::soft_delete` without an actor.
            let when = marker.resolve(When::Now);
            statement::deleted_assignments(
                marker,
                (marker.deleted_value(when), when),
                None,
                None,
                &mut bind,
            );
            Some(id)
        }
        Cached::Restore(id, _) => {
            // As `statement::restore`.
            statement::live_assignments(marker, When::Now, &mut bind);
            Some(id)
        }
    };
    values.extend(id.map(Into::into));
    Values(values)
}
