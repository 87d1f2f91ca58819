//! `#[derive(SoftDelete)]` for the [`soft-delete`](https://docs.rs/soft-delete)
//! crate. The derive generates data only — consts, accessors and a column
//! enum — and leaves every statement to the provided methods of
//! `soft_delete::SoftDelete`.
//!
//! The documentation of `#[derive(SoftDelete)]` lists every attribute key, including the
//! names read from `#[sqlx(...)]` and `#[sea_orm(...)]`.

#![deny(missing_docs)]
#![warn(clippy::pedantic)]

mod ast;
mod attr;
mod case;
mod ctxt;
mod expand;
mod foreign;
mod valid;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `soft_delete::SoftDelete` for a struct with named fields, and a
/// column enum named after it (`Post` → `PostColumn`).
///
/// Struct keys of `#[soft_delete(...)]`, all optional:
///
/// | key | default | meaning |
/// |---|---|---|
/// | `table = "..."` | `#[sea_orm(table_name)]`, else the struct name in `snake_case` | the table |
/// | `column = "..."` | `deleted_at` (timestamp, unix), `is_deleted` (bool), `is_active` (active), in the struct's `rename_all` case | the marker column, by its SQL name |
/// | `style = "timestamp" \| "bool" \| "unix" \| "active"` | `timestamp` | how the marker is stored (`active`: a `bool` that is `TRUE` while live) |
/// | `deleted_by = "..."` | none | a nullable column recording who deleted a row |
/// | `updated_at = "..."` | none | a timestamp column (`DateTime<Utc>` or `NaiveDateTime`, optional or not) that soft deletes, restores and cascades set to their instant |
/// | `now = "application" \| "database"` | `application` | whose clock stamps a soft delete |
/// | `cascade_id = "..."` | none | an `Option<i64>` column where cascades stamp their deletion id: exact restores at any depth (needed on every model of a deeper tree) |
/// | `cascade(Child = "fk", ...)` | none | children soft deleted and restored with this model; `Self = "parent_id"` for rows of the same model |
/// | `hooks = "Type"` | `NoHooks` | the type whose sqlx hooks run around each write |
/// | `crate = "path"` | `::soft_delete` | the runtime's path in generated code |
///
/// Field keys: `#[soft_delete(primary_key)]` (else the field `id` is the
/// key), `#[soft_delete(rename = "...")]` (the column's SQL name),
/// `#[soft_delete(skip)]` (not a column).
///
/// Names already written for sqlx's `FromRow` or a SeaORM entity are read
/// too, so each is written once (this derive reads these attributes but does
/// not register them: their own derives do):
///
/// | attribute | read as |
/// |---|---|
/// | `#[sqlx(rename = "c")]` on a field | the column's name |
/// | `#[sqlx(rename_all = "...")]` on the struct | every column's name unless renamed: `lowercase`, `snake_case`, `UPPERCASE`, `SCREAMING_SNAKE_CASE`, `kebab-case`, `camelCase`, `PascalCase`, converted as sqlx does |
/// | `#[sqlx(skip)]` | not a column |
/// | `#[sea_orm(table_name = "t")]` | the table |
/// | `#[sea_orm(column_name = "c")]`, `#[sea_orm(column_name_case = "...")]`, `#[sea_orm(rename_all = "...")]` | the column's name, as SeaORM gives it |
/// | `#[sea_orm(ignore)]`, relation fields (`has_one`, `has_many`, `belongs_to`) | not a column |
/// | `#[sea_orm(primary_key)]` | the primary key |
///
/// Every other key of theirs (`default`, `try_from`, `json`, `auto_increment`,
/// `column_type`, ...) is left to them, and so is judging their syntax.
/// Where two attributes name one table or column differently, that is a
/// compile error naming both; the same name twice is fine.
/// `#[sqlx(flatten)]` is a compile error: the flattened struct's columns are
/// not visible to this derive. Limitations: a SeaORM field name that is not
/// `snake_case` keeps its name here (SeaORM would snake-case it; rustc warns
/// on such names anyway), `schema_name` is not read, and composite keys are
/// not supported.
///
/// ```
/// use soft_delete::SoftDelete;
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "posts", column = "removed_at")]
/// struct Post {
///     id: i64,
///     #[soft_delete(rename = "body_text")]
///     body: String,
///     removed_at: Option<chrono::DateTime<chrono::Utc>>,
/// }
///
/// assert_eq!(Post::COLUMNS, ["id", "body_text", "removed_at"]);
/// ```
#[proc_macro_derive(SoftDelete, attributes(soft_delete))]
pub fn derive_soft_delete(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}
