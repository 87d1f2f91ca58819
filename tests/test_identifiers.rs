//! Tables and columns whose names are reserved words or need quoting
//! (`order`, `user`, a space, a double quote, a backtick) go through the
//! whole lifecycle on every backend: the statements must quote every
//! identifier they emit.

mod common;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use common::TestBackend as _;
use common::{Backend, Db, FromRow, Row, SqlType};
use sea_query::{Cond, Expr, ExprTrait, JoinType, Query};
use soft_delete::{MarkerStyle, RecordsDeletionTime, SoftDelete, TrashMode};

/// Reserved words for the table and its columns.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "order")]
struct Order {
    id: i64,
    #[soft_delete(rename = "user")]
    user: String,
    #[soft_delete(rename = "group")]
    group_name: String,
    #[soft_delete(rename = "select")]
    select: String,
    deleted_at: Option<DateTime<Utc>>,
}

impl FromRow for Order {
    fn from_row(row: &Row<'_>) -> Self {
        Order {
            id: row.get("id"),
            user: row.get("user"),
            group_name: row.get("group"),
            select: row.get("select"),
            deleted_at: row.get("deleted_at"),
        }
    }
}

/// Reserved words everywhere, a primary key not called `id` and a bool marker
/// named `delete`.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "user", column = "delete", style = "bool")]
struct User {
    #[soft_delete(primary_key, rename = "key")]
    key: i64,
    #[soft_delete(rename = "from")]
    from: String,
    #[soft_delete(rename = "delete")]
    deleted: bool,
}

/// Spaces, a double quote and a backtick, in the table and the columns.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "order items", column = "deleted at")]
struct OrderItem {
    #[soft_delete(primary_key, rename = "item id")]
    item_id: i64,
    #[soft_delete(rename = "order")]
    order: String,
    #[soft_delete(rename = "say \"hi\"")]
    quoted: String,
    #[soft_delete(rename = "back`tick")]
    backtick: String,
    #[soft_delete(rename = "deleted at")]
    deleted_at: Option<DateTime<Utc>>,
}

/// Both quote characters in the table name, a backtick in the naive marker,
/// placeholder syntax in a column.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "we\"ird`table", column = "gone`at")]
struct Weird {
    id: i64,
    #[soft_delete(rename = "it's \"value\"")]
    value: String,
    /// Placeholder look-alikes: `?` (MySQL, SQLite), `$1` (PostgreSQL), `:name`.
    #[soft_delete(rename = "what? $1 :name")]
    placeholders: String,
    #[soft_delete(rename = "gone`at")]
    gone: Option<NaiveDateTime>,
}

/// Creates `T`'s table: the key, text columns and the marker.
async fn create<T: SoftDelete>(db: &Db) {
    let columns: Vec<(&str, SqlType)> = T::COLUMNS
        .iter()
        .map(|&column| {
            let ty = if column == T::PRIMARY_KEY {
                SqlType::Id
            } else if column == T::MARKER.column {
                match (T::MARKER.style, T::MARKER.with_time_zone) {
                    (MarkerStyle::Bool, _) => SqlType::Bool,
                    (_, true) => SqlType::TimestampTz,
                    (_, false) => SqlType::Timestamp,
                }
            } else {
                SqlType::Text
            };
            (column, ty)
        })
        .collect();
    db.create_table(T::TABLE, &columns).await;
}

/// Inserts live rows 1 to `count`; every text column of row `id` holds `id`
/// as text.
async fn insert<T: SoftDelete>(db: &Db, count: i64) {
    let columns: Vec<&'static str> = T::COLUMNS
        .iter()
        .copied()
        .filter(|&column| column != T::MARKER.column)
        .collect();
    let mut insert = Query::insert();
    insert.into_table(T::TABLE).columns(columns.iter().copied());
    for id in 1..=count {
        insert.values_panic(columns.iter().map(|&column| {
            if column == T::PRIMARY_KEY {
                Expr::val(id)
            } else {
                Expr::val(id.to_string())
            }
        }));
    }
    let sql = db.sql(&insert);
    db.execute(&insert).await;
    assert_eq!(
        db.ids::<T>(&T::query()).await,
        (1..=count).collect::<Vec<_>>(),
        "{}: {sql}",
        db.backend()
    );
}

/// `T`'s `text` column is `value`.
fn text_is<T: SoftDelete>(text: &'static str, value: &str) -> Expr {
    Expr::col((T::TABLE, text)).eq(value)
}

