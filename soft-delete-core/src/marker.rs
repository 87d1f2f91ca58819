//! The marker column: how a model records that a row is deleted, and the SQL
//! expressions that read and write it.

use chrono::{DateTime, NaiveDateTime, Utc};
use sea_query::{Expr, ExprTrait, Keyword, Value};

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
    /// Unix seconds in an integer: `0` while the row is live, the second of
    /// deletion once it is trashed. The field is `i64`. Because live rows all
    /// hold `0`, a plain composite unique index over `(key, marker)` keeps
    /// keys unique among live rows on every database.
    Unix,
    /// An "active" flag, the inverse of [`Bool`](MarkerStyle::Bool): `TRUE`
    /// while the row is live, `FALSE` once it is trashed (Hibernate's
    /// `@SoftDelete(strategy = ACTIVE)`, many existing `is_active` columns).
    /// The field is `bool`.
    Active,
}

/// Whose clock says "now" when a row is soft deleted.
///
/// ```
/// use soft_delete_core::{Clock, Marker};
///
/// assert_eq!(Marker::timestamp("deleted_at").clock, Clock::Application);
/// assert_eq!(
///     Marker::timestamp("deleted_at").with_clock(Clock::Database).clock,
///     Clock::Database
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Clock {
    /// `chrono::Utc::now()` on the application server, bound as a parameter.
    #[default]
    Application,
    /// The database's `CURRENT_TIMESTAMP`, so every application server
    /// records deletions on one clock (`now = "database"` in the derive).
    /// Timestamp style only. `CURRENT_TIMESTAMP` is in the session's time
    /// zone on MySQL/MariaDB and, for a `TIMESTAMP WITHOUT TIME ZONE` column,
    /// on PostgreSQL: keep those sessions in UTC (sqlx's MySQL default).
    Database,
}

/// The marker column of a model: its SQL name, how it stores deletion, and
/// what else a soft delete writes.
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
/// assert_eq!(MARKER.deleted_by, None);
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
    /// SQL name of the column that records who deleted the row, if any
    /// (`deleted_by = "..."` in the derive): set by the `_as` soft deletes,
    /// cleared by restores.
    pub deleted_by: Option<&'static str>,
    /// Whose clock stamps a soft delete.
    pub clock: Clock,
    /// The column every soft delete and restore also sets to its instant, if
    /// any (`updated_at = "..."` in the derive).
    pub updated_at: Option<UpdatedAt>,
    /// SQL name of the column a cascade stamps with its own deletion id on
    /// every row it trashes, if any (`cascade_id = "..."` in the derive):
    /// cascade restores bring back exactly the rows holding that id, under
    /// any clock. Own soft deletes and restores set it to `NULL`.
    pub cascade_id: Option<&'static str>,
}

/// A column that soft deletes and restores touch: set to the instant of the
/// change, on the marker's [`Clock`], in the same `UPDATE`.
///
/// ```
/// use soft_delete_core::Marker;
///
/// const MARKER: Marker = Marker::timestamp("deleted_at").with_updated_at("updated_at", true);
/// let updated_at = MARKER.updated_at.unwrap();
/// assert_eq!(updated_at.column, "updated_at");
/// assert!(updated_at.with_time_zone);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct UpdatedAt {
    /// SQL name of the column.
    pub column: &'static str,
    /// `true` for a timestamp with time zone (a `DateTime<Utc>` field),
    /// `false` for one holding UTC without zone (a `NaiveDateTime` field).
    pub with_time_zone: bool,
}

