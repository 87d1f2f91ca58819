//! Runtime of [`soft-delete`](https://docs.rs/soft-delete): [`TrashMode`],
//! [`Marker`] and the [`SoftDelete`] trait, whose provided methods build
//! scoped [`sea_query`] statements for soft delete, restore, force delete and
//! purge.
//!
//! Most users depend on the `soft-delete` facade, which re-exports this crate
//! beside `#[derive(SoftDelete)]`. Depending on this crate directly works too:
//! add `soft-delete-derive` and write `#[soft_delete(crate = "soft_delete_core")]`.
//!
//! ```
//! use soft_delete::{SoftDelete, TrashMode};
//! use sea_query::PostgresQueryBuilder;
//!
//! #[derive(SoftDelete)]
//! #[soft_delete(table = "posts")]
//! struct Post {
//!     id: i64,
//!     title: String,
//!     deleted_at: Option<chrono::DateTime<chrono::Utc>>,
//! }
//!
//! assert_eq!(
//!     Post::query_in(TrashMode::OnlyTrashed).to_string(PostgresQueryBuilder),
//!     r#"SELECT "posts"."id", "posts"."title", "posts"."deleted_at" FROM "posts" WHERE "posts"."deleted_at" IS NOT NULL"#
//! );
//! ```

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(clippy::pedantic)]

mod backend;
mod cache;
mod cascade;
#[doc(hidden)]
pub mod execute;
mod join;
mod marker;
mod mode;
#[doc(hidden)]
pub mod plan;
#[doc(hidden)]
pub mod purge;
mod schema;
mod statement;
#[doc(hidden)]
pub mod tombstone;
#[doc(hidden)]
pub mod value;
mod view;

pub use backend::{Backend, UnknownBackendError};
pub use cascade::{Cascade, Child, Parent};
/// The `chrono` this crate was built with, for matching versions.
pub use chrono;
pub use execute::HookError;
pub use join::ScopedJoin;
pub use marker::{Clock, Marker, MarkerStyle, UpdatedAt};
pub use mode::{ParseTrashModeError, TrashMode};
pub use plan::{Pruned, PurgeProgress};
pub use schema::{Schema, SchemaError};
/// The `sea-query` this crate was built with, for matching versions.
pub use sea_query;
pub use tombstone::{Holder, Written};
pub use value::ValueError;

use std::fmt::Debug;
use std::hash::Hash;
use std::num::NonZeroU32;

use chrono::{DateTime, Utc};
use sea_query::{
    Condition, DeleteStatement, IdenStatic, IntoIden, SelectStatement, UpdateStatement, Value,
};

use crate::marker::When;

/// A table whose rows are deleted by marking them, not by removing them.
///
/// Implement it with `#[derive(SoftDelete)]`; the derive provides the
/// associated items, and every statement builder is a provided method.
/// Statements are plain `sea-query` statements: keep composing them with
/// `and_where`, `cond_where`, joins, ordering and limits, then render them for
/// PostgreSQL, MySQL/MariaDB or SQLite. A condition you add is joined with
/// `AND`, so it can narrow the scope but never widen it.
///
/// Every condition these methods emit is qualified by [`TABLE`](Self::TABLE),
/// so it stays right inside joins of two soft-delete tables.
///
/// ```
/// use soft_delete::SoftDelete;
/// use sea_query::{ExprTrait, Expr, SqliteQueryBuilder};
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "posts", column = "removed_at", style = "timestamp")]
/// struct Post {
///     id: i64,
///     title: String,
///     removed_at: Option<chrono::DateTime<chrono::Utc>>,
/// }
///
/// let sql = Post::query()
///     .and_where(Expr::col((PostColumn::Table, PostColumn::Title)).like("Rust%"))
///     .to_string(SqliteQueryBuilder);
/// assert_eq!(
///     sql,
///     r#"SELECT "posts"."id", "posts"."title", "posts"."removed_at" FROM "posts" WHERE "posts"."removed_at" IS NULL AND "posts"."title" LIKE 'Rust%'"#
/// );
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a soft-delete model",
    label = "`{Self}` does not implement `SoftDelete`",
    note = "add `#[derive(SoftDelete)]` to `{Self}` (a `cascade(...)` child must be a soft-delete model too)"
)]
pub trait SoftDelete: Sized {
    /// SQL name of the table.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # #[derive(SoftDelete)] struct BlogPost { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(BlogPost::TABLE, "blog_post");
    /// ```
    const TABLE: &'static str;

    /// SQL name of the primary key column.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # #[derive(SoftDelete)] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(Post::PRIMARY_KEY, "id");
    /// ```
    const PRIMARY_KEY: &'static str;

