//! Name conversions: struct names to table names, field names to variants.

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
}
