//! The model and the hand-written statements shared by `benches/statements.rs`
//! (criterion timings) and `benches/statement_costs.rs` (instructions and
//! allocations): both compare the same derived and hand-written statements.

use chrono::{DateTime, Utc};
use sea_query::{
    DeleteStatement, Expr, ExprTrait, PostgresQueryBuilder, Query, QueryStatementWriter,
    SelectStatement, UpdateStatement, Value,
};
use soft_delete::{Backend, SoftDelete};

/// A model of typical width: six columns, a timestamp marker.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "posts")]
#[allow(dead_code)]
pub struct Post {
    id: i64,
    title: String,
    body: String,
    author_id: i64,
    created_at: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
}

/// The same statements, written by hand the efficient way: one builder, no
/// clone at the end.
pub mod hand_written {
    use super::{
        DateTime, DeleteStatement, Expr, ExprTrait, Query, SelectStatement, UpdateStatement, Utc,
        Value,
    };

    const COLUMNS: [(&str, &str); 6] = [
        ("posts", "id"),
        ("posts", "title"),
        ("posts", "body"),
        ("posts", "author_id"),
        ("posts", "created_at"),
        ("posts", "deleted_at"),
    ];

    pub fn query() -> SelectStatement {
        let mut select = Query::select();
        select
            .columns(COLUMNS)
            .from("posts")
            .and_where(Expr::col(("posts", "deleted_at")).is_null());
        select
    }

    pub fn find(id: i64) -> SelectStatement {
        let mut select = query();
        select.and_where(Expr::col(("posts", "id")).eq(id));
        select
    }

    pub fn delete_by_id(id: i64) -> UpdateStatement {
        let mut update = Query::update();
        update
            .table("posts")
            .value("deleted_at", Utc::now())
            .and_where(Expr::col(("posts", "id")).eq(id))
            .and_where(Expr::col(("posts", "deleted_at")).is_null());
        update
    }

    pub fn restore_by_id(id: i64) -> UpdateStatement {
        let mut update = Query::update();
        update
            .table("posts")
            .value("deleted_at", Value::ChronoDateTimeUtc(None))
            .and_where(Expr::col(("posts", "id")).eq(id))
            .and_where(Expr::col(("posts", "deleted_at")).is_not_null());
        update
    }

    pub fn purge_trashed_before(cutoff: DateTime<Utc>) -> DeleteStatement {
        let mut delete = Query::delete();
        delete
            .from_table("posts")
            .and_where(Expr::col(("posts", "deleted_at")).is_not_null())
            .and_where(Expr::col(("posts", "deleted_at")).lt(cutoff));
        delete
    }
}

/// The writes as sea-query's documentation writes them: one chain ended by
/// `.to_owned()`, which clones the statement the chain built. Not the
/// baseline; shown beside it because the library builds its writes this way.
pub mod hand_written_to_owned {
    use super::{DateTime, DeleteStatement, Expr, ExprTrait, Query, UpdateStatement, Utc, Value};

    pub fn delete_by_id(id: i64) -> UpdateStatement {
        Query::update()
            .table("posts")
            .value("deleted_at", Utc::now())
            .and_where(Expr::col(("posts", "id")).eq(id))
            .and_where(Expr::col(("posts", "deleted_at")).is_null())
            .to_owned()
    }

    pub fn restore_by_id(id: i64) -> UpdateStatement {
        Query::update()
            .table("posts")
            .value("deleted_at", Value::ChronoDateTimeUtc(None))
            .and_where(Expr::col(("posts", "id")).eq(id))
            .and_where(Expr::col(("posts", "deleted_at")).is_not_null())
            .to_owned()
    }

    pub fn purge_trashed_before(cutoff: DateTime<Utc>) -> DeleteStatement {
        Query::delete()
            .from_table("posts")
            .and_where(Expr::col(("posts", "deleted_at")).is_not_null())
            .and_where(Expr::col(("posts", "deleted_at")).lt(cutoff))
            .to_owned()
    }
}

pub fn cutoff() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default()
}

/// Both sides must render the same SQL, or the comparison means nothing.
/// `delete_by_id` binds "now", which differs between two calls: its SQL text
/// is compared, and its values by type and count.
pub fn assert_same_statements() {
    fn same(name: &str, derived: &impl QueryStatementWriter, hand: &impl QueryStatementWriter) {
        let (derived_sql, derived_values) = derived.build(PostgresQueryBuilder);
        let (hand_sql, hand_values) = hand.build(PostgresQueryBuilder);
        assert_eq!(derived_sql, hand_sql, "{name}: the SQL differs");
        assert_eq!(
            derived_values.0.len(),
            hand_values.0.len(),
            "{name}: the values differ"
        );
        if name != "delete_by_id" {
            assert_eq!(derived_values, hand_values, "{name}: the values differ");
            assert_eq!(
                derived.to_string(PostgresQueryBuilder),
                hand.to_string(PostgresQueryBuilder),
                "{name}: the SQL differs"
            );
        }
    }
    same("query", &Post::query(), &hand_written::query());
    same("find", &Post::find(7), &hand_written::find(7));
    same(
        "delete_by_id",
        &Post::delete_by_id(7),
        &hand_written::delete_by_id(7),
    );
    same(
        "restore_by_id",
        &Post::restore_by_id(7),
        &hand_written::restore_by_id(7),
    );
    same(
        "purge_trashed_before",
        &Post::purge_trashed_before(cutoff(), Backend::Postgres),
        &hand_written::purge_trashed_before(cutoff()),
    );
    same(
        "delete_by_id",
        &Post::delete_by_id(7),
        &hand_written_to_owned::delete_by_id(7),
    );
    same(
        "restore_by_id",
        &Post::restore_by_id(7),
        &hand_written_to_owned::restore_by_id(7),
    );
    same(
        "purge_trashed_before",
        &Post::purge_trashed_before(cutoff(), Backend::Postgres),
        &hand_written_to_owned::purge_trashed_before(cutoff()),
    );
}
