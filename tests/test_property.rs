//! Model-based property test: random sequences of inserts, soft deletes,
//! restores, force deletes, scoped updates, bulk deletes and restores by
//! condition and purges, applied to each backend and to an in-memory model.
//! Every sequence runs on four tables, one per marker form
//! (`Option<DateTime<Utc>>`, `Option<NaiveDateTime>`, `bool`, and an active
//! `bool`, `TRUE` while live). After every
//! step the rows affected and the three views (`query`, `with_trashed`,
//! `only_trashed`) must equal the model's.
//!
//! Cases: `PROPTEST_CASES` (proptest's default config). A failure prints the
//! shrunken operation sequence and the `cc` seed proptest persists, which
//! later runs replay first.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use common::TestBackend as _;
use common::{Backend, Db, FromRow, Row, SqlType};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestError, TestRunner};
use sea_query::{Cond, DeleteStatement, Expr, ExprTrait, Query, UpdateStatement, Value};
use soft_delete::SoftDelete;

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "items_tz")]
struct TzItem {
    id: i64,
    grp: i64,
    val: i64,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "items_naive")]
struct NaiveItem {
    id: i64,
    grp: i64,
    val: i64,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "items_bool", style = "bool")]
struct BoolItem {
    id: i64,
    grp: i64,
    val: i64,
    is_deleted: bool,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "items_active", style = "active")]
struct ActiveItem {
    id: i64,
    grp: i64,
    val: i64,
    is_active: bool,
}

/// A row as the comparison sees it: the marker as the database stores it.
#[derive(Debug)]
struct Fetched {
    id: i64,
    grp: i64,
    val: i64,
    marker: Stored,
}

#[derive(Debug)]
enum Stored {
    Time(Option<DateTime<Utc>>),
    /// A bool marker: `TRUE` once trashed.
    Flag(bool),
    /// An active flag: `TRUE` while live.
    Active(bool),
}

/// What the property needs of a model beyond the derive: its marker's DDL,
/// how to read it, and the style-specific statements.
trait Styled: SoftDelete<Id = i64> {
    /// SQL type of the marker column.
    const MARKER_TYPE: SqlType;
    /// Reads a row of this table.
    fn fetch(row: &Row<'_>) -> Fetched;
    /// The marker of a row trashed at `time(k)` (`None`: live).
    fn initial_marker(at: Option<u8>) -> Expr;
    /// Soft delete at `time(k)`: `delete_by_id_at`, or `delete_by_id` for
    /// `bool`, which records no time.
    fn delete_at(id: i64, k: u8) -> UpdateStatement;
    /// `purge_trashed_before`, which a `bool` model does not have.
    fn purge(cutoff: DateTime<Utc>, backend: soft_delete::Backend) -> Option<DeleteStatement>;
}

impl Styled for TzItem {
    const MARKER_TYPE: SqlType = SqlType::TimestampTz;
    fn fetch(row: &Row<'_>) -> Fetched {
        Fetched {
            id: row.get("id"),
            grp: row.get("grp"),
            val: row.get("val"),
            marker: Stored::Time(row.get("deleted_at")),
        }
    }
    fn initial_marker(at: Option<u8>) -> Expr {
        Value::ChronoDateTimeUtc(at.map(time)).into()
    }
    fn delete_at(id: i64, k: u8) -> UpdateStatement {
        Self::delete_by_id_at(id, time(k))
    }
    fn purge(cutoff: DateTime<Utc>, backend: soft_delete::Backend) -> Option<DeleteStatement> {
        Some(Self::purge_trashed_before(cutoff, backend))
    }
}

impl Styled for NaiveItem {
    const MARKER_TYPE: SqlType = SqlType::Timestamp;
    fn fetch(row: &Row<'_>) -> Fetched {
        let marker: Option<NaiveDateTime> = row.get("deleted_at");
        Fetched {
            id: row.get("id"),
            grp: row.get("grp"),
            val: row.get("val"),
            // The naive marker holds UTC.
            marker: Stored::Time(marker.map(|naive| naive.and_utc())),
        }
    }
    fn initial_marker(at: Option<u8>) -> Expr {
        Value::ChronoDateTime(at.map(|k| time(k).naive_utc())).into()
    }
    fn delete_at(id: i64, k: u8) -> UpdateStatement {
        Self::delete_by_id_at(id, time(k))
    }
    fn purge(cutoff: DateTime<Utc>, backend: soft_delete::Backend) -> Option<DeleteStatement> {
        Some(Self::purge_trashed_before(cutoff, backend))
    }
}

impl Styled for BoolItem {
    const MARKER_TYPE: SqlType = SqlType::Bool;
    fn fetch(row: &Row<'_>) -> Fetched {
        Fetched {
            id: row.get("id"),
            grp: row.get("grp"),
            val: row.get("val"),
            marker: Stored::Flag(row.get("is_deleted")),
        }
    }
    fn initial_marker(at: Option<u8>) -> Expr {
        Expr::val(at.is_some())
    }
    fn delete_at(id: i64, _: u8) -> UpdateStatement {
        Self::delete_by_id(id)
    }
    fn purge(_: DateTime<Utc>, _: soft_delete::Backend) -> Option<DeleteStatement> {
        None
    }
}

impl Styled for ActiveItem {
    const MARKER_TYPE: SqlType = SqlType::ActiveFlag;
    fn fetch(row: &Row<'_>) -> Fetched {
        Fetched {
            id: row.get("id"),
            grp: row.get("grp"),
            val: row.get("val"),
            marker: Stored::Active(row.get("is_active")),
        }
    }
    fn initial_marker(at: Option<u8>) -> Expr {
        Expr::val(at.is_none())
    }
    fn delete_at(id: i64, _: u8) -> UpdateStatement {
        Self::delete_by_id(id)
    }
    fn purge(_: DateTime<Utc>, _: soft_delete::Backend) -> Option<DeleteStatement> {
        None
    }
}

/// A row of `T`'s table, for [`Db::fetch`].
struct Of<T>(Fetched, std::marker::PhantomData<T>);

impl<T: Styled> FromRow for Of<T> {
    fn from_row(row: &Row<'_>) -> Self {
        Of(T::fetch(row), std::marker::PhantomData)
    }
}

/// Fixed deletion times the operations pick from: `time(0) < time(1) < ...`,
/// all long before the test runs.
const TIMES: u8 = 12;

fn time(k: u8) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 6, 15, 12, 0, 0).unwrap()
        + Duration::hours(i64::from(k))
        + Duration::microseconds(250_000 + 7 * i64::from(k))
}

