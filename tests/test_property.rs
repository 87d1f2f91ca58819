//! Model-based property test: random sequences of inserts, soft deletes,
//! restores, force deletes, scoped updates, bulk deletes and restores by
//! condition and purges, applied to each backend and to an in-memory model.
//! After every step the rows affected and the three views (`query`,
//! `with_trashed`, `only_trashed`) must equal the model's.
//!
//! Cases: `PROPTEST_CASES` (proptest's default config). A failure prints the
//! shrunken operation sequence and the `cc` seed proptest persists, which
//! later runs replay first.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{Backend, Db, FromRow, Row, SqlType};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestError, TestRunner};
use sea_query::{Cond, Expr, ExprTrait, Query, Value};
use soft_delete::SoftDelete;

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "items")]
struct Item {
    id: i64,
    grp: i64,
    val: i64,
    deleted_at: Option<DateTime<Utc>>,
}

impl FromRow for Item {
    fn from_row(row: &Row<'_>) -> Self {
        Item {
            id: row.get("id"),
            grp: row.get("grp"),
            val: row.get("val"),
            deleted_at: row.get("deleted_at"),
        }
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

/// The in-memory model: what each statement should do.
#[derive(Debug, Default)]
struct Model {
    rows: BTreeMap<i64, ModelRow>,
    next_id: i64,
}

impl Model {
    fn new(initial: &Initial) -> Model {
        let mut model = Model {
            next_id: 1,
            ..Model::default()
        };
        for &(grp, val, at) in initial {
            let id = model.next_id;
            model.next_id += 1;
            let mark = at.map_or(Mark::Live, Mark::At);
            model.rows.insert(id, ModelRow { id, grp, val, mark });
        }
        model
    }

    fn matches(row: &ModelRow, grp: i64, val: i64) -> bool {
        row.grp == grp || row.val == val
    }

    /// Applies `op`, returning the rows it affects.
    fn apply(&mut self, op: &Op) -> u64 {
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
                if let Some(row) = self.rows.get_mut(&id) {
                    if count(row.mark == Mark::Live) {
                        row.mark = at.map_or(Mark::Now, Mark::At);
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
        affected
    }

    fn view(&self, keep: impl Fn(Mark) -> bool) -> Vec<ModelRow> {
        self.rows
            .values()
            .filter(|row| keep(row.mark))
            .cloned()
            .collect()
    }
}

fn group_or_value(grp: i64, val: i64) -> Cond {
    Cond::any()
        .add(Expr::col((ItemColumn::Table, ItemColumn::Grp)).eq(grp))
        .add(Expr::col((ItemColumn::Table, ItemColumn::Val)).eq(val))
}

/// Runs `op` on the database, returning the rows it affected.
async fn execute(db: &Db, op: &Op, next_id: i64) -> u64 {
    match *op {
        Op::Insert { grp, val } => {
            let insert = Query::insert()
                .into_table(Item::TABLE)
                .columns([ItemColumn::Id, ItemColumn::Grp, ItemColumn::Val])
                .values_panic([Expr::val(next_id), Expr::val(grp), Expr::val(val)])
                .to_owned();
            db.execute(&insert).await
        }
        Op::Delete { id, at: Some(k) } => db.execute(&Item::delete_by_id_at(id, time(k))).await,
        Op::Delete { id, at: None } => db.execute(&Item::delete_by_id(id)).await,
        Op::Restore { id } => db.execute(&Item::restore_by_id(id)).await,
        Op::ForceDelete { id } => db.execute(&Item::force_delete_by_id(id)).await,
        Op::Update { grp, val } => {
            let update = Item::update()
                .value(ItemColumn::Val, val)
                .and_where(Expr::col((ItemColumn::Table, ItemColumn::Grp)).eq(grp))
                .to_owned();
            db.execute(&update).await
        }
        Op::DeleteWhere { grp, val } => {
            db.execute(&Item::delete_where(group_or_value(grp, val)))
                .await
        }
        Op::RestoreWhere { grp, val } => {
            db.execute(&Item::restore_where(group_or_value(grp, val)))
                .await
        }
        Op::ForceDeleteWhere { grp, val } => {
            db.execute(&Item::force_delete_where(group_or_value(grp, val)))
                .await
        }
        Op::Purge { before: Some(k) } => db.execute(&Item::purge_trashed_before(time(k))).await,
        Op::Purge { before: None } => {
            let cutoff = Utc::now() + Duration::days(1);
            db.execute(&Item::purge_trashed_before(cutoff)).await
        }
    }
}

/// The rows `select` returns, as model rows, sorted by id.
async fn fetch_view(
    db: &Db,
    select: &sea_query::SelectStatement,
    started: DateTime<Utc>,
) -> Result<Vec<ModelRow>, TestCaseError> {
    let mut rows = Vec::new();
    for item in db.fetch::<Item, _>(select).await {
        let mark = match item.deleted_at {
            None => Mark::Live,
            Some(at) => match (0..TIMES).find(|&k| time(k) == at) {
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
                        "{}: row {} has deletion time {at}, neither a given time nor now",
                        db.backend(),
                        item.id
                    )))
                }
            },
        };
        rows.push(ModelRow {
            id: item.id,
            grp: item.grp,
            val: item.val,
            mark,
        });
    }
    rows.sort();
    Ok(rows)
}

