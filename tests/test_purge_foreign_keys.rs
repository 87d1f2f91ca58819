//! Purge and erase in schemas with real foreign keys, on SQLite (foreign
//! keys on), PostgreSQL and MariaDB: `RESTRICT` (the default) and `ON DELETE
//! CASCADE`, a self-referencing model, a three-level tree with `cascade_id`,
//! and a reference the model does not declare. No purge ever removes a live
//! row; kept rows are counted and passed over; a second run removes nothing
//! more.

mod common;

use std::collections::BTreeSet;
use std::num::NonZeroU32;

use chrono::{DateTime, Duration, Utc};
use common::{Backend, Db};
use soft_delete::sqlx::{Dialect, Error, HookError, Hooks, Model, SoftDeleteExt};
use soft_delete::{PurgeProgress, SoftDelete};
use sqlx::{AssertSqlSafe, Pool};

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(
    table = "posts",
    cascade_id = "deletion_id",
    cascade(Comment = "post_id"),
    hooks = "EraseAudit"
)]
pub struct Post {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deletion_id: Option<i64>,
}

/// Replies are comments: `cascade(Self = "parent_id")`.
#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(
    table = "comments",
    cascade_id = "deletion_id",
    cascade(Self = "parent_id", Reaction = "comment_id")
)]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub parent_id: Option<i64>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deletion_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "reactions", cascade_id = "deletion_id")]
pub struct Reaction {
    pub id: i64,
    pub comment_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deletion_id: Option<i64>,
}

/// Writes an audit row before each erase; refuses to erase post 99.
pub struct EraseAudit;

macro_rules! erase_audit {
    ($database:ty, $connection:ty) => {
        impl Hooks<Post, $database> for EraseAudit {
            async fn before_erase(conn: &mut $connection, id: &i64) -> Result<(), HookError> {
                let sql = format!("INSERT INTO audit (event) VALUES ('erasing {id}')");
                sqlx::raw_sql(AssertSqlSafe(sql))
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }
            async fn after_erase(_conn: &mut $connection, id: &i64) -> Result<(), HookError> {
                if *id == 99 {
                    return Err("post 99 is under legal hold".into());
                }
                Ok(())
            }
        }
    };
}

erase_audit!(sqlx::Sqlite, sqlx::SqliteConnection);
erase_audit!(sqlx::Postgres, sqlx::PgConnection);
erase_audit!(sqlx::MySql, sqlx::MySqlConnection);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnDelete {
    Restrict,
    Cascade,
}

async fn schema(db: &Db, on_delete: OnDelete) {
    let (time, action) = (
        match db.backend() {
            Backend::Sqlite => "TEXT",
            Backend::Postgres => "TIMESTAMPTZ",
            Backend::MySql => "DATETIME(6)",
        },
        match on_delete {
            OnDelete::Restrict => "",
            OnDelete::Cascade => " ON DELETE CASCADE",
        },
    );
    for ddl in [
        format!("CREATE TABLE posts (id BIGINT PRIMARY KEY, deleted_at {time} NULL, deletion_id BIGINT NULL)"),
        format!("CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, parent_id BIGINT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL, FOREIGN KEY (post_id) REFERENCES posts (id){action}, FOREIGN KEY (parent_id) REFERENCES comments (id){action})"),
        format!("CREATE TABLE reactions (id BIGINT PRIMARY KEY, comment_id BIGINT NOT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL, FOREIGN KEY (comment_id) REFERENCES comments (id){action})"),
        "CREATE TABLE audit (event VARCHAR(100) NOT NULL)".to_owned(),
    ] {
        db.raw(&ddl).await;
    }
}

/// Post `p` has comment `p*10 + 1`, its reply `p*10 + 2`, the reply's reply
/// `p*10 + 3`, and a reaction `p*100 + 1` on the deepest reply.
async fn forest(db: &Db, posts: impl IntoIterator<Item = i64>) {
    for post in posts {
        db.raw(&format!("INSERT INTO posts (id) VALUES ({post})"))
            .await;
        let (a, b, c) = (post * 10 + 1, post * 10 + 2, post * 10 + 3);
        db.raw(&format!(
            "INSERT INTO comments (id, post_id, parent_id) VALUES ({a}, {post}, NULL)"
        ))
        .await;
        db.raw(&format!(
            "INSERT INTO comments (id, post_id, parent_id) VALUES ({b}, {post}, {a})"
        ))
        .await;
        db.raw(&format!(
            "INSERT INTO comments (id, post_id, parent_id) VALUES ({c}, {post}, {b})"
        ))
        .await;
        db.raw(&format!(
            "INSERT INTO reactions (id, comment_id) VALUES ({}, {c})",
            post * 100 + 1
        ))
        .await;
    }
}

