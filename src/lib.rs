//! # soft-delete
//!
//! Soft delete (logical deletion) for [`sea_query`]: annotate a struct with
//! `#[derive(SoftDelete)]` and get query builders that hide deleted rows by
//! default, [`with_trashed`](SoftDelete::with_trashed) and
//! [`only_trashed`](SoftDelete::only_trashed) views, soft delete, restore,
//! force delete and purge — checked at compile time, rendered for
//! PostgreSQL, MySQL/MariaDB and SQLite alike.
//!
//! ```
//! use chrono::{DateTime, Utc};
//! use sea_query::PostgresQueryBuilder;
//! use soft_delete::{SoftDelete, TrashMode};
//!
//! #[derive(Debug, Clone, SoftDelete)]
//! #[soft_delete(table = "posts", column = "removed_at", style = "timestamp")]
//! pub struct Post {
//!     pub id: i64,
//!     pub title: String,
//!     #[soft_delete(rename = "body_text")]
//!     pub body: String,
//!     #[soft_delete(skip)]
//!     pub cached_len: usize,
//!     pub removed_at: Option<DateTime<Utc>>,
//! }
//!
//! assert_eq!(
//!     Post::query().to_string(PostgresQueryBuilder),
//!     r#"SELECT "posts"."id", "posts"."title", "posts"."body_text", "posts"."removed_at" FROM "posts" WHERE "posts"."removed_at" IS NULL"#
//! );
//! assert_eq!(
//!     Post::query_in(TrashMode::WithTrashed).to_string(PostgresQueryBuilder),
//!     r#"SELECT "posts"."id", "posts"."title", "posts"."body_text", "posts"."removed_at" FROM "posts""#
//! );
//! ```
//!
//! See the [`SoftDelete`] trait for every statement, and the [`guide`]
//! modules for the reference: the model's keys, the schema, the run layers,
//! cascades, purges, and what each guarantees.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(clippy::pedantic)]

// The library, item by item: the model trait and its markers, what the
// statements take and return, the schema helpers' types; then the crates
// its signatures speak in.
pub use soft_delete_core::{chrono, sea_query};
pub use soft_delete_core::{
    Backend, Cascade, Child, Clock, HasHooks, Holder, HookError, Marker, MarkerStyle, NoHooks,
    Parent, ParseTrashModeError, Pruned, PurgeProgress, RecordsDeletedBy, RecordsDeletionTime,
    Retained, Schema, SchemaError, ScopedJoin, SoftDelete, TrashMode, UnknownBackendError,
    UpdatedAt, ValueError, Written,
};

/// What the derive's expansion names; not part of the API.
#[doc(hidden)]
pub use soft_delete_core::__private;

/// What the run layers share (the operation plans and their executor);
/// not part of the API.
#[doc(hidden)]
pub use soft_delete_core::__layer;

pub mod guide;

#[cfg(any(
    feature = "sqlx-sqlite",
    feature = "sqlx-postgres",
    feature = "sqlx-mysql",
    feature = "sea-orm"
))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(
        feature = "sqlx-sqlite",
        feature = "sqlx-postgres",
        feature = "sqlx-mysql",
        feature = "sea-orm"
    )))
)]
pub mod hooks;

#[cfg(any(
    feature = "sqlx-sqlite",
    feature = "sqlx-postgres",
    feature = "sqlx-mysql",
    feature = "sea-orm"
))]
mod prune;

#[cfg(any(
    feature = "sqlx-sqlite",
    feature = "sqlx-postgres",
    feature = "sqlx-mysql"
))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(
        feature = "sqlx-sqlite",
        feature = "sqlx-postgres",
        feature = "sqlx-mysql"
    )))
)]
pub mod sqlx;

