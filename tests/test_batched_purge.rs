//! Purging by age on SQLite, PostgreSQL and MariaDB: `purge_trashed_before_batch`
//! run in the documented loop removes at most N rows per statement, oldest
//! first, and in the end exactly the rows trashed before the cutoff, never a
//! live row; markers written by the database's `CURRENT_TIMESTAMP` (on
//! SQLite, text in another format than the library's) are compared as times;
//! plain `purge_trashed_before` removes the same rows in one statement.

mod common;

use std::num::NonZeroU32;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use common::TestBackend as _;
use common::{marker, Backend, Db, FromRow, Row, SqlType, TimestampModel as Model};
use sea_query::{Cond, Expr, ExprTrait, Query};
use soft_delete::SoftDelete;

/// Timestamp marker with time zone: RFC 3339 text on SQLite.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "posts")]
struct Post {
    id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

/// Timestamp marker without time zone: `YYYY-MM-DD HH:MM:SS.ffffff` text on
/// SQLite.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "notes")]
struct Note {
    id: i64,
    deleted_at: Option<NaiveDateTime>,
}

impl Model for Post {
    const MARKER_TYPE: SqlType = SqlType::TimestampTz;
    fn marker_of(row: &Row<'_>) -> Option<DateTime<Utc>> {
        row.get("deleted_at")
    }
}

impl Model for Note {
    const MARKER_TYPE: SqlType = SqlType::Timestamp;
    fn marker_of(row: &Row<'_>) -> Option<DateTime<Utc>> {
        row.get::<Option<NaiveDateTime>>("deleted_at")
            .map(|naive| naive.and_utc())
    }
}

async fn table<T: Model>(backend: Backend) -> Db {
    let db = Db::connect(backend).await;
    db.create_table(
        T::TABLE,
        &[("id", SqlType::Id), ("deleted_at", T::MARKER_TYPE)],
    )
    .await;
    db
}

/// Inserts live rows `ids`.
async fn insert_live<T: Model>(db: &Db, ids: impl IntoIterator<Item = i64>) {
    for id in ids {
        let insert = Query::insert()
            .into_table(T::TABLE)
            .columns(["id"])
            .values_panic([id.into()])
            .to_owned();
        assert_eq!(db.execute(&insert).await, 1, "{}: insert", db.backend());
    }
}

fn ids(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids
}

/// An instant with a fraction of a second, so microseconds are compared too.
fn cutoff() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 30, 12, 0, 0).unwrap() + Duration::microseconds(250_000)
}

/// Rows for the batch tests: `(id, deleted at)`, ids out of time order so
/// "oldest first" is not "lowest id first".
struct Fixture {
    /// Trashed strictly before the cutoff, oldest first.
    old: Vec<(i64, DateTime<Utc>)>,
    /// Trashed at or after the cutoff.
    recent: Vec<(i64, DateTime<Utc>)>,
    /// Never deleted.
    live: Vec<i64>,
}

fn fixture() -> Fixture {
    let c = cutoff();
    // 17 old rows: hours to days before the cutoff, plus one a millisecond
    // before it; ids scrambled against their age.
    let mut old: Vec<(i64, DateTime<Utc>)> = (0..16_i64)
        .map(|n| (100 + (n * 7) % 16, c - Duration::hours(n * 5 + 1)))
        .collect();
    old.push((150, c - Duration::milliseconds(1)));
    old.sort_by_key(|&(_, at)| at);
    let recent = vec![
        (200, c),
        (201, c + Duration::microseconds(1)),
        (202, c + Duration::hours(3)),
        (203, c + Duration::days(40)),
    ];
    Fixture {
        old,
        recent,
        live: vec![1, 2, 3, 4, 5],
    }
}

/// Empties the table, then inserts the fixture, trashing rows through the
/// library (`delete_by_id_at`).
async fn load<T: Model>(db: &Db, fixture: &Fixture) {
    db.execute(&T::force_delete_where(Cond::all())).await;
    let trashed = fixture.old.iter().chain(&fixture.recent);
    insert_live::<T>(
        db,
        trashed
            .clone()
            .map(|&(id, _)| id)
            .chain(fixture.live.clone()),
    )
    .await;
    for &(id, at) in trashed {
        assert_eq!(
            db.execute(&T::delete_by_id_at(id, at)).await,
            1,
            "{}: trash {id}",
            db.backend()
        );
    }
}