/// Every style-independent statement on `T`, with conditions on its `text`
/// column; leaves rows 2 (live) and 3 (live) behind.
async fn lifecycle<T: SoftDelete<Id = i64>>(db: &Db, text: &'static str) {
    let what = format!("{}, table {:?}", db.backend(), T::TABLE);
    create::<T>(db).await;
    insert::<T>(db, 4).await;

    assert_eq!(db.execute(&T::delete_by_id(1)).await, 1, "{what}");
    assert_eq!(db.execute(&T::delete_by_id(1)).await, 0, "{what}");
    assert_eq!(db.ids::<T>(&T::query()).await, [2, 3, 4], "{what}");
    assert_eq!(db.ids::<T>(&T::only_trashed()).await, [1], "{what}");
    assert_eq!(
        db.ids::<T>(&T::with_trashed()).await,
        [1, 2, 3, 4],
        "{what}"
    );
    assert_eq!(
        db.ids::<T>(&T::query_in(TrashMode::OnlyTrashed)).await,
        [1],
        "{what}"
    );
    assert!(db.ids::<T>(&T::find(1)).await.is_empty(), "{what}");
    assert_eq!(
        db.ids::<T>(&T::find_in(1, TrashMode::WithTrashed)).await,
        [1],
        "{what}"
    );
    assert_eq!(db.ids::<T>(&T::find(2)).await, [2], "{what}");
    let scoped = Query::select()
        .column((T::TABLE, T::PRIMARY_KEY))
        .from(T::TABLE)
        .cond_where(T::scope(TrashMode::OnlyTrashed))
        .to_owned();
    assert_eq!(
        db.ids::<T>(&scoped).await,
        [1],
        "{what}: {}",
        db.sql(&scoped)
    );

    let update = T::update()
        .value(text, "z")
        .cond_where(
            Cond::any()
                .add(text_is::<T>(text, "1"))
                .add(text_is::<T>(text, "2")),
        )
        .to_owned();
    assert_eq!(
        db.execute(&update).await,
        1,
        "{what}: row 2 only: {}",
        db.sql(&update)
    );
    let delete = T::delete_where(
        Cond::any()
            .add(text_is::<T>(text, "z"))
            .add(text_is::<T>(text, "3")),
    );
    assert_eq!(db.execute(&delete).await, 2, "{what}: rows 2 and 3");
    assert_eq!(db.ids::<T>(&T::only_trashed()).await, [1, 2, 3], "{what}");
    assert_eq!(db.execute(&T::restore_by_id(2)).await, 1, "{what}");
    assert_eq!(db.execute(&T::restore_by_id(2)).await, 0, "{what}");
    let restore = T::restore_where(
        Cond::any()
            .add(text_is::<T>(text, "3"))
            .add(text_is::<T>(text, "4")),
    );
    assert_eq!(db.execute(&restore).await, 1, "{what}: row 3 only");
    assert_eq!(db.execute(&T::force_delete_by_id(1)).await, 1, "{what}");
    assert_eq!(db.execute(&T::restore_by_id(1)).await, 0, "{what}");
    let force = T::force_delete_where(Cond::all().add(text_is::<T>(text, "4")));
    assert_eq!(db.execute(&force).await, 1, "{what}");
    assert_eq!(db.ids::<T>(&T::with_trashed()).await, [2, 3], "{what}");
    assert_eq!(db.ids::<T>(&T::query()).await, [2, 3], "{what}");
}

/// Deletion at a given time and purge, on rows 2 and 3 left by [`lifecycle`].
async fn timed<T: SoftDelete<Id = i64> + RecordsDeletionTime>(db: &Db) {
    let what = format!("{}, table {:?}", db.backend(), T::TABLE);
    let at = Utc.with_ymd_and_hms(2023, 7, 1, 12, 0, 0).unwrap();
    assert_eq!(db.execute(&T::delete_by_id_at(2, at)).await, 1, "{what}");
    assert_eq!(db.execute(&T::delete_by_id(3)).await, 1, "{what}");
    assert_eq!(
        db.execute(&T::purge_trashed_before(at, db.backend().schema()))
            .await,
        0,
        "{what}"
    );
    assert_eq!(
        db.execute(&T::purge_trashed_before(
            at + Duration::seconds(1),
            db.backend().schema()
        ))
        .await,
        1,
        "{what}: {}",
        db.sql(&T::purge_trashed_before(at, db.backend().schema()))
    );
    assert_eq!(db.ids::<T>(&T::with_trashed()).await, [3], "{what}");
}

