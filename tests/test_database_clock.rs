//! `now = "database"` executed on SQLite, PostgreSQL and MariaDB: a soft
//! delete writes the database's `CURRENT_TIMESTAMP`, which must hold the
//! server's UTC clock (PostgreSQL `timestamptz` whatever the session's zone;
//! naive columns and MariaDB in a UTC session, sqlx's MySQL default); purges
//! (batched, and plain on PostgreSQL/MariaDB) and cascades stay exact with
//! markers the database wrote, SQLite's second-precision text included.

mod common;

use std::num::NonZeroU32;

use chrono::{DateTime, Duration, DurationRound, NaiveDateTime, Utc};
use common::TestBackend as _;
use common::{marker, Backend, Db, FromRow, Row, SqlType, TimestampModel as Model};
use sea_query::{Cond, DeleteStatement, Expr, ExprTrait, Query};
use soft_delete::{Clock, SoftDelete};

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "events", now = "database")]
struct Event {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "entries", now = "database")]
struct Entry {
    id: i64,
    deleted_at: Option<NaiveDateTime>,
}

impl Model for Event {
    const MARKER_TYPE: SqlType = SqlType::TimestampTz;
    fn marker_of(row: &Row<'_>) -> Option<DateTime<Utc>> {
        row.get("deleted_at")
    }
}

impl Model for Entry {
    const MARKER_TYPE: SqlType = SqlType::Timestamp;
    fn marker_of(row: &Row<'_>) -> Option<DateTime<Utc>> {
        row.get::<Option<NaiveDateTime>>("deleted_at")
            .map(|naive| naive.and_utc())
    }
}

/// The server's clock, read in UTC whatever the session's zone.
struct ServerNow(NaiveDateTime);

impl FromRow for ServerNow {
    fn from_row(row: &Row<'_>) -> Self {
        ServerNow(row.get("now"))
    }
}

async fn server_utc_now(db: &Db) -> DateTime<Utc> {
    let sql = match db.backend() {
        Backend::Postgres => "SELECT (clock_timestamp() AT TIME ZONE 'UTC') AS now",
        Backend::MySql => "SELECT UTC_TIMESTAMP(6) AS now",
        Backend::Sqlite => "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now') AS now",
    };
    let rows = db.fetch_sql::<ServerNow>(sql).await;
    rows[0].0.and_utc()
}

fn whole_second(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(Duration::seconds(1)).unwrap()
}

async fn table<T: Model>(db: &Db, rows: i64) {
    db.create_table(
        T::TABLE,
        &[("id", SqlType::Id), ("deleted_at", T::MARKER_TYPE)],
    )
    .await;
    for id in 1..=rows {
        let insert = Query::insert()
            .into_table(T::TABLE)
            .columns(["id"])
            .values_panic([id.into()])
            .to_owned();
        db.execute(&insert).await;
    }
}

/// Asserts `at` was stamped by the server between `before` and `after`
/// (its UTC clock; MariaDB's and SQLite's `CURRENT_TIMESTAMP` are whole
/// seconds) and agrees with this machine's UTC clock.
fn assert_server_stamp(at: DateTime<Utc>, before: DateTime<Utc>, after: DateTime<Utc>, what: &str) {
    assert!(
        whole_second(before) <= at && at <= after,
        "{what}: stamped {at}, but the server's UTC clock read {before} before and {after} after"
    );
    let here = Utc::now();
    assert!(
        (here - at).abs() < Duration::seconds(5),
        "{what}: stamped {at}, this machine's UTC clock reads {here}"
    );
}

async fn stamps<T: Model>(db: &Db, what: &str) {
    assert_eq!(T::MARKER.clock, Clock::Database);
    table::<T>(db, 4).await;
    let what = format!("{what}: {}", T::TABLE);
    let before = server_utc_now(db).await;
    assert_eq!(db.execute(&T::delete_by_id(1)).await, 1, "{what}");
    let after = server_utc_now(db).await;
    let first = marker::<T>(db, 1).await.expect("trashed");
    assert_server_stamp(first, before, after, &what);

    assert_eq!(
        db.execute(&T::delete_by_id(1)).await,
        0,
        "{what}: deleting twice"
    );
    assert_eq!(
        marker::<T>(db, 1).await,
        Some(first),
        "{what}: the first stamp stands"
    );

    let before = server_utc_now(db).await;
    let affected = db
        .execute(&T::delete_where(
            Cond::all().add(Expr::col((T::TABLE, "id")).gte(2)),
        ))
        .await;
    let after = server_utc_now(db).await;
    assert_eq!(affected, 3, "{what}: delete_where");
    for id in 2..=4 {
        let at = marker::<T>(db, id).await.expect("trashed");
        assert_server_stamp(at, before, after, &what);
    }
    assert_eq!(db.execute(&T::restore_by_id(3)).await, 1, "{what}");
    assert_eq!(db.ids::<T>(&T::query()).await, [3], "{what}");
}

