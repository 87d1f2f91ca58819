//! Schema helpers ([`Schema`]): the marker's column, indexes on it,
//! uniqueness among live rows, views of the live rows. DDL is where the
//! three databases differ, so a `Schema` holds a [`Backend`].

use sea_query::{
    Alias, Asterisk, ColumnDef, Expr, ExprTrait as _, IdenStatic as _, Index, IndexCreateStatement,
    IntoIden, Query, Table, TableAlterStatement,
};

use crate::plan::Sql;
use crate::{view, Backend, MarkerStyle, SoftDelete};

/// The marker's column definition on `backend`.
pub(crate) fn marker_column<T: SoftDelete>(backend: Backend) -> ColumnDef {
    let marker = T::MARKER;
    let mut column = ColumnDef::new(marker.column);
    match (marker.style, backend) {
        (MarkerStyle::Timestamp, Backend::Postgres) if marker.with_time_zone => {
            column.timestamp_with_time_zone().null()
        }
        (MarkerStyle::Timestamp, Backend::Postgres) => column.timestamp().null(),
        // DATETIME stores what it is given, whatever the session's zone (a
        // TIMESTAMP would convert through it), and (6) keeps microseconds.
        (MarkerStyle::Timestamp, Backend::MySql) => column.custom(Alias::new("DATETIME(6)")).null(),
        (MarkerStyle::Timestamp, Backend::Sqlite) => column.custom(Alias::new("TEXT")).null(),
        (MarkerStyle::Bool, _) => column.boolean().not_null().default(false),
        (MarkerStyle::Active, _) => column.boolean().not_null().default(true),
        (MarkerStyle::Unix, _) => column.big_integer().not_null().default(0),
    };
    column
}

/// `ALTER TABLE ... ADD COLUMN` of the marker, for an existing table.
pub(crate) fn add_marker_column<T: SoftDelete>(backend: Backend) -> TableAlterStatement {
    Table::alter()
        .table(T::TABLE)
        .add_column(marker_column::<T>(backend))
        .to_owned()
}

/// The longest identifier every backend keeps as written: PostgreSQL cuts
/// longer names to 63 bytes with only a notice (so two long names can become
/// one), MySQL/MariaDB reject names over 64 characters.
pub(crate) const MAX_IDENTIFIER_BYTES: usize = 63;

