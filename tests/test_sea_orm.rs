//! `soft_delete::sea_orm` on SQLite, PostgreSQL and MariaDB with real SeaORM
//! entities (a timestamp marker, a bool marker, a renamed column, a
//! cascade): every entry point, checked against the rows in the database.

mod common;
#[path = "common/sea.rs"]
mod sea;

use chrono::{Duration, Utc};
use common::TestBackend as _;
use common::{Db, SqlType};
use sea_orm::{
    ActiveModelTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _, Set,
    TransactionTrait as _,
};
use soft_delete::sea_orm::{Error, SelectExt as _, SoftDeleteEntity as _};
use soft_delete::{Schema, SoftDelete, TrashMode};
use std::num::NonZeroU32;

mod post {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
    #[sea_orm(table_name = "posts")]
    #[soft_delete(cascade(super::comment::Model = "post_id"))]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub slug: String,
        #[sea_orm(column_name = "body_text")]
        pub body: String,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(has_many = "super::comment::Entity")]
        Comment,
    }

    impl Related<super::comment::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Comment.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

mod comment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub post_id: i64,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::post::Entity",
            from = "Column::PostId",
            to = "super::post::Column::Id"
        )]
        Post,
    }

    impl Related<super::post::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Post.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

mod tag {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
    #[sea_orm(table_name = "tags")]
    #[soft_delete(style = "bool")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub name: String,
        pub is_deleted: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

async fn posts_table(db: &Db) {
    db.create_table(
        "posts",
        &[
            ("id", SqlType::Id),
            ("slug", SqlType::Text),
            ("body_text", SqlType::Text),
            ("deleted_at", SqlType::TimestampTz),
        ],
    )
    .await;
}

async fn comments_table(db: &Db) {
    db.create_table(
        "comments",
        &[
            ("id", SqlType::Id),
            ("post_id", SqlType::BigInt),
            ("deleted_at", SqlType::TimestampTz),
        ],
    )
    .await;
}

async fn insert_post(conn: &DatabaseConnection, id: i64, slug: &str) -> post::Model {
    post::ActiveModel {
        id: Set(id),
        slug: Set(slug.to_owned()),
        body: Set(format!("body of {slug}")),
        deleted_at: Set(None),
    }
    .insert(conn)
    .await
    .expect("insert a post")
}

async fn insert_comment(conn: &DatabaseConnection, id: i64, post_id: i64, trashed: bool) {
    comment::ActiveModel {
        id: Set(id),
        post_id: Set(post_id),
        deleted_at: Set(trashed.then(|| Utc::now() - Duration::days(3))),
    }
    .insert(conn)
    .await
    .expect("insert a comment");
}

/// Every post in the table, trashed or not, read with SeaORM's own `find`.
async fn all_posts(conn: &DatabaseConnection) -> Vec<post::Model> {
    let mut posts = post::Entity::find().all(conn).await.expect("read posts");
    posts.sort_by_key(|post| post.id);
    posts
}

fn ids<T: SoftDelete<Id = i64>>(rows: &[T]) -> Vec<i64> {
    rows.iter().map(SoftDelete::id).collect()
}

#[tokio::test]
async fn timestamp_entity_lifecycle() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        posts_table(&db).await;
        let conn = sea::connection(&db);
        for (id, slug) in [(1, "one"), (2, "two"), (3, "three")] {
            insert_post(&conn, id, slug).await;
        }
        let posts = post::Entity::on(&conn);

        let trashed = posts
            .delete(1)
            .await
            .expect("delete")
            .expect("post 1 was live");
        let stamp = trashed.deleted_at.expect("returned as trashed");
        assert_eq!(
            trashed.body, "body of one",
            "{backend}: the renamed column is read"
        );
        let stored = all_posts(&conn).await;
        assert_eq!(
            stored[0].deleted_at,
            Some(stamp),
            "{backend}: the stored marker"
        );
        assert!(stored[1].deleted_at.is_none() && stored[2].deleted_at.is_none());

        assert!(posts.delete(1).await.expect("delete twice").is_none());
        assert_eq!(
            all_posts(&conn).await[0].deleted_at,
            Some(stamp),
            "{backend}: first time stands"
        );
        assert!(posts.delete(99).await.expect("delete absent").is_none());