/// A row's marker as the model sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    Live,
    /// Trashed at `time(k)`.
    At(u8),
    /// Trashed by a statement that used "now" (later than every `time(k)`).
    Now,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ModelRow {
    id: i64,
    grp: i64,
    val: i64,
    mark: Mark,
}

#[derive(Debug, Clone)]
enum Op {
    /// Insert a live row with the next id.
    Insert { grp: i64, val: i64 },
    /// `delete_by_id_at(id, time(k))`, or `delete_by_id(id)` for `None`.
    Delete { id: i64, at: Option<u8> },
    /// `restore_by_id(id)`.
    Restore { id: i64 },
    /// `force_delete_by_id(id)`.
    ForceDelete { id: i64 },
    /// `update().value(val).and_where(grp = grp)`.
    Update { grp: i64, val: i64 },
    /// `delete_where(grp = grp OR val = val)`.
    DeleteWhere { grp: i64, val: i64 },
    /// `restore_where(grp = grp OR val = val)`.
    RestoreWhere { grp: i64, val: i64 },
    /// `force_delete_where(grp = grp OR val = val)`.
    ForceDeleteWhere { grp: i64, val: i64 },
    /// `purge_trashed_before(time(k))`, or a day from now for `None`.
    Purge { before: Option<u8> },
}

/// Rows inserted before the operations: `(grp, val, marker)`, ids from 1.
type Initial = Vec<(i64, i64, Option<u8>)>;

const MAX_ID: i64 = 45;

fn op() -> impl Strategy<Value = Op> {
    let id = 1..=MAX_ID;
    let grp = 0..4_i64;
    let val = 0..6_i64;
    let at = proptest::option::weighted(0.75, 0..TIMES);
    prop_oneof![
        2 => (grp.clone(), val.clone()).prop_map(|(grp, val)| Op::Insert { grp, val }),
        4 => (id.clone(), at.clone()).prop_map(|(id, at)| Op::Delete { id, at }),
        3 => id.clone().prop_map(|id| Op::Restore { id }),
        1 => id.prop_map(|id| Op::ForceDelete { id }),
        2 => (grp.clone(), val.clone()).prop_map(|(grp, val)| Op::Update { grp, val }),
        1 => (grp.clone(), val.clone()).prop_map(|(grp, val)| Op::DeleteWhere { grp, val }),
        1 => (grp.clone(), val.clone()).prop_map(|(grp, val)| Op::RestoreWhere { grp, val }),
        1 => (grp, val).prop_map(|(grp, val)| Op::ForceDeleteWhere { grp, val }),
        1 => proptest::option::weighted(0.8, 0..=TIMES).prop_map(|before| Op::Purge { before }),
    ]
}