#[tokio::test]
async fn soft_delete_stamps_the_servers_utc_clock() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        if backend == Backend::MySql {
            struct Zone(String);
            impl FromRow for Zone {
                fn from_row(row: &Row<'_>) -> Self {
                    Zone(row.get("zone"))
                }
            }
            let zone = db
                .fetch_sql::<Zone>("SELECT CAST(@@session.time_zone AS CHAR) AS zone")
                .await;
            assert_eq!(zone[0].0, "+00:00", "sqlx keeps MariaDB sessions in UTC");
        }
        let what = backend.to_string();
        stamps::<Event>(&db, &what).await;
        stamps::<Entry>(&db, &what).await;
    }
}

/// A `timestamptz` marker holds an instant: `CURRENT_TIMESTAMP` is right in
/// any session zone.
#[tokio::test]
async fn timestamptz_stamps_are_utc_in_any_session_zone() {
    let Some(backend) = Backend::Postgres.if_configured() else {
        return;
    };
    for zone in ["Pacific/Kiritimati", "Pacific/Pago_Pago"] {
        let db = Db::options(backend)
            .on_connect(&format!("SET TIME ZONE '{zone}'"))
            .connect()
            .await;
        stamps::<Event>(&db, &format!("{backend} in {zone}")).await;
    }
}

/// Rows 1 and 2 trashed by the database clock (2 a second after 1), 3 by
/// the library two days earlier, 4 by the library a day later, 5 and 6
/// live. `purge(cutoff)` gives the statements of one purge to the end.
async fn purges<T: Model>(backend: Backend, purge: impl Fn(DateTime<Utc>) -> Vec<DeleteStatement>) {
    let db = Db::connect(backend).await;
    table::<T>(&db, 6).await;
    let what = format!("{backend}: {}", T::TABLE);
    db.execute(&T::delete_by_id(1)).await;
    let first = marker::<T>(&db, 1).await.unwrap();
    // Into the next second, so SQLite's and MariaDB's whole seconds differ.
    while whole_second(server_utc_now(&db).await) <= whole_second(first) {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    db.execute(&T::delete_by_id(2)).await;
    let second = marker::<T>(&db, 2).await.unwrap();
    assert!(second > first, "{what}: {first} then {second}");
    db.execute(&T::delete_by_id_at(3, first - Duration::days(2)))
        .await;
    db.execute(&T::delete_by_id_at(4, first + Duration::days(1)))
        .await;

    let run = |cutoff| {
        let statements = purge(cutoff);
        let db = db.clone();
        async move {
            for statement in statements {
                db.execute(&statement).await;
            }
        }
    };
    run(first - Duration::days(1)).await;
    assert_eq!(
        db.ids::<T>(&T::with_trashed()).await,
        [1, 2, 4, 5, 6],
        "{what}: a day before the first stamp: only row 3"
    );
    run(first).await;
    assert_eq!(
        db.ids::<T>(&T::with_trashed()).await,
        [1, 2, 4, 5, 6],
        "{what}: at the first stamp: strictly before, row 1 stays"
    );
    run(second).await;
    assert_eq!(
        db.ids::<T>(&T::with_trashed()).await,
        [2, 4, 5, 6],
        "{what}: at the second stamp: row 1 goes, row 2 stays"
    );
    run(second + Duration::milliseconds(1)).await;
    assert_eq!(
        db.ids::<T>(&T::with_trashed()).await,
        [4, 5, 6],
        "{what}: just after the second stamp"
    );
    assert_eq!(db.ids::<T>(&T::query()).await, [5, 6], "{what}");
}

fn batched<T: Model>(backend: Backend) -> impl Fn(DateTime<Utc>) -> Vec<DeleteStatement> {
    move |cutoff| {
        let one = NonZeroU32::new(1).unwrap();
        // Batches of one, more than enough of them.
        (0..4)
            .map(|_| T::purge_trashed_before_batch(cutoff, one, backend.schema()))
            .collect()
    }
}

#[tokio::test]
async fn batched_purge_of_database_stamps() {
    for backend in common::backends() {
        purges::<Event>(backend, batched::<Event>(backend)).await;
        purges::<Entry>(backend, batched::<Entry>(backend)).await;
    }
}

/// Plain `purge_trashed_before` on the servers (on SQLite it compares text:
/// see test_batched_purge.rs).
#[tokio::test]
async fn plain_purge_of_database_stamps_on_postgres_and_mariadb() {
    for backend in common::backends() {
        if backend == Backend::Sqlite {
            continue;
        }
        purges::<Event>(backend, |cutoff| {
            vec![Event::purge_trashed_before(cutoff, backend.schema())]
        })
        .await;
        purges::<Entry>(backend, |cutoff| {
            vec![Entry::purge_trashed_before(cutoff, backend.schema())]
        })
        .await;
    }
}

// Cascade on the database clock.

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "order_lines", now = "database")]
struct OrderLine {
    id: i64,
    order_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "orders", now = "database", cascade(OrderLine = "order_id"))]