#[cfg(feature = "sea-orm")]
#[cfg_attr(docsrs, doc(cfg(feature = "sea-orm")))]
pub mod sea_orm;
/// Derives [`SoftDelete`](trait@SoftDelete) and a column enum for a struct.
///
/// Struct attributes, all optional:
///
/// | key | default | meaning |
/// |---|---|---|
/// | `table = "..."` | `#[sea_orm(table_name)]`, else the struct name in `snake_case` | table name |
/// | `column = "..."` | `deleted_at` (timestamp, unix), `is_deleted` (bool), in the struct's `rename_all` case | the marker column, by its SQL name |
/// | `style = "timestamp" \| "bool" \| "unix"` | `timestamp` | how the marker is stored |
/// | `deleted_by = "..."` | none | a nullable column recording who deleted the row ([`RecordsDeletedBy`]) |
/// | `now = "application" \| "database"` | `application` | whose clock stamps a soft delete ([`Clock`]) |
/// | `cascade(Child = "...")` | none | a child reached by cascade deletes and restores ([`Child`]); repeatable |
/// | `parent(Post = "...")` | none | a parent and this model's column holding its key ([`Parent`]; `Self = "parent_id"` for its own parent row); repeatable: a restore under a trashed parent is refused |
/// | `unique(field, ...)` | none | fields, by their Rust names, unique among live rows ([`SoftDelete::UNIQUE`] holds their SQL names, [`SoftDelete::unique_indexes`] their DDL); repeatable |
/// | `retain = "30 days"` | none | how long trashed rows are kept: a positive whole number of `days`, `hours` or `minutes` ([`SoftDelete::RETAIN_SECONDS`], [`Retained`]); timestamp and unix styles only |
/// | `hooks = "..."` | [`NoHooks`] | a type whose `soft_delete::sqlx::Hooks` run around each write, in its transaction ([`HasHooks`]) |
/// | `crate = "..."` | `::soft_delete` | path of the runtime crate in generated code |
///
/// Field attributes: `primary_key` (else the field `id` is the key),
/// `rename = "..."` (the SQL name), `skip` (not a column).
///
/// Names already written for other derives are read too, so each is written
/// once: `#[sqlx(rename = "...")]`, `#[sqlx(rename_all = "...")]` and
/// `#[sqlx(skip)]`; `#[sea_orm(table_name = "...")]`,
/// `#[sea_orm(column_name = "...")]`, `column_name_case`, `rename_all`,
/// `#[sea_orm(ignore)]` (and relation fields) and `#[sea_orm(primary_key)]`.
/// Two attributes naming one table or column differently are a compile error
/// naming both; `#[sqlx(flatten)]` is not supported.
///
/// A field in two `unique(...)` keys, such as `unique(email), unique(tenant_id,
/// email)`, repeats a nested attribute, which clippy's `duplicated_attributes`
/// flags; allow it on the struct with `#[allow(clippy::duplicated_attributes)]`.
///
/// The marker field is `Option<DateTime<Utc>>` or `Option<NaiveDateTime>`
/// for `style = "timestamp"`, `bool` for `style = "bool"`, `i64` for
/// `style = "unix"`.
///
/// The derive also emits `<Struct>Column`, with the struct's visibility: a
/// variant per column in `PascalCase` plus `Table`, implementing
/// [`sea_query::Iden`].
///
/// ```
/// use soft_delete::SoftDelete;
/// use sea_query::{Expr, ExprTrait, MysqlQueryBuilder};
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "users", style = "bool")]
/// struct User {
///     #[soft_delete(primary_key)]
///     user_id: i64,
///     email: String,
///     is_deleted: bool,
/// }
///
/// let sql = User::query()
///     .and_where(Expr::col((UserColumn::Table, UserColumn::Email)).eq("a@example.com"))
///     .to_string(MysqlQueryBuilder);
/// assert_eq!(
///     sql,
///     "SELECT `users`.`user_id`, `users`.`email`, `users`.`is_deleted` FROM `users` WHERE `users`.`is_deleted` = FALSE AND `users`.`email` = 'a@example.com'"
/// );
/// ```
pub use soft_delete_derive::SoftDelete;
