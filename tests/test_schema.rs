//! The schema helpers executed on SQLite, PostgreSQL and MariaDB, for every
//! marker style: tables created with `marker_column` and tables made
//! soft-deletable by `add_marker_column` run the whole lifecycle;
//! `unique_among_live` rejects a second live duplicate, accepts a duplicate
//! of a trashed row and makes a restore into a taken key fail with the
//! database's unique error; `marker_index` and `live_index` exist under their
//! names, and the planner can serve `query()` from the live index.

mod common;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use common::TestBackend as _;
use common::{Backend, Db, FromRow, Row};
use sea_query::{ColumnDef, Cond, Expr, ExprTrait, Order, Query, Table, TableCreateStatement};
use soft_delete::{RecordsDeletionTime, Schema, SoftDelete};
use std::num::NonZeroU32;

/// Timestamp marker with time zone.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "members")]
struct Member {
    id: i64,
    tenant_id: i64,
    email: String,
    nickname: String,
    deleted_at: Option<DateTime<Utc>>,
}

/// Timestamp marker without time zone, holding UTC.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "naive_members")]
struct NaiveMember {
    id: i64,
    tenant_id: i64,
    email: String,
    nickname: String,
    deleted_at: Option<NaiveDateTime>,
}

/// Bool marker.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "flag_members", style = "bool")]
struct FlagMember {
    id: i64,
    tenant_id: i64,
    email: String,
    nickname: String,
    is_deleted: bool,
}

/// Unix-seconds marker.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "unix_members", style = "unix")]
struct UnixMember {
    id: i64,
    tenant_id: i64,
    email: String,
    nickname: String,
    deleted_at: i64,
}

impl FromRow for Member {
    fn from_row(row: &Row<'_>) -> Self {
        Member {
            id: row.get("id"),
            tenant_id: row.get("tenant_id"),
            email: row.get("email"),
            nickname: row.get("nickname"),
            deleted_at: row.get("deleted_at"),
        }
    }
}

impl FromRow for NaiveMember {
    fn from_row(row: &Row<'_>) -> Self {
        NaiveMember {
            id: row.get("id"),
            tenant_id: row.get("tenant_id"),
            email: row.get("email"),
            nickname: row.get("nickname"),
            deleted_at: row.get("deleted_at"),
        }
    }
}

impl FromRow for FlagMember {
    fn from_row(row: &Row<'_>) -> Self {
        FlagMember {
            id: row.get("id"),
            tenant_id: row.get("tenant_id"),
            email: row.get("email"),
            nickname: row.get("nickname"),
            is_deleted: row.get("is_deleted"),
        }
    }
}

impl FromRow for UnixMember {
    fn from_row(row: &Row<'_>) -> Self {
        UnixMember {
            id: row.get("id"),
            tenant_id: row.get("tenant_id"),
            email: row.get("email"),
            nickname: row.get("nickname"),
            deleted_at: row.get("deleted_at"),
        }
    }
}

/// A model of this file: every one has the columns `id`, `tenant_id`,
/// `email`, `nickname` and its marker; the schema helpers name them by the
/// model's column enum.
trait Model: SoftDelete<Id = i64> + FromRow {
    const TENANT_ID: Self::Column;
    const EMAIL: Self::Column;
    const NICKNAME: Self::Column;
}

/// [`Model`] for each `Model => ModelColumn` of this file.
macro_rules! models {
    ($($model:ident => $column:ident),* $(,)?) => {$(
        impl Model for $model {
            const TENANT_ID: $column = $column::TenantId;
            const EMAIL: $column = $column::Email;
            const NICKNAME: $column = $column::Nickname;
        }
    )*};
}

models!(
    Member => MemberColumn,
    NaiveMember => NaiveMemberColumn,
    FlagMember => FlagMemberColumn,
    UnixMember => UnixMemberColumn,
);

