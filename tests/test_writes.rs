//! `insert` and `update` through the handle on SQLite, PostgreSQL and
//! MariaDB: each returns the row it wrote (defaults, assigned keys and
//! stamps included) under 8 concurrent writers; an update of a trashed row is
//! `None` and changes nothing; a taken unique key is `Error::Conflict` with
//! nothing changed; SeaORM's handle does the same.

mod common;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use common::TestBackend as _;
use common::{Backend, Db};
use sea_orm::{SqlxMySqlConnector, SqlxPostgresConnector, SqlxSqliteConnector};
use soft_delete::sea_orm::SoftDeleteEntity as _;
use soft_delete::sqlx::{Dialect, Error, Model, SoftDeleteExt};
use soft_delete::{Schema, TrashMode};
use sqlx::Pool;

mod user {
    use sea_orm::entity::prelude::*;

    #[derive(
        Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete, sqlx::FromRow,
    )]
    #[sea_orm(table_name = "users")]
    #[soft_delete(updated_at = "updated_at")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub email: String,
        pub name: String,
        pub visits: i64,
        pub updated_at: Option<DateTimeUtc>,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use user::Model as User;
use user::ModelColumn as UserColumn;

async fn users(db: &Db) {
    let (id, time) = match db.backend() {
        Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT"),
        Backend::Postgres => ("BIGSERIAL PRIMARY KEY", "TIMESTAMPTZ"),
        Backend::MySql => ("BIGINT AUTO_INCREMENT PRIMARY KEY", "DATETIME(6)"),
    };
    db.raw(&format!(
        "CREATE TABLE users (id {id}, email VARCHAR(100) NOT NULL, name VARCHAR(100) NOT NULL DEFAULT 'anonymous', visits BIGINT NOT NULL DEFAULT 0, updated_at {time} NULL, deleted_at {time} NULL)"
    ))
    .await;
    for sql in Schema::new(db.backend().schema())
        .unique_among_live::<User>(&[UserColumn::Email])
        .expect("email is a column")
    {
        db.raw(&sql).await;
    }
}

/// The writes on `pool`; the message of the conflict of a taken key.
async fn writes<DB: Dialect>(db: &Db, pool: &Pool<DB>) -> String
where
    User: Model<DB>,
{
    let backend = db.backend();
    let users = User::on(pool);
    // Defaults and the assigned key come back.
    let ada = users
        .insert([(UserColumn::Email, "ada@example.com".into())])
        .await
        .expect("insert");
    assert_eq!(
        (ada.name.as_str(), ada.visits, ada.deleted_at),
        ("anonymous", 0, None),
        "{backend}"
    );
    // A given key is kept.
    let given = users
        .insert([
            (UserColumn::Id, 1000_i64.into()),
            (UserColumn::Email, "given@example.com".into()),
            (UserColumn::Name, "Given".into()),
        ])
        .await
        .expect("insert with a key");
    assert_eq!(
        (given.id, given.name.as_str()),
        (1000, "Given"),
        "{backend}"
    );

    // 8 concurrent writers, each inserting and updating its own rows: every
    // answer is the row that writer wrote.
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..8_i64 {
        let pool = pool.clone();
        tasks.spawn(async move {
            let users = User::on(&pool);
            let mut written = Vec::new();
            for n in 0..10_i64 {
                let email = format!("w{task}-{n}@example.com");
                let row = users
                    .insert([
                        (UserColumn::Email, email.clone().into()),
                        (UserColumn::Visits, n.into()),
                    ])
                    .await
                    .expect("concurrent insert");
                assert_eq!((row.email.as_str(), row.visits), (email.as_str(), n));
                let updated = users
                    .update(row.id, [(UserColumn::Visits, (n + 100).into())])
                    .await
                    .expect("concurrent update")
                    .expect("the row is live");
                assert_eq!(
                    (updated.id, updated.email.as_str(), updated.visits),
                    (row.id, email.as_str(), n + 100)
                );
                assert!(updated.updated_at.is_some(), "updated_at is stamped");
                written.push(row.id);
            }
            written
        });
    }
    let mut ids = BTreeSet::new();
    while let Some(task) = tasks.join_next().await {
        for id in task.expect("task") {
            assert!(ids.insert(id), "{backend}: key {id} handed out twice");
        }
    }
    assert_eq!(ids.len(), 80, "{backend}");
    assert_eq!(
        users.count(TrashMode::WithTrashed).await.expect("count"),
        82,
        "{backend}"
    );

    // A trashed row is absent to `update`, and stays as it was.
    users.delete(ada.id).await.expect("delete").expect("live");
    let before = users
        .find_in(ada.id, TrashMode::WithTrashed)
        .await
        .expect("find");
    assert_eq!(
        users
            .update(ada.id, [(UserColumn::Name, "Changed".into())])
            .await
            .expect("update"),
        None,
        "{backend}"
    );
    assert_eq!(
        users
            .find_in(ada.id, TrashMode::WithTrashed)
            .await
            .expect("find"),
        before,
        "{backend}"
    );
    assert_eq!(
        users
            .update(424_242, [(UserColumn::Name, "x".into())])
            .await
            .expect("update"),
        None
    );

    // A live row holds the key: conflict, nothing changed.
    let error = users
        .insert([(UserColumn::Email, "given@example.com".into())])
        .await
        .expect_err("the email is taken");
    assert!(
        matches!(error, Error::Conflict { table: "users", .. }),
        "{backend}: {error:?}"
    );
    let message = error.to_string();
    let error = users
        .update(given.id, [(UserColumn::Email, "w0-0@example.com".into())])
        .await
        .expect_err("the email is taken");
    assert!(
        matches!(error, Error::Conflict { .. }),
        "{backend}: {error:?}"
    );
    assert_eq!(
        users
            .find(given.id)
            .await
            .expect("find")
            .map(|user| user.email),
        Some("given@example.com".to_owned()),
        "{backend}"
    );
    // A trashed holder does not take the key from a new row.
    let again = users
        .insert([(UserColumn::Email, "ada@example.com".into())])
        .await
        .expect("the trashed row does not hold the key among live rows");
    assert_ne!(again.id, ada.id, "{backend}");
    // The same column twice is refused before anything is sent.
    let error = users
        .insert([
            (UserColumn::Email, "x@example.com".into()),
            (UserColumn::Email, "y@example.com".into()),
        ])
        .await
        .expect_err("a column named twice");
    assert!(error.to_string().contains("email"), "{backend}: {error}");
    message
}