        assert!(posts.find(1).await.expect("find").is_none());
        assert_eq!(
            posts.find(2).await.expect("find").map(|post| post.slug),
            Some("two".to_owned())
        );
        assert!(posts
            .find_in(1, TrashMode::OnlyTrashed)
            .await
            .expect("find_in")
            .is_some());
        assert!(posts
            .find_in(2, TrashMode::OnlyTrashed)
            .await
            .expect("find_in")
            .is_none());
        assert_eq!(
            ids(&posts.list(TrashMode::WithoutTrashed).await.expect("list")),
            [2, 3]
        );
        assert_eq!(
            ids(&posts.list(TrashMode::WithTrashed).await.expect("list")),
            [1, 2, 3]
        );
        assert_eq!(
            ids(&posts.list(TrashMode::OnlyTrashed).await.expect("list")),
            [1]
        );
        assert_eq!(
            posts.count(TrashMode::WithoutTrashed).await.expect("count"),
            2
        );
        assert_eq!(posts.count(TrashMode::WithTrashed).await.expect("count"), 3);
        assert_eq!(posts.count(TrashMode::OnlyTrashed).await.expect("count"), 1);

        // The scoped selects, chained with SeaORM's own methods.
        let live = post::Entity::find_without_trashed()
            .all(&conn)
            .await
            .expect("select");
        assert_eq!(ids(&live), [2, 3], "{backend}");
        let trash = post::Entity::find_only_trashed()
            .all(&conn)
            .await
            .expect("select");
        assert_eq!(ids(&trash), [1], "{backend}");
        assert_eq!(
            post::Entity::find_with_trashed()
                .all(&conn)
                .await
                .expect("select")
                .len(),
            3
        );

        let restored = posts
            .restore(1)
            .await
            .expect("restore")
            .expect("post 1 was trashed");
        assert_eq!((restored.id, restored.deleted_at), (1, None));
        assert!(
            all_posts(&conn).await[0].deleted_at.is_none(),
            "{backend}: restored in the table"
        );
        assert!(posts.restore(1).await.expect("restore live").is_none());

        assert!(posts.force_delete(2).await.expect("force delete"));
        assert!(!posts.force_delete(2).await.expect("force delete again"));
        posts
            .delete(3)
            .await
            .expect("delete")
            .expect("post 3 was live");
        assert!(
            posts.force_delete(3).await.expect("force delete trashed"),
            "{backend}"
        );
        assert_eq!(
            ids(&all_posts(&conn).await),
            [1],
            "{backend}: 2 and 3 are gone"
        );
    }
}

#[tokio::test]
async fn operations_in_a_caller_transaction_roll_back_with_it() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        posts_table(&db).await;
        let conn = sea::connection(&db);
        insert_post(&conn, 1, "one").await;
        insert_post(&conn, 2, "two").await;

        let tx = conn.begin().await.expect("begin");
        let in_tx = post::Entity::on(&tx);
        assert!(in_tx.delete(1).await.expect("delete").is_some());
        assert!(in_tx.force_delete(2).await.expect("force delete"));
        assert_eq!(in_tx.count(TrashMode::WithTrashed).await.expect("count"), 1);
        tx.rollback().await.expect("rollback");
        let stored = all_posts(&conn).await;
        assert_eq!(ids(&stored), [1, 2], "{backend}: the rollback kept post 2");
        assert!(
            stored[0].deleted_at.is_none(),
            "{backend}: the rollback undid the delete"
        );

        let tx = conn.begin().await.expect("begin");
        assert!(post::Entity::on(&tx)
            .delete(1)
            .await
            .expect("delete")
            .is_some());
        tx.commit().await.expect("commit");
        assert!(
            all_posts(&conn).await[0].deleted_at.is_some(),
            "{backend}: committed"
        );
    }
}

