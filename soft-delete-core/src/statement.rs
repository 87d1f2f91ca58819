//! The statements behind the trait's provided methods: scoped selects and the
//! lifecycle writes (soft delete, restore, force delete, purge).
//!
//! Every condition is qualified by the model's table, and every write carries
//! the marker condition that keeps it off the rows it must not touch.

use chrono::{DateTime, Utc};
use sea_query::{
    Condition, DeleteStatement, Expr, ExprTrait, Query, SelectStatement, UpdateStatement,
};

use crate::{SoftDelete, TrashMode};

/// The marker filter of `mode`; empty for [`TrashMode::WithTrashed`].
pub(crate) fn scope<T: SoftDelete>(mode: TrashMode) -> Condition {
    match mode {
        TrashMode::WithoutTrashed => Condition::all().add(T::MARKER.live_in(T::TABLE)),
        TrashMode::WithTrashed => Condition::all(),
        TrashMode::OnlyTrashed => Condition::all().add(T::MARKER.trashed_in(T::TABLE)),
    }
}

/// All columns of the model, qualified by its table, seen through `mode`.
pub(crate) fn select<T: SoftDelete>(mode: TrashMode) -> SelectStatement {
    let mut select = Query::select();
    select
        .columns(T::COLUMNS.iter().map(|column| (T::TABLE, *column)))
        .from(T::TABLE);
    match mode {
        // An empty condition would render as nothing on some backends and as
        // `TRUE` on others; leaving the WHERE out keeps the SQL plain.
        TrashMode::WithTrashed => {}
        TrashMode::WithoutTrashed => {
            select.and_where(T::MARKER.live_in(T::TABLE));
        }
        TrashMode::OnlyTrashed => {
            select.and_where(T::MARKER.trashed_in(T::TABLE));
        }
    }
    select
}

/// `table.primary_key = id`.
pub(crate) fn primary_key_is<T: SoftDelete>(id: T::Id) -> Expr {
    Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id.into())
}

/// An UPDATE of the model's table restricted to its live rows.
pub(crate) fn update_live<T: SoftDelete>() -> UpdateStatement {
    Query::update()
        .table(T::TABLE)
        .and_where(T::MARKER.live_in(T::TABLE))
        .to_owned()
}

/// Marks the live rows matching `filter` as deleted at `at`. Rows already
/// trashed are left alone, so their first deletion time stands.
pub(crate) fn soft_delete<T: SoftDelete>(filter: Condition, at: DateTime<Utc>) -> UpdateStatement {
    Query::update()
        .table(T::TABLE)
        .value(T::MARKER.column, T::MARKER.deleted_value(at))
        .cond_where(filter)
        .and_where(T::MARKER.live_in(T::TABLE))
        .to_owned()
}

/// Marks the trashed rows matching `filter` as live again.
pub(crate) fn restore<T: SoftDelete>(filter: Condition) -> UpdateStatement {
    Query::update()
        .table(T::TABLE)
        .value(T::MARKER.column, T::MARKER.live_value())
        .cond_where(filter)
        .and_where(T::MARKER.trashed_in(T::TABLE))
        .to_owned()
}

/// Deletes the rows matching `filter` for good, trashed or not.
pub(crate) fn force_delete<T: SoftDelete>(filter: Condition) -> DeleteStatement {
    Query::delete()
        .from_table(T::TABLE)
        .cond_where(filter)
        .to_owned()
}

/// Deletes for good the rows trashed strictly before `cutoff`. The explicit
/// `IS NOT NULL` says in the SQL what the comparison already implies: a live
/// row is never purged.
pub(crate) fn purge_trashed_before<T: SoftDelete>(cutoff: DateTime<Utc>) -> DeleteStatement {
    let marker = T::MARKER;
    Query::delete()
        .from_table(T::TABLE)
        .and_where(marker.trashed_in(T::TABLE))
        .and_where(marker.column_in(T::TABLE).lt(marker.time_value(cutoff)))
        .to_owned()
}
