//! Cascade: a parent soft deleted together with its live subtree, and
//! restored together with exactly the rows deleted with it.
//!
//! Two forms. With `cascade_id = "..."` (every model of the tree has the
//! column) a cascade stamps each row it trashes with a fresh 64-bit
//! deletion id, and a cascade restore brings back exactly the rows holding
//! the parent's id: exact under any clock, at any depth, for self-referencing
//! models too. Without it, children copy the parent's *stored* marker and a
//! cascade restore matches children by that value: one level deep only, and
//! exact as long as no child trashed on its own holds the same value (a
//! child trashed before in the cascade's second or later makes the parent
//! take the latest earlier whole second that no child holds).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_query::{
    Alias, BinOper, CommonTableExpression, Condition, Expr, ExprTrait, Query,
    QueryStatementBuilder as _, SubQueryStatement, UnionType, UpdateStatement, Value, WithClause,
};

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
    /// SQL name of the child's primary key, which its own children reference.
    pub primary_key: &'static str,
    /// SQL name of the child's column holding the parent's primary key.
    pub foreign_key: &'static str,
    /// The child's marker.
    pub marker: Marker,
    /// The child model's column referencing a parent row of its own table
    /// (`cascade(Self = "...")`), if any.
    pub self_foreign_key: Option<&'static str>,
    /// The child model's own children: a cascade reaches every level.
    pub children: &'static [Child],
}

impl Child {
    /// The child model `C`, referencing its parent through `foreign_key`.
    ///
    /// # Panics
    ///
    /// When `foreign_key` is not a column of `C`, `C`'s marker is not
    /// stored like the parent's (`parent`), or the two disagree on
    /// `cascade_id`. The derive evaluates it in a constant, where that panic
    /// is a compile error saying so. Reading `C`'s children here makes a
    /// cycle of cascades between models a compile error too ("cycle detected
    /// when evaluating `<Post as SoftDelete>::CHILDREN`", naming each model
    /// of the cycle).
    #[must_use]
    pub const fn of<C: SoftDelete>(foreign_key: &'static str, parent: Marker) -> Self {
        match cascade_problem::<C>(foreign_key, parent) {
            CascadeProblem::None => {}
            CascadeProblem::ForeignKeyNotAColumn => panic!(
                "cascade: the foreign key is not a column of the child model; name the child's column that holds the parent's key"
            ),
            CascadeProblem::ChildWithoutCascadeId | CascadeProblem::DeepWithoutCascadeId => panic!(
                "cascade: a parent with `cascade_id` needs it on every child, and a child with children of its own needs it on every model of the tree"
            ),
            _ => panic!(
                "cascade: the child's marker must be stored like the parent's (same style, and the same field type for timestamps), so both hold one shared instant"
            ),
        }
        Child {
            table: C::TABLE,
            primary_key: C::PRIMARY_KEY,
            foreign_key,
            marker: C::MARKER,
            self_foreign_key: C::SELF_FOREIGN_KEY,
            children: C::CHILDREN,
        }
    }
}

/// A parent row a model declares (`parent(Post = "post_id")` in the
/// derive): read as `T::PARENTS`. A row whose parent is trashed is not
/// restored alone: its restore is refused with an error naming the parent
/// (restore the parent first, with its cascade), so that no live row sits
/// under a trashed parent.
///
/// ```
/// use soft_delete::SoftDelete;
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "posts")]
/// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "comments", parent(Post = "post_id"))]
/// struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// assert_eq!(Comment::PARENTS[0].table, "posts");
/// assert_eq!(Comment::PARENTS[0].foreign_key, "post_id");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Parent {
    /// SQL name of the parent's table.
    pub table: &'static str,
    /// SQL name of the parent's primary key.
    pub primary_key: &'static str,
    /// SQL name of this model's column holding the parent's key.
    pub foreign_key: &'static str,
    /// The parent's marker.
    pub marker: Marker,
}

impl Parent {
    /// The parent model `P`, referenced through this model's `foreign_key`.
    #[must_use]
    pub const fn of<P: SoftDelete>(foreign_key: &'static str) -> Self {
        Parent {
            table: P::TABLE,
            primary_key: P::PRIMARY_KEY,
            foreign_key,
            marker: P::MARKER,
        }
    }
}

