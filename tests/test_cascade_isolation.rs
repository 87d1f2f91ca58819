//! Cascades racing each other on overlapping trees (posts → comments →
//! reactions, every model with `cascade_id`), on a pool of several
//! connections at each database's default isolation level: a fixed
//! schedule held at the bad point with a row lock, and a bounded random run,
//! both checked against the invariants of an isolated cascade.

mod common;

use std::collections::BTreeMap;
use std::time::Duration as StdDuration;

use common::{Backend, Db};
use soft_delete::sqlx::{Dialect, Error, Model, SoftDeleteExt};
use soft_delete::{Cascade, SoftDelete};
use sqlx::{AssertSqlSafe, Pool};
use tokio::task::JoinSet;

#[path = "common/tree.rs"]
mod tree;
use tree::{Comment, Post, Reaction};

const POSTS: i64 = 3;
const COMMENTS_PER_POST: i64 = 4;
const REACTIONS_PER_COMMENT: i64 = 2;

/// Post `p` has comments `p*10 + 1..`, comment `c` reactions `c*10 + 1..`.
async fn trees(db: &Db) {
    let time = match db.backend() {
        Backend::Sqlite => "TEXT",
        Backend::Postgres => "TIMESTAMPTZ",
        Backend::MySql => "DATETIME(6)",
    };
    for ddl in [
        format!("CREATE TABLE posts (id BIGINT PRIMARY KEY, deleted_at {time} NULL, deletion_id BIGINT NULL)"),
        format!("CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL, FOREIGN KEY (post_id) REFERENCES posts (id))"),
        format!("CREATE TABLE reactions (id BIGINT PRIMARY KEY, comment_id BIGINT NOT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL, FOREIGN KEY (comment_id) REFERENCES comments (id))"),
    ] {
        db.raw(&ddl).await;
    }
    for post in 1..=POSTS {
        db.raw(&format!("INSERT INTO posts (id) VALUES ({post})"))
            .await;
        for comment in comments_of(post) {
            db.raw(&format!(
                "INSERT INTO comments (id, post_id) VALUES ({comment}, {post})"
            ))
            .await;
            for reaction in 1..=REACTIONS_PER_COMMENT {
                let id = comment * 10 + reaction;
                db.raw(&format!(
                    "INSERT INTO reactions (id, comment_id) VALUES ({id}, {comment})"
                ))
                .await;
            }
        }
    }
}

fn comments_of(post: i64) -> impl Iterator<Item = i64> {
    (1..=COMMENTS_PER_POST).map(move |n| post * 10 + n)
}

/// `(table, id) -> (parent id, trashed, deletion id)` for every row.
type Rows = BTreeMap<(&'static str, i64), (Option<i64>, bool, Option<i64>)>;

async fn rows<DB: Dialect>(pool: &Pool<DB>) -> Rows
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let mut rows = Rows::new();
    for post in Post::on(pool)
        .list(soft_delete::TrashMode::WithTrashed)
        .await
        .expect("posts")
    {
        rows.insert(
            ("posts", post.id),
            (None, post.is_trashed(), post.deletion_id),
        );
    }
    for comment in Comment::on(pool)
        .list(soft_delete::TrashMode::WithTrashed)
        .await
        .expect("comments")
    {
        rows.insert(
            ("comments", comment.id),
            (
                Some(comment.post_id),
                comment.is_trashed(),
                comment.deletion_id,
            ),
        );
    }
    for reaction in Reaction::on(pool)
        .list(soft_delete::TrashMode::WithTrashed)
        .await
        .expect("reactions")
    {
        rows.insert(
            ("reactions", reaction.id),
            (
                Some(reaction.comment_id),
                reaction.is_trashed(),
                reaction.deletion_id,
            ),
        );
    }
    rows
}

