//! `TrashMode`: which rows a query sees, and its text form for HTTP query strings.

use std::fmt;
use std::str::FromStr;

/// Which rows a query sees: the live ones (the default), all of them, or only
/// the trashed ones.
///
/// Its text form is `"without"`, `"with"` or `"only"`, so it can be read from a
/// query string such as `?trashed=only`.
///
/// ```
/// use soft_delete_core::TrashMode;
///
/// assert_eq!(TrashMode::default(), TrashMode::WithoutTrashed);
/// assert_eq!("only".parse::<TrashMode>(), Ok(TrashMode::OnlyTrashed));
/// assert_eq!(TrashMode::WithTrashed.to_string(), "with");
/// assert!("all".parse::<TrashMode>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TrashMode {
    /// Live rows only: what every query sees unless told otherwise.
    #[default]
    WithoutTrashed,
    /// Live and trashed rows alike.
    WithTrashed,
    /// Trashed rows only: the trash can.
    OnlyTrashed,
}

impl TrashMode {
    /// Every mode, in the order of their text forms `without`, `with`, `only`.
    ///
    /// ```
    /// use soft_delete_core::TrashMode;
    ///
    /// let names: Vec<&str> = TrashMode::ALL.iter().map(|mode| mode.as_str()).collect();
    /// assert_eq!(names, ["without", "with", "only"]);
    /// ```
    pub const ALL: [TrashMode; 3] = [
        TrashMode::WithoutTrashed,
        TrashMode::WithTrashed,
        TrashMode::OnlyTrashed,
    ];

    /// The text form: `"without"`, `"with"` or `"only"`.
    ///
    /// ```
    /// use soft_delete_core::TrashMode;
    ///
    /// assert_eq!(TrashMode::OnlyTrashed.as_str(), "only");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            TrashMode::WithoutTrashed => "without",
            TrashMode::WithTrashed => "with",
            TrashMode::OnlyTrashed => "only",
        }
    }
}

impl fmt::Display for TrashMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TrashMode {
    type Err = ParseTrashModeError;

    /// Reads `"without"`, `"with"` or `"only"`, exactly as written (no case
    /// folding, no surrounding spaces): a query string is machine input, and a
    /// typo should be an error, not a guess.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        TrashMode::ALL
            .into_iter()
            .find(|mode| mode.as_str() == text)
            .ok_or_else(|| ParseTrashModeError {
                input: text.to_owned(),
            })
    }
}

/// The error of parsing a [`TrashMode`] from text that is not one of
/// `"without"`, `"with"`, `"only"`. Its message names the accepted values.
///
/// ```
/// use soft_delete_core::TrashMode;
///
/// let error = "everything".parse::<TrashMode>().unwrap_err();
/// assert_eq!(error.input(), "everything");
/// assert_eq!(
///     error.to_string(),
///     "`everything` is not a trash mode; expected one of `without`, `with`, `only`"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseTrashModeError {
    input: String,
}

impl ParseTrashModeError {
    /// The text that was not a trash mode.
    ///
    /// ```
    /// use soft_delete_core::TrashMode;
    ///
    /// assert_eq!("All".parse::<TrashMode>().unwrap_err().input(), "All");
    /// ```
    #[must_use]
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ParseTrashModeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a trash mode; expected one of ", self.input)?;
        for (index, mode) in TrashMode::ALL.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{mode}`")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseTrashModeError {}

/// Serializes as the text form: `"without"`, `"with"` or `"only"` (feature
/// `serde`).
///
/// ```
/// use soft_delete_core::TrashMode;
///
/// fn to_json<T: serde::Serialize>(_: &T) {}
/// to_json(&TrashMode::OnlyTrashed); // `"only"`
/// ```
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl serde::Serialize for TrashMode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Reads the text form, as [`FromStr`]: axum's `Query<Params>` with a
/// `trashed: TrashMode` field takes `?trashed=only` (feature `serde`).
///
/// ```
/// use serde::de::value::{Error, StrDeserializer};
/// use serde::Deserialize as _;
/// use soft_delete_core::TrashMode;
///
/// let only = TrashMode::deserialize(StrDeserializer::<Error>::new("only"));
/// assert_eq!(only, Ok(TrashMode::OnlyTrashed));
/// let all = TrashMode::deserialize(StrDeserializer::<Error>::new("all"));
/// assert!(all.unwrap_err().to_string().contains("is not a trash mode"));
/// ```
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de> serde::Deserialize<'de> for TrashMode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;

        impl serde::de::Visitor<'_> for Text {
            type Value = TrashMode;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"without\", \"with\" or \"only\"")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<TrashMode, E> {
                text.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips() {
        for mode in TrashMode::ALL {
            assert_eq!(mode.to_string().parse::<TrashMode>(), Ok(mode));
        }
    }

    #[test]
    fn near_misses_are_errors() {
        for text in [
            "",
            "With",
            " with",
            "with ",
            "trashed",
            "all",
            "withtrashed",
        ] {
            let error = text.parse::<TrashMode>().unwrap_err();
            assert_eq!(error.input(), text);
            assert!(error.to_string().contains("`without`, `with`, `only`"));
        }
    }
}
