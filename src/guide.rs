//! Guides: the reference, topic by topic.
//!
//! The README shows one short example per layer. These pages hold the
//! details: what each statement emits, every key of the derive, the schema,
//! the run layers, and what each feature guarantees and how it is tested.
//!
//! - [`statements`]: the sea-query statements, for SQL run your own way, and
//!   what each method emits.
//! - [`model`]: the derive's keys, the marker styles, compile errors; who
//!   deleted, last changed, one clock, Unix seconds.
//! - [`schema`]: column types per database, indexes and views, `Schema`.
//! - [`run_layers`]: the `soft_delete::sqlx` and `soft_delete::sea_orm`
//!   handles, their errors, `Run`, the features.
//! - [`hooks`]: code around the handles' writes, in the same transaction.
//! - [`joins`]: joins that cannot leak trashed rows.
//! - [`unique_keys`]: unique among live rows, unique keys and tombstones,
//!   `create_or_restore`.
//! - [`ending_rows`]: purge in bounded batches, purge with foreign keys,
//!   erase, retention, the trash by time.
//! - [`cascades`]: cascade soft delete, restored exactly.
//! - [`concurrency`]: what holds under concurrent calls, and what to retry.
//! - [`values`]: values at the edges, and the statement cache.
//! - [`rest_api`]: the REST API example.
//! - [`databases`]: the databases tested, and what runs on each.
//!
//! Soft delete in Laravel, GORM, django-safedelete, Sequelize and `TypeORM`
//! keeps tripping their users in the same places. Each of the features in
//! [`joins`], [`unique_keys`], [`ending_rows`], [`cascades`],
//! [`concurrency`] and [`values`] is a method or a key of the derive here,
//! checked at compile time, and tested on PostgreSQL, MariaDB and SQLite.

pub mod statements {
    //! The statements, for SQL run your own way, and what each method emits.
    //!
    //! Every operation is a plain sea-query statement first, to keep
    //! composing and to run with any driver:
    //!
    //! ```
    //! use chrono::{DateTime, Utc};
    //! use sea_query::{Expr, ExprTrait, PostgresQueryBuilder};
    //! use soft_delete::{Backend, SoftDelete, TrashMode};
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
    //! let sql = Post::query()
    //!     .and_where(Expr::col((PostColumn::Table, PostColumn::Title)).like("Rust%"))
    //!     .to_string(PostgresQueryBuilder);
    //! assert_eq!(
    //!     sql,
    //!     r#"SELECT "posts"."id", "posts"."title", "posts"."body_text", "posts"."removed_at" FROM "posts" WHERE "posts"."removed_at" IS NULL AND "posts"."title" LIKE 'Rust%'"#
    //! );
    //!
    //! let trash = Post::query_in("only".parse::<TrashMode>()?); // e.g. from ?trashed=only
    //! let delete = Post::delete_by_id(7); // UPDATE ... SET removed_at = now
    //! let restore = Post::restore_by_id(7);
    //! let purge = Post::purge_trashed_before(Utc::now() - chrono::Duration::days(30), Backend::Postgres);
    //! # Ok::<(), soft_delete::ParseTrashModeError>(())
    //! ```
    //!
    //! `#[derive(SoftDelete)]` also emits `PostColumn` (same visibility as
    //! the struct): a variant per column plus `Table`, implementing
    //! `sea_query::Iden`, so filters name columns that exist. A statement
    //! that compares a marker with a time takes the `Backend` it will run on
    //! (on SQLite timestamps are text in whatever format wrote them). With
    //! `sea-query-sqlx` and no feature of ours:
    //!
    //! ```rust,ignore
    //! use sea_query::SqliteQueryBuilder;
    //! use sea_query_sqlx::SqlxBinder;
    //! use sqlx::AssertSqlSafe;
    //!
    //! let (sql, values) = Post::delete_by_id(7).build_sqlx(SqliteQueryBuilder);
    //! let affected = sqlx::query_with(AssertSqlSafe(sql), values)
    //!     .execute(&pool)
    //!     .await?
    //!     .rows_affected(); // 0 when post 7 is absent or already trashed
    //! ```
    //!
    //! With a run-layer feature, `soft_delete::sqlx::Run` runs any of these
    //! statements on any sqlx executor (see [`run_layers`](super::run_layers)).
    //!
    //! # What each method emits
    //!
    //! `T` is the model, `marker` its marker column, `pk` its primary key;
    //! every column is qualified by the table (`"posts"."removed_at"`).
    //! "live" is `marker IS NULL` for the timestamp style and
    //! `marker = FALSE` for the bool style; "trashed" is `IS NOT NULL` /
    //! `= TRUE`.
    //!
    //! | call | returns | SQL |
    //! |---|---|---|
    //! | `T::query()` | `SelectStatement` | all columns `WHERE` live |
    //! | `T::with_trashed()` | `SelectStatement` | all columns, no marker filter |
    //! | `T::only_trashed()` | `SelectStatement` | all columns `WHERE` trashed |
    //! | `T::query_in(mode)` | `SelectStatement` | one of the three above, by `TrashMode` |
    //! | `T::find(id)` | `SelectStatement` | `query()` `AND pk = id` |
    //! | `T::find_in(id, mode)` | `SelectStatement` | `query_in(mode)` `AND pk = id` |
    //! | `T::scope(mode)` | `Condition` | the marker filter alone, for joins (empty for `WithTrashed`) |
    //! | `T::update()` | `UpdateStatement` | `UPDATE table WHERE` live — add values and conditions; a trashed row is absent |
    //! | `T::delete_by_id(id)` | `UpdateStatement` | `SET marker = now` (bool: `TRUE`) `WHERE pk = id AND` live |
    //! | `T::delete_by_id_at(id, at)` | `UpdateStatement` | the same with a given time (timestamp style) |
    //! | `T::delete_where(cond)` | `UpdateStatement` | `SET marker = now WHERE cond AND` live |
    //! | `T::restore_by_id(id)` | `UpdateStatement` | `SET marker = NULL` (bool: `FALSE`) `WHERE pk = id AND` trashed |
    //! | `T::restore_where(cond)` | `UpdateStatement` | `SET marker = NULL WHERE cond AND` trashed |
    //! | `T::force_delete_by_id(id)` | `DeleteStatement` | `DELETE FROM table WHERE pk = id`, trashed or not |
    //! | `T::force_delete_where(cond)` | `DeleteStatement` | `DELETE FROM table WHERE cond` |
    //! | `T::purge_trashed_before(cutoff, backend)` | `DeleteStatement` | `DELETE ... WHERE marker IS NOT NULL AND marker < cutoff` (timestamp style only: a bool model does not compile) |
    //! | `row.delete()` / `row.restore()` / `row.force_delete()` | as above | the same for `row.id()` |
    //! | `row.is_trashed()` | `bool` | whether this value is marked deleted |
    //!
    //! And beyond:
    //!
    //! | call | returns | what |
    //! |---|---|---|
    //! | `T::purge_trashed_before_batch(cutoff, n, backend)` | `DeleteStatement` | at most `n` rows trashed before `cutoff`, oldest first ([`ending_rows`](super::ending_rows)) |
    //! | `T::cascade_delete_by_id(id, backend)` / `_at` / `_as` | `Vec<UpdateStatement>` | the row and its live children, one shared instant, in order ([`cascades`](super::cascades)) |
    //! | `T::cascade_restore_by_id(id)` | `Vec<UpdateStatement>` | the row and exactly the children deleted with it, in order |
    //! | `T::delete_by_id_as(id, actor)`, `T::delete_where_as(cond, actor)`, `row.delete_as(actor)` | `UpdateStatement` | soft delete that also records who ([`model`](super::model)) |
    //! | `T::unique_indexes(backend)` | `Vec<String>` | the unique-among-live DDL of every `unique(...)` key the model declares (`T::UNIQUE`), in order ([`unique_keys`](super::unique_keys)) |
    //!
    //! The rest of the schema is built by `soft_delete::Schema` (see
    //! [`schema`](super::schema)).
    //!
    //! "now" is `chrono::Utc::now()`, bound as a parameter (as `naive_utc()`
    //! for an `Option<NaiveDateTime>` marker). Booleans are written as the
    //! constants `TRUE`/`FALSE`, so partial indexes on the marker match. The
    //! SQL for all three backends is pinned in the repository's
    //! `tests/snapshots/`.
}

