//! The purge of a tree with no self-referencing table (posts → comments →
//! reactions, the common shape), whose batches select their free roots and
//! delete by their keys, on SQLite (foreign keys on), PostgreSQL and
//! MariaDB, with `RESTRICT` and `ON DELETE CASCADE`: the free posts go with
//! their subtrees in any batch size, the posts holding a live row two
//! levels down are kept and counted, and a second run removes nothing. On a
//! pool of 4, a purge in small batches beside a writer reviving trashed
//! comments and reactions of the same posts never takes a row that writer
//! revived. Cascades and purges cancelled at every point leave whole trees
//! and a pool that answers.

mod common;

use std::collections::BTreeSet;
use std::num::NonZeroU32;

use chrono::{Duration, Utc};
use common::TestBackend as _;
use common::{Backend, Db};
use soft_delete::sqlx::{Dialect, Model, SoftDeleteExt};
use soft_delete::{PurgeProgress, SoftDelete, TrashMode};
use sqlx::{AssertSqlSafe, Pool};

#[path = "common/tree.rs"]
mod tree;
use tree::{Comment, Post, Reaction};

async fn schema(db: &Db, on_delete_cascade: bool) {
    let time = match db.backend() {
        Backend::Sqlite => "TEXT",
        Backend::Postgres => "TIMESTAMPTZ",
        Backend::MySql => "DATETIME(6)",
    };
    let action = if on_delete_cascade {
        " ON DELETE CASCADE"
    } else {
        ""
    };
    for ddl in [
        format!("CREATE TABLE posts (id BIGINT PRIMARY KEY, deleted_at {time} NULL, deletion_id BIGINT NULL)"),
        format!("CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL, FOREIGN KEY (post_id) REFERENCES posts (id){action})"),
        format!("CREATE TABLE reactions (id BIGINT PRIMARY KEY, comment_id BIGINT NOT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL, FOREIGN KEY (comment_id) REFERENCES comments (id){action})"),
        "CREATE INDEX comments_post_id ON comments (post_id)".to_owned(),
        "CREATE INDEX reactions_comment_id ON reactions (comment_id)".to_owned(),
    ] {
        db.raw(&ddl).await;
    }
}

/// Post `p` has comments `p*10 + 1` and `p*10 + 2`, each with reaction
/// `comment*10 + 1`; every post is cascade-deleted, then back-dated 400
/// days.
async fn trashed_forest<DB: Dialect>(db: &Db, pool: &Pool<DB>, posts: std::ops::RangeInclusive<i64>)
where
    Post: Model<DB>,
{
    let mut values = (Vec::new(), Vec::new(), Vec::new());
    for post in posts.clone() {
        values.0.push(format!("({post})"));
        for comment in [post * 10 + 1, post * 10 + 2] {
            values.1.push(format!("({comment}, {post})"));
            values.2.push(format!("({}, {comment})", comment * 10 + 1));
        }
    }
    db.raw(&format!(
        "INSERT INTO posts (id) VALUES {}",
        values.0.join(", ")
    ))
    .await;
    db.raw(&format!(
        "INSERT INTO comments (id, post_id) VALUES {}",
        values.1.join(", ")
    ))
    .await;
    db.raw(&format!(
        "INSERT INTO reactions (id, comment_id) VALUES {}",
        values.2.join(", ")
    ))
    .await;
    for post in posts {
        Post::on(pool)
            .cascade_delete(post)
            .await
            .expect("cascade delete")
            .expect("the post was live");
    }
    let long_ago = (Utc::now() - Duration::days(400)).format("'%Y-%m-%d %H:%M:%S'");
    for table in ["posts", "comments", "reactions"] {
        db.raw(&format!("UPDATE {table} SET deleted_at = {long_ago}"))
            .await;
    }
}