/// 32-bit FNV-1a of `parts`, each prefixed by its length, so that `["a_b"]`
/// and `["a", "b"]` hash differently. Written out rather than taken from
/// `std`'s hashers, whose output may change between releases: the names built
/// from it live on in databases and migrations.
pub(crate) fn stable_hash(parts: &[&str]) -> u32 {
    const OFFSET_BASIS: u32 = 0x811c_9dc5;
    const PRIME: u32 = 0x0100_0193;
    let mut hash = OFFSET_BASIS;
    for part in parts {
        let length = u32::try_from(part.len()).unwrap_or(u32::MAX);
        for byte in length.to_le_bytes().iter().chain(part.as_bytes()) {
            hash ^= u32::from(*byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

/// `readable`, cut at a character boundary so the whole fits
/// [`MAX_IDENTIFIER_BYTES`], then `_<hash>` and `suffix`: readable while
/// short, and still distinct once cut.
pub(crate) fn hashed_name(readable: &str, hash: u32, suffix: &str) -> String {
    let tail = format!("_{hash:08x}{suffix}");
    let mut end = MAX_IDENTIFIER_BYTES
        .saturating_sub(tail.len())
        .min(readable.len());
    while !readable.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{tail}", &readable[..end])
}

/// `name` if it fits [`MAX_IDENTIFIER_BYTES`], else [`hashed_name`] of it
/// (the hash over `parts`) ending in `suffix`.
pub(crate) fn fitted_name(name: String, parts: &[&str], suffix: &str) -> String {
    if name.len() <= MAX_IDENTIFIER_BYTES {
        name
    } else {
        let readable = name.strip_suffix(suffix).unwrap_or(&name);
        hashed_name(readable, stable_hash(parts), suffix)
    }
}

/// Why a schema helper cannot build its DDL from what it was given.
///
/// ```
/// use soft_delete::{Backend, Schema, SchemaError, SoftDelete};
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "users")]
/// struct User { id: i64, email: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// assert_eq!(
///     Schema::new(Backend::Postgres).unique_among_live::<User>(&[]),
///     Err(SchemaError::NoColumns { table: "users" })
/// );
/// let error = Schema::new(Backend::Sqlite)
///     .live_index::<User>(&[UserColumn::Email, UserColumn::Email])
///     .unwrap_err();
/// assert_eq!(error.to_string(), "the column `email` of `users` is listed twice; list each column once");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaError {
    /// The column list is empty: an index needs at least one column.
    NoColumns {
        /// The model's table.
        table: &'static str,
    },
    /// A listed identifier is not one of the model's columns: the column
    /// enum's `Table` variant, which names the table.
    NotAColumn {
        /// The model's table.
        table: &'static str,
        /// The identifier given.
        name: &'static str,
    },
    /// A column is listed twice (MySQL rejects such an index).
    RepeatedColumn {
        /// The model's table.
        table: &'static str,
        /// The repeated column.
        column: &'static str,
    },
    /// A name given for a view is empty or longer than 63 bytes.
    InvalidName {
        /// The name given.
        name: String,
    },
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaError::NoColumns { table } => write!(
                f,
                "an index on `{table}` needs at least one column; list them as `&[<Model>Column::<Field>, ...]`"
            ),
            SchemaError::NotAColumn { table, name } => write!(
                f,
                "`{name}` is not a column of `{table}` (the column enum's `Table` variant names the table); list column variants only"
            ),
            SchemaError::RepeatedColumn { table, column } => write!(
                f,
                "the column `{column}` of `{table}` is listed twice; list each column once"
            ),
            SchemaError::InvalidName { name } => write!(
                f,
                "`{name}` cannot name a view: use 1 to {MAX_IDENTIFIER_BYTES} bytes (PostgreSQL cuts longer names, MySQL rejects them)"
            ),
        }
    }
}

impl std::error::Error for SchemaError {}

/// The DDL soft deletion asks of a model's table, for one database: the
/// marker's (and `cascade_id`'s) column, indexes on the marker and for live
/// rows, keys unique among live rows, and a view of the live rows. Like
/// SeaORM's `Schema`, it holds the backend and builds statements for any
/// model.
///
/// Indexes are created `IF NOT EXISTS` and views `OR REPLACE` (SQLite:
/// `IF NOT EXISTS`) where the database has the clause, so a service can run
/// them at every start. MySQL has no `CREATE INDEX IF NOT EXISTS` (MariaDB
/// has, MySQL does not) nor `ADD COLUMN IF NOT EXISTS`: there, run the
/// indexes once from a migration, or at every start through the run layers'
/// `create_indexes()`, which skips what exists on every database.
///
/// ```
/// use soft_delete::{Backend, Schema, SoftDelete};
/// use sea_query::{ColumnDef, Table};
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "users", unique(email))]
/// struct User { id: i64, email: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// let schema = Schema::new(Backend::Sqlite);
/// let table = Table::create()
///     .table("users")
///     .if_not_exists()
///     .col(ColumnDef::new("id").big_integer().primary_key())
///     .col(ColumnDef::new("email").text().not_null())
///     .col(schema.marker_column::<User>())
///     .to_owned();
/// let mut ddl = vec![Backend::Sqlite.render(&table)];
/// ddl.push(Backend::Sqlite.render(&schema.marker_index::<User>()));
/// ddl.extend(schema.unique_indexes::<User>());
/// assert_eq!(ddl[1], r#"CREATE INDEX IF NOT EXISTS "users_deleted_at_idx" ON "users" ("deleted_at")"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Schema {
    backend: Backend,
}

