//! Values on their way to a database: stored as written, or refused before
//! anything is sent.
//!
//! Three things the drivers get wrong are guarded here, once for both run
//! layers:
//! - sea-query-sqlx unwraps `u64 → i64` (a panic) and ignores encode errors
//!   (on MySQL a parameter is dropped and the connection breaks): a value a
//!   database cannot hold is a [`ValueError`] instead.
//! - sqlx binds `DateTime<Utc>` to MySQL as `TIMESTAMP`, whose 1970–2038
//!   range makes MariaDB store `NULL` into a `DATETIME(6)` and report
//!   success: zoned times go to MySQL as their UTC `DATETIME`.
//! - sqlx keeps a PostgreSQL prepared statement by its text alone, with the
//!   parameter types of its first use: the same text bound with an `i32` and
//!   then an `i64` fails ("insufficient data left in message"). A text whose
//!   numeric parameters are not all 64-bit gets a trailing comment naming
//!   their types, so each combination is its own prepared statement; the
//!   common all-64-bit case keeps its text as it is.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use chrono::{DateTime, Datelike as _, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sea_query::{Value, Values};

use crate::Backend;

/// A value the database cannot hold as written, refused before the
/// statement was sent (nothing changed, and the connection is fine).
///
/// ```
/// use soft_delete::{Backend, ValueError};
/// use sea_query::{Value, Values};
///
/// let error: ValueError = soft_delete::__layer::value::prepare(
///     Backend::Postgres,
///     "SELECT $1".into(),
///     Values(vec![Value::BigUnsigned(Some(u64::MAX))]),
/// )
/// .unwrap_err();
/// assert!(error.to_string().contains("18446744073709551615"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    value: String,
    backend: Backend,
    reason: &'static str,
}

impl ValueError {
    /// The refused value, as written.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The database it was meant for.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl ValueError {
    pub(crate) fn not_a_column(name: &str, backend: Backend) -> Self {
        ValueError {
            value: format!("`{name}`"),
            backend,
            reason: "it is not a column of the model (the column enum's `Table` names the table)",
        }
    }

    pub(crate) fn repeated_column(name: &str, backend: Backend) -> Self {
        ValueError {
            value: format!("`{name}`"),
            backend,
            reason: "a write names each column once",
        }
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} cannot be stored on {:?}: {}; nothing was sent",
            self.value, self.backend, self.reason
        )
    }
}

impl std::error::Error for ValueError {}

/// What a timestamp column of `backend` holds: `(earliest, latest)` UTC
/// instants, `None` where chrono's own range is inside it.
fn time_range(backend: Backend) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
    let at = |year, month, day, time: NaiveTime| {
        NaiveDate::from_ymd_opt(year, month, day).map(|date| date.and_time(time))
    };
    let midnight = NaiveTime::MIN;
    let last = NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).unwrap_or(midnight);
    match backend {
        // PostgreSQL: 4713 BC to 294276 AD (chrono ends in 262142 AD).
        Backend::Postgres => (at(-4713, 11, 24, midnight), None),
        // `DATETIME(6)`: 1000-01-01 to 9999-12-31.
        Backend::MySql => (at(1000, 1, 1, midnight), at(9999, 12, 31, last)),
        // Text that compares as a time: four-digit years.
        Backend::Sqlite => (at(0, 1, 1, midnight), at(9999, 12, 31, last)),
    }
}

const TIME_REASON_MYSQL: &str = "a MySQL/MariaDB DATETIME holds years 1000 to 9999";
const TIME_REASON_SQLITE: &str =
    "SQLite compares times as text, which holds years 0000 to 9999 only";
const TIME_REASON_POSTGRES: &str = "PostgreSQL's timestamps start in 4713 BC";

fn check_time(
    at: NaiveDateTime,
    shown: &dyn fmt::Display,
    backend: Backend,
) -> Result<(), ValueError> {
    let (earliest, latest) = time_range(backend);
    let outside =
        earliest.is_some_and(|earliest| at < earliest) || latest.is_some_and(|latest| at > latest);
    if !outside {
        return Ok(());
    }
    Err(ValueError {
        value: shown.to_string(),
        backend,
        reason: match backend {
            Backend::MySql => TIME_REASON_MYSQL,
            Backend::Sqlite => TIME_REASON_SQLITE,
            Backend::Postgres => TIME_REASON_POSTGRES,
        },
    })
}

