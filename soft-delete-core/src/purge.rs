//! The end of a row's life in a schema with foreign keys: the rows below a
//! set of roots through the declared cascades, and the deletes that remove
//! them deepest first, for a purge batch (only subtrees with no live row,
//! which the database's `ON DELETE CASCADE` could otherwise take) and for an
//! erase (everything below, live or trashed).
//!
//! Every row below is found by one `WITH RECURSIVE` that carries, for each
//! table of the tree, `(pk, root)`: the row and the root it hangs from. The
//! same clause serves every statement of a batch, so each statement sees the
//! rows as the ones before it left them.

use sea_query::{
    Alias, BinOper, CommonTableExpression, Condition, DeleteStatement, Expr, ExprTrait as _,
    LockType, Order, Query, SelectStatement, SubQueryStatement, UnionType, Value, WithClause,
};

use crate::cascade::{plan, Node};
use crate::plan::{PurgeRange, Sql};
use crate::statement;
use crate::{Backend, SoftDelete};

/// The most roots one batch takes on a model with cascades: each statement
/// binds every root's key, and the databases bind at most 32,766 (SQLite)
/// to 65,535 parameters.
pub const MAX_TREE_BATCH: u32 = 10_000;

/// One delete of a batch or an erase, with the table it removes rows from.
#[derive(Debug, Clone)]
pub struct Step {
    /// The `DELETE`.
    pub sql: Sql,
    /// Its table.
    pub table: &'static str,
    /// Run again until it removes nothing: it takes the leaves of a
    /// self-referencing table, so its rows go children first (MariaDB checks
    /// a foreign key row by row, SQLite's `RESTRICT` at once).
    pub until_empty: bool,
}

/// Whether `T` has rows below it that a hard delete must take first.
#[must_use]
pub fn has_tree<T: SoftDelete>() -> bool {
    !T::CHILDREN.is_empty() || T::SELF_FOREIGN_KEY.is_some()
}

fn cte_name(index: usize) -> Alias {
    Alias::new(format!("soft_delete_below_{index}"))
}

const PK: &str = "pk";
const ROOT: &str = "root";
const ROW: &str = "soft_delete_row";
const TAINTED: &str = "soft_delete_tainted";

/// The nodes whose rows a statement on `target` reads: `target` and every
/// node above it (all of them for `None`).
fn needed(nodes: &[Node], target: Option<usize>) -> Vec<bool> {
    let Some(target) = target else {
        return vec![true; nodes.len()];
    };
    let mut needed = vec![false; nodes.len()];
    let mut pending = vec![target];
    while let Some(index) = pending.pop() {
        if std::mem::replace(&mut needed[index], true) {
            continue;
        }
        for &(parent, ..) in &nodes[index].parents {
            if let Some(parent) = nodes.iter().position(|node| node.table == parent) {
                pending.push(parent);
            }
        }
    }
    needed
}

