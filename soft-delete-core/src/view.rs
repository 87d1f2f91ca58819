//! Views over a model's live rows, for raw SQL and reporting tools that
//! cannot be taught the scope.

use crate::schema::{fitted_name, MAX_IDENTIFIER_BYTES};
use crate::{statement, Backend, SchemaError, SoftDelete, TrashMode};

/// `<table>_live`, hashed only when too long.
pub(crate) fn default_name<T: SoftDelete>() -> String {
    fitted_name(
        format!("{}_live", T::TABLE),
        &[T::TABLE, "live_view"],
        "_live",
    )
}

/// `name` if every backend keeps it as written.
pub(crate) fn checked_name(name: &str) -> Result<&str, SchemaError> {
    if name.is_empty() || name.len() > MAX_IDENTIFIER_BYTES {
        Err(SchemaError::InvalidName {
            name: name.to_owned(),
        })
    } else {
        Ok(name)
    }
}

/// `CREATE VIEW name AS` the model's live-row select, rendered for `backend`
/// (sea-query has no view statement), in the form that can run again: `OR
/// REPLACE` where the database has it, `IF NOT EXISTS` on SQLite.
pub(crate) fn create<T: SoftDelete>(name: &str, backend: Backend) -> String {
    let select = statement::select::<T>(TrashMode::WithoutTrashed);
    let select = backend.inline(&select);
    let name = quoted(name, backend);
    match backend {
        Backend::Postgres | Backend::MySql => format!("CREATE OR REPLACE VIEW {name} AS {select}"),
        Backend::Sqlite => format!("CREATE VIEW IF NOT EXISTS {name} AS {select}"),
    }
}

/// `DROP VIEW IF EXISTS name`.
pub(crate) fn drop(name: &str, backend: Backend) -> String {
    format!("DROP VIEW IF EXISTS {}", quoted(name, backend))
}

/// `name` quoted for `backend`, quote characters inside doubled, as
/// sea-query quotes identifiers.
fn quoted(name: &str, backend: Backend) -> String {
    let quote = match backend {
        Backend::MySql => '`',
        Backend::Postgres | Backend::Sqlite => '"',
    };
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push(quote);
    for ch in name.chars() {
        if ch == quote {
            quoted.push(ch);
        }
        quoted.push(ch);
    }
    quoted.push(quote);
    quoted
}