    /// SQL names of the columns, in field order (skipped fields left out).
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # #[derive(SoftDelete)] struct Post { id: i64, title: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(Post::COLUMNS, ["id", "title", "deleted_at"]);
    /// ```
    const COLUMNS: &'static [&'static str];

    /// The marker column and its style.
    ///
    /// ```
    /// # use soft_delete::{SoftDelete, MarkerStyle};
    /// # #[derive(SoftDelete)] #[soft_delete(style = "bool")] struct Post { id: i64, is_deleted: bool }
    /// assert_eq!(Post::MARKER.column, "is_deleted");
    /// assert_eq!(Post::MARKER.style, MarkerStyle::Bool);
    /// ```
    const MARKER: Marker;

    /// The soft-deletable children that cascade soft deletes and restores
    /// reach (`cascade(Child = "...")` in the derive); none by
    /// default.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # #[derive(SoftDelete)] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert!(Post::CHILDREN.is_empty());
    /// ```
    const CHILDREN: &'static [Child] = &[];

    /// The model's own column referencing its parent row in the same table,
    /// when cascades reach a row's children of the same model
    /// (`cascade(Self = "parent_id")` in the derive: a comment's replies are
    /// comments); none by default.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "comments", cascade_id = "deletion_id", cascade(Self = "parent_id"))]
    /// struct Comment {
    ///     id: i64,
    ///     parent_id: Option<i64>,
    ///     deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    ///     deletion_id: Option<i64>,
    /// }
    /// assert_eq!(Comment::SELF_FOREIGN_KEY, Some("parent_id"));
    /// ```
    const SELF_FOREIGN_KEY: Option<&'static str> = None;

    /// The parents the model declares (`parent(Post = "post_id")` in the
    /// derive, `parent(Self = "parent_id")` for its own parent row): a
    /// restore of a row whose parent is trashed is refused, so that no live
    /// row sits under a trashed parent. None by default.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "posts")]
    /// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "comments", parent(Post = "post_id"))]
    /// struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// assert_eq!(Comment::PARENTS[0].table, "posts");
    /// assert!(Post::PARENTS.is_empty());
    /// ```
    const PARENTS: &'static [Parent] = &[];

    /// The keys that are unique among live rows (`unique(...)` in the
    /// derive, repeatable), each a list of SQL column names, in the order
    /// written; none by default. [`unique_indexes`](Self::unique_indexes)
    /// gives their DDL.
    ///
    /// The derive takes field names and gives the columns' SQL names, as in
    /// [`COLUMNS`](Self::COLUMNS):
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "users", unique(email), unique(tenant_id, slug))]
    /// struct User {
    ///     id: i64,
    ///     email: String,
    ///     tenant_id: i64,
    ///     #[soft_delete(rename = "handle")]
    ///     slug: String,
    ///     deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    /// }
    /// assert_eq!(User::UNIQUE, [&["email"][..], &["tenant_id", "handle"]]);
    /// ```
    const UNIQUE: &'static [&'static [&'static str]] = &[];

    /// How long a trashed row is kept, in seconds (`retain = "30 days"` in
    /// the derive: a whole number of `days`, `hours` or `minutes`); `None`,
    /// the default, when the model states no retention. A model with a
    /// retention implements [`Retained`].
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "posts", retain = "30 days")]
    /// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "drafts")]
    /// struct Draft { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// assert_eq!(Post::RETAIN_SECONDS, Some(30 * 24 * 60 * 60));
    /// assert_eq!(Draft::RETAIN_SECONDS, None);
    /// ```
    const RETAIN_SECONDS: Option<u64> = None;

    /// Type of the primary key.
    type Id: Into<Value>;

    /// The column enum the derive emits (`PostColumn` for `Post`): what the
    /// schema helpers take, so a column of another table does not compile.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # #[derive(SoftDelete)] struct Post { id: i64, title: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// fn first_column<T: SoftDelete>(columns: &[T::Column]) -> Option<&'static str> {
    ///     use sea_query::IdenStatic as _;
    ///     columns.first().map(|column| column.as_str())
    /// }
    /// assert_eq!(first_column::<Post>(&[PostColumn::Title]), Some("title"));
    /// ```
    type Column: IdenStatic + Eq + Hash + Debug;

    /// The key of the model's rendered SQL in the run layer's cache: the
    /// derive gives each model without generic parameters its `TypeId`;
    /// `None` (render every time) otherwise. Not public API.
    #[doc(hidden)]
    const __SQL_CACHE_KEY: Option<core::any::TypeId> = None;

    /// This row's primary key.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # #[derive(SoftDelete)] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(Post { id: 7, deleted_at: None }.id(), 7);
    /// ```
    fn id(&self) -> Self::Id;

    /// Whether this value is marked deleted.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # #[derive(SoftDelete)] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert!(!Post { id: 1, deleted_at: None }.is_trashed());
    /// assert!(Post { id: 1, deleted_at: Some(chrono::Utc::now()) }.is_trashed());
    /// ```
    fn is_trashed(&self) -> bool;

    /// All columns of the live rows: `WHERE marker IS NULL` (bool:
    /// `= FALSE`).
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(
    ///     Post::query().to_string(PostgresQueryBuilder),
    ///     r#"SELECT "posts"."id", "posts"."deleted_at" FROM "posts" WHERE "posts"."deleted_at" IS NULL"#
    /// );
    /// ```
    #[must_use]
    fn query() -> SelectStatement {
        statement::select::<Self>(TrashMode::WithoutTrashed)
    }

    /// All columns of every row, live or trashed: no marker filter.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(
    ///     Post::with_trashed().to_string(PostgresQueryBuilder),
    ///     r#"SELECT "posts"."id", "posts"."deleted_at" FROM "posts""#
    /// );
    /// ```
    #[must_use]
    fn with_trashed() -> SelectStatement {
        statement::select::<Self>(TrashMode::WithTrashed)
    }

    /// All columns of the trashed rows: `WHERE marker IS NOT NULL` (bool:
    /// `= TRUE`).
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::MysqlQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", style = "bool")] struct Post { id: i64, is_deleted: bool }
    /// assert_eq!(
    ///     Post::only_trashed().to_string(MysqlQueryBuilder),
    ///     "SELECT `posts`.`id`, `posts`.`is_deleted` FROM `posts` WHERE `posts`.`is_deleted` = TRUE"
    /// );
    /// ```
    #[must_use]
    fn only_trashed() -> SelectStatement {
        statement::select::<Self>(TrashMode::OnlyTrashed)
    }

    /// [`query`](Self::query), [`with_trashed`](Self::with_trashed) or
    /// [`only_trashed`](Self::only_trashed), picked by `mode`: for a
    /// `?trashed=` parameter.
    ///
    /// ```
    /// # use soft_delete::{SoftDelete, TrashMode};
    /// # use sea_query::SqliteQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let mode: TrashMode = "only".parse()?;
    /// assert_eq!(
    ///     Post::query_in(mode).to_string(SqliteQueryBuilder),
    ///     Post::only_trashed().to_string(SqliteQueryBuilder)
    /// );
    /// # Ok::<(), soft_delete::ParseTrashModeError>(())
    /// ```
    #[must_use]
    fn query_in(mode: TrashMode) -> SelectStatement {
        statement::select::<Self>(mode)
    }

    /// The live row with primary key `id`: [`query`](Self::query) and
    /// `pk = id`. A trashed row is not found.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(
    ///     Post::find(7).to_string(PostgresQueryBuilder),
    ///     r#"SELECT "posts"."id", "posts"."deleted_at" FROM "posts" WHERE "posts"."deleted_at" IS NULL AND "posts"."id" = 7"#
    /// );
    /// ```
    #[must_use]
    fn find(id: Self::Id) -> SelectStatement {
        Self::find_in(id, TrashMode::WithoutTrashed)
    }

    /// The row with primary key `id` if `mode` lets it be seen: for
    /// `GET /posts/{id}?trashed=with`.
    ///
    /// ```
    /// # use soft_delete::{SoftDelete, TrashMode};
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(
    ///     Post::find_in(7, TrashMode::WithTrashed).to_string(PostgresQueryBuilder),
    ///     r#"SELECT "posts"."id", "posts"."deleted_at" FROM "posts" WHERE "posts"."id" = 7"#
    /// );
    /// ```
    #[must_use]
    fn find_in(id: Self::Id, mode: TrashMode) -> SelectStatement {
        let mut select = statement::select::<Self>(mode);
        select.and_where(statement::primary_key_is::<Self>(id));
        select
    }

    /// The marker filter of `mode` alone, for joins and hand-built queries;
    /// empty for [`TrashMode::WithTrashed`].
    ///
    /// To join a soft-delete table, [`ScopedJoin`]'s `inner_join_scoped` and
    /// `left_join_scoped` put this filter in the `ON` clause, where it is
    /// right for left joins too; in `WHERE`, as below, it suits inner joins
    /// only.
    ///
    /// ```
    /// # use soft_delete::{SoftDelete, TrashMode};
    /// # use sea_query::{Expr, ExprTrait, JoinType, PostgresQueryBuilder, Query};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// # #[derive(SoftDelete)] #[soft_delete(table = "comments")] struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// // Live comments of live posts: each table keeps its own scope.
    /// let sql = Comment::query()
    ///     .join(
    ///         JoinType::InnerJoin,
    ///         Post::TABLE,
    ///         Expr::col(("posts", "id")).equals(("comments", "post_id")),
    ///     )
    ///     .cond_where(Post::scope(TrashMode::WithoutTrashed))
    ///     .to_string(PostgresQueryBuilder);
    /// assert!(sql.ends_with(r#"WHERE "comments"."deleted_at" IS NULL AND "posts"."deleted_at" IS NULL"#));
    /// ```
    #[must_use]
    fn scope(mode: TrashMode) -> Condition {
        statement::scope::<Self>(mode)
    }

    /// [`scope`](Self::scope) on the model's table under `alias`: for a
    /// self-join (a comment and its parent), a table joined twice, or a
    /// hand-written join under another name. `T::scope` names the table
    /// itself, so under an alias it would filter the other copy, or none.
    ///
    /// ```
    /// # use soft_delete::{SoftDelete, TrashMode};
    /// # use sea_query::{Expr, ExprTrait, JoinType, PostgresQueryBuilder};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "comments")] struct Comment { id: i64, parent_id: Option<i64>, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// // Live replies whose parent is live too.
    /// let sql = Comment::query()
    ///     .join_as(
    ///         JoinType::InnerJoin,
    ///         Comment::TABLE,
    ///         "parent",
    ///         Expr::col(("parent", "id")).equals(("comments", "parent_id")),
    ///     )
    ///     .cond_where(Comment::scope_as("parent", TrashMode::WithoutTrashed))
    ///     .to_string(PostgresQueryBuilder);
    /// assert!(sql.ends_with(r#"WHERE "comments"."deleted_at" IS NULL AND "parent"."deleted_at" IS NULL"#));
    /// ```
    #[must_use]
    fn scope_as(alias: impl IntoIden, mode: TrashMode) -> Condition {
        statement::scope_as::<Self>(&alias.into_iden(), mode)
    }

    /// `UPDATE table ... WHERE marker IS NULL` (bool: `= FALSE`): a trashed
    /// row is treated as absent. Add the values and conditions.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::{Expr, ExprTrait, PostgresQueryBuilder};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, title: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let sql = Post::update()
    ///     .value(PostColumn::Title, "Hello")
    ///     .and_where(Expr::col((PostColumn::Table, PostColumn::Id)).eq(7))
    ///     .to_string(PostgresQueryBuilder);
    /// assert_eq!(
    ///     sql,
    ///     r#"UPDATE "posts" SET "title" = 'Hello' WHERE "posts"."deleted_at" IS NULL AND "posts"."id" = 7"#
    /// );
    /// ```
    #[must_use]
    fn update() -> UpdateStatement {
        statement::update_live::<Self>()
    }

    /// Soft delete: set the marker to now (bool: `TRUE`) `WHERE pk = id AND
    /// marker IS NULL`. Deleting twice keeps the first deletion time.
    ///
    /// "Now" is [`Utc::now()`], bound as a parameter.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let (sql, _values) = Post::delete_by_id(7).build(PostgresQueryBuilder);
    /// assert_eq!(
    ///     sql,
    ///     r#"UPDATE "posts" SET "deleted_at" = $1 WHERE "posts"."id" = $2 AND "posts"."deleted_at" IS NULL"#
    /// );
    /// ```
    #[must_use]
    fn delete_by_id(id: Self::Id) -> UpdateStatement {
        statement::soft_delete::<Self>(statement::PrimaryKeyIs::<Self>(id), When::Now, None)
    }

    /// Soft delete at a given time: [`delete_by_id`](Self::delete_by_id) with
    /// `at` instead of now. Only for models whose marker records the time.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let at = "2026-01-02T03:04:05Z".parse()?;
    /// assert_eq!(
    ///     Post::delete_by_id_at(7, at).to_string(PostgresQueryBuilder),
    ///     r#"UPDATE "posts" SET "deleted_at" = '2026-01-02 03:04:05.000000 +00:00' WHERE "posts"."id" = 7 AND "posts"."deleted_at" IS NULL"#
    /// );
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    #[must_use]
    fn delete_by_id_at(id: Self::Id, at: DateTime<Utc>) -> UpdateStatement
    where
        Self: RecordsDeletionTime,
    {
        statement::soft_delete::<Self>(statement::PrimaryKeyIs::<Self>(id), When::At(at), None)
    }

    /// Bulk soft delete of the live rows matching `filter`. An empty
    /// condition matches every live row, as in SQL.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::{Cond, Expr, ExprTrait, PostgresQueryBuilder};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", style = "bool")] struct Post { id: i64, title: String, is_deleted: bool }
    /// let sql = Post::delete_where(Cond::all().add(Expr::col((PostColumn::Table, PostColumn::Title)).like("draft%")))
    ///     .to_string(PostgresQueryBuilder);
    /// assert_eq!(
    ///     sql,
    ///     r#"UPDATE "posts" SET "is_deleted" = TRUE WHERE "posts"."title" LIKE 'draft%' AND "posts"."is_deleted" = FALSE"#
    /// );
    /// ```
    #[must_use]
    fn delete_where(filter: Condition) -> UpdateStatement {
        statement::soft_delete::<Self>(filter, When::Now, None)
    }

    /// Soft delete recording who deleted the row: [`delete_by_id`](Self::delete_by_id)
    /// that also sets the `deleted_by = "..."` column to `actor`, in the same
    /// UPDATE. A restore clears it.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::PostgresQueryBuilder;
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "posts", deleted_by = "deleted_by")]
    /// struct Post {
    ///     id: i64,
    ///     deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    ///     deleted_by: Option<String>,
    /// }
    ///
    /// let (sql, _) = Post::delete_by_id_as(7, "alice").build(PostgresQueryBuilder);
    /// assert_eq!(
    ///     sql,
    ///     r#"UPDATE "posts" SET "deleted_at" = $1, "deleted_by" = $2 WHERE "posts"."id" = $3 AND "posts"."deleted_at" IS NULL"#
    /// );
    /// assert_eq!(
    ///     Post::restore_by_id(7).to_string(PostgresQueryBuilder),
    ///     r#"UPDATE "posts" SET "deleted_at" = NULL, "deleted_by" = NULL WHERE "posts"."id" = 7 AND "posts"."deleted_at" IS NOT NULL"#
    /// );
    /// ```
    #[must_use]
    fn delete_by_id_as(id: Self::Id, actor: impl Into<Value>) -> UpdateStatement
    where
        Self: RecordsDeletedBy,
    {
        statement::soft_delete::<Self>(
            statement::PrimaryKeyIs::<Self>(id),
            When::Now,
            Some(actor.into()),
        )
    }

    /// Bulk soft delete recording who deleted the rows: [`delete_where`](Self::delete_where)
    /// that also sets the `deleted_by` column to `actor`.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::{Cond, Expr, ExprTrait, PostgresQueryBuilder};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", deleted_by = "deleted_by")] struct Post { id: i64, author_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>>, deleted_by: Option<i64> }
    /// let (sql, _) = Post::delete_where_as(Cond::all().add(Expr::col(("posts", "author_id")).eq(3)), 42)
    ///     .build(PostgresQueryBuilder);
    /// assert_eq!(
    ///     sql,
    ///     r#"UPDATE "posts" SET "deleted_at" = $1, "deleted_by" = $2 WHERE "posts"."author_id" = $3 AND "posts"."deleted_at" IS NULL"#
    /// );
    /// ```
    #[must_use]
    fn delete_where_as(filter: Condition, actor: impl Into<Value>) -> UpdateStatement
    where
        Self: RecordsDeletedBy,
    {
        statement::soft_delete::<Self>(filter, When::Now, Some(actor.into()))
    }

    /// Restore: set the marker to `NULL` (bool: `FALSE`) `WHERE pk = id AND
    /// marker IS NOT NULL`. A live or absent row is not touched.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(
    ///     Post::restore_by_id(7).to_string(PostgresQueryBuilder),
    ///     r#"UPDATE "posts" SET "deleted_at" = NULL WHERE "posts"."id" = 7 AND "posts"."deleted_at" IS NOT NULL"#
    /// );
    /// ```
    #[must_use]
    fn restore_by_id(id: Self::Id) -> UpdateStatement {
        statement::restore::<Self>(statement::PrimaryKeyIs::<Self>(id))
    }

    /// Bulk restore of the trashed rows matching `filter`.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::{Cond, Expr, ExprTrait, PostgresQueryBuilder};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, author_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let sql = Post::restore_where(Cond::all().add(Expr::col((PostColumn::Table, PostColumn::AuthorId)).eq(3)))
    ///     .to_string(PostgresQueryBuilder);
    /// assert_eq!(
    ///     sql,
    ///     r#"UPDATE "posts" SET "deleted_at" = NULL WHERE "posts"."author_id" = 3 AND "posts"."deleted_at" IS NOT NULL"#
    /// );
    /// ```
    #[must_use]
    fn restore_where(filter: Condition) -> UpdateStatement {
        statement::restore::<Self>(filter)
    }

    /// Hard delete: `DELETE FROM table WHERE pk = id`, trashed or not.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(
    ///     Post::force_delete_by_id(7).to_string(PostgresQueryBuilder),
    ///     r#"DELETE FROM "posts" WHERE "posts"."id" = 7"#
    /// );
    /// ```
    #[must_use]
    fn force_delete_by_id(id: Self::Id) -> DeleteStatement {
        statement::force_delete::<Self>(statement::PrimaryKeyIs::<Self>(id))
    }

    /// Bulk hard delete of the rows matching `filter`, trashed or not. An
    /// empty condition matches every row, as in SQL.
    ///
    /// ```
    /// # use soft_delete::{SoftDelete, TrashMode};
    /// # use sea_query::{Cond, Expr, ExprTrait, PostgresQueryBuilder};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// // Empty the trash can.
    /// assert_eq!(
    ///     Post::force_delete_where(Post::scope(TrashMode::OnlyTrashed)).to_string(PostgresQueryBuilder),
    ///     r#"DELETE FROM "posts" WHERE "posts"."deleted_at" IS NOT NULL"#
    /// );
    /// ```
    #[must_use]
    fn force_delete_where(filter: Condition) -> DeleteStatement {
        statement::force_delete::<Self>(filter)
    }

    /// The statements of an erase (the right to erasure): the hard delete
    /// of the row `id` and of every row below it through the declared
    /// cascades, live or trashed, deepest table first, the row itself last.
    /// Run them in order in one transaction, each until it removes no row:
    /// a step over a self-referencing table (`cascade(Self = "...")`) takes
    /// the leaves of that table each time, because MySQL/MariaDB check a
    /// foreign key row by row; any other step removes nothing the second
    /// time. The run layers' `erase(id)` does all this, with hooks.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::PostgresQueryBuilder;
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "comments")]
    /// struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "posts", cascade(Comment = "post_id"))]
    /// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// let steps: Vec<String> = Post::erase_by_id(7)
    ///     .iter()
    ///     .map(|delete| delete.to_string(PostgresQueryBuilder))
    ///     .collect();
    /// assert_eq!(steps.len(), 2);
    /// assert_eq!(steps[0], r#"DELETE FROM "comments" WHERE "comments"."post_id" IN (7)"#);
    /// assert_eq!(steps[1], r#"DELETE FROM "posts" WHERE "posts"."id" IN (7)"#);
    /// ```
    #[must_use]
    fn erase_by_id(id: Self::Id) -> Vec<DeleteStatement> {
        purge::erase_statements::<Self>(id.into())
    }

    /// The trash by time: "trashed in `[from, to)`" (either end `None` for
    /// open), for "deleted in the last 30 minutes — undo?" and audits. Times
    /// compare as times on every backend (on SQLite whatever format wrote
    /// the marker, as for [`purge_trashed_before`](Self::purge_trashed_before));
    /// add it to [`only_trashed`](Self::only_trashed) or any query.
    ///
    /// ```
    /// # use soft_delete::{Backend, SoftDelete};
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let since = "2026-01-01T00:00:00Z".parse()?;
    /// let recent = Post::with_trashed()
    ///     .cond_where(Post::trashed_between(Some(since), None, Backend::Postgres))
    ///     .to_string(PostgresQueryBuilder);
    /// assert_eq!(
    ///     recent,
    ///     r#"SELECT "posts"."id", "posts"."deleted_at" FROM "posts" WHERE "posts"."deleted_at" IS NOT NULL AND "posts"."deleted_at" >= '2026-01-01 00:00:00.000000 +00:00'"#
    /// );
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    #[must_use]
    fn trashed_between(
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        backend: Backend,
    ) -> Condition
    where
        Self: RecordsDeletionTime,
    {
        statement::trashed_between::<Self>(from, to, backend)
    }

    /// Hard delete of the rows trashed strictly before `cutoff`; a live row
    /// is never touched. Only for models whose marker records the time: on a
    /// `style = "bool"` model this does not compile.
    ///
    /// Times compare as times on every backend. `backend` matters for SQLite
    /// only, where timestamps are text in whatever format wrote them (sqlx
    /// writes `2026-01-02T03:04:05.123+00:00`, `CURRENT_TIMESTAMP`
    /// `2026-01-02 03:04:05`): there the marker is read as a time first, so a
    /// row trashed by a console or a trigger is purged exactly when it
    /// should be. Render the statement for the same backend.
    ///
    /// For a large trash, purge in bounded batches with
    /// [`purge_trashed_before_batch`](Self::purge_trashed_before_batch).
    ///
    /// ```
    /// # use soft_delete::{Backend, SoftDelete};
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let cutoff = "2026-01-01T00:00:00Z".parse()?;
    /// assert_eq!(
    ///     Post::purge_trashed_before(cutoff, Backend::Postgres).to_string(PostgresQueryBuilder),
    ///     r#"DELETE FROM "posts" WHERE "posts"."deleted_at" IS NOT NULL AND "posts"."deleted_at" < '2026-01-01 00:00:00.000000 +00:00'"#
    /// );
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    #[must_use]
    fn purge_trashed_before(cutoff: DateTime<Utc>, backend: Backend) -> DeleteStatement
    where
        Self: RecordsDeletionTime,
    {
        statement::purge_trashed_before::<Self>(cutoff, backend)
    }

    /// One bounded batch of [`purge_trashed_before`](Self::purge_trashed_before):
    /// hard delete of at most `batch_size` rows trashed before `cutoff`,
    /// oldest first, so a purge never holds long locks or a huge
    /// transaction. Run it until it affects fewer than `batch_size` rows.
    /// (On SQLite, batches go in the order of the stored text, which is time
    /// order for markers written in one format; which rows the whole loop
    /// purges does not depend on it.) With [`marker_index`](crate::Schema::marker_index)
    /// each batch reads only the rows it deletes.
    ///
    /// It runs on all three databases (none of them takes `DELETE ... LIMIT`
    /// the same way; this deletes by primary key from a limited derived
    /// table). `backend` matters for SQLite only, where timestamps are text:
    /// there the marker is read as a time first, so a
    /// marker written by `CURRENT_TIMESTAMP` from a console
    /// (`2026-01-02 03:04:05`) is purged exactly when it should be.
    ///
    /// ```no_run
    /// # use soft_delete::{Backend, SoftDelete};
    /// # use sea_query::SqliteQueryBuilder;
    /// # use sea_query_sqlx::SqlxBinder;
    /// # use std::num::NonZeroU32;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// # async fn purge(pool: &sqlx::SqlitePool) -> Result<u64, sqlx::Error> {
    /// const BATCH: NonZeroU32 = NonZeroU32::new(1_000).unwrap();
    /// let cutoff = chrono::Utc::now() - chrono::Duration::days(30);
    /// let mut purged = 0;
    /// loop {
    ///     let statement = Post::purge_trashed_before_batch(cutoff, BATCH, Backend::Sqlite);
    ///     let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
    ///     let deleted = sqlx::query_with(sqlx::AssertSqlSafe(sql), values)
    ///         .execute(pool)
    ///         .await?
    ///         .rows_affected();
    ///     purged += deleted;
    ///     if deleted < u64::from(BATCH.get()) {
    ///         break Ok(purged);
    ///     }
    /// }
    /// # }
    /// ```
    ///
    /// The statement:
    ///
    /// ```
    /// # use soft_delete::{Backend, SoftDelete};
    /// # use sea_query::PostgresQueryBuilder;
    /// # use std::num::NonZeroU32;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let cutoff = "2026-01-01T00:00:00Z".parse()?;
    /// let batch = NonZeroU32::new(500).unwrap();
    /// let (sql, _) = Post::purge_trashed_before_batch(cutoff, batch, Backend::Postgres)
    ///     .build(PostgresQueryBuilder);
    /// assert_eq!(
    ///     sql,
    ///     r#"DELETE FROM "posts" WHERE "posts"."id" IN (SELECT "soft_delete_batch"."id" FROM (SELECT "posts"."id" FROM "posts" WHERE "posts"."deleted_at" IS NOT NULL AND "posts"."deleted_at" < $1 ORDER BY "posts"."deleted_at" ASC LIMIT $2) AS "soft_delete_batch")"#
    /// );
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    #[must_use]
    fn purge_trashed_before_batch(
        cutoff: DateTime<Utc>,
        batch_size: NonZeroU32,
        backend: Backend,
    ) -> DeleteStatement
    where
        Self: RecordsDeletionTime,
    {
        statement::purge_batch::<Self>(cutoff, batch_size, backend)
    }

    /// Cascade soft delete: the statements that mark the live row `id` and
    /// the live rows below it deleted at one shared instant, in the order to
    /// run them in one transaction (as `soft_delete::sqlx`'s
    /// `cascade_delete` does, rolling back when the row was not live).
    ///
    /// With `cascade_id = "..."` on every model of the tree, the cascade
    /// reaches every level ([`CHILDREN`](Self::CHILDREN) of the children, and
    /// a model's own rows through `cascade(Self = "...")`), and stamps each
    /// row it trashes with a fresh deletion id: the parent with the id, the
    /// rows below with its negation. [`cascade_restore_by_id`](Self::cascade_restore_by_id)
    /// then restores exactly those rows, whatever the clocks, the column's
    /// precision or the time between building and running the statements.
    ///
    /// Without `cascade_id` the cascade is one level deep: the children copy
    /// the parent's *stored* marker, and are matched by it on restore. The
    /// parent holds the cascade's instant, unless a child deleted on its own
    /// before holds the cascade's second or a later one: then the parent
    /// takes the latest earlier whole second (up to five before) that no
    /// child holds — a marker is never later than its deletion. A child
    /// deleted on its own *later* with the very same marker value (same
    /// second on a second-precision column) would be restored with the
    /// parent: use `cascade_id` where that matters.
    /// `backend` matters on SQLite only, where that check compares times, not
    /// text.
    ///
    /// ```
    /// use soft_delete::{Backend, SoftDelete};
    /// use sea_query::PostgresQueryBuilder;
    ///
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "comments")]
    /// struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "posts", cascade(Comment = "post_id"))]
    /// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// let statements = Post::cascade_delete_by_id(7, Backend::Postgres);
    /// let sql: Vec<String> = statements.iter().map(|s| s.build(PostgresQueryBuilder).0).collect();
    /// // The post, stamped now unless a comment already holds a marker in this
    /// // second (then the latest earlier whole second none holds) ...
    /// assert!(sql[0].starts_with(r#"UPDATE "posts" SET "deleted_at" = (CASE WHEN (NOT EXISTS(SELECT 1 FROM "comments" WHERE "comments"."post_id" = $1 AND "comments"."deleted_at" >= $2)) THEN $3 WHEN"#));
    /// assert!(sql[0].ends_with(r#"WHERE "posts"."id" = $17 AND "posts"."deleted_at" IS NULL"#));
    /// // ... then its live comments, copying the post's stored marker.
    /// assert_eq!(
    ///     sql[1],
    ///     r#"UPDATE "comments" SET "deleted_at" = (SELECT "posts"."deleted_at" FROM "posts" WHERE "posts"."id" = $1) WHERE "comments"."post_id" = $2 AND (SELECT "posts"."deleted_at" FROM "posts" WHERE "posts"."id" = $3) IS NOT NULL AND "comments"."deleted_at" IS NULL"#
    /// );
    /// ```
    #[must_use]
    fn cascade_delete_by_id(id: Self::Id, backend: Backend) -> Vec<UpdateStatement>
    where
        Self: RecordsDeletionTime,
    {
        cascade::delete::<Self>(&id.into(), When::Now, None, backend)
            .into_iter()
            .map(|(statement, _)| statement)
            .collect()
    }

    /// [`cascade_delete_by_id`](Self::cascade_delete_by_id) at a given time.
    ///
    /// ```
    /// # use soft_delete::{Backend, SoftDelete};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "comments")] struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", cascade(Comment = "post_id"))] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let statements = Post::cascade_delete_by_id_at(7, chrono::Utc::now(), Backend::Sqlite);
    /// assert_eq!(statements.len(), 2);
    /// ```
    #[must_use]
    fn cascade_delete_by_id_at(
        id: Self::Id,
        at: DateTime<Utc>,
        backend: Backend,
    ) -> Vec<UpdateStatement>
    where
        Self: RecordsDeletionTime,
    {
        cascade::delete::<Self>(&id.into(), When::At(at), None, backend)
            .into_iter()
            .map(|(statement, _)| statement)
            .collect()
    }

    /// [`cascade_delete_by_id`](Self::cascade_delete_by_id) recording who
    /// deleted the rows, in the parent's and in each child's `deleted_by`
    /// column where they have one.
    ///
    /// ```
    /// # use soft_delete::{Backend, SoftDelete};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "comments")] struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", deleted_by = "deleted_by", cascade(Comment = "post_id"))] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>>, deleted_by: Option<String> }
    /// let statements = Post::cascade_delete_by_id_as(7, "alice", Backend::Postgres);
    /// assert_eq!(statements.len(), 2);
    /// ```
    #[must_use]
    fn cascade_delete_by_id_as(
        id: Self::Id,
        actor: impl Into<Value>,
        backend: Backend,
    ) -> Vec<UpdateStatement>
    where
        Self: RecordsDeletionTime + RecordsDeletedBy,
    {
        cascade::delete::<Self>(&id.into(), When::Now, Some(&actor.into()), backend)
            .into_iter()
            .map(|(statement, _)| statement)
            .collect()
    }

    /// Cascade restore: the statements that restore the trashed row `id` and
    /// exactly the rows its cascade deleted (with `cascade_id`: those holding
    /// the negation of its deletion id, at every level; without: the children
    /// holding its marker), those first, in one transaction. A row trashed
    /// by a cascade that started above it is restored alone.
    ///
    /// ```
    /// # use soft_delete::{Backend, SoftDelete};
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "comments")] struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", cascade(Comment = "post_id"))] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let sql: Vec<String> = Post::cascade_restore_by_id(7)
    ///     .iter()
    ///     .map(|s| s.to_string(PostgresQueryBuilder))
    ///     .collect();
    /// assert_eq!(sql, [
    ///     r#"UPDATE "comments" SET "deleted_at" = NULL WHERE "comments"."post_id" = 7 AND "comments"."deleted_at" = (SELECT "posts"."deleted_at" FROM "posts" WHERE "posts"."id" = 7) AND "comments"."deleted_at" IS NOT NULL"#,
    ///     r#"UPDATE "posts" SET "deleted_at" = NULL WHERE "posts"."id" = 7 AND "posts"."deleted_at" IS NOT NULL"#,
    /// ]);
    /// ```
    #[must_use]
    fn cascade_restore_by_id(id: Self::Id) -> Vec<UpdateStatement>
    where
        Self: RecordsDeletionTime,
    {
        cascade::restore::<Self>(&id.into())
            .into_iter()
            .map(|(statement, _)| statement)
            .collect()
    }

    /// The DDL of every key in [`UNIQUE`](Self::UNIQUE), key by key in the
    /// order declared: for each, the statements of
    /// [`Schema::unique_among_live`] over its columns, with the same index
    /// (and, on MySQL/MariaDB, generated column) names. Run them in order.
    /// Empty for a model without `unique(...)`. The same as
    /// [`Schema::unique_indexes`], where the other schema helpers are.
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema, SoftDelete};
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "users", unique(email))]
    /// struct User { id: i64, email: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// assert_eq!(
    ///     User::unique_indexes(Backend::Postgres),
    ///     [r#"CREATE UNIQUE INDEX IF NOT EXISTS "users_email_42c98313_live_key" ON "users" ("email") WHERE "deleted_at" IS NULL"#]
    /// );
    /// assert_eq!(
    ///     User::unique_indexes(Backend::Sqlite),
    ///     Schema::new(Backend::Sqlite).unique_among_live::<User>(&[UserColumn::Email])?
    /// );
    /// # Ok::<(), soft_delete::SchemaError>(())
    /// ```
    #[must_use]
    fn unique_indexes(backend: Backend) -> Vec<String> {
        Schema::new(backend).unique_indexes::<Self>()
    }

    /// Soft delete of this row: [`delete_by_id`](Self::delete_by_id) of
    /// [`id`](Self::id).
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::SqliteQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", style = "bool")] struct Post { id: i64, is_deleted: bool }
    /// let post = Post { id: 7, is_deleted: false };
    /// assert_eq!(
    ///     post.delete().to_string(SqliteQueryBuilder),
    ///     r#"UPDATE "posts" SET "is_deleted" = TRUE WHERE "posts"."id" = 7 AND "posts"."is_deleted" = FALSE"#
    /// );
    /// ```
    #[must_use]
    fn delete(&self) -> UpdateStatement {
        Self::delete_by_id(self.id())
    }

    /// Soft delete of this row recording who deleted it:
    /// [`delete_by_id_as`](Self::delete_by_id_as) of [`id`](Self::id).
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", deleted_by = "deleted_by")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>>, deleted_by: Option<String> }
    /// let post = Post { id: 7, deleted_at: None, deleted_by: None };
    /// assert_eq!(
    ///     post.delete_as("alice").build(PostgresQueryBuilder).0,
    ///     Post::delete_by_id_as(7, "alice").build(PostgresQueryBuilder).0
    /// );
    /// ```
    #[must_use]
    fn delete_as(&self, actor: impl Into<Value>) -> UpdateStatement
    where
        Self: RecordsDeletedBy,
    {
        Self::delete_by_id_as(self.id(), actor)
    }

    /// Restore of this row: [`restore_by_id`](Self::restore_by_id) of
    /// [`id`](Self::id).
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::SqliteQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", style = "bool")] struct Post { id: i64, is_deleted: bool }
    /// let post = Post { id: 7, is_deleted: true };
    /// assert_eq!(
    ///     post.restore().to_string(SqliteQueryBuilder),
    ///     r#"UPDATE "posts" SET "is_deleted" = FALSE WHERE "posts"."id" = 7 AND "posts"."is_deleted" = TRUE"#
    /// );
    /// ```
    #[must_use]
    fn restore(&self) -> UpdateStatement {
        Self::restore_by_id(self.id())
    }

    /// Hard delete of this row: [`force_delete_by_id`](Self::force_delete_by_id)
    /// of [`id`](Self::id).
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::SqliteQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let post = Post { id: 7, deleted_at: None };
    /// assert_eq!(post.force_delete().to_string(SqliteQueryBuilder), r#"DELETE FROM "posts" WHERE "posts"."id" = 7"#);
    /// ```
    #[must_use]
    fn force_delete(&self) -> DeleteStatement {
        Self::force_delete_by_id(self.id())
    }
}