/// `(pk, root)` of each node's rows below `roots`, node by node in the
/// tree's order, and when `tainted`, the roots that have a live row below
/// them. Only the nodes a statement on `target` reads are defined: MariaDB
/// 10.11 fails a prepared statement whose `WITH` defines a table it never
/// reads ("Duplicate column name", or a crash of the server).
fn with_clause(
    nodes: &[Node],
    roots: &[Value],
    tainted: bool,
    target: Option<usize>,
) -> WithClause {
    let needed = needed(nodes, if tainted { None } else { target });
    let mut with = WithClause::new();
    with.recursive(true);
    for (index, node) in nodes.iter().enumerate() {
        if !needed[index] {
            continue;
        }
        let name = cte_name(index);
        let mut anchor: Option<SelectStatement> = None;
        let mut add = |select: SelectStatement| match anchor.as_mut() {
            Some(anchor) => {
                anchor.union(UnionType::Distinct, select);
            }
            None => anchor = Some(select),
        };
        if index == 0 {
            add(Query::select()
                .expr_as(Expr::col((node.table, node.primary_key)), Alias::new(PK))
                .expr_as(Expr::col((node.table, node.primary_key)), Alias::new(ROOT))
                .from(node.table)
                .and_where(Expr::col((node.table, node.primary_key)).is_in(roots.iter().cloned()))
                .to_owned());
        }
        for &(parent, _, foreign_key) in &node.parents {
            let Some(parent_index) = nodes.iter().position(|other| other.table == parent) else {
                continue;
            };
            let below = cte_name(parent_index);
            add(Query::select()
                .expr_as(Expr::col((ROW, node.primary_key)), Alias::new(PK))
                .expr_as(Expr::col((below.clone(), ROOT)), Alias::new(ROOT))
                .from_as(node.table, Alias::new(ROW))
                .inner_join(
                    below.clone(),
                    Expr::col((ROW, foreign_key)).equals((below, PK)),
                )
                .to_owned());
        }
        if let Some(self_key) = node.self_foreign_key {
            add(Query::select()
                .expr_as(Expr::col((ROW, node.primary_key)), Alias::new(PK))
                .expr_as(Expr::col((name.clone(), ROOT)), Alias::new(ROOT))
                .from_as(node.table, Alias::new(ROW))
                .inner_join(
                    name.clone(),
                    Expr::col((ROW, self_key)).equals((name.clone(), PK)),
                )
                .to_owned());
        }
        let Some(anchor) = anchor else { continue };
        with.cte(
            CommonTableExpression::new()
                .query(anchor)
                .columns([Alias::new(PK), Alias::new(ROOT)])
                .table_name(name)
                .to_owned(),
        );
    }
    if tainted {
        let mut live: Option<SelectStatement> = None;
        for (index, node) in nodes.iter().enumerate() {
            let below = cte_name(index);
            let select = Query::select()
                .column((below.clone(), ROOT))
                .from(below.clone())
                .inner_join(
                    node.table,
                    Expr::col((node.table, node.primary_key)).equals((below, PK)),
                )
                .and_where(
                    node.marker
                        .live(Expr::col((node.table, node.marker.column))),
                )
                .to_owned();
            match live.as_mut() {
                Some(live) => {
                    live.union(UnionType::Distinct, select);
                }
                None => live = Some(select),
            }
        }
        if let Some(live) = live {
            with.cte(
                CommonTableExpression::new()
                    .query(live)
                    .column(Alias::new(ROOT))
                    .table_name(Alias::new(TAINTED))
                    .to_owned(),
            );
        }
    }
    with
}

/// `column IN (WITH ... select)`: MariaDB, PostgreSQL and SQLite accept a
/// `WITH` subquery over the table being deleted from.
fn in_rows(column: Expr, with: &WithClause, select: SelectStatement, negated: bool) -> Expr {
    let query = with.clone().query(select);
    let operator = if negated { BinOper::NotIn } else { BinOper::In };
    column.binary(
        operator,
        Expr::SubQuery(None, Box::new(SubQueryStatement::WithStatement(query))),
    )
}

/// The deletes of the rows below `roots` (the roots themselves last, unless
/// `keep_roots`), deepest table first, leaves first within a
/// self-referencing table. With `only_trashed`, only the subtrees of roots
/// with no live row below are touched, and only trashed rows in them.
fn deletes<T: SoftDelete>(roots: &[Value], only_trashed: bool, backend: Backend) -> Vec<Step> {
    delete_statements::<T>(roots, only_trashed)
        .into_iter()
        .map(|(delete, table, until_empty)| Step {
            sql: Sql::render(&delete, backend),
            table,
            until_empty,
        })
        .collect()
}

/// [`deletes`] as statements, with each one's table and whether it runs
/// until it removes nothing.
fn delete_statements<T: SoftDelete>(
    roots: &[Value],
    only_trashed: bool,
) -> Vec<(DeleteStatement, &'static str, bool)> {
    let nodes = plan::<T>();
    let mut steps = Vec::new();
    for (index, node) in nodes.iter().enumerate().rev() {
        let with = with_clause(&nodes, roots, only_trashed, Some(index));
        let below = cte_name(index);
        let mut rows = Query::select();
        rows.column((below.clone(), PK)).from(below.clone());
        if index == 0 {
            // The roots' own rows of their table below them; the roots last.
            rows.and_where(Expr::col((below.clone(), PK)).ne(Expr::col((below.clone(), ROOT))));
        }
        if only_trashed {
            rows.and_where(
                Expr::col((below, ROOT))
                    .not_in_subquery(Query::select().column(ROOT).from(TAINTED).to_owned()),
            );
        }
        let mut delete = Query::delete();
        delete.from_table(node.table).and_where(in_rows(
            Expr::col((node.table, node.primary_key)),
            &with,
            rows,
            false,
        ));
        if only_trashed {
            delete.and_where(
                node.marker
                    .trashed(Expr::col((node.table, node.marker.column))),
            );
        }
        let until_empty = node.self_foreign_key.is_some();
        if let Some(self_key) = node.self_foreign_key {
            let child = Alias::new("soft_delete_child");
            delete.and_where(Expr::not_exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from_as(node.table, child.clone())
                    .and_where(Expr::col((child, self_key)).equals((node.table, node.primary_key)))
                    .to_owned(),
            ));
        }
        if index == 0 && !until_empty {
            // A root without rows of its own table below: nothing to do here.
            continue;
        }
        steps.push((delete, node.table, until_empty));
    }
    let mut delete = Query::delete();
    delete
        .from_table(T::TABLE)
        .and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).is_in(roots.iter().cloned()));
    if only_trashed {
        let with = with_clause(&nodes, roots, true, None);
        let tainted = Query::select().column(ROOT).from(TAINTED).to_owned();
        delete
            .and_where(T::MARKER.trashed(Expr::col((T::TABLE, T::MARKER.column))))
            .and_where(in_rows(
                Expr::col((T::TABLE, T::PRIMARY_KEY)),
                &with,
                tainted,
                true,
            ));
    }
    steps.push((delete, T::TABLE, false));
    steps
}

