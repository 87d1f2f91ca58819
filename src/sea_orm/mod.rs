//! Soft delete for SeaORM 2 entities (facade feature `sea-orm`): derive
//! [`SoftDelete`](crate::SoftDelete) on an entity's `Model` beside
//! `DeriveEntityModel` — the table, the columns and the key come from its
//! `#[sea_orm(...)]` attributes — and get scoped `Select`s, joins scoped on
//! the related entity, and the lifecycle operations through any SeaORM
//! connection, returning models.
//!
//! - [`SoftDeleteEntity`]: `Entity::find_in(mode)` (and
//!   `find_without_trashed`, `find_with_trashed`, `find_only_trashed`), and
//!   [`Entity::on(&db)`](SoftDeleteEntity::on), whose [`Handle`] mirrors
//!   `soft_delete::sqlx`'s: `find`, `find_in`, `list`, `count`, `delete`,
//!   `delete_as`, `restore` (a unique conflict is [`Error::Conflict`]),
//!   `force_delete`, `purge_trashed_before` (batched), `cascade_delete`,
//!   `cascade_restore`.
//! - [`SelectExt`]: `find_also_related_in`, `find_with_related_in` and
//!   `left_join_in` scope the related entity in the join, so its trashed rows
//!   never come back.
//!
//! The feature adds `sea-orm` with its default features off: choose its
//! backends (`sqlx-sqlite`, `sqlx-postgres`, `sqlx-mysql`) and runtime in
//! your own `sea-orm` dependency, as usual. A model's
//! `#[soft_delete(hooks = "...")]` run here when that type implements
//! [`Hooks<Model, SeaOrm>`](Hooks); SeaORM's own `ActiveModelBehavior` does
//! not run for these operations (they write with statements, not through
//! an `ActiveModel`).
//!
//! ```
//! use sea_orm::{ActiveModelTrait as _, EntityTrait as _, Set};
//! use soft_delete::sea_orm::{SelectExt as _, SoftDeleteEntity as _};
//! use soft_delete::TrashMode;
//!
//! mod post {
//!     use sea_orm::entity::prelude::*;
//!
//!     #[derive(Clone, Debug, PartialEq, DeriveEntityModel, soft_delete::SoftDelete)]
//!     #[sea_orm(table_name = "posts")]
//!     pub struct Model {
//!         #[sea_orm(primary_key)]
//!         pub id: i32,
//!         pub title: String,
//!         pub deleted_at: Option<DateTimeUtc>,
//!     }
//!
//!     #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
//!     pub enum Relation {}
//!
//!     impl ActiveModelBehavior for ActiveModel {}
//! }
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let db = sea_orm::Database::connect("sqlite::memory:").await?;
//! db.get_schema_builder().register(post::Entity).apply(&db).await?;
//! post::ActiveModel { title: Set("Hello".into()), ..Default::default() }.insert(&db).await?;
//!
//! let posts = post::Entity::on(&db);
//! let trashed = posts.delete(1).await?.expect("post 1 was live");
//! assert!(trashed.deleted_at.is_some());
//! assert!(post::Entity::find_without_trashed().one(&db).await?.is_none());
//! assert_eq!(posts.count(TrashMode::OnlyTrashed).await?, 1);
//! assert_eq!(posts.restore(1).await?.map(|post| post.title), Some("Hello".to_owned()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod entity;
mod error;
mod handle;
mod join;
mod pruner;
mod session;

pub use crate::hooks::{HookError, Hooks};
pub use crate::Cascade;
pub use crate::PurgeProgress;
pub use entity::SoftDeleteEntity;
pub use error::Error;
pub use handle::{Handle, Id, Purge, SoftDeleteModel};
pub use join::SelectExt;
pub use pruner::Pruner;

/// The [`Layer`](crate::hooks::Layer) of SeaORM: implement
/// [`Hooks<Model, SeaOrm>`](Hooks) for a model's hooks to run in its
/// operations here, on the operation's `DatabaseTransaction`.
///
/// ```
/// use sea_orm::{ConnectionTrait as _, DatabaseTransaction};
/// use soft_delete::sea_orm::{HookError, Hooks, SeaOrm};
///
/// mod post {
///     use sea_orm::entity::prelude::*;
///
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel, soft_delete::SoftDelete)]
///     #[sea_orm(table_name = "posts")]
///     #[soft_delete(hooks = "crate::Audit")]
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
/// pub struct Audit;
///
/// impl Hooks<post::Model, SeaOrm> for Audit {
///     async fn after_delete(tx: &mut DatabaseTransaction, post: &post::Model) -> Result<(), HookError> {
///         tx.execute_unprepared(&format!("INSERT INTO audit (post_id) VALUES ({})", post.id)).await?;
///         Ok(())
///     }
/// }
/// # fn main() {}
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SeaOrm;

impl crate::hooks::Layer for SeaOrm {
    type Connection = ::sea_orm::DatabaseTransaction;
}