/// Runs the documented loop with `batch` and checks every batch: at most
/// `batch` rows, the oldest left, no live or recent row ever.
async fn purge_in_batches<T: Model>(db: &Db, fixture: &Fixture, batch: u32) {
    let what = format!("{}: {} in batches of {batch}", db.backend(), T::TABLE);
    let size = NonZeroU32::new(batch).unwrap();
    let keep: Vec<i64> = ids(fixture
        .recent
        .iter()
        .map(|&(id, _)| id)
        .chain(fixture.live.clone()));
    let mut purged = 0_usize;
    let mut statements = 0;
    loop {
        let statement = T::purge_trashed_before_batch(cutoff(), size, db.backend().schema());
        let deleted = db.execute(&statement).await;
        statements += 1;
        assert!(
            deleted <= u64::from(batch),
            "{what}: one statement deleted {deleted} rows: {}",
            db.sql(&statement)
        );
        purged += usize::try_from(deleted).unwrap();
        // Oldest first: what is left of the old rows is the youngest ones.
        let expected = ids(fixture.old[purged.min(fixture.old.len())..]
            .iter()
            .map(|&(id, _)| id)
            .chain(keep.clone()));
        assert_eq!(
            db.ids::<T>(&T::with_trashed()).await,
            expected,
            "{what}: after statement {statements}"
        );
        if deleted < u64::from(batch) {
            break;
        }
        assert!(statements <= 100, "{what}: the loop does not end");
    }
    assert_eq!(purged, fixture.old.len(), "{what}: every old row is purged");
    let full_batches = fixture.old.len() / batch as usize;
    assert_eq!(
        statements,
        full_batches + 1,
        "{what}: full batches, then one that deletes fewer (possibly none)"
    );
    assert_eq!(db.ids::<T>(&T::query()).await, fixture.live, "{what}");
    assert_eq!(
        db.ids::<T>(&T::only_trashed()).await,
        ids(fixture.recent.iter().map(|&(id, _)| id)),
        "{what}: a row trashed at the cutoff or later stays"
    );
}

async fn batches<T: Model>(backend: Backend) {
    let db = table::<T>(backend).await;
    let fixture = fixture();
    // 17 old rows: batches that divide it, and that do not, and one larger.
    for batch in [1, 4, 17, 5, 1000] {
        load::<T>(&db, &fixture).await;
        purge_in_batches::<T>(&db, &fixture, batch).await;
    }
}

#[tokio::test]
async fn batches_purge_exactly_the_rows_trashed_before_the_cutoff() {
    for backend in common::backends() {
        batches::<Post>(backend).await;
        batches::<Note>(backend).await;
    }
}

async fn plain<T: Model>(backend: Backend) {
    let db = table::<T>(backend).await;
    let fixture = fixture();
    load::<T>(&db, &fixture).await;
    let what = format!("{backend}: {}", T::TABLE);
    assert_eq!(
        db.execute(&T::purge_trashed_before(cutoff(), backend.schema()))
            .await,
        u64::try_from(fixture.old.len()).unwrap(),
        "{what}: purge_trashed_before"
    );
    assert_eq!(db.ids::<T>(&T::query()).await, fixture.live, "{what}");
    assert_eq!(
        db.ids::<T>(&T::only_trashed()).await,
        ids(fixture.recent.iter().map(|&(id, _)| id)),
        "{what}"
    );
    assert_eq!(
        db.execute(&T::purge_trashed_before(cutoff(), backend.schema()))
            .await,
        0,
        "{what}: nothing left to purge"
    );
}

#[tokio::test]
async fn plain_purge_removes_the_same_rows_in_one_statement() {
    for backend in common::backends() {
        plain::<Post>(backend).await;
        plain::<Note>(backend).await;
    }
}

/// The stored text of the marker of row `id` on SQLite.
async fn sqlite_text<T: Model>(db: &Db, id: i64) -> String {
    struct Text(String);
    impl FromRow for Text {
        fn from_row(row: &Row<'_>) -> Self {
            Text(row.get("marker"))
        }
    }
    let sql = format!(
        "SELECT deleted_at AS marker FROM {} WHERE id = {id}",
        db.backend().quote(T::TABLE)
    );
    let rows = db.fetch_sql::<Text>(&sql).await;
    assert_eq!(rows.len(), 1, "{sql}");
    rows.into_iter().next().unwrap().0
}