/// The condition for a row of `T` to be due in this purge: trashed before
/// the cutoff, matching the purge's filter, and not a member of a cascade
/// from above (with `cascade_id`: it goes with its root, so that root's
/// cascade restore stays exact).
fn due<T: SoftDelete>(range: &PurgeRange, backend: Backend) -> Condition {
    let [trashed, before] = statement::trashed_before::<T>(range.cutoff, backend);
    let mut due = Condition::all().add(trashed).add(before);
    if let Some(column) = T::MARKER.cascade_id {
        let column = Expr::col((T::TABLE, column));
        due = due.add(
            Condition::any()
                .add(column.clone().is_null())
                .add(column.gte(0)),
        );
    }
    if let Some(filter) = &range.filter {
        due = due.add(filter.clone());
    }
    due
}

/// The next batch's roots: the oldest due rows of `T` after the `skip` kept
/// ones before them, locked (`FOR UPDATE`) where the database has row locks.
#[must_use]
pub fn candidates<T: SoftDelete>(range: &PurgeRange, skip: u64, backend: Backend) -> Sql {
    let mut select = T::with_trashed();
    select
        .cond_where(due::<T>(range, backend))
        .order_by((T::TABLE, T::MARKER.column), Order::Asc)
        .order_by((T::TABLE, T::PRIMARY_KEY), Order::Asc)
        .limit(u64::from(tree_batch(range)))
        .offset(skip);
    if backend != Backend::Sqlite {
        select.lock(LockType::Update);
    }
    Sql::render(&select, backend)
}

/// How many roots a batch takes: the configured size, at most
/// [`MAX_TREE_BATCH`].
#[must_use]
pub fn tree_batch(range: &PurgeRange) -> u32 {
    Ord::min(range.batch_size.get(), MAX_TREE_BATCH)
}

/// How many of `roots` have a live row below them (a purge keeps those).
#[must_use]
pub fn kept<T: SoftDelete>(roots: &[Value], backend: Backend) -> Sql {
    let nodes = plan::<T>();
    let with = with_clause(&nodes, roots, true, None);
    let count = Query::select()
        .expr(Expr::col(ROOT).count_distinct())
        .from(TAINTED)
        .to_owned();
    let query = with.query(count);
    let (text, values) = backend.build(&query);
    Sql {
        text: text.into(),
        values,
    }
}

/// A purge batch's deletes for `roots`: each subtree with no live row,
/// deepest first, the roots last.
#[must_use]
pub fn batch<T: SoftDelete>(roots: &[Value], backend: Backend) -> Vec<Step> {
    deletes::<T>(roots, true, backend)
}

/// The single `DELETE` of a purge batch for a model with nothing below it.
#[must_use]
pub fn flat_batch<T: SoftDelete>(range: &PurgeRange, backend: Backend) -> Sql {
    let delete = statement::delete_oldest::<T>(due::<T>(range, backend), range.batch_size);
    Sql::render(&delete, backend)
}

/// The deletes of an erase of the row `id`: every row below it through the
/// declared cascades, live or trashed, deepest first, then the row.
#[must_use]
pub fn erase<T: SoftDelete>(id: Value, backend: Backend) -> Vec<Step> {
    deletes::<T>(&[id], false, backend)
}

/// The statements of an erase of the row `id`, as `T::erase_by_id` gives
/// them.
pub(crate) fn erase_statements<T: SoftDelete>(id: Value) -> Vec<DeleteStatement> {
    delete_statements::<T>(&[id], false)
        .into_iter()
        .map(|(delete, ..)| delete)
        .collect()
}
