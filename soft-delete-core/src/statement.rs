//! The statements behind the trait's provided methods: scoped selects and the
//! lifecycle writes (soft delete, restore, force delete, purge).
//!
//! Every condition is qualified by the model's table, and every write carries
//! the marker condition that keeps it off the rows it must not touch.

use std::num::NonZeroU32;

use chrono::{DateTime, Datelike as _, Utc};
use sea_query::{
    Alias, Condition, DeleteStatement, DynIden, Expr, ExprTrait, Func, IntoCondition, Keyword,
    Order, Query, SelectStatement, UpdateStatement, Value,
};

use crate::marker::When;
use crate::{Backend, Marker, MarkerStyle, SoftDelete, TrashMode};

/// The marker filter of `mode`; empty for [`TrashMode::WithTrashed`].
pub(crate) fn scope<T: SoftDelete>(mode: TrashMode) -> Condition {
    scope_on(T::MARKER, mode, || T::MARKER.column_in(T::TABLE))
}

/// [`scope`] on the model's table joined or selected under `alias`.
pub(crate) fn scope_as<T: SoftDelete>(alias: &DynIden, mode: TrashMode) -> Condition {
    scope_on(T::MARKER, mode, || {
        Expr::col((alias.clone(), T::MARKER.column))
    })
}

/// The filter of `mode` on `column`, `marker`'s column wherever it is
/// qualified.
fn scope_on(marker: Marker, mode: TrashMode, column: impl FnOnce() -> Expr) -> Condition {
    match mode {
        // `Condition::from`, not `Condition::all().add(..)`, which would nest
        // a one-item condition inside another for every statement to walk.
        TrashMode::WithoutTrashed => Condition::from(marker.live(column())),
        TrashMode::WithTrashed => Condition::all(),
        TrashMode::OnlyTrashed => Condition::from(marker.trashed(column())),
    }
}