/// Every `(table, id, trashed)` in the schema.
async fn rows<DB: Dialect>(pool: &Pool<DB>) -> BTreeSet<(&'static str, i64, bool)>
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    use soft_delete::TrashMode::WithTrashed;
    let mut rows = BTreeSet::new();
    for post in Post::on(pool).list(WithTrashed).await.expect("posts") {
        rows.insert(("posts", post.id, post.is_trashed()));
    }
    for comment in Comment::on(pool).list(WithTrashed).await.expect("comments") {
        rows.insert(("comments", comment.id, comment.is_trashed()));
    }
    for reaction in Reaction::on(pool)
        .list(WithTrashed)
        .await
        .expect("reactions")
    {
        rows.insert(("reactions", reaction.id, reaction.is_trashed()));
    }
    rows
}

fn live(rows: &BTreeSet<(&'static str, i64, bool)>) -> BTreeSet<(&'static str, i64)> {
    rows.iter()
        .filter(|(_, _, trashed)| !trashed)
        .map(|&(table, id, _)| (table, id))
        .collect()
}

/// Ten posts cascade-deleted long ago; in three of them (3, 6, 9) a
/// comment was then restored on its own by the application's own statement
/// (the library refuses to), and in post 6 a reaction too. A
/// purge in batches of `size` removes the seven free posts with their whole
/// subtrees, keeps the three, never touches a live row, and a second run
/// removes nothing more.
async fn purge_keeps_what_holds_a_live_row<DB: Dialect>(db: &Db, pool: &Pool<DB>, size: u32)
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let backend = db.backend();
    forest(db, 1..=10).await;
    let long_ago = Utc::now() - Duration::days(400);
    for post in 1..=10 {
        Post::on(pool)
            .cascade_delete(post)
            .await
            .expect("cascade delete")
            .expect("post was live");
    }
    // Back-date the deletions (the purge compares times).
    db.raw(&format!(
        "UPDATE posts SET deleted_at = {}",
        match backend {
            Backend::Sqlite => format!("'{}'", long_ago.format("%Y-%m-%d %H:%M:%S")),
            _ => format!("'{}'", long_ago.format("%Y-%m-%d %H:%M:%S")),
        }
    ))
    .await;
    // Members restored alone by a statement of the application's own (the
    // library refuses to: `Error::Cascaded`): live rows under trashed posts.
    for comment in [31, 62, 93] {
        let refused = Comment::on(pool).cascade_restore(comment).await;
        assert!(
            matches!(refused, Err(Error::Cascaded { table: "comments" })),
            "{backend}: {refused:?}"
        );
    }
    db.raw("UPDATE comments SET deleted_at = NULL, deletion_id = NULL WHERE id IN (31, 62, 93)")
        .await;
    let before = rows(pool).await;
    let live_before = live(&before);
    assert_eq!(live_before.len(), 3, "{backend}: {before:?}");

    let mut batches: Vec<PurgeProgress> = Vec::new();
    let purged = Post::on(pool)
        .purge_trashed_before(Utc::now() - Duration::days(30))
        .batch_size(NonZeroU32::new(size).expect("not 0"))
        .on_batch(|progress| batches.push(progress))
        .await
        .unwrap_or_else(|error| panic!("{backend}, batches of {size}: {error}"));
    assert_eq!(purged, 7, "{backend}, batches of {size}: {batches:?}");
    assert_eq!(
        batches.iter().map(|b| b.kept).sum::<u64>(),
        3,
        "{backend}, batches of {size}: {batches:?}"
    );
    let after = rows(pool).await;
    assert_eq!(live(&after), live_before, "{backend}: a live row went");
    let posts: BTreeSet<i64> = after
        .iter()
        .filter(|(table, ..)| *table == "posts")
        .map(|(_, id, _)| *id)
        .collect();
    assert_eq!(
        posts,
        BTreeSet::from([3, 6, 9]),
        "{backend}, batches of {size}"
    );
    // Nothing of the free posts' subtrees is left.
    for &(table, id, _) in &after {
        let post = match table {
            "posts" => id,
            "comments" => id / 10,
            _ => id / 100,
        };
        assert!(
            [3, 6, 9].contains(&post),
            "{backend}: {table} {id} of a purged post is left"
        );
    }
    let again = Post::on(pool)
        .purge_trashed_before(Utc::now() - Duration::days(30))
        .batch_size(NonZeroU32::new(size).expect("not 0"))
        .await
        .expect("second purge");
    assert_eq!(again, 0, "{backend}: a second run removes nothing more");
    assert_eq!(rows(pool).await, after, "{backend}");
}

