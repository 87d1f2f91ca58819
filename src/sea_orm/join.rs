//! Joins of a SeaORM select to a soft-deletable related entity, scoped in
//! the join's `ON`.

use ::sea_orm::sea_query::IntoIden;
use ::sea_orm::{
    Condition, EntityTrait, JoinType, QuerySelect as _, Related, RelationDef, Select, SelectTwo,
    SelectTwoMany,
};

use crate::{SoftDelete, TrashMode};

/// Joins of a SeaORM `Select` to a soft-deletable related entity, scoped in
/// the join's `ON`, so a trashed related row is never joined and a parent
/// whose related rows are all trashed still comes back (with none).
///
/// A marker filter in `WHERE` instead would drop that parent from a
/// `LEFT JOIN`; these methods are SeaORM's `find_also_related`,
/// `find_with_related` and `left_join` with the related entity's scope
/// added to their join condition. Scope the parent with
/// [`SoftDeleteEntity::find_in`](super::SoftDeleteEntity::find_in).
///
/// ```
/// use sea_orm::{DbBackend, QueryTrait as _};
/// use soft_delete::sea_orm::{SelectExt as _, SoftDeleteEntity as _};
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
///     pub enum Relation {
///         #[sea_orm(has_many = "super::comment::Entity")]
///         Comment,
///     }
///
///     impl Related<super::comment::Entity> for Entity {
///         fn to() -> RelationDef { Relation::Comment.def() }
///     }
///
///     impl ActiveModelBehavior for ActiveModel {}
/// }
///
/// mod comment {
///     use sea_orm::entity::prelude::*;
///
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel, soft_delete::SoftDelete)]
///     #[sea_orm(table_name = "comments")]
///     pub struct Model {
///         #[sea_orm(primary_key)]
///         pub id: i32,
///         pub post_id: i32,
///         pub deleted_at: Option<DateTimeUtc>,
///     }
///
///     #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
///     pub enum Relation {
///         #[sea_orm(belongs_to = "super::post::Entity", from = "Column::PostId", to = "super::post::Column::Id")]
///         Post,
///     }
///
///     impl Related<super::post::Entity> for Entity {
///         fn to() -> RelationDef { Relation::Post.def() }
///     }
///
///     impl ActiveModelBehavior for ActiveModel {}
/// }
///
/// # fn main() {
/// let sql = post::Entity::find_without_trashed()
///     .find_with_related_in(comment::Entity, TrashMode::WithoutTrashed)
///     .build(DbBackend::Sqlite)
///     .to_string();
/// assert!(sql.contains(r#"LEFT JOIN "comments" ON "posts"."id" = "comments"."post_id" AND "comments"."deleted_at" IS NULL"#), "{sql}");
/// assert!(sql.ends_with(r#"WHERE "posts"."deleted_at" IS NULL ORDER BY "posts"."id" ASC"#), "{sql}");
/// # }
/// ```
pub trait SelectExt<E: EntityTrait>: Sized {
    /// SeaORM's `left_join(r)`, joining only the rows of `r` that `mode`
    /// lets be seen.
    #[must_use]
    fn left_join_in<R>(self, r: R, mode: TrashMode) -> Self
    where
        R: EntityTrait<Model: SoftDelete>,
        E: Related<R>;

    /// SeaORM's `find_also_related(r)`: each row with its related row of
    /// `r` in `mode`'s view, `None` where there is none (or only rows
    /// `mode` hides).
    fn find_also_related_in<R>(self, r: R, mode: TrashMode) -> SelectTwo<E, R>
    where
        R: EntityTrait<Model: SoftDelete>,
        E: Related<R>;

    /// SeaORM's `find_with_related(r)`: each row with its related rows of
    /// `r` in `mode`'s view, empty where there are none (or only rows
    /// `mode` hides).
    fn find_with_related_in<R>(self, r: R, mode: TrashMode) -> SelectTwoMany<E, R>
    where
        R: EntityTrait<Model: SoftDelete>,
        E: Related<R>;