/// A model whose marker records when a row was deleted (`style =
/// "timestamp"` or `"unix"`), so it can be purged by age, deleted at a given
/// time and cascade.
///
/// The derive implements it for timestamp and Unix models; a `style = "bool"` model
/// does not have it, so calling [`SoftDelete::purge_trashed_before`] on one is
/// a compile error.
///
/// ```
/// use soft_delete::{RecordsDeletionTime, SoftDelete};
///
/// #[derive(SoftDelete)]
/// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// fn purge_old<T: RecordsDeletionTime>() -> sea_query::DeleteStatement {
///     T::purge_trashed_before(chrono::Utc::now() - chrono::Duration::days(30), soft_delete::Backend::Sqlite)
/// }
/// let _ = purge_old::<Post>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not record when a row was deleted: this needs `style = \"timestamp\"` (or `\"unix\"`)",
    label = "`{Self}` has no deletion time to compare or to set",
    note = "use `#[soft_delete(style = \"timestamp\")]` with a marker field of type `Option<DateTime<Utc>>`",
    note = "or keep a style without a time (`\"bool\"`, `\"active\"`): `delete_by_id` deletes now, and `force_delete_where({Self}::scope(TrashMode::OnlyTrashed))` empties the trash"
)]
pub trait RecordsDeletionTime: SoftDelete {}