/// The parents a restore of `T` must find live: its declared `parent(...)`s
/// (`None` without any).
pub(crate) fn parents_live<T: SoftDelete>() -> Option<Condition> {
    if T::PARENTS.is_empty() {
        return None;
    }
    let alias = Alias::new("soft_delete_parent");
    let mut live = Condition::all();
    for parent in T::PARENTS {
        let mut trashed = Query::select();
        trashed.expr(Expr::Constant(Value::Int(Some(1))));
        if parent.table == T::TABLE {
            // The model's own table, as a derived table of its trashed keys:
            // MySQL refuses an UPDATE whose subquery reads the updated table
            // directly (error 1093), and `DISTINCT` keeps the derived table
            // from being merged back into the statement.
            let rows = Query::select()
                .distinct()
                .column((T::TABLE, T::PRIMARY_KEY))
                .from(T::TABLE)
                .and_where(T::MARKER.trashed_in(T::TABLE))
                .to_owned();
            trashed.from_subquery(rows, alias.clone());
        } else {
            trashed.from_as(parent.table, alias.clone()).and_where(
                parent
                    .marker
                    .trashed(Expr::col((alias.clone(), parent.marker.column))),
            );
        }
        trashed.and_where(
            Expr::col((alias.clone(), parent.primary_key)).equals((T::TABLE, parent.foreign_key)),
        );
        live = live.add(Expr::not_exists(trashed));
    }
    Some(live)
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
    /// The child's marker is an active flag, and the parent has no
    /// `cascade_id`.
    ChildIsActive,
    /// The child's marker is a timestamp, the parent's is not.
    ChildIsTimestamp,
    /// Both are timestamps; the child's has no time zone, the parent's has.
    ChildWithoutTimeZone,
    /// Both are timestamps; the child's has a time zone, the parent's has not.
    ChildWithTimeZone,
    /// The parent has `cascade_id`, the child has not.
    ChildWithoutCascadeId,
    /// Neither has `cascade_id`, and the child has children of its own or
    /// of its own model: only the deletion id keeps a deep cascade exact.
    DeepWithoutCascadeId,
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
    if parent.cascade_id.is_some() && child.cascade_id.is_none() {
        return CascadeProblem::ChildWithoutCascadeId;
    }
    if parent.cascade_id.is_none() && (!C::CHILDREN.is_empty() || C::SELF_FOREIGN_KEY.is_some()) {
        return CascadeProblem::DeepWithoutCascadeId;
    }
    // With `cascade_id` the deletion id says which rows a cascade took, and
    // each row gets its own style's marker: styles may differ.
    if parent.cascade_id.is_some() || same_storage(child, parent) {
        return CascadeProblem::None;
    }
    match child.style {
        MarkerStyle::Bool => CascadeProblem::ChildIsBool,
        MarkerStyle::Unix => CascadeProblem::ChildIsUnix,
        MarkerStyle::Active => CascadeProblem::ChildIsActive,
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

/// How many whole seconds before the cascade's second the parent may be
/// stamped when children trashed on their own already hold the seconds in
/// between.
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
/// transaction: the parent first, then the tables it reaches.
pub(crate) fn delete<T: SoftDelete>(
    id: &Value,
    when: When,
    actor: Option<&Value>,
    backend: Backend,
) -> Vec<Step> {
    let when = T::MARKER.resolve(when);
    if T::MARKER.cascade_id.is_some() {
        delete_grouped::<T>(id, when, actor)
    } else {
        delete_shared_stamp::<T>(id, when, actor, backend)
    }
}

/// The statements of a cascade restore, in the order to run them in one
/// transaction: the tables it reaches first (they find their rows through
/// the parent), the parent last.
pub(crate) fn restore<T: SoftDelete>(id: &Value) -> Vec<Step> {
    // One instant for every table the cascade touches.
    let now = T::MARKER.resolve(When::Now);
    let primary_key_is = Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id.clone());
    let Some(cascade_id) = T::MARKER.cascade_id else {
        let mut statements: Vec<Step> = T::CHILDREN
            .iter()
            .map(|child| {
                let deleted_with_parent = Expr::col((child.table, child.foreign_key))
                    .eq(id.clone())
                    .and(Expr::col((child.table, child.marker.column)).eq(parent_marker::<T>(id)));
                let statement =
                    statement::mark_live(child.table, child.marker, deleted_with_parent, now);
                (statement, child.table)
            })
            .collect();
        let mut root = Condition::all().add(primary_key_is);
        if let Some(live) = parents_live::<T>() {
            root = root.add(live);
        }
        statements.push((
            statement::mark_live(T::TABLE, T::MARKER, root, now),
            T::TABLE,
        ));
        return statements;
    };
    // The rows below hold the negated id of the cascade the parent started,
    // read before the parent's own statement clears it: `NULL` (matching
    // nothing) unless a cascade started at the parent.
    let members = |column: &'static str, table: &'static str| {
        let parent_id = Expr::SubQuery(
            None,
            Box::new(
                Query::select()
                    .column((T::TABLE, cascade_id))
                    .from(T::TABLE)
                    .and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id.clone()))
                    .to_owned()
                    .into_sub_query_statement(),
            ),
        );
        let column = Expr::col((table, column));
        column.clone().eq(parent_id.mul(-1)).and(column.lt(0))
    };
    let mut statements: Vec<Step> = plan::<T>()
        .iter()
        .skip(1)
        .map(|node| {
            let column = node.marker.cascade_id.unwrap_or(cascade_id);
            let members = members(column, node.table);
            (
                statement::mark_live(node.table, node.marker, members, now),
                node.table,
            )
        })
        .collect();
    // The parent itself only when a cascade from above did not take it: a
    // row below a cascade's root comes back with that root, never alone
    // (a cascade's rows come back together or not at all).
    let column = Expr::col((T::TABLE, cascade_id));
    let mut own = Condition::all().add(primary_key_is).add(
        Condition::any()
            .add(column.clone().is_null())
            .add(column.gt(0)),
    );
    if let Some(live) = parents_live::<T>() {
        own = own.add(live);
    }
    let parent = if T::SELF_FOREIGN_KEY.is_some() {
        // Rows of the parent's own model deleted with it.
        Condition::any().add(own).add(members(cascade_id, T::TABLE))
    } else {
        own
    };
    statements.push((
        statement::mark_live(T::TABLE, T::MARKER, parent, now),
        T::TABLE,
    ));
    statements
}

