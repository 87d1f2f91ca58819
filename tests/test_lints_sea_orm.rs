//! SeaORM entities deriving `SoftDelete` in a crate that denies missing
//! docs, every warning and clippy's pedantic lints: the two derives
//! together, and the `soft_delete::sea_orm` calls on them, must stay clean.
//! `cargo test` checks the rustc lints; `cargo clippy --all-targets` checks
//! clippy's. (Not `unused_qualifications`, allowed by default, which
//! SeaORM's own `DeriveEntityModel` trips on every documented field;
//! `tests/test_lints.rs` denies it over `SoftDelete` alone.)

#![deny(missing_docs, warnings)]
#![deny(clippy::all, clippy::pedantic)]

use sea_orm::{DbBackend, QueryTrait as _};
use soft_delete::sea_orm::{SelectExt as _, SoftDeleteEntity as _};
use soft_delete::{MarkerStyle, SoftDelete, TrashMode};

/// Articles: a timestamp marker, a renamed column, a cascade.
pub mod article {
    use sea_orm::entity::prelude::*;

    /// An article.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
    #[sea_orm(table_name = "articles")]
    #[soft_delete(cascade(super::note::Model = "article_id"))]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// Headline, stored as `headline_text`.
        #[sea_orm(column_name = "headline_text")]
        pub headline: String,
        /// Not a column.
        #[sea_orm(ignore)]
        pub cached_len: usize,
        /// Marker.
        pub deleted_at: Option<DateTimeUtc>,
    }

    /// The article's relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// Its notes.
        #[sea_orm(has_many = "super::note::Entity")]
        Note,
    }

    impl Related<super::note::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Note.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// Notes: children of articles, marked alike.
pub mod note {
    use sea_orm::entity::prelude::*;

    /// A note on an article.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
    #[sea_orm(table_name = "notes")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// The article.
        pub article_id: i32,
        /// Marker.
        pub deleted_at: Option<DateTimeUtc>,
    }

    /// The note's relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// Its article.
        #[sea_orm(
            belongs_to = "super::article::Entity",
            from = "Column::ArticleId",
            to = "super::article::Column::Id"
        )]
        Article,
    }

    impl Related<super::article::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Article.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// Labels: a bool marker, a `String` key and `rename_all`.
pub mod label {
    use sea_orm::entity::prelude::*;

    /// A label.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
    #[sea_orm(table_name = "labels", rename_all = "camelCase")]
    #[soft_delete(style = "bool", column = "isDeleted")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub label_code: String,
        /// Marker.
        pub is_deleted: bool,
    }

    /// The label's relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[test]
fn names_come_from_the_sea_orm_attributes() {
    assert_eq!(article::Model::TABLE, "articles");
    assert_eq!(article::Model::PRIMARY_KEY, "id");
    assert_eq!(
        article::Model::COLUMNS,
        ["id", "headline_text", "deleted_at"]
    );
    assert_eq!(article::Model::CHILDREN[0].table, "notes");
    assert_eq!(label::Model::PRIMARY_KEY, "labelCode");
    assert_eq!(label::Model::COLUMNS, ["labelCode", "isDeleted"]);
    assert_eq!(label::Model::MARKER.style, MarkerStyle::Bool);
    assert_eq!(
        label::Entity::find_only_trashed().build(DbBackend::MySql).to_string(),
        "SELECT `labels`.`labelCode`, `labels`.`isDeleted` FROM `labels` WHERE `labels`.`isDeleted` = TRUE"
    );
}

#[test]
fn scoped_selects_and_joins_render() {
    let sql = article::Entity::find_without_trashed()
        .find_with_related_in(note::Entity, TrashMode::WithoutTrashed)
        .build(DbBackend::Postgres)
        .to_string();
    assert!(sql.contains(r#""articles"."deleted_at" IS NULL"#), "{sql}");
    assert!(sql.contains(r#""notes"."deleted_at" IS NULL"#), "{sql}");
}