/// `CREATE TABLE` of the non-marker columns, plus the marker from
/// `marker_column` when `with_marker`.
fn create_table<T: Model>(backend: Backend, with_marker: bool) -> TableCreateStatement {
    let mut create = Table::create();
    create
        .table(T::TABLE)
        .col(ColumnDef::new("id").big_integer().primary_key())
        .col(ColumnDef::new("tenant_id").big_integer().not_null())
        // 191 characters of utf8mb4 fit MariaDB's index key limit.
        .col(ColumnDef::new("email").string_len(191).not_null())
        .col(ColumnDef::new("nickname").string_len(191).not_null());
    if with_marker {
        create.col(Schema::new(backend.schema()).marker_column::<T>());
    }
    create
}

/// Inserts a row with the marker left to its column default; the driver's
/// error is returned as it is.
async fn try_insert<T: Model>(
    db: &Db,
    id: i64,
    tenant_id: i64,
    email: &str,
    nickname: &str,
) -> Result<u64, sqlx::Error> {
    let insert = Query::insert()
        .into_table(T::TABLE)
        .columns(["id", "tenant_id", "email", "nickname"])
        .values_panic([id.into(), tenant_id.into(), email.into(), nickname.into()])
        .to_owned();
    db.try_execute_sqlx(&insert).await
}

async fn insert<T: Model>(db: &Db, id: i64, tenant_id: i64, email: &str, nickname: &str) {
    let result = try_insert::<T>(db, id, tenant_id, email, nickname).await;
    assert!(
        matches!(result, Ok(1)),
        "{}: insert of {}#{id} ({email}, {nickname}): {result:?}",
        db.backend(),
        T::TABLE
    );
}

/// Asserts that `result` is the database's unique-violation error.
fn assert_unique_violation(result: Result<u64, sqlx::Error>, what: &str) {
    match result {
        Err(sqlx::Error::Database(e)) => {
            assert!(
                e.is_unique_violation(),
                "{what}: a database error, but not a unique violation: {e}"
            );
            assert_eq!(
                e.kind(),
                sqlx::error::ErrorKind::UniqueViolation,
                "{what}: {e}"
            );
        }
        other => panic!("{what}: expected a unique violation, got {other:?}"),
    }
}

/// `(id, is_trashed)` of every row, trashed or not, read through the model:
/// the marker column decodes into the model's field type.
async fn rows<T: Model>(db: &Db) -> Vec<(i64, bool)> {
    let mut rows: Vec<(i64, bool)> = db
        .fetch::<T, _>(&T::with_trashed())
        .await
        .iter()
        .map(|row| (row.id(), row.is_trashed()))
        .collect();
    rows.sort_unstable();
    rows
}

fn tenant_is<T: Model>(tenant_id: i64) -> Cond {
    Cond::all().add(Expr::col((T::TABLE, "tenant_id")).eq(tenant_id))
}

/// Every statement of the lifecycle on a table holding live rows 1..=4
/// (tenant 1: rows 1 and 2; tenant 2: rows 3 and 4). Leaves rows 1, 2, 3
/// live and row 4 gone.
async fn lifecycle<T: Model>(db: &Db) {
    let what = format!("{}: {}", db.backend(), T::TABLE);
    assert_eq!(
        rows::<T>(db).await,
        [(1, false), (2, false), (3, false), (4, false)],
        "{what}: every row starts live"
    );
    assert_eq!(db.execute(&T::delete_by_id(2)).await, 1, "{what}");
    assert_eq!(
        db.execute(&T::delete_by_id(2)).await,
        0,
        "{what}: deleting twice"
    );
    assert_eq!(db.ids::<T>(&T::query()).await, [1, 3, 4], "{what}");
    assert_eq!(db.ids::<T>(&T::only_trashed()).await, [2], "{what}");
    assert_eq!(db.ids::<T>(&T::find(2)).await, Vec::<i64>::new(), "{what}");

    assert_eq!(
        db.execute(&T::delete_where(tenant_is::<T>(2))).await,
        2,
        "{what}: delete_where"
    );
    assert_eq!(
        rows::<T>(db).await,
        [(1, false), (2, true), (3, true), (4, true)],
        "{what}"
    );

    assert_eq!(db.execute(&T::restore_by_id(3)).await, 1, "{what}");
    assert_eq!(
        db.execute(&T::restore_by_id(3)).await,
        0,
        "{what}: restoring twice"
    );
    assert_eq!(
        db.execute(&T::restore_where(tenant_is::<T>(1))).await,
        1,
        "{what}: restore_where"
    );
    assert_eq!(db.ids::<T>(&T::query()).await, [1, 2, 3], "{what}");
    assert_eq!(db.ids::<T>(&T::only_trashed()).await, [4], "{what}");

    assert_eq!(db.execute(&T::force_delete_by_id(4)).await, 1, "{what}");
    assert_eq!(
        rows::<T>(db).await,
        [(1, false), (2, false), (3, false)],
        "{what}"
    );
}

