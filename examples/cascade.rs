//! Cascade soft delete and restore on an in-memory SQLite database: a post
//! with its comments, one comment trashed on its own first, the post and its
//! live comments trashed together in one transaction, then restored together
//! — and the comment trashed on its own stays in the trash.
//!
//! Run it with `cargo run --example cascade`.

use chrono::{DateTime, Utc};
use sea_query::{ColumnDef, Query, QueryStatementWriter, SqliteQueryBuilder, Table};
use sea_query_sqlx::SqlxBinder;
use soft_delete::{Backend, Schema, SoftDelete};
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{AssertSqlSafe, Row, SqliteConnection};

/// A comment on a post.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "comments")]
struct Comment {
    id: i64,
    post_id: i64,
    body: String,
    deleted_at: Option<DateTime<Utc>>,
}

/// A blog post; soft deleting it with a cascade trashes its live comments
/// at the same instant.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "posts", cascade(Comment = "post_id"))]
struct Post {
    id: i64,
    title: String,
    deleted_at: Option<DateTime<Utc>>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // One connection: every connection to `sqlite::memory:` is its own database.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await?;

    step("Create the tables: the marker column and a live-row index from the schema helpers");
    let posts = Table::create()
        .table(PostColumn::Table)
        .col(ColumnDef::new(PostColumn::Id).integer().primary_key())
        .col(ColumnDef::new(PostColumn::Title).string().not_null())
        .col(Schema::new(Backend::Sqlite).marker_column::<Post>())
        .to_owned();
    let comments = Table::create()
        .table(CommentColumn::Table)
        .col(ColumnDef::new(CommentColumn::Id).integer().primary_key())
        .col(ColumnDef::new(CommentColumn::PostId).integer().not_null())
        .col(ColumnDef::new(CommentColumn::Body).string().not_null())
        .col(Schema::new(Backend::Sqlite).marker_column::<Comment>())
        .to_owned();
    // The comments of a post, as a page lists them: only live rows indexed.
    let comments_of_post = Schema::new(Backend::Sqlite)
        .live_index::<Comment>(&[CommentColumn::PostId, CommentColumn::Id])?;
    for ddl in [
        Backend::Sqlite.render(&posts),
        Backend::Sqlite.render(&comments),
        Backend::Sqlite.render(&comments_of_post),
    ] {
        println!("    {ddl}");
        sqlx::query(AssertSqlSafe(ddl)).execute(&pool).await?;
    }

    step("Two posts; post 1 has three comments, post 2 one");
    let insert_posts = Query::insert()
        .into_table(PostColumn::Table)
        .columns([PostColumn::Id, PostColumn::Title])
        .values_panic([1.into(), "Soft delete, explained".into()])
        .values_panic([2.into(), "Another post".into()])
        .to_owned();
    let insert_comments = Query::insert()
        .into_table(CommentColumn::Table)
        .columns([
            CommentColumn::Id,
            CommentColumn::PostId,
            CommentColumn::Body,
        ])
        .values_panic([1.into(), 1.into(), "Great post".into()])
        .values_panic([2.into(), 1.into(), "Spam: buy now".into()])
        .values_panic([3.into(), 1.into(), "Typo in paragraph two".into()])
        .values_panic([4.into(), 2.into(), "On the other post".into()])
        .to_owned();
    let mut conn = pool.acquire().await?;
    execute(&mut conn, "insert posts", &insert_posts).await?;
    execute(&mut conn, "insert comments", &insert_comments).await?;
    show(&mut conn).await?;

    step("A moderator trashes the spam comment 2 on its own, just before the cascade");
    execute(
        &mut conn,
        "Comment::delete_by_id(2)",
        &Comment::delete_by_id(2),
    )
    .await?;

    step("Cascade soft delete of post 1: the post, then its live comments, in one transaction");
    // The comment trashed a moment ago holds a time in this very second: the
    // post is stamped two whole seconds later, so the two never compare equal.
    let statements = Post::cascade_delete_by_id(1, Backend::Sqlite);
    transaction(&mut conn, "Post::cascade_delete_by_id(1)", &statements).await?;
    show(&mut conn).await?;
    list_live(&mut conn).await?;

