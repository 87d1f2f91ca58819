//! Markers are stored and compared as UTC whatever the session's time zone:
//! PostgreSQL's `TimeZone` and MariaDB's `time_zone` are set far from UTC
//! (and switched between writing and reading), and the marker must read back
//! equal, hold the UTC wall clock as the server sees it, and purge by UTC
//! cutoffs. SQLite, which has no session zone, runs the same checks.

mod common;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use common::TestBackend as _;
use common::{Backend, Db, FromRow, Row, SqlType};
use sea_query::{Expr, ExprTrait, Query};
use soft_delete::{RecordsDeletionTime, SoftDelete, TrashMode};

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "events")]
struct Event {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "entries")]
struct Entry {
    id: i64,
    deleted_at: Option<NaiveDateTime>,
}

/// A session time zone: how to set it and what the server then reports.
#[derive(Debug, Clone, Copy)]
struct Zone {
    set: &'static str,
    reported: &'static str,
}

/// Two zones far from UTC on either side, per backend; none for SQLite.
fn zones(backend: Backend) -> Vec<Zone> {
    match backend {
        Backend::Postgres => vec![
            Zone {
                set: "SET TIME ZONE 'Pacific/Kiritimati'",
                reported: "Pacific/Kiritimati",
            },
            Zone {
                set: "SET TIME ZONE 'Pacific/Pago_Pago'",
                reported: "Pacific/Pago_Pago",
            },
        ],
        // The test server has no time zone tables: offsets only.
        Backend::MySql => vec![
            Zone {
                set: "SET time_zone = '+13:00'",
                reported: "+13:00",
            },
            Zone {
                set: "SET time_zone = '-11:00'",
                reported: "-11:00",
            },
        ],
        Backend::Sqlite => Vec::new(),
    }
}

struct Text(String);

impl FromRow for Text {
    fn from_row(row: &Row<'_>) -> Self {
        Text(row.get("value"))
    }
}

struct Flag(bool);

impl FromRow for Flag {
    fn from_row(row: &Row<'_>) -> Self {
        Flag(row.get("value"))
    }
}

/// The marker of either model, as a UTC time.
struct Marker(Option<DateTime<Utc>>);

/// Reads the marker of row `id` through the model's own `find_in`.
async fn marker<T: SoftDelete<Id = i64>>(db: &Db, id: i64) -> Option<DateTime<Utc>> {
    struct Tz(Option<DateTime<Utc>>);
    impl FromRow for Tz {
        fn from_row(row: &Row<'_>) -> Self {
            Tz(row.get("deleted_at"))
        }
    }
    struct Naive(Option<NaiveDateTime>);
    impl FromRow for Naive {
        fn from_row(row: &Row<'_>) -> Self {
            Naive(row.get("deleted_at"))
        }
    }
    let select = T::find_in(id, TrashMode::WithTrashed);
    let markers: Vec<Marker> = if T::MARKER.with_time_zone {
        db.fetch::<Tz, _>(&select)
            .await
            .into_iter()
            .map(|m| Marker(m.0))
            .collect()
    } else {
        // A naive marker holds UTC: read it as such.
        db.fetch::<Naive, _>(&select)
            .await
            .into_iter()
            .map(|m| Marker(m.0.map(|naive| naive.and_utc())))
            .collect()
    };
    assert_eq!(markers.len(), 1, "{}: row {id} should exist", db.backend());
    markers.into_iter().next().unwrap().0
}

/// Checks that the session zone is the one expected.
async fn assert_zone(db: &Db, zone: Zone) {
    let setting = match db.backend() {
        Backend::Postgres => "current_setting('TimeZone')",
        Backend::MySql => "CAST(@@session.time_zone AS CHAR)",
        Backend::Sqlite => return,
    };
    let select = Query::select()
        .expr_as(Expr::cust(setting), "value")
        .to_owned();
    let reported = db.fetch::<Text, _>(&select).await;
    assert_eq!(
        reported[0].0,
        zone.reported,
        "{}: the session time zone was not set",
        db.backend()
    );
}

