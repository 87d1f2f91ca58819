//! Name conversions: struct names to table names, field names to variants,
//! and the `rename_all` cases of sqlx and SeaORM, which both convert with
//! `heck` 0.5: [`words`] follows its word splitting, so a column name here is
//! the one those derives read.

/// `BlogPost` → `blog_post`, `HTTPLog` → `http_log`, `Post2` → `post2`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut snake = String::with_capacity(name.len() + 4);
    for (index, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && index > 0 {
            let previous = chars[index - 1];
            let next_is_lower = chars.get(index + 1).is_some_and(|n| n.is_lowercase());
            // A new word starts after a lowercase letter or digit, or at the
            // last capital of an acronym followed by lowercase (`HTTPLog`).
            if previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next_is_lower)
            {
                snake.push('_');
            }
        }
        snake.extend(c.to_lowercase());
    }
    snake
}

/// `author_id` → `AuthorId`, `url2` → `Url2`, `_private` → `Private`.
pub fn pascal_case(name: &str) -> String {
    name.split('_')
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// A case a `rename_all` converts field names to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Case {
    /// `lowercase`: the whole name lowercased, no word splitting.
    Lower,
    /// `UPPERCASE`: the whole name uppercased, no word splitting.
    Upper,
    /// `snake_case`
    Snake,
    /// `SCREAMING_SNAKE_CASE`
    ScreamingSnake,
    /// `kebab-case`
    Kebab,
    /// `SCREAMING-KEBAB-CASE` (SeaORM only)
    ScreamingKebab,
    /// `camelCase`
    Camel,
    /// `PascalCase`
    Pascal,
    /// `title_case`: `Title Case` (SeaORM only)
    Title,
}

/// The values of sqlx's `#[sqlx(rename_all = "...")]` (sqlx-macros-core 0.9,
/// `derives/attributes.rs`), in the order its error lists them.
pub const SQLX_CASES: &[(&str, Case)] = &[
    ("lowercase", Case::Lower),
    ("snake_case", Case::Snake),
    ("UPPERCASE", Case::Upper),
    ("SCREAMING_SNAKE_CASE", Case::ScreamingSnake),
    ("kebab-case", Case::Kebab),
    ("camelCase", Case::Camel),
    ("PascalCase", Case::Pascal),
];

/// The values of SeaORM's `rename_all` and `column_name_case`
/// (`sea-orm-macros`, `derives/case_style.rs`), aliases included: its
/// `camel_case` is `PascalCase`, and `mixed_case` is `camelCase`.
pub const SEA_ORM_CASES: &[(&str, Case)] = &[
    ("camelCase", Case::Camel),
    ("PascalCase", Case::Pascal),
    ("kebab-case", Case::Kebab),
    ("snake_case", Case::Snake),
    ("SCREAMING_SNAKE_CASE", Case::ScreamingSnake),
    ("SCREAMING-KEBAB-CASE", Case::ScreamingKebab),
    ("lowercase", Case::Lower),
    ("UPPERCASE", Case::Upper),
    ("title_case", Case::Title),
    ("mixed_case", Case::Camel),
    ("camel_case", Case::Pascal),
    ("snek_case", Case::Snake),
    ("kebab_case", Case::Kebab),
    ("shouty_snake_case", Case::ScreamingSnake),
    ("shouty_snek_case", Case::ScreamingSnake),
];

impl Case {
    /// `name` in this case, as `heck` 0.5 writes it.
    pub fn apply(self, name: &str) -> String {
        let words = words(name);
        match self {
            Case::Lower => name.to_lowercase(),
            Case::Upper => name.to_uppercase(),
            Case::Snake => join(&words, "_", |_, word| lowercase(word)),
            Case::ScreamingSnake => join(&words, "_", |_, word| word.to_uppercase()),
            Case::Kebab => join(&words, "-", |_, word| lowercase(word)),
            Case::ScreamingKebab => join(&words, "-", |_, word| lowercase(word)).to_uppercase(),
            Case::Camel => join(&words, "", |index, word| {
                if index == 0 {
                    lowercase(word)
                } else {
                    capitalize(word)
                }
            }),
            Case::Pascal => join(&words, "", |_, word| capitalize(word)),
            Case::Title => join(&words, " ", |_, word| capitalize(word)),
        }
    }
}

fn join(words: &[&str], separator: &str, each: impl Fn(usize, &str) -> String) -> String {
    words
        .iter()
        .enumerate()
        .map(|(index, word)| each(index, word))
        .collect::<Vec<_>>()
        .join(separator)
}