/// All columns of the model, qualified by its table, seen through `mode`.
pub(crate) fn select<T: SoftDelete>(mode: TrashMode) -> SelectStatement {
    let mut select = Query::select();
    select
        .columns(T::COLUMNS.iter().map(|column| (T::TABLE, *column)))
        .from(T::TABLE);
    match mode {
        // An empty condition renders as `WHERE TRUE`; leaving the WHERE out
        // keeps the SQL plain.
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

/// `table.primary_key = id`, built when a write takes it as its filter
/// (`cond_where`), after the statement's table and values: the order a
/// hand-written statement allocates in, which renders with fewer
/// allocations (`benches/statement_costs.rs` measures it).
pub(crate) struct PrimaryKeyIs<T: SoftDelete>(pub(crate) T::Id);

impl<T: SoftDelete> From<PrimaryKeyIs<T>> for Condition {
    fn from(PrimaryKeyIs(id): PrimaryKeyIs<T>) -> Self {
        Condition::from(primary_key_is::<T>(id))
    }
}

/// An UPDATE of the model's table restricted to its live rows.
pub(crate) fn update_live<T: SoftDelete>() -> UpdateStatement {
    let mut update = Query::update();
    update
        .table(T::TABLE)
        .and_where(T::MARKER.live_in(T::TABLE));
    update
}

/// Marks the live rows matching `filter` as deleted `when`, recording `actor`
/// in the model's `deleted_by` column when given. Rows already trashed are
/// left alone, so their first deletion time (and actor) stands.
pub(crate) fn soft_delete<T: SoftDelete>(
    filter: impl IntoCondition,
    when: When,
    actor: Option<Value>,
) -> UpdateStatement {
    let when = T::MARKER.resolve(when);
    mark_deleted(
        T::TABLE,
        T::MARKER,
        filter,
        (T::MARKER.deleted_value(when), when),
        actor,
        None,
    )
}

/// Marks the trashed rows matching `filter` as live again, clearing who
/// deleted them. With `cascade_id`, only rows trashed on their own: a row a
/// cascade trashed (its root or a row below) comes back with that
/// cascade's restore, so that a cascade's rows come back together or not
/// at all.
pub(crate) fn restore<T: SoftDelete>(filter: impl IntoCondition) -> UpdateStatement {
    let mut update = mark_live(T::TABLE, T::MARKER, filter, When::Now);
    if let Some(column) = T::MARKER.cascade_id {
        update.and_where(Expr::col((T::TABLE, column)).is_null());
    }
    // Never a live row under a trashed parent the model declares.
    if let Some(live) = crate::cascade::parents_live::<T>() {
        update.cond_where(live);
    }
    update
}

/// Sets `marker` of the live rows of `table` matching `filter` to `stamp`,
/// its `deleted_by` to `actor` and its `updated_at` to the instant `when`
/// (the one `stamp` records), and its `cascade_id` to the cascade's
/// deletion id (`NULL` for a model's own soft delete): every soft delete, a
/// model's own or a cascade's.
pub(crate) fn mark_deleted(
    table: &'static str,
    marker: Marker,
    filter: impl IntoCondition,
    stamp: (Expr, When),
    actor: Option<Value>,
    cascade: Option<&Value>,
) -> UpdateStatement {
    let mut update = Query::update();
    update.table(table);
    deleted_assignments(marker, stamp, actor, cascade, |column, value| {
        update.value(column, value);
    });
    update.cond_where(filter).and_where(marker.live_in(table));
    update
}

/// The `SET` list of a soft delete, column by column in the order the
/// statement has them: the one list [`mark_deleted`] builds from and the
/// cache takes a cached statement's values from.
pub(crate) fn deleted_assignments(
    marker: Marker,
    (stamp, when): (Expr, When),
    actor: Option<Value>,
    cascade: Option<&Value>,
    mut set: impl FnMut(&'static str, Expr),
) {
    set(marker.column, stamp);
    if let (Some(column), Some(actor)) = (marker.deleted_by, actor) {
        set(column, Expr::Value(actor));
    }
    if let Some((column, value)) = marker.touched(when) {
        set(column, value);
    }
    if let Some(column) = marker.cascade_id {
        let key = cascade.cloned().unwrap_or(Value::BigInt(None));
        set(column, Expr::Value(key));
    }
}

/// Makes the trashed rows of `table` matching `filter` live again, clearing
/// `deleted_by` and setting `updated_at` to `when`: every restore, a model's
/// own or a cascade's child tables'.
pub(crate) fn mark_live(
    table: &'static str,
    marker: Marker,
    filter: impl IntoCondition,
    when: When,
) -> UpdateStatement {
    let mut update = Query::update();
    update.table(table);
    live_assignments(marker, when, |column, value| {
        update.value(column, value);
    });
    update
        .cond_where(filter)
        .and_where(marker.trashed_in(table));
    update
}

/// The `SET` list of a restore, in order, as [`deleted_assignments`] is a
/// soft delete's.
pub(crate) fn live_assignments(
    marker: Marker,
    when: When,
    mut set: impl FnMut(&'static str, Expr),
) {
    set(marker.column, marker.live_value());
    if let Some(column) = marker.deleted_by {
        set(column, Expr::Keyword(Keyword::Null));
    }
    if let Some((column, value)) = marker.touched(when) {
        set(column, value);
    }
    if let Some(column) = marker.cascade_id {
        set(column, Expr::Value(Value::BigInt(None)));
    }
}

/// Deletes the rows matching `filter` for good, trashed or not.
pub(crate) fn force_delete<T: SoftDelete>(filter: impl IntoCondition) -> DeleteStatement {
    let mut delete = Query::delete();
    delete.from_table(T::TABLE).cond_where(filter);
    delete
}

/// A marker column in a form that compares and sorts as time on `backend`,
/// and [`comparable_value`], an instant in the same form.
///
/// SQLite keeps timestamps as text in whatever format wrote them: sqlx
/// writes `2026-01-02T03:04:05.123456+00:00`, `CURRENT_TIMESTAMP` writes
/// `2026-01-02 03:04:05`, and as text the second sorts before the first
/// whatever the times. Its date functions work in whole milliseconds. So on
/// SQLite a timestamp becomes the text `YYYY-MM-DD HH:MM:SS` of
/// `strftime()` (which reads every format and applies offsets) followed by
/// the written fraction of a second padded to nine digits: one format, exact
/// to the nanosecond, in time order. Other databases compare the column as
/// it is.
pub(crate) fn comparable(marker: Marker, column: Expr, backend: Backend) -> Expr {
    if backend != Backend::Sqlite || marker.style != MarkerStyle::Timestamp {
        return column;
    }
    let call = |name: &'static str, args: Vec<Expr>| Expr::from(Func::cust(name).args(args));
    let text = |text: &'static str| Expr::Constant(Value::from(text));
    let number = |number: i32| Expr::Constant(Value::from(number));
    // The digits after the seconds' `.`, up to the offset (`+`, `-`, `Z`) or
    // the end; none when the seconds have no fraction.
    let after_dot = call("substr", vec![column.clone(), number(21)]);
    let offset_as_plus = call(
        "replace",
        vec![
            call("replace", vec![after_dot, text("Z"), text("+")]),
            text("-"),
            text("+"),
        ],
    );
    let digits_end = call(
        "instr",
        vec![
            call("printf", vec![text("%s+"), offset_as_plus.clone()]),
            text("+"),
        ],
    );
    let digits = call(
        "substr",
        vec![offset_as_plus, number(1), digits_end.sub(number(1))],
    );
    let has_fraction = call("substr", vec![column.clone(), number(20), number(1)]).eq(text("."));
    let fraction: Expr = Expr::case(has_fraction, digits).finally(text("")).into();
    let nine_digits = call(
        "substr",
        vec![
            call("printf", vec![text("%s000000000"), fraction]),
            number(1),
            number(9),
        ],
    );
    let seconds = call("strftime", vec![text("%Y-%m-%d %H:%M:%S"), column]);
    call("printf", vec![text("%s%s"), seconds, nine_digits])
}

/// `at` in the form [`comparable`] gives the marker column on `backend`.
pub(crate) fn comparable_value(marker: Marker, at: DateTime<Utc>, backend: Backend) -> Value {
    if backend == Backend::Sqlite && marker.style == MarkerStyle::Timestamp {
        // A leap second's nanoseconds run past one second; it sorts as :59.999999999.
        let nanos = Ord::min(at.timestamp_subsec_nanos(), 999_999_999);
        Value::from(format!("{}{nanos:09}", at.format("%Y-%m-%d %H:%M:%S")))
    } else {
        marker.time_value(at)
    }
}

/// "Trashed strictly before `cutoff`", on the marker of `table`. The
/// explicit trashed test says in the SQL what the comparison implies: a live
/// row is never purged. Times compare as times on every backend, SQLite
/// included (see [`comparable`]).
pub(crate) fn trashed_before<T: SoftDelete>(cutoff: DateTime<Utc>, backend: Backend) -> [Expr; 2] {
    let marker = T::MARKER;
    // A cutoff past what the column holds is after every marker in it.
    let cutoff = match marker.style {
        MarkerStyle::Timestamp => crate::value::clamp_cutoff(cutoff, backend),
        MarkerStyle::Bool | MarkerStyle::Unix | MarkerStyle::Active => cutoff,
    };
    let column = marker.column_in(T::TABLE);
    let before =
        comparable(marker, column.clone(), backend).lt(comparable_value(marker, cutoff, backend));
    let before = match sqlite_days_before(marker, cutoff, backend) {
        // A marker whose text starts with a date before the day before the
        // cutoff's is before the cutoff whatever its time and offset (at
        // most ±14 hours): the text comparison decides it, and the exact
        // form, costly per row, is computed only for the others.
        Some(day) => Condition::any()
            .add(
                // The cheap test first: most rows are decided by it.
                column.clone().lt(day).and(column.clone().binary(
                    sea_query::extension::sqlite::SqliteBinOper::Glob,
                    // Inline: SQLite re-prepares a statement whose GLOB
                    // pattern is a bound parameter when the binding changes.
                    Expr::Constant(Value::from(
                        "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][ T]*",
                    )),
                )),
            )
            .add(before)
            .into(),
        None => before,
    };
    [marker.trashed(column), before]
}

/// On SQLite, for a timestamp marker: the day before `cutoff`'s, as the
/// `YYYY-MM-DD` text that starts the markers written on it (none outside
/// years 1–9999, which are written otherwise).
fn sqlite_days_before(marker: Marker, cutoff: DateTime<Utc>, backend: Backend) -> Option<String> {
    if backend != Backend::Sqlite || marker.style != MarkerStyle::Timestamp {
        return None;
    }
    let day = cutoff.date_naive().pred_opt()?;
    (1..=9999)
        .contains(&day.year())
        .then(|| day.format("%Y-%m-%d").to_string())
}

/// "Trashed in `[from, to)`", either end open, compared as times on every
/// backend (see [`comparable`]); ends past what the column holds are
/// clamped to it, so they mean what they say.
pub(crate) fn trashed_between<T: SoftDelete>(
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    backend: Backend,
) -> Condition {
    let marker = T::MARKER;
    let column = marker.column_in(T::TABLE);
    let clamp = |at| match marker.style {
        MarkerStyle::Timestamp => crate::value::clamp_cutoff(at, backend),
        MarkerStyle::Bool | MarkerStyle::Unix | MarkerStyle::Active => at,
    };
    let time = comparable(marker, column.clone(), backend);
    let mut condition = Condition::all().add(marker.trashed(column));
    if let Some(from) = from {
        condition = condition.add(
            time.clone()
                .gte(comparable_value(marker, clamp(from), backend)),
        );
    }
    if let Some(to) = to {
        condition = condition.add(time.lt(comparable_value(marker, clamp(to), backend)));
    }
    condition
}

/// Deletes for good the rows trashed strictly before `cutoff`.
pub(crate) fn purge_trashed_before<T: SoftDelete>(
    cutoff: DateTime<Utc>,
    backend: Backend,
) -> DeleteStatement {
    let [trashed, before] = trashed_before::<T>(cutoff, backend);
    let mut delete = force_delete::<T>(trashed);
    delete.and_where(before);
    delete
}

/// Deletes for good at most `batch_size` of the rows trashed before
/// `cutoff`, oldest first.
///
/// `DELETE ... LIMIT` exists on MySQL only, and MySQL rejects `LIMIT` in an
/// `IN (subquery)` and a subquery on the table being deleted from; a derived
/// table (`IN (SELECT pk FROM (SELECT ... LIMIT n) AS batch)`) is
/// materialised first, which all three accept.
pub(crate) fn purge_batch<T: SoftDelete>(
    cutoff: DateTime<Utc>,
    batch_size: NonZeroU32,
    backend: Backend,
) -> DeleteStatement {
    let [trashed, before] = trashed_before::<T>(cutoff, backend);
    delete_oldest::<T>(Condition::all().add(trashed).add(before), batch_size)
}

/// Deletes for good at most `batch_size` of the rows matching `due`, oldest
/// marker first (see [`purge_batch`] for the derived table).
pub(crate) fn delete_oldest<T: SoftDelete>(
    due: Condition,
    batch_size: NonZeroU32,
) -> DeleteStatement {
    let batch = Alias::new("soft_delete_batch");
    let mut oldest = Query::select();
    oldest
        .column((T::TABLE, T::PRIMARY_KEY))
        .from(T::TABLE)
        .cond_where(due)
        // The stored order, so the marker's index serves each batch: ordering
        // by the SQLite time expression would sort every trashed row, every
        // batch. On SQLite it is time order for markers of one text format.
        .order_by((T::TABLE, T::MARKER.column), Order::Asc)
        .limit(u64::from(batch_size.get()));
    let mut keys = Query::select();
    keys.column((batch.clone(), T::PRIMARY_KEY))
        .from_subquery(oldest, batch);
    let mut delete = Query::delete();
    delete
        .from_table(T::TABLE)
        .and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).in_subquery(keys));
    delete
}
