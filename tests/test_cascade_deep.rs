//! Cascades with `cascade_id` on SQLite, PostgreSQL and MariaDB: any depth
//! (post → comment → reply → reaction), a self-referencing model, exact
//! restores under any clock. A model-based property test checks every step
//! of random trees against an in-memory model.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Duration, DurationRound, Utc};
use common::{Backend, Db};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sea_query::Query;
use soft_delete::sqlx::{Dialect, Model, Run, SoftDeleteExt};
use soft_delete::{SoftDelete, TrashMode};
use sqlx::Pool;

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(
    table = "posts",
    cascade_id = "deletion_id",
    cascade(Comment = "post_id")
)]
pub struct Post {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deletion_id: Option<i64>,
}

/// A comment's replies are comments: `cascade(Self = "parent_id")`.
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

/// Stamped by the database's clock.
#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(
    table = "threads",
    now = "database",
    cascade_id = "deletion_id",
    cascade(Message = "thread_id")
)]
pub struct Thread {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deletion_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "messages", now = "database", cascade_id = "deletion_id")]
pub struct Message {
    pub id: i64,
    pub thread_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deletion_id: Option<i64>,
}

/// `(time, text)` column types: MariaDB's `DATETIME` without fraction keeps
/// whole seconds, the hardest case for a shared timestamp.
fn time_type(db: &Db) -> &'static str {
    match db.backend() {
        Backend::Sqlite => "TEXT",
        Backend::Postgres => "TIMESTAMPTZ",
        Backend::MySql => "DATETIME",
    }
}

async fn create_tables(db: &Db) {
    let time = time_type(db);
    for ddl in [
        format!("CREATE TABLE posts (id BIGINT PRIMARY KEY, deleted_at {time} NULL, deletion_id BIGINT NULL)"),
        format!("CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, parent_id BIGINT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL)"),
        format!("CREATE TABLE reactions (id BIGINT PRIMARY KEY, comment_id BIGINT NOT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL)"),
    ] {
        db.raw(&ddl).await;
    }
}

/// A node of the random tree: which table, and its references.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Post,
    Comment,
    Reaction,
}

#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    id: i64,
    /// Rows this one is under: a comment's post and parent comment, a
    /// reaction's comment (indexes into the tree).
    parents: Vec<usize>,
}

/// How a row was trashed, in the in-memory model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Live,
    /// On its own.
    Trashed,
    /// By the cascade it started (its number).
    Started(u32),
    /// By a cascade that started above it.
    Member(u32),
}

#[derive(Debug, Clone)]
enum Step {
    Delete(usize, i64),
    Restore(usize),
    CascadeDelete(usize, i64),
    CascadeRestore(usize),
}

/// A tree of up to 2 posts, 6 comments (some replies) and 4 reactions, and
/// up to 12 steps on random nodes at instants −60..+60 s from a base time.
fn scenario() -> impl Strategy<Value = (Vec<Node>, Vec<Step>)> {
    (1usize..=2, 1usize..=6, 0usize..=4)
        .prop_flat_map(|(posts, comments, reactions)| {
            let comment_parents =
                proptest::collection::vec((0..posts, proptest::option::of(0..comments)), comments);
            let reaction_parents = proptest::collection::vec(0..comments, reactions);
            let nodes = posts + comments + reactions;
            let step = prop_oneof![
                (0..nodes, -60i64..=60).prop_map(|(n, s)| Step::Delete(n, s)),
                (0..nodes).prop_map(Step::Restore),
                (0..nodes, -60i64..=60).prop_map(|(n, s)| Step::CascadeDelete(n, s)),
                (0..nodes).prop_map(Step::CascadeRestore),
            ];
            (
                Just(posts),
                comment_parents,
                reaction_parents,
                proptest::collection::vec(step, 1..=12),
            )
        })
        .prop_map(|(posts, comment_parents, reaction_parents, steps)| {
            let mut nodes: Vec<Node> = (0..posts)
                .map(|index| Node {
                    kind: Kind::Post,
                    id: 1 + index as i64,
                    parents: Vec::new(),
                })
                .collect();
            let first_comment = nodes.len();
            for (index, (post, parent)) in comment_parents.iter().enumerate() {
                let mut parents = vec![*post];
                // A reply to an earlier comment of the same post.
                if let Some(parent) = parent.filter(|parent| *parent < index) {
                    let parent_node = first_comment + parent;
                    parents = nodes[parent_node].parents[..1].to_vec();
                    parents.push(parent_node);
                }
                nodes.push(Node {
                    kind: Kind::Comment,
                    id: 100 + index as i64,
                    parents,
                });
            }
            for (index, comment) in reaction_parents.iter().enumerate() {
                nodes.push(Node {
                    kind: Kind::Reaction,
                    id: 1000 + index as i64,
                    parents: vec![first_comment + comment],
                });
            }
            (nodes, steps)
        })
}