/// A model that states how long its trashed rows are kept (`retain = "30
/// days"` in the derive), read from [`SoftDelete::RETAIN_SECONDS`], which is
/// `Some` for it. Only a model that records the deletion time can have one,
/// so a `style = "bool"` model with `retain` is a compile error.
///
/// The derive implements it only for models with `retain`, so a purge job
/// that relies on a stated retention accepts no other:
///
/// ```
/// use chrono::{DateTime, Duration, Utc};
/// use soft_delete::{Backend, Retained, SoftDelete};
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "posts", retain = "30 days")]
/// struct Post { id: i64, deleted_at: Option<DateTime<Utc>> }
///
/// /// The rows trashed longer ago than `T` keeps them.
/// fn purge_expired<T: Retained>(now: DateTime<Utc>) -> Option<sea_query::DeleteStatement> {
///     let kept = Duration::seconds(i64::try_from(T::RETAIN_SECONDS?).ok()?);
///     Some(T::purge_trashed_before(now - kept, Backend::Sqlite))
/// }
/// assert!(purge_expired::<Post>(Utc::now()).is_some());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` states no retention for its trashed rows",
    label = "`{Self}` has no `retain = \"...\"`",
    note = "add `retain = \"30 days\"` (a whole number of days, hours or minutes) to `#[soft_delete(...)]` on `{Self}`"
)]
pub trait Retained: RecordsDeletionTime {}