/// The stored marker of row `id` as the server itself renders it in UTC
/// (`None` for SQLite, whose stored text is checked by reading it back).
async fn server_utc_text<T: SoftDelete>(db: &Db, id: i64) -> Option<String> {
    let column = db.backend().quote(T::MARKER.column);
    let expr = match (db.backend(), T::MARKER.with_time_zone) {
        (Backend::Postgres, true) => {
            format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')")
        }
        (Backend::Postgres, false) => format!("to_char({column}, 'YYYY-MM-DD HH24:MI:SS.US')"),
        (Backend::MySql, _) => format!("DATE_FORMAT({column}, '%Y-%m-%d %H:%i:%s.%f')"),
        (Backend::Sqlite, _) => return None,
    };
    let select = Query::select()
        .expr_as(Expr::cust(expr), "value")
        .from(T::TABLE)
        .and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id))
        .to_owned();
    Some(db.fetch::<Text, _>(&select).await.remove(0).0)
}

/// Whether the stored marker of row `id` is within a minute of the server's
/// own UTC clock (`None` for SQLite).
async fn server_says_now<T: SoftDelete>(db: &Db, id: i64) -> Option<bool> {
    let column = db.backend().quote(T::MARKER.column);
    let expr = match (db.backend(), T::MARKER.with_time_zone) {
        (Backend::Postgres, true) => format!("abs(extract(epoch from ({column} - now()))) < 60"),
        (Backend::Postgres, false) => {
            format!("abs(extract(epoch from ({column} - (now() AT TIME ZONE 'UTC')))) < 60")
        }
        (Backend::MySql, _) => {
            format!("ABS(TIMESTAMPDIFF(SECOND, {column}, UTC_TIMESTAMP(6))) < 60")
        }
        (Backend::Sqlite, _) => return None,
    };
    let select = Query::select()
        .expr_as(Expr::cust(expr), "value")
        .from(T::TABLE)
        .and_where(Expr::col((T::TABLE, T::PRIMARY_KEY)).eq(id))
        .to_owned();
    Some(db.fetch::<Flag, _>(&select).await.remove(0).0)
}

/// Writes markers in the session zone `write`, then reads and purges in the
/// zone `read` (both `None` on SQLite).
async fn markers_are_utc<T>(backend: Backend, write: Option<Zone>, read: Option<Zone>)
where
    T: SoftDelete<Id = i64> + RecordsDeletionTime,
{
    let mut options = Db::options(backend);
    if let Some(zone) = write {
        options = options.on_connect(zone.set);
    }
    // One connection: the zone switch below applies to every later statement.
    let db = options.max_connections(1).connect().await;
    let marker_type = if T::MARKER.with_time_zone {
        SqlType::TimestampTz
    } else {
        SqlType::Timestamp
    };
    db.create_table(
        T::TABLE,
        &[("id", SqlType::Id), (T::MARKER.column, marker_type)],
    )
    .await;
    let what = format!(
        "{backend}, {}, written in {:?}, read in {:?}",
        T::TABLE,
        write.map(|z| z.reported),
        read.map(|z| z.reported)
    );
    if let Some(zone) = write {
        assert_zone(&db, zone).await;
    }
    let insert = Query::insert()
        .into_table(T::TABLE)
        .columns([T::PRIMARY_KEY])
        .values_panic([Expr::val(1_i64)])
        .values_panic([Expr::val(2_i64)])
        .values_panic([Expr::val(3_i64)])
        .to_owned();
    assert_eq!(db.execute(&insert).await, 3, "{what}");

    // Near a day boundary, so a zone shift would change the date too.
    let at =
        Utc.with_ymd_and_hms(2024, 12, 31, 23, 30, 15).unwrap() + Duration::microseconds(654_321);
    assert_eq!(db.execute(&T::delete_by_id_at(1, at)).await, 1, "{what}");
    let before = Utc::now();
    assert_eq!(db.execute(&T::delete_by_id(2)).await, 1, "{what}");
    let after = Utc::now();

    if let Some(zone) = read {
        db.raw(zone.set).await;
        assert_zone(&db, zone).await;
    }

    assert_eq!(marker::<T>(&db, 1).await, Some(at), "{what}: read back");
    if let Some(text) = server_utc_text::<T>(&db, 1).await {
        assert_eq!(
            text,
            at.format("%Y-%m-%d %H:%M:%S%.6f").to_string(),
            "{what}: the server holds the UTC time"
        );
    }
    let now_marker = marker::<T>(&db, 2).await.expect("row 2 is trashed");
    let slack = Duration::milliseconds(1);
    assert!(
        before - slack <= now_marker && now_marker <= after + slack,
        "{what}: delete_by_id stored {now_marker}, expected between {before} and {after}"
    );
    if let Some(near) = server_says_now::<T>(&db, 2).await {
        assert!(
            near,
            "{what}: the server's UTC clock disagrees with the stored time {now_marker} ({:?})",
            server_utc_text::<T>(&db, 2).await
        );
    }

    let micro = Duration::microseconds(1);
    assert_eq!(
        db.execute(&T::purge_trashed_before(at - micro, db.backend().schema()))
            .await,
        0,
        "{what}: cutoff just before"
    );
    assert_eq!(
        db.execute(&T::purge_trashed_before(at, db.backend().schema()))
            .await,
        0,
        "{what}: cutoff at the deletion time (strictly before)"
    );
    assert_eq!(
        db.execute(&T::purge_trashed_before(at + micro, db.backend().schema()))
            .await,
        1,
        "{what}: cutoff just after"
    );
    assert_eq!(
        db.execute(&T::purge_trashed_before(
            before - Duration::minutes(1),
            db.backend().schema()
        ))
        .await,
        0,
        "{what}: row 2 was deleted now, not a zone offset ago"
    );
    assert_eq!(
        db.execute(&T::purge_trashed_before(
            after + Duration::minutes(1),
            db.backend().schema()
        ))
        .await,
        1,
        "{what}: row 2 was deleted now, not a zone offset ahead"
    );
    assert_eq!(db.ids::<T>(&T::with_trashed()).await, [3], "{what}");
    assert_eq!(db.ids::<T>(&T::query()).await, [3], "{what}");
}