/// The in-memory model of what each step does.
fn apply(nodes: &[Node], states: &mut [State], step: &Step, cascade: u32) {
    match *step {
        Step::Delete(n, _) => {
            if states[n] == State::Live {
                states[n] = State::Trashed;
            }
        }
        // A row a cascade took comes back only with that cascade's root.
        Step::Restore(n) => {
            if states[n] == State::Trashed {
                states[n] = State::Live;
            }
        }
        Step::CascadeDelete(n, _) => {
            if states[n] != State::Live {
                return;
            }
            states[n] = State::Started(cascade);
            // Every live row under a row of this cascade joins it, through
            // any chain of live rows.
            let in_cascade = |state: State| matches!(state, State::Started(c) | State::Member(c) if c == cascade);
            loop {
                let joining: Vec<usize> = (0..nodes.len())
                    .filter(|&row| {
                        states[row] == State::Live
                            && nodes[row]
                                .parents
                                .iter()
                                .any(|&parent| in_cascade(states[parent]))
                    })
                    .collect();
                if joining.is_empty() {
                    break;
                }
                for row in joining {
                    states[row] = State::Member(cascade);
                }
            }
        }
        Step::CascadeRestore(n) => match states[n] {
            State::Live => {}
            State::Started(started) => {
                for state in states.iter_mut() {
                    if *state == State::Member(started) {
                        *state = State::Live;
                    }
                }
                states[n] = State::Live;
            }
            State::Trashed => states[n] = State::Live,
            // Refused: it comes back with its root.
            State::Member(_) => {}
        },
    }
}

fn base_time() -> DateTime<Utc> {
    Utc::now().duration_trunc(Duration::seconds(1)).unwrap()
}

/// Runs `step` on the database through the statements (instants given) and
/// the sqlx handle (restores).
async fn run<DB: Dialect>(pool: &Pool<DB>, nodes: &[Node], step: &Step, base: DateTime<Utc>)
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let backend = DB::BACKEND;
    let node = |n: usize| (nodes[n].kind, nodes[n].id);
    match *step {
        Step::Delete(n, seconds) => {
            let at = base + Duration::seconds(seconds);
            let statement = match node(n) {
                (Kind::Post, id) => Post::delete_by_id_at(id, at),
                (Kind::Comment, id) => Comment::delete_by_id_at(id, at),
                (Kind::Reaction, id) => Reaction::delete_by_id_at(id, at),
            };
            statement.execute(pool).await.unwrap();
        }
        Step::Restore(n) => {
            let statement = match node(n) {
                (Kind::Post, id) => Post::restore_by_id(id),
                (Kind::Comment, id) => Comment::restore_by_id(id),
                (Kind::Reaction, id) => Reaction::restore_by_id(id),
            };
            statement.execute(pool).await.unwrap();
        }
        Step::CascadeDelete(n, seconds) => {
            let at = base + Duration::seconds(seconds);
            let statements = match node(n) {
                (Kind::Post, id) => Post::cascade_delete_by_id_at(id, at, backend),
                (Kind::Comment, id) => Comment::cascade_delete_by_id_at(id, at, backend),
                (Kind::Reaction, id) => Reaction::cascade_delete_by_id_at(id, at, backend),
            };
            let mut tx = pool.begin().await.unwrap();
            for statement in &statements {
                statement.execute(&mut *tx).await.unwrap();
            }
            tx.commit().await.unwrap();
        }
        Step::CascadeRestore(n) => {
            let restored = match node(n) {
                (Kind::Post, id) => Post::on(pool).cascade_restore(id).await,
                (Kind::Comment, id) => Comment::on(pool).cascade_restore(id).await,
                (Kind::Reaction, id) => Reaction::on(pool).cascade_restore(id).await,
            };
            match restored {
                Ok(_) | Err(soft_delete::sqlx::Error::Cascaded { .. }) => {}
                Err(error) => panic!("{error}"),
            }
        }
    }
}

/// Which rows are trashed, by `(kind, id)`.
async fn trashed<DB: Dialect>(pool: &Pool<DB>) -> BTreeMap<(Kind, i64), bool>
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let mut rows = BTreeMap::new();
    for post in Post::on(pool).list(TrashMode::WithTrashed).await.unwrap() {
        rows.insert((Kind::Post, post.id), post.is_trashed());
    }
    for comment in Comment::on(pool)
        .list(TrashMode::WithTrashed)
        .await
        .unwrap()
    {
        rows.insert((Kind::Comment, comment.id), comment.is_trashed());
    }
    for reaction in Reaction::on(pool)
        .list(TrashMode::WithTrashed)
        .await
        .unwrap()
    {
        rows.insert((Kind::Reaction, reaction.id), reaction.is_trashed());
    }
    rows
}