#[tokio::test]
async fn insert_and_update_return_the_row_they_wrote() {
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(4).connect().await;
        users(&db).await;
        let message = match backend {
            Backend::Sqlite => writes(&db, db.sqlite_pool()).await,
            Backend::Postgres => writes(&db, db.postgres_pool()).await,
            Backend::MySql => writes(&db, db.mysql_pool()).await,
        };
        // The same message on every database (only PostgreSQL names the
        // index; the error's `constraint` field keeps it). The model
        // declares no `unique(...)`, so the library cannot say who holds
        // the key.
        assert_eq!(
            message, "cannot write the row of `users`: another row holds its unique key",
            "{backend}"
        );
    }
}

#[tokio::test]
async fn sea_orm_insert_and_update_return_the_row_they_wrote() {
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(2).connect().await;
        users(&db).await;
        let connection = match backend {
            Backend::Sqlite => SqlxSqliteConnector::from_sqlx_sqlite_pool(db.sqlite_pool().clone()),
            Backend::Postgres => {
                SqlxPostgresConnector::from_sqlx_postgres_pool(db.postgres_pool().clone())
            }
            Backend::MySql => SqlxMySqlConnector::from_sqlx_mysql_pool(db.mysql_pool().clone()),
        };
        let users = user::Entity::on(&connection);
        let ada = users
            .insert([(UserColumn::Email, "ada@example.com".into())])
            .await
            .expect("insert");
        assert_eq!(
            (ada.name.as_str(), ada.visits),
            ("anonymous", 0),
            "{backend}"
        );
        let updated: Option<User> = users
            .update(ada.id, [(UserColumn::Visits, 3_i64.into())])
            .await
            .expect("update");
        let updated = updated.expect("live");
        assert_eq!(updated.visits, 3, "{backend}");
        let stamped: Option<DateTime<Utc>> = updated.updated_at;
        assert!(stamped.is_some(), "{backend}");
        users.delete(ada.id).await.expect("delete");
        assert_eq!(
            users
                .update(ada.id, [(UserColumn::Visits, 4_i64.into())])
                .await
                .expect("update"),
            None
        );
        users
            .insert([(UserColumn::Email, "bob@example.com".into())])
            .await
            .expect("insert");
        let error = users
            .insert([(UserColumn::Email, "bob@example.com".into())])
            .await
            .expect_err("taken");
        assert!(
            matches!(error, soft_delete::sea_orm::Error::Conflict { .. }),
            "{backend}: {error:?}"
        );
    }
}