    step("Cascade restore of post 1: exactly the comments trashed with it, then the post");
    let statements = Post::cascade_restore_by_id(1);
    transaction(&mut conn, "Post::cascade_restore_by_id(1)", &statements).await?;
    show(&mut conn).await?;
    println!("\nComment 2 was trashed on its own before the cascade: it stays in the trash.");

    step("Restoring again changes nothing: the post is live");
    let statements = Post::cascade_restore_by_id(1);
    transaction(&mut conn, "Post::cascade_restore_by_id(1)", &statements).await?;

    Ok(())
}

fn step(title: &str) {
    println!("\n== {title}");
}

/// Runs a statement, printing its SQL (values inlined for reading) and the
/// number of rows it changed.
async fn execute<S: SqlxBinder + QueryStatementWriter>(
    conn: &mut SqliteConnection,
    label: &str,
    statement: &S,
) -> Result<u64, sqlx::Error> {
    let (sql, values) = statement.build_sqlx(SqliteQueryBuilder);
    let affected = sqlx::query_with(AssertSqlSafe(sql), values)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    println!(
        "{label}\n    {}\n    -> {affected} row(s) affected",
        statement.to_string(SqliteQueryBuilder)
    );
    Ok(affected)
}

/// Runs `statements` in order in one transaction: all of them or none.
async fn transaction<S: SqlxBinder + QueryStatementWriter>(
    conn: &mut SqliteConnection,
    label: &str,
    statements: &[S],
) -> Result<(), sqlx::Error> {
    use sqlx::Connection as _;
    println!("{label}: BEGIN");
    let mut tx = conn.begin().await?;
    for (index, statement) in statements.iter().enumerate() {
        execute(&mut tx, &format!("  statement {}", index + 1), statement).await?;
    }
    tx.commit().await?;
    println!("COMMIT");
    Ok(())
}

/// Every post and comment, live or trashed, with its stored marker.
async fn show(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    println!("Post::with_trashed()");
    for post in fetch_posts(conn, Post::with_trashed()).await? {
        println!(
            "    post #{} {:<26} {}",
            post.id,
            format!("{:?}", post.title),
            state(post.deleted_at)
        );
    }
    println!("Comment::with_trashed()");
    for comment in fetch_comments(conn, Comment::with_trashed()).await? {
        println!(
            "    comment #{} on post {} {:<24} {}",
            comment.id,
            comment.post_id,
            format!("{:?}", comment.body),
            state(comment.deleted_at)
        );
    }
    Ok(())
}

/// What users see: the live rows only.
async fn list_live(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let select = Comment::query();
    println!(
        "Comment::query()\n    {}",
        select.to_string(SqliteQueryBuilder)
    );
    for comment in fetch_comments(conn, select).await? {
        println!(
            "    comment #{} on post {} {:?}",
            comment.id, comment.post_id, comment.body
        );
    }
    Ok(())
}

fn state(deleted_at: Option<DateTime<Utc>>) -> String {
    deleted_at.map_or_else(
        || "live".to_owned(),
        |at| format!("trashed at {}", at.format("%Y-%m-%d %H:%M:%S%.6f UTC")),
    )
}

async fn fetch_posts(
    conn: &mut SqliteConnection,
    select: sea_query::SelectStatement,
) -> Result<Vec<Post>, sqlx::Error> {
    let (sql, values) = select.build_sqlx(SqliteQueryBuilder);
    let rows = sqlx::query_with(AssertSqlSafe(sql), values)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Post {
                id: row.try_get("id")?,
                title: row.try_get("title")?,
                deleted_at: row.try_get("deleted_at")?,
            })
        })
        .collect()
}

async fn fetch_comments(
    conn: &mut SqliteConnection,
    select: sea_query::SelectStatement,
) -> Result<Vec<Comment>, sqlx::Error> {
    let (sql, values) = select.build_sqlx(SqliteQueryBuilder);
    let rows = sqlx::query_with(AssertSqlSafe(sql), values)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Comment {
                id: row.try_get("id")?,
                post_id: row.try_get("post_id")?,
                body: row.try_get("body")?,
                deleted_at: row.try_get("deleted_at")?,
            })
        })
        .collect()
}