pub mod model {
    //! The model: the derive's keys, the marker styles, and what does not
    //! compile.
    //!
    //! Struct attributes, all optional:
    //!
    //! | key | default | meaning |
    //! |---|---|---|
    //! | `table = "..."` | the struct name in `snake_case` (`BlogPost` → `blog_post`, no pluralising) | table name |
    //! | `column = "..."` | `deleted_at` (timestamp), `is_deleted` (bool) | the marker column, by its SQL name |
    //! | `style = "timestamp" \| "bool" \| "unix" \| "active"` | `timestamp` | how the marker is stored |
    //! | `deleted_by = "..."` | none | a nullable column recording who deleted the row |
    //! | `updated_at = "..."` | none | a timestamp column that soft deletes, restores and cascades set to their instant |
    //! | `cascade_id = "..."` | none | an `Option<i64>` column where cascades stamp their deletion id: exact restores at any depth |
    //! | `now = "application" \| "database"` | `application` | whose clock stamps a soft delete |
    //! | `cascade(Child = "...")` | none | a soft-deletable child reached by cascades (repeatable); `Self = "parent_id"` for rows of the same model |
    //! | `parent(Post = "...")` | none | a parent model and this model's column holding its key (repeatable; `Self = "parent_id"` for a parent row of the same model): a restore under a trashed parent is refused |
    //! | `unique(field, ...)` | none | one or more fields, by their Rust names, unique among live rows (repeatable): `T::UNIQUE` holds their SQL names, `T::unique_indexes(backend)` their DDL |
    //! | `retain = "30 days"` | none | how long trashed rows are kept: a positive whole number of `days`, `hours` or `minutes` (`T::RETAIN_SECONDS`; the model implements `Retained`); timestamp and unix styles only |
    //! | `hooks = "Type"` | `NoHooks` | the type whose `soft_delete::sqlx` hooks run around each write |
    //! | `crate = "..."` | `::soft_delete` | path of the runtime in generated code (e.g. `"soft_delete_core"` when depending on the core crate directly) |
    //!
    //! Field attributes: `primary_key`, `rename = "..."`, `skip`. Names
    //! already written for sqlx's and SeaORM's derives are read too (see the
    //! derive's documentation).
    //!
    //! A field in two `unique(...)` keys (`unique(email), unique(tenant_id,
    //! email)`) repeats a nested attribute, which clippy's
    //! `duplicated_attributes` flags: allow it on the struct with
    //! `#[allow(clippy::duplicated_attributes)]`.
    //!
    //! | style | marker field | live | trashed |
    //! |---|---|---|---|
    //! | `timestamp` | `Option<DateTime<Utc>>` (timestamp with time zone) or `Option<NaiveDateTime>` (without; holds UTC) | `NULL` | the UTC time of deletion |
    //! | `bool` | `bool` | `FALSE` | `TRUE` |
    //! | `unix` | `i64` | `0` | the Unix second of deletion |
    //! | `active` | `bool` (an existing `is_active` flag; default column `is_active`) | `TRUE` | `FALSE` |
    //!
    //! A model that cannot be right does not compile, and the error points
    //! at the token and says how to fix it: an unknown key (the message lists
    //! the valid ones), a bad `style`, a `column` that names no field, a
    //! marker of the wrong type for its style, no primary key or two, a
    //! duplicate key, a skipped marker or key, tuple structs, enums and
    //! unions. For example:
    //!
    //! ```text
    //! error: `style = "boolean"` is not a style; use `"timestamp"` or `"bool"`
    //!  --> src/models.rs:4:39
    //!   |
    //! 4 | #[soft_delete(table = "posts", style = "boolean")]
    //!   |                                        ^^^^^^^^^
    //! ```
    //!
    //! Generic structs and lifetimes are supported; generated items are
    //! documented and clean under `#![deny(missing_docs, warnings)]` and
    //! clippy's pedantic lints.
    //!
    //! # Who deleted
    //!
    //! `#[soft_delete(deleted_by = "deleted_by")]` names a nullable column;
    //! `T::delete_by_id_as(id, actor)`, `T::delete_where_as(cond, actor)` and
    //! `row.delete_as(actor)` set it in the same UPDATE as the marker, and
    //! restores clear it.
    //!
    //! # Last changed
    //!
    //! `#[soft_delete(updated_at = "updated_at")]` names a timestamp column
    //! (`DateTime<Utc>` or `NaiveDateTime` holding UTC, optional or not).
    //! Every soft delete, restore and cascade — the statements and the
    //! `soft_delete::sqlx` handle alike — sets it in the same UPDATE as the
    //! marker, to the same instant: the time given to `delete_by_id_at`, else
    //! now on the model's clock (the database's `CURRENT_TIMESTAMP` with
    //! `now = "database"`). A cascade gives every row it changes one instant.
    //! A statement that misses a row (deleting a trashed one, restoring a
    //! live one) leaves its `updated_at` alone, and your own `T::update()`
    //! sets only what you write.
    //!
    //! ```
    //! use chrono::{DateTime, Utc};
    //! use soft_delete::SoftDelete;
    //! #[derive(SoftDelete)]
    //! #[soft_delete(table = "posts", updated_at = "updated_at")]
    //! struct Post {
    //!     id: i64,
    //!     deleted_at: Option<DateTime<Utc>>,
    //!     updated_at: DateTime<Utc>,
    //! }
    //! // UPDATE "posts" SET "deleted_at" = $1, "updated_at" = $2 WHERE ...
    //! let _ = Post::delete_by_id(1);
    //! ```
    //!
    //! # One clock
    //!
    //! `#[soft_delete(now = "database")]` stamps soft deletes with the
    //! database's `CURRENT_TIMESTAMP` instead of each application server's
    //! clock (timestamp style only). Purge and cascade stay correct with it.
    //! `CURRENT_TIMESTAMP` follows the session's time zone on MySQL/MariaDB
    //! and, for a `TIMESTAMP WITHOUT TIME ZONE` column, on PostgreSQL: keep
    //! those sessions in UTC (sqlx's MySQL default).
    //!
    //! # Unix seconds
    //!
    //! `style = "unix"` keeps the marker in an `i64`: `0` while live, the
    //! deletion's Unix second otherwise, as GORM's soft-delete plugin does.
    //! Because every live row holds `0`, a plain composite unique index over
    //! `(email, deleted_at)` keeps emails unique among live rows on every
    //! database, with no partial index.
}

