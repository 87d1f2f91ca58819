//! The index helpers' names executed on SQLite, PostgreSQL and MariaDB: with
//! a 60-character table and column name every index is created under the
//! name the statement gives (PostgreSQL cuts names over 63 bytes silently,
//! MariaDB rejects them), two long column lists give two indexes, `["a_b"]`
//! and `["a", "b"]` give two indexes that both enforce their uniqueness, and
//! column lists no index can have are errors, not DDL.

mod common;

use chrono::{DateTime, Utc};
use common::TestBackend as _;
use common::{Db, SqlType};
use sea_query::{IndexCreateStatement, Query, Value};
use soft_delete::{Schema, SchemaError, SoftDelete};

/// A 60-character table with a 60-character column.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "a_table_named_with_sixty_characters_to_check_identifier_size")]
pub struct Long {
    pub id: i64,
    #[soft_delete(rename = "a_column_named_with_sixty_characters_to_check_identifier_siz")]
    pub code: String,
    pub tenant_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Columns whose names joined with `_` read alike: `a_b`, and `a` and `b`.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "splits")]
pub struct Split {
    pub id: i64,
    pub a_b: i64,
    pub a: i64,
    pub b: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// The name an index statement gives.
fn name_of(index: &IndexCreateStatement) -> String {
    index
        .get_index_spec()
        .get_name()
        .expect("the helpers name every index")
        .to_owned()
}

/// The name in a rendered `CREATE UNIQUE INDEX "name" ON ...`.
fn name_in(create_index: &str) -> String {
    let quoted = create_index
        .strip_prefix("CREATE UNIQUE INDEX ")
        .map(|rest| rest.trim_start_matches("IF NOT EXISTS "))
        .and_then(|rest| rest.split(" ON ").next())
        .unwrap_or_else(|| panic!("not a CREATE UNIQUE INDEX: {create_index}"));
    quoted[1..quoted.len() - 1].to_owned()
}

/// Whether inserting `values` into `table` is refused as a duplicate.
async fn insert_is_refused(
    db: &Db,
    table: &str,
    columns: &[&'static str],
    values: Vec<Value>,
) -> bool {
    let mut insert = Query::insert();
    insert
        .into_table(table.to_owned())
        .columns(columns.iter().copied())
        .values_panic(values.into_iter().map(Into::into));
    match db.try_execute_sqlx(&insert).await {
        Ok(_) => false,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => true,
        Err(e) => panic!("{}: `{}` failed: {e}", db.backend(), db.sql(&insert)),
    }
}

async fn create_long(db: &Db) {
    db.create_table(
        Long::TABLE,
        &[
            ("id", SqlType::Id),
            (Long::COLUMNS[1], SqlType::Text),
            ("tenant_id", SqlType::BigInt),
            ("deleted_at", SqlType::TimestampTz),
        ],
    )
    .await;
}

#[tokio::test]
async fn long_names_fit_and_two_long_lists_give_two_indexes() {
    assert_eq!(Long::TABLE.len(), 60);
    assert_eq!(Long::COLUMNS[1].len(), 60);
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        let schema = backend.schema();
        create_long(&db).await;
        let live_code = Schema::new(schema)
            .live_index::<Long>(&[LongColumn::Code])
            .expect("columns");
        let live_code_tenant = Schema::new(schema)
            .live_index::<Long>(&[LongColumn::Code, LongColumn::TenantId])
            .expect("columns");
        let marker = Schema::new(schema).marker_index::<Long>();
        let mut expected = Vec::new();
        for index in [&live_code, &live_code_tenant, &marker] {
            let name = name_of(index);
            assert!(
                name.len() <= 63,
                "{backend}: {name} is {} bytes",
                name.len()
            );
            db.raw(&schema.render(index)).await;
            expected.push(name);
        }
        expected.sort();
        expected.dedup();
        assert_eq!(expected.len(), 3, "{backend}: {expected:?}");
        // The catalog holds each name as given: none was cut, none refused.
        assert_eq!(db.index_names(Long::TABLE).await, expected, "{backend}");
    }
}

#[tokio::test]
async fn long_names_make_unique_among_live_work() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        let schema = backend.schema();
        create_long(&db).await;
        let mut expected = Vec::new();
        for columns in [
            &[LongColumn::Code][..],
            &[LongColumn::TenantId, LongColumn::Code],
        ] {
            let statements = Schema::new(schema)
                .unique_among_live::<Long>(columns)
                .expect("columns");
            for sql in &statements {
                db.raw(sql).await;
            }
            let index = statements.last().expect("at least the index");
            let name = name_in(index);
            assert!(name.len() <= 63, "{backend}: {name}");
            expected.push(name);
        }
        expected.sort();
        assert_ne!(expected[0], expected[1], "{backend}");
        assert_eq!(db.index_names(Long::TABLE).await, expected, "{backend}");