impl Schema {
    /// The schema helpers for `backend`.
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema};
    /// assert_eq!(Schema::new(Backend::MySql).backend(), Backend::MySql);
    /// ```
    #[must_use]
    pub const fn new(backend: Backend) -> Self {
        Schema { backend }
    }

    /// The database the statements are for.
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema};
    /// assert_eq!(Schema::new(Backend::Sqlite).backend(), Backend::Sqlite);
    /// ```
    #[must_use]
    pub const fn backend(&self) -> Backend {
        self.backend
    }

    /// The marker's column definition, for a `CREATE TABLE`: a nullable
    /// `TIMESTAMPTZ`/`TIMESTAMP` on PostgreSQL (matching the field),
    /// `DATETIME(6)` on MySQL/MariaDB (stored as given, whatever the
    /// session's zone), `TEXT` on SQLite; `BOOLEAN NOT NULL DEFAULT FALSE`
    /// for the bool style; `BIGINT NOT NULL DEFAULT 0` for the Unix style.
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema, SoftDelete};
    /// # use sea_query::{ColumnDef, PostgresQueryBuilder, Table};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let create = Table::create()
    ///     .table("posts")
    ///     .col(ColumnDef::new("id").big_integer().primary_key())
    ///     .col(Schema::new(Backend::Postgres).marker_column::<Post>())
    ///     .to_owned();
    /// assert_eq!(
    ///     create.to_string(PostgresQueryBuilder),
    ///     r#"CREATE TABLE "posts" ( "id" bigint PRIMARY KEY, "deleted_at" timestamp with time zone NULL )"#
    /// );
    /// ```
    #[must_use]
    pub fn marker_column<T: SoftDelete>(&self) -> ColumnDef {
        marker_column::<T>(self.backend)
    }

    /// The `cascade_id` column's definition (`cascade_id = "..."` in the
    /// derive), a nullable `BIGINT`; `None` for a model without one.
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema, SoftDelete};
    /// # use sea_query::{ColumnDef, SqliteQueryBuilder, Table};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", cascade_id = "deletion_id")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>>, deletion_id: Option<i64> }
    /// let schema = Schema::new(Backend::Sqlite);
    /// let create = Table::create()
    ///     .table("posts")
    ///     .col(ColumnDef::new("id").big_integer().primary_key())
    ///     .col(schema.marker_column::<Post>())
    ///     .col(schema.cascade_id_column::<Post>().expect("the model has cascade_id"))
    ///     .to_owned();
    /// assert_eq!(
    ///     create.to_string(SqliteQueryBuilder),
    ///     r#"CREATE TABLE "posts" ( "id" integer PRIMARY KEY, "deleted_at" TEXT NULL, "deletion_id" integer NULL )"#
    /// );
    /// ```
    #[must_use]
    pub fn cascade_id_column<T: SoftDelete>(&self) -> Option<ColumnDef> {
        T::MARKER
            .cascade_id
            .map(|column| ColumnDef::new(column).big_integer().null().to_owned())
    }

    /// `ALTER TABLE ... ADD COLUMN` of the marker, to make an existing table
    /// soft-deletable (once: no database has this clause's `IF NOT EXISTS`
    /// in common).
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema, SoftDelete};
    /// # use sea_query::SqliteQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", style = "bool")] struct Post { id: i64, is_deleted: bool }
    /// assert_eq!(
    ///     Schema::new(Backend::Sqlite).add_marker_column::<Post>().to_string(SqliteQueryBuilder),
    ///     r#"ALTER TABLE "posts" ADD COLUMN "is_deleted" boolean NOT NULL DEFAULT FALSE"#
    /// );
    /// ```
    #[must_use]
    pub fn add_marker_column<T: SoftDelete>(&self) -> TableAlterStatement {
        add_marker_column::<T>(self.backend)
    }

    /// An index on the marker column, `<table>_<marker>_idx`, `IF NOT
    /// EXISTS`: for the trash view and purges by age. A name over 63 bytes is
    /// cut and ends in a hash of the whole, as
    /// [`live_index`](Self::live_index) explains.
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema, SoftDelete};
    /// # use sea_query::PostgresQueryBuilder;
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(
    ///     Schema::new(Backend::Postgres).marker_index::<Post>().to_string(PostgresQueryBuilder),
    ///     r#"CREATE INDEX IF NOT EXISTS "posts_deleted_at_idx" ON "posts" ("deleted_at")"#
    /// );
    /// ```
    #[must_use]
    pub fn marker_index<T: SoftDelete>(&self) -> IndexCreateStatement {
        marker_index::<T>()
    }

    /// An index for live-row queries over `columns` (say, the ordering of a
    /// page), so `query()` stays fast however many rows are trashed: a
    /// partial index `WHERE` live on PostgreSQL and SQLite, an index over
    /// `(marker, columns...)` on MySQL/MariaDB; `IF NOT EXISTS`.
    ///
    /// `columns` are the model's column enum, so a typo or another table's
    /// column does not compile. An empty list, the enum's `Table` variant or
    /// a column listed twice is a [`SchemaError`].
    ///
    /// The index is named `<table>_live_<columns>_<hash>_idx`, `<hash>` eight
    /// hex digits of a hash of the table and the exact column list: names
    /// differ for different lists (`["a_b"]` and `["a", "b"]` too) and
    /// across tables (PostgreSQL and SQLite share index names across a
    /// schema), are the same on every database and in every release, and fit
    /// the 63 bytes PostgreSQL keeps (MySQL takes 64): a longer readable part
    /// is cut before the hash. Read the name with
    /// `index.get_index_spec().get_name()`.
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema, SoftDelete};
    /// # use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, title: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(
    ///     Schema::new(Backend::Postgres).live_index::<Post>(&[PostColumn::Title])?.to_string(PostgresQueryBuilder),
    ///     r#"CREATE INDEX IF NOT EXISTS "posts_live_title_2100c379_idx" ON "posts" ("title") WHERE "deleted_at" IS NULL"#
    /// );
    /// assert_eq!(
    ///     Schema::new(Backend::MySql).live_index::<Post>(&[PostColumn::Title, PostColumn::Id])?.to_string(MysqlQueryBuilder),
    ///     "CREATE INDEX `posts_live_title_id_d86931a6_idx` ON `posts` (`deleted_at`, `title`, `id`)"
    /// );
    /// # Ok::<(), soft_delete::SchemaError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SchemaError::NoColumns`] for an empty list,
    /// [`SchemaError::NotAColumn`] for the `Table` variant,
    /// [`SchemaError::RepeatedColumn`] for a column listed twice.
    pub fn live_index<T: SoftDelete>(
        &self,
        columns: &[T::Column],
    ) -> Result<IndexCreateStatement, SchemaError> {
        live_index::<T>(columns, self.backend)
    }

    /// DDL that makes `columns` unique among live rows only: a second live
    /// row with the same values is rejected by the database, a row that
    /// duplicates a trashed one is accepted, and restoring a trashed row
    /// whose values a live row has taken since fails with the database's
    /// unique-violation error (the run layers' `Error::Conflict`).
    ///
    /// PostgreSQL and SQLite get a partial unique index
    /// `<table>_<columns>_<hash>_live_key`, `IF NOT EXISTS`. MySQL/MariaDB
    /// have no partial indexes: they get a stored generated column
    /// `<columns>_<hash>_live`, `1` while the row is live and `NULL` once
    /// trashed, and a unique index over `columns` plus it (a unique index
    /// never treats rows with a `NULL` as equal). Run the statements in
    /// order. (A `style = "unix"` model can also do without: a plain unique
    /// index over `columns` and the marker keeps live rows unique on every
    /// database, but two duplicates trashed in the same second then
    /// collide; these statements leave trashed rows out entirely.)
    ///
    /// `columns` and the names follow the rules of
    /// [`live_index`](Self::live_index): the model's own columns, at least
    /// one, each once; names distinct per list, stable, within 63 bytes.
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema, SoftDelete};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "users")] struct User { id: i64, email: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(
    ///     Schema::new(Backend::Postgres).unique_among_live::<User>(&[UserColumn::Email])?,
    ///     [r#"CREATE UNIQUE INDEX IF NOT EXISTS "users_email_42c98313_live_key" ON "users" ("email") WHERE "deleted_at" IS NULL"#]
    /// );
    /// assert_eq!(
    ///     Schema::new(Backend::MySql).unique_among_live::<User>(&[UserColumn::Email])?,
    ///     [
    ///         "ALTER TABLE `users` ADD COLUMN `email_42c98313_live` tinyint GENERATED ALWAYS AS ((CASE WHEN (`deleted_at` IS NULL) THEN 1 ELSE NULL END)) STORED",
    ///         "CREATE UNIQUE INDEX `users_email_42c98313_live_key` ON `users` (`email`, `email_42c98313_live`)",
    ///     ]
    /// );
    /// # Ok::<(), soft_delete::SchemaError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`live_index`](Self::live_index): [`SchemaError::NoColumns`],
    /// [`SchemaError::NotAColumn`], [`SchemaError::RepeatedColumn`].
    pub fn unique_among_live<T: SoftDelete>(
        &self,
        columns: &[T::Column],
    ) -> Result<Vec<String>, SchemaError> {
        let columns = column_names::<T>(columns)?;
        Ok(unique_among_live_named::<T>(&columns, self.backend)
            .into_iter()
            .map(|ddl| ddl.statement)
            .collect())
    }

    /// The DDL of every key in [`UNIQUE`](SoftDelete::UNIQUE), key by key
    /// in the order declared: for each, the statements of
    /// [`unique_among_live`](Self::unique_among_live) over its columns, with
    /// the same names. Empty for a model without `unique(...)`. The same as
    /// [`SoftDelete::unique_indexes`].
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema, SoftDelete};
    /// #[derive(SoftDelete)]
    /// #[soft_delete(table = "users", unique(email))]
    /// struct User { id: i64, email: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    ///
    /// let schema = Schema::new(Backend::Sqlite);
    /// assert_eq!(schema.unique_indexes::<User>(), schema.unique_among_live::<User>(&[UserColumn::Email])?);
    /// # Ok::<(), soft_delete::SchemaError>(())
    /// ```
    #[must_use]
    pub fn unique_indexes<T: SoftDelete>(&self) -> Vec<String> {
        T::UNIQUE
            .iter()
            .flat_map(|columns| unique_among_live_named::<T>(columns, self.backend))
            .map(|ddl| ddl.statement)
            .collect()
    }

    /// The name of [`live_view`](Self::live_view): `<table>_live`, or, over
    /// 63 bytes, cut and ending in a hash of the table as
    /// [`live_index`](Self::live_index) explains.
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema, SoftDelete};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(Schema::new(Backend::Sqlite).live_view_name::<Post>(), "posts_live");
    /// ```
    #[must_use]
    pub fn live_view_name<T: SoftDelete>(&self) -> String {
        view::default_name::<T>()
    }

    /// DDL of a view over the live rows, [`live_view_name`](Self::live_view_name),
    /// for raw SQL and reporting tools that do not know the scope: `CREATE
    /// VIEW <table>_live AS` the model's `query()`. Its columns are
    /// [`COLUMNS`](SoftDelete::COLUMNS); rows follow soft deletes and
    /// restores as they happen.
    ///
    /// PostgreSQL and MySQL/MariaDB get `CREATE OR REPLACE VIEW`, which
    /// also takes a column added to the end of the model; SQLite, which has
    /// no `OR REPLACE` for views, gets `CREATE VIEW IF NOT EXISTS`: after
    /// changing the model's columns there, run
    /// [`drop_live_view`](Self::drop_live_view) first.
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema, SoftDelete};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, title: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(
    ///     Schema::new(Backend::Postgres).live_view::<Post>(),
    ///     r#"CREATE OR REPLACE VIEW "posts_live" AS SELECT "posts"."id", "posts"."title", "posts"."deleted_at" FROM "posts" WHERE "posts"."deleted_at" IS NULL"#
    /// );
    /// assert_eq!(
    ///     Schema::new(Backend::Sqlite).live_view::<Post>(),
    ///     r#"CREATE VIEW IF NOT EXISTS "posts_live" AS SELECT "posts"."id", "posts"."title", "posts"."deleted_at" FROM "posts" WHERE "posts"."deleted_at" IS NULL"#
    /// );
    /// ```
    #[must_use]
    pub fn live_view<T: SoftDelete>(&self) -> String {
        view::create::<T>(&view::default_name::<T>(), self.backend)
    }

    /// [`live_view`](Self::live_view) under a name of your own, quoted for
    /// the backend.
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema, SchemaError, SoftDelete};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", style = "bool")] struct Post { id: i64, is_deleted: bool }
    /// let schema = Schema::new(Backend::MySql);
    /// assert_eq!(
    ///     schema.live_view_named::<Post>("v_posts")?,
    ///     "CREATE OR REPLACE VIEW `v_posts` AS SELECT `posts`.`id`, `posts`.`is_deleted` FROM `posts` WHERE `posts`.`is_deleted` = FALSE"
    /// );
    /// assert_eq!(
    ///     schema.live_view_named::<Post>(""),
    ///     Err(SchemaError::InvalidName { name: String::new() })
    /// );
    /// # Ok::<(), SchemaError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SchemaError::InvalidName`] when `name` is empty or longer than 63
    /// bytes (PostgreSQL would cut it, MySQL reject it).
    pub fn live_view_named<T: SoftDelete>(&self, name: &str) -> Result<String, SchemaError> {
        Ok(view::create::<T>(view::checked_name(name)?, self.backend))
    }

    /// `DROP VIEW IF EXISTS` of [`live_view`](Self::live_view).
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema, SoftDelete};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// assert_eq!(Schema::new(Backend::MySql).drop_live_view::<Post>(), "DROP VIEW IF EXISTS `posts_live`");
    /// ```
    #[must_use]
    pub fn drop_live_view<T: SoftDelete>(&self) -> String {
        view::drop(&view::default_name::<T>(), self.backend)
    }

    /// `DROP VIEW IF EXISTS` of [`live_view_named`](Self::live_view_named).
    ///
    /// ```
    /// # use soft_delete::{Backend, Schema};
    /// assert_eq!(
    ///     Schema::new(Backend::Postgres).drop_live_view_named("v_posts")?,
    ///     r#"DROP VIEW IF EXISTS "v_posts""#
    /// );
    /// # Ok::<(), soft_delete::SchemaError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SchemaError::InvalidName`], as [`live_view_named`](Self::live_view_named).
    pub fn drop_live_view_named(&self, name: &str) -> Result<String, SchemaError> {
        Ok(view::drop(view::checked_name(name)?, self.backend))
    }
}

