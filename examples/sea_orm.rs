//! Soft delete for SeaORM entities on an in-memory SQLite database, through
//! `soft_delete::sea_orm`: the entity's `Model` derives `SoftDelete` beside
//! `DeriveEntityModel` (table, columns and key come from `#[sea_orm(...)]`),
//! then scoped selects, soft delete, restore, a join that hides trashed
//! comments, a cascade and a purge — each step's result and the rows it
//! leaves visible.
//!
//! Run it with `cargo run --example sea_orm`.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait as _, Database, DatabaseConnection, Set};
use soft_delete::sea_orm::{SelectExt as _, SoftDeleteEntity as _};
use soft_delete::TrashMode;

mod post {
    use sea_orm::entity::prelude::*;

    /// A blog post; deleting it trashes its comments with it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
    #[sea_orm(table_name = "posts")]
    #[soft_delete(cascade(super::comment::Model = "post_id"))]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub title: String,
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

    /// A comment on a post, soft-deletable on its own too.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub post_id: i32,
        pub text: String,
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

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // SeaORM keeps one connection for `sqlite::memory:`, so the database
    // lives as long as `db`.
    let db = Database::connect("sqlite::memory:").await?;
    db.get_schema_builder()
        .register(post::Entity)
        .register(comment::Entity)
        .apply(&db)
        .await?;
    for title in ["Hello", "Draft", "Old news"] {
        post::ActiveModel {
            title: Set(title.into()),
            ..Default::default()
        }
        .insert(&db)
        .await?;
    }
    for (post_id, text) in [(1, "First!"), (1, "Spam"), (2, "Typo")] {
        comment::ActiveModel {
            post_id: Set(post_id),
            text: Set(text.into()),
            ..Default::default()
        }
        .insert(&db)
        .await?;
    }
    let posts = post::Entity::on(&db);

    // Soft delete: the row comes back as the database now holds it.
    let draft = posts.delete(2).await?.ok_or("post 2 was live")?;
    println!("deleted {:?} at {:?}", draft.title, draft.deleted_at);
    println!(
        "live posts: {:?}",
        titles(&db, TrashMode::WithoutTrashed).await?
    );
    println!(
        "trashed posts: {:?}",
        titles(&db, TrashMode::OnlyTrashed).await?
    );

    // A trashed comment is not joined, and a post keeps its place with none.
    comment::Entity::on(&db).delete(2).await?;
    let with_comments = post::Entity::find_without_trashed()
        .find_with_related_in(comment::Entity, TrashMode::WithoutTrashed)
        .all(&db)
        .await?;
    for (post, comments) in &with_comments {
        let texts: Vec<&str> = comments
            .iter()
            .map(|comment| comment.text.as_str())
            .collect();
        println!("{:?} has live comments {texts:?}", post.title);
    }

    // Restore, then a cascade: the post and its live comments together.
    let restored = posts.restore(2).await?.ok_or("post 2 was trashed")?;
    println!(
        "restored {:?}, deleted_at = {:?}",
        restored.title, restored.deleted_at
    );
    let cascade = posts.cascade_delete(1).await?.ok_or("post 1 was live")?;
    println!("cascade delete of post 1 changed {:?}", cascade.rows);
    let cascade = posts
        .cascade_restore(1)
        .await?
        .ok_or("post 1 was trashed")?;
    println!(
        "cascade restore of post 1 changed {:?} (the spam stays trashed)",
        cascade.rows
    );

    // Purge: trash post 3 "long ago", then remove what is older than 30 days.
    post::ActiveModel {
        id: Set(3),
        deleted_at: Set(Some(Utc::now() - Duration::days(90))),
        ..Default::default()
    }
    .update(&db)
    .await?;
    let purged = posts
        .purge_trashed_before(Utc::now() - Duration::days(30))
        .await?;
    println!(
        "purged {purged} post(s); every post now: {:?}",
        titles(&db, TrashMode::WithTrashed).await?
    );

    // Force delete: gone for good, trashed or not (its comment first: the
    // schema builder made `comments.post_id` a foreign key).
    println!(
        "force deleted comment 3: {}",
        comment::Entity::on(&db).force_delete(3).await?
    );
    println!("force deleted post 2: {}", posts.force_delete(2).await?);
    println!("posts left: {}", posts.count(TrashMode::WithTrashed).await?);
    Ok(())
}

/// The titles of the posts `mode` lets be seen, by id.
async fn titles(
    db: &DatabaseConnection,
    mode: TrashMode,
) -> Result<Vec<String>, soft_delete::sea_orm::Error> {
    let posts = post::Entity::on(db).list(mode).await?;
    Ok(posts.into_iter().map(|post| post.title).collect())
}