/// Rows trashed by the database's `CURRENT_TIMESTAMP` and by the library,
/// around it, with cutoffs a second either side of it: on SQLite the first
/// is `2026-01-02 03:04:05` text and the second (with time zone)
/// `2026-01-02T03:04:04.5+00:00`, which sort the wrong way round as text
/// within one day.
///
/// Rows: 1 at N-2s, 2 at N-0.5s (library), 3 at N (`CURRENT_TIMESTAMP`),
/// 4 at N+0.5s, 5 at N+2s (library), 6 live; N is what row 3 holds.
/// (Should N fall within 2s of midnight, the rows straddle two days and the
/// SQLite case gets easier, not wrong.)
async fn database_written_markers<T: Model>(
    backend: Backend,
    purge: impl Fn(DateTime<Utc>) -> Vec<sea_query::DeleteStatement>,
) -> Db {
    let db = table::<T>(backend).await;
    let what = format!("{backend}: {}", T::TABLE);
    insert_live::<T>(&db, 1..=6).await;
    db.raw(&format!(
        "UPDATE {} SET deleted_at = CURRENT_TIMESTAMP WHERE id = 3",
        backend.quote(T::TABLE)
    ))
    .await;
    let now = marker::<T>(&db, 3)
        .await
        .expect("CURRENT_TIMESTAMP is not NULL");
    let app_now = Utc::now();
    assert!(
        (app_now - now).abs() < Duration::seconds(5),
        "{what}: CURRENT_TIMESTAMP wrote {now}, not UTC now ({app_now}): the session is not in UTC"
    );
    for (id, offset) in [(1, -2000), (2, -500), (4, 500), (5, 2000)] {
        let at = now + Duration::milliseconds(offset);
        assert_eq!(db.execute(&T::delete_by_id_at(id, at)).await, 1, "{what}");
    }
    if backend == Backend::Sqlite {
        let database = sqlite_text::<T>(&db, 3).await;
        assert!(
            database.len() == 19 && database.as_bytes()[10] == b' ',
            "{what}: CURRENT_TIMESTAMP wrote {database:?}"
        );
        if T::MARKER.with_time_zone {
            let library = sqlite_text::<T>(&db, 2).await;
            assert!(
                library.as_bytes()[10] == b'T' && library.ends_with("+00:00"),
                "{what}: the library wrote {library:?}"
            );
        }
    }

    for statement in purge(now - Duration::seconds(1)) {
        db.execute(&statement).await;
    }
    assert_eq!(
        db.ids::<T>(&T::with_trashed()).await,
        [2, 3, 4, 5, 6],
        "{what}: cutoff a second before CURRENT_TIMESTAMP: only the row 2s before it goes; row 3 was trashed after the cutoff"
    );
    for statement in purge(now + Duration::seconds(1)) {
        db.execute(&statement).await;
    }
    assert_eq!(
        db.ids::<T>(&T::with_trashed()).await,
        [5, 6],
        "{what}: cutoff a second after CURRENT_TIMESTAMP: rows 2, 3 and 4 go"
    );
    db
}

/// The documented loop, as statements to run in order: one batch of 2, then
/// as many more as the test needs (each running on what the last left).
fn batched<T: Model>(
    backend: Backend,
) -> impl Fn(DateTime<Utc>) -> Vec<sea_query::DeleteStatement> {
    move |cutoff| {
        let size = NonZeroU32::new(2).unwrap();
        (0..4)
            .map(|_| T::purge_trashed_before_batch(cutoff, size, backend.schema()))
            .collect()
    }
}

#[tokio::test]
async fn batches_compare_database_written_markers_as_times() {
    for backend in common::backends() {
        database_written_markers::<Post>(backend, batched::<Post>(backend)).await;
        database_written_markers::<Note>(backend, batched::<Note>(backend)).await;
    }
}

fn unbatched<T: Model>(
    backend: Backend,
) -> impl Fn(DateTime<Utc>) -> Vec<sea_query::DeleteStatement> {
    move |cutoff| vec![T::purge_trashed_before(cutoff, backend.schema())]
}

/// Plain `purge_trashed_before` must purge by time too: the scenario of
/// [`batches_compare_database_written_markers_as_times`], one test per
/// backend so each reports on its own.
async fn plain_purge_of_database_written_markers(backend: Backend) {
    if let Some(backend) = backend.if_configured() {
        database_written_markers::<Post>(backend, unbatched::<Post>(backend)).await;
        database_written_markers::<Note>(backend, unbatched::<Note>(backend)).await;
    }
}

