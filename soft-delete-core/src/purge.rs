//! The end of a row's life in a schema with foreign keys: the rows below a
//! set of roots through the declared cascades, and the deletes that remove
//! them deepest first, for a purge batch (only subtrees with no live row,
//! which the database's `ON DELETE CASCADE` could otherwise take) and for an
//! erase (everything below, live or trashed).
//!
//! A purge batch first picks, of its candidate roots, the free ones (no live
//! row below), then deletes below those only, each delete guarded so that it
//! never takes a row with a row still below it (a live one, or one written
//! since the pick). In a tree where no table references itself, the rows
//! below are reached by nested `IN` / `EXISTS` subqueries, the shape one
//! writes by hand; with a self-referencing table, by one `WITH RECURSIVE`
//! that carries, for each table of the tree, `(pk, root)`: the row and the
//! root it hangs from.

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

/// The roots a set of deletes removes the subtrees of.
enum Roots<'a> {
    /// These keys.
    Keys(&'a [Value]),
    /// The keys this select gives, evaluated by each statement (only where
    /// every statement of the batch sees the same rows: SQLite's one
    /// writer).
    Select(Box<SelectStatement>),
}

impl Roots<'_> {
    /// `column IN (the roots)`.
    fn contain(&self, column: Expr) -> Expr {
        match self {
            Roots::Keys(keys) => column.is_in(keys.iter().cloned()),
            Roots::Select(select) => column.in_subquery((**select).clone()),
        }
    }
}

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
    roots: &Roots<'_>,
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
                .and_where(roots.contain(Expr::col((node.table, node.primary_key))))
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

/// What a set of deletes takes below its roots.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Take {
    /// Every row, live or trashed: an erase.
    All,
    /// Only trashed rows (a purge batch, whose roots are free), and none
    /// with a row of a declared child still below it: a child another
    /// writer revived since the roots were picked keeps its parent.
    Trashed,
    /// Only trashed rows, unchecked: where no other writer can revive one
    /// since the roots were picked (SQLite's one writer), or where the
    /// database refuses to delete a row a revived one still references
    /// (foreign keys that restrict: the batch then runs again checked).
    TrashedUnchecked,
}

/// The deletes of the rows below `roots`, deepest table first, leaves
/// first within a self-referencing table, the roots last ([`Take`]).
fn deletes<T: SoftDelete>(roots: &Roots<'_>, take: Take, backend: Backend) -> Vec<Step> {
    delete_statements::<T>(roots, take)
        .into_iter()
        .map(|(delete, table, until_empty)| Step {
            sql: Sql::render(&delete, backend),
            table,
            until_empty,
        })
        .collect()
}

/// Whether no table of the tree references itself: its rows below a root
/// are then a fixed number of joins away.
fn shallow(nodes: &[Node]) -> bool {
    nodes.iter().all(|node| node.self_foreign_key.is_none())
}

