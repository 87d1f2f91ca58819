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
#![warn(clippy::pedantic)]

mod marker;
mod mode;
mod statement;

/// The `chrono` this crate was built with, for matching versions.
pub use chrono;
pub use marker::{Marker, MarkerStyle};
pub use mode::{ParseTrashModeError, TrashMode};
/// The `sea-query` this crate was built with, for matching versions.
pub use sea_query;

use chrono::{DateTime, Utc};
use sea_query::{Condition, DeleteStatement, SelectStatement, UpdateStatement, Value};

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
pub trait SoftDelete {
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

    /// Type of the primary key.
    type Id: Into<Value>;

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
    fn query() -> SelectStatement
    where
        Self: Sized,
    {
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
    fn with_trashed() -> SelectStatement
    where
        Self: Sized,
    {
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
    fn only_trashed() -> SelectStatement
    where
        Self: Sized,
    {
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
    fn query_in(mode: TrashMode) -> SelectStatement
    where
        Self: Sized,
    {
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
    fn find(id: Self::Id) -> SelectStatement
    where
        Self: Sized,
    {
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
    fn find_in(id: Self::Id, mode: TrashMode) -> SelectStatement
    where
        Self: Sized,
    {
        let mut select = statement::select::<Self>(mode);
        select.and_where(statement::primary_key_is::<Self>(id));
        select
    }

    /// The marker filter of `mode` alone, for joins and hand-built queries;
    /// empty for [`TrashMode::WithTrashed`].
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
    fn scope(mode: TrashMode) -> Condition
    where
        Self: Sized,
    {
        statement::scope::<Self>(mode)
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
    fn update() -> UpdateStatement
    where
        Self: Sized,
    {
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
    fn delete_by_id(id: Self::Id) -> UpdateStatement
    where
        Self: Sized,
    {
        let filter = Condition::all().add(statement::primary_key_is::<Self>(id));
        statement::soft_delete::<Self>(filter, Utc::now())
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
        Self: Sized + RecordsDeletionTime,
    {
        let filter = Condition::all().add(statement::primary_key_is::<Self>(id));
        statement::soft_delete::<Self>(filter, at)
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
    fn delete_where(filter: Condition) -> UpdateStatement
    where
        Self: Sized,
    {
        statement::soft_delete::<Self>(filter, Utc::now())
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
    fn restore_by_id(id: Self::Id) -> UpdateStatement
    where
        Self: Sized,
    {
        let filter = Condition::all().add(statement::primary_key_is::<Self>(id));
        statement::restore::<Self>(filter)
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
    fn restore_where(filter: Condition) -> UpdateStatement
    where
        Self: Sized,
    {
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
    fn force_delete_by_id(id: Self::Id) -> DeleteStatement
    where
        Self: Sized,
    {
        let filter = Condition::all().add(statement::primary_key_is::<Self>(id));
        statement::force_delete::<Self>(filter)
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
    fn force_delete_where(filter: Condition) -> DeleteStatement
    where
        Self: Sized,
    {
        statement::force_delete::<Self>(filter)
    }

    /// Hard delete of the rows trashed strictly before `cutoff`; a live row
    /// is never touched. Only for models whose marker records the time: on a
    /// `style = "bool"` model this does not compile.
    ///
    /// ```
    /// # use soft_delete::SoftDelete;
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let cutoff = "2026-01-01T00:00:00Z".parse()?;
    /// assert_eq!(
    ///     Post::purge_trashed_before(cutoff).to_string(PostgresQueryBuilder),
    ///     r#"DELETE FROM "posts" WHERE "posts"."deleted_at" IS NOT NULL AND "posts"."deleted_at" < '2026-01-01 00:00:00.000000 +00:00'"#
    /// );
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    #[must_use]
    fn purge_trashed_before(cutoff: DateTime<Utc>) -> DeleteStatement
    where
        Self: Sized + RecordsDeletionTime,
    {
        statement::purge_trashed_before::<Self>(cutoff)
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
    fn delete(&self) -> UpdateStatement
    where
        Self: Sized,
    {
        Self::delete_by_id(self.id())
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
    fn restore(&self) -> UpdateStatement
    where
        Self: Sized,
    {
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
    fn force_delete(&self) -> DeleteStatement
    where
        Self: Sized,
    {
        Self::force_delete_by_id(self.id())
    }
}

/// A model whose marker records when a row was deleted (`style =
/// "timestamp"`), so it can be purged by age and deleted at a given time.
///
/// The derive implements it for timestamp models; a `style = "bool"` model
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
///     T::purge_trashed_before(chrono::Utc::now() - chrono::Duration::days(30))
/// }
/// let _ = purge_old::<Post>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not record when a row was deleted: this needs `style = \"timestamp\"`",
    label = "`{Self}` has no deletion time to compare or to set",
    note = "use `#[soft_delete(style = \"timestamp\")]` with a marker field of type `Option<DateTime<Utc>>`",
    note = "or keep `style = \"bool\"`: `delete_by_id` deletes now, and `force_delete_where({Self}::scope(TrashMode::OnlyTrashed))` empties the trash"
)]
pub trait RecordsDeletionTime: SoftDelete {}

/// What generated code names; not public API, no semver guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::marker::{BoolField, MarkerField, TimestampField};
    pub use chrono;
    pub use sea_query;
    pub use std::borrow::Cow;
}