/// On SQLite the stored text of a `DateTime<Utc>` marker differs by writer
/// (sqlx: RFC 3339 with a `T`; a console's `CURRENT_TIMESTAMP`: a space, no
/// offset); the statement compares them as times all the same.
#[tokio::test]
async fn plain_purge_compares_database_written_markers_as_times_on_sqlite() {
    plain_purge_of_database_written_markers(Backend::Sqlite).await;
}

#[tokio::test]
async fn plain_purge_compares_database_written_markers_as_times_on_postgres() {
    plain_purge_of_database_written_markers(Backend::Postgres).await;
}

#[tokio::test]
async fn plain_purge_compares_database_written_markers_as_times_on_mariadb() {
    plain_purge_of_database_written_markers(Backend::MySql).await;
}

/// Rows a microsecond and a millisecond either side of the cutoff: "strictly
/// before" holds to the microsecond the columns store.
async fn exact_at_the_cutoff<T: Model>(backend: Backend) {
    let db = table::<T>(backend).await;
    let what = format!("{backend}: {}", T::TABLE);
    let c = cutoff();
    let rows = [
        (1, c - Duration::milliseconds(1)),
        (2, c - Duration::microseconds(1)),
        (3, c),
        (4, c + Duration::microseconds(1)),
    ];
    insert_live::<T>(&db, rows.iter().map(|&(id, _)| id).chain([9])).await;
    for (id, at) in rows {
        db.execute(&T::delete_by_id_at(id, at)).await;
        assert_eq!(
            marker::<T>(&db, id).await,
            Some(at),
            "{what}: stored exactly"
        );
    }
    let size = NonZeroU32::new(10).unwrap();
    let deleted = db
        .execute(&T::purge_trashed_before_batch(c, size, backend.schema()))
        .await;
    assert_eq!(
        db.ids::<T>(&T::with_trashed()).await,
        [3, 4, 9],
        "{what}: batched purge at {c}: the rows 1ms and 1µs before it go ({deleted} deleted)"
    );
}

async fn exact_to_the_microsecond(backend: Backend) {
    if let Some(backend) = backend.if_configured() {
        exact_at_the_cutoff::<Post>(backend).await;
        exact_at_the_cutoff::<Note>(backend).await;
    }
}

#[tokio::test]
async fn batched_purge_is_exact_to_the_microsecond_on_sqlite() {
    exact_to_the_microsecond(Backend::Sqlite).await;
}

#[tokio::test]
async fn batched_purge_is_exact_to_the_microsecond_on_postgres() {
    exact_to_the_microsecond(Backend::Postgres).await;
}

#[tokio::test]
async fn batched_purge_is_exact_to_the_microsecond_on_mariadb() {
    exact_to_the_microsecond(Backend::MySql).await;
}

/// Never a live row, whatever the cutoff: one far in the future purges every
/// trashed row and leaves the live ones.
#[tokio::test]
async fn a_cutoff_in_the_future_purges_the_trash_only() {
    for backend in common::backends() {
        let db = table::<Post>(backend).await;
        insert_live::<Post>(&db, 1..=6).await;
        db.execute(&Post::delete_where(Cond::all().add(
            Expr::col((PostColumn::Table, PostColumn::Id)).is_in([2, 4, 6]),
        )))
        .await;
        let size = NonZeroU32::new(2).unwrap();
        let far = Utc::now() + Duration::days(365 * 100);
        let mut batches = Vec::new();
        loop {
            let deleted = db
                .execute(&Post::purge_trashed_before_batch(
                    far,
                    size,
                    backend.schema(),
                ))
                .await;
            batches.push(deleted);
            if deleted < 2 {
                break;
            }
        }
        assert_eq!(batches, [2, 1], "{backend}");
        assert_eq!(
            db.ids::<Post>(&Post::with_trashed()).await,
            [1, 3, 5],
            "{backend}"
        );
        assert_eq!(db.ids::<Post>(&Post::query()).await, [1, 3, 5], "{backend}");
    }
}