/// The words of `name` as `heck` splits them: at every character that is not
/// alphanumeric, before an uppercase letter that follows a lowercase one
/// (`fooBar`), and before the last capital of a run followed by a lowercase
/// letter (`HTTPServer` → `HTTP`, `Server`). Digits stay in their word.
pub fn words(name: &str) -> Vec<&str> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lowercase,
        Uppercase,
    }
    let mut words = Vec::new();
    for part in name.split(|c: char| !c.is_alphanumeric()) {
        let mut chars = part.char_indices().peekable();
        let mut start = 0;
        let mut mode = Mode::Boundary;
        while let Some((index, c)) = chars.next() {
            let Some(&(next_index, next)) = chars.peek() else {
                words.push(&part[start..]);
                break;
            };
            let next_mode = if c.is_lowercase() {
                Mode::Lowercase
            } else if c.is_uppercase() {
                Mode::Uppercase
            } else {
                mode
            };
            if next_mode == Mode::Lowercase && next.is_uppercase() {
                words.push(&part[start..next_index]);
                start = next_index;
                mode = Mode::Boundary;
            } else if mode == Mode::Uppercase && c.is_uppercase() && next.is_lowercase() {
                words.push(&part[start..index]);
                start = index;
                mode = Mode::Boundary;
            } else {
                mode = next_mode;
            }
        }
    }
    words
}

/// Lowercase, with a final `Σ` as `ς` (as `heck` writes it).
fn lowercase(word: &str) -> String {
    let mut lower = String::with_capacity(word.len());
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c == 'Σ' && chars.peek().is_none() {
            lower.push('ς');
        } else {
            lower.extend(c.to_lowercase());
        }
    }
    lower
}

/// The first letter uppercase, the rest lowercase.
fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first
            .to_uppercase()
            .chain(lowercase(chars.as_str()).chars())
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_of_struct_names() {
        for (name, expected) in [
            ("Post", "post"),
            ("BlogPost", "blog_post"),
            ("HTTPLog", "http_log"),
            ("Post2", "post2"),
            ("Post2Tag", "post2_tag"),
            ("post", "post"),
            ("ABC", "abc"),
        ] {
            assert_eq!(snake_case(name), expected, "{name}");
        }
    }

    #[test]
    fn pascal_case_of_field_names() {
        for (name, expected) in [
            ("id", "Id"),
            ("author_id", "AuthorId"),
            ("deleted_at", "DeletedAt"),
            ("url2", "Url2"),
            ("_private", "Private"),
            ("a__b", "AB"),
            ("camelCase", "CamelCase"),
        ] {
            assert_eq!(pascal_case(name), expected, "{name}");
        }
    }

    /// The port of `heck` gives what `heck` 0.5 itself gives, on the names a
    /// field can have and on the awkward ones (acronyms, digits, leading and
    /// doubled underscores, non-ASCII).
    #[test]
    fn cases_match_heck() {
        use heck::{
            ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase,
            ToUpperCamelCase,
        };
        let names = [
            "id",
            "author_id",
            "deleted_at",
            "url2",
            "_private",
            "a__b",
            "camelCase",
            "PascalCase",
            "HTTPServer",
            "http_server_v2",
            "v2_api",
            "x",
            "",
            "_",
            "__a__",
            "already-kebab",
            "SCREAMING_SNAKE",
            "mixedUP_case",
            "ĺéçà_ünï",
            "ΣΑΣ_ΟΔΟΣ",
            "a1B2c3",
            "ABCdef",
            "abcDEF",
            "123abc",
            "userID",
            "is_deleted",
        ];
        for name in names {
            assert_eq!(Case::Snake.apply(name), name.to_snake_case(), "{name}");
            assert_eq!(
                Case::ScreamingSnake.apply(name),
                name.to_shouty_snake_case(),
                "{name}"
            );
            assert_eq!(Case::Kebab.apply(name), name.to_kebab_case(), "{name}");
            assert_eq!(
                Case::ScreamingKebab.apply(name),
                name.to_kebab_case().to_uppercase(),
                "{name}"
            );
            assert_eq!(
                Case::Camel.apply(name),
                name.to_lower_camel_case(),
                "{name}"
            );
            assert_eq!(
                Case::Pascal.apply(name),
                name.to_upper_camel_case(),
                "{name}"
            );
            assert_eq!(Case::Title.apply(name), name.to_title_case(), "{name}");
            assert_eq!(Case::Lower.apply(name), name.to_lowercase(), "{name}");
            assert_eq!(Case::Upper.apply(name), name.to_uppercase(), "{name}");
        }
    }

    #[test]
    fn sqlx_cases_are_sqlx_s_seven() {
        let names: Vec<&str> = SQLX_CASES.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names,
            [
                "lowercase",
                "snake_case",
                "UPPERCASE",
                "SCREAMING_SNAKE_CASE",
                "kebab-case",
                "camelCase",
                "PascalCase"
            ]
        );
        assert_eq!(Case::Camel.apply("created_at"), "createdAt");
        assert_eq!(Case::Pascal.apply("created_at"), "CreatedAt");
        assert_eq!(Case::Kebab.apply("created_at"), "created-at");
        assert_eq!(Case::ScreamingSnake.apply("created_at"), "CREATED_AT");
        assert_eq!(Case::Upper.apply("created_at"), "CREATED_AT");
        assert_eq!(Case::Lower.apply("createdAt"), "createdat");
        assert_eq!(Case::Snake.apply("createdAt"), "created_at");
    }
}