/// A point in time a soft delete records.
#[derive(Clone, Copy)]
pub(crate) enum When {
    /// Now, on the model's [`Clock`].
    Now,
    /// A given instant.
    At(DateTime<Utc>),
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
        Marker::new(column, MarkerStyle::Timestamp, true)
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
        Marker::new(column, MarkerStyle::Timestamp, false)
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
        Marker::new(column, MarkerStyle::Bool, false)
    }

    /// An active-flag marker (`bool` field, `TRUE` while live).
    ///
    /// ```
    /// use soft_delete_core::{Marker, MarkerStyle};
    ///
    /// assert_eq!(Marker::active("is_active").style, MarkerStyle::Active);
    /// ```
    #[must_use]
    pub const fn active(column: &'static str) -> Self {
        Marker::new(column, MarkerStyle::Active, false)
    }

    /// A Unix-seconds marker (`i64` field, `0` while live).
    ///
    /// ```
    /// use soft_delete_core::{Marker, MarkerStyle};
    ///
    /// assert_eq!(Marker::unix("deleted_at").style, MarkerStyle::Unix);
    /// ```
    #[must_use]
    pub const fn unix(column: &'static str) -> Self {
        Marker::new(column, MarkerStyle::Unix, false)
    }

    const fn new(column: &'static str, style: MarkerStyle, with_time_zone: bool) -> Self {
        Marker {
            column,
            style,
            with_time_zone,
            deleted_by: None,
            clock: Clock::Application,
            updated_at: None,
            cascade_id: None,
        }
    }

    /// This marker, with a column recording who deleted the row.
    ///
    /// ```
    /// use soft_delete_core::Marker;
    ///
    /// let marker = Marker::timestamp("deleted_at").with_deleted_by("deleted_by");
    /// assert_eq!(marker.deleted_by, Some("deleted_by"));
    /// ```
    #[must_use]
    pub const fn with_deleted_by(mut self, column: &'static str) -> Self {
        self.deleted_by = Some(column);
        self
    }

    /// This marker, with a column that every soft delete and restore also
    /// sets to its instant (`with_time_zone`: the column is a timestamp with
    /// time zone rather than one holding UTC without zone).
    ///
    /// ```
    /// use soft_delete_core::Marker;
    ///
    /// let marker = Marker::bool("is_deleted").with_updated_at("updated_at", false);
    /// assert_eq!(marker.updated_at.map(|touched| touched.column), Some("updated_at"));
    /// ```
    #[must_use]
    pub const fn with_updated_at(mut self, column: &'static str, with_time_zone: bool) -> Self {
        self.updated_at = Some(UpdatedAt {
            column,
            with_time_zone,
        });
        self
    }

    /// This marker, with a column holding the deletion id of the cascade that
    /// trashed the row.
    ///
    /// ```
    /// use soft_delete_core::Marker;
    ///
    /// let marker = Marker::timestamp("deleted_at").with_cascade_id("deletion_id");
    /// assert_eq!(marker.cascade_id, Some("deletion_id"));
    /// ```
    #[must_use]
    pub const fn with_cascade_id(mut self, column: &'static str) -> Self {
        self.cascade_id = Some(column);
        self
    }

    /// This marker, stamped by `clock`. Only the timestamp style can take the
    /// database clock; other styles keep [`Clock::Application`].
    ///
    /// ```
    /// use soft_delete_core::{Clock, Marker};
    ///
    /// const MARKER: Marker = Marker::timestamp("deleted_at").with_clock(Clock::Database);
    /// assert_eq!(MARKER.clock, Clock::Database);
    /// ```
    #[must_use]
    pub const fn with_clock(mut self, clock: Clock) -> Self {
        // Bool markers hold no time, and Unix seconds have no neutral SQL for
        // "now": those keep the application clock (the derive rejects the
        // combination with a span).
        if let MarkerStyle::Timestamp = self.style {
            self.clock = clock;
        }
        self
    }

    /// The marker column, qualified by `table` so it stays unambiguous in joins.
    pub(crate) fn column_in(&self, table: &'static str) -> Expr {
        Expr::col((table, self.column))
    }

    /// The condition "the row is live", on `column` (qualified or not).
    ///
    /// Booleans and the Unix `0` are constants rather than bound parameters,
    /// so the planner can match partial indexes on the marker.
    pub(crate) fn live(&self, column: Expr) -> Expr {
        match self.style {
            MarkerStyle::Timestamp => column.is_null(),
            MarkerStyle::Bool => column.eq(Expr::Constant(Value::Bool(Some(false)))),
            MarkerStyle::Unix => column.eq(Expr::Constant(Value::BigInt(Some(0)))),
            MarkerStyle::Active => column.eq(Expr::Constant(Value::Bool(Some(true)))),
        }
    }

    /// The condition "the row is trashed", on `column` (qualified or not).
    pub(crate) fn trashed(&self, column: Expr) -> Expr {
        match self.style {
            MarkerStyle::Timestamp => column.is_not_null(),
            MarkerStyle::Bool => column.eq(Expr::Constant(Value::Bool(Some(true)))),
            MarkerStyle::Unix => column.ne(Expr::Constant(Value::BigInt(Some(0)))),
            MarkerStyle::Active => column.eq(Expr::Constant(Value::Bool(Some(false)))),
        }
    }

    /// The condition "this row of `table` is live".
    pub(crate) fn live_in(&self, table: &'static str) -> Expr {
        self.live(self.column_in(table))
    }

    /// The condition "this row of `table` is trashed".
    pub(crate) fn trashed_in(&self, table: &'static str) -> Expr {
        self.trashed(self.column_in(table))
    }

    /// The value that marks a row deleted `when`.
    pub(crate) fn deleted_value(&self, when: When) -> Expr {
        match (self.style, when, self.clock) {
            (MarkerStyle::Bool, _, _) => Expr::Constant(Value::Bool(Some(true))),
            (MarkerStyle::Active, _, _) => Expr::Constant(Value::Bool(Some(false))),
            (MarkerStyle::Timestamp, When::Now, Clock::Database) => {
                Expr::Keyword(Keyword::CurrentTimestamp)
            }
            (_, When::Now, _) => Expr::Value(self.time_value(Utc::now())),
            (_, When::At(at), _) => Expr::Value(self.time_value(at)),
        }
    }

    /// `when` resolved to one instant on the application clock, so the marker
    /// and `updated_at` get the same one; the database clock stays `Now`
    /// (`CURRENT_TIMESTAMP`, one value per statement).
    pub(crate) fn resolve(&self, when: When) -> When {
        match (when, self.clock) {
            (When::Now, Clock::Application) => When::At(Utc::now()),
            _ => when,
        }
    }

    /// The `updated_at` column and its value for a change made `when`, if
    /// the model has one.
    pub(crate) fn touched(&self, when: When) -> Option<(&'static str, Expr)> {
        let updated_at = self.updated_at?;
        let value = match (when, self.clock) {
            (When::Now, Clock::Database) => Expr::Keyword(Keyword::CurrentTimestamp),
            (When::Now, Clock::Application) => Expr::Value(updated_at.value(Utc::now())),
            (When::At(at), _) => Expr::Value(updated_at.value(at)),
        };
        Some((updated_at.column, value))
    }

    /// The value that marks a row live.
    pub(crate) fn live_value(&self) -> Expr {
        match self.style {
            MarkerStyle::Timestamp => Expr::Value(self.null_time_value()),
            MarkerStyle::Bool => Expr::Constant(Value::Bool(Some(false))),
            MarkerStyle::Unix => Expr::Constant(Value::BigInt(Some(0))),
            MarkerStyle::Active => Expr::Constant(Value::Bool(Some(true))),
        }
    }

    /// `at` as a bound value of the column's type: `naive_utc()` for columns
    /// without time zone, so they hold UTC whatever the session's zone; whole
    /// seconds for the Unix style.
    pub(crate) fn time_value(&self, at: DateTime<Utc>) -> Value {
        match self.style {
            MarkerStyle::Unix => Value::BigInt(Some(at.timestamp())),
            _ if self.with_time_zone => Value::ChronoDateTimeUtc(Some(at)),
            _ => Value::ChronoDateTime(Some(at.naive_utc())),
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

impl UpdatedAt {
    /// `at` as a bound value of the column's type.
    fn value(self, at: DateTime<Utc>) -> Value {
        if self.with_time_zone {
            Value::ChronoDateTimeUtc(Some(at))
        } else {
            Value::ChronoDateTime(Some(at.naive_utc()))
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

    /// [`MarkerField::is_trashed`], which the derive calls through this
    /// trait, naming the field's type: a field of another type is then this
    /// trait's error at that type, and nothing else.
    #[doc(hidden)]
    #[inline]
    fn marker_is_trashed(field: &Self) -> bool {
        field.is_trashed()
    }
}

/// A field type that can hold a `style = "bool"` marker.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a `style = \"bool\"` marker",
    label = "a bool marker must be `bool`",
    note = "change the field's type to `bool`, or use `style = \"timestamp\"` with an `Option<chrono::DateTime<chrono::Utc>>` field"
)]
pub trait BoolField: MarkerField {
    /// [`MarkerField::is_trashed`], which the derive calls through this
    /// trait, naming the field's type: a field of another type is then this
    /// trait's error at that type, and nothing else.
    #[doc(hidden)]
    #[inline]
    fn marker_is_trashed(field: &Self) -> bool {
        field.is_trashed()
    }
}

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

/// A field type that can hold a `style = "active"` marker.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a `style = \"active\"` marker",
    label = "an active flag must be `bool`",
    note = "change the field's type to `bool` (TRUE while the row is live)"
)]
pub trait ActiveField {
    /// Whether the flag marks its row as deleted (`false`), called by the
    /// derive naming the field's type, as [`BoolField`]'s.
    #[doc(hidden)]
    fn marker_is_trashed(field: &Self) -> bool;
}