/// Purges, for the styles that record a time, on the table [`lifecycle`]
/// leaves (rows 1, 2, 3 live).
async fn purge_lifecycle<T: Model + RecordsDeletionTime>(db: &Db) {
    let what = format!("{}: {}", db.backend(), T::TABLE);
    let now = Utc::now();
    assert_eq!(
        db.execute(&T::delete_by_id_at(1, now - Duration::days(2)))
            .await,
        1,
        "{what}"
    );
    assert_eq!(db.execute(&T::delete_by_id(2)).await, 1, "{what}");
    assert_eq!(
        db.execute(&T::purge_trashed_before(
            now - Duration::days(1),
            db.backend().schema()
        ))
        .await,
        1,
        "{what}: only the row trashed two days ago is older than a day"
    );
    assert_eq!(db.ids::<T>(&T::with_trashed()).await, [2, 3], "{what}");
    let batch = NonZeroU32::new(10).unwrap();
    let purge = T::purge_trashed_before_batch(
        Utc::now() + Duration::minutes(1),
        batch,
        db.backend().schema(),
    );
    assert_eq!(db.execute(&purge).await, 1, "{what}: batched purge");
    assert_eq!(db.execute(&purge).await, 0, "{what}: nothing left to purge");
    assert_eq!(
        rows::<T>(db).await,
        [(3, false)],
        "{what}: the live row stays"
    );
}

async fn seed<T: Model>(db: &Db) {
    for (id, tenant_id) in [(1, 1), (2, 1), (3, 2), (4, 2)] {
        insert::<T>(db, id, tenant_id, &format!("m{id}@example.com"), "nick").await;
    }
}

/// A table created with `marker_column`, seeded and run through the lifecycle.
async fn created_with_marker_column<T: Model>(db: &Db) {
    let backend = db.backend();
    db.raw(&backend.schema().render(&create_table::<T>(backend, true)))
        .await;
    seed::<T>(db).await;
    lifecycle::<T>(db).await;
}

/// A table created without the marker and holding rows, made soft-deletable
/// by `add_marker_column`, then run through the lifecycle.
async fn marker_added_later<T: Model>(db: &Db) {
    let backend = db.backend();
    db.raw(&backend.schema().render(&create_table::<T>(backend, false)))
        .await;
    seed::<T>(db).await;
    let alter = Schema::new(backend.schema()).add_marker_column::<T>();
    db.raw(&backend.schema().render(&alter)).await;
    assert_eq!(
        db.ids::<T>(&T::query()).await,
        [1, 2, 3, 4],
        "{backend}: {}: rows present before the marker was added are live",
        T::TABLE
    );
    lifecycle::<T>(db).await;
}

#[tokio::test]
async fn tables_created_with_marker_column_run_the_lifecycle() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        created_with_marker_column::<Member>(&db).await;
        purge_lifecycle::<Member>(&db).await;
        created_with_marker_column::<NaiveMember>(&db).await;
        purge_lifecycle::<NaiveMember>(&db).await;
        created_with_marker_column::<FlagMember>(&db).await;
        created_with_marker_column::<UnixMember>(&db).await;
        purge_lifecycle::<UnixMember>(&db).await;
    }
}