#[tokio::test]
async fn timestamp_with_time_zone_markers_are_utc() {
    for backend in common::backends() {
        let zones = zones(backend);
        if zones.is_empty() {
            markers_are_utc::<Event>(backend, None, None).await;
        }
        for (write, read) in zones.iter().zip(zones.iter().rev()) {
            markers_are_utc::<Event>(backend, Some(*write), Some(*read)).await;
        }
    }
}

#[tokio::test]
async fn naive_markers_hold_utc() {
    for backend in common::backends() {
        let zones = zones(backend);
        if zones.is_empty() {
            markers_are_utc::<Entry>(backend, None, None).await;
        }
        for (write, read) in zones.iter().zip(zones.iter().rev()) {
            markers_are_utc::<Entry>(backend, Some(*write), Some(*read)).await;
        }
    }
}

#[tokio::test]
async fn naive_marker_is_the_naive_utc_of_the_instant() {
    for backend in common::backends() {
        let zone = zones(backend).first().copied();
        let mut options = Db::options(backend);
        if let Some(zone) = zone {
            options = options.on_connect(zone.set);
        }
        let db = options.connect().await;
        db.create_table(
            Entry::TABLE,
            &[("id", SqlType::Id), ("deleted_at", SqlType::Timestamp)],
        )
        .await;
        let insert = Query::insert()
            .into_table(Entry::TABLE)
            .columns([EntryColumn::Id])
            .values_panic([Expr::val(1_i64)])
            .to_owned();
        db.execute(&insert).await;
        // An instant given in a far zone: the naive marker is its UTC reading.
        let at = chrono::FixedOffset::east_opt(14 * 3600)
            .unwrap()
            .with_ymd_and_hms(2025, 1, 1, 8, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(db.execute(&Entry::delete_by_id_at(1, at)).await, 1);
        struct Naive(Option<NaiveDateTime>);
        impl FromRow for Naive {
            fn from_row(row: &Row<'_>) -> Self {
                Naive(row.get("deleted_at"))
            }
        }
        let stored = db
            .fetch::<Naive, _>(&Entry::find_in(1, TrashMode::OnlyTrashed))
            .await;
        assert_eq!(stored.len(), 1, "{backend}");
        assert_eq!(
            stored[0].0,
            Some(at.naive_utc()),
            "{backend}: the naive marker equals at.naive_utc()"
        );
        assert_eq!(
            stored[0].0.unwrap().to_string(),
            "2024-12-31 18:00:00",
            "{backend}"
        );
    }
}