#[tokio::test]
async fn restore_conflict_is_an_error_value_and_changes_nothing() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        posts_table(&db).await;
        let conn = sea::connection(&db);
        for sql in Schema::new(backend.schema())
            .unique_among_live::<post::Model>(&[post::ModelColumn::Slug])
            .expect("unique index")
        {
            conn.execute_unprepared(&sql)
                .await
                .expect("create the unique index");
        }
        insert_post(&conn, 1, "same").await;
        let posts = post::Entity::on(&conn);
        posts
            .delete(1)
            .await
            .expect("delete")
            .expect("post 1 was live");
        insert_post(&conn, 2, "same").await;

        let error = posts.restore(1).await.expect_err("slug taken by post 2");
        assert!(
            matches!(error, Error::Conflict { table: "posts", .. }),
            "{backend}: {error:?}"
        );
        assert!(error.to_string().contains("`posts`"), "{error}");
        assert!(
            all_posts(&conn).await[0].deleted_at.is_some(),
            "{backend}: still trashed"
        );

        // Inside a caller's transaction the conflict leaves it usable.
        let tx = conn.begin().await.expect("begin");
        let in_tx = post::Entity::on(&tx);
        assert!(in_tx
            .restore(1)
            .await
            .expect_err("still taken")
            .is_conflict());
        assert!(
            in_tx
                .delete(2)
                .await
                .expect("the transaction goes on")
                .is_some(),
            "{backend}"
        );
        assert!(
            in_tx.restore(1).await.expect("slug free now").is_some(),
            "{backend}"
        );
        tx.commit().await.expect("commit");
        let stored = all_posts(&conn).await;
        assert!(
            stored[0].deleted_at.is_none() && stored[1].deleted_at.is_some(),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn bool_entity_lifecycle() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        db.create_table(
            "tags",
            &[
                ("id", SqlType::Id),
                ("name", SqlType::Text),
                ("is_deleted", SqlType::Bool),
            ],
        )
        .await;
        let conn = sea::connection(&db);
        for (id, name) in [(1, "rust"), (2, "sql")] {
            tag::ActiveModel {
                id: Set(id),
                name: Set(name.to_owned()),
                is_deleted: Set(false),
            }
            .insert(&conn)
            .await
            .expect("insert a tag");
        }
        let tags = tag::Entity::on(&conn);
        let trashed = tags
            .delete(1)
            .await
            .expect("delete")
            .expect("tag 1 was live");
        assert!(trashed.is_deleted, "{backend}");
        let stored = tag::Entity::find_by_id(1)
            .one(&conn)
            .await
            .expect("read")
            .expect("row");
        assert!(stored.is_deleted, "{backend}: stored as deleted");
        assert_eq!(
            ids(&tags.list(TrashMode::WithoutTrashed).await.expect("list")),
            [2]
        );
        assert_eq!(tags.count(TrashMode::OnlyTrashed).await.expect("count"), 1);
        assert!(tags
            .restore(1)
            .await
            .expect("restore")
            .is_some_and(|tag| !tag.is_deleted));
        let stored = tag::Entity::find_by_id(1)
            .one(&conn)
            .await
            .expect("read")
            .expect("row");
        assert!(!stored.is_deleted, "{backend}: stored as live");
        assert!(tags.force_delete(1).await.expect("force delete"));
        assert!(tag::Entity::find_by_id(1)
            .one(&conn)
            .await
            .expect("read")
            .is_none());
    }
}

#[tokio::test]
async fn purge_is_batched_oldest_first_and_spares_the_rest() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        posts_table(&db).await;
        // Posts declare `cascade(Comment = "post_id")`: a purge looks below.
        comments_table(&db).await;
        let conn = sea::connection(&db);
        let long_ago = Utc::now() - Duration::days(400);
        for id in 1..=7 {
            insert_post(&conn, id, &format!("post-{id}")).await;
        }
        // 1..=5 trashed long ago, 6 trashed now, 7 live.
        for id in 1..=5 {
            post::ActiveModel {
                id: Set(id),
                deleted_at: Set(Some(long_ago + Duration::days(id))),
                ..Default::default()
            }
            .update(&conn)
            .await
            .expect("trash long ago");
        }
        post::Entity::on(&conn)
            .delete(6)
            .await
            .expect("delete")
            .expect("post 6 was live");

        let mut batches = Vec::new();
        let purged = post::Entity::on(&conn)
            .purge_trashed_before(Utc::now() - Duration::days(30))
            .batch_size(NonZeroU32::new(2).expect("two"))
            .on_batch(|progress| batches.push((progress.batch, progress.deleted, progress.total)))
            .await
            .expect("purge");
        assert_eq!(purged, 5, "{backend}");
        assert_eq!(batches, [(1, 2, 2), (2, 2, 4), (3, 1, 5)], "{backend}");
        assert_eq!(
            ids(&all_posts(&conn).await),
            [6, 7],
            "{backend}: the recent and the live stay"
        );
    }
}