fn case() -> impl Strategy<Value = (Initial, Vec<Op>)> {
    let row = (
        0..4_i64,
        0..6_i64,
        proptest::option::weighted(0.3, 0..TIMES),
    );
    (
        proptest::collection::vec(row, 0..30),
        proptest::collection::vec(op(), 1..30),
    )
}

/// The in-memory model of one table: what each statement should do.
#[derive(Debug)]
struct Model {
    rows: BTreeMap<i64, ModelRow>,
    next_id: i64,
    /// `false` for a `bool` marker: every trashed row is [`Mark::Now`] (no
    /// time), and there is no purge.
    records_time: bool,
}

impl Model {
    fn new(initial: &Initial, records_time: bool) -> Model {
        let mut model = Model {
            rows: BTreeMap::new(),
            next_id: 1,
            records_time,
        };
        for &(grp, val, at) in initial {
            let id = model.next_id;
            model.next_id += 1;
            let mark = model.trashed(at);
            model.rows.insert(id, ModelRow { id, grp, val, mark });
        }
        model
    }

    /// The mark of a row trashed at `time(k)`, or live for `None`.
    fn trashed(&self, at: Option<u8>) -> Mark {
        match at {
            None => Mark::Live,
            Some(_) if !self.records_time => Mark::Now,
            Some(k) => Mark::At(k),
        }
    }

    fn matches(row: &ModelRow, grp: i64, val: i64) -> bool {
        row.grp == grp || row.val == val
    }

    /// Applies `op`, returning the rows it affects, or `None` if the table's
    /// style has no such statement (purge of a `bool` table).
    fn apply(&mut self, op: &Op) -> Option<u64> {
        let records_time = self.records_time;
        let mut affected = 0;
        let mut count = |hit: bool| {
            if hit {
                affected += 1;
            }
            hit
        };
        match *op {
            Op::Insert { grp, val } => {
                let id = self.next_id;
                self.next_id += 1;
                let mark = Mark::Live;
                self.rows.insert(id, ModelRow { id, grp, val, mark });
                count(true);
            }
            Op::Delete { id, at } => {
                let mark = match at {
                    Some(k) if records_time => Mark::At(k),
                    _ => Mark::Now,
                };
                if let Some(row) = self.rows.get_mut(&id) {
                    if count(row.mark == Mark::Live) {
                        row.mark = mark;
                    }
                }
            }
            Op::Restore { id } => {
                if let Some(row) = self.rows.get_mut(&id) {
                    if count(row.mark != Mark::Live) {
                        row.mark = Mark::Live;
                    }
                }
            }
            Op::ForceDelete { id } => {
                count(self.rows.remove(&id).is_some());
            }
            Op::Update { grp, val } => {
                for row in self.rows.values_mut() {
                    if count(row.mark == Mark::Live && row.grp == grp) {
                        row.val = val;
                    }
                }
            }
            Op::DeleteWhere { grp, val } => {
                for row in self.rows.values_mut() {
                    if count(row.mark == Mark::Live && Self::matches(row, grp, val)) {
                        row.mark = Mark::Now;
                    }
                }
            }
            Op::RestoreWhere { grp, val } => {
                for row in self.rows.values_mut() {
                    if count(row.mark != Mark::Live && Self::matches(row, grp, val)) {
                        row.mark = Mark::Live;
                    }
                }
            }
            Op::ForceDeleteWhere { grp, val } => {
                self.rows
                    .retain(|_, row| !count(Self::matches(row, grp, val)));
            }
            Op::Purge { .. } if !records_time => return None,
            Op::Purge { before } => {
                let purged = |mark: Mark| match (mark, before) {
                    (Mark::Live, _) => false,
                    (_, None) => true,
                    (Mark::At(k), Some(cutoff)) => k < cutoff,
                    (Mark::Now, Some(_)) => false,
                };
                self.rows.retain(|_, row| !count(purged(row.mark)));
            }
        }
        Some(affected)
    }

    fn view(&self, keep: impl Fn(Mark) -> bool) -> Vec<ModelRow> {
        self.rows
            .values()
            .filter(|row| keep(row.mark))
            .cloned()
            .collect()
    }
}

fn group_or_value<T: SoftDelete>(grp: i64, val: i64) -> Cond {
    Cond::any()
        .add(Expr::col((T::TABLE, "grp")).eq(grp))
        .add(Expr::col((T::TABLE, "val")).eq(val))
}

