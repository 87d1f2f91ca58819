//! The trash by time: `T::trashed_between` and the handle's
//! `list_trashed_since`, on SQLite, PostgreSQL and MariaDB. On SQLite the
//! markers are text in whatever format wrote them (sqlx's RFC 3339 with a
//! fraction, `CURRENT_TIMESTAMP`'s `YYYY-MM-DD HH:MM:SS`, an offset other
//! than UTC); the windows are exact to the written fraction of a second.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::TestBackend as _;
use common::{Backend, Db, SqlType};
use soft_delete::sqlx::{Run, SoftDeleteExt};
use soft_delete::SoftDelete;

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "notes")]
pub struct Note {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

async fn ids_between(db: &Db, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Vec<i64> {
    let select = Note::with_trashed()
        .cond_where(Note::trashed_between(from, to, db.backend().schema()))
        .order_by((NoteColumn::Table, NoteColumn::Id), sea_query::Order::Asc)
        .to_owned();
    db.ids::<Note>(&select).await
}

/// On SQLite, markers of three formats, one instant apart by fractions of a
/// second: every window picks exactly the rows inside it.
#[tokio::test]
async fn sqlite_windows_are_exact_whatever_wrote_the_marker() {
    let db = Db::connect(Backend::Sqlite).await;
    db.create_table(
        "notes",
        &[("id", SqlType::Id), ("deleted_at", SqlType::TimestampTz)],
    )
    .await;
    db.raw(
        "INSERT INTO notes (id, deleted_at) VALUES
            (1, '2026-03-01 10:00:00'),
            (2, '2026-03-01T10:00:00.250+00:00'),
            (3, '2026-03-01T12:00:00.500+02:00'),
            (4, '2026-03-01T10:00:00.750Z'),
            (5, NULL)",
    )
    .await;
    // Row 6 written by sqlx itself.
    db.raw("INSERT INTO notes (id) VALUES (6)").await;
    Note::delete_by_id_at(6, at("2026-03-01T10:00:01.000Z"))
        .execute(db.sqlite_pool())
        .await
        .expect("soft delete");

    let ten = at("2026-03-01T10:00:00Z");
    assert_eq!(ids_between(&db, Some(ten), None).await, [1, 2, 3, 4, 6]);
    assert_eq!(ids_between(&db, None, Some(ten)).await, Vec::<i64>::new());
    assert_eq!(
        ids_between(
            &db,
            Some(ten + Duration::milliseconds(250)),
            Some(ten + Duration::milliseconds(750))
        )
        .await,
        [2, 3],
        "[.250, .750): row 3 is 12:00:00.500 at +02:00, i.e. 10:00:00.500 UTC"
    );
    assert_eq!(
        ids_between(&db, Some(ten + Duration::milliseconds(251)), None).await,
        [3, 4, 6]
    );
    assert_eq!(
        ids_between(&db, None, None).await,
        [1, 2, 3, 4, 6],
        "both ends open: the trash"
    );
    assert_eq!(
        ids_between(
            &db,
            Some(DateTime::<Utc>::MIN_UTC),
            Some(DateTime::<Utc>::MAX_UTC)
        )
        .await,
        [1, 2, 3, 4, 6],
        "ends past the column's range mean what they say"
    );
}

/// `list_trashed_since` on every backend: the rows trashed at or after the
/// instant, newest first, live rows never.
#[tokio::test]
async fn list_trashed_since_is_newest_first() {
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(2).connect().await;
        db.create_table(
            "notes",
            &[("id", SqlType::Id), ("deleted_at", SqlType::TimestampTz)],
        )
        .await;
        for id in 1..=5 {
            db.raw(&format!("INSERT INTO notes (id) VALUES ({id})"))
                .await;
        }
        let base = Utc
            .with_ymd_and_hms(2026, 3, 1, 10, 0, 0)
            .single()
            .expect("valid");
        for (id, minutes) in [(1, 0), (2, 10), (3, 20), (4, 30)] {
            let statement = Note::delete_by_id_at(id, base + Duration::minutes(minutes));
            match backend {
                Backend::Sqlite => statement.execute(db.sqlite_pool()).await,
                Backend::Postgres => statement.execute(db.postgres_pool()).await,
                Backend::MySql => statement.execute(db.mysql_pool()).await,
            }
            .expect("soft delete");
        }
        let since = base + Duration::minutes(10);
        let notes = match backend {
            Backend::Sqlite => Note::on(db.sqlite_pool()).list_trashed_since(since).await,
            Backend::Postgres => Note::on(db.postgres_pool()).list_trashed_since(since).await,
            Backend::MySql => Note::on(db.mysql_pool()).list_trashed_since(since).await,
        }
        .expect("list");
        let ids: Vec<i64> = notes.iter().map(|note| note.id).collect();
        assert_eq!(ids, [4, 3, 2], "{backend}");
        assert_eq!(
            ids_between(
                &db,
                Some(base + Duration::minutes(5)),
                Some(base + Duration::minutes(25))
            )
            .await,
            [2, 3],
            "{backend}"
        );
    }
}
