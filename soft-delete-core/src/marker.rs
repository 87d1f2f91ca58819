//! The marker column: how a model records that a row is deleted, and the SQL
//! expressions that read and write it.

use chrono::{DateTime, NaiveDateTime, Utc};
use sea_query::{Expr, ExprTrait, Value};

/// How the marker column stores deletion.
///
/// ```
/// use soft_delete_core::MarkerStyle;
///
/// assert_eq!(MarkerStyle::default(), MarkerStyle::Timestamp);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum MarkerStyle {
    /// A nullable timestamp: `NULL` while the row is live, the UTC time of
    /// deletion once it is trashed. The field is `Option<DateTime<Utc>>` or
    /// `Option<NaiveDateTime>` (holding UTC).
    #[default]
    Timestamp,
    /// A boolean: `FALSE` while the row is live, `TRUE` once it is trashed.
    /// The field is `bool`.
    Bool,
}

/// The marker column of a model: its SQL name and how it stores deletion.
///
/// The derive builds it from `#[soft_delete(column = "...", style = "...")]`
/// and the marker field's type; read it as `T::MARKER`.
///
/// ```
/// use soft_delete_core::{Marker, MarkerStyle};
///
/// const MARKER: Marker = Marker::timestamp("removed_at");
/// assert_eq!(MARKER.column, "removed_at");
/// assert_eq!(MARKER.style, MarkerStyle::Timestamp);
/// assert!(MARKER.with_time_zone);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Marker {
    /// SQL name of the marker column.
    pub column: &'static str,
    /// How the column stores deletion.
    pub style: MarkerStyle,
    /// For [`MarkerStyle::Timestamp`]: `true` when the column is a timestamp
    /// with time zone (field `Option<DateTime<Utc>>`), `false` when it holds a
    /// UTC time without zone (field `Option<NaiveDateTime>`). Always `false`
    /// for other styles.
    pub with_time_zone: bool,
}

impl Marker {
    /// A timestamp marker with time zone (`Option<DateTime<Utc>>` field).
    ///
    /// ```
    /// use soft_delete_core::Marker;
    ///
    /// assert!(Marker::timestamp("deleted_at").with_time_zone);
    /// ```
    #[must_use]
    pub const fn timestamp(column: &'static str) -> Self {
        Marker {
            column,
            style: MarkerStyle::Timestamp,
            with_time_zone: true,
        }
    }

    /// A timestamp marker without time zone holding UTC (`Option<NaiveDateTime>`
    /// field).
    ///
    /// ```
    /// use soft_delete_core::Marker;
    ///
    /// assert!(!Marker::naive_timestamp("deleted_at").with_time_zone);
    /// ```
    #[must_use]
    pub const fn naive_timestamp(column: &'static str) -> Self {
        Marker {
            column,
            style: MarkerStyle::Timestamp,
            with_time_zone: false,
        }
    }

    /// A boolean marker (`bool` field).
    ///
    /// ```
    /// use soft_delete_core::{Marker, MarkerStyle};
    ///
    /// assert_eq!(Marker::bool("is_deleted").style, MarkerStyle::Bool);
    /// ```
    #[must_use]
    pub const fn bool(column: &'static str) -> Self {
        Marker {
            column,
            style: MarkerStyle::Bool,
            with_time_zone: false,
        }
    }

    /// The timestamp marker for a field of type `F`: the derive's way to pick
    /// [`timestamp`](Marker::timestamp) or
    /// [`naive_timestamp`](Marker::naive_timestamp) from the field's type.
    #[doc(hidden)]
    #[must_use]
    pub const fn timestamp_for<F: TimestampField>(column: &'static str) -> Self {
        if F::WITH_TIME_ZONE {
            Marker::timestamp(column)
        } else {
            Marker::naive_timestamp(column)
        }
    }

    /// The marker column, qualified by `table` so it stays unambiguous in joins.
    pub(crate) fn column_in(&self, table: &'static str) -> Expr {
        Expr::col((table, self.column))
    }