/// The invariants of isolated cascades, as a list of violations:
/// - a live row holds no deletion id;
/// - a row a cascade trashed (a negative id `-x`) has that cascade's root,
///   trashed and holding `x`.
///
/// (A row trashed by a cascade may sit under a live parent: the parent, a
/// member of the same cascade, was restored on its own, which restores that
/// row alone.)
fn violations(rows: &Rows) -> Vec<String> {
    let mut found = Vec::new();
    for (&(table, id), &(_, trashed, deletion_id)) in rows {
        if !trashed {
            if deletion_id.is_some() {
                found.push(format!(
                    "live {table} {id} holds deletion id {deletion_id:?}"
                ));
            }
            continue;
        }
        let Some(member) = deletion_id.filter(|id| *id < 0) else {
            continue;
        };
        let root = rows
            .iter()
            .any(|(_, &(_, trashed, root_id))| trashed && root_id == Some(-member));
        if !root {
            found.push(format!(
                "trashed {table} {id} holds {member}, whose root is gone"
            ));
        }
    }
    found
}

/// Cascade restores every root (a row holding a positive deletion id):
/// afterwards no row is left trashed by a cascade, since every row a cascade
/// took comes back with its root.
async fn restore_every_root<DB: Dialect>(pool: &Pool<DB>, backend: Backend)
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let roots: Vec<(&str, i64)> = rows(pool)
        .await
        .into_iter()
        .filter(|(_, (_, trashed, id))| *trashed && id.is_some_and(|id| id > 0))
        .map(|((table, id), _)| (table, id))
        .collect();
    for (table, id) in roots {
        let restored = match table {
            "posts" => Post::on(pool).cascade_restore(id).await,
            _ => Comment::on(pool).cascade_restore(id).await,
        };
        assert!(
            restored.expect("cascade_restore").is_some(),
            "{backend}: the root {table} {id} was trashed, so its restore changes it"
        );
    }
    let left: Vec<_> = rows(pool)
        .await
        .into_iter()
        .filter(|(_, (_, trashed, id))| *trashed && id.is_some())
        .collect();
    assert_eq!(
        left,
        Vec::new(),
        "{backend}: rows a cascade took stayed trashed after every root came back"
    );
}

/// A fixed schedule on PostgreSQL and MariaDB: a third connection holds
/// post 1 locked; a `cascade_restore(1)` starts while post 1 is live, then a
/// `cascade_delete(1)`; the lock is let go. Whatever order they take, the
/// result is one of the two serial outcomes.
#[tokio::test]
async fn a_restore_racing_a_delete_ends_as_if_serial() {
    for backend in common::backends() {
        match backend {
            Backend::Sqlite => {
                // SQLite serialises writers at `BEGIN IMMEDIATE`: nothing to
                // interleave; the random run below covers it.
                continue;
            }
            Backend::Postgres => {
                let db = Db::options(backend).max_connections(4).connect().await;
                trees(&db).await;
                race_on(
                    db.postgres_pool(),
                    "SELECT id FROM posts WHERE id = 1 FOR UPDATE",
                )
                .await;
            }
            Backend::MySql => {
                let db = Db::options(backend).max_connections(4).connect().await;
                trees(&db).await;
                race_on(
                    db.mysql_pool(),
                    "SELECT id FROM posts WHERE id = 1 FOR UPDATE",
                )
                .await;
            }
        }
    }
}

async fn race_on<DB: Dialect>(pool: &Pool<DB>, lock: &'static str)
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let mut blocker = pool.begin().await.expect("begin the blocker");
    sqlx::raw_sql(AssertSqlSafe(lock))
        .execute(&mut *blocker)
        .await
        .expect("lock post 1");

    let restoring = {
        let pool = pool.clone();
        tokio::spawn(async move { Post::on(&pool).cascade_restore(1).await })
    };
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    let deleting = {
        let pool = pool.clone();
        tokio::spawn(async move { Post::on(&pool).cascade_delete(1).await })
    };
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    assert!(
        !restoring.is_finished() && !deleting.is_finished(),
        "both wait on the lock"
    );
    blocker.rollback().await.expect("let go of post 1");

    let restored = restoring
        .await
        .expect("restore task")
        .expect("cascade_restore");
    let deleted = deleting
        .await
        .expect("delete task")
        .expect("cascade_delete");
    let rows = rows(pool).await;
    assert_eq!(violations(&rows), Vec::<String>::new(), "{rows:#?}");
    let tree = |rows: &Rows| {
        rows.iter()
            .filter(|((table, id), (parent, ..))| match *table {
                "posts" => *id == 1,
                "comments" => *parent == Some(1),
                _ => parent.is_some_and(|comment| comment / 10 == 1),
            })
            .map(|(_, &(_, trashed, _))| trashed)
            .collect::<Vec<_>>()
    };
    let expected_rows = 1 + COMMENTS_PER_POST * (1 + REACTIONS_PER_COMMENT);
    let deleted = deleted.expect("post 1 was live, so its cascade delete took it");
    assert_eq!(
        deleted.total(),
        u64::try_from(expected_rows).expect("small")
    );
    match restored {
        // The restore ran first, on a live post: it changed nothing, and the
        // delete then took the whole tree.
        None => assert!(tree(&rows).iter().all(|trashed| *trashed), "{rows:#?}"),
        // The restore ran after the delete: it brought the whole tree back.
        Some(restored) => {
            assert_eq!(restored.total(), deleted.total());
            assert!(tree(&rows).iter().all(|trashed| !trashed), "{rows:#?}");
        }
    }
}