macro_rules! on_each_backend {
    ($on_delete:expr, |$db:ident, $pool:ident| $body:expr) => {
        for backend in common::backends() {
            let $db = Db::connect(backend).await;
            schema(&$db, $on_delete).await;
            with_pool!($db, |$pool| $body)
        }
    };
}

#[tokio::test]
async fn restrict_purge_removes_the_free_and_keeps_the_held() {
    for size in [1, 2, 3, 1000] {
        on_each_backend!(OnDelete::Restrict, |db, pool| {
            purge_keeps_what_holds_a_live_row(&db, pool, size).await;
        });
    }
}

#[tokio::test]
async fn on_delete_cascade_purge_never_takes_a_live_row() {
    for size in [1, 4, 1000] {
        on_each_backend!(OnDelete::Cascade, |db, pool| {
            purge_keeps_what_holds_a_live_row(&db, pool, size).await;
        });
    }
}

/// A comment's own purge leaves the comments its post's cascade trashed:
/// they go with the post, so the post's cascade restore stays exact.
#[tokio::test]
async fn a_childs_own_purge_leaves_what_a_cascade_from_above_trashed() {
    on_each_backend!(OnDelete::Restrict, |db, pool| {
        let backend = db.backend();
        forest(&db, [1]).await;
        db.raw("INSERT INTO comments (id, post_id, parent_id) VALUES (19, 1, NULL)")
            .await;
        Comment::on(pool)
            .delete(19)
            .await
            .expect("delete")
            .expect("live");
        Post::on(pool)
            .cascade_delete(1)
            .await
            .expect("cascade")
            .expect("live");
        let purged = Comment::on(pool)
            .purge_trashed_before(Utc::now() + Duration::seconds(5))
            .await
            .expect("comment purge");
        assert_eq!(
            purged, 1,
            "{backend}: only comment 19, trashed on its own, goes"
        );
        let restored = Post::on(pool)
            .cascade_restore(1)
            .await
            .expect("restore")
            .expect("trashed");
        assert_eq!(restored.rows_in("comments"), 3, "{backend}");
        assert_eq!(restored.rows_in("reactions"), 1, "{backend}");
    });
}

/// A table the model declares no cascade into: its reference fails the
/// batch with `Error::Referenced`; the batches before it stay committed.
#[tokio::test]
async fn an_undeclared_reference_is_referenced_and_earlier_batches_stay() {
    on_each_backend!(OnDelete::Restrict, |db, pool| {
        let backend = db.backend();
        db.raw("CREATE TABLE bookmarks (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, FOREIGN KEY (post_id) REFERENCES posts (id))")
            .await;
        for post in 1..=4 {
            db.raw(&format!(
                "INSERT INTO posts (id, deleted_at) VALUES ({post}, '2020-01-0{post} 00:00:00')"
            ))
            .await;
        }
        db.raw("INSERT INTO bookmarks (id, post_id) VALUES (1, 3)")
            .await;
        let mut committed = 0;
        let error = Post::on(pool)
            .purge_trashed_before(Utc::now())
            .batch_size(NonZeroU32::new(2).expect("two"))
            .on_batch(|progress| committed += progress.deleted)
            .await
            .expect_err("post 3 is bookmarked");
        assert!(
            matches!(&error, Error::Referenced { table: "posts", .. }),
            "{backend}: {error:?}"
        );
        assert!(error.to_string().contains("declare"), "{backend}: {error}");
        assert_eq!(
            committed, 2,
            "{backend}: the first batch (posts 1, 2) committed"
        );
        let left: BTreeSet<i64> = rows(pool)
            .await
            .iter()
            .filter(|(table, ..)| *table == "posts")
            .map(|(_, id, _)| *id)
            .collect();
        assert_eq!(
            left,
            BTreeSet::from([3, 4]),
            "{backend}: the failing batch changed nothing"
        );
        let error = Post::on(pool)
            .force_delete(3)
            .await
            .expect_err("bookmarked");
        assert!(
            matches!(error, Error::Referenced { .. }),
            "{backend}: {error:?}"
        );
    });
}