        // The indexes do their job: one live row per code.
        let columns = ["id", Long::COLUMNS[1], "tenant_id"];
        let row = |id: i64, code: &str, tenant: i64| vec![id.into(), code.into(), tenant.into()];
        assert!(!insert_is_refused(&db, Long::TABLE, &columns, row(1, "x", 1)).await);
        assert!(
            insert_is_refused(&db, Long::TABLE, &columns, row(2, "x", 2)).await,
            "{backend}: a second live `x`"
        );
        assert_eq!(db.execute(&Long::delete_by_id(1)).await, 1, "{backend}");
        assert!(
            !insert_is_refused(&db, Long::TABLE, &columns, row(2, "x", 1)).await,
            "{backend}: `x` of a trashed row is free"
        );
    }
}

#[tokio::test]
async fn joined_names_that_read_alike_give_two_indexes() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        let schema = backend.schema();
        db.create_table(
            Split::TABLE,
            &[
                ("id", SqlType::Id),
                ("a_b", SqlType::BigInt),
                ("a", SqlType::BigInt),
                ("b", SqlType::BigInt),
                ("deleted_at", SqlType::TimestampTz),
            ],
        )
        .await;
        let live_ab = Schema::new(schema)
            .live_index::<Split>(&[SplitColumn::AB])
            .expect("columns");
        let live_a_b = Schema::new(schema)
            .live_index::<Split>(&[SplitColumn::A, SplitColumn::B])
            .expect("columns");
        assert_ne!(name_of(&live_ab), name_of(&live_a_b), "{backend}");
        db.raw(&schema.render(&live_ab)).await;
        db.raw(&schema.render(&live_a_b)).await;
        let unique_ab = Schema::new(schema)
            .unique_among_live::<Split>(&[SplitColumn::AB])
            .expect("columns");
        let unique_a_b = Schema::new(schema)
            .unique_among_live::<Split>(&[SplitColumn::A, SplitColumn::B])
            .expect("columns");
        for sql in unique_ab.iter().chain(&unique_a_b) {
            db.raw(sql).await;
        }
        let mut expected = vec![
            name_of(&live_ab),
            name_of(&live_a_b),
            name_in(unique_ab.last().expect("index")),
            name_in(unique_a_b.last().expect("index")),
        ];
        expected.sort();
        assert_eq!(db.index_names(Split::TABLE).await, expected, "{backend}");

        // Both unique indexes hold: on `a_b`, and on `(a, b)`.
        let columns = ["id", "a_b", "a", "b"];
        let row =
            |id: i64, a_b: i64, a: i64, b: i64| vec![id.into(), a_b.into(), a.into(), b.into()];
        assert!(!insert_is_refused(&db, Split::TABLE, &columns, row(1, 1, 1, 1)).await);
        assert!(!insert_is_refused(&db, Split::TABLE, &columns, row(2, 2, 1, 2)).await);
        assert!(
            insert_is_refused(&db, Split::TABLE, &columns, row(3, 1, 3, 3)).await,
            "{backend}: a second live a_b = 1"
        );
        assert!(
            insert_is_refused(&db, Split::TABLE, &columns, row(4, 4, 1, 1)).await,
            "{backend}: a second live (a, b) = (1, 1)"
        );
    }
}

#[test]
fn column_lists_no_index_can_have_are_errors() {
    let backend = soft_delete::Backend::Postgres;
    assert_eq!(
        Schema::new(backend).live_index::<Long>(&[]).err(),
        Some(SchemaError::NoColumns { table: Long::TABLE })
    );
    assert_eq!(
        Schema::new(backend).unique_among_live::<Split>(&[]).err(),
        Some(SchemaError::NoColumns { table: "splits" })
    );
    assert_eq!(
        Schema::new(backend)
            .unique_among_live::<Split>(&[SplitColumn::A, SplitColumn::Table])
            .err(),
        Some(SchemaError::NotAColumn {
            table: "splits",
            name: "splits"
        })
    );
    assert_eq!(
        Schema::new(backend)
            .live_index::<Split>(&[SplitColumn::A, SplitColumn::B, SplitColumn::A])
            .err(),
        Some(SchemaError::RepeatedColumn {
            table: "splits",
            column: "a"
        })
    );
}

#[test]
fn names_are_stable() {
    // Pinned, computed by hand from the documented layout and FNV-1a: these
    // names live on in databases and migrations, so a change of the hash or
    // of the layout must show up here.
    let backend = soft_delete::Backend::Sqlite;
    let live = |columns: &[SplitColumn]| {
        name_of(
            &Schema::new(backend)
                .live_index::<Split>(columns)
                .expect("columns"),
        )
    };
    assert_eq!(live(&[SplitColumn::AB]), "splits_live_a_b_934b2538_idx");
    assert_eq!(
        live(&[SplitColumn::A, SplitColumn::B]),
        "splits_live_a_b_fbaa17d8_idx"
    );
    assert_eq!(
        name_of(
            &Schema::new(backend)
                .live_index::<Long>(&[LongColumn::Code])
                .expect("columns")
        ),
        "a_table_named_with_sixty_characters_to_check_ident_2022666f_idx"
    );
}