/// The declared children of `nodes[index]`: `(child index, its foreign
/// key)`.
fn children(nodes: &[Node], index: usize) -> impl Iterator<Item = (usize, &'static str)> + '_ {
    let table = nodes[index].table;
    nodes.iter().enumerate().flat_map(move |(child, node)| {
        node.parents
            .iter()
            .filter(move |(parent, ..)| *parent == table)
            .map(move |&(.., foreign_key)| (child, foreign_key))
    })
}

/// In a [`shallow`] tree: the condition on `nodes[index]`'s table that its
/// row lies below one of `roots`.
fn below_roots(nodes: &[Node], index: usize, roots: &Roots<'_>) -> Condition {
    let node = &nodes[index];
    if index == 0 {
        return Condition::all().add(roots.contain(Expr::col((node.table, node.primary_key))));
    }
    let mut any = Condition::any();
    for &(parent, parent_key, foreign_key) in &node.parents {
        let Some(parent_index) = nodes.iter().position(|other| other.table == parent) else {
            continue;
        };
        let column = Expr::col((node.table, foreign_key));
        any = any.add(if parent_index == 0 {
            roots.contain(column)
        } else {
            column.in_subquery(
                Query::select()
                    .column((parent, parent_key))
                    .from(parent)
                    .cond_where(below_roots(nodes, parent_index, roots))
                    .to_owned(),
            )
        });
    }
    any
}

/// `SELECT 1 FROM table [AS alias] WHERE table.foreign_key =
/// parent.parent_key`: the rows of `table` that reference the row of
/// `parent` the enclosing statement names (`alias` when `table` is
/// `parent`).
fn referencing(
    table: &'static str,
    alias: Option<&'static str>,
    foreign_key: &'static str,
    parent: &'static str,
    parent_key: &'static str,
) -> SelectStatement {
    let mut select = Query::select();
    select.expr(Expr::val(1));
    let name = alias.unwrap_or(table);
    if let Some(alias) = alias {
        select.from_as(table, Alias::new(alias));
    } else {
        select.from(table);
    }
    select.and_where(Expr::col((Alias::new(name), foreign_key)).equals((parent, parent_key)));
    select
}

/// `NOT EXISTS` a row of `table` below its own row `pk` through
/// `self_key`: a self-referencing table's row is a leaf.
fn leaf(table: &'static str, primary_key: &'static str, self_key: &'static str) -> Expr {
    Expr::not_exists(referencing(
        table,
        Some("soft_delete_child"),
        self_key,
        table,
        primary_key,
    ))
}

/// In a [`shallow`] tree: whether a live row lies below the row of
/// `nodes[index]` its table names in the enclosing statement (correlated
/// `EXISTS`, one per declared child, nested down the tree).
fn live_below(nodes: &[Node], index: usize) -> Condition {
    let node = &nodes[index];
    let mut any = Condition::any();
    for (child, foreign_key) in children(nodes, index) {
        let child_node = &nodes[child];
        let mut live = Condition::any().add(
            child_node
                .marker
                .live(Expr::col((child_node.table, child_node.marker.column))),
        );
        if children(nodes, child).next().is_some() {
            live = live.add(live_below(nodes, child));
        }
        let mut select = referencing(
            child_node.table,
            None,
            foreign_key,
            node.table,
            node.primary_key,
        );
        select.cond_where(live);
        any = any.add(Expr::exists(select));
    }
    any
}

/// No row of a declared child of `nodes[index]` (the table the statement
/// deletes from) references the row: a purge's children went first, so one
/// left is live or new, and its parent stays.
fn nothing_below(nodes: &[Node], index: usize) -> Condition {
    let node = &nodes[index];
    let mut all = Condition::all();
    for (child, foreign_key) in children(nodes, index) {
        all = all.add(Expr::not_exists(referencing(
            nodes[child].table,
            None,
            foreign_key,
            node.table,
            node.primary_key,
        )));
    }
    all
}

/// [`deletes`] as statements, with each one's table and whether it runs
/// until it removes nothing.
fn delete_statements<T: SoftDelete>(
    roots: &Roots<'_>,
    take: Take,
) -> Vec<(DeleteStatement, &'static str, bool)> {
    let nodes = plan::<T>();
    let shallow = shallow(&nodes);
    let mut steps = Vec::new();
    for (index, node) in nodes.iter().enumerate().rev() {
        if index == 0 && node.self_foreign_key.is_none() {
            // A root without rows of its own table below: the roots' own
            // delete comes last.
            continue;
        }
        let mut delete = Query::delete();
        delete.from_table(node.table);
        if shallow {
            delete.cond_where(below_roots(&nodes, index, roots));
        } else {
            let with = with_clause(&nodes, roots, false, Some(index));
            let below = cte_name(index);
            let mut rows = Query::select();
            rows.column((below.clone(), PK)).from(below.clone());
            if index == 0 {
                // The roots' own rows of their table below them.
                rows.and_where(Expr::col((below.clone(), PK)).ne(Expr::col((below, ROOT))));
            }
            delete.and_where(in_rows(
                Expr::col((node.table, node.primary_key)),
                &with,
                rows,
                false,
            ));
        }
        if take != Take::All {
            delete.and_where(
                node.marker
                    .trashed(Expr::col((node.table, node.marker.column))),
            );
        }
        if take == Take::Trashed {
            delete.cond_where(nothing_below(&nodes, index));
        }
        let until_empty = node.self_foreign_key.is_some();
        if let Some(self_key) = node.self_foreign_key {
            delete.and_where(leaf(node.table, node.primary_key, self_key));
        }
        steps.push((delete, node.table, until_empty));
    }
    let mut delete = Query::delete();
    delete
        .from_table(T::TABLE)
        .and_where(roots.contain(Expr::col((T::TABLE, T::PRIMARY_KEY))));
    if take == Take::Trashed {
        delete.cond_where(nothing_below(&nodes, 0));
    }
    if take != Take::All {
        delete.and_where(T::MARKER.trashed(Expr::col((T::TABLE, T::MARKER.column))));
        if let Some(self_key) = T::SELF_FOREIGN_KEY {
            delete.and_where(leaf(T::TABLE, T::PRIMARY_KEY, self_key));
        }
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

/// Whether a purge batch picks its roots free of live rows below in its
/// first select (a tree with no self-referencing table): it then passes
/// over the kept rows without taking them, and the run counts them once
/// ([`kept`]). Otherwise a batch takes the oldest due rows and picks the
/// free ones among them ([`free`]).
#[must_use]
pub fn picks_free<T: SoftDelete>() -> bool {
    shallow(&plan::<T>())
}

/// The next batch's roots, locked (`FOR UPDATE`) where the database has
/// row locks: the oldest due rows of `T` with no live row below them when
/// [`picks_free`], else the oldest due rows after the `skip` kept ones.
#[must_use]
pub fn candidates<T: SoftDelete>(range: &PurgeRange, skip: u64, backend: Backend) -> Sql {
    let nodes = plan::<T>();
    let mut select = T::with_trashed();
    oldest_due::<T>(&mut select, &nodes, range, backend);
    if !shallow(&nodes) {
        select.offset(skip);
    }
    if backend != Backend::Sqlite {
        select.lock(LockType::Update);
    }
    Sql::render(&select, backend)
}

/// Narrows `select` to the batch's roots: the oldest due rows, free of
/// live rows below in a [`shallow`] tree.
fn oldest_due<T: SoftDelete>(
    select: &mut SelectStatement,
    nodes: &[Node],
    range: &PurgeRange,
    backend: Backend,
) {
    select
        .cond_where(due::<T>(range, backend))
        .order_by((T::TABLE, T::MARKER.column), Order::Asc)
        .order_by((T::TABLE, T::PRIMARY_KEY), Order::Asc)
        .limit(u64::from(tree_batch(range)));
    if shallow(nodes) {
        select.cond_where(live_below(nodes, 0).not());
    }
}

/// Whether a batch on `backend` is its deletes alone
/// ([`selecting_batch`]): on SQLite, whose `BEGIN IMMEDIATE` keeps every
/// other writer out of the batch, when [`picks_free`].
#[must_use]
pub fn selects_in_deletes<T: SoftDelete>(backend: Backend) -> bool {
    backend == Backend::Sqlite && picks_free::<T>()
}

/// When [`selects_in_deletes`]: a purge batch as its deletes alone, each
/// selecting the batch's roots itself (the candidates' select as a
/// subquery), so that no key goes to the client and back. Every statement
/// finds the same roots: no other writer runs in between, and deleting
/// rows below a free root leaves it free. The roots' delete comes last;
/// the rows it removes are the rows the batch took.
#[must_use]
pub fn selecting_batch<T: SoftDelete>(range: &PurgeRange, backend: Backend) -> Vec<Step> {
    let nodes = plan::<T>();
    let mut select = Query::select();
    select.column((T::TABLE, T::PRIMARY_KEY)).from(T::TABLE);
    oldest_due::<T>(&mut select, &nodes, range, backend);
    deletes::<T>(
        &Roots::Select(Box::new(select)),
        Take::TrashedUnchecked,
        backend,
    )
}

/// When [`picks_free`]: how many due rows have a live row below them, which
/// the run passed over (and kept).
#[must_use]
pub fn kept<T: SoftDelete>(range: &PurgeRange, backend: Backend) -> Sql {
    let nodes = plan::<T>();
    let count = Query::select()
        .expr(Expr::col((T::TABLE, T::PRIMARY_KEY)).count())
        .from(T::TABLE)
        .cond_where(due::<T>(range, backend))
        .cond_where(live_below(&nodes, 0))
        .to_owned();
    Sql::render(&count, backend)
}

/// How many roots a batch takes: the configured size, at most
/// [`MAX_TREE_BATCH`].
#[must_use]
pub fn tree_batch(range: &PurgeRange) -> u32 {
    Ord::min(range.batch_size.get(), MAX_TREE_BATCH)
}

/// The rows of `roots` with no live row below them, which a purge batch
/// removes (it keeps the others).
#[must_use]
pub fn free<T: SoftDelete>(roots: &[Value], backend: Backend) -> Sql {
    let nodes = plan::<T>();
    let mut select = T::with_trashed();
    select.and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).is_in(roots.iter().cloned()));
    if shallow(&nodes) {
        select.cond_where(live_below(&nodes, 0).not());
    } else {
        let with = with_clause(&nodes, &Roots::Keys(roots), true, None);
        let tainted = Query::select().column(ROOT).from(TAINTED).to_owned();
        select.and_where(in_rows(
            Expr::col((T::TABLE, T::PRIMARY_KEY)),
            &with,
            tainted,
            true,
        ));
    }
    Sql::render(&select, backend)
}

/// A purge batch's deletes for its free roots (from [`candidates`], or
/// [`free`]): their subtrees' trashed rows, deepest first, the roots last.
#[must_use]
pub fn batch<T: SoftDelete>(roots: &[Value], backend: Backend) -> Vec<Step> {
    // A reviving writer may run between the select and the deletes (on
    // MySQL/MariaDB, share-locking the subtrees in the select instead cost
    // as much as the check, and blocked that writer).
    deletes::<T>(&Roots::Keys(roots), Take::Trashed, backend)
}

/// [`batch`] without its check that nothing is left below a row it
/// deletes, for a tree whose every declared cascade is a foreign key that
/// restricts ([`restricting_keys`]): a child revived since the pick then
/// makes the delete of its parent fail, and the batch runs again checked.
#[must_use]
pub fn unchecked_batch<T: SoftDelete>(roots: &[Value], backend: Backend) -> Vec<Step> {
    deletes::<T>(&Roots::Keys(roots), Take::TrashedUnchecked, backend)
}

/// For each declared cascade of `T`'s tree (a self-referencing one too),
/// a count of the foreign keys on the child's key column that reference
/// the parent table and make the database refuse, at once, to delete a
/// parent row still referenced (`RESTRICT` or `NO ACTION`, not deferrable;
/// on MySQL/MariaDB with `foreign_key_checks` on): a purge may leave its
/// check out when every count is non-zero. Empty on SQLite, whose batches
/// need no check, and for a model without cascades.
#[must_use]
pub fn restricting_keys<T: SoftDelete>(backend: Backend) -> Vec<Sql> {
    if backend == Backend::Sqlite {
        return Vec::new();
    }
    let nodes = plan::<T>();
    let mut relations = Vec::new();
    for node in &nodes {
        for &(parent, _, foreign_key) in &node.parents {
            relations.push((node.table, foreign_key, parent));
        }
        if let Some(self_key) = node.self_foreign_key {
            relations.push((node.table, self_key, node.table));
        }
    }
    relations
        .into_iter()
        .map(|(child, foreign_key, parent)| restricting_key(child, foreign_key, parent, backend))
        .collect()
}

/// A count of the foreign keys of `child.foreign_key` onto `parent` that
/// restrict a delete of the parent at once.
fn restricting_key(
    child: &'static str,
    foreign_key: &'static str,
    parent: &'static str,
    backend: Backend,
) -> Sql {
    use sea_query::IntoTableRef as _;
    let mut count = Query::select();
    match backend {
        Backend::Postgres => {
            // The tables as the session's `search_path` finds them, as the
            // purge's own statements do.
            let (c, a) = (Alias::new("c"), Alias::new("a"));
            count
                .expr(Expr::col((c.clone(), Alias::new("oid"))).count())
                .from_as(("pg_catalog", "pg_constraint"), c.clone())
                .inner_join(
                    ("pg_catalog", "pg_attribute")
                        .into_table_ref()
                        .alias(a.clone()),
                    Condition::all()
                        .add(
                            Expr::col((a.clone(), Alias::new("attrelid")))
                                .equals((c.clone(), Alias::new("conrelid"))),
                        )
                        .add(Expr::cust("a.attnum = c.conkey[1]")),
                )
                .and_where(Expr::cust("c.contype = 'f'"))
                .and_where(Expr::cust("c.confdeltype IN ('a', 'r')"))
                .and_where(Expr::cust("NOT c.condeferrable"))
                .and_where(Expr::cust("cardinality(c.conkey) = 1"))
                .and_where(Expr::cust_with_values(
                    "c.conrelid = to_regclass(quote_ident($1))",
                    [child],
                ))
                .and_where(Expr::cust_with_values(
                    "c.confrelid = to_regclass(quote_ident($1))",
                    [parent],
                ))
                .and_where(Expr::col((a, Alias::new("attname"))).eq(foreign_key));
        }
        Backend::MySql | Backend::Sqlite => {
            let (r, k) = (Alias::new("r"), Alias::new("k"));
            let col = |table: &Alias, column: &'static str| {
                Expr::col((table.clone(), Alias::new(column)))
            };
            count
                .expr(col(&r, "constraint_name").count())
                .from_as(("information_schema", "referential_constraints"), r.clone())
                .inner_join(
                    ("information_schema", "key_column_usage")
                        .into_table_ref()
                        .alias(k.clone()),
                    Condition::all()
                        .add(
                            col(&k, "constraint_schema")
                                .equals((r.clone(), Alias::new("constraint_schema"))),
                        )
                        .add(
                            col(&k, "constraint_name")
                                .equals((r.clone(), Alias::new("constraint_name"))),
                        )
                        .add(col(&k, "table_name").equals((r.clone(), Alias::new("table_name")))),
                )
                .and_where(col(&r, "constraint_schema").eq(Expr::cust("DATABASE()")))
                .and_where(col(&r, "table_name").eq(child))
                .and_where(col(&r, "referenced_table_name").eq(parent))
                .and_where(col(&r, "delete_rule").is_in(["RESTRICT", "NO ACTION"]))
                .and_where(col(&k, "column_name").eq(foreign_key))
                .and_where(Expr::cust("@@foreign_key_checks = 1"));
        }
    }
    Sql::render(&count, backend)
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
    deletes::<T>(&Roots::Keys(&[id]), Take::All, backend)
}

/// The statements of an erase of the row `id`, as `T::erase_by_id` gives
/// them.
pub(crate) fn erase_statements<T: SoftDelete>(id: Value) -> Vec<DeleteStatement> {
    delete_statements::<T>(&Roots::Keys(&[id]), Take::All)
        .into_iter()
        .map(|(delete, ..)| delete)
        .collect()
}