/// Erase takes the row and everything below it, live or trashed, deepest
/// first, under `RESTRICT` too; a failing hook undoes all of it.
#[tokio::test]
async fn erase_leaves_nothing_of_the_subtree_or_rolls_back_whole() {
    on_each_backend!(OnDelete::Restrict, |db, pool| {
        let backend = db.backend();
        forest(&db, [1, 2, 99]).await;
        // Some of post 1's subtree trashed on its own, some live.
        Comment::on(pool)
            .delete(12)
            .await
            .expect("delete")
            .expect("live");
        let erased = Post::on(pool)
            .erase(1)
            .await
            .expect("erase")
            .expect("post 1 exists");
        assert_eq!(
            erased.rows,
            [("posts", 1), ("comments", 3), ("reactions", 1)],
            "{backend}"
        );
        let left = rows(pool).await;
        assert!(
            left.iter().all(|&(table, id, _)| match table {
                "posts" => id != 1,
                "comments" => id / 10 != 1,
                _ => id / 100 != 1,
            }),
            "{backend}: {left:?}"
        );
        assert_eq!(
            Post::on(pool).erase(1).await.expect("erase again"),
            None,
            "{backend}"
        );

        let before = rows(pool).await;
        let error = Post::on(pool).erase(99).await.expect_err("legal hold");
        assert!(
            matches!(
                error,
                Error::Hook {
                    hook: "after_erase",
                    ..
                }
            ),
            "{backend}: {error:?}"
        );
        assert_eq!(
            rows(pool).await,
            before,
            "{backend}: the failed erase changed nothing"
        );
        let audit: i64 = match backend {
            Backend::Sqlite => sqlx::query_scalar("SELECT COUNT(*) FROM audit")
                .fetch_one(db.sqlite_pool())
                .await
                .expect("audit"),
            Backend::Postgres => sqlx::query_scalar("SELECT COUNT(*) FROM audit")
                .fetch_one(db.postgres_pool())
                .await
                .expect("audit"),
            Backend::MySql => sqlx::query_scalar("SELECT COUNT(*) FROM audit")
                .fetch_one(db.mysql_pool())
                .await
                .expect("audit"),
        };
        assert_eq!(
            audit, 1,
            "{backend}: the erase of post 1 audited, the undone one not"
        );
    });
}

/// The statements alone, run by hand: `T::erase_by_id` in order, each
/// until it removes nothing, leaves nothing of post 2's subtree under
/// RESTRICT and touches nothing else.
#[tokio::test]
async fn erase_by_id_run_by_hand_removes_the_subtree() {
    on_each_backend!(OnDelete::Restrict, |db, pool| {
        let backend = db.backend();
        forest(&db, [2, 3]).await;
        let steps = Post::erase_by_id(2);
        assert_eq!(steps.len(), 3, "{backend}: reactions, comments, posts");
        let mut removed = 0;
        for step in &steps {
            loop {
                let n = db.execute(step).await;
                removed += n;
                if n == 0 {
                    break;
                }
            }
        }
        assert_eq!(removed, 5, "{backend}: a post, three comments, a reaction");
        let left = rows(pool).await;
        assert_eq!(left.len(), 5, "{backend}: post 3's tree is whole: {left:?}");
        assert!(
            left.iter().all(|&(table, id, _)| match table {
                "posts" => id == 3,
                "comments" => id / 10 == 3,
                _ => id / 100 == 3,
            }),
            "{backend}: {left:?}"
        );
    });
}