/// A model that records who deleted a row (`deleted_by = "..."` in the
/// derive), so it can be soft deleted with an actor.
///
/// ```
/// use soft_delete::{RecordsDeletedBy, SoftDelete};
///
/// #[derive(SoftDelete)]
/// #[soft_delete(deleted_by = "deleted_by")]
/// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>>, deleted_by: Option<i64> }
///
/// fn delete_for<T: RecordsDeletedBy>(id: T::Id, user: i64) -> sea_query::UpdateStatement {
///     T::delete_by_id_as(id, user)
/// }
/// let _ = delete_for::<Post>(7, 42);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not record who deleted a row",
    label = "`{Self}` has no `deleted_by` column",
    note = "add `deleted_by = \"<column>\"` to `#[soft_delete(...)]`, naming a nullable field such as `deleted_by: Option<i64>`"
)]
pub trait RecordsDeletedBy: SoftDelete {}

/// The hooks that run around a model's writes when they are executed by
/// `soft_delete::sqlx` (facade features `sqlx-*`): [`NoHooks`] unless the
/// model names a type with `#[soft_delete(hooks = "...")]`. The derive
/// implements it; the hooks themselves are that type's implementation of
/// `soft_delete::sqlx::Hooks`.
///
/// ```
/// use soft_delete::{HasHooks, NoHooks, SoftDelete};
///
/// #[derive(SoftDelete)]
/// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// /// Writes an audit row per deletion (see `soft_delete::sqlx::Hooks`).
/// pub struct AuditTrail;
///
/// #[derive(SoftDelete)]
/// #[soft_delete(hooks = "AuditTrail")]
/// struct Comment { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// fn hooks_of<T: HasHooks>() -> &'static str { std::any::type_name::<T::Hooks>() }
/// assert_eq!(hooks_of::<Post>(), std::any::type_name::<NoHooks>());
/// assert!(hooks_of::<Comment>().ends_with("AuditTrail"));
/// ```
pub trait HasHooks: SoftDelete {
    /// The type whose `soft_delete::sqlx::Hooks` run around this model's
    /// soft deletes, restores, force deletes and purge batches.
    type Hooks;
}