#[tokio::test]
async fn marker_added_to_an_existing_table_runs_the_lifecycle() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        marker_added_later::<Member>(&db).await;
        purge_lifecycle::<Member>(&db).await;
        marker_added_later::<NaiveMember>(&db).await;
        purge_lifecycle::<NaiveMember>(&db).await;
        marker_added_later::<FlagMember>(&db).await;
        marker_added_later::<UnixMember>(&db).await;
        purge_lifecycle::<UnixMember>(&db).await;
    }
}

/// `unique_among_live` over `email`, and over `(tenant_id, nickname)` on the
/// same table: two such indexes must coexist.
async fn unique_among_live<T: Model>(db: &Db) {
    let backend = db.backend();
    let what = format!("{backend}: {}", T::TABLE);
    db.raw(&backend.schema().render(&create_table::<T>(backend, true)))
        .await;
    for columns in [&[T::EMAIL][..], &[T::TENANT_ID, T::NICKNAME][..]] {
        let statements = Schema::new(backend.schema())
            .unique_among_live::<T>(columns)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        for sql in statements {
            db.raw(&sql).await;
        }
    }

    insert::<T>(db, 1, 1, "ann@example.com", "ann").await;
    assert_unique_violation(
        try_insert::<T>(db, 2, 2, "ann@example.com", "bob").await,
        &format!("{what}: a second live row with the same email"),
    );
    assert_unique_violation(
        try_insert::<T>(db, 2, 1, "bob@example.com", "ann").await,
        &format!("{what}: a second live row with the same (tenant, nickname)"),
    );
    // The same nickname in another tenant is another key.
    insert::<T>(db, 2, 2, "bob@example.com", "ann").await;

    assert_eq!(db.execute(&T::delete_by_id(1)).await, 1, "{what}");
    // Row 3 duplicates trashed row 1 on both keys.
    insert::<T>(db, 3, 1, "ann@example.com", "ann").await;
    assert_unique_violation(
        try_insert::<T>(db, 4, 1, "ann@example.com", "zed").await,
        &format!("{what}: row 3 holds the email now"),
    );

    assert_unique_violation(
        db.try_execute_sqlx(&T::restore_by_id(1)).await,
        &format!("{what}: restoring row 1 while live row 3 holds its keys"),
    );
    assert_eq!(
        db.ids::<T>(&T::only_trashed()).await,
        [1],
        "{what}: the failed restore left row 1 trashed"
    );

    // Two trashed duplicates coexist; once row 3 is trashed, row 1 can come back.
    assert_eq!(db.execute(&T::delete_by_id(3)).await, 1, "{what}");
    assert_eq!(db.ids::<T>(&T::only_trashed()).await, [1, 3], "{what}");
    assert_eq!(db.execute(&T::restore_by_id(1)).await, 1, "{what}");
    assert_unique_violation(
        db.try_execute_sqlx(&T::restore_by_id(3)).await,
        &format!("{what}: restoring row 3 while row 1 is live again"),
    );
    assert_eq!(db.ids::<T>(&T::query()).await, [1, 2], "{what}");
    assert_eq!(db.ids::<T>(&T::only_trashed()).await, [3], "{what}");
}

#[tokio::test]
async fn unique_among_live_rows() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        unique_among_live::<Member>(&db).await;
        unique_among_live::<NaiveMember>(&db).await;
        unique_among_live::<FlagMember>(&db).await;
        unique_among_live::<UnixMember>(&db).await;
    }
}

/// The plan of the live rows ordered by email, on SQLite and PostgreSQL
/// (where `live_index` is partial, so using it shows its predicate matches
/// the one `query()` writes).
async fn live_plan<T: Model>(db: &Db) -> String {
    let select = T::query()
        .order_by((T::TABLE, "email"), Order::Asc)
        .to_owned();
    let sql = db.sql(&select);
    let lines: Vec<String> = match db.backend() {
        Backend::Sqlite => db
            .fetch_sql::<Detail>(&format!("EXPLAIN QUERY PLAN {sql}"))
            .await
            .into_iter()
            .map(|line| line.0)
            .collect(),
        Backend::Postgres => db
            .fetch_sql::<PgPlanLine>(&format!("EXPLAIN {sql}"))
            .await
            .into_iter()
            .map(|line| line.0)
            .collect(),
        Backend::MySql => unreachable!("MariaDB has no partial index to match"),
    };
    lines.join("\n")
}