/// Runs `op` on `T`'s table, returning the rows it affected (`None` where the
/// style has no such statement).
async fn execute<T: Styled>(db: &Db, op: &Op, next_id: i64) -> Option<u64> {
    let affected = match *op {
        Op::Insert { grp, val } => {
            let insert = Query::insert()
                .into_table(T::TABLE)
                .columns(["id", "grp", "val"])
                .values_panic([Expr::val(next_id), Expr::val(grp), Expr::val(val)])
                .to_owned();
            db.execute(&insert).await
        }
        Op::Delete { id, at: Some(k) } => db.execute(&T::delete_at(id, k)).await,
        Op::Delete { id, at: None } => db.execute(&T::delete_by_id(id)).await,
        Op::Restore { id } => db.execute(&T::restore_by_id(id)).await,
        Op::ForceDelete { id } => db.execute(&T::force_delete_by_id(id)).await,
        Op::Update { grp, val } => {
            let update = T::update()
                .value("val", val)
                .and_where(Expr::col((T::TABLE, "grp")).eq(grp))
                .to_owned();
            db.execute(&update).await
        }
        Op::DeleteWhere { grp, val } => {
            db.execute(&T::delete_where(group_or_value::<T>(grp, val)))
                .await
        }
        Op::RestoreWhere { grp, val } => {
            db.execute(&T::restore_where(group_or_value::<T>(grp, val)))
                .await
        }
        Op::ForceDeleteWhere { grp, val } => {
            db.execute(&T::force_delete_where(group_or_value::<T>(grp, val)))
                .await
        }
        Op::Purge { before } => {
            let cutoff = before.map_or_else(|| Utc::now() + Duration::days(1), time);
            db.execute(&T::purge(cutoff, db.backend().schema())?).await
        }
    };
    Some(affected)
}

/// The rows `select` returns, as model rows, sorted by id.
async fn fetch_view<T: Styled>(
    db: &Db,
    select: &sea_query::SelectStatement,
    started: DateTime<Utc>,
) -> Result<Vec<ModelRow>, TestCaseError> {
    let mut rows = Vec::new();
    for Of(row, _) in db.fetch::<Of<T>, _>(select).await {
        let mark = match row.marker {
            Stored::Time(None) | Stored::Flag(false) | Stored::Active(true) => Mark::Live,
            Stored::Flag(true) | Stored::Active(false) => Mark::Now,
            Stored::Time(Some(at)) => match (0..TIMES).find(|&k| time(k) == at) {
                Some(k) => Mark::At(k),
                // "Now" is bound by the client: between the test's start and
                // this read (servers keep microseconds, hence the slack).
                None if at >= started - Duration::milliseconds(1)
                    && at <= Utc::now() + Duration::milliseconds(1) =>
                {
                    Mark::Now
                }
                None => {
                    return Err(TestCaseError::fail(format!(
                        "{}: {} row {} has deletion time {at}, neither a given time nor now",
                        db.backend(),
                        T::TABLE,
                        row.id
                    )))
                }
            },
        };
        rows.push(ModelRow {
            id: row.id,
            grp: row.grp,
            val: row.val,
            mark,
        });
    }
    rows.sort();
    Ok(rows)
}

/// Compares the three views of `T`'s table with the model's.
async fn check_views<T: Styled>(
    db: &Db,
    model: &Model,
    started: DateTime<Utc>,
    after: &str,
) -> Result<(), TestCaseError> {
    let views = [
        ("query()", T::query(), model.view(|m| m == Mark::Live)),
        ("with_trashed()", T::with_trashed(), model.view(|_| true)),
        (
            "only_trashed()",
            T::only_trashed(),
            model.view(|m| m != Mark::Live),
        ),
    ];
    for (name, select, expected) in views {
        let actual = fetch_view::<T>(db, &select, started).await?;
        if actual != expected {
            return Err(TestCaseError::fail(format!(
                "{}: {}::{name} after {after}:\n  database: {actual:?}\n  model:    {expected:?}",
                db.backend(),
                T::TABLE
            )));
        }
    }
    Ok(())
}