    /// The condition "this row of `table` is live".
    ///
    /// Booleans are compared with the constants `TRUE`/`FALSE` rather than
    /// bound parameters, so the planner can match partial indexes on the marker.
    pub(crate) fn live_in(&self, table: &'static str) -> Expr {
        let column = self.column_in(table);
        match self.style {
            MarkerStyle::Timestamp => column.is_null(),
            MarkerStyle::Bool => column.eq(Expr::Constant(Value::Bool(Some(false)))),
        }
    }

    /// The condition "this row of `table` is trashed".
    pub(crate) fn trashed_in(&self, table: &'static str) -> Expr {
        let column = self.column_in(table);
        match self.style {
            MarkerStyle::Timestamp => column.is_not_null(),
            MarkerStyle::Bool => column.eq(Expr::Constant(Value::Bool(Some(true)))),
        }
    }

    /// The value that marks a row deleted at `at`.
    pub(crate) fn deleted_value(&self, at: DateTime<Utc>) -> Expr {
        match self.style {
            MarkerStyle::Timestamp => Expr::Value(self.time_value(at)),
            MarkerStyle::Bool => Expr::Constant(Value::Bool(Some(true))),
        }
    }

    /// The value that marks a row live.
    pub(crate) fn live_value(&self) -> Expr {
        match self.style {
            MarkerStyle::Timestamp => Expr::Value(self.null_time_value()),
            MarkerStyle::Bool => Expr::Constant(Value::Bool(Some(false))),
        }
    }

    /// `at` as a bound value of the column's type: `naive_utc()` for columns
    /// without time zone, so they hold UTC whatever the session's zone.
    pub(crate) fn time_value(&self, at: DateTime<Utc>) -> Value {
        if self.with_time_zone {
            Value::ChronoDateTimeUtc(Some(at))
        } else {
            Value::ChronoDateTime(Some(at.naive_utc()))
        }
    }

    /// A typed `NULL`, so drivers that bind by type (PostgreSQL) see a timestamp.
    fn null_time_value(&self) -> Value {
        if self.with_time_zone {
            Value::ChronoDateTimeUtc(None)
        } else {
            Value::ChronoDateTime(None)
        }
    }
}

/// A field type that can hold a soft-delete marker; the derive calls
/// [`is_trashed`](MarkerField::is_trashed) on the marker field.
pub trait MarkerField {
    /// Whether this value marks its row as deleted.
    fn is_trashed(&self) -> bool;
}

/// A field type that can hold a `style = "timestamp"` marker.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a `style = \"timestamp\"` marker",
    label = "a timestamp marker must be `Option<DateTime<Utc>>` or `Option<NaiveDateTime>`",
    note = "change the field's type to `Option<chrono::DateTime<chrono::Utc>>` (or `Option<chrono::NaiveDateTime>` holding UTC), or use `style = \"bool\"` with a `bool` field"
)]
pub trait TimestampField: MarkerField {
    /// Whether the SQL column has a time zone (`DateTime<Utc>`) or holds naive
    /// UTC (`NaiveDateTime`).
    const WITH_TIME_ZONE: bool;
}

/// A field type that can hold a `style = "bool"` marker.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a `style = \"bool\"` marker",
    label = "a bool marker must be `bool`",
    note = "change the field's type to `bool`, or use `style = \"timestamp\"` with an `Option<chrono::DateTime<chrono::Utc>>` field"
)]
pub trait BoolField: MarkerField {}

impl MarkerField for Option<DateTime<Utc>> {
    fn is_trashed(&self) -> bool {
        self.is_some()
    }
}

impl TimestampField for Option<DateTime<Utc>> {
    const WITH_TIME_ZONE: bool = true;
}

impl MarkerField for Option<NaiveDateTime> {
    fn is_trashed(&self) -> bool {
        self.is_some()
    }
}

impl TimestampField for Option<NaiveDateTime> {
    const WITH_TIME_ZONE: bool = false;
}

impl MarkerField for bool {
    fn is_trashed(&self) -> bool {
        *self
    }
}

impl BoolField for bool {}