/// The SQL names of `columns`, checked: at least one, each a column of `T`
/// (not its `Table` variant), none twice.
fn column_names<T: SoftDelete>(columns: &[T::Column]) -> Result<Vec<&'static str>, SchemaError> {
    if columns.is_empty() {
        return Err(SchemaError::NoColumns { table: T::TABLE });
    }
    let mut names = Vec::with_capacity(columns.len());
    for column in columns {
        let name = column.as_str();
        if !T::COLUMNS.contains(&name) {
            return Err(SchemaError::NotAColumn {
                table: T::TABLE,
                name,
            });
        }
        if names.contains(&name) {
            return Err(SchemaError::RepeatedColumn {
                table: T::TABLE,
                column: name,
            });
        }
        names.push(name);
    }
    Ok(names)
}

/// `table`, a helper's tag and the columns: what a name's hash is taken of.
fn hash_of(table: &'static str, helper: &'static str, columns: &[&'static str]) -> u32 {
    let mut parts = Vec::with_capacity(columns.len() + 2);
    parts.extend([table, helper]);
    parts.extend_from_slice(columns);
    stable_hash(&parts)
}

/// An index on the marker alone, for the trash view and purges:
/// `<table>_<marker>_idx`, hashed only when too long (a table has one
/// marker, so the plain name is already distinct).
pub(crate) fn marker_index<T: SoftDelete>() -> IndexCreateStatement {
    let marker = T::MARKER.column;
    let name = fitted_name(
        format!("{}_{marker}_idx", T::TABLE),
        &[T::TABLE, "marker_index", marker],
        "_idx",
    );
    Index::create()
        .name(name)
        .table(T::TABLE)
        .col(marker)
        .if_not_exists()
        .to_owned()
}

/// An index serving live-row queries over `columns` (for example the
/// ordering of a page): partial (`WHERE live`) where the database has partial
/// indexes, `(marker, columns...)` on MySQL/MariaDB.
pub(crate) fn live_index<T: SoftDelete>(
    columns: &[T::Column],
    backend: Backend,
) -> Result<IndexCreateStatement, SchemaError> {
    let columns = column_names::<T>(columns)?;
    let marker = T::MARKER;
    let name = hashed_name(
        &format!("{}_live_{}", T::TABLE, columns.join("_")),
        hash_of(T::TABLE, "live_index", &columns),
        "_idx",
    );
    let mut index = Index::create();
    index.name(name).table(T::TABLE).if_not_exists();
    if backend == Backend::MySql {
        index.col(marker.column);
    }
    for column in &columns {
        index.col(*column);
    }
    if backend != Backend::MySql {
        use sea_query::ConditionalStatement as _;
        index.and_where(marker.live(Expr::col(marker.column)));
    }
    Ok(index)
}

/// One statement of DDL, and what it creates.
#[derive(Debug, Clone)]
pub(crate) struct Ddl {
    /// The statement, rendered.
    pub(crate) statement: String,
    /// What it creates, for [`exists`](Ddl::exists).
    creates: Creates,
}

/// An object a [`Ddl`] creates on a table.
#[derive(Debug, Clone)]
enum Creates {
    Index {
        table: &'static str,
        name: String,
    },
    /// A column (MySQL/MariaDB's generated live flag).
    Column {
        table: &'static str,
        name: String,
    },
}

impl Ddl {
    /// A `SELECT COUNT(*)`, non-zero once what the statement creates is in
    /// place; rendered only by `create_indexes`, which asks.
    pub(crate) fn exists(&self, backend: Backend) -> Sql {
        match &self.creates {
            Creates::Index { table, name } => index_exists(table, name, backend),
            Creates::Column { table, name } => column_exists(table, name),
        }
    }
}

/// [`Schema::unique_among_live`] over SQL column names already checked
/// (those of [`SoftDelete::UNIQUE`], checked by the derive): the same
/// statements, with the same names, as for the column enum's variants of
/// those columns.
pub(crate) fn unique_among_live_named<T: SoftDelete>(
    columns: &[&'static str],
    backend: Backend,
) -> Vec<Ddl> {
    let marker = T::MARKER;
    let hash = hash_of(T::TABLE, "unique_among_live", columns);
    let joined = columns.join("_");
    let name = hashed_name(&format!("{}_{joined}", T::TABLE), hash, "_live_key");
    let mut index = Index::create();
    index.name(&name).table(T::TABLE).unique().if_not_exists();
    for column in columns {
        index.col(*column);
    }
    match backend {
        Backend::Postgres | Backend::Sqlite => {
            use sea_query::ConditionalStatement as _;
            index.and_where(marker.live(Expr::col(marker.column)));
            vec![Ddl {
                statement: backend.render(&index),
                creates: Creates::Index {
                    table: T::TABLE,
                    name,
                },
            }]
        }
        Backend::MySql => {
            // No partial indexes: a unique index treats rows with a NULL in
            // any of its columns as distinct, so a generated column that is
            // NULL for trashed rows takes them out of the uniqueness check.
            // One flag per index, carrying the index's hash, so indexes over
            // different columns can be added and dropped independently.
            let flag = hashed_name(&joined, hash, "_live");
            let live_flag = Expr::case(marker.live(Expr::col(marker.column)), 1)
                .finally(Expr::Keyword(sea_query::Keyword::Null));
            let add_flag = Table::alter()
                .table(T::TABLE)
                .add_column(
                    ColumnDef::new(Alias::new(flag.clone()).into_iden())
                        .tiny_integer()
                        .generated(live_flag, true),
                )
                .to_owned();
            index.col(Alias::new(flag.clone()));
            vec![
                Ddl {
                    statement: backend.render(&add_flag),
                    creates: Creates::Column {
                        table: T::TABLE,
                        name: flag,
                    },
                },
                Ddl {
                    statement: backend.render(&index),
                    creates: Creates::Index {
                        table: T::TABLE,
                        name,
                    },
                },
            ]
        }
    }
}

/// The indexes soft deletion asks of `T`'s table (the marker index, then
/// each key of [`SoftDelete::UNIQUE`]), for the run layers'
/// `create_indexes`.
pub(crate) fn indexes<T: SoftDelete>(backend: Backend) -> Vec<Ddl> {
    let marker = marker_index::<T>();
    let name = marker
        .get_index_spec()
        .get_name()
        .unwrap_or_default()
        .to_owned();
    let mut ddl = vec![Ddl {
        statement: backend.render(&marker),
        creates: Creates::Index {
            table: T::TABLE,
            name,
        },
    }];
    for columns in T::UNIQUE {
        ddl.extend(unique_among_live_named::<T>(columns, backend));
    }
    ddl
}

/// A count of the indexes named `name` on `table` (PostgreSQL: in the
/// session's schema; MySQL/MariaDB: in its database).
fn index_exists(table: &str, name: &str, backend: Backend) -> Sql {
    let (catalog, table_column, name_column) = match backend {
        Backend::Postgres => (("pg_catalog", "pg_indexes"), "tablename", "indexname"),
        Backend::MySql => (
            ("information_schema", "statistics"),
            "table_name",
            "index_name",
        ),
        Backend::Sqlite => (("main", "sqlite_master"), "tbl_name", "name"),
    };
    let mut count = Query::select();
    count
        .expr(Expr::col(Asterisk).count())
        .from(catalog)
        .and_where(Expr::col(table_column).eq(table))
        .and_where(Expr::col(name_column).eq(name));
    match backend {
        Backend::Postgres => {
            count.and_where(Expr::col("schemaname").eq(Expr::cust("current_schema()")));
        }
        Backend::MySql => {
            count.and_where(Expr::col("table_schema").eq(Expr::cust("DATABASE()")));
        }
        Backend::Sqlite => {
            count.and_where(Expr::col("type").eq("index"));
        }
    }
    Sql::render(&count, backend)
}

/// A count of the columns named `column` of `table` in the session's
/// MySQL/MariaDB database.
fn column_exists(table: &str, column: &str) -> Sql {
    let mut count = Query::select();
    count
        .expr(Expr::col(Asterisk).count())
        .from(("information_schema", "columns"))
        .and_where(Expr::col("table_schema").eq(Expr::cust("DATABASE()")))
        .and_where(Expr::col("table_name").eq(table))
        .and_where(Expr::col("column_name").eq(column));
    Sql::render(&count, Backend::MySql)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_tells_apart_lists_that_join_alike() {
        assert_ne!(stable_hash(&["a_b"]), stable_hash(&["a", "b"]));
        assert_ne!(stable_hash(&["ab", ""]), stable_hash(&["a", "b"]));
        assert_ne!(stable_hash(&["t", "a"]), stable_hash(&["t_a"]));
    }

    #[test]
    fn hash_is_pinned() {
        // FNV-1a's offset basis for no input, and a value computed by hand:
        // names built from the hash are stored, so it must never change.
        assert_eq!(stable_hash(&[]), 0x811c_9dc5);
        assert_eq!(
            stable_hash(&["users", "unique_among_live", "email"]),
            0x42c9_8313
        );
    }

    #[test]
    fn hashed_names_fit_and_cut_at_a_character_boundary() {
        assert_eq!(hashed_name("posts", 0xab, "_idx"), "posts_000000ab_idx");
        // 2-byte characters: the cut must not split one.
        let readable = "é".repeat(40);
        let name = hashed_name(&readable, 1, "_live_key");
        assert!(name.len() <= MAX_IDENTIFIER_BYTES, "{name}");
        assert!(name.ends_with("_00000001_live_key"), "{name}");
        assert!(name.starts_with("éé"), "{name}");
        // A suffix longer than the limit still gives a name, never a panic.
        let _ = hashed_name("t", 1, &"x".repeat(100));
    }

    #[test]
    fn fitted_names_stay_plain_while_short() {
        assert_eq!(
            fitted_name("posts_live".to_owned(), &["posts"], "_live"),
            "posts_live"
        );
        let long = format!("{}_live", "t".repeat(60));
        let name = fitted_name(long, &["t"], "_live");
        assert_eq!(name.len(), MAX_IDENTIFIER_BYTES);
        assert!(name.ends_with("_live"), "{name}");
    }
}
