//! Cascade: a parent soft deleted together with its live children, at one
//! shared instant, and restored together with exactly those children.
//!
//! The children copy the parent's *stored* marker, so they match it after
//! whatever rounding the column applies (a second-precision `DATETIME`
//! included). A child trashed on its own before the cascade must never match
//! it: if one holds a marker in the cascade's second or later, the parent is
//! stamped with the first whole second from two seconds on that no child
//! holds, a value every column stores exactly.

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_query::{Expr, ExprTrait, Query, QueryStatementBuilder as _, UpdateStatement, Value};

use crate::marker::When;
use crate::{statement, Backend, Marker, MarkerStyle, SoftDelete};

/// A soft-deletable child of a model: the table whose rows reference the
/// parent, the column holding the parent's key, and the child's marker.
///
/// The derive builds it from `#[soft_delete(cascade(Child =
/// "foreign_key"))]`; read it as `T::CHILDREN`.
///
/// ```
/// use soft_delete::SoftDelete;
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "comments")]
/// struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "posts", cascade(Comment = "post_id"))]
/// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// assert_eq!(Post::CHILDREN[0].table, "comments");
/// assert_eq!(Post::CHILDREN[0].foreign_key, "post_id");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Child {
    /// SQL name of the child's table.
    pub table: &'static str,
    /// SQL name of the child's column holding the parent's primary key.
    pub foreign_key: &'static str,
    /// The child's marker.
    pub marker: Marker,
}

impl Child {
    /// The child model `C`, referencing its parent through `foreign_key`.
    ///
    /// # Panics
    ///
    /// When `foreign_key` is not a column of `C`, or `C`'s marker is not
    /// stored like the parent's (`parent`). The derive evaluates it in a
    /// constant, where that panic is a compile error saying so.
    #[must_use]
    pub const fn of<C: SoftDelete>(foreign_key: &'static str, parent: Marker) -> Self {
        match cascade_problem::<C>(foreign_key, parent) {
            CascadeProblem::None => {}
            CascadeProblem::ForeignKeyNotAColumn => panic!(
                "cascade: the foreign key is not a column of the child model; name the child's column that holds the parent's key"
            ),
            _ => panic!(
                "cascade: the child's marker must be stored like the parent's (same style, and the same field type for timestamps), so both hold one shared instant"
            ),
        }
        Child {
            table: C::TABLE,
            foreign_key,
            marker: C::MARKER,
        }
    }
}

/// What is wrong with a `cascade(Child = "...")`, found while
/// compiling the parent: the derive turns each problem into a compile error
/// at the attribute, naming the models.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CascadeProblem {
    /// Nothing: the cascade is sound.
    None,
    /// `foreign_key` is not a column of the child.
    ForeignKeyNotAColumn,
    /// The child's marker is a bool, the parent's is not.
    ChildIsBool,
    /// The child's marker is Unix seconds, the parent's is not.
    ChildIsUnix,
    /// The child's marker is a timestamp, the parent's is not.
    ChildIsTimestamp,
    /// Both are timestamps; the child's has no time zone, the parent's has.
    ChildWithoutTimeZone,
    /// Both are timestamps; the child's has a time zone, the parent's has not.
    ChildWithTimeZone,
}

/// The first problem of the child model `C` referenced through
/// `foreign_key` by a parent marked by `parent`; [`Child::of`] panics on
/// the same conditions.
#[doc(hidden)]
#[must_use]
pub const fn cascade_problem<C: SoftDelete>(
    foreign_key: &'static str,
    parent: Marker,
) -> CascadeProblem {
    let child = C::MARKER;
    if C::TABLE.is_empty() {
        // A model whose derive failed (its stand-in impl has no table): that
        // error is reported, and a second one here would be noise.
        return CascadeProblem::None;
    }
    if !contains(C::COLUMNS, foreign_key) {
        return CascadeProblem::ForeignKeyNotAColumn;
    }
    if same_storage(child, parent) {
        return CascadeProblem::None;
    }
    match child.style {
        MarkerStyle::Bool => CascadeProblem::ChildIsBool,
        MarkerStyle::Unix => CascadeProblem::ChildIsUnix,
        MarkerStyle::Timestamp => match parent.style {
            MarkerStyle::Timestamp if child.with_time_zone => CascadeProblem::ChildWithTimeZone,
            MarkerStyle::Timestamp => CascadeProblem::ChildWithoutTimeZone,
            _ => CascadeProblem::ChildIsTimestamp,
        },
    }
}

const fn same_storage(a: Marker, b: Marker) -> bool {
    let same_style = matches!(
        (a.style, b.style),
        (MarkerStyle::Timestamp, MarkerStyle::Timestamp) | (MarkerStyle::Unix, MarkerStyle::Unix)
    );
    same_style && a.with_time_zone == b.with_time_zone
}