/// Every `(table, id)` and whether it is live.
async fn rows<DB: Dialect>(pool: &Pool<DB>) -> BTreeSet<(&'static str, i64, bool)>
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let mode = TrashMode::WithTrashed;
    let mut rows = BTreeSet::new();
    for post in Post::on(pool).list(mode).await.expect("posts") {
        rows.insert(("posts", post.id, !post.is_trashed()));
    }
    for comment in Comment::on(pool).list(mode).await.expect("comments") {
        rows.insert(("comments", comment.id, !comment.is_trashed()));
    }
    for reaction in Reaction::on(pool).list(mode).await.expect("reactions") {
        rows.insert(("reactions", reaction.id, !reaction.is_trashed()));
    }
    rows
}

/// Posts 1–12, all trashed; a comment of post 3 and a reaction of post 7
/// (two levels down) revived by the application's own statement. Batches
/// of `size` remove the other ten posts with everything below them, keep
/// posts 3 and 7 whole, and a second run removes nothing.
async fn keeps_what_holds_a_live_row<DB: Dialect>(db: &Db, pool: &Pool<DB>, size: u32)
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let backend = db.backend();
    trashed_forest(db, pool, 1..=12).await;
    db.raw("UPDATE comments SET deleted_at = NULL, deletion_id = NULL WHERE id = 31")
        .await;
    db.raw("UPDATE reactions SET deleted_at = NULL, deletion_id = NULL WHERE id = 721")
        .await;
    let before = rows(pool).await;
    let cutoff = Utc::now() - Duration::days(30);
    let mut batches: Vec<PurgeProgress> = Vec::new();
    let purged = Post::on(pool)
        .purge_trashed_before(cutoff)
        .batch_size(NonZeroU32::new(size).expect("not 0"))
        .on_batch(|progress| batches.push(progress))
        .await
        .unwrap_or_else(|error| panic!("{backend}, batches of {size}: {error}"));
    let what = format!("{backend}, batches of {size}: {batches:?}");
    assert_eq!(purged, 10, "{what}");
    assert_eq!(batches.iter().map(|b| b.kept).sum::<u64>(), 2, "{what}");
    let after = rows(pool).await;
    let kept: BTreeSet<_> = before
        .iter()
        .filter(|&&(table, id, _)| {
            let post = match table {
                "posts" => id,
                "comments" => id / 10,
                _ => id / 100,
            };
            post == 3 || post == 7
        })
        .copied()
        .collect();
    assert_eq!(
        after, kept,
        "{what}: exactly posts 3 and 7 and all below them are left"
    );
    let again = Post::on(pool)
        .purge_trashed_before(cutoff)
        .batch_size(NonZeroU32::new(size).expect("not 0"))
        .await
        .expect("second purge");
    assert_eq!(again, 0, "{backend}: a second run removes nothing more");
    assert_eq!(rows(pool).await, after, "{backend}");
}

macro_rules! on_each_backend {
    ($on_delete_cascade:expr, $connections:expr, |$db:ident, $pool:ident| $body:expr) => {
        for backend in common::backends() {
            let $db = Db::options(backend)
                .max_connections($connections)
                .connect()
                .await;
            schema(&$db, $on_delete_cascade).await;
            with_pool!($db, |$pool| $body)
        }
    };
}

#[tokio::test]
async fn restrict_purge_of_a_shallow_tree_removes_the_free_and_keeps_the_held() {
    for size in [1, 3, 1000] {
        on_each_backend!(false, 1, |db, pool| {
            keeps_what_holds_a_live_row(&db, pool, size).await;
        });
    }
}

#[tokio::test]
async fn on_delete_cascade_purge_of_a_shallow_tree_never_takes_a_live_row() {
    for size in [1, 4, 1000] {
        on_each_backend!(true, 1, |db, pool| {
            keeps_what_holds_a_live_row(&db, pool, size).await;
        });
    }
}