/// One random operation of the bounded run.
#[derive(Debug, Clone, Copy)]
enum Op {
    DeletePost(i64),
    RestorePost(i64),
    DeleteComment(i64),
    RestoreComment(i64),
}

/// A small deterministic generator (no dependency, same ops every run).
fn ops(task: u64, count: usize) -> Vec<Op> {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ (task + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let post = i64::try_from(next() % 2).expect("small") + 1;
            let comment = post * 10 + i64::try_from(next() % 3).expect("small") + 1;
            match next() % 4 {
                0 => Op::DeletePost(post),
                1 => Op::RestorePost(post),
                2 => Op::DeleteComment(comment),
                _ => Op::RestoreComment(comment),
            }
        })
        .collect()
}

/// Runs `op`, retrying what [`Error::is_retryable`] says may succeed: the
/// number of retries it took.
async fn run<DB: Dialect>(pool: &Pool<DB>, op: Op) -> Result<(Option<Cascade>, u32), Error>
where
    Post: Model<DB>,
    Comment: Model<DB>,
{
    let mut retries = 0;
    loop {
        let outcome = match op {
            Op::DeletePost(id) => Post::on(pool).cascade_delete(id).await,
            Op::RestorePost(id) => Post::on(pool).cascade_restore(id).await,
            Op::DeleteComment(id) => Comment::on(pool).cascade_delete(id).await,
            Op::RestoreComment(id) => Comment::on(pool).cascade_restore(id).await,
        };
        match outcome {
            Err(error) if error.is_retryable() && retries < 50 => {
                retries += 1;
                tokio::time::sleep(StdDuration::from_millis(u64::from(retries) * 3)).await;
            }
            // A row a cascade from above took comes back with its root.
            Err(soft_delete::sqlx::Error::Cascaded { .. }) => return Ok((None, retries)),
            outcome => return outcome.map(|cascade| (cascade, retries)),
        }
    }
}

async fn random_run<DB: Dialect>(pool: &Pool<DB>, backend: Backend)
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let mut tasks = JoinSet::new();
    for task in 0..8 {
        let pool = pool.clone();
        tasks.spawn(async move {
            let mut retried = 0;
            for op in ops(task, 50) {
                let (_, retries) = run(&pool, op)
                    .await
                    .unwrap_or_else(|error| panic!("{op:?} failed: {error}"));
                retried += retries;
            }
            retried
        });
    }
    let mut retried = 0;
    while let Some(task) = tasks.join_next().await {
        retried += task.expect("task");
    }
    println!("{backend}: 400 cascade operations, {retried} retried after a retryable error");
    let rows = rows(pool).await;
    assert_eq!(
        violations(&rows),
        Vec::<String>::new(),
        "{backend}: {rows:#?}"
    );
    restore_every_root(pool, backend).await;
}

/// 8 tasks × 50 cascade deletes and restores of posts and their comments
/// (overlapping trees), retried while retryable: every invariant holds at
/// the end, and no operation failed for good.
#[tokio::test]
async fn random_cascades_keep_every_invariant() {
    for backend in common::backends() {
        let db = Db::options(backend).max_connections(8).connect().await;
        trees(&db).await;
        match backend {
            Backend::Sqlite => random_run(db.sqlite_pool(), backend).await,
            Backend::Postgres => random_run(db.postgres_pool(), backend).await,
            Backend::MySql => random_run(db.mysql_pool(), backend).await,
        }
    }
}