#[tokio::test]
async fn reserved_words_as_table_and_columns() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        lifecycle::<Order>(&db, "select").await;
        timed::<Order>(&db).await;

        let db = Db::connect(backend).await;
        lifecycle::<User>(&db, "from").await;
        // A bool marker named `delete` reads back.
        struct Deleted(bool);
        impl FromRow for Deleted {
            fn from_row(row: &Row<'_>) -> Self {
                Deleted(row.get("delete"))
            }
        }
        assert_eq!(db.execute(&User::delete_by_id(3)).await, 1, "{backend}");
        let flags: Vec<bool> = db
            .fetch::<Deleted, _>(&User::with_trashed())
            .await
            .into_iter()
            .map(|d| d.0)
            .collect();
        assert_eq!(flags.iter().filter(|&&d| d).count(), 1, "{backend}");
        assert_eq!(
            db.ids::<User>(&User::only_trashed()).await,
            [3],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn spaces_and_quote_characters_in_names() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        lifecycle::<OrderItem>(&db, "say \"hi\"").await;
        timed::<OrderItem>(&db).await;

        let db = Db::connect(backend).await;
        lifecycle::<OrderItem>(&db, "back`tick").await;

        let db = Db::connect(backend).await;
        lifecycle::<Weird>(&db, "it's \"value\"").await;
        timed::<Weird>(&db).await;

        let db = Db::connect(backend).await;
        lifecycle::<Weird>(&db, "what? $1 :name").await;
    }
}

#[tokio::test]
async fn row_methods_and_a_join_of_quoted_tables() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        create::<Order>(&db).await;
        create::<OrderItem>(&db).await;
        insert::<Order>(&db, 4).await;
        insert::<OrderItem>(&db, 4).await;

        let orders = db.fetch::<Order, _>(&Order::query()).await;
        let first = orders.iter().find(|o| o.id == 1).unwrap();
        assert_eq!(first.user, "1", "{backend}");
        assert!(!first.is_trashed(), "{backend}");
        assert_eq!(db.execute(&first.delete()).await, 1, "{backend}");
        assert_eq!(db.execute(&first.delete()).await, 0, "{backend}");
        assert_eq!(db.execute(&first.restore()).await, 1, "{backend}");
        assert_eq!(db.execute(&first.delete()).await, 1, "{backend}");
        let trashed = db.fetch::<Order, _>(&Order::only_trashed()).await;
        assert!(trashed[0].is_trashed(), "{backend}");
        assert_eq!(
            db.execute(&OrderItem::delete_by_id(2)).await,
            1,
            "{backend}"
        );

        // Item i belongs to order i (`"order items"."order" = "order"."user"`).
        let on = Expr::col((OrderItemColumn::Table, OrderItemColumn::Order))
            .equals((OrderColumn::Table, OrderColumn::User));
        for (items, orders, expected) in [
            (
                TrashMode::WithoutTrashed,
                TrashMode::WithoutTrashed,
                vec![3, 4],
            ),
            (TrashMode::WithoutTrashed, TrashMode::OnlyTrashed, vec![1]),
            (TrashMode::OnlyTrashed, TrashMode::WithTrashed, vec![2]),
            (
                TrashMode::WithTrashed,
                TrashMode::WithTrashed,
                vec![1, 2, 3, 4],
            ),
        ] {
            let select = OrderItem::query_in(items)
                .join(JoinType::InnerJoin, Order::TABLE, on.clone())
                .cond_where(Order::scope(orders))
                .to_owned();
            assert_eq!(
                db.ids::<OrderItem>(&select).await,
                expected,
                "{backend}: items {items}, orders {orders}: {}",
                db.sql(&select)
            );
        }

        assert_eq!(db.execute(&trashed[0].force_delete()).await, 1, "{backend}");
        assert_eq!(
            db.ids::<Order>(&Order::with_trashed()).await,
            [2, 3, 4],
            "{backend}"
        );
    }
}

/// The harness's own quoting agrees with sea-query's, so hand-written DDL
/// and generated statements name the same tables.
#[test]
fn harness_quotes_like_sea_query() {
    use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};
    let select = Query::select().column("a\"b`c").from("t").to_owned();
    for (backend, sql) in [
        (Backend::Postgres, select.to_string(PostgresQueryBuilder)),
        (Backend::MySql, select.to_string(MysqlQueryBuilder)),
        (Backend::Sqlite, select.to_string(SqliteQueryBuilder)),
    ] {
        assert_eq!(
            sql,
            format!(
                "SELECT {} FROM {}",
                backend.quote("a\"b`c"),
                backend.quote("t")
            ),
            "{backend}"
        );
    }
}