impl ActiveField for bool {
    #[inline]
    fn marker_is_trashed(field: &Self) -> bool {
        !*field
    }
}

/// A field type that can hold a `style = "unix"` marker.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a `style = \"unix\"` marker",
    label = "a Unix-seconds marker must be `i64`",
    note = "change the field's type to `i64` (0 while live), or use `style = \"timestamp\"` with an `Option<chrono::DateTime<chrono::Utc>>` field"
)]
pub trait UnixField: MarkerField {
    /// [`MarkerField::is_trashed`], which the derive calls through this
    /// trait, naming the field's type: a field of another type is then this
    /// trait's error at that type, and nothing else.
    #[doc(hidden)]
    #[inline]
    fn marker_is_trashed(field: &Self) -> bool {
        field.is_trashed()
    }
}

impl MarkerField for i64 {
    fn is_trashed(&self) -> bool {
        *self != 0
    }
}

impl UnixField for i64 {}

/// A field type that can record who deleted a row (`deleted_by = "..."`):
/// restores set it to `NULL`, so it must be an `Option`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold `deleted_by`: restores set it to NULL",
    label = "the `deleted_by` column must be an `Option<...>`",
    note = "change the field's type to an `Option`, such as `Option<i64>` or `Option<String>`"
)]
pub trait DeletedByField {
    /// Named by the derive as `<Type as DeletedByField>::CHECK`, spanned at
    /// the field's type: a wrong type is this trait's error there. (A bound
    /// on the model's impls would be a trivially false where clause, whose
    /// error ends in "see issue #48214".)
    #[doc(hidden)]
    const CHECK: () = ();
}