pub mod schema {
    //! The schema: column types per database, indexes and views.
    //!
    //! # Column types per database
    //!
    //! | marker | PostgreSQL | MySQL / MariaDB | SQLite |
    //! |---|---|---|---|
    //! | `Option<DateTime<Utc>>` | `TIMESTAMPTZ NULL` | `DATETIME(6) NULL` (sqlx sets the session zone to UTC) | `TEXT NULL` |
    //! | `Option<NaiveDateTime>` | `TIMESTAMP NULL` | `DATETIME(6) NULL` | `TEXT NULL` |
    //! | `bool` | `BOOLEAN NOT NULL DEFAULT FALSE` | `BOOLEAN NOT NULL DEFAULT FALSE` | `BOOLEAN NOT NULL DEFAULT FALSE` |
    //! | `i64` (unix) | `BIGINT NOT NULL DEFAULT 0` | `BIGINT NOT NULL DEFAULT 0` | `BIGINT NOT NULL DEFAULT 0` |
    //!
    //! SQLite stores timestamps as text in whatever format wrote them: sqlx
    //! writes `DateTime<Utc>` as `2026-01-02T03:04:05.123+00:00`,
    //! `CURRENT_TIMESTAMP` writes `2026-01-02 03:04:05`, and the two do not
    //! sort as times. The statements that compare markers with a time all
    //! take the `Backend` they run on (`purge_trashed_before`,
    //! `purge_trashed_before_batch`, `cascade_delete_by_id`;
    //! `soft_delete::sqlx` passes it for you) and compare them as times on
    //! SQLite, exact to the written fraction of a second, whatever format
    //! wrote them.
    //!
    //! The schema helpers write these column types for you
    //! (`Schema::marker_column`, `Schema::add_marker_column`).
    //!
    //! # `Schema`
    //!
    //! The schema is built by `soft_delete::Schema`, which holds the backend
    //! (as SeaORM's `Schema` does); `let schema = Schema::new(backend);`:
    //!
    //! | call | returns | what |
    //! |---|---|---|
    //! | `schema.marker_column::<T>()` / `schema.cascade_id_column::<T>()` | `ColumnDef` / `Option<ColumnDef>` | the marker's (`cascade_id`'s) column for `CREATE TABLE` |
    //! | `schema.add_marker_column::<T>()` | `TableAlterStatement` | `ALTER TABLE ... ADD COLUMN` of the marker |
    //! | `schema.marker_index::<T>()` / `schema.live_index::<T>(&[PostColumn::Title])` | `IndexCreateStatement` / `Result<_, SchemaError>` | index on the marker / over live rows (columns of the model's own enum; names within 63 bytes, distinct per column list), `IF NOT EXISTS` |
    //! | `schema.unique_among_live::<T>(&[UserColumn::Email])` / `schema.unique_indexes::<T>()` | `Result<Vec<String>, SchemaError>` / `Vec<String>` | DDL: the columns unique among live rows |
    //! | `schema.live_view::<T>()`, `live_view_named`, `drop_live_view` | `String` | a view of the live rows, `OR REPLACE` (SQLite: `IF NOT EXISTS`) |
    //! | `handle.create_indexes()` (both run layers) | `u64` | the marker index and the `unique(...)` keys, each created only if missing: the statements run |
    //!
    //! `marker_column` is for `CREATE TABLE`, `add_marker_column` (`ALTER
    //! TABLE ... ADD COLUMN`) for an existing table; `marker_index` and
    //! `live_index::<Post>(&[PostColumn::Id])` (a partial index over live
    //! rows, or `(marker, id)` on MySQL) keep `query()` fast however much is
    //! trashed. For raw SQL and reporting tools, `live_view::<T>()` is the DDL
    //! of a view over the live rows (`posts_live`). `unique_among_live` and
    //! `unique_indexes` are described in [`unique_keys`](super::unique_keys).
    //!
    //! Every statement `create_indexes()` runs can run at every start: it
    //! creates the marker index and the `unique(...)` keys only where they
    //! are missing, on every database (MySQL has no `CREATE INDEX IF NOT
    //! EXISTS`), and even when several instances start at once.
}

pub mod run_layers {
    //! The run layers: `soft_delete::sqlx` and `soft_delete::sea_orm`.
    //!
    //! # `soft_delete::sqlx`
    //!
    //! Derive `SoftDelete` beside sqlx's `FromRow`, then run the model's
    //! operations on a pool, a transaction or a connection with `T::on(db)`
    //! (`&Pool<DB>`, `&mut Transaction<'_, DB>`, `&mut PoolConnection<DB>`,
    //! `&mut DB::Connection`).
    //!
    //! The SQL dialect comes from the pool's type: a SQLite pool is never
    //! handed PostgreSQL SQL. The row a write returns is the row that write
    //! produced (`RETURNING` on PostgreSQL and SQLite; one transaction on
    //! MySQL/MariaDB, the row locked by the write), so no concurrent request
    //! can change it in between. Operations of several statements (a
    //! cascade, each purge batch with hooks) run in one transaction, a
    //! savepoint inside the caller's. Every future is `Send`.
    //!
    //! | `T::on(db).` | returns | meaning |
    //! |---|---|---|
    //! | `find(id)` / `find_in(id, mode)` | `Option<T>` | the live row / the row in that view |
    //! | `list(mode)` | `Vec<T>` | rows in that view, by primary key |
    //! | `count(mode)` | `u64` | rows in that view |
    //! | `delete(id)` | `Option<T>` | soft delete; the row as trashed, `None` if absent or already trashed |
    //! | `delete_as(id, actor)` | `Option<T>` | the same, recording who (models with `deleted_by`) |
    //! | `restore(id)` | `Option<T>` | the row as live, `None` if absent or live; `Err(Error::Conflict { .. })` when a live row holds one of its unique keys, `Err(Error::Cascaded { .. })` for a row a cascade trashed (nothing changes) |
    //! | `insert(values)` | `T` | the row as written (defaults, assigned key); `values` are `(PostColumn, Value)` pairs |
    //! | `update(id, values)` | `Option<T>` | the live row as written, `None` if absent or trashed (nothing changes) |
    //! | `create_or_restore(values)` | `Written<T>` | `Restored(row)`: the trashed row holding a declared `unique(...)` key with these values, restored with them; else `Created(row)`; a live holder is `Conflict` (see [`unique_keys`](super::unique_keys)) |
    //! | `force_delete(id)` | `bool` | hard delete, trashed or not |
    //! | `purge_trashed_before(cutoff)` | `u64` | rows removed, in batches (default 1000, `.batch_size(n)`), each its own transaction, oldest first, times compared as times, with the trashed rows below through the declared cascades; `.filter(condition)` narrows it, `.on_batch(\|progress\| ..)` sees each batch |
    //! | `purge_expired()` | `u64` | the same, for the rows past the model's `retain = "30 days"` (a model without `retain` has no such method) |
    //! | `erase(id)` | `Option<Cascade>` | hard delete of the row and everything below it, live or trashed, in one transaction |
    //! | `list_trashed_since(at)` | `Vec<T>` | rows trashed at or after `at`, newest first |
    //! | `cascade_delete(id)` / `cascade_restore(id)` | `Option<Cascade>` | the whole cascade in one transaction; `Cascade` says how many rows of each table changed |
    //! | `create_indexes()` | `u64` | the marker index and the `unique(...)` keys, each created only if missing (see [`schema`](super::schema)) |
    //!
    //! Errors are `soft_delete::sqlx::Error` values, never panics:
    //! `Database(sqlx::Error)` (an unreachable server, a missing column —
    //! sqlx's message names it — a value the database refuses),
    //! `Conflict { table, constraint, holder, .. }` (a unique key another row
    //! holds; `holder` says whether a live or a trashed one),
    //! `Cascaded { table }` (a restore of a row a cascade trashed: restore
    //! its cascade's root), `TrashedParent { table, parent }` (a restore
    //! under a trashed parent the model declares with `parent(...)`),
    //! `Referenced { table, constraint, .. }` (a hard delete that a row of an
    //! undeclared child table still references), `Hook { table, hook, .. }`,
    //! `Busy { table }` (two operations at once on one lent connection).
    //! Which of them to retry is in [`concurrency`](super::concurrency).
    //!
    //! Any sea-query statement runs on any sqlx executor with `Run`, rendered
    //! for it:
    //!
    //! ```rust,ignore
    //! let affected: u64 = Post::delete_by_id(7).execute(&pool).await?;
    //! let live: Vec<Post> = Post::query().fetch_all(&pool).await?;
    //! let one: Option<Post> = Post::find(7).fetch_optional(&mut *tx).await?;
    //! let first: Post = Post::only_trashed().fetch_one(&pool).await?;
    //! ```
    //!
    //! ## Generic over the database
    //!
    //! One service body serves SQLite, PostgreSQL and MySQL: the bound the
    //! handle needs is `Model<DB>` on the model, and `Run` inside generic
    //! code takes a connection through `DB::executor` (sqlx's `&Pool<DB>` is
    //! an executor only under a higher-ranked bound generic code cannot
    //! state). `DB::BACKEND` is the `Backend` to render DDL for;
    //! `soft_delete::sea_query` is the sea-query the statements are built
    //! with. The handle's `Error` converts from `sqlx::Error`, so `?` works
    //! on both. Inside generic code a connection becomes a handle's source
    //! through `DB::source(&mut *conn)`. `tests/test_generic_service.rs`
    //! runs this shape on SQLite, PostgreSQL and MariaDB.
    //!
    //! # `soft_delete::sea_orm`
    //!
    //! SeaORM 2 builds on the same sea-query 1.0 and sqlx 0.9. Add
    //! `SoftDelete` to an entity's `Model` beside `DeriveEntityModel`: the
    //! table, the column names (`column_name`, `rename_all`), the key
    //! (`primary_key`) and the fields that are no columns (`ignore`,
    //! relations) come from its `#[sea_orm(...)]` attributes, so nothing is
    //! written twice. With the facade feature `sea-orm` (it brings no backend
    //! or runtime; your `sea-orm` dependency chooses them),
    //! `soft_delete::sea_orm` gives SeaORM-shaped entry points: scoped
    //! selects (`Entity::find_without_trashed()`, `Entity::find_in(mode)`,
    //! SeaORM's `Select<Entity>` to chain `filter`, `order_by`, `one`,
    //! `all`), joins scoped on the related entity in their `ON` clause
    //! (`find_with_related_in(entity, mode)`: trashed related rows never come
    //! back, and a row whose related rows are all trashed keeps its place),
    //! and the handle `Entity::on(&db)` through any `ConnectionTrait +
    //! TransactionTrait` (a `DatabaseConnection` or a `DatabaseTransaction`),
    //! whose rows come back as models.
    //!
    //! The handle's methods mirror `soft_delete::sqlx`'s (`find`, `find_in`,
    //! `list`, `count`, `delete`, `delete_as`, `restore`, `force_delete`,
    //! `purge_trashed_before`, `cascade_delete`, `cascade_restore`) with the
    //! same guarantees: the row a write returns is the row it produced
    //! (`UPDATE ... RETURNING` on PostgreSQL and SQLite, the write and the
    //! read in one transaction on MySQL/MariaDB), a restore's unique conflict
    //! is `soft_delete::sea_orm::Error::Conflict` and leaves a caller's
    //! transaction usable (a savepoint on PostgreSQL), cascades run in one
    //! transaction (a savepoint inside a `DatabaseTransaction`), purges in
    //! bounded batches with times compared as times. The library's hooks
    //! (`#[soft_delete(hooks = "...")]`) run on SeaORM too, through
    //! `soft_delete::sea_orm::Hooks<Model, SeaOrm>`; SeaORM's own
    //! `ActiveModelBehavior` does not run (the handle writes with statements,
    //! not through `ActiveModel`). The statements still work as they are:
    //! `Entity::find().filter(Model::scope(mode))`,
    //! `db.execute(&Model::delete_by_id(2))`.
    //!
    //! `cargo run --example sea_orm` runs it all on in-memory SQLite;
    //! `tests/test_sea_orm.rs` runs every entry point on SQLite, PostgreSQL
    //! and MariaDB.
    //!
    //! # Features
    //!
    //! | feature | what it adds |
    //! |---|---|
    //! | (none) | the statements: sea-query builders, no driver; sqlx is not built |
    //! | `sqlx-sqlite` | `soft_delete::sqlx` for `sqlx::Sqlite` |
    //! | `sqlx-postgres` | `soft_delete::sqlx` for `sqlx::Postgres` |
    //! | `sqlx-mysql` | `soft_delete::sqlx` for `sqlx::MySql` (MySQL and MariaDB) |
    //! | `sea-orm` | `soft_delete::sea_orm` for SeaORM 2 entities |
    //! | `serde` | `TrashMode` as its text form (`"without"`, `"with"`, `"only"`): axum's `Query<Params { trashed: Option<TrashMode> }>` reads `?trashed=only` |
    //! | `tracing` | a DEBUG span `soft_delete` (target `soft_delete`) around each write of the run layers — delete, restore, update, insert, create-or-restore, force delete, cascade, purge, erase — with the table, the operation, the rows changed and the outcome (`ok` or the failure's kind), never a bound value; a DEBUG event for each cascade, purge batch, erase and create-or-restore |
    //!
    //! Choose sqlx's runtime in your own sqlx dependency, as usual (and
    //! SeaORM's backends and runtime in your own `sea-orm` dependency).
}