/// No hooks: what every model runs unless it names its own with
/// `#[soft_delete(hooks = "...")]`.
///
/// ```
/// use soft_delete::{HasHooks, NoHooks, SoftDelete};
///
/// #[derive(SoftDelete)]
/// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// let _: <Post as HasHooks>::Hooks = NoHooks;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NoHooks;

/// What the run layers (`soft_delete::sqlx`, `soft_delete::sea_orm`) share:
/// operation plans and the code that executes them; not public API, no
/// semver guarantees.
#[doc(hidden)]
pub mod __layer {
    pub use crate::execute::{retryable_code, Failure, Fault, Hook, Session};
    pub use crate::plan::{PurgeConfig, Sql, DEFAULT_BATCH};
    pub use crate::tombstone::{describe_cascaded, describe_conflict, describe_trashed_parent};
    pub use crate::{execute, plan, purge, tombstone, value};
}

/// What generated code names; not public API, no semver guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::cache::{rendered, returning_row, Cached, Returning};
    pub use crate::cascade::{cascade_problem, CascadeProblem};
    pub use crate::marker::{
        ActiveField, BoolField, CascadeIdField, DeletedByField, MarkerField, TimestampField,
        UnixField, UpdatedAtField,
    };
    pub use chrono;
    pub use sea_query;
    pub use std::borrow::Cow;

    /// The column type of a derive that failed before it could emit a
    /// column enum (on an enum or a union): it has no values.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum NoColumn {}

    impl sea_query::Iden for NoColumn {
        fn unquoted(&self) -> &str {
            match *self {}
        }
    }

    impl sea_query::IdenStatic for NoColumn {
        fn as_str(&self) -> &'static str {
            match *self {}
        }
    }
}
