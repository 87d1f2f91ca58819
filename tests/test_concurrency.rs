//! Several PostgreSQL connections racing soft delete, restore, scoped update
//! and force delete on the same rows; afterwards the invariants hold: a second
//! delete never overwrites the first deletion time, no scoped update changes
//! a trashed row, and the rows affected add up. PostgreSQL only: skipped with
//! one line when `SOFT_DELETE_POSTGRES_URL` is unset.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::TestBackend as _;
use common::{Backend, Db, FromRow, Row, SqlType};
use sea_query::{Expr, ExprTrait, PostgresQueryBuilder, Query, UpdateStatement};
use sea_query_sqlx::SqlxBinder;
use soft_delete::{SoftDelete, TrashMode};
use sqlx::AssertSqlSafe;
use tokio::task::JoinSet;

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "accounts")]
struct Account {
    id: i64,
    hits: i64,
    deleted_at: Option<DateTime<Utc>>,
}

impl FromRow for Account {
    fn from_row(row: &Row<'_>) -> Self {
        Account {
            id: row.get("id"),
            hits: row.get("hits"),
            deleted_at: row.get("deleted_at"),
        }
    }
}

/// The `hits` a RETURNING clause gives back.
struct Hits(i64);

impl FromRow for Hits {
    fn from_row(row: &Row<'_>) -> Self {
        Hits(row.get("hits"))
    }
}

/// Racing tasks; the pool has a connection for each and two to spare.
const TASKS: usize = 8;

/// A connected PostgreSQL pool with `rows` live accounts, ids from 1, or
/// `None` (after one `skipped:` line) when PostgreSQL is not configured.
async fn accounts(rows: i64) -> Option<Db> {
    let backend = Backend::Postgres.if_configured()?;
    let db = Db::options(backend)
        .max_connections(u32::try_from(TASKS).unwrap() + 2)
        .connect()
        .await;
    db.create_table(
        Account::TABLE,
        &[
            ("id", SqlType::Id),
            ("hits", SqlType::BigInt),
            ("deleted_at", SqlType::TimestampTz),
        ],
    )
    .await;
    let mut insert = Query::insert();
    insert
        .into_table(Account::TABLE)
        .columns([AccountColumn::Id, AccountColumn::Hits]);
    for id in 1..=rows {
        insert.values_panic([Expr::val(id), Expr::val(0_i64)]);
    }
    assert_eq!(db.execute(&insert).await, u64::try_from(rows).unwrap());
    Some(db)
}

/// A deletion time of its own for each task.
fn time_of(task: usize) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 5, 1, 0, 0, 0).unwrap()
        + Duration::minutes(i64::try_from(task).unwrap())
        + Duration::microseconds(11)
}

fn id_is(id: i64) -> Expr {
    Expr::col((AccountColumn::Table, AccountColumn::Id)).eq(id)
}

/// The scoped update the racers run: `hits = hits + 1` on a live row.
fn hit(id: i64) -> UpdateStatement {
    Account::update()
        .value(
            AccountColumn::Hits,
            Expr::col((AccountColumn::Table, AccountColumn::Hits)).add(1),
        )
        .and_where(id_is(id))
        .to_owned()
}

async fn all_accounts(db: &Db) -> BTreeMap<i64, Account> {
    db.fetch::<Account, _>(&Account::with_trashed())
        .await
        .into_iter()
        .map(|account| (account.id, account))
        .collect()
}

/// Sleeps without holding up a runtime worker.
async fn pause(millis: u64) {
    tokio::task::spawn_blocking(move || {
        std::thread::sleep(std::time::Duration::from_millis(millis));
    })
    .await
    .unwrap();
}