async fn property<DB: Dialect>(db: &Db, pool: &Pool<DB>, cases: u32)
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    create_tables(db).await;
    let runtime = tokio::runtime::Handle::current();
    let ran = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&scenario(), |(nodes, steps)| {
        ran.fetch_add(1, Ordering::Relaxed);
        tokio::task::block_in_place(|| {
            runtime.block_on(async {
                for table in ["reactions", "comments", "posts"] {
                    db.raw(&format!("DELETE FROM {table}")).await;
                }
                for node in &nodes {
                    let insert = match node.kind {
                        Kind::Post => Query::insert()
                            .into_table("posts")
                            .columns(["id"])
                            .values_panic([node.id.into()])
                            .to_owned(),
                        Kind::Comment => {
                            let parent = node.parents.get(1).map(|&p| nodes[p].id);
                            Query::insert()
                                .into_table("comments")
                                .columns(["id", "post_id", "parent_id"])
                                .values_panic([
                                    node.id.into(),
                                    nodes[node.parents[0]].id.into(),
                                    parent.into(),
                                ])
                                .to_owned()
                        }
                        Kind::Reaction => Query::insert()
                            .into_table("reactions")
                            .columns(["id", "comment_id"])
                            .values_panic([node.id.into(), nodes[node.parents[0]].id.into()])
                            .to_owned(),
                    };
                    db.execute(&insert).await;
                }
                let base = base_time();
                let mut states = vec![State::Live; nodes.len()];
                for (number, step) in steps.iter().enumerate() {
                    apply(&nodes, &mut states, step, u32::try_from(number).unwrap());
                    run(pool, &nodes, step, base).await;
                    let expected: BTreeMap<(Kind, i64), bool> = nodes
                        .iter()
                        .zip(&states)
                        .map(|(node, state)| ((node.kind, node.id), *state != State::Live))
                        .collect();
                    let actual = trashed(pool).await;
                    if actual != expected {
                        return Err(TestCaseError::fail(format!(
                            "{}: after step {number} ({step:?}) of {steps:?}\n  tree: {nodes:?}\n  expected trashed: {expected:?}\n  actual:           {actual:?}",
                            db.backend()
                        )));
                    }
                }
                Ok(())
            })
        })
    });
    if let Err(error) = outcome {
        panic!("{error}");
    }
    println!(
        "{}: {} cases of random trees and cascades agreed with the model",
        db.backend(),
        ran.load(Ordering::Relaxed)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_trees_cascades_and_restores_agree_with_a_model() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        match backend {
            Backend::Sqlite => property(&db, db.sqlite_pool(), 256).await,
            Backend::Postgres => property(&db, db.postgres_pool(), 256).await,
            Backend::MySql => property(&db, db.mysql_pool(), 256).await,
        }
    }
}

async fn deep_and_exact<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let what = db.backend();
    create_tables(db).await;
    db.raw("INSERT INTO posts (id) VALUES (1), (2)").await;
    // 10 ← 11 ← 12 ← 13: a chain of replies, 14 on its own, 20 on post 2.
    db.raw("INSERT INTO comments (id, post_id, parent_id) VALUES (10, 1, NULL), (11, 1, 10), (12, 1, 11), (13, 1, 12), (14, 1, NULL), (20, 2, NULL)")
        .await;
    db.raw("INSERT INTO reactions (id, comment_id) VALUES (100, 13), (101, 14), (102, 20)")
        .await;
    // Trashed on its own, in the same second the cascade will use.
    let at = base_time();
    Reaction::delete_by_id_at(101, at)
        .execute(pool)
        .await
        .unwrap();

    let deleted = Post::on(pool).cascade_delete(1).await.unwrap().unwrap();
    assert_eq!(deleted.rows_in("posts"), 1, "{what}");
    assert_eq!(deleted.rows_in("comments"), 5, "{what}: every level");
    assert_eq!(
        deleted.rows_in("reactions"),
        1,
        "{what}: the grandchild's reaction"
    );
    // Own deletions after the cascade, at its very instant.
    Reaction::delete_by_id_at(102, at)
        .execute(pool)
        .await
        .unwrap();
    let restored = Post::on(pool).cascade_restore(1).await.unwrap().unwrap();
    assert_eq!(restored.total(), 7, "{what}: exactly the cascade's rows");
    let trashed = trashed(pool).await;
    let still: Vec<_> = trashed
        .iter()
        .filter(|(_, t)| **t)
        .map(|(key, _)| *key)
        .collect();
    assert_eq!(
        still,
        [(Kind::Reaction, 101), (Kind::Reaction, 102)],
        "{what}: own deletions, before and after, stay trashed"
    );

    // A cascade from a reply reaches its own replies only.
    Comment::on(pool).cascade_delete(11).await.unwrap().unwrap();
    let comments = Comment::on(pool)
        .list(TrashMode::OnlyTrashed)
        .await
        .unwrap();
    let ids: Vec<i64> = comments.iter().map(|c| c.id).collect();
    assert_eq!(ids, [11, 12, 13], "{what}");
    assert!(Post::on(pool).find(1).await.unwrap().is_some(), "{what}");
    Comment::on(pool)
        .cascade_restore(11)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        Comment::on(pool)
            .count(TrashMode::OnlyTrashed)
            .await
            .unwrap(),
        0,
        "{what}"
    );
}