    /// SeaORM's `join_as(join, relation, alias)`, joining under `alias`
    /// only the rows of `R` (the entity `relation` goes to) that `mode`
    /// lets be seen, the scope on the alias: for a self-join through a
    /// self-referencing relation (a comment and its parent), or an entity
    /// joined twice.
    ///
    /// ```
    /// use sea_orm::{DbBackend, JoinType, QueryTrait as _, RelationTrait as _};
    /// use soft_delete::sea_orm::{SelectExt as _, SoftDeleteEntity as _};
    /// use soft_delete::TrashMode;
    ///
    /// mod comment {
    ///     use sea_orm::entity::prelude::*;
    ///
    ///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel, soft_delete::SoftDelete)]
    ///     #[sea_orm(table_name = "comments")]
    ///     pub struct Model {
    ///         #[sea_orm(primary_key)]
    ///         pub id: i32,
    ///         pub parent_id: Option<i32>,
    ///         pub deleted_at: Option<DateTimeUtc>,
    ///     }
    ///
    ///     #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    ///     pub enum Relation {
    ///         #[sea_orm(belongs_to = "Entity", from = "Column::ParentId", to = "Column::Id")]
    ///         Parent,
    ///     }
    ///
    ///     impl ActiveModelBehavior for ActiveModel {}
    /// }
    ///
    /// # fn main() {
    /// // Live replies whose parent is live.
    /// let sql = comment::Entity::find_in(TrashMode::WithoutTrashed)
    ///     .join_as_in::<comment::Entity>(
    ///         JoinType::InnerJoin,
    ///         comment::Relation::Parent.def(),
    ///         "parent",
    ///         TrashMode::WithoutTrashed,
    ///     )
    ///     .build(DbBackend::Postgres)
    ///     .to_string();
    /// assert!(sql.contains(r#"INNER JOIN "comments" AS "parent" ON "comments"."parent_id" = "parent"."id" AND "parent"."deleted_at" IS NULL"#), "{sql}");
    /// # }
    /// ```
    #[must_use]
    fn join_as_in<R>(
        self,
        join: JoinType,
        relation: RelationDef,
        alias: impl IntoIden,
        mode: TrashMode,
    ) -> Self
    where
        R: EntityTrait<Model: SoftDelete>;
}

impl<E: EntityTrait> SelectExt<E> for Select<E> {
    fn left_join_in<R>(self, r: R, mode: TrashMode) -> Self
    where
        R: EntityTrait<Model: SoftDelete>,
        E: Related<R>,
    {
        let _ = r;
        let mut select = self;
        // A many-to-many relation joins its junction table first.
        if let Some(via) = <E as Related<R>>::via() {
            select = select.join(JoinType::LeftJoin, via);
        }
        let to = scoped_relation::<R::Model>(<E as Related<R>>::to(), mode);
        select.join(JoinType::LeftJoin, to)
    }

    fn find_also_related_in<R>(self, r: R, mode: TrashMode) -> SelectTwo<E, R>
    where
        R: EntityTrait<Model: SoftDelete>,
        E: Related<R>,
    {
        self.left_join_in(r, mode).select_also(r)
    }

    fn find_with_related_in<R>(self, r: R, mode: TrashMode) -> SelectTwoMany<E, R>
    where
        R: EntityTrait<Model: SoftDelete>,
        E: Related<R>,
    {
        self.left_join_in(r, mode).select_with(r)
    }

    fn join_as_in<R>(
        self,
        join: JoinType,
        relation: RelationDef,
        alias: impl IntoIden,
        mode: TrashMode,
    ) -> Self
    where
        R: EntityTrait<Model: SoftDelete>,
    {
        self.join_as(join, scoped_relation::<R::Model>(relation, mode), alias)
    }
}

/// `relation` joining only the rows of the model `T` in `mode`, beside any
/// condition the relation already had. The scope is on the table the join
/// names, `T`'s own or the alias it is joined under (SeaORM passes either).
fn scoped_relation<T: SoftDelete>(mut relation: RelationDef, mode: TrashMode) -> RelationDef {
    if mode == TrashMode::WithTrashed {
        return relation;
    }
    let own = relation.on_condition.take();
    relation.on_condition(move |from, to| {
        let scope = T::scope_as(to.clone(), mode);
        match &own {
            // `all`: the relation's own condition may be an `any`.
            Some(own) => Condition::all().add(own(from, to)).add(scope),
            None => scope,
        }
    })
}