pub mod hooks {
    //! Hooks: code around the handles' writes, in the same transaction.
    //!
    //! A model opts in to code around its writes with
    //! `#[soft_delete(hooks = "Type")]` and an implementation of
    //! `soft_delete::sqlx::Hooks<Model, DB>` (for one database, or for every
    //! `DB: Dialect`), and of `soft_delete::sea_orm::Hooks<Model, SeaOrm>`
    //! for SeaORM (the same trait; its hooks get the operation's
    //! `&mut DatabaseTransaction`). Each hook gets the operation's own
    //! connection inside its transaction: what Laravel's
    //! `deleting`/`deleted`/`restoring`/`restored` events give, but atomic.
    //! An error from a `before_*` hook aborts the operation, one from an
    //! `after_*` hook undoes it; both roll back and return `Error::Hook`.
    //!
    //! | operation | hooks |
    //! |---|---|
    //! | `delete`, `delete_as`, `cascade_delete` | `before_delete(conn, &id)`, `after_delete(conn, &row)` |
    //! | `restore`, `cascade_restore` | `before_restore(conn, &id)`, `after_restore(conn, &row)` |
    //! | `force_delete` | `before_force_delete(conn, &id)`, `after_force_delete(conn, &id)` |
    //! | `purge_trashed_before` | `before_purge_batch(conn, cutoff)`, `after_purge_batch(conn, &progress)`, per batch |
    //! | `erase` | `before_erase`, `after_erase` (see [`ending_rows`](super::ending_rows)) |
    //!
    //! ```rust,ignore
    //! #[derive(Debug, SoftDelete, sqlx::FromRow)]
    //! #[soft_delete(table = "posts", hooks = "AuditTrail")]
    //! struct Post { id: i64, deleted_at: Option<DateTime<Utc>> }
    //!
    //! struct AuditTrail;
    //!
    //! impl Hooks<Post, Sqlite> for AuditTrail {
    //!     async fn after_delete(conn: &mut SqliteConnection, post: &Post) -> Result<(), HookError> {
    //!         sqlx::query("INSERT INTO audit (post_id, action) VALUES (?, 'deleted')")
    //!             .bind(post.id)
    //!             .execute(conn)
    //!             .await?;
    //!         Ok(())
    //!     }
    //! }
    //! ```
    //!
    //! `tests/test_hooks.rs` writes an audit row per soft delete, restore,
    //! force delete and purge batch on all three databases with one generic
    //! implementation. Hooks run for the handle's operations only, not for
    //! statements you run yourself.
}

pub mod joins {
    //! Joins that cannot leak trashed rows.
    //!
    //! A plain `.join(..)` of a soft-delete table returns its trashed rows,
    //! the peers' most reported soft-delete bug. `ScopedJoin` makes the safe
    //! join the short one: `inner_join_scoped::<T>(on, mode)` and
    //! `left_join_scoped::<T>(on, mode)` put `T`'s scope for `mode` into the
    //! `ON` clause, where it is right for both kinds of join (in the `WHERE`,
    //! a left join would drop the parents whose children are all trashed).
    //!
    //! ```
    //! use chrono::{DateTime, Utc};
    //! use sea_query::{Expr, ExprTrait, PostgresQueryBuilder};
    //! use soft_delete::{ScopedJoin, SoftDelete, TrashMode};
    //!
    //! #[derive(SoftDelete)]
    //! #[soft_delete(table = "posts")]
    //! struct Post { id: i64, deleted_at: Option<DateTime<Utc>> }
    //!
    //! #[derive(SoftDelete)]
    //! #[soft_delete(table = "comments")]
    //! struct Comment { id: i64, post_id: i64, deleted_at: Option<DateTime<Utc>> }
    //!
    //! // Every live post, with each of its live comments or once with NULLs.
    //! let sql = Post::query()
    //!     .expr_as(Expr::col((CommentColumn::Table, CommentColumn::Id)), "comment_id")
    //!     .left_join_scoped::<Comment>(
    //!         Expr::col((CommentColumn::Table, CommentColumn::PostId))
    //!             .equals((PostColumn::Table, PostColumn::Id)),
    //!         TrashMode::WithoutTrashed,
    //!     )
    //!     .to_string(PostgresQueryBuilder);
    //! assert!(sql.contains(r#"LEFT JOIN "comments" ON "comments"."post_id" = "posts"."id" AND "comments"."deleted_at" IS NULL"#));
    //! ```
    //!
    //! A self-join (a reply and the comment it answers) or a table joined
    //! twice needs an alias, and `T::scope` names the table, so under an
    //! alias it filters the other copy: `inner_join_scoped_as::<T>(alias,
    //! on, mode)` and `left_join_scoped_as` join `T`'s table under `alias`
    //! with the scope on the alias, and `T::scope_as(alias, mode)` is that
    //! scope alone, for a join written by hand. SeaORM's `join_as` is
    //! `SelectExt::join_as_in::<R>(join, relation, alias, mode)`.
    //!
    //! For SeaORM, `find_with_related_in(entity, mode)` scopes the related
    //! entity in the `ON` clause the same way (see
    //! [`run_layers`](super::run_layers)). For raw SQL and reporting tools,
    //! `Schema::new(backend).live_view::<T>()` is the DDL of a view over the
    //! live rows (`posts_live`).
}