/// `cutoff` within what `backend`'s timestamp columns hold, so that a
/// comparison with it means what it says: a cutoff past the range is after
/// every stored marker, one before it before every stored marker.
#[must_use]
pub fn clamp_cutoff(cutoff: DateTime<Utc>, backend: Backend) -> DateTime<Utc> {
    let (earliest, latest) = time_range(backend);
    let naive = cutoff.naive_utc();
    if let Some(latest) = latest.filter(|latest| naive > *latest) {
        return latest.and_utc();
    }
    if let Some(earliest) = earliest.filter(|earliest| naive < *earliest) {
        return earliest.and_utc();
    }
    cutoff
}

/// `values`, to be bound into `sql` on `backend`, made ready: refused where
/// the database cannot hold one as written, zoned times turned into UTC
/// `DATETIME`s on MySQL, and on PostgreSQL the text tagged with the types of
/// its numeric parameters unless all are 64-bit.
///
/// # Errors
///
/// [`ValueError`] naming the first value that cannot be stored.
pub fn prepare(
    backend: Backend,
    sql: Cow<'static, str>,
    values: Values,
) -> Result<(Cow<'static, str>, Values), ValueError> {
    let mut values = values;
    let mut tag = String::new();
    for (index, value) in values.0.iter_mut().enumerate() {
        match value {
            Value::BigUnsigned(Some(number))
                if backend != Backend::MySql && i64::try_from(*number).is_err() =>
            {
                return Err(ValueError {
                    value: number.to_string(),
                    backend,
                    reason: "its integers are signed 64-bit, up to 9223372036854775807",
                });
            }
            Value::ChronoDateTimeUtc(Some(at)) => {
                check_time(at.naive_utc(), at, backend)?;
                if backend == Backend::MySql {
                    *value = Value::ChronoDateTime(Some(at.naive_utc()));
                }
            }
            Value::ChronoDateTimeLocal(Some(at)) => {
                check_time(at.naive_utc(), at, backend)?;
                if backend == Backend::MySql {
                    *value = Value::ChronoDateTime(Some(at.naive_utc()));
                }
            }
            Value::ChronoDateTimeWithTimeZone(Some(at)) => {
                check_time(at.naive_utc(), at, backend)?;
                if backend == Backend::MySql {
                    *value = Value::ChronoDateTime(Some(at.naive_utc()));
                }
            }
            Value::ChronoDateTimeUtc(None)
            | Value::ChronoDateTimeLocal(None)
            | Value::ChronoDateTimeWithTimeZone(None)
                if backend == Backend::MySql =>
            {
                *value = Value::ChronoDateTime(None);
            }
            Value::ChronoDateTime(Some(at)) => check_time(*at, at, backend)?,
            Value::ChronoDate(Some(date)) => {
                let year = date.year();
                let outside = match backend {
                    Backend::MySql => !(1000..=9999).contains(&year),
                    Backend::Sqlite => !(0..=9999).contains(&year),
                    Backend::Postgres => year < -4713,
                };
                if outside {
                    check_time(date.and_time(NaiveTime::MIN), date, backend)?;
                }
            }
            _ => {}
        }
        if backend == Backend::Postgres {
            let narrow = match value {
                Value::TinyInt(_) => Some("char"),
                Value::SmallInt(_) | Value::TinyUnsigned(_) => Some("int2"),
                Value::Int(_) | Value::SmallUnsigned(_) => Some("int4"),
                Value::Float(_) => Some("float4"),
                _ => None,
            };
            if let Some(narrow) = narrow {
                let _ = write!(tag, " ${} {narrow}", index + 1);
            }
        }
    }
    if tag.is_empty() {
        return Ok((sql, values));
    }
    Ok((Cow::Owned(format!("{sql} /* soft_delete:{tag} */")), values))
}