/// "Oldest first" holds when the markers were written by different writers:
/// row 1 by `CURRENT_TIMESTAMP` at N, row 2 by the library a second earlier;
/// a batch of one must take row 2.
async fn oldest_first_across_formats<T: Model>(backend: Backend) {
    let db = table::<T>(backend).await;
    let what = format!("{backend}: {}", T::TABLE);
    insert_live::<T>(&db, 1..=3).await;
    db.raw(&format!(
        "UPDATE {} SET deleted_at = CURRENT_TIMESTAMP WHERE id = 1",
        backend.quote(T::TABLE)
    ))
    .await;
    let now = marker::<T>(&db, 1).await.unwrap();
    db.execute(&T::delete_by_id_at(2, now - Duration::seconds(1)))
        .await;
    let one = NonZeroU32::new(1).unwrap();
    let purge = T::purge_trashed_before_batch(now + Duration::seconds(2), one, backend.schema());
    assert_eq!(db.execute(&purge).await, 1, "{what}");
    assert_eq!(
        db.ids::<T>(&T::with_trashed()).await,
        [1, 3],
        "{what}: the first batch of one takes the row trashed first (row 2, a second before row 1): `{}`",
        db.sql(&purge)
    );
    assert_eq!(db.execute(&purge).await, 1, "{what}");
    assert_eq!(db.execute(&purge).await, 0, "{what}");
    assert_eq!(db.ids::<T>(&T::with_trashed()).await, [3], "{what}");
}

async fn oldest_first(backend: Backend) {
    if let Some(backend) = backend.if_configured() {
        // SQLite batches go in stored-text order (documented), which is time
        // order for `NaiveDateTime` markers whoever wrote them (sqlx and
        // `CURRENT_TIMESTAMP` share the format) but not across the RFC 3339
        // text sqlx writes for `DateTime<Utc>`.
        if backend != Backend::Sqlite {
            oldest_first_across_formats::<Post>(backend).await;
        }
        oldest_first_across_formats::<Note>(backend).await;
    }
}

#[tokio::test]
async fn batches_take_the_oldest_first_across_formats_on_sqlite() {
    oldest_first(Backend::Sqlite).await;
}

#[tokio::test]
async fn batches_take_the_oldest_first_across_formats_on_postgres() {
    oldest_first(Backend::Postgres).await;
}

#[tokio::test]
async fn batches_take_the_oldest_first_across_formats_on_mariadb() {
    oldest_first(Backend::MySql).await;
}

/// SQLite decides a marker whose text starts with a date two days or more
/// before the cutoff's by the text alone: markers written with offsets of
/// ±14 hours on the days around that edge, and in other forms, still purge
/// exactly the rows before the cutoff.
#[tokio::test]
async fn sqlite_text_dates_around_the_cutoff_purge_by_their_time() {
    let db = table::<Post>(Backend::Sqlite).await;
    let c = Utc.with_ymd_and_hms(2026, 1, 3, 0, 0, 0).unwrap();
    // (id, marker text as another writer left it)
    let rows: [(i64, &str); 12] = [
        (1, "2026-01-01T23:59:59-14:00"), // 2026-01-02 13:59:59 UTC: due
        (2, "2026-01-01 00:00:00+14:00"), // 2025-12-31 10:00 UTC: due
        (3, "2026-01-02T23:59:59.999999-14:00"), // 2026-01-03 13:59 UTC: not due
        (4, "2026-01-02T23:59:59.999999+00:00"), // due
        (5, "2026-01-03T13:00:00+14:00"), // 2026-01-02 23:00 UTC: due
        (6, "2026-01-03 00:00:00"),       // the cutoff: not due
        (7, "2026-01-02 23:59:59.999999999"), // due
        (8, "2025-12-31"),                // a date alone: due
        (9, "2026-01-02T10:00:00Z"),      // due
        (10, "2026-01-04 00:00:00-14:00"), // not due
        (11, "2020-06-01T00:00:00+05:30"), // due
        (12, "2026-01-02T09:59:59.5-14:00"), // 2026-01-02 23:59:59.5 UTC: due
    ];
    for (id, text) in rows {
        db.raw(&format!(
            "INSERT INTO posts (id, deleted_at) VALUES ({id}, '{text}')"
        ))
        .await;
    }
    db.raw("INSERT INTO posts (id, deleted_at) VALUES (99, NULL)")
        .await;
    db.execute(&Post::purge_trashed_before(c, Backend::Sqlite.schema()))
        .await;
    assert_eq!(
        db.ids::<Post>(&Post::with_trashed()).await,
        [3, 6, 10, 99],
        "SQLite: exactly the rows before the cutoff went"
    );
}