pub mod unique_keys {
    //! Unique among live rows; unique keys and tombstones.
    //!
    //! # Unique among live rows
    //!
    //! A plain unique index on `email` refuses a new user whose email belongs
    //! to a trashed one.
    //! `Schema::new(backend).unique_among_live::<User>(&[UserColumn::Email])`
    //! returns the DDL that makes the columns unique among live rows only: a
    //! partial unique index on PostgreSQL and SQLite; on MySQL/MariaDB, which
    //! have no partial indexes, a stored generated column (`1` while live,
    //! `NULL` once trashed) added to a unique index. Restoring a row whose
    //! email a live row has taken since fails with the database's unique
    //! violation (`sqlx::Error::Database(e)` with `e.is_unique_violation()`)
    //! when you run the statements yourself; the handles' `restore` returns
    //! `Error::Conflict`.
    //!
    //! ```rust,ignore
    //! for sql in Schema::new(Backend::Postgres).unique_among_live::<User>(&[UserColumn::Email])? {
    //!     sqlx::query(AssertSqlSafe(sql)).execute(&pool).await?;
    //! }
    //! ```
    //!
    //! # Unique keys and tombstones
    //!
    //! Declare a model's unique keys once, by field name:
    //! `#[soft_delete(unique(email), unique(tenant_id, slug))]` (a name that
    //! is no column is a compile error at the token).
    //! `User::unique_indexes(backend)` gives the unique-among-live DDL of
    //! every key (as `unique_among_live` above, the same index names), and
    //! the run layers use the keys as conflict targets:
    //!
    //! - `insert(values)` / `update(id, values)` against a key another row
    //!   holds: `Error::Conflict { holder, .. }`, nothing changed. `holder`
    //!   is `Holder::Live`, or `Holder::Trashed` where the database's index
    //!   covers trashed rows too (a plain unique index): then
    //!   `create_or_restore` is the way.
    //! - `create_or_restore(values)` **revives** a tombstone: when trashed
    //!   rows hold one of the declared keys with the values given, the most
    //!   recently trashed of them is restored and given the values (all but
    //!   its primary key), and the answer is `Written::Restored(row)`; when
    //!   no row holds it, the row is inserted (`Written::Created(row)`); a
    //!   **live** holder is **refused**:
    //!   `Error::Conflict { holder: Holder::Live, .. }`, nothing changed. It
    //!   is atomic on all three databases, with or without a unique index
    //!   behind the key: the calls on one key's values wait for each other
    //!   (PostgreSQL: a transaction-scoped advisory lock and a locking read;
    //!   MySQL/MariaDB: a locking read, run again when `InnoDB` resolves two
    //!   inserters' deadlock; SQLite: its write lock), and every lock ends
    //!   with the transaction, so a cancelled call leaves none. 8 tasks × 50
    //!   concurrent calls and deletes on 3 keys end with exactly one live row
    //!   per key, every answer consistent with the rows
    //!   (`tests/test_create_or_restore.rs`). On MySQL/MariaDB, create the
    //!   key's index (`unique_indexes`): without it the locking read locks
    //!   the whole table, and concurrent writers may lose a deadlock to it
    //!   (`is_retryable()`: run them again). Inside a transaction of yours
    //!   there, a deadlock is returned, not retried: it rolled your
    //!   transaction back.
    //! - `restore(id)` never revives over a live holder: `Conflict`, nothing
    //!   changed.
    //!
    //! ```rust,ignore
    //! match users.create_or_restore([(UserColumn::Email, email.into()), (UserColumn::Name, name.into())]).await {
    //!     Ok(Written::Created(user)) => created(user),
    //!     Ok(Written::Restored(user)) => welcome_back(user),
    //!     Err(Error::Conflict { holder: Holder::Live, .. }) => taken(),
    //!     Err(other) => return Err(other.into()),
    //! }
    //! ```
    //!
    //! The REST example's `POST /posts?restore_trashed=true` shows it over
    //! HTTP (200 restored, 201 created, 409 taken; see
    //! [`rest_api`](super::rest_api)).
}

