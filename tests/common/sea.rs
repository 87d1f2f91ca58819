//! SeaORM over the harness's pools, in a file of its own: the REST
//! example's tests include `common` and have no SeaORM. Include it with
//! `#[path = "common/sea.rs"] mod sea;` beside `mod common;`.

use sea_orm::{DatabaseConnection, SqlxMySqlConnector, SqlxPostgresConnector, SqlxSqliteConnector};

use crate::common::{Backend, Db};

/// A SeaORM connection over `db`'s pool, in the test's namespace.
pub fn connection(db: &Db) -> DatabaseConnection {
    match db.backend() {
        Backend::Sqlite => SqlxSqliteConnector::from_sqlx_sqlite_pool(db.sqlite_pool().clone()),
        Backend::Postgres => {
            SqlxPostgresConnector::from_sqlx_postgres_pool(db.postgres_pool().clone())
        }
        Backend::MySql => SqlxMySqlConnector::from_sqlx_mysql_pool(db.mysql_pool().clone()),
    }
}
