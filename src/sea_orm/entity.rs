//! The entry point for a SeaORM entity: its rows seen through a
//! [`TrashMode`], and its operations on a connection.

use ::sea_orm::{ConnectionTrait, EntityTrait, QueryFilter as _, Select, TransactionTrait};

use super::handle::{handle, Handle};
use crate::{SoftDelete, TrashMode};

/// Scoped selects for every SeaORM entity whose `Model` derives
/// [`SoftDelete`], beside SeaORM's own `find()` (which sees every row).
///
/// ```
/// use sea_orm::{DbBackend, QueryTrait as _};
/// use soft_delete::sea_orm::SoftDeleteEntity as _;
/// use soft_delete::TrashMode;
///
/// mod post {
///     use sea_orm::entity::prelude::*;
///
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel, soft_delete::SoftDelete)]
///     #[sea_orm(table_name = "posts")]
///     pub struct Model {
///         #[sea_orm(primary_key)]
///         pub id: i32,
///         pub deleted_at: Option<DateTimeUtc>,
///     }
///
///     #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
///     pub enum Relation {}
///
///     impl ActiveModelBehavior for ActiveModel {}
/// }
///
/// assert_eq!(
///     post::Entity::find_in(TrashMode::OnlyTrashed).build(DbBackend::Postgres).to_string(),
///     r#"SELECT "posts"."id", "posts"."deleted_at" FROM "posts" WHERE "posts"."deleted_at" IS NOT NULL"#
/// );
/// ```
pub trait SoftDeleteEntity: EntityTrait<Model: SoftDelete> {
    /// The rows `mode` lets be seen: `find()` with the marker filter of
    /// `mode` (none for [`TrashMode::WithTrashed`]). Chain SeaORM's
    /// `filter`, `order_by`, `one`, `all` as usual.
    #[must_use]
    fn find_in(mode: TrashMode) -> Select<Self> {
        scoped(Self::find(), mode)
    }

    /// The live rows: `find_in(TrashMode::WithoutTrashed)`.
    #[must_use]
    fn find_without_trashed() -> Select<Self> {
        Self::find_in(TrashMode::WithoutTrashed)
    }

    /// Every row, trashed or not: `find_in(TrashMode::WithTrashed)`, the
    /// same as `find()`, said out loud.
    #[must_use]
    fn find_with_trashed() -> Select<Self> {
        Self::find_in(TrashMode::WithTrashed)
    }

    /// The trashed rows only: `find_in(TrashMode::OnlyTrashed)`.
    #[must_use]
    fn find_only_trashed() -> Select<Self> {
        Self::find_in(TrashMode::OnlyTrashed)
    }

    /// This entity's operations through `db`: a `DatabaseConnection`, a
    /// `DatabaseTransaction` (a rollback of it undoes them), or any other
    /// SeaORM connection. The SQL is rendered for `db`'s backend.
    ///
    /// ```
    /// use sea_orm::{ConnectionTrait as _, TransactionTrait as _};
    /// use soft_delete::sea_orm::SoftDeleteEntity as _;
    ///
    /// mod post {
    ///     use sea_orm::entity::prelude::*;
    ///
    ///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel, soft_delete::SoftDelete)]
    ///     #[sea_orm(table_name = "posts")]
    ///     pub struct Model {
    ///         #[sea_orm(primary_key)]
    ///         pub id: i32,
    ///         pub deleted_at: Option<DateTimeUtc>,
    ///     }
    ///
    ///     #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    ///     pub enum Relation {}
    ///
    ///     impl ActiveModelBehavior for ActiveModel {}
    /// }
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let db = sea_orm::Database::connect("sqlite::memory:").await?;
    /// db.execute_unprepared("CREATE TABLE posts (id INTEGER PRIMARY KEY, deleted_at TEXT); INSERT INTO posts (id) VALUES (1);")
    ///     .await?;
    ///
    /// let tx = db.begin().await?;
    /// assert!(post::Entity::on(&tx).delete(1).await?.is_some());
    /// tx.rollback().await?;
    /// assert!(post::Entity::on(&db).find(1).await?.is_some(), "the rollback undid the delete");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    fn on<C: ConnectionTrait + TransactionTrait>(db: &C) -> Handle<'_, Self, C> {
        handle(db)
    }
}

impl<E: EntityTrait<Model: SoftDelete>> SoftDeleteEntity for E {}

/// `select` restricted to the rows of `mode`.
pub(crate) fn scoped<E: EntityTrait<Model: SoftDelete>>(
    select: Select<E>,
    mode: TrashMode,
) -> Select<E> {
    match mode {
        // An empty condition renders as `WHERE TRUE`: leave it out.
        TrashMode::WithTrashed => select,
        TrashMode::WithoutTrashed | TrashMode::OnlyTrashed => select.filter(E::Model::scope(mode)),
    }
}