/// Empties `T`'s table and inserts the initial rows.
async fn reset<T: Styled>(db: &Db, initial: &Initial) -> Result<(), TestCaseError> {
    db.raw(&format!("DELETE FROM {}", db.backend().quote(T::TABLE)))
        .await;
    if initial.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert
        .into_table(T::TABLE)
        .columns(["id", "grp", "val", T::MARKER.column]);
    for (id, &(grp, val, at)) in (1_i64..).zip(initial) {
        insert.values_panic([
            Expr::val(id),
            Expr::val(grp),
            Expr::val(val),
            T::initial_marker(at),
        ]);
    }
    let inserted = db.execute(&insert).await;
    prop_assert_eq!(
        inserted,
        initial.len() as u64,
        "{}: initial insert into {}",
        db.backend(),
        T::TABLE
    );
    Ok(())
}

/// Applies `op` to `T`'s table and to its model, then compares them.
async fn step<T: Styled>(
    db: &Db,
    model: &mut Model,
    op: &Op,
    after: &str,
    started: DateTime<Utc>,
) -> Result<(), TestCaseError> {
    let next_id = model.next_id;
    let expected = model.apply(op);
    let actual = execute::<T>(db, op, next_id).await;
    prop_assert_eq!(
        actual,
        expected,
        "{}: rows affected in {} by {}",
        db.backend(),
        T::TABLE,
        after
    );
    check_views::<T>(db, model, started, after).await
}

async fn run_case(
    db: &Db,
    initial: &Initial,
    ops: &[Op],
    started: DateTime<Utc>,
) -> Result<(), TestCaseError> {
    reset::<TzItem>(db, initial).await?;
    reset::<NaiveItem>(db, initial).await?;
    reset::<BoolItem>(db, initial).await?;
    reset::<ActiveItem>(db, initial).await?;
    let mut tz = Model::new(initial, true);
    let mut naive = Model::new(initial, true);
    let mut flag = Model::new(initial, false);
    let mut active = Model::new(initial, false);
    let after = "the initial insert";
    check_views::<TzItem>(db, &tz, started, after).await?;
    check_views::<NaiveItem>(db, &naive, started, after).await?;
    check_views::<BoolItem>(db, &flag, started, after).await?;
    check_views::<ActiveItem>(db, &active, started, after).await?;
    for (index, op) in ops.iter().enumerate() {
        let after = format!("step {index} {op:?}");
        step::<TzItem>(db, &mut tz, op, &after, started).await?;
        step::<NaiveItem>(db, &mut naive, op, &after, started).await?;
        step::<BoolItem>(db, &mut flag, op, &after, started).await?;
        step::<ActiveItem>(db, &mut active, op, &after, started).await?;
    }
    Ok(())
}

/// Runs the property on `backend`, its four tables reused by every case.
fn property_on(backend: Backend) {
    let Some(backend) = backend.if_configured() else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Declared before the pool so the pool is dropped inside the runtime.
    let _runtime_context = runtime.enter();
    let started = Utc::now();
    let db = runtime.block_on(async {
        let db = Db::connect(backend).await;
        for (table, marker, marker_type) in [
            (TzItem::TABLE, TzItem::MARKER.column, TzItem::MARKER_TYPE),
            (
                NaiveItem::TABLE,
                NaiveItem::MARKER.column,
                NaiveItem::MARKER_TYPE,
            ),
            (
                BoolItem::TABLE,
                BoolItem::MARKER.column,
                BoolItem::MARKER_TYPE,
            ),
            (
                ActiveItem::TABLE,
                ActiveItem::MARKER.column,
                ActiveItem::MARKER_TYPE,
            ),
        ] {
            db.create_table(
                table,
                &[
                    ("id", SqlType::Id),
                    ("grp", SqlType::BigInt),
                    ("val", SqlType::BigInt),
                    (marker, marker_type),
                ],
            )
            .await;
        }
        db
    });
    let config = Config {
        source_file: Some(file!()),
        // Next to this file: `tests/test_property.proptest-regressions`.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    };
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case(), |(initial, ops)| {
        runtime.block_on(run_case(&db, &initial, &ops, started))
    });
    drop(db);
    match result {
        Ok(()) => println!("{backend}: {cases} cases passed, each on four marker forms"),
        Err(TestError::Fail(reason, (initial, ops))) => panic!(
            "{backend}: {reason}\nminimal failing case (the `cc` seed above replays it):\n  initial rows (grp, val, time index): {initial:?}\n  operations: {ops:#?}"
        ),
        Err(TestError::Abort(reason)) => panic!("{backend}: proptest aborted: {reason}"),
    }
}

#[test]
fn model_equivalence_sqlite() {
    property_on(Backend::Sqlite);
}

#[test]
fn model_equivalence_postgres() {
    property_on(Backend::Postgres);
}

#[test]
fn model_equivalence_mysql() {
    property_on(Backend::MySql);
}