/// 60 trashed posts under `ON DELETE CASCADE`; one task purges them in
/// batches of 2 while another revives comments and reactions of the same
/// posts one statement at a time. Every row the reviver saw revived (one row
/// changed) is still there at the end: a batch that took its post would
/// have had the database cascade it away.
async fn revived_rows_survive<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
    for<'c> &'c Pool<DB>: sqlx::Executor<'c, Database = DB>,
{
    let backend = db.backend();
    trashed_forest(db, pool, 1..=60).await;
    let purge = async {
        let mut attempts = 0;
        loop {
            let outcome = Post::on(pool)
                .purge_trashed_before(Utc::now() - Duration::days(30))
                .batch_size(NonZeroU32::new(2).expect("not 0"))
                .await;
            match outcome {
                Err(error) if error.is_retryable() && attempts < 20 => attempts += 1,
                outcome => break outcome.unwrap_or_else(|error| panic!("{backend}: {error}")),
            }
        }
    };
    let revive = async {
        let mut revived = Vec::new();
        // Posts in an order unrelated to the purge's (oldest first, here
        // by id), a comment or a reaction each.
        for n in 0..60_i64 {
            let post = 1 + (n * 37) % 60;
            let (table, id) = if n % 2 == 0 {
                ("comments", post * 10 + 1)
            } else {
                ("reactions", (post * 10 + 2) * 10 + 1)
            };
            let sql =
                format!("UPDATE {table} SET deleted_at = NULL, deletion_id = NULL WHERE id = {id}");
            let mut attempts = 0;
            let done = loop {
                match sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                    .execute(pool)
                    .await
                {
                    Ok(done) => break done,
                    // A deadlock with the purge's locks: run it again.
                    Err(error) if attempts < 20 => {
                        attempts += 1;
                        let _ = error;
                    }
                    Err(error) => panic!("{backend}: {error}"),
                }
            };
            if DB::rows_affected(&done) == 1 {
                revived.push((table, id));
            }
            tokio::task::yield_now().await;
        }
        revived
    };
    let (purged, revived) = tokio::join!(purge, revive);
    let after = rows(pool).await;
    for (table, id) in &revived {
        assert!(
            after.contains(&(*table, *id, true)),
            "{backend}: {table} {id} was revived, then taken by the purge ({purged} posts purged)"
        );
    }
    // Every post left holds a live row below it, or is one the purge had
    // not reached when the reviver got to it.
    let posts_left = after.iter().filter(|(table, ..)| *table == "posts").count();
    assert_eq!(
        purged + posts_left as u64,
        60,
        "{backend}: every post was purged or kept"
    );
}

#[tokio::test]
async fn a_purge_beside_a_reviving_writer_never_takes_a_revived_row() {
    on_each_backend!(true, 4, |db, pool| {
        revived_rows_survive(&db, pool).await;
    });
}

/// With foreign keys that restrict, a purge leaves out its own check that
/// nothing is left below (the database refuses such a delete); beside the
/// reviving writer, a batch whose delete the database refuses runs again
/// checked, and the purge completes without an error.
#[tokio::test]
async fn restrict_purge_beside_a_reviving_writer_runs_a_refused_batch_again() {
    on_each_backend!(false, 4, |db, pool| {
        revived_rows_survive(&db, pool).await;
    });
}

