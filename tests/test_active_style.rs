//! `style = "active"` executed on SQLite, PostgreSQL and MariaDB, through
//! both run layers: a `bool` flag, `TRUE` while the row is live and `FALSE`
//! once trashed, runs the whole lifecycle; its unique-among-live keys refuse
//! a second live duplicate and accept a trashed one; and a cascade through
//! models of three marker styles (timestamp → active → unix), all with
//! `cascade_id`, trashes and restores exactly its rows, each with its own
//! style's marker, and goes away with its root's purge.

mod common;
#[path = "common/sea.rs"]
mod sea;

use chrono::{DateTime, Duration, Utc};
use common::TestBackend as _;
use common::{Backend, Db};
use soft_delete::sqlx::{Dialect, Error, Model, SoftDeleteExt as _};
use soft_delete::{MarkerStyle, Schema, SoftDelete, TrashMode};
use sqlx::Pool;

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "members", style = "active", unique(email))]
struct Member {
    id: i64,
    email: String,
    is_active: bool,
}

/// `members`, its flag from `Schema::marker_column` (`DEFAULT TRUE`), its
/// key from `create_indexes`.
async fn members<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Member: Model<DB>,
{
    let backend = db.backend().schema();
    let email = match backend {
        soft_delete::Backend::MySql => "VARCHAR(191) NOT NULL",
        _ => "TEXT NOT NULL",
    };
    let flag = Schema::new(backend).marker_column::<Member>().to_owned();
    let table = sea_query::Table::create()
        .table("members")
        .col(sea_query::ColumnDef::new("id").big_integer().primary_key())
        .col(sea_query::ColumnDef::new("email").custom(sea_query::Alias::new(email)))
        .col(flag)
        .to_owned();
    db.raw(&backend.render(&table)).await;
    Member::on(pool).create_indexes().await.expect("indexes");
    // Rows written as an application that knows nothing of the library
    // would: the flag takes its default, live.
    db.raw("INSERT INTO members (id, email) VALUES (1, 'a@x'), (2, 'b@x'), (3, 'c@x')")
        .await;
}

async fn lifecycle<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Member: Model<DB>,
{
    let backend = db.backend();
    members(db, pool).await;
    let handle = Member::on(pool);
    let ids = |rows: Vec<Member>| rows.into_iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(
        ids(handle.list(TrashMode::WithoutTrashed).await.unwrap()),
        [1, 2, 3],
        "{backend}"
    );

    let trashed = handle.delete(2).await.unwrap().expect("member 2 is live");
    assert!(
        !trashed.is_active && trashed.is_trashed(),
        "{backend}: {trashed:?}"
    );
    assert_eq!(
        handle.delete(2).await.unwrap(),
        None,
        "{backend}: trashed once"
    );
    assert_eq!(
        ids(handle.list(TrashMode::WithoutTrashed).await.unwrap()),
        [1, 3],
        "{backend}"
    );
    assert_eq!(
        ids(handle.list(TrashMode::OnlyTrashed).await.unwrap()),
        [2],
        "{backend}"
    );
    assert_eq!(
        handle.count(TrashMode::WithTrashed).await.unwrap(),
        3,
        "{backend}"
    );
    assert_eq!(handle.find(2).await.unwrap(), None, "{backend}");

    let restored = handle
        .restore(2)
        .await
        .unwrap()
        .expect("member 2 is trashed");
    assert!(
        restored.is_active && !restored.is_trashed(),
        "{backend}: {restored:?}"
    );
    assert_eq!(
        handle.restore(2).await.unwrap(),
        None,
        "{backend}: live already"
    );

    handle.delete(3).await.unwrap();
    assert!(handle.force_delete(3).await.unwrap(), "{backend}");
    assert_eq!(
        handle.count(TrashMode::WithTrashed).await.unwrap(),
        2,
        "{backend}"
    );

    // The key holds among live rows only.
    let duplicate = sea_query::Query::insert()
        .into_table("members")
        .columns(["id", "email"])
        .values_panic([10.into(), "a@x".into()])
        .to_owned();
    assert!(
        db.try_execute(&duplicate).await.is_err(),
        "{backend}: a second live a@x"
    );
    handle.delete(1).await.unwrap();
    db.execute(&duplicate).await;
    match handle.restore(1).await {
        Err(Error::Conflict { .. }) => {}
        other => panic!("{backend}: restoring a@x over a live one: {other:?}"),
    }
}

#[tokio::test]
async fn active_flag_lifecycle_and_unique_keys_through_sqlx() {
    assert_eq!(Member::MARKER.style, MarkerStyle::Active);
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        with_pool!(db, |pool| lifecycle(&db, pool).await);
    }
}

mod member {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
    #[sea_orm(table_name = "members")]
    #[soft_delete(style = "active", unique(email))]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub email: String,
        pub is_active: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[tokio::test]
async fn active_flag_lifecycle_through_sea_orm() {
    use soft_delete::sea_orm::SoftDeleteEntity as _;
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        with_pool!(db, |pool| members(&db, pool).await);
        let connection = sea::connection(&db);
        let members = member::Entity::on(&connection);
        let trashed = members.delete(1).await.unwrap().expect("live");
        assert!(!trashed.is_active, "{backend}");
        let live: Vec<i64> = members
            .list(TrashMode::WithoutTrashed)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(live, [2, 3], "{backend}");
        let restored = members.restore(1).await.unwrap().expect("trashed");
        assert!(restored.is_active, "{backend}");
        assert_eq!(
            members.count(TrashMode::OnlyTrashed).await.unwrap(),
            0,
            "{backend}"
        );
    }
}

