//! Schema that can run at every start, on SQLite, PostgreSQL and MariaDB:
//! the handles' `create_indexes()` creates the marker index and the keys
//! of `unique(...)` once, then finds them in place (through either run
//! layer, and from several tasks starting at once); the `Schema` statements
//! with `IF NOT EXISTS` / `OR REPLACE` run twice without an error.

mod common;
#[path = "common/sea.rs"]
mod sea;

use common::TestBackend as _;
use common::{Backend, Db};
use sea_query::{ColumnDef, Query, Table};
use soft_delete::sea_orm::SoftDeleteEntity as _;
use soft_delete::sqlx::SoftDeleteExt as _;
use soft_delete::{Schema, SoftDelete};

mod account {
    use sea_orm::entity::prelude::*;

    #[derive(
        Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete, sqlx::FromRow,
    )]
    #[sea_orm(table_name = "accounts")]
    #[soft_delete(unique(email), unique(tenant_id, slug))]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub tenant_id: i64,
        pub email: String,
        pub slug: String,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use account::Model as Account;

async fn create_table(db: &Db) {
    let backend = db.backend().schema();
    let text = |name: &'static str| match backend {
        // MySQL cannot index TEXT without a prefix length.
        soft_delete::Backend::MySql => ColumnDef::new(name).string_len(191).not_null().to_owned(),
        _ => ColumnDef::new(name).text().not_null().to_owned(),
    };
    let table = Table::create()
        .table("accounts")
        .if_not_exists()
        .col(ColumnDef::new("id").big_integer().primary_key())
        .col(ColumnDef::new("tenant_id").big_integer().not_null())
        .col(text("email"))
        .col(text("slug"))
        .col(Schema::new(backend).marker_column::<Account>())
        .to_owned();
    db.raw(&backend.render(&table)).await;
}

/// What `create_indexes` runs on a fresh table: the marker index, then per
/// key one index (MySQL/MariaDB: a generated column and an index).
fn statements_per_start(backend: Backend) -> u64 {
    match backend {
        Backend::MySql => 1 + 2 * 2,
        Backend::Postgres | Backend::Sqlite => 1 + 2,
    }
}

fn expected_indexes(backend: Backend) -> Vec<String> {
    let schema = Schema::new(backend.schema());
    let marker = schema.marker_index::<Account>();
    let mut names = vec![marker
        .get_index_spec()
        .get_name()
        .expect("named")
        .to_owned()];
    for statement in schema.unique_indexes::<Account>() {
        if let Some(name) = statement
            .strip_prefix("CREATE UNIQUE INDEX ")
            .map(|rest| rest.trim_start_matches("IF NOT EXISTS "))
            .and_then(|rest| rest.split(' ').next())
        {
            names.push(name.trim_matches(['"', '`']).to_owned());
        }
    }
    names.sort();
    names
}

#[tokio::test]
async fn create_indexes_runs_once_then_finds_them_in_place() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        create_table(&db).await;
        let ran = with_pool!(db, |pool| Account::on(pool).create_indexes().await)
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(ran, statements_per_start(backend), "{backend}: first start");
        assert_eq!(
            db.index_names("accounts").await,
            expected_indexes(backend),
            "{backend}"
        );

        // A second start, through each layer: nothing to run, no error.
        create_table(&db).await;
        let again = with_pool!(db, |pool| Account::on(pool).create_indexes().await)
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(again, 0, "{backend}: second start, sqlx");
        let connection = sea::connection(&db);
        let again = account::Entity::on(&connection)
            .create_indexes()
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(again, 0, "{backend}: second start, SeaORM");
        assert_eq!(
            db.index_names("accounts").await,
            expected_indexes(backend),
            "{backend}"
        );

        // The keys hold: a second live holder of an email is refused.
        db.raw("INSERT INTO accounts (id, tenant_id, email, slug) VALUES (1, 1, 'a@x', 'a')")
            .await;
        let duplicate = Query::insert()
            .into_table("accounts")
            .columns(["id", "tenant_id", "email", "slug"])
            .values_panic([2.into(), 2.into(), "a@x".into(), "b".into()])
            .to_owned();
        assert!(
            db.try_execute(&duplicate).await.is_err(),
            "{backend}: the unique key is in place"
        );
    }
}

#[tokio::test]
async fn create_indexes_through_sea_orm_on_a_fresh_table() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        create_table(&db).await;
        let connection = sea::connection(&db);
        let ran = account::Entity::on(&connection)
            .create_indexes()
            .await
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
        assert_eq!(ran, statements_per_start(backend), "{backend}");
        assert_eq!(
            db.index_names("accounts").await,
            expected_indexes(backend),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn services_starting_at_once_all_start() {
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(4).connect().await;
        create_table(&db).await;
        let results = with_pool!(db, |pool| {
            let starts = (0..4).map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move { Account::on(&pool).create_indexes().await })
            });
            let mut results = Vec::new();
            for start in starts.collect::<Vec<_>>() {
                results.push(start.await.expect("task"));
            }
            results
        });
        let mut ran = 0;
        for result in results {
            ran += result.unwrap_or_else(|e| panic!("{backend}: a start failed: {e}"));
        }
        assert!(
            ran >= statements_per_start(backend),
            "{backend}: {ran} statements ran"
        );
        assert_eq!(
            db.index_names("accounts").await,
            expected_indexes(backend),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn schema_statements_run_again_where_the_database_has_the_clause() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        create_table(&db).await;
        let schema = Schema::new(backend.schema());
        let view = schema.live_view::<Account>();
        db.raw(&view).await;
        db.raw(&view).await;
        if backend != Backend::MySql {
            // MySQL has no CREATE INDEX IF NOT EXISTS: there the run layers'
            // create_indexes() is the way to run them at every start.
            for _ in 0..2 {
                db.raw(&backend.schema().render(&schema.marker_index::<Account>()))
                    .await;
                let live = schema
                    .live_index::<Account>(&[account::ModelColumn::Email])
                    .expect("columns");
                db.raw(&backend.schema().render(&live)).await;
                for sql in Account::unique_indexes(backend.schema()) {
                    db.raw(&sql).await;
                }
            }
        }
        db.raw("INSERT INTO accounts (id, tenant_id, email, slug) VALUES (1, 1, 'a@x', 'a')")
            .await;
        let view = schema.live_view_name::<Account>();
        let live = db
            .ids::<Account>(
                &Query::select()
                    .column("id")
                    .from(sea_query::Alias::new(view))
                    .to_owned(),
            )
            .await;
        assert_eq!(live, [1], "{backend}: the view reads the live rows");
    }
}