pub mod ending_rows {
    //! Ending rows: purge in bounded batches, purge with foreign keys,
    //! erase, retention, the trash by time.
    //!
    //! # Purge in bounded batches
    //!
    //! `T::purge_trashed_before_batch(cutoff, batch_size, backend)` hard
    //! deletes at most `batch_size` rows trashed before `cutoff`, oldest
    //! first, in a statement all three databases accept (none of them takes
    //! `DELETE ... LIMIT` the same way). Run it until a batch deletes fewer
    //! rows than the batch size:
    //!
    //! ```rust,ignore
    //! const BATCH: NonZeroU32 = NonZeroU32::new(1_000).unwrap();
    //! loop {
    //!     let (sql, values) = Post::purge_trashed_before_batch(cutoff, BATCH, Backend::Sqlite)
    //!         .build_sqlx(SqliteQueryBuilder);
    //!     let deleted = sqlx::query_with(AssertSqlSafe(sql), values).execute(&pool).await?.rows_affected();
    //!     if deleted < u64::from(BATCH.get()) { break; }
    //! }
    //! ```
    //!
    //! A purge never removes a live row. On SQLite, where timestamps are text
    //! in whatever format wrote them, the batched purge compares them as
    //! times (exact to the written fraction of a second), so a marker written
    //! by `CURRENT_TIMESTAMP` from a console is purged exactly when it should
    //! be, by `purge_trashed_before(cutoff, Backend::Sqlite)` and by the
    //! handle's `purge_trashed_before(cutoff)` alike. See
    //! `examples/batched_purge.rs`.
    //!
    //! # Purge with foreign keys, erase, retention, the trash by time
    //!
    //! Soft delete keeps rows; these end them. What is guaranteed, on SQLite
    //! (sqlx turns its foreign keys on), PostgreSQL and MariaDB, through
    //! `soft_delete::sqlx` and `soft_delete::sea_orm` alike:
    //!
    //! - **Purge follows the declared cascades.**
    //!   `Post::on(&pool).purge_trashed_before(cutoff)` on a model with
    //!   `cascade(Comment = "post_id")` removes, in each batch's one
    //!   transaction, the due posts together with every trashed row below
    //!   them, deepest first, so a `RESTRICT` foreign key never blocks it. A
    //!   post with a live row anywhere below it is **kept**, with nothing
    //!   under it: a database's `ON DELETE CASCADE` can never take a live row
    //!   through a purge. Kept rows are counted (`PurgeProgress::kept`; in a
    //!   tree with no self-referencing table, once, in the run's last batch)
    //!   and passed over, never retried forever; a second run removes nothing
    //!   more. A batch is the SQL one would write by hand — select the oldest
    //!   due rows with nothing live below (`NOT EXISTS`, locked
    //!   `FOR UPDATE`; on SQLite inside each delete), delete their trashed
    //!   children by the keys taken, deepest first, then the rows — with one
    //!   addition: no delete takes a row that still has a row below it, so a
    //!   child revived by another writer between the select and the deletes
    //!   keeps its parent. A self-referencing table is walked with
    //!   `WITH RECURSIVE`. On 79,800 rows it runs at 0.86 (MariaDB), 0.90
    //!   (PostgreSQL) and 0.99 (SQLite) × a hand-written children-first purge
    //!   that makes no such check (the repository's `BENCHMARKS.md`, §6). A
    //!   child model's own purge leaves the rows a cascade from above trashed
    //!   (with `cascade_id`): they go with their root, so its
    //!   `cascade_restore` stays exact. `.filter(condition)` narrows which
    //!   trashed rows go (Laravel's `prunable()`).
    //! - **A reference the model does not declare** (a foreign key from a
    //!   table it has no `cascade(...)` for) fails a purge or `force_delete`
    //!   with `Error::Referenced { table, constraint, .. }`, whose message
    //!   says to declare the child; the batches before it stay committed, the
    //!   failing one changes nothing.
    //! - **Erase, the right to erasure** (GDPR art. 17):
    //!   `Post::on(&pool).erase(id)` hard deletes the row and every row below
    //!   it through the declared cascades, live or trashed, deepest first, in
    //!   one transaction (a savepoint inside yours), and says how many rows
    //!   of each table went (`None` if no such row). Hooks `before_erase` /
    //!   `after_erase` run in that transaction, to anonymise what must be
    //!   kept or to write an audit row; a failing hook rolls the whole erase
    //!   back. It erases what the model declares: rows of tables it does not
    //!   declare make it fail with `Referenced` (nothing erased), and copies
    //!   outside the database (backups, logs, caches) are yours to handle.
    //!   `T::erase_by_id(id)` gives the statements, to run in order in one
    //!   transaction, each until it removes no row.
    //! - **Retention on the model**: `#[soft_delete(retain = "30 days")]`
    //!   (`days`, `hours`, `minutes`). `Post::on(&pool).purge_expired()`
    //!   purges what is past it (a model without `retain` has no such method:
    //!   a compile error). `Pruner::new(&pool).model::<Comment>().model::<Post>()`
    //!   runs every listed model past its retention, a parent before its
    //!   children whatever the order listed (its purge takes its trashed
    //!   subtree along): `.run()` once, with a report per table
    //!   (`Pruned { table, removed, kept }`), or
    //!   `.run_every(interval, shutdown)` as a task, which stops when
    //!   `shutdown` resolves after finishing the batch under way; an error a
    //!   retry may cure waits for the next run, any other ends the task with
    //!   it.
    //!
    //!   ```rust,ignore
    //!   let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    //!   let pruner = tokio::spawn(async move {
    //!       soft_delete::sqlx::Pruner::new(&pool)
    //!           .model::<Post>()
    //!           .model::<Comment>()
    //!           .run_every(Duration::from_secs(3600), async { let _ = stopped.await; })
    //!           .await
    //!   });
    //!   // on shutdown:
    //!   let _ = stop.send(());
    //!   pruner.await??;
    //!   ```
    //! - **The trash by time**: `T::trashed_between(from, to, backend)`
    //!   (half-open `[from, to)`, either end `None`) is a condition compared
    //!   as times on every backend — on SQLite whatever wrote the marker
    //!   (sqlx, `CURRENT_TIMESTAMP`, an offset), exact to the written
    //!   fraction of a second — for "deleted in the last 30 minutes — undo?"
    //!   and audits; the handle's `list_trashed_since(at)` returns those rows
    //!   newest first.
    //! - **Markers are real instants**: a soft delete stores the instant it
    //!   ran (or the one given), never a later one. Without `cascade_id`, a
    //!   cascade whose second a child trashed on its own already holds stamps
    //!   the parent with an earlier whole second no child holds, so that its
    //!   restore stays exact.
    //!
    //! `tests/test_purge_foreign_keys.rs`, `tests/test_purge_shallow.rs`
    //! (with a writer reviving rows beside the purge), `tests/test_pruner.rs`,
    //! `tests/test_property_tree.rs` (random trees with real foreign keys,
    //! 256 cases per database, checked against a model after every step) and
    //! `tests/test_sea_orm_faults.rs` show each point.
}

pub mod cascades {
    //! Cascade soft delete, restored exactly.
    //!
    //! ```
    //! use chrono::{DateTime, Utc};
    //! use soft_delete::SoftDelete;
    //!
    //! #[derive(SoftDelete)]
    //! #[soft_delete(table = "posts", cascade_id = "deletion_id", cascade(Comment = "post_id"))]
    //! struct Post { id: i64, deleted_at: Option<DateTime<Utc>>, deletion_id: Option<i64> }
    //!
    //! /// A comment's replies are comments; each may have reactions.
    //! #[derive(SoftDelete)]
    //! #[soft_delete(
    //!     table = "comments",
    //!     cascade_id = "deletion_id",
    //!     cascade(Self = "parent_id", Reaction = "comment_id")
    //! )]
    //! struct Comment {
    //!     id: i64,
    //!     post_id: i64,
    //!     parent_id: Option<i64>,
    //!     deleted_at: Option<DateTime<Utc>>,
    //!     deletion_id: Option<i64>,
    //! }
    //!
    //! #[derive(SoftDelete)]
    //! #[soft_delete(table = "reactions", cascade_id = "deletion_id")]
    //! struct Reaction { id: i64, comment_id: i64, deleted_at: Option<DateTime<Utc>>, deletion_id: Option<i64> }
    //! ```
    //!
    //! `Post::on(&pool).cascade_delete(id)` (or the statements of
    //! `Post::cascade_delete_by_id(id, backend)`, run in one transaction,
    //! parent first) trashes the post and every live row below it, at every
    //! level: its comments, their replies at any depth (a recursive CTE,
    //! which PostgreSQL, SQLite and MariaDB accept on the table being
    //! updated), and their reactions, all with the parent's stored marker.
    //! `cascade_restore(id)` (or `cascade_restore_by_id(id)`) brings back
    //! exactly those rows.
    //!
    //! What is guaranteed, by form:
    //!
    //! | | with `cascade_id` on every model | without (`cascade(Child = "fk")` only) |
    //! |---|---|---|
    //! | depth | any, including `cascade(Self = "...")` | one level (a deeper tree is a compile error asking for `cascade_id`) |
    //! | restore brings back | exactly the rows the cascade trashed: each holds the cascade's fresh 64-bit deletion id (the parent the id, the rows below its negation); a row trashed on its own, before, at the same instant or after, holds none | the children holding the parent's marker: never one trashed on its own before (the parent then takes an earlier whole second no child holds: a marker is never later than its deletion), but one trashed on its own later with the very same value (same second on a second-precision column) would come back too |
    //! | clocks | any: database ahead or behind, `now = "database"`, statements built long before they run or after `BEGIN` | the same: children are taken under a trashed parent whatever its stamp |
    //! | restoring a row a cascade trashed | refused, `Error::Cascaded` (the raw `restore_by_id` statement leaves it): it comes back with `cascade_restore` of its root: a cascade's rows come back together or not at all | restores that row alone (a child cannot tell it was taken by a cascade) |
    //! | restoring a row under a trashed parent | with `parent(Post = "post_id")` declared on the child (and `parent(Self = "parent_id")` for its own parent row): refused, `Error::TrashedParent { table, parent }` naming the parent; restore the parent first | the same with `parent(...)`; without it, allowed (a child does not know its parents) |
    //!
    //! Either way, no statement of a cascade leaves a trashed parent with a
    //! live child it should have taken. Cascades are checked at compile
    //! time: the child, its foreign key, the markers stored alike,
    //! `cascade_id` on every model of a deeper tree, and a cycle of cascades
    //! between models (rustc reports the cycle between the models'
    //! `CHILDREN`). Without `cascade_id`, a `style = "bool"` or `"active"`
    //! parent, which records no instant, is a compile error, and so is a
    //! child whose marker is stored otherwise than its parent's (with it, a
    //! bool or active model carries a cascade from above through to its
    //! children; its own `cascade_delete` needs a deletion time). With
    //! `cascade_id` on every model of the tree the deletion id says which
    //! rows a cascade took, so the styles may differ (a timestamp post, its
    //! comments' `is_active` flags, their reactions' Unix seconds): each row
    //! gets its own style's marker for the cascade's instant. See `examples/cascade.rs` and
    //! `tests/test_cascade_deep.rs`, whose property test checks random trees
    //! (256 per database) against an in-memory model. How two cascades at
    //! once behave is in [`concurrency`](super::concurrency).
}