/// A post (timestamp) → its comments (active flag) → their reactions (Unix
/// seconds): three styles, one cascade, exact by the deletion id.
mod tree {
    use chrono::{DateTime, Utc};
    use soft_delete::SoftDelete;

    #[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
    #[soft_delete(
        table = "posts",
        cascade_id = "deletion_id",
        cascade(Comment = "post_id")
    )]
    pub struct Post {
        pub id: i64,
        pub deleted_at: Option<DateTime<Utc>>,
        pub deletion_id: Option<i64>,
    }

    #[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
    #[soft_delete(
        table = "comments",
        style = "active",
        cascade_id = "deletion_id",
        cascade(Reaction = "comment_id")
    )]
    pub struct Comment {
        pub id: i64,
        pub post_id: i64,
        pub is_active: bool,
        pub deletion_id: Option<i64>,
    }

    #[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
    #[soft_delete(table = "reactions", style = "unix", cascade_id = "deletion_id")]
    pub struct Reaction {
        pub id: i64,
        pub comment_id: i64,
        pub deleted_at: i64,
        pub deletion_id: Option<i64>,
    }
}

use tree::{Comment, Post, Reaction};

async fn mixed_tree<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let backend = db.backend();
    let time = match backend {
        Backend::Sqlite => "TEXT",
        Backend::Postgres => "TIMESTAMPTZ",
        Backend::MySql => "DATETIME(6)",
    };
    let flag = "BOOLEAN NOT NULL DEFAULT TRUE";
    for ddl in [
        format!("CREATE TABLE posts (id BIGINT PRIMARY KEY, deleted_at {time} NULL, deletion_id BIGINT NULL)"),
        format!("CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, is_active {flag}, deletion_id BIGINT NULL, FOREIGN KEY (post_id) REFERENCES posts (id))"),
        "CREATE TABLE reactions (id BIGINT PRIMARY KEY, comment_id BIGINT NOT NULL, deleted_at BIGINT NOT NULL DEFAULT 0, deletion_id BIGINT NULL, FOREIGN KEY (comment_id) REFERENCES comments (id))".to_owned(),
        "INSERT INTO posts (id) VALUES (1), (2)".to_owned(),
        "INSERT INTO comments (id, post_id) VALUES (11, 1), (12, 1), (21, 2)".to_owned(),
        "INSERT INTO reactions (id, comment_id) VALUES (111, 11), (211, 21)".to_owned(),
    ] {
        db.raw(&ddl).await;
    }
    // Comment 12 trashed on its own first: the cascade's restore must leave
    // it trashed.
    Comment::on(pool).delete(12).await.unwrap().expect("live");
    let before = Utc::now();
    let cascade = Post::on(pool)
        .cascade_delete(1)
        .await
        .unwrap()
        .expect("post 1");
    let after = Utc::now();
    assert_eq!(
        cascade.rows,
        [("posts", 1), ("comments", 1), ("reactions", 1)],
        "{backend}"
    );
    let post = Post::on(pool)
        .find_in(1, TrashMode::WithTrashed)
        .await
        .unwrap()
        .unwrap();
    let at: DateTime<Utc> = post.deleted_at.expect("trashed");
    assert!(
        at >= before - Duration::milliseconds(1) && at <= after,
        "{backend}: {at}"
    );
    let comment = Comment::on(pool)
        .find_in(11, TrashMode::WithTrashed)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !comment.is_active && comment.deletion_id.is_some(),
        "{backend}: {comment:?}"
    );
    let reaction = Reaction::on(pool)
        .find_in(111, TrashMode::WithTrashed)
        .await
        .unwrap()
        .unwrap();
    assert!(
        (before.timestamp()..=after.timestamp()).contains(&reaction.deleted_at),
        "{backend}: the reaction's second {} is the cascade's ({before} .. {after})",
        reaction.deleted_at
    );
    // Post 2's tree is untouched.
    assert_eq!(
        Comment::on(pool)
            .count(TrashMode::OnlyTrashed)
            .await
            .unwrap(),
        2,
        "{backend}"
    );
    assert!(
        Reaction::on(pool).find(211).await.unwrap().is_some(),
        "{backend}"
    );

    let restored = Post::on(pool)
        .cascade_restore(1)
        .await
        .unwrap()
        .expect("post 1");
    assert_eq!(
        restored.rows,
        [("posts", 1), ("comments", 1), ("reactions", 1)],
        "{backend}"
    );
    let live_comments: Vec<i64> = Comment::on(pool)
        .list(TrashMode::WithoutTrashed)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(
        live_comments,
        [11, 21],
        "{backend}: 12 stays trashed, as before"
    );
    assert_eq!(
        Reaction::on(pool)
            .count(TrashMode::OnlyTrashed)
            .await
            .unwrap(),
        0,
        "{backend}"
    );

    // Trash the tree again and purge it by its root.
    Post::on(pool)
        .cascade_delete(1)
        .await
        .unwrap()
        .expect("post 1");
    let purged = Post::on(pool)
        .purge_trashed_before(Utc::now() + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(purged, 1, "{backend}");
    assert_eq!(
        Comment::on(pool)
            .count(TrashMode::WithTrashed)
            .await
            .unwrap(),
        1,
        "{backend}: 21 left"
    );
    assert_eq!(
        Reaction::on(pool)
            .count(TrashMode::WithTrashed)
            .await
            .unwrap(),
        1,
        "{backend}: 211 left"
    );
}

#[tokio::test]
async fn a_cascade_through_three_marker_styles_is_exact() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        with_pool!(db, |pool| mixed_tree(&db, pool).await);
    }
}
