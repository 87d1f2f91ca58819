//! `unique(...)` and `retain = "..."`: the names and durations the derive
//! emits, the DDL of the declared keys pinned for the three backends, and
//! that DDL run on SQLite, where it keeps live rows unique and lets a trashed
//! row be duplicated.

use chrono::{DateTime, Utc};
use insta::assert_snapshot;
use soft_delete::{Backend, Retained, Schema, SoftDelete};

/// Two keys, one over a renamed field; trashed rows are kept 30 days.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(
    table = "accounts",
    unique(email),
    unique(tenant_id, slug),
    retain = "30 days"
)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub tenant_id: i64,
    #[soft_delete(rename = "handle")]
    pub slug: String,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Column names from sqlx's `rename_all`, and a raw field name.
#[derive(Debug, Clone, SoftDelete, sqlx::FromRow)]
#[sqlx(rename_all = "camelCase")]
#[soft_delete(table = "members", unique(tenant_id, r#type))]
pub struct Member {
    pub id: i64,
    pub tenant_id: i64,
    pub r#type: String,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A Unix-seconds marker, kept 12 hours.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "sessions", style = "unix", retain = "12 hours")]
pub struct Session {
    pub id: i64,
    pub deleted_at: i64,
}

/// The singular unit.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "tokens", retain = "1 minute")]
pub struct Token {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Neither attribute.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "plain")]
pub struct Plain {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Only `Retained` models compile here.
fn retention_of<T: Retained>() -> Option<u64> {
    T::RETAIN_SECONDS
}

#[test]
fn unique_holds_the_sql_names_in_the_order_written() {
    assert_eq!(
        Account::UNIQUE,
        [&["email"][..], &["tenant_id", "handle"][..]]
    );
    assert_eq!(Member::UNIQUE, [["tenantId", "type"]]);
    assert_eq!(
        Member::unique_indexes(Backend::Postgres),
        Schema::new(Backend::Postgres)
            .unique_among_live::<Member>(&[MemberColumn::TenantId, MemberColumn::Type])
            .unwrap()
    );
}

#[test]
fn retain_seconds_of_days_hours_and_minutes() {
    assert_eq!(Account::RETAIN_SECONDS, Some(2_592_000));
    assert_eq!(Session::RETAIN_SECONDS, Some(43_200));
    assert_eq!(Token::RETAIN_SECONDS, Some(60));
    assert_eq!(retention_of::<Account>(), Some(30 * 24 * 60 * 60));
    assert_eq!(retention_of::<Session>(), Some(12 * 60 * 60));
}

#[test]
fn a_model_without_the_attributes_has_neither() {
    assert!(Plain::UNIQUE.is_empty());
    assert_eq!(Plain::RETAIN_SECONDS, None);
    for backend in [Backend::Postgres, Backend::MySql, Backend::Sqlite] {
        assert!(Plain::unique_indexes(backend).is_empty());
    }
}

#[test]
fn unique_indexes_are_unique_among_live_of_each_key() {
    for backend in [Backend::Postgres, Backend::MySql, Backend::Sqlite] {
        let mut expected = Schema::new(backend)
            .unique_among_live::<Account>(&[AccountColumn::Email])
            .unwrap();
        expected.extend(
            Schema::new(backend)
                .unique_among_live::<Account>(&[AccountColumn::TenantId, AccountColumn::Slug])
                .unwrap(),
        );
        assert_eq!(Account::unique_indexes(backend), expected, "{backend:?}");
    }
}

#[test]
fn unique_indexes_sql() {
    let mut out = String::new();
    for (name, backend) in [
        ("PostgreSQL", Backend::Postgres),
        ("MySQL", Backend::MySql),
        ("SQLite", Backend::Sqlite),
    ] {
        out.push_str(&format!("-- {name}\n"));
        for statement in Account::unique_indexes(backend) {
            out.push_str(&statement);
            out.push('\n');
        }
    }
    assert_snapshot!("unique_indexes", out);
}

/// The DDL on SQLite: a second live row with a key's values is rejected, a
/// row duplicating a trashed one is accepted.
#[tokio::test]
async fn unique_indexes_keep_live_rows_unique_on_sqlite() -> Result<(), Box<dyn std::error::Error>>
{
    let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    sqlx::raw_sql(
        "CREATE TABLE accounts (
             id INTEGER PRIMARY KEY,
             email TEXT NOT NULL,
             tenant_id INTEGER NOT NULL,
             handle TEXT NOT NULL,
             deleted_at TEXT
         )",
    )
    .execute(&pool)
    .await?;
    for statement in Account::unique_indexes(Backend::Sqlite) {
        // Built from the model's own names, no user input.
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
            .execute(&pool)
            .await?;
    }
    let insert = |id: i64, email: &'static str, tenant_id: i64, handle: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query("INSERT INTO accounts (id, email, tenant_id, handle) VALUES (?, ?, ?, ?)")
                .bind(id)
                .bind(email)
                .bind(tenant_id)
                .bind(handle)
                .execute(&pool)
                .await
        }
    };
    let is_unique_violation = |result: Result<_, sqlx::Error>| match result {
        Err(sqlx::Error::Database(error)) => error.is_unique_violation(),
        _ => false,
    };
    insert(1, "a@example.com", 1, "ann").await?;
    // Each key on its own: the same email, and the same tenant and handle.
    assert!(is_unique_violation(
        insert(2, "a@example.com", 2, "bob").await
    ));
    assert!(is_unique_violation(
        insert(3, "b@example.com", 1, "ann").await
    ));
    // The same handle in another tenant is another key.
    insert(4, "c@example.com", 2, "ann").await?;

    sqlx::query("UPDATE accounts SET deleted_at = '2026-01-02 03:04:05' WHERE id = 1")
        .execute(&pool)
        .await?;
    insert(5, "a@example.com", 1, "ann").await?;
    let live: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM accounts WHERE email = 'a@example.com' AND deleted_at IS NULL",
    )
    .fetch_one(&pool)
    .await?;
    assert_eq!(live, 1);
    Ok(())
}