pub mod concurrency {
    //! Concurrency, and what to retry.
    //!
    //! Each operation of both run layers (`soft_delete::sqlx`,
    //! `soft_delete::sea_orm`) is one plan, written once in core, so the two
    //! behave alike:
    //!
    //! - A write returns the row it produced (`RETURNING`, or on
    //!   MySQL/MariaDB the update and the read in one transaction, the row
    //!   locked by the update).
    //! - Inside a caller's transaction every write runs in a savepoint, so a
    //!   failed restore (`Error::Conflict`) leaves that transaction usable on
    //!   PostgreSQL.
    //! - A cascade locks its root row first (`SELECT ... FOR UPDATE`; on
    //!   SQLite its transaction starts with `BEGIN IMMEDIATE`), then runs its
    //!   statements: two cascades over one tree, restores or deletes, end as
    //!   if run one after the other, at each database's default isolation
    //!   level. A `cascade_restore` of a root that is live by then changes
    //!   nothing and returns `None`.
    //! - `Error::is_retryable()` is true for a deadlock (MySQL/MariaDB 1213,
    //!   PostgreSQL `40P01`), a serialization failure (`40001`), a lock wait
    //!   timeout (1205), SQLite's busy and locked codes, and a connection lost
    //!   or not acquired before commit. The operation changed nothing then (a
    //!   cascade or a purge batch is one transaction, rolled back): run it
    //!   again.
    //! - An operation dropped midway (a client hanging up, a
    //!   `tokio::time::timeout`) rolls back what it began. On MySQL/MariaDB,
    //!   if a statement of it was in flight, its pooled connection is closed
    //!   rather than returned: sqlx's pool would test it with a ping that
    //!   waits for ever on a connection left mid-exchange, taking the pool's
    //!   slot with it ([sqlx#563](https://github.com/launchbadge/sqlx/issues/563)).
    //!   40 calls cancelled at every point on a pool of 2 leave the next call
    //!   answering at once (`a_cancelled_call_leaves_no_lock`; without the
    //!   close, 2 runs in 5 hung on MariaDB). A connection you lend
    //!   (`&mut Transaction`, `&mut PgConnection`) stays yours to drop. On
    //!   SQLite, sqlx may replace a connection whose call was dropped midway,
    //!   and an in-memory database ends with its connection: a service whose
    //!   requests can be cancelled wants a database file.
    //!
    //! ```rust,ignore
    //! let mut attempt = 0;
    //! let cascade = loop {
    //!     match Post::on(&pool).cascade_delete(id).await {
    //!         Err(error) if error.is_retryable() && attempt < 5 => {
    //!             attempt += 1;
    //!             tokio::time::sleep(Duration::from_millis(10 << attempt)).await;
    //!         }
    //!         outcome => break outcome?,
    //!     }
    //! };
    //! ```
    //!
    //! On MariaDB, cascades over overlapping trees deadlock now and then
    //! under load (`InnoDB` takes gap locks at REPEATABLE READ):
    //! `tests/test_cascade_isolation.rs` runs 8 tasks × 50 such cascades with
    //! this loop, and checks afterwards that no row holds the deletion id of
    //! a root that is gone and no trashed row sits under a live parent its
    //! cascade trashed.
}

pub mod values {
    //! Values at the edges, and the statement cache.
    //!
    //! Every value is stored as written, or refused with an error that names
    //! it — never stored wrong, dropped, or a panic:
    //!
    //! - A marker (or any time value) at any instant chrono can represent is
    //!   stored exactly where the column can hold it, and otherwise the write
    //!   fails with `ValueError` (`Error::Database` wrapping it):
    //!   MySQL/MariaDB `DATETIME(6)` holds years 1000–9999 (the library binds
    //!   UTC without zone, never sqlx's `TIMESTAMP` with its 1970–2038 range,
    //!   where MariaDB would store NULL and report success); SQLite years
    //!   0–9999 (chrono writes later years as `+10000-…`, which would not sort
    //!   as time); PostgreSQL from 4713 BC.
    //! - A purge cutoff past what the column holds
    //!   (`DateTime::<Utc>::MAX_UTC`) is clamped: every trashed row is due, on
    //!   every database.
    //! - An integer that does not fit the database (`u64` above `i64::MAX` on
    //!   PostgreSQL and SQLite) is refused before anything is sent: neither
    //!   sea-query-sqlx's panic nor a dropped parameter that leaves a MySQL
    //!   connection broken.
    //! - On PostgreSQL, sqlx keeps prepared statements by SQL text: the same
    //!   text bound once with an `i32` and once with an `i64` fails on the
    //!   second. The handle and `Run` give a text whose integer parameters are
    //!   not all 64-bit a comment naming their widths, so each mix has its own
    //!   prepared statement; the common all-`i64` text is unchanged and stays
    //!   prepared.
    //!
    //! `tests/test_edge_values.rs` (sqlx) and `tests/test_sea_orm_faults.rs`
    //! (SeaORM) run each point on all three databases, on a pool of 4.
}

