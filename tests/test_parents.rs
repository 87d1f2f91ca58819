//! Restoring a row under a trashed parent, on SQLite, PostgreSQL and
//! MariaDB with real foreign keys: a model that declares its parents
//! (`parent(Post = "post_id")`, `parent(Self = "parent_id")`) is never
//! restored alone under a trashed one — `restore` and `cascade_restore`
//! answer `Error::TrashedParent` naming the parent and change nothing, and
//! the raw statement restores nothing — and comes back once the parent is
//! live. Through `soft_delete::sqlx` and `soft_delete::sea_orm`.

mod common;

use common::{Backend, Db};
use sea_orm::{SqlxMySqlConnector, SqlxPostgresConnector, SqlxSqliteConnector};
use soft_delete::sea_orm::SoftDeleteEntity as _;
use soft_delete::sqlx::{Dialect, Error, Model, SoftDeleteExt};
use soft_delete::SoftDelete;
use sqlx::Pool;

mod post {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, DeriveEntityModel, soft_delete::SoftDelete, sqlx::FromRow)]
    #[sea_orm(table_name = "posts")]
    #[soft_delete(cascade_id = "deletion_id", cascade(super::comment::Model = "post_id"))]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub deleted_at: Option<DateTimeUtc>,
        pub deletion_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod comment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, DeriveEntityModel, soft_delete::SoftDelete, sqlx::FromRow)]
    #[sea_orm(table_name = "comments")]
    #[soft_delete(
        cascade_id = "deletion_id",
        cascade(Self = "parent_id"),
        parent(super::post::Model = "post_id", Self = "parent_id")
    )]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub post_id: i64,
        pub parent_id: Option<i64>,
        pub deleted_at: Option<DateTimeUtc>,
        pub deletion_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use comment::Model as Comment;
use post::Model as Post;

async fn schema(db: &Db) {
    let time = match db.backend() {
        Backend::Sqlite => "TEXT",
        Backend::Postgres => "TIMESTAMPTZ",
        Backend::MySql => "DATETIME(6)",
    };
    db.raw(&format!(
        "CREATE TABLE posts (id BIGINT PRIMARY KEY, deleted_at {time} NULL, deletion_id BIGINT NULL)"
    ))
    .await;
    db.raw(&format!(
        "CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL REFERENCES posts (id), parent_id BIGINT NULL REFERENCES comments (id), deleted_at {time} NULL, deletion_id BIGINT NULL)"
    ))
    .await;
    // Posts 1..=3; comments 10, 11, 12 on post 1; 20 and its reply 21 on
    // post 2; 30 on post 3.
    db.raw("INSERT INTO posts (id) VALUES (1), (2), (3)").await;
    db.raw(
        "INSERT INTO comments (id, post_id, parent_id) VALUES (10, 1, NULL), (11, 1, NULL), (12, 1, NULL), (20, 2, NULL), (21, 2, 20), (30, 3, NULL)",
    )
    .await;
}

async fn trashed<DB: Dialect>(pool: &Pool<DB>, id: i64) -> bool
where
    Comment: Model<DB>,
{
    Comment::on(pool)
        .find_in(id, soft_delete::TrashMode::WithTrashed)
        .await
        .expect("find")
        .expect("the comment exists")
        .is_trashed()
}

async fn scenario<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
    Comment: Model<DB>,
{
    let backend = db.backend();
    schema(db).await;
    let posts = Post::on(pool);
    let comments = Comment::on(pool);

    // Comment 11 trashed on its own, then its post's cascade (which skips
    // it): restoring 11 alone would leave it live under a trashed post.
    comments.delete(11).await.expect("delete").expect("live");
    posts
        .cascade_delete(1)
        .await
        .expect("cascade")
        .expect("live");
    let refused = comments.restore(11).await;
    assert!(
        matches!(
            refused,
            Err(Error::TrashedParent {
                table: "comments",
                parent: "posts"
            })
        ),
        "{backend}: {refused:?}"
    );
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("`posts` is trashed"),
        "{backend}"
    );
    assert!(trashed(pool, 11).await, "{backend}: nothing changed");
    // The raw statement leaves it too.
    assert_eq!(
        db.execute(&Comment::restore_by_id(11)).await,
        0,
        "{backend}"
    );
    // The chain, parent first.
    let back = posts
        .cascade_restore(1)
        .await
        .expect("restore")
        .expect("trashed");
    assert_eq!(back.rows_in("comments"), 2, "{backend}: 10 and 12, not 11");
    assert!(
        trashed(pool, 11).await,
        "{backend}: its own deletion stands"
    );
    assert!(
        comments.restore(11).await.expect("restore").is_some(),
        "{backend}: restorable once the post is live"
    );

    // A reply under its own model's trashed parent.
    comments.delete(21).await.expect("delete").expect("live");
    comments.delete(20).await.expect("delete").expect("live");
    let refused = comments.restore(21).await;
    assert!(
        matches!(
            refused,
            Err(Error::TrashedParent {
                parent: "comments",
                ..
            })
        ),
        "{backend}: {refused:?}"
    );
    comments
        .restore(20)
        .await
        .expect("restore")
        .expect("trashed");
    comments
        .restore(21)
        .await
        .expect("restore")
        .expect("trashed");

    // A cascade's root under a parent trashed since: its cascade_restore is
    // refused the same way until the parent is back.
    comments
        .cascade_delete(30)
        .await
        .expect("cascade")
        .expect("live");
    posts.delete(3).await.expect("delete").expect("live");
    let refused = comments.cascade_restore(30).await;
    assert!(
        matches!(
            refused,
            Err(Error::TrashedParent {
                parent: "posts",
                ..
            })
        ),
        "{backend}: {refused:?}"
    );
    assert!(trashed(pool, 30).await, "{backend}");
    posts.restore(3).await.expect("restore").expect("trashed");
    comments
        .cascade_restore(30)
        .await
        .expect("restore")
        .expect("trashed");
    assert!(!trashed(pool, 30).await, "{backend}");
}

#[tokio::test]
async fn a_row_under_a_trashed_parent_is_not_restored_alone() {
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(2).connect().await;
        match backend {
            Backend::Sqlite => scenario(&db, db.sqlite_pool()).await,
            Backend::Postgres => scenario(&db, db.postgres_pool()).await,
            Backend::MySql => scenario(&db, db.mysql_pool()).await,
        }
    }
}

#[tokio::test]
async fn sea_orm_refuses_the_same() {
    use soft_delete::sea_orm::Error;
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(2).connect().await;
        schema(&db).await;
        let connection = match backend {
            Backend::Sqlite => SqlxSqliteConnector::from_sqlx_sqlite_pool(db.sqlite_pool().clone()),
            Backend::Postgres => {
                SqlxPostgresConnector::from_sqlx_postgres_pool(db.postgres_pool().clone())
            }
            Backend::MySql => SqlxMySqlConnector::from_sqlx_mysql_pool(db.mysql_pool().clone()),
        };
        let comments = comment::Entity::on(&connection);
        comments.delete(11).await.expect("delete");
        post::Entity::on(&connection)
            .cascade_delete(1)
            .await
            .expect("cascade");
        let refused = comments.restore(11).await;
        assert!(
            matches!(
                refused,
                Err(Error::TrashedParent {
                    parent: "posts",
                    ..
                })
            ),
            "{backend}: {refused:?}"
        );
    }
}