/// One statement of a cascade, with the table it changes.
pub(crate) type Step = (UpdateStatement, &'static str);

/// What a cascade changed, as the run layers (`soft_delete::sqlx`,
/// `soft_delete::sea_orm`) report it: how many rows of each table, the
/// parent's first.
///
/// ```
/// use soft_delete::Cascade;
///
/// fn report(cascade: &Cascade) -> String {
///     format!("{} rows, {} of them comments", cascade.total(), cascade.rows_in("comments"))
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Cascade {
    /// Each table the cascade reached, with the rows it changed there: the
    /// parent's table first, then each table below it, in the order the
    /// cascade reaches them.
    pub rows: Vec<(&'static str, u64)>,
}

impl Cascade {
    /// Rows changed in `table` (0 for a table the cascade did not reach).
    #[must_use]
    pub fn rows_in(&self, table: &str) -> u64 {
        self.rows
            .iter()
            .filter(|(name, _)| *name == table)
            .map(|(_, rows)| rows)
            .sum()
    }

    /// Rows changed in all tables.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|(_, rows)| rows).sum()
    }

    /// The rows a cascade of `T` changed per table, `T`'s first, from the
    /// table of each statement and the rows it changed.
    #[doc(hidden)]
    #[must_use]
    pub fn counted<T: SoftDelete>(tables: &[&'static str], changed: &[u64]) -> Self {
        let mut rows: Vec<(&'static str, u64)> = vec![(T::TABLE, 0)];
        for (&table, &count) in tables.iter().zip(changed) {
            match rows.iter_mut().find(|(seen, _)| *seen == table) {
                Some((_, total)) => *total += count,
                None => rows.push((table, count)),
            }
        }
        Cascade { rows }
    }
}

/// One table a cascade reaches.
pub(crate) struct Node {
    pub(crate) table: &'static str,
    pub(crate) primary_key: &'static str,
    pub(crate) marker: Marker,
    pub(crate) self_foreign_key: Option<&'static str>,
    /// `(parent table, parent's primary key, this table's foreign key)` of
    /// each declared cascade into this table; none for the root.
    pub(crate) parents: Vec<(&'static str, &'static str, &'static str)>,
}

/// Every table of `T`'s cascade tree once, each after all its parents (the
/// declared cascades form no cycle: the compiler refuses one), `T` first.
pub(crate) fn plan<T: SoftDelete>() -> Vec<Node> {
    let mut nodes = vec![Node {
        table: T::TABLE,
        primary_key: T::PRIMARY_KEY,
        marker: T::MARKER,
        self_foreign_key: T::SELF_FOREIGN_KEY,
        parents: Vec::new(),
    }];
    let mut pending: Vec<(&'static str, &'static str, &'static [Child])> =
        vec![(T::TABLE, T::PRIMARY_KEY, T::CHILDREN)];
    while let Some((parent, parent_key, children)) = pending.pop() {
        for child in children {
            let edge = (parent, parent_key, child.foreign_key);
            if let Some(node) = nodes.iter_mut().find(|node| node.table == child.table) {
                if !node.parents.contains(&edge) {
                    node.parents.push(edge);
                }
                continue;
            }
            nodes.push(Node {
                table: child.table,
                primary_key: child.primary_key,
                marker: child.marker,
                self_foreign_key: child.self_foreign_key,
                parents: vec![edge],
            });
            pending.push((child.table, child.primary_key, child.children));
        }
    }
    // Kahn's order: a table once all its parent tables are placed.
    let mut ordered: Vec<Node> = Vec::with_capacity(nodes.len());
    while !nodes.is_empty() {
        let ready = nodes
            .iter()
            .position(|node| {
                node.parents
                    .iter()
                    .all(|(parent, ..)| ordered.iter().any(|placed| placed.table == *parent))
            })
            // Unreachable for an acyclic tree; keep every table regardless.
            .unwrap_or(0);
        ordered.push(nodes.remove(ready));
    }
    ordered
}

/// A fresh deletion id, positive: 63 random bits from std's randomly keyed hasher
/// over the clock, a process-wide counter and the process id.
fn new_cascade_key() -> i64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_i64(Utc::now().timestamp_nanos_opt().unwrap_or_default());
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    i64::try_from(hasher.finish() >> 1).map_or(i64::MAX, |id| Ord::max(id, 1))
}

/// With `cascade_id`: the parent gets a fresh deletion id; every live row
/// under a row holding it, table by table and down self-references, gets
/// the parent's stored marker and the same id.
fn delete_grouped<T: SoftDelete>(id: &Value, when: When, actor: Option<&Value>) -> Vec<Step> {
    // The parent holds the id, the rows below its negation: a cascade
    // restore from the parent brings back exactly those, and one from a row
    // below (a member of another row's cascade) restores that row alone.
    let id_value = new_cascade_key();
    let key = Value::BigInt(Some(id_value));
    let member = Value::BigInt(Some(-id_value));
    let in_group = |column: Expr| column.is_in([key.clone(), member.clone()]);
    let marker = T::MARKER;
    let primary_key_is = Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id.clone());
    let mut statements = vec![(
        statement::mark_deleted(
            T::TABLE,
            marker,
            primary_key_is,
            (marker.deleted_value(when), when),
            actor.cloned(),
            Some(&key),
        ),
        T::TABLE,
    )];
    // A row stored like the parent takes the parent's stored marker (one
    // instant for the whole cascade, whatever the clock); one of another
    // style its own style's marker for `when`.
    let stamp = |marker: Marker| {
        let value = if same_storage(marker, T::MARKER) {
            parent_marker::<T>(id)
        } else {
            marker.deleted_value(when)
        };
        (value, when)
    };
    let plan = plan::<T>();
    let cascade_id_of = |table: &str| {
        plan.iter()
            .find(|node| node.table == table)
            .and_then(|node| node.marker.cascade_id)
    };
    for node in &plan {
        // Every model of the tree has the column (checked at compile time).
        let Some(column) = node.marker.cascade_id else {
            continue;
        };
        for &(parent, parent_key, foreign_key) in &node.parents {
            let Some(parent_column) = cascade_id_of(parent) else {
                continue;
            };
            let under = Query::select()
                .column((parent, parent_key))
                .from(parent)
                .and_where(in_group(Expr::col((parent, parent_column))))
                .to_owned();
            let statement = statement::mark_deleted(
                node.table,
                node.marker,
                Expr::col((node.table, foreign_key)).in_subquery(under),
                stamp(node.marker),
                actor.cloned(),
                Some(&member),
            );
            statements.push((statement, node.table));
        }
        if let Some(self_key) = node.self_foreign_key {
            let below = descendants(node, self_key, in_group(Expr::col((node.table, column))));
            let statement = statement::mark_deleted(
                node.table,
                node.marker,
                below,
                stamp(node.marker),
                actor.cloned(),
                Some(&member),
            );
            statements.push((statement, node.table));
        }
    }
    statements
}

/// `primary_key IN (WITH RECURSIVE ...)`: the rows of the node's table
/// below a row matching `in_group`, through live rows, at any depth.
fn descendants(node: &Node, self_key: &'static str, in_group: Expr) -> Expr {
    const BELOW: &str = "soft_delete_below";
    const ROW: &str = "soft_delete_row";
    let (table, primary_key, marker) = (node.table, node.primary_key, node.marker);
    let mut anchor = Query::select();
    anchor
        .column((table, primary_key))
        .from(table)
        .and_where(in_group);
    let mut step = Query::select();
    step.column((ROW, primary_key))
        .from_as(table, Alias::new(ROW))
        .inner_join(
            BELOW,
            Expr::col((ROW, self_key)).equals((BELOW, primary_key)),
        )
        .and_where(marker.live(Expr::col((ROW, marker.column))));
    anchor.union(UnionType::All, step);
    let cte = CommonTableExpression::new()
        .query(anchor)
        .column(primary_key)
        .table_name(BELOW)
        .to_owned();
    let with = WithClause::new()
        .recursive(true)
        .cte(cte)
        .to_owned()
        .query(Query::select().column(primary_key).from(BELOW).to_owned());
    Expr::col((table, primary_key)).binary(
        BinOper::In,
        Expr::SubQuery(None, Box::new(SubQueryStatement::WithStatement(with))),
    )
}

/// Without `cascade_id` (one level): the parent stamped at `when` unless a
/// child already holds that second, then each child copying the parent's
/// stored marker while the parent is trashed.
fn delete_shared_stamp<T: SoftDelete>(
    id: &Value,
    when: When,
    actor: Option<&Value>,
    backend: Backend,
) -> Vec<Step> {
    let marker = T::MARKER;
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
        // parent then takes the latest earlier whole second no child holds:
        // a marker is never later than its deletion (a purge or a retention
        // then takes the row at most those seconds early, never late).
        let mut stamp = Expr::case(
            any_child::<T>(id, |child, column| {
                statement::comparable(child.marker, column, backend)
                    .gte(statement::comparable_value(child.marker, floor, backend))
            })
            .not(),
            marker.deleted_value(when),
        );
        let earlier = |seconds| marker.time_value(floor - Duration::seconds(seconds));
        for seconds in 1..SPARE_SECONDS {
            let candidate = earlier(seconds);
            let taken = any_child::<T>(id, |_, column| column.eq(candidate.clone()));
            stamp = stamp.case(taken.not(), Expr::Value(candidate));
        }
        stamp.finally(Expr::Value(earlier(SPARE_SECONDS))).into()
    };

    let primary_key_is = Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id.clone());
    let mut statements = vec![(
        statement::mark_deleted(
            T::TABLE,
            marker,
            primary_key_is,
            (stamp, when),
            actor.cloned(),
            None,
        ),
        T::TABLE,
    )];
    for child in T::CHILDREN {
        // Under a trashed parent: whatever clock stamped it, and however late
        // the statement runs, the children join the parent's deletion. (Run
        // through `soft_delete::sqlx`, a cascade whose parent was already
        // trashed is rolled back instead.)
        let under_parent = Expr::col((child.table, child.foreign_key))
            .eq(id.clone())
            .and(marker.trashed(parent_marker::<T>(id)));
        let statement = statement::mark_deleted(
            child.table,
            child.marker,
            under_parent,
            (parent_marker::<T>(id), child.marker.resolve(when)),
            actor.cloned(),
            None,
        );
        statements.push((statement, child.table));
    }
    statements
}

/// `at` without its fraction of a second.
fn whole_second(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(Duration::seconds(1)).unwrap_or(at)
}