#[tokio::test]
async fn cascades_reach_every_level_and_restore_exactly() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        match backend {
            Backend::Sqlite => deep_and_exact(&db, db.sqlite_pool()).await,
            Backend::Postgres => deep_and_exact(&db, db.postgres_pool()).await,
            Backend::MySql => deep_and_exact(&db, db.mysql_pool()).await,
        }
    }
}

/// The same without `cascade_id`: one level, children matched by the
/// parent's stored marker.
#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(
    table = "plain_threads",
    now = "database",
    cascade(PlainMessage = "thread_id")
)]
pub struct PlainThread {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "plain_messages", now = "database")]
pub struct PlainMessage {
    pub id: i64,
    pub thread_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// With `now = "database"`, the statements built and run seconds after
/// `BEGIN` (PostgreSQL stamps the transaction's start time), and on MariaDB
/// with the session's clock a minute behind the application's: every child
/// is taken, and the cascade restore brings back every one.
async fn database_clock_case<DB, P, C>(db: &Db, pool: &Pool<DB>, parent: &str, child: &str)
where
    DB: Dialect,
    P: Model<DB> + SoftDelete<Id = i64> + soft_delete::RecordsDeletionTime,
    C: Model<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let what = db.backend();
    let time = time_type(db);
    db.raw(&format!("CREATE TABLE {parent} (id BIGINT PRIMARY KEY, deleted_at {time} NULL, deletion_id BIGINT NULL)")).await;
    db.raw(&format!("CREATE TABLE {child} (id BIGINT PRIMARY KEY, thread_id BIGINT NOT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL)")).await;
    db.raw(&format!("INSERT INTO {parent} (id) VALUES (1)"))
        .await;
    db.raw(&format!(
        "INSERT INTO {child} (id, thread_id) VALUES (1, 1), (2, 1), (3, 1)"
    ))
    .await;

    let mut tx = pool.begin().await.unwrap();
    match what {
        Backend::Postgres => {
            // Fix the transaction's time, then build and run a second later.
            P::query().execute(&mut *tx).await.unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        }
        Backend::MySql => {
            // The database's clock a minute behind the application's.
            sqlx::raw_sql("SET timestamp = UNIX_TIMESTAMP() - 60")
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        Backend::Sqlite => {}
    }
    for statement in P::cascade_delete_by_id(1, DB::BACKEND) {
        statement.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(
        C::on(pool).count(TrashMode::OnlyTrashed).await.unwrap(),
        3,
        "{what} {parent}: every child taken"
    );
    let restored = P::on(pool).cascade_restore(1).await.unwrap().unwrap();
    assert_eq!(restored.total(), 4, "{what} {parent}");
    assert_eq!(
        C::on(pool).count(TrashMode::WithoutTrashed).await.unwrap(),
        3,
        "{what}"
    );
}

async fn database_clock<DB: Dialect>(db: &Db, pool: &Pool<DB>)
where
    Thread: Model<DB>,
    Message: Model<DB>,
    PlainThread: Model<DB>,
    PlainMessage: Model<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    database_clock_case::<DB, Thread, Message>(db, pool, "threads", "messages").await;
    database_clock_case::<DB, PlainThread, PlainMessage>(
        db,
        pool,
        "plain_threads",
        "plain_messages",
    )
    .await;
}

#[tokio::test]
async fn the_database_clock_after_begin_or_behind_takes_every_child() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        match backend {
            Backend::Sqlite => database_clock(&db, db.sqlite_pool()).await,
            Backend::Postgres => database_clock(&db, db.postgres_pool()).await,
            Backend::MySql => database_clock(&db, db.mysql_pool()).await,
        }
    }
}