/// Compares the three views of the database with the model's.
async fn check_views(
    db: &Db,
    model: &Model,
    started: DateTime<Utc>,
    after: &str,
) -> Result<(), TestCaseError> {
    let views = [
        ("query()", Item::query(), model.view(|m| m == Mark::Live)),
        ("with_trashed()", Item::with_trashed(), model.view(|_| true)),
        (
            "only_trashed()",
            Item::only_trashed(),
            model.view(|m| m != Mark::Live),
        ),
    ];
    for (name, select, expected) in views {
        let actual = fetch_view(db, &select, started).await?;
        if actual != expected {
            return Err(TestCaseError::fail(format!(
                "{}: {name} after {after}:\n  database: {actual:?}\n  model:    {expected:?}",
                db.backend()
            )));
        }
    }
    Ok(())
}

async fn run_case(
    db: &Db,
    initial: &Initial,
    ops: &[Op],
    started: DateTime<Utc>,
) -> Result<(), TestCaseError> {
    db.raw(&format!("DELETE FROM {}", db.backend().quote(Item::TABLE)))
        .await;
    let mut model = Model::new(initial);
    if !initial.is_empty() {
        let mut insert = Query::insert();
        insert
            .into_table(Item::TABLE)
            .columns(Item::COLUMNS.iter().copied());
        for (id, &(grp, val, at)) in (1..).zip(initial) {
            insert.values_panic([
                Expr::val(id),
                Expr::val(grp),
                Expr::val(val),
                Value::ChronoDateTimeUtc(at.map(time)).into(),
            ]);
        }
        let inserted = db.execute(&insert).await;
        prop_assert_eq!(
            inserted,
            initial.len() as u64,
            "{}: initial insert",
            db.backend()
        );
    }
    check_views(db, &model, started, "the initial insert").await?;
    for (step, op) in ops.iter().enumerate() {
        let next_id = model.next_id;
        let expected = model.apply(op);
        let actual = execute(db, op, next_id).await;
        prop_assert_eq!(
            actual,
            expected,
            "{}: rows affected by step {} {:?}",
            db.backend(),
            step,
            op
        );
        check_views(db, &model, started, &format!("step {step} {op:?}")).await?;
    }
    Ok(())
}

/// Runs the property on `backend` with one table reused by every case.
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
        db.create_table(
            Item::TABLE,
            &[
                ("id", SqlType::Id),
                ("grp", SqlType::BigInt),
                ("val", SqlType::BigInt),
                ("deleted_at", SqlType::TimestampTz),
            ],
        )
        .await;
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
        Ok(()) => println!("{backend}: {cases} cases passed"),
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
    property_on(Backend::Mysql);
}