impl<T> DeletedByField for Option<T> {}

/// A field type that can hold `updated_at`: a timestamp, optional or not.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold `updated_at`: soft deletes and restores write a timestamp to it",
    label = "the `updated_at` column must be a timestamp",
    note = "change the field's type to `chrono::DateTime<chrono::Utc>` or `chrono::NaiveDateTime` holding UTC (either may be in an `Option`)"
)]
pub trait UpdatedAtField {
    /// Whether the SQL column has a time zone (`DateTime<Utc>`) or holds naive
    /// UTC (`NaiveDateTime`).
    const WITH_TIME_ZONE: bool;
}

impl UpdatedAtField for DateTime<Utc> {
    const WITH_TIME_ZONE: bool = true;
}

impl UpdatedAtField for NaiveDateTime {
    const WITH_TIME_ZONE: bool = false;
}

impl<F: UpdatedAtField> UpdatedAtField for Option<F> {
    const WITH_TIME_ZONE: bool = F::WITH_TIME_ZONE;
}

/// A field type that can hold `cascade_id`: the cascade's deletion id while
/// trashed by one, `NULL` otherwise.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold `cascade_id`: cascades write a 64-bit deletion id to it, and other writes NULL",
    label = "the `cascade_id` column must be an `Option<i64>`",
    note = "change the field's type to `Option<i64>` (a nullable BIGINT column)"
)]
pub trait CascadeIdField {
    /// Named by the derive as `<Type as CascadeIdField>::CHECK`, spanned at
    /// the field's type: a wrong type is this trait's error there. (A bound
    /// on the model's impls would be a trivially false where clause, whose
    /// error ends in "see issue #48214".)
    #[doc(hidden)]
    const CHECK: () = ();
}

impl CascadeIdField for Option<i64> {}