struct Order {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

impl Model for Order {
    const MARKER_TYPE: SqlType = SqlType::TimestampTz;
    fn marker_of(row: &Row<'_>) -> Option<DateTime<Utc>> {
        row.get("deleted_at")
    }
}

struct Stored(i64, Option<String>);

impl FromRow for Stored {
    fn from_row(row: &Row<'_>) -> Self {
        Stored(row.get("id"), row.get("marker"))
    }
}

/// `id` → the stored marker of every row of `table`, as text: equal text is
/// equal stored value.
async fn stored(db: &Db, table: &str) -> std::collections::BTreeMap<i64, Option<String>> {
    let text = match db.backend() {
        Backend::MySql => "CHAR",
        Backend::Sqlite | Backend::Postgres => "TEXT",
    };
    let sql = format!(
        "SELECT id, CAST(deleted_at AS {text}) AS marker FROM {}",
        db.backend().quote(table)
    );
    db.fetch_sql::<Stored>(&sql)
        .await
        .into_iter()
        .map(|Stored(id, marker)| (id, marker))
        .collect()
}

/// Round `round`: order `10 * round + 1` with lines `100 * round + 1..=3`
/// and order `10 * round + 2` with line `100 * round + 9`. Line 3 is trashed
/// on its own by the database clock right before the cascade (in the same
/// second, often, on SQLite's and MariaDB's whole-second clocks).
async fn cascade_round(db: &Db, round: i64) {
    let backend = db.backend();
    let what = format!("{backend}: round {round}");
    let (order, other) = (10 * round + 1, 10 * round + 2);
    let lines = [100 * round + 1, 100 * round + 2, 100 * round + 3];
    let other_line = 100 * round + 9;
    db.raw(&format!(
        "INSERT INTO orders (id) VALUES ({order}), ({other})"
    ))
    .await;
    for line in lines {
        db.raw(&format!(
            "INSERT INTO order_lines (id, order_id) VALUES ({line}, {order})"
        ))
        .await;
    }
    db.raw(&format!(
        "INSERT INTO order_lines (id, order_id) VALUES ({other_line}, {other})"
    ))
    .await;

    assert_eq!(db.execute(&OrderLine::delete_by_id(lines[2])).await, 1);
    let own = stored(db, OrderLine::TABLE).await[&lines[2]].clone();
    assert!(own.is_some(), "{what}");

    let before = server_utc_now(db).await;
    let affected = db
        .transaction(&Order::cascade_delete_by_id(order, backend.schema()))
        .await;
    let after = server_utc_now(db).await;
    assert_eq!(affected, [1, 2], "{what}");
    let orders = stored(db, Order::TABLE).await;
    let order_lines = stored(db, OrderLine::TABLE).await;
    let shared = orders[&order].clone();
    assert!(shared.is_some(), "{what}");
    assert_eq!(order_lines[&lines[0]], shared, "{what}: one shared instant");
    assert_eq!(order_lines[&lines[1]], shared, "{what}: one shared instant");
    assert_eq!(
        order_lines[&lines[2]], own,
        "{what}: the own deletion stands"
    );
    assert_ne!(
        own, shared,
        "{what}: the line trashed on its own must not hold the cascade's instant"
    );
    assert_eq!(orders[&other], None, "{what}");
    assert_eq!(order_lines[&other_line], None, "{what}");
    let at = marker::<Order>(db, order).await.unwrap();
    // The database's clock, or when an own deletion shares the cascade's
    // second, an earlier whole second no line holds: never later than the
    // deletion.
    assert!(
        whole_second(before) - Duration::seconds(5) <= at && at <= after,
        "{what}: cascade stamped {at}, server clock {before} .. {after}"
    );

    let affected = db.transaction(&Order::cascade_restore_by_id(order)).await;
    assert_eq!(affected, [2, 1], "{what}");
    let order_lines = stored(db, OrderLine::TABLE).await;
    assert_eq!(stored(db, Order::TABLE).await[&order], None, "{what}");
    assert_eq!(order_lines[&lines[0]], None, "{what}");
    assert_eq!(order_lines[&lines[1]], None, "{what}");
    assert_eq!(
        order_lines[&lines[2]], own,
        "{what}: the line trashed on its own stays in the trash"
    );
}

#[tokio::test]
async fn cascade_on_the_database_clock() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        let id = backend.column_type(SqlType::Id);
        let fk = backend.column_type(SqlType::BigInt);
        let at = backend.column_type(SqlType::TimestampTz);
        db.raw(&format!("CREATE TABLE orders (id {id}, deleted_at {at})"))
            .await;
        db.raw(&format!(
            "CREATE TABLE order_lines (id {id}, order_id {fk}, deleted_at {at})"
        ))
        .await;
        for round in 1..=5 {
            cascade_round(&db, round).await;
        }
    }
}