/// A line of SQLite's `EXPLAIN QUERY PLAN`.
struct Detail(String);

impl FromRow for Detail {
    fn from_row(row: &Row<'_>) -> Self {
        Detail(row.get("detail"))
    }
}

/// A line of PostgreSQL's `EXPLAIN`.
struct PgPlanLine(String);

impl FromRow for PgPlanLine {
    fn from_row(row: &Row<'_>) -> Self {
        PgPlanLine(row.get("QUERY PLAN"))
    }
}

/// The keys MariaDB considers for the live rows ordered by email.
struct PossibleKeys(Option<String>);

impl FromRow for PossibleKeys {
    fn from_row(row: &Row<'_>) -> Self {
        PossibleKeys(row.get("possible_keys"))
    }
}

async fn indexes<T: Model>(db: &Db) {
    let backend = db.backend();
    let what = format!("{backend}: {}", T::TABLE);
    db.raw(&backend.schema().render(&create_table::<T>(backend, true)))
        .await;
    let index = Schema::new(backend.schema())
        .live_index::<T>(&[T::EMAIL])
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    db.raw(&backend.schema().render(&index)).await;
    seed::<T>(db).await;
    // The plan is read before the marker index exists, which the planner
    // may prefer for `marker IS NULL`: the question is whether the live
    // index can serve `query()` at all.
    let live_index = index
        .get_index_spec()
        .get_name()
        .unwrap_or_else(|| panic!("{what}: live_index has no name"))
        .to_owned();
    assert!(
        live_index.starts_with(&format!("{}_live_email_", T::TABLE)),
        "{what}: {live_index}"
    );
    match backend {
        Backend::Sqlite | Backend::Postgres => {
            let plan = live_plan::<T>(db).await;
            assert!(
                plan.contains(&live_index),
                "{what}: the plan of `{}` does not use {live_index}:\n{plan}",
                db.sql(&T::query())
            );
        }
        Backend::MySql => {
            let sql = format!(
                "EXPLAIN {}",
                db.sql(
                    &T::query()
                        .order_by((T::TABLE, "email"), Order::Asc)
                        .to_owned()
                )
            );
            let keys: Vec<String> = db
                .fetch_sql::<PossibleKeys>(&sql)
                .await
                .into_iter()
                .filter_map(|keys| keys.0)
                .collect();
            assert!(
                keys.iter().any(|keys| keys.contains(&live_index)),
                "{what}: `{sql}` cannot use {live_index}: possible keys {keys:?}"
            );
        }
    }
    db.raw(
        &backend
            .schema()
            .render(&Schema::new(backend.schema()).marker_index::<T>()),
    )
    .await;
    assert_eq!(
        db.index_names(T::TABLE).await,
        [format!("{}_{}_idx", T::TABLE, T::MARKER.column), live_index,],
        "{what}"
    );
    // The indexes change nothing of the lifecycle.
    lifecycle::<T>(db).await;
}

#[tokio::test]
async fn marker_and_live_indexes() {
    for backend in common::backends() {
        // Tiny tables: make PostgreSQL show whether the index is usable at
        // all rather than whether it is worth it.
        let db = Db::options(backend)
            .on_connect(if backend == Backend::Postgres {
                "SET enable_seqscan = off"
            } else {
                "SELECT 1"
            })
            .connect()
            .await;
        indexes::<Member>(&db).await;
        indexes::<NaiveMember>(&db).await;
        indexes::<FlagMember>(&db).await;
        indexes::<UnixMember>(&db).await;
    }
}
