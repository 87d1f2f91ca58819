//! Schema helpers: the marker's column, indexes on it, and uniqueness among
//! live rows. DDL is where the three databases differ, so these take a
//! [`Backend`].

use sea_query::{
    Alias, ColumnDef, Expr, IdenStatic as _, Index, IndexCreateStatement, IntoIden, Table,
    TableAlterStatement,
};

use crate::{Backend, MarkerStyle, SoftDelete};

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
/// use soft_delete::{Backend, SchemaError, SoftDelete};
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "users")]
/// struct User { id: i64, email: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// assert_eq!(
///     User::unique_among_live(&[], Backend::Postgres),
///     Err(SchemaError::NoColumns { table: "users" })
/// );
/// let error = User::live_index(&[UserColumn::Email, UserColumn::Email], Backend::Sqlite).unwrap_err();
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
    index.name(name).table(T::TABLE);
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

/// DDL making `columns` unique among live rows; see
/// [`SoftDelete::unique_among_live`].
pub(crate) fn unique_among_live<T: SoftDelete>(
    columns: &[T::Column],
    backend: Backend,
) -> Result<Vec<String>, SchemaError> {
    let columns = column_names::<T>(columns)?;
    Ok(unique_among_live_named::<T>(&columns, backend))
}

/// [`unique_among_live`] over SQL column names already checked (those of
/// [`SoftDelete::UNIQUE`], checked by the derive): the same statements, with
/// the same names, as for the column enum's variants of those columns.
pub(crate) fn unique_among_live_named<T: SoftDelete>(
    columns: &[&'static str],
    backend: Backend,
) -> Vec<String> {
    let marker = T::MARKER;
    let hash = hash_of(T::TABLE, "unique_among_live", columns);
    let joined = columns.join("_");
    let mut index = Index::create();
    index
        .name(hashed_name(
            &format!("{}_{joined}", T::TABLE),
            hash,
            "_live_key",
        ))
        .table(T::TABLE)
        .unique();
    for column in columns {
        index.col(*column);
    }
    match backend {
        Backend::Postgres | Backend::Sqlite => {
            use sea_query::ConditionalStatement as _;
            index.and_where(marker.live(Expr::col(marker.column)));
            vec![backend.render(&index)]
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
            index.col(Alias::new(flag));
            vec![backend.render(&add_flag), backend.render(&index)]
        }
    }
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