const fn contains(columns: &[&str], wanted: &str) -> bool {
    let mut index = 0;
    while index < columns.len() {
        if str_eq(columns[index], wanted) {
            return true;
        }
        index += 1;
    }
    false
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut index = 0;
    while index < a.len() {
        if a[index] != b[index] {
            return false;
        }
        index += 1;
    }
    true
}

/// How many whole seconds after the cascade's second the parent may be
/// stamped when children already hold earlier ones.
const SPARE_SECONDS: i64 = 5;

/// "Some child of `id` matches": `EXISTS` over each child table, `OR`ed.
fn any_child<T: SoftDelete>(id: &Value, matches: impl Fn(&Child, Expr) -> Expr) -> Expr {
    let one = Expr::Constant(Value::Int(Some(1)));
    T::CHILDREN
        .iter()
        .map(|child| {
            let rows = Query::select()
                .expr(one.clone())
                .from(child.table)
                .and_where(Expr::col((child.table, child.foreign_key)).eq(id.clone()))
                .and_where(matches(
                    child,
                    Expr::col((child.table, child.marker.column)),
                ))
                .to_owned();
            Expr::exists(rows)
        })
        .reduce(ExprTrait::or)
        .unwrap_or(Expr::Constant(Value::Bool(Some(false))))
}

/// The parent's stored marker, as a scalar subquery.
fn parent_marker<T: SoftDelete>(id: &Value) -> Expr {
    Expr::SubQuery(
        None,
        Box::new(
            Query::select()
                .column((T::TABLE, T::MARKER.column))
                .from(T::TABLE)
                .and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id.clone()))
                .to_owned()
                .into_sub_query_statement(),
        ),
    )
}

/// The statements of a cascade soft delete, in the order to run them in one
/// transaction: the parent, then each child table.
pub(crate) fn delete<T: SoftDelete>(
    id: &Value,
    when: When,
    actor: Option<&Value>,
    backend: Backend,
) -> Vec<UpdateStatement> {
    let marker = T::MARKER;
    let when = marker.resolve(when);
    let at = match when {
        When::At(at) => at,
        When::Now => Utc::now(),
    };
    let floor = whole_second(at);
    let stamp = if T::CHILDREN.is_empty() {
        marker.deleted_value(when)
    } else {
        // No child may hold the parent's stamp when it is not the cascade's:
        // the restore finds the cascade's children by that equality. A child
        // trashed in the cascade's second or later may round to it, so the
        // parent then takes the first later whole second no child holds.
        let mut stamp = Expr::case(
            any_child::<T>(id, |child, column| {
                statement::comparable(child.marker, column, backend)
                    .gte(statement::comparable_value(child.marker, floor, backend))
            })
            .not(),
            marker.deleted_value(when),
        );
        let later = |seconds| marker.time_value(floor + Duration::seconds(seconds));
        for seconds in 2..=SPARE_SECONDS {
            let candidate = later(seconds);
            let taken = any_child::<T>(id, |_, column| column.eq(candidate.clone()));
            stamp = stamp.case(taken.not(), Expr::Value(candidate));
        }
        stamp.finally(Expr::Value(later(SPARE_SECONDS + 1))).into()
    };

    let primary_key_is = Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id.clone());
    let mut statements = vec![statement::mark_deleted(
        T::TABLE,
        marker,
        primary_key_is,
        (stamp, when),
        actor.cloned(),
    )];
    for child in T::CHILDREN {
        // Only under a parent this cascade stamped (at its second or later):
        // a parent trashed before keeps its children as they are.
        let parent_stamped_now = statement::comparable(marker, parent_marker::<T>(id), backend)
            .gte(statement::comparable_value(marker, floor, backend));
        let under_parent = Expr::col((child.table, child.foreign_key))
            .eq(id.clone())
            .and(parent_stamped_now);
        statements.push(statement::mark_deleted(
            child.table,
            child.marker,
            under_parent,
            (parent_marker::<T>(id), child.marker.resolve(when)),
            actor.cloned(),
        ));
    }
    statements
}

/// The statements of a cascade restore, in the order to run them in one
/// transaction: each child table first (they are matched against the
/// parent's marker), then the parent.
pub(crate) fn restore<T: SoftDelete>(id: Value) -> Vec<UpdateStatement> {
    // One instant for every table the cascade touches.
    let now = T::MARKER.resolve(When::Now);
    let mut statements: Vec<UpdateStatement> = T::CHILDREN
        .iter()
        .map(|child| {
            let deleted_with_parent = Expr::col((child.table, child.foreign_key))
                .eq(id.clone())
                .and(Expr::col((child.table, child.marker.column)).eq(parent_marker::<T>(&id)));
            statement::mark_live(child.table, child.marker, deleted_with_parent, now)
        })
        .collect();
    let filter = Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id);
    statements.push(statement::mark_live(T::TABLE, T::MARKER, filter, now));
    statements
}

/// `at` without its fraction of a second.
fn whole_second(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(Duration::seconds(1)).unwrap_or(at)
}
