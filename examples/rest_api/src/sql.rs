//! The SQL of `rest_api_by_hand`, written by hand: the statements
//! `soft_delete` renders for the service (`benches/rest_load.rs` checks that
//! they are the same, text for text, on all three databases, and
//! `tests/test_rest_served.rs` checks [`Sql::title_holder`]), but for
//! [`Sql::restore_holder`], the twin's own way to create-or-restore. Written once
//! in SQLite's form; [`Sql::new`] gives them MySQL's backquotes or
//! PostgreSQL's `$n` placeholders at start-up, so that each is a
//! `&'static str` for the life of the process, as a constant would be.

/// The three SQL dialects of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Sqlite,
    Postgres,
    MySql,
}

/// The SQL of every database operation of the service, for one dialect.
/// The arrays are by trash mode: live rows, all rows, trashed rows.
#[derive(Debug)]
pub struct Sql {
    /// A page: `LIMIT ?`.
    pub page: [&'static str; 3],
    /// A page after an id: `id > ?`, `LIMIT ?`.
    pub page_after: [&'static str; 3],
    /// One row: `id = ?`.
    pub find: [&'static str; 3],
    /// `title`, `body`; `RETURNING` the row but on MySQL.
    pub insert: &'static str,
    /// MySQL: the row the insert made, in the insert's transaction.
    pub inserted: &'static str,
    /// `title`, `id` (a live row).
    pub update_title: &'static str,
    /// `body`, `id` (a live row).
    pub update_body: &'static str,
    /// `title`, `body`, `id` (a live row).
    pub update_both: &'static str,
    /// Soft delete: `deleted_at` (now), `id` (a live row).
    pub delete: &'static str,
    /// Restore: `deleted_at` (NULL), `id` (a trashed row).
    pub restore: &'static str,
    /// Hard delete: `id`.
    pub force_delete: &'static str,
    /// The post holding a title, the live one first, then the most recently
    /// trashed: `title`, `LIMIT ?` (1).
    pub title_holder: &'static str,
    /// Restore with new values: `title`, `body`, `deleted_at` (NULL), `id`
    /// (a trashed row).
    pub restore_holder: &'static str,
}

const SELECT: &str =
    r#"SELECT "posts"."id", "posts"."title", "posts"."body", "posts"."deleted_at" FROM "posts""#;
const RETURNING: &str = r#" RETURNING "id", "title", "body", "deleted_at""#;
const LIVE: &str = r#""posts"."deleted_at" IS NULL"#;
const TRASHED: &str = r#""posts"."deleted_at" IS NOT NULL"#;
const BY_ID: &str = r#" ORDER BY "posts"."id" ASC LIMIT ?"#;

impl Sql {
    /// The statements in `flavor`'s dialect.
    pub fn new(flavor: Flavor) -> Self {
        let returning = if flavor == Flavor::MySql {
            ""
        } else {
            RETURNING
        };
        let sql = |text: String| adapt(&text, flavor);
        Sql {
            page: [
                sql(format!("{SELECT} WHERE {LIVE}{BY_ID}")),
                sql(format!("{SELECT}{BY_ID}")),
                sql(format!("{SELECT} WHERE {TRASHED}{BY_ID}")),
            ],
            page_after: [
                sql(format!(
                    r#"{SELECT} WHERE {LIVE} AND "posts"."id" > ?{BY_ID}"#
                )),
                sql(format!(r#"{SELECT} WHERE "posts"."id" > ?{BY_ID}"#)),
                sql(format!(
                    r#"{SELECT} WHERE {TRASHED} AND "posts"."id" > ?{BY_ID}"#
                )),
            ],
            find: [
                sql(format!(r#"{SELECT} WHERE {LIVE} AND "posts"."id" = ?"#)),
                sql(format!(r#"{SELECT} WHERE "posts"."id" = ?"#)),
                sql(format!(r#"{SELECT} WHERE {TRASHED} AND "posts"."id" = ?"#)),
            ],
            insert: sql(format!(
                r#"INSERT INTO "posts" ("title", "body") VALUES (?, ?){returning}"#
            )),
            inserted: sql(format!(
                r#"{SELECT} WHERE "posts"."id" = (LAST_INSERT_ID())"#
            )),
            update_title: sql(format!(
                r#"UPDATE "posts" SET "title" = ? WHERE {LIVE} AND "posts"."id" = ?{returning}"#
            )),
            update_body: sql(format!(
                r#"UPDATE "posts" SET "body" = ? WHERE {LIVE} AND "posts"."id" = ?{returning}"#
            )),
            update_both: sql(format!(
                r#"UPDATE "posts" SET "title" = ?, "body" = ? WHERE {LIVE} AND "posts"."id" = ?{returning}"#
            )),
            delete: sql(format!(
                r#"UPDATE "posts" SET "deleted_at" = ? WHERE "posts"."id" = ? AND {LIVE}{returning}"#
            )),
            restore: sql(format!(
                r#"UPDATE "posts" SET "deleted_at" = ? WHERE "posts"."id" = ? AND {TRASHED}{returning}"#
            )),
            force_delete: sql(r#"DELETE FROM "posts" WHERE "posts"."id" = ?"#.to_owned()),
            title_holder: sql(format!(
                r#"{SELECT} WHERE "posts"."title" = ? ORDER BY "posts"."deleted_at" IS NOT NULL ASC, "posts"."deleted_at" DESC LIMIT ?"#
            )),
            restore_holder: sql(format!(
                r#"UPDATE "posts" SET "title" = ?, "body" = ?, "deleted_at" = ? WHERE "posts"."id" = ? AND {TRASHED}{returning}"#
            )),
        }
    }
}

/// `text` (SQLite's dialect) in `flavor`'s, kept for the life of the
/// process. None of the statements has a `"` or a `?` inside a literal.
fn adapt(text: &str, flavor: Flavor) -> &'static str {
    let adapted = match flavor {
        Flavor::Sqlite => text.to_owned(),
        Flavor::MySql => text.replace('"', "`"),
        Flavor::Postgres => {
            let mut numbered = String::with_capacity(text.len() + 8);
            for (n, part) in text.split('?').enumerate() {
                if n > 0 {
                    numbered.push('$');
                    numbered.push_str(&n.to_string());
                }
                numbered.push_str(part);
            }
            numbered
        }
    };
    // A dozen statements, made once per process.
    Box::leak(adapted.into_boxed_str())
}