/// What the purge reads from the catalog to leave its check out: a
/// restricting foreign key for every declared cascade under RESTRICT, none
/// under ON DELETE CASCADE (which would take a revived row), none without a
/// foreign key.
#[tokio::test]
async fn the_purge_reads_which_foreign_keys_restrict() {
    use soft_delete::__layer::purge::restricting_keys;
    for (on_delete_cascade, restricting) in [(false, true), (true, false)] {
        for backend in common::backends() {
            let db = Db::connect(backend).await;
            schema(&db, on_delete_cascade).await;
            let keys = restricting_keys::<Post>(backend.schema());
            if backend == Backend::Sqlite {
                assert!(keys.is_empty(), "SQLite's batches need no check");
                continue;
            }
            assert_eq!(keys.len(), 2, "{backend}: posts → comments → reactions");
            for key in keys {
                let count = with_pool!(db, |pool| {
                    sqlx::query_scalar_with::<_, i64, _>(
                        AssertSqlSafe(key.text.to_string()),
                        sea_query_sqlx::SqlxValues(key.values.clone()),
                    )
                    .fetch_one(pool)
                    .await
                });
                let count = count.unwrap_or_else(|e| panic!("{backend}: {e}: {}", key.text));
                assert_eq!(count > 0, restricting, "{backend}: {}", key.text);
            }
        }
    }
    // No foreign key at all: nothing restricts.
    for backend in common::backends() {
        if backend == Backend::Sqlite {
            continue;
        }
        let db = Db::connect(backend).await;
        db.raw("CREATE TABLE posts (id BIGINT PRIMARY KEY)").await;
        db.raw("CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL)")
            .await;
        db.raw("CREATE TABLE reactions (id BIGINT PRIMARY KEY, comment_id BIGINT NOT NULL)")
            .await;
        for key in restricting_keys::<Post>(backend.schema()) {
            let count = with_pool!(db, |pool| {
                sqlx::query_scalar_with::<_, i64, _>(
                    AssertSqlSafe(key.text.to_string()),
                    sea_query_sqlx::SqlxValues(key.values.clone()),
                )
                .fetch_one(pool)
                .await
            })
            .unwrap_or_else(|e| panic!("{backend}: {e}"));
            assert_eq!(count, 0, "{backend}: {}", key.text);
        }
    }
}

/// Cascades and purges cancelled at every point (a client hanging up), on
/// a pool of 2: each left its tree whole — every row as live as the row
/// above it — and the pool answers at once afterwards.
async fn cancelled_cascades_leave_whole_trees<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let backend = db.backend();
    trashed_forest(db, pool, 1..=6).await;
    for post in 1..=3 {
        Post::on(pool)
            .cascade_restore(post)
            .await
            .expect("cascade restore")
            .expect("the post was trashed");
    }
    let posts = Post::on(pool);
    for n in 0..60_u64 {
        let post = 1 + (n % 6) as i64;
        let limit = std::time::Duration::from_micros(40 * n);
        match n % 3 {
            0 => drop(tokio::time::timeout(limit, posts.cascade_delete(post)).await),
            1 => drop(tokio::time::timeout(limit, posts.cascade_restore(post)).await),
            _ => {
                let purge = posts
                    .purge_trashed_before(Utc::now() - Duration::days(30))
                    .batch_size(NonZeroU32::new(1).expect("not 0"));
                drop(tokio::time::timeout(limit, purge).await);
            }
        }
    }
    let rows = tokio::time::timeout(std::time::Duration::from_secs(5), rows(pool))
        .await
        .unwrap_or_else(|_| panic!("{backend}: a cancelled call left the pool stuck"));
    let live: BTreeSet<(&str, i64)> = rows
        .iter()
        .filter(|(.., live)| *live)
        .map(|&(table, id, _)| (table, id))
        .collect();
    for &(table, id, is_live) in &rows {
        let above = match table {
            "comments" => Some(("posts", id / 10)),
            "reactions" => Some(("comments", id / 10)),
            _ => None,
        };
        if let Some(above) = above {
            assert_eq!(
                is_live,
                live.contains(&above),
                "{backend}: {table} {id} is not as live as {above:?}: {rows:?}"
            );
        }
    }
}

/// PostgreSQL and MariaDB: sqlx closes a SQLite connection dropped
/// mid-call, which here would take the in-memory database with it.
#[tokio::test]
async fn cancelled_cascades_and_purges_leave_whole_trees() {
    for backend in [Backend::Postgres, Backend::MySql]
        .into_iter()
        .filter_map(common::TestBackend::if_configured)
    {
        let db = Db::options(backend).max_connections(2).connect().await;
        schema(&db, false).await;
        with_pool!(db, |pool| cancelled_cascades_leave_whole_trees(&db, pool)
            .await);
    }
}