#[tokio::test]
async fn cascade_trashes_and_restores_exactly_its_children() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        posts_table(&db).await;
        comments_table(&db).await;
        let conn = sea::connection(&db);
        insert_post(&conn, 1, "one").await;
        insert_comment(&conn, 10, 1, false).await;
        insert_comment(&conn, 11, 1, false).await;
        insert_comment(&conn, 12, 1, true).await;
        let earlier = comment::Entity::find_by_id(12)
            .one(&conn)
            .await
            .expect("read");
        let earlier = earlier
            .and_then(|comment| comment.deleted_at)
            .expect("trashed before");

        let posts = post::Entity::on(&conn);
        let cascade = posts
            .cascade_delete(1)
            .await
            .expect("cascade")
            .expect("post 1 was live");
        assert_eq!(cascade.rows, [("posts", 1), ("comments", 2)], "{backend}");
        let stamp = all_posts(&conn).await[0].deleted_at.expect("post trashed");
        let comments = comment::Entity::find()
            .all(&conn)
            .await
            .expect("read comments");
        for comment in &comments {
            let expected = if comment.id == 12 { earlier } else { stamp };
            assert_eq!(
                comment.deleted_at,
                Some(expected),
                "{backend}: comment {}",
                comment.id
            );
        }
        assert!(
            posts.cascade_delete(1).await.expect("again").is_none(),
            "{backend}"
        );

        let cascade = posts
            .cascade_restore(1)
            .await
            .expect("restore")
            .expect("was trashed");
        assert_eq!(
            (cascade.rows_in("posts"), cascade.rows_in("comments")),
            (1, 2)
        );
        assert_eq!(cascade.total(), 3);
        assert!(all_posts(&conn).await[0].deleted_at.is_none(), "{backend}");
        let live = comment::Entity::find_without_trashed()
            .all(&conn)
            .await
            .expect("read");
        assert_eq!(ids(&live), [10, 11], "{backend}: 12 stays trashed");
        assert!(posts.cascade_restore(1).await.expect("again").is_none());
        assert!(posts.cascade_delete(99).await.expect("absent").is_none());
    }
}

#[tokio::test]
async fn related_rows_are_scoped_in_the_join_and_trashed_ones_do_not_leak() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        posts_table(&db).await;
        comments_table(&db).await;
        let conn = sea::connection(&db);
        // Post 1: comments 10 (live) and 11 (trashed). Post 2: only 12
        // (trashed). Post 3: trashed, with a live comment 13.
        for (id, slug) in [(1, "one"), (2, "two"), (3, "three")] {
            insert_post(&conn, id, slug).await;
        }
        insert_comment(&conn, 10, 1, false).await;
        insert_comment(&conn, 11, 1, true).await;
        insert_comment(&conn, 12, 2, true).await;
        insert_comment(&conn, 13, 3, false).await;
        post::Entity::on(&conn)
            .delete(3)
            .await
            .expect("delete")
            .expect("post 3 was live");

        let with: Vec<(i64, Vec<i64>)> = post::Entity::find_without_trashed()
            .find_with_related_in(comment::Entity, TrashMode::WithoutTrashed)
            .all(&conn)
            .await
            .expect("find_with_related_in")
            .into_iter()
            .map(|(post, comments)| (post.id, ids(&comments)))
            .collect();
        assert_eq!(with, [(1, vec![10]), (2, vec![])], "{backend}");

        let mut also: Vec<(i64, Option<i64>)> = post::Entity::find_without_trashed()
            .find_also_related_in(comment::Entity, TrashMode::WithoutTrashed)
            .all(&conn)
            .await
            .expect("find_also_related_in")
            .into_iter()
            .map(|(post, comment)| (post.id, comment.map(|comment| comment.id)))
            .collect();
        also.sort_unstable();
        assert_eq!(also, [(1, Some(10)), (2, None)], "{backend}");

        let mut trash: Vec<(i64, Option<i64>)> = post::Entity::find_with_trashed()
            .find_also_related_in(comment::Entity, TrashMode::OnlyTrashed)
            .all(&conn)
            .await
            .expect("only trashed comments")
            .into_iter()
            .map(|(post, comment)| (post.id, comment.map(|comment| comment.id)))
            .collect();
        trash.sort_unstable();
        assert_eq!(
            trash,
            [(1, Some(11)), (2, Some(12)), (3, None)],
            "{backend}"
        );

        // The other direction: a live comment's trashed post is not joined.
        let mut parents: Vec<(i64, Option<i64>)> = comment::Entity::find_without_trashed()
            .find_also_related_in(post::Entity, TrashMode::WithoutTrashed)
            .all(&conn)
            .await
            .expect("comments with their posts")
            .into_iter()
            .map(|(comment, post)| (comment.id, post.map(|post| post.id)))
            .collect();
        parents.sort_unstable();
        assert_eq!(parents, [(10, Some(1)), (13, None)], "{backend}");

        // SeaORM's own join, for contrast: it does show the trashed comment.
        let leaked = post::Entity::find_without_trashed()
            .find_with_related(comment::Entity)
            .all(&conn)
            .await
            .expect("find_with_related");
        let mut unscoped = ids(&leaked[0].1);
        unscoped.sort_unstable();
        assert_eq!(unscoped, [10, 11], "{backend}: unscoped, 11 leaks");
    }
}