pub mod rest_api {
    //! The REST API example.
    //!
    //! `examples/rest_api` (its binary is
    //! `examples/rest_api/src/bin/rest_api.rs`) is a small axum 0.8 service
    //! for a soft-deletable `posts` resource, built on `soft_delete::sqlx`:
    //! one generic router for the three databases, `Post` deriving
    //! `sqlx::FromRow` beside `SoftDelete`, the table's marker column from
    //! `Schema::marker_column`. A post's title is its natural key, unique
    //! among live posts (`#[soft_delete(unique(title))]`). It creates the
    //! `posts` table and its indexes (`create_indexes()`) at every start-up
    //! and serves on `127.0.0.1:3000` (change it with `--listen`). By default
    //! it uses an in-memory SQLite database, kept alive for the life of the
    //! process by a connection of its own; pass `--database-url` for a SQLite
    //! file, PostgreSQL or MySQL/MariaDB.
    //!
    //! ```sh
    //! cargo run -p soft-delete-rest-api --bin rest_api                                        # in-memory SQLite
    //! cargo run -p soft-delete-rest-api --bin rest_api -- --database-url sqlite://posts.db    # SQLite file, created if missing
    //! cargo run -p soft-delete-rest-api --bin rest_api -- --database-url postgres://postgres@127.0.0.1:5432/test
    //! cargo run -p soft-delete-rest-api --bin rest_api -- --database-url mysql://root@127.0.0.1:3306/test --listen 127.0.0.1:8080
    //! ```
    //!
    //! | route | success | failure |
    //! |---|---|---|
    //! | `GET /posts[?trashed=with\|only][&after=<id>][&limit=<n>]` | 200, a page of posts by id | 400 for a bad `trashed`, `after` or `limit` |
    //! | `GET /posts/{id}[?trashed=with\|only]` | 200 | 404 if the post is trashed (unless `trashed` includes it) or absent |
    //! | `POST /posts` `{"title", "body"}` | 201 with the new post | 400/415/422 for a bad body; 409 if a live post holds the title, or a trashed one (the message names `?restore_trashed=true`) |
    //! | `POST /posts?restore_trashed=true` `{"title", "body"}` | 200 with the trashed post that held the title, restored with these values; 201 with a new post if none did | 409 if a live post holds the title; nothing changes |
    //! | `PATCH /posts/{id}` `{"title"?, "body"?}` | 200 with the post | 404 if trashed or absent, 409 if another live post holds the title; nothing changes |
    //! | `DELETE /posts/{id}` | 204, soft delete | 404 if already trashed or absent |
    //! | `DELETE /posts/{id}?force=true` | 204, hard delete | 404 if absent |
    //! | `POST /posts/{id}/restore` | 200 with the post | 404 if not trashed; 409 if a live post holds its title |
    //!
    //! - **Pages**: `GET /posts` answers at most `limit` posts (default 50,
    //!   at most 100) with ids after `after`, by id: a keyset page on the
    //!   primary key, as cheap at a million rows as at ten. When more follow,
    //!   the answer has a
    //!   `Link: </posts?after=<last id>&limit=<n>>; rel="next"` header.
    //! - **What a write answers is what it wrote**: create, PATCH, delete and
    //!   restore are `Post::on(&pool).insert/update/delete/restore`
    //!   (`INSERT/UPDATE ... RETURNING`, on MySQL/MariaDB the write and the
    //!   read in one transaction), so a concurrent request can never make a
    //!   successful write answer 404 or show another writer's values.
    //! - **Titles and the trash**: a trashed post keeps its title. A plain
    //!   create of that title is a 409 whose message says that a trashed post
    //!   holds it and that `?restore_trashed=true` restores it; with
    //!   `?restore_trashed=true` the create is
    //!   `Post::on(&pool).create_or_restore`, which brings that post back (its
    //!   id, the new title and body) atomically, concurrent calls on one title
    //!   ending with one live post. A PATCH may take a trashed post's title
    //!   (restoring that post is then a 409).
    //! - **Input every database can store, or a 422**: a title of at most 255
    //!   characters (it is `varchar(255)` on MySQL), a body of at most 16,000
    //!   (MySQL `text` holds 65,535 bytes), no NUL character (PostgreSQL
    //!   refuses it in text). The answer is the same on every database and
    //!   names the field and the limit:
    //!   ``{"error":"`title` is 256 characters long; the limit is 255"}``.
    //! - **Errors**: every error response has a JSON body
    //!   `{"error": "..."}`: a bad id, query value or JSON body gets a 4xx, a
    //!   database error a 500 whose details go to the server log, not to the
    //!   client. At start-up, an unreachable database is reported with its
    //!   address and the cause (`error: cannot connect to PostgreSQL at
    //!   127.0.0.1:5433: error communicating with database: Connection refused
    //!   (os error 111)`); no URL is ever printed, as it may hold a password.
    //!
    //! Try it (add `-i` to see the status code and headers):
    //!
    //! ```sh
    //! curl -X POST localhost:3000/posts -H 'content-type: application/json' -d '{"title":"Hello","body":"First post"}'
    //! # 201 {"id":1,"title":"Hello","body":"First post","deleted_at":null}
    //! curl -X POST localhost:3000/posts -H 'content-type: application/json' -d '{"title":"Draft","body":"Not yet"}'
    //! curl localhost:3000/posts
    //! curl -i 'localhost:3000/posts?limit=1'                # post 1, and link: </posts?after=1&limit=1>; rel="next"
    //! curl 'localhost:3000/posts?after=1&limit=1'           # post 2, no link: the last page
    //! curl -X PATCH localhost:3000/posts/1 -H 'content-type: application/json' -d '{"title":"Hello, world"}'
    //! curl -X DELETE localhost:3000/posts/1                 # 204: soft delete, the row keeps deleted_at
    //! curl localhost:3000/posts/1                           # 404 {"error":"no live post with id 1"}
    //! curl 'localhost:3000/posts/1?trashed=with'            # 200, "deleted_at":"2026-...Z"
    //! curl 'localhost:3000/posts?trashed=only'              # the trash can
    //! curl -X PATCH localhost:3000/posts/1 -H 'content-type: application/json' -d '{"title":"x"}'   # 404, unchanged
    //! curl -X POST localhost:3000/posts/1/restore           # 200, "deleted_at":null
    //! curl -X DELETE localhost:3000/posts/1
    //! curl -X POST localhost:3000/posts -H 'content-type: application/json' -d '{"title":"Hello, world","body":"Again"}'
    //! # 409 {"error":"a trashed post holds this title: `POST /posts?restore_trashed=true` restores it with the values sent"}
    //! curl -X POST 'localhost:3000/posts?restore_trashed=true' -H 'content-type: application/json' -d '{"title":"Hello, world","body":"Again"}'
    //! # 200 {"id":1,"title":"Hello, world","body":"Again","deleted_at":null}; 201 for a title nobody holds
    //! curl -X DELETE 'localhost:3000/posts/2?force=true'    # 204: the row is gone
    //! curl 'localhost:3000/posts?trashed=with'              # only post 1 is left
    //! curl 'localhost:3000/posts?trashed=all'               # 400 {"error":"invalid `trashed` parameter: `all` is not a trash mode; expected one of `without`, `with`, `only`"}
    //! curl 'localhost:3000/posts?limit=500'                 # 400 {"error":"invalid `limit` parameter: `500` is not a whole number from 1 to 100"}
    //! curl localhost:3000/posts/abc                         # 400 {"error":"Invalid URL: Cannot parse `abc` to a `i64`"}
    //! curl -X POST localhost:3000/posts -H 'content-type: application/json' -d '{"title":"a\u0000b","body":""}'
    //! # 422 {"error":"`title` contains a NUL character (U+0000), which cannot be stored"}
    //! ```
    //!
    //! `examples/rest_api/tests/test_rest_api.rs` drives every route
    //! in-process (tower's `oneshot`) against SQLite and checks the rows left
    //! in the table after each step, and the start-up errors.
    //! `tests/test_rest_served.rs` serves the app on a socket on SQLite (in
    //! memory and in a file), PostgreSQL and MariaDB: 300 clients that hang
    //! up mid-request leave the in-memory data intact; unstorable input is
    //! the same 422 everywhere; pages walk every post once; a trashed title
    //! is a 409 until `?restore_trashed=true` restores its post (with
    //! `rest_api_by_hand` too); and 6 clients × 60 mixed requests get no 5xx
    //! and answers that agree with the rows left. Its ignored
    //! `load_a_running_server` drives a server you started:
    //! `REST_LOAD_ADDR=127.0.0.1:3000 cargo test --test test_rest_served -- --ignored --nocapture`
    //! (32 clients × 188 requests by default).
}

pub mod databases {
    //! The databases tested, and what runs on each.
    //!
    //! Every statement is executed, not only rendered, on each database:
    //!
    //! | database | version tested | how |
    //! |---|---|---|
    //! | SQLite | 3.51.3 (bundled by `libsqlite3-sys` 0.37, through sqlx 0.9) | always, in memory |
    //! | PostgreSQL | 15.20 | when `SOFT_DELETE_POSTGRES_URL` is set (CI: `postgres://postgres@127.0.0.1:5432/test`) |
    //! | MariaDB | 10.11.19 (MySQL protocol) | when `SOFT_DELETE_MYSQL_URL` is set (CI: `mysql://root@127.0.0.1:3306/test`) |
    //!
    //! A set URL whose server cannot be reached fails the tests; an unset one
    //! prints one `skipped:` line per test. What runs on each:
    //!
    //! - `tests/test_lifecycle.rs`: every method of the handle (see
    //!   [`run_layers`](super::run_layers)) against real tables, all three
    //!   marker types, asserting rows affected and rows visible (deleting
    //!   twice keeps the first time, an update misses a trashed row, restore
    //!   after force delete affects nothing, purge never removes a live row,
    //!   joins of two soft-delete tables, a user's `OR` never widens the
    //!   scope).
    //! - `tests/test_property.rs`: a model-based property test (proptest):
    //!   random sequences of insert, soft delete, restore, force delete,
    //!   scoped update, bulk delete/restore and purge, checked after every
    //!   step against an in-memory model, for every marker type; 256 cases
    //!   per backend in CI (`PROPTEST_CASES`), failures print a replayable
    //!   seed.
    //! - `tests/test_concurrency.rs` (PostgreSQL): connections racing
    //!   deletes, restores, scoped updates and force deletes on the same rows.
    //! - `tests/test_time_zones.rs`: sessions far from UTC (+14/−11 on
    //!   PostgreSQL, +13/−11 on MariaDB); markers stay UTC, `NaiveDateTime`
    //!   markers hold UTC.
    //! - `tests/test_identifiers.rs`: tables and columns named `order`,
    //!   `user`, with spaces and quotes.
    //! - The features of [`joins`](super::joins),
    //!   [`unique_keys`](super::unique_keys),
    //!   [`ending_rows`](super::ending_rows), [`cascades`](super::cascades),
    //!   [`concurrency`](super::concurrency) and [`values`](super::values),
    //!   each on all three.
    //!
    //! Each test works in a namespace of its own (a PostgreSQL schema, a
    //! MariaDB database, a private SQLite database) that it drops when done,
    //! so tests run in parallel and leave nothing behind.
}