/// Runs `op(db, task)` for `tasks` tasks at once, each with its own
/// connection, and gathers what they report (the writes that affected a row).
async fn race<T, F, Fut>(db: &Db, tasks: usize, op: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(Db, usize) -> Fut,
    Fut: std::future::Future<Output = Vec<T>> + Send + 'static,
{
    let mut set = JoinSet::new();
    for task in 0..tasks {
        set.spawn(op(db.clone(), task));
    }
    let mut hits = Vec::new();
    while let Some(result) = set.join_next().await {
        hits.extend(result.expect("a racing task panicked"));
    }
    hits
}

fn count_by_id(wins: &[(usize, i64)]) -> BTreeMap<i64, u64> {
    let mut counts = BTreeMap::new();
    for &(_, id) in wins {
        *counts.entry(id).or_default() += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_deletes_keep_the_first_deletion_time() {
    const ROWS: i64 = 60;
    let Some(db) = accounts(ROWS).await else {
        return;
    };
    // Every task walks the rows in the same order, so each row is hit by all
    // of them at about the same moment, each with its own time.
    let wins = race(&db, TASKS, |db, task| async move {
        let mut wins = Vec::new();
        for id in 1..=ROWS {
            match db
                .execute(&Account::delete_by_id_at(id, time_of(task)))
                .await
            {
                0 => {}
                1 => wins.push((task, id)),
                n => panic!("delete of one row affected {n} rows"),
            }
        }
        wins
    })
    .await;
    let winners: BTreeMap<i64, usize> = wins.iter().map(|&(task, id)| (id, task)).collect();
    assert_eq!(
        count_by_id(&wins),
        (1..=ROWS).map(|id| (id, 1)).collect(),
        "exactly one delete per row affects it"
    );
    let accounts = all_accounts(&db).await;
    for (id, task) in winners {
        assert_eq!(
            accounts[&id].deleted_at,
            Some(time_of(task)),
            "row {id}: the stored time is the winning delete's"
        );
    }
    assert!(db.ids::<Account>(&Account::query()).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_scoped_updates_never_change_a_trashed_row() {
    const ROWS: i64 = 20;
    const ROUNDS: usize = 20;
    const DELETERS: usize = 2;
    let Some(db) = accounts(ROWS).await else {
        return;
    };
    let updaters = race(&db, TASKS - DELETERS, |db, task| async move {
        let mut wins = Vec::new();
        for _ in 0..ROUNDS {
            for id in 1..=ROWS {
                match db.execute(&hit(id)).await {
                    0 => {}
                    1 => wins.push((task, id)),
                    n => panic!("update of one row affected {n} rows"),
                }
            }
        }
        wins
    });
    // Deleters trash every row once, spread over the updaters' run, and note
    // the hits each row had at the moment it was trashed: `(task, id, hits)`.
    let deleters = race(&db, DELETERS, |db, task| async move {
        let mut wins = Vec::new();
        for id in 1..=ROWS {
            pause(3).await;
            let mut delete = Account::delete_by_id_at(id, time_of(task));
            delete.returning_col(AccountColumn::Hits);
            let returned = db.fetch::<Hits, _>(&delete).await;
            assert!(
                returned.len() <= 1,
                "delete of one row returned {} rows",
                returned.len()
            );
            if let Some(Hits(hits)) = returned.first() {
                wins.push((task, id, *hits));
            }
        }
        wins
    });
    let (updates, deletions) = tokio::join!(updaters, deleters);

    let deleted: Vec<(usize, i64)> = deletions.iter().map(|&(task, id, _)| (task, id)).collect();
    assert_eq!(
        count_by_id(&deleted),
        (1..=ROWS).map(|id| (id, 1)).collect(),
        "exactly one delete per row affects it"
    );
    let accounts = all_accounts(&db).await;
    let updates_by_id = count_by_id(&updates);
    let mut trashed_with_hits = 0;
    for &(task, id, hits_when_trashed) in &deletions {
        let account = &accounts[&id];
        assert_eq!(account.deleted_at, Some(time_of(task)), "row {id}");
        assert_eq!(
            account.hits, hits_when_trashed,
            "row {id}: a scoped update changed it after it was trashed"
        );
        assert_eq!(
            updates_by_id.get(&id).copied().unwrap_or(0),
            u64::try_from(account.hits).unwrap(),
            "row {id}: updates that reported a row must add up to its hits"
        );
        if hits_when_trashed > 0 {
            trashed_with_hits += 1;
        }
    }
    // The race must have happened: some rows were updated before being trashed,
    // and updates after that missed.
    assert!(trashed_with_hits > 0, "no update ran before the deletes");
    let attempts = (TASKS - DELETERS) * ROUNDS * usize::try_from(ROWS).unwrap();
    assert!(updates.len() < attempts, "no update missed a trashed row");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_deletes_and_restores_alternate() {
    const ROWS: i64 = 12;
    const ROUNDS: usize = 15;
    let Some(db) = accounts(ROWS).await else {
        return;
    };
    // Even tasks delete, odd tasks restore; each success flips the row.
    let wins = race(&db, TASKS, |db, task| async move {
        let mut wins = Vec::new();
        for _ in 0..ROUNDS {
            for id in 1..=ROWS {
                let affected = if task % 2 == 0 {
                    db.execute(&Account::delete_by_id(id)).await
                } else {
                    db.execute(&Account::restore_by_id(id)).await
                };
                match affected {
                    0 => {}
                    1 => wins.push((task, id)),
                    n => panic!("one row, {n} affected"),
                }
            }
        }
        wins
    })
    .await;
    let accounts = all_accounts(&db).await;
    let (mut deletes, mut restores) = (BTreeMap::<i64, i64>::new(), BTreeMap::<i64, i64>::new());
    for &(task, id) in &wins {
        let counts = if task % 2 == 0 {
            &mut deletes
        } else {
            &mut restores
        };
        *counts.entry(id).or_default() += 1;
    }
    let mut flips = 0;
    for id in 1..=ROWS {
        let deleted = deletes.get(&id).copied().unwrap_or(0);
        let restored = restores.get(&id).copied().unwrap_or(0);
        let trashed = i64::from(accounts[&id].deleted_at.is_some());
        assert_eq!(
            deleted - restored,
            trashed,
            "row {id}: {deleted} deletes and {restored} restores succeeded, trashed = {trashed}"
        );
        flips += deleted + restored;
    }
    assert!(
        flips > i64::from(u8::try_from(ROWS).unwrap()),
        "the rows hardly changed: {flips} flips"
    );
    let trashed = db.ids::<Account>(&Account::only_trashed()).await;
    let live = db.ids::<Account>(&Account::query()).await;
    assert_eq!(trashed.len() + live.len(), usize::try_from(ROWS).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn force_delete_wins_over_every_other_write() {
    const ROWS: i64 = 30;
    const ROUNDS: usize = 3;
    let Some(db) = accounts(ROWS).await else {
        return;
    };
    // Tasks 0-2 force delete, 3-4 soft delete, 5-6 restore, 7 updates.
    let wins = race(&db, TASKS, |db, task| async move {
        let mut wins = Vec::new();
        for _ in 0..ROUNDS {
            for id in 1..=ROWS {
                let affected = match task {
                    0..=2 => db.execute(&Account::force_delete_by_id(id)).await,
                    3 | 4 => {
                        db.execute(&Account::delete_by_id_at(id, time_of(task)))
                            .await
                    }
                    5 | 6 => db.execute(&Account::restore_by_id(id)).await,
                    _ => db.execute(&hit(id)).await,
                };
                match affected {
                    0 => {}
                    1 => wins.push((task, id)),
                    n => panic!("one row, {n} affected"),
                }
            }
        }
        wins
    })
    .await;
    let by_kind = |kinds: &[usize]| {
        count_by_id(
            &wins
                .iter()
                .copied()
                .filter(|(task, _)| kinds.contains(task))
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        by_kind(&[0, 1, 2]),
        (1..=ROWS).map(|id| (id, 1)).collect(),
        "exactly one force delete per row affects it"
    );
    assert!(
        db.ids::<Account>(&Account::with_trashed()).await.is_empty(),
        "every row is gone"
    );
    let (deletes, restores) = (by_kind(&[3, 4]), by_kind(&[5, 6]));
    for id in 1..=ROWS {
        let deleted = deletes.get(&id).copied().unwrap_or(0);
        let restored = restores.get(&id).copied().unwrap_or(0);
        assert!(
            deleted == restored || deleted == restored + 1,
            "row {id}: {deleted} deletes and {restored} restores cannot alternate"
        );
    }
    // Nothing done after the race touches anything.
    for id in 1..=ROWS {
        assert_eq!(db.execute(&Account::restore_by_id(id)).await, 0);
        assert_eq!(db.execute(&Account::delete_by_id(id)).await, 0);
        assert_eq!(db.execute(&hit(id)).await, 0);
    }
}

/// Runs `stmt` inside `tx`, returning the rows affected.
async fn in_transaction<S: SqlxBinder>(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    stmt: &S,
) -> u64 {
    let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
    sqlx::query_with(AssertSqlSafe(sql.clone()), values)
        .execute(&mut **tx)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL: `{sql}` failed: {e}"))
        .rows_affected()
}

/// Starts `stmt` on another connection and checks that it waits for the row
/// lock `tx` holds; returns its handle.
async fn blocked_behind<S>(db: &Db, stmt: S) -> tokio::task::JoinHandle<u64>
where
    S: SqlxBinder + Send + Sync + 'static,
{
    let db = db.clone();
    let handle = tokio::spawn(async move { db.execute(&stmt).await });
    pause(300).await;
    assert!(
        !handle.is_finished(),
        "the second statement should wait for the open transaction's row lock"
    );
    handle
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_waiting_on_a_delete_rechecks_the_marker() {
    let Some(db) = accounts(4).await else {
        return;
    };
    let pool = db.postgres_pool().clone();
    let first = time_of(1);
    let second = time_of(2);

    // Committed delete: the waiting delete finds the row trashed and skips it.
    let mut tx = pool.begin().await.unwrap();
    assert_eq!(
        in_transaction(&mut tx, &Account::delete_by_id_at(1, first)).await,
        1
    );
    let waiting = blocked_behind(&db, Account::delete_by_id_at(1, second)).await;
    tx.commit().await.unwrap();
    assert_eq!(
        waiting.await.unwrap(),
        0,
        "the second delete must not apply"
    );
    assert_eq!(all_accounts(&db).await[&1].deleted_at, Some(first));

    // Rolled-back delete: the waiting delete applies with its own time.
    let mut tx = pool.begin().await.unwrap();
    assert_eq!(
        in_transaction(&mut tx, &Account::delete_by_id_at(2, first)).await,
        1
    );
    let waiting = blocked_behind(&db, Account::delete_by_id_at(2, second)).await;
    tx.rollback().await.unwrap();
    assert_eq!(waiting.await.unwrap(), 1);
    assert_eq!(all_accounts(&db).await[&2].deleted_at, Some(second));

    // A scoped update waiting on a delete misses the now trashed row.
    let mut tx = pool.begin().await.unwrap();
    assert_eq!(
        in_transaction(&mut tx, &Account::delete_by_id_at(3, first)).await,
        1
    );
    let waiting = blocked_behind(&db, hit(3)).await;
    tx.commit().await.unwrap();
    assert_eq!(
        waiting.await.unwrap(),
        0,
        "the update must miss the trashed row"
    );
    assert_eq!(all_accounts(&db).await[&3].hits, 0);

    // A restore waiting on a restore finds the row live and skips it.
    let mut tx = pool.begin().await.unwrap();
    assert_eq!(in_transaction(&mut tx, &Account::restore_by_id(1)).await, 1);
    let waiting = blocked_behind(&db, Account::restore_by_id(1)).await;
    tx.commit().await.unwrap();
    assert_eq!(waiting.await.unwrap(), 0);

    // A delete waiting on a force delete finds nothing.
    let mut tx = pool.begin().await.unwrap();
    assert_eq!(
        in_transaction(&mut tx, &Account::force_delete_by_id(4)).await,
        1
    );
    let waiting = blocked_behind(&db, Account::delete_by_id(4)).await;
    tx.commit().await.unwrap();
    assert_eq!(waiting.await.unwrap(), 0);

    assert_eq!(db.ids::<Account>(&Account::query()).await, [1]);
    assert_eq!(
        db.ids::<Account>(&Account::query_in(TrashMode::OnlyTrashed))
            .await,
        [2, 3]
    );
}
