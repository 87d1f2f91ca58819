//! Model-based property test over random trees with real foreign keys
//! (issue 21): posts → comments (replies are comments,
//! `cascade(Self = "parent_id")`) → reactions, every model with
//! `cascade_id`, each `FOREIGN KEY` `ON DELETE RESTRICT`, `NO ACTION` or
//! `ON DELETE CASCADE` (chosen by the seed). Each case builds a random tree
//! of a few posts and runs 5–8 random operations through the
//! `soft_delete::sqlx` handles: own soft deletes, cascade deletes, restores,
//! cascade restores, purges in random small batches and erases. After every
//! step the whole database (every row's table, id, links, trashed or not,
//! deletion id and marker) must equal an in-memory model of what the
//! library promises, and these invariants must hold:
//!
//! - no purge ever removes a live row, and a purge removes a trashed row
//!   only with every row below it (a row with a live row below is kept);
//! - a cascade takes every live row below its root: no live row is below a
//!   row trashed by a cascade that ran while that live row was live, and no
//!   row a cascade took is live while a row above it still holds that
//!   cascade's id (what it took comes back together, with its root);
//! - every row a cascade trashed holds the negated id its root holds, has
//!   that root above it and the root's marker: the root's `cascade_restore`
//!   brings it back;
//! - every marker is at most the wall clock when it is checked, a live row
//!   holds no marker and no deletion id.
//!
//! Cases: 256 per backend (`SOFT_DELETE_TREE_CASES` to change),
//! SQLite always, PostgreSQL and MariaDB when their URL is set. A failure
//! prints its seed; `SOFT_DELETE_TREE_SEED=<seed>` replays just that case:
//!
//! ```text
//! SOFT_DELETE_TREE_SEED=17 cargo test --all-features --test test_property_tree -- --nocapture
//! ```

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::num::NonZeroU32;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use common::TestBackend as _;
use common::{Backend, Db};
use sea_query::Query;
use soft_delete::sqlx::{Dialect, Error, Model, SoftDeleteExt};
use soft_delete::{Cascade, SoftDelete, TrashMode};
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

/// How many cases each backend runs, unless `SOFT_DELETE_TREE_CASES` says.
const CASES: u64 = 256;

// ---------------------------------------------------------------------------
// Tables, rows, snapshots
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Table {
    Posts,
    Comments,
    Reactions,
}

impl Table {
    const ALL: [Table; 3] = [Table::Posts, Table::Comments, Table::Reactions];

    fn name(self) -> &'static str {
        match self {
            Table::Posts => "posts",
            Table::Comments => "comments",
            Table::Reactions => "reactions",
        }
    }

    /// The tables a cascade, an erase or a purge of this model reaches, in
    /// the order a [`Cascade`] reports them (the model's own first).
    fn reach(self) -> &'static [Table] {
        match self {
            Table::Posts => &[Table::Posts, Table::Comments, Table::Reactions],
            Table::Comments => &[Table::Comments, Table::Reactions],
            Table::Reactions => &[Table::Reactions],
        }
    }
}

type Key = (Table, i64);

/// A row's references: a comment's `(post_id, parent_id)`, a reaction's
/// `(comment_id, None)`, a post's `(None, None)`.
type Links = (Option<i64>, Option<i64>);

/// The FK parents of a row with `links` in `table`.
fn parents(table: Table, links: Links) -> Vec<Key> {
    match (table, links) {
        (Table::Posts, _) => Vec::new(),
        (Table::Comments, (post, parent)) => post
            .map(|post| (Table::Posts, post))
            .into_iter()
            .chain(parent.map(|parent| (Table::Comments, parent)))
            .collect(),
        (Table::Reactions, (comment, _)) => comment
            .map(|comment| (Table::Comments, comment))
            .into_iter()
            .collect(),
    }
}

/// A row as the database holds it.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    links: Links,
    trashed: bool,
    deletion_id: Option<i64>,
    deleted_at: Option<DateTime<Utc>>,
}

type Snapshot = BTreeMap<Key, Seen>;

/// What the property reads of each model's rows.
trait Fields {
    fn key(&self) -> Key;
    fn seen(&self) -> Seen;
}

impl Fields for Post {
    fn key(&self) -> Key {
        (Table::Posts, self.id)
    }
    fn seen(&self) -> Seen {
        Seen {
            links: (None, None),
            trashed: self.is_trashed(),
            deletion_id: self.deletion_id,
            deleted_at: self.deleted_at,
        }
    }
}

impl Fields for Comment {
    fn key(&self) -> Key {
        (Table::Comments, self.id)
    }
    fn seen(&self) -> Seen {
        Seen {
            links: (Some(self.post_id), self.parent_id),
            trashed: self.is_trashed(),
            deletion_id: self.deletion_id,
            deleted_at: self.deleted_at,
        }
    }
}

impl Fields for Reaction {
    fn key(&self) -> Key {
        (Table::Reactions, self.id)
    }
    fn seen(&self) -> Seen {
        Seen {
            links: (Some(self.comment_id), None),
            trashed: self.is_trashed(),
            deletion_id: self.deletion_id,
            deleted_at: self.deleted_at,
        }
    }
}

/// Binds `$T` to the model of `$table` for `$body`.
macro_rules! with_model {
    ($table:expr, $T:ident => $body:expr) => {
        match $table {
            Table::Posts => {
                type $T = Post;
                $body
            }
            Table::Comments => {
                type $T = Comment;
                $body
            }
            Table::Reactions => {
                type $T = Reaction;
                $body
            }
        }
    };
}

/// Every row of the three tables, read through the handles.
async fn snapshot<DB: Dialect>(pool: &Pool<DB>) -> Result<Snapshot, String>
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let mut rows = Snapshot::new();
    for table in Table::ALL {
        with_model!(table, T => {
            let list = T::on(pool)
                .list(TrashMode::WithTrashed)
                .await
                .map_err(|error| format!("listing {}: {error}", table.name()))?;
            for row in list {
                rows.insert(row.key(), row.seen());
            }
        });
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------
// Schema and the random tree
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnDelete {
    Restrict,
    NoAction,
    Cascade,
}

impl OnDelete {
    const ALL: [OnDelete; 3] = [OnDelete::Restrict, OnDelete::NoAction, OnDelete::Cascade];

    fn clause(self) -> &'static str {
        match self {
            OnDelete::Restrict => " ON DELETE RESTRICT",
            OnDelete::NoAction => "",
            OnDelete::Cascade => " ON DELETE CASCADE",
        }
    }
}

async fn schema(db: &Db, on_delete: OnDelete) {
    let time = match db.backend() {
        Backend::Sqlite => "TEXT",
        Backend::Postgres => "TIMESTAMPTZ",
        Backend::MySql => "DATETIME(6)",
    };
    let action = on_delete.clause();
    for ddl in [
        format!("CREATE TABLE posts (id BIGINT PRIMARY KEY, deleted_at {time} NULL, deletion_id BIGINT NULL)"),
        format!("CREATE TABLE comments (id BIGINT PRIMARY KEY, post_id BIGINT NOT NULL, parent_id BIGINT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL, FOREIGN KEY (post_id) REFERENCES posts (id){action}, FOREIGN KEY (parent_id) REFERENCES comments (id){action})"),
        format!("CREATE TABLE reactions (id BIGINT PRIMARY KEY, comment_id BIGINT NOT NULL, deleted_at {time} NULL, deletion_id BIGINT NULL, FOREIGN KEY (comment_id) REFERENCES comments (id){action})"),
    ] {
        db.raw(&ddl).await;
    }
    // The keys are real: a comment of no post is refused.
    let orphan = Query::insert()
        .into_table("comments")
        .columns(["id", "post_id"])
        .values_panic([1.into(), 999.into()])
        .to_owned();
    assert!(
        db.try_execute(&orphan).await.is_err(),
        "{}: the foreign keys are not enforced",
        db.backend()
    );
}

/// A small deterministic generator, seeded per case.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // SplitMix64 of the seed, so that neighbouring seeds diverge at once.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng(z ^ (z >> 31))
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.below(denominator) < numerator
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let index = usize::try_from(self.below(items.len() as u64)).expect("small");
        items[index]
    }
}

/// The rows a case starts with, all live.
#[derive(Debug, Clone)]
struct Tree {
    posts: Vec<i64>,
    /// `(id, post_id, parent_id)`, each parent before its replies.
    comments: Vec<(i64, i64, Option<i64>)>,
    /// `(id, comment_id)`.
    reactions: Vec<(i64, i64)>,
}

impl Tree {
    /// 1–3 posts; post `p` has up to 3 comments `p*10 + j`, each a reply to
    /// an earlier one of the post half the time; comment `c` has up to 2
    /// reactions `c*10 + k`.
    fn random(rng: &mut Rng) -> Tree {
        let mut tree = Tree {
            posts: Vec::new(),
            comments: Vec::new(),
            reactions: Vec::new(),
        };
        let posts = 1 + rng.below(3);
        for post in 1..=i64::try_from(posts).expect("small") {
            tree.posts.push(post);
            let comments = rng.below(4);
            for j in 1..=i64::try_from(comments).expect("small") {
                let id = post * 10 + j;
                let parent = (j > 1 && rng.chance(1, 2)).then(|| {
                    post * 10
                        + 1
                        + i64::try_from(rng.below(u64::try_from(j - 1).expect("positive")))
                            .expect("small")
                });
                tree.comments.push((id, post, parent));
                let reactions = rng.pick(&[0, 0, 1, 1, 2]);
                for k in 1..=reactions {
                    tree.reactions.push((id * 10 + k, id));
                }
            }
        }
        tree
    }

    fn describe(&self) -> String {
        format!(
            "posts {:?}; comments (id, post, parent) {:?}; reactions (id, comment) {:?}",
            self.posts, self.comments, self.reactions
        )
    }
}

/// Empties the tables and inserts `tree`.
async fn reset(db: &Db, tree: &Tree) {
    db.raw("UPDATE comments SET parent_id = NULL").await;
    for table in ["reactions", "comments", "posts"] {
        db.raw(&format!("DELETE FROM {table}")).await;
    }
    let values = |rows: Vec<String>| rows.join(", ");
    db.raw(&format!(
        "INSERT INTO posts (id) VALUES {}",
        values(tree.posts.iter().map(|id| format!("({id})")).collect())
    ))
    .await;
    if !tree.comments.is_empty() {
        db.raw(&format!(
            "INSERT INTO comments (id, post_id, parent_id) VALUES {}",
            values(
                tree.comments
                    .iter()
                    .map(|(id, post, parent)| match parent {
                        Some(parent) => format!("({id}, {post}, {parent})"),
                        None => format!("({id}, {post}, NULL)"),
                    })
                    .collect()
            )
        ))
        .await;
    }
    if !tree.reactions.is_empty() {
        db.raw(&format!(
            "INSERT INTO reactions (id, comment_id) VALUES {}",
            values(
                tree.reactions
                    .iter()
                    .map(|(id, comment)| format!("({id}, {comment})"))
                    .collect()
            )
        ))
        .await;
    }
}

// ---------------------------------------------------------------------------
// Operations and the in-memory model
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Op {
    /// `delete(id)`: the row's own soft delete.
    Delete(Table, i64),
    /// `cascade_delete(id)` of a post or a comment.
    CascadeDelete(Table, i64),
    /// `restore(id)`: a row trashed on its own comes back alone; one a
    /// cascade trashed is refused.
    Restore(Table, i64),
    /// `cascade_restore(id)`.
    CascadeRestore(Table, i64),
    /// `purge_trashed_before(now + 1 s).batch_size(n)`.
    Purge(Table, u32),
    /// `erase(id)`.
    Erase(Table, i64),
}

/// What an operation answered, as far as the model predicts it.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// `delete` / `restore`: `(id, trashed, holds a deletion id)` of the
    /// row returned.
    Row(Option<(i64, bool, bool)>),
    /// `cascade_delete` / `cascade_restore` / `erase`: rows per table.
    Cascade(Option<Vec<(&'static str, u64)>>),
    /// `Err(Error::Cascaded { table })`.
    Refused(&'static str),
    /// A purge: rows of the model removed, and roots kept (the sum of the
    /// batches' `kept`).
    Purged { removed: u64, kept: u64 },
}

/// How a trashed row was trashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// On its own: no deletion id.
    Own,
    /// As the root of the cascade run at this step: it holds the id.
    Root(usize),
    /// Below the root of the cascade run at this step: the negated id.
    Member(usize),
}

#[derive(Debug, Clone)]
struct ModelRow {
    links: Links,
    /// `None` while live.
    trashed: Option<(Mark, DateTime<Utc>)>,
    /// The step at which the row last became live (0: from the start).
    live_since: usize,
    /// The steps of every cascade that ever took the row.
    taken_by: BTreeSet<usize>,
}

#[derive(Debug, Default)]
struct TreeModel {
    rows: BTreeMap<Key, ModelRow>,
    /// Every row the case ever had, removed ones too (targets of operations
    /// that find nothing).
    ever: BTreeSet<Key>,
    /// The deletion id of the cascade run at each step.
    keys: BTreeMap<usize, i64>,
}

impl TreeModel {
    fn new(tree: &Tree) -> Self {
        let mut model = TreeModel::default();
        let live = |links| ModelRow {
            links,
            trashed: None,
            live_since: 0,
            taken_by: BTreeSet::new(),
        };
        for &post in &tree.posts {
            model.rows.insert((Table::Posts, post), live((None, None)));
        }
        for &(id, post, parent) in &tree.comments {
            model
                .rows
                .insert((Table::Comments, id), live((Some(post), parent)));
        }
        for &(id, comment) in &tree.reactions {
            model
                .rows
                .insert((Table::Reactions, id), live((Some(comment), None)));
        }
        model.ever = model.rows.keys().copied().collect();
        model
    }

    fn children(&self, key: Key) -> Vec<Key> {
        self.rows
            .iter()
            .filter(|(child, row)| parents(child.0, row.links).contains(&key))
            .map(|(child, _)| *child)
            .collect()
    }

    /// Every row below `key` through the declared cascades, any state.
    fn below(&self, key: Key) -> BTreeSet<Key> {
        let mut found = BTreeSet::new();
        let mut pending = vec![key];
        while let Some(next) = pending.pop() {
            for child in self.children(next) {
                if found.insert(child) {
                    pending.push(child);
                }
            }
        }
        found
    }

    /// The rows a cascade delete from the live row `key` takes: the row and
    /// every live row reachable from it through live rows.
    fn cascade_set(&self, key: Key) -> BTreeSet<Key> {
        let mut taken = BTreeSet::from([key]);
        let mut pending = vec![key];
        while let Some(next) = pending.pop() {
            for child in self.children(next) {
                if self.rows[&child].trashed.is_none() && taken.insert(child) {
                    pending.push(child);
                }
            }
        }
        taken
    }

    /// What a cascade restore of the trashed row `key` brings back: the row
    /// alone if trashed on its own, the root and its members if a root;
    /// `None` (refused) for a member.
    fn restore_set(&self, key: Key) -> Option<BTreeSet<Key>> {
        match self.rows[&key].trashed.map(|(mark, _)| mark) {
            None => Some(BTreeSet::new()),
            Some(Mark::Own) => Some(BTreeSet::from([key])),
            Some(Mark::Root(step)) => Some(
                self.rows
                    .iter()
                    .filter(
                        |(_, row)| matches!(row.trashed, Some((Mark::Member(s), _)) if s == step),
                    )
                    .map(|(key, _)| *key)
                    .chain([key])
                    .collect(),
            ),
            Some(Mark::Member(_)) => None,
        }
    }

    /// What a purge of `table` removes: each trashed row of `table` that is
    /// not a cascade's member (its own deletion or a cascade's root) and has
    /// no live row below, with everything below it; and how many such rows
    /// it keeps.
    fn purge_set(&self, table: Table) -> (BTreeSet<Key>, u64) {
        let mut removed = BTreeSet::new();
        let mut kept = 0;
        for (&key, row) in &self.rows {
            let due = key.0 == table && matches!(row.trashed, Some((Mark::Own | Mark::Root(_), _)));
            if !due {
                continue;
            }
            let below = self.below(key);
            if below.iter().any(|row| self.rows[row].trashed.is_none()) {
                kept += 1;
            } else {
                removed.insert(key);
                removed.extend(below);
            }
        }
        (removed, kept)
    }

    fn counts(table: Table, rows: &BTreeSet<Key>) -> Vec<(&'static str, u64)> {
        table
            .reach()
            .iter()
            .map(|&reached| {
                (
                    reached.name(),
                    rows.iter().filter(|(t, _)| *t == reached).count() as u64,
                )
            })
            .collect()
    }

    fn expect(&self, op: Op) -> Outcome {
        match op {
            Op::Delete(table, id) => Outcome::Row(
                self.rows
                    .get(&(table, id))
                    .filter(|row| row.trashed.is_none())
                    .map(|_| (id, true, false)),
            ),
            Op::CascadeDelete(table, id) => Outcome::Cascade(
                self.rows
                    .get(&(table, id))
                    .filter(|row| row.trashed.is_none())
                    .map(|_| Self::counts(table, &self.cascade_set((table, id)))),
            ),
            Op::Restore(table, id) => match self.rows.get(&(table, id)).map(|row| row.trashed) {
                None | Some(None) => Outcome::Row(None),
                Some(Some((Mark::Own, _))) => Outcome::Row(Some((id, false, false))),
                Some(Some(_)) => Outcome::Refused(table.name()),
            },
            Op::CascadeRestore(table, id) => match self.rows.get(&(table, id)) {
                None => Outcome::Cascade(None),
                Some(row) if row.trashed.is_none() => Outcome::Cascade(None),
                Some(_) => match self.restore_set((table, id)) {
                    Some(set) => Outcome::Cascade(Some(Self::counts(table, &set))),
                    None => Outcome::Refused(table.name()),
                },
            },
            Op::Purge(table, _) => {
                let (removed, kept) = self.purge_set(table);
                Outcome::Purged {
                    removed: removed.iter().filter(|(t, _)| *t == table).count() as u64,
                    kept,
                }
            }
            Op::Erase(table, id) => Outcome::Cascade(self.rows.get(&(table, id)).map(|_| {
                let mut set = self.below((table, id));
                set.insert((table, id));
                Self::counts(table, &set)
            })),
        }
    }

    /// Applies `op`, run at `step`, whose outcome matched [`expect`]:
    /// `seen` is the database after it (the markers and the deletion id it
    /// wrote are read from there).
    fn apply(&mut self, op: Op, step: usize, seen: &Snapshot) -> Result<(), String> {
        let written = |key: &Key| -> Result<(Option<i64>, DateTime<Utc>), String> {
            let row = seen
                .get(key)
                .ok_or_else(|| format!("{key:?} is not in the database"))?;
            let at = row
                .deleted_at
                .ok_or_else(|| format!("{key:?} holds no marker"))?;
            Ok((row.deletion_id, at))
        };
        match op {
            Op::Delete(table, id) => {
                if self
                    .rows
                    .get(&(table, id))
                    .is_some_and(|row| row.trashed.is_none())
                {
                    let (_, at) = written(&(table, id))?;
                    self.rows.get_mut(&(table, id)).expect("present").trashed =
                        Some((Mark::Own, at));
                }
            }
            Op::CascadeDelete(table, id) => {
                if self
                    .rows
                    .get(&(table, id))
                    .is_some_and(|row| row.trashed.is_none())
                {
                    let (key, at) = written(&(table, id))?;
                    let key = key.ok_or("the cascade's root holds no deletion id")?;
                    if key <= 0 {
                        return Err(format!("the cascade's root holds {key}, not a positive id"));
                    }
                    if self.keys.values().any(|earlier| *earlier == key) {
                        return Err(format!("deletion id {key} was used before in this case"));
                    }
                    self.keys.insert(step, key);
                    for taken in self.cascade_set((table, id)) {
                        let row = self.rows.get_mut(&taken).expect("present");
                        let mark = if taken == (table, id) {
                            Mark::Root(step)
                        } else {
                            Mark::Member(step)
                        };
                        row.trashed = Some((mark, at));
                        row.taken_by.insert(step);
                    }
                }
            }
            Op::Restore(table, id) => {
                if let Some(row) = self.rows.get_mut(&(table, id)) {
                    if matches!(row.trashed, Some((Mark::Own, _))) {
                        row.trashed = None;
                        row.live_since = step;
                    }
                }
            }
            Op::CascadeRestore(table, id) => {
                if self.rows.contains_key(&(table, id)) {
                    for key in self.restore_set((table, id)).unwrap_or_default() {
                        let row = self.rows.get_mut(&key).expect("present");
                        row.trashed = None;
                        row.live_since = step;
                    }
                }
            }
            Op::Purge(table, _) => {
                let (removed, _) = self.purge_set(table);
                for key in removed {
                    self.rows.remove(&key);
                }
            }
            Op::Erase(table, id) => {
                if self.rows.contains_key(&(table, id)) {
                    for key in self.below((table, id)) {
                        self.rows.remove(&key);
                    }
                    self.rows.remove(&(table, id));
                }
            }
        }
        Ok(())
    }

    /// The database the model expects.
    fn expected(&self) -> Snapshot {
        self.rows
            .iter()
            .map(|(&key, row)| {
                let deletion_id = row.trashed.and_then(|(mark, _)| match mark {
                    Mark::Own => None,
                    Mark::Root(step) => Some(self.keys[&step]),
                    Mark::Member(step) => Some(-self.keys[&step]),
                });
                (
                    key,
                    Seen {
                        links: row.links,
                        trashed: row.trashed.is_some(),
                        deletion_id,
                        deleted_at: row.trashed.map(|(_, at)| at),
                    },
                )
            })
            .collect()
    }

    /// A random operation, mostly on a row where it does something.
    fn pick(&self, rng: &mut Rng) -> Op {
        let of = |tables: &[Table], keep: &dyn Fn(&ModelRow) -> bool| -> Vec<Key> {
            self.rows
                .iter()
                .filter(|(key, row)| tables.contains(&key.0) && keep(row))
                .map(|(key, _)| *key)
                .collect()
        };
        let any = |tables: &[Table]| -> Vec<Key> {
            self.ever
                .iter()
                .filter(|key| tables.contains(&key.0))
                .copied()
                .collect()
        };
        let target = |preferred: Vec<Key>, fallback: Vec<Key>, rng: &mut Rng| -> Key {
            if !preferred.is_empty() && rng.chance(4, 5) {
                rng.pick(&preferred)
            } else {
                rng.pick(&fallback)
            }
        };
        let live = |row: &ModelRow| row.trashed.is_none();
        let trashed = |row: &ModelRow| row.trashed.is_some();
        let root = |row: &ModelRow| matches!(row.trashed, Some((Mark::Root(_), _)));
        let all = &Table::ALL[..];
        let cascading = &[Table::Posts, Table::Comments][..];
        let due = |row: &ModelRow| matches!(row.trashed, Some((Mark::Own | Mark::Root(_), _)));
        match rng.below(24) {
            0..=4 => {
                let (table, id) = target(of(all, &live), any(all), rng);
                Op::Delete(table, id)
            }
            5..=9 => {
                let (table, id) = target(of(cascading, &live), any(cascading), rng);
                Op::CascadeDelete(table, id)
            }
            10..=12 => {
                let (table, id) = target(of(all, &trashed), any(all), rng);
                Op::Restore(table, id)
            }
            13..=16 => {
                let roots = of(all, &root);
                let preferred = if !roots.is_empty() && rng.chance(1, 2) {
                    roots
                } else {
                    of(all, &trashed)
                };
                let (table, id) = target(preferred, any(all), rng);
                Op::CascadeRestore(table, id)
            }
            17..=21 => {
                // Mostly a model with due rows: a purge that has work.
                let (table, _) = target(of(all, &due), any(all), rng);
                Op::Purge(table, rng.pick(&[1, 1, 2, 3, 4, 1000]))
            }
            _ => {
                let (table, id) = target(of(all, &|_: &ModelRow| true), any(all), rng);
                Op::Erase(table, id)
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Running an operation
// ---------------------------------------------------------------------------

/// What the database answered: the outcome, the marker of a row `delete`
/// returned, and the batches' deleted rows of a purge.
struct Ran {
    outcome: Outcome,
    marker: Option<DateTime<Utc>>,
    batches_deleted: u64,
}

fn row_outcome<T: Fields>(row: Option<T>) -> (Outcome, Option<DateTime<Utc>>) {
    let seen = row.as_ref().map(|row| (row.key().1, row.seen()));
    (
        Outcome::Row(
            seen.as_ref()
                .map(|(id, seen)| (*id, seen.trashed, seen.deletion_id.is_some())),
        ),
        seen.and_then(|(_, seen)| seen.deleted_at),
    )
}

fn cascade_outcome(cascade: Option<Cascade>) -> Outcome {
    Outcome::Cascade(cascade.map(|cascade| cascade.rows))
}

async fn run<DB: Dialect>(pool: &Pool<DB>, op: Op) -> Result<Ran, Error>
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let plain = |outcome| Ran {
        outcome,
        marker: None,
        batches_deleted: 0,
    };
    let refused = |result: Result<Ran, Error>| match result {
        Err(Error::Cascaded { table }) => Ok(plain(Outcome::Refused(table))),
        other => other,
    };
    match op {
        Op::Delete(table, id) => with_model!(table, T => {
            let (outcome, marker) = row_outcome(T::on(pool).delete(id).await?);
            Ok(Ran { outcome, marker, batches_deleted: 0 })
        }),
        Op::Restore(table, id) => refused(with_model!(table, T => {
            T::on(pool).restore(id).await.map(|row| plain(row_outcome(row).0))
        })),
        Op::CascadeDelete(table, id) => with_model!(table, T => {
            Ok(plain(cascade_outcome(T::on(pool).cascade_delete(id).await?)))
        }),
        Op::CascadeRestore(table, id) => refused(with_model!(table, T => {
            T::on(pool).cascade_restore(id).await.map(|cascade| plain(cascade_outcome(cascade)))
        })),
        Op::Erase(table, id) => with_model!(table, T => {
            Ok(plain(cascade_outcome(T::on(pool).erase(id).await?)))
        }),
        Op::Purge(table, size) => {
            let size = NonZeroU32::new(size).expect("not 0");
            let cutoff = Utc::now() + Duration::seconds(1);
            let (mut kept, mut deleted) = (0, 0);
            let removed = with_model!(table, T => {
                T::on(pool)
                    .purge_trashed_before(cutoff)
                    .batch_size(size)
                    .on_batch(|progress| {
                        kept += progress.kept;
                        deleted += progress.deleted;
                    })
                    .await?
            });
            Ok(Ran {
                outcome: Outcome::Purged { removed, kept },
                marker: None,
                batches_deleted: deleted,
            })
        }
    }
}

// ---------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------

/// Every row above `key` in `rows` through the declared cascades.
fn ancestors(rows: &Snapshot, key: Key) -> Vec<Key> {
    let mut found = Vec::new();
    let mut pending = vec![key];
    while let Some(next) = pending.pop() {
        let Some(seen) = rows.get(&next) else {
            continue;
        };
        for parent in parents(next.0, seen.links) {
            if !found.contains(&parent) {
                found.push(parent);
                pending.push(parent);
            }
        }
    }
    found
}

/// The invariants on the database `rows` (which matched `model`), as a list
/// of violations; `now` is the wall clock at the check.
fn violations(rows: &Snapshot, model: &TreeModel, now: DateTime<Utc>) -> Vec<String> {
    let step_of: BTreeMap<i64, usize> = model.keys.iter().map(|(&s, &k)| (k, s)).collect();
    let mut found = Vec::new();
    for (&key, seen) in rows {
        let (table, id) = (key.0.name(), key.1);
        if let Some(at) = seen.deleted_at {
            if at > now {
                found.push(format!(
                    "{table} {id}: marker {at} is later than the wall clock {now}"
                ));
            }
        }
        if !seen.trashed {
            if seen.deletion_id.is_some() || seen.deleted_at.is_some() {
                found.push(format!("live {table} {id} holds {seen:?}"));
            }
            let Some(row) = model.rows.get(&key) else {
                continue;
            };
            for parent in parents(key.0, seen.links) {
                let Some(held) = rows.get(&parent).and_then(|p| p.deletion_id) else {
                    continue;
                };
                match step_of.get(&held.abs()) {
                    Some(&step) if row.live_since <= step => found.push(format!(
                        "live {table} {id} (live since step {}) is below {} {}, trashed by the cascade of step {step}, which left it live",
                        row.live_since,
                        parent.0.name(),
                        parent.1
                    )),
                    Some(_) => {}
                    None => found.push(format!(
                        "{} {} holds {held}, no cascade's id",
                        parent.0.name(),
                        parent.1
                    )),
                }
            }
            for above in ancestors(rows, key) {
                let Some(held) = rows.get(&above).and_then(|a| a.deletion_id) else {
                    continue;
                };
                if let Some(step) = step_of.get(&held.abs()) {
                    if row.taken_by.contains(step) {
                        found.push(format!(
                            "live {table} {id}, taken by the cascade of step {step}, is back while {} {} still holds that cascade's id {held}",
                            above.0.name(),
                            above.1
                        ));
                    }
                }
            }
            continue;
        }
        if seen.deleted_at.is_none() {
            found.push(format!("trashed {table} {id} holds no marker"));
        }
        if let Some(member) = seen.deletion_id.filter(|held| *held < 0) {
            let root = ancestors(rows, key).into_iter().find(|above| {
                rows.get(above)
                    .is_some_and(|a| a.trashed && a.deletion_id == Some(-member))
            });
            match root {
                None => found.push(format!(
                    "trashed {table} {id} holds {member}, and no row above it holds {}: its cascade_restore cannot bring it back",
                    -member
                )),
                Some(root) if rows[&root].deleted_at != seen.deleted_at => found.push(format!(
                    "{table} {id}'s marker {:?} is not its root {root:?}'s {:?}",
                    seen.deleted_at, rows[&root].deleted_at
                )),
                Some(_) => {}
            }
        }
    }
    found
}

/// Whether a live row sits directly below a row a cascade trashed (as the
/// documented operations allow: a row trashed on its own before its
/// parent's cascade, then restored alone; an inner cascade's restore).
fn live_below_a_cascade(rows: &Snapshot) -> bool {
    rows.iter().any(|(&key, seen)| {
        !seen.trashed
            && parents(key.0, seen.links).iter().any(|parent| {
                rows.get(parent)
                    .is_some_and(|p| p.trashed && p.deletion_id.is_some())
            })
    })
}

/// One line per row.
fn describe(rows: &Snapshot) -> String {
    let mut out = String::new();
    for ((table, id), seen) in rows {
        let _ = writeln!(out, "    {} {id}: {seen:?}", table.name());
    }
    out
}

fn diff(expected: &Snapshot, actual: &Snapshot) -> String {
    let keys: BTreeSet<&Key> = expected.keys().chain(actual.keys()).collect();
    let mut out = String::new();
    for key in keys {
        let (want, got) = (expected.get(key), actual.get(key));
        if want != got {
            let _ = writeln!(
                out,
                "    {} {}: expected {want:?}\n    {}    actual   {got:?}",
                key.0.name(),
                key.1,
                " ".repeat(key.0.name().len() + key.1.to_string().len())
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------
// A case, and the runs
// ---------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Stats {
    steps: u64,
    /// Operations that changed something.
    effective: u64,
    refused: u64,
    purged_rows: u64,
    kept_roots: u64,
    erased: u64,
    /// Cases in which a live row sat directly below a cascade-trashed row.
    live_below_cascade: u64,
}

/// Case `seed`, whose first draw (`on_delete`) chose `db`, goes on with
/// `rng`.
async fn case<DB: Dialect>(
    db: &Db,
    pool: &Pool<DB>,
    (seed, mut rng, on_delete): (u64, Rng, OnDelete),
    stats: &mut Stats,
) -> Result<(), String>
where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let backend = db.backend();
    let tree = Tree::random(&mut rng);
    reset(db, &tree).await;
    let mut model = TreeModel::new(&tree);
    let mut log = String::new();
    let context = |log: &str| {
        format!(
            "{backend}, seed {seed} (replay: SOFT_DELETE_TREE_SEED={seed}), foreign keys{}\n  tree: {}\n  steps:\n{log}",
            match on_delete {
                OnDelete::NoAction => " NO ACTION".to_owned(),
                other => other.clause().to_owned(),
            },
            tree.describe()
        )
    };
    let first = snapshot(pool).await?;
    if first != model.expected() {
        return Err(format!(
            "{}  the tree as inserted differs from the model:\n{}",
            context(&log),
            diff(&model.expected(), &first)
        ));
    }
    let mut live_below = false;
    let steps = 5 + rng.below(4);
    for step in 1..=usize::try_from(steps).expect("small") {
        let op = model.pick(&mut rng);
        let expected = model.expect(op);
        let live_before: Vec<Key> = model
            .rows
            .iter()
            .filter(|(_, row)| row.trashed.is_none())
            .map(|(key, _)| *key)
            .collect();
        let started = Utc::now();
        let ran = run(pool, op).await;
        let finished = Utc::now();
        let ran = match ran {
            Ok(ran) => ran,
            Err(error) => {
                let _ = writeln!(log, "    {step}. {op:?} -> Err({error:?})");
                return Err(format!(
                    "{}  step {step} failed: {error}\n  the model expected {expected:?}",
                    context(&log)
                ));
            }
        };
        let _ = writeln!(log, "    {step}. {op:?} -> {:?}", ran.outcome);
        stats.steps += 1;
        if ran.outcome != expected {
            return Err(format!(
                "{}  step {step} answered {:?}, the model expected {expected:?}\n  database before it:\n{}",
                context(&log),
                ran.outcome,
                describe(&model.expected())
            ));
        }
        match &ran.outcome {
            Outcome::Refused(_) => stats.refused += 1,
            Outcome::Row(Some(_)) | Outcome::Cascade(Some(_)) => stats.effective += 1,
            Outcome::Purged { removed, kept } => {
                stats.purged_rows += removed;
                stats.kept_roots += kept;
                if ran.batches_deleted != *removed {
                    return Err(format!(
                        "{}  step {step}: the batches report {} rows deleted, the purge {removed}",
                        context(&log),
                        ran.batches_deleted
                    ));
                }
            }
            Outcome::Row(None) | Outcome::Cascade(None) => {}
        }
        if matches!(
            (op, &ran.outcome),
            (Op::Erase(..), Outcome::Cascade(Some(_)))
        ) {
            stats.erased += 1;
        }
        let seen = snapshot(pool).await?;
        let now = Utc::now();
        // A delete's marker is the handle's now: within the call.
        let window = |at: DateTime<Utc>| {
            at >= started - Duration::milliseconds(1) && at <= finished + Duration::milliseconds(1)
        };
        if let (Op::Delete(table, id), Some(at)) = (op, ran.marker) {
            if !window(at) || seen.get(&(table, id)).and_then(|s| s.deleted_at) != Some(at) {
                return Err(format!(
                    "{}  step {step}: delete returned marker {at}, outside [{started}, {finished}] or not the stored {:?}",
                    context(&log),
                    seen.get(&(table, id))
                ));
            }
        }
        if let (Op::CascadeDelete(table, id), Outcome::Cascade(Some(_))) = (op, &ran.outcome) {
            let at = seen.get(&(table, id)).and_then(|s| s.deleted_at);
            if !at.is_some_and(window) {
                return Err(format!(
                    "{}  step {step}: the cascade's root holds marker {at:?}, outside [{started}, {finished}]",
                    context(&log)
                ));
            }
        }
        model
            .apply(op, step, &seen)
            .map_err(|error| format!("{}  step {step}: {error}", context(&log)))?;
        let expected_rows = model.expected();
        if seen != expected_rows {
            return Err(format!(
                "{}  after step {step} the database differs from the model:\n{}",
                context(&log),
                diff(&expected_rows, &seen)
            ));
        }
        if let Op::Purge(..) = op {
            let gone: Vec<&Key> = live_before
                .iter()
                .filter(|key| seen.get(key).is_none_or(|row| row.trashed))
                .collect();
            if !gone.is_empty() {
                return Err(format!(
                    "{}  step {step}: the purge removed live rows {gone:?}",
                    context(&log)
                ));
            }
        }
        let broken = violations(&seen, &model, now);
        if !broken.is_empty() {
            return Err(format!(
                "{}  after step {step}:\n    {}",
                context(&log),
                broken.join("\n    ")
            ));
        }
        live_below |= live_below_a_cascade(&seen);
    }
    stats.live_below_cascade += u64::from(live_below);
    Ok(())
}

/// The foreign keys' action of a case, its first draw: `RESTRICT` half the
/// time.
fn on_delete_of(rng: &mut Rng) -> OnDelete {
    [
        OnDelete::Restrict,
        OnDelete::Restrict,
        OnDelete::NoAction,
        OnDelete::Cascade,
    ][usize::try_from(rng.below(4)).expect("small")]
}

/// The seeds to run: `SOFT_DELETE_TREE_SEED` alone, else `0..cases`.
fn seeds(cases: u64) -> Vec<u64> {
    if let Some(seed) = std::env::var("SOFT_DELETE_TREE_SEED")
        .ok()
        .filter(|seed| !seed.is_empty())
    {
        return vec![seed
            .parse()
            .expect("SOFT_DELETE_TREE_SEED is a case's number")];
    }
    (0..cases).collect()
}

fn cases() -> u64 {
    std::env::var("SOFT_DELETE_TREE_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(CASES)
}

async fn run_seeds<DB: Dialect>(
    dbs: &[(OnDelete, Db)],
    pool_of: fn(&Db) -> &Pool<DB>,
    seeds: &[u64],
) where
    Post: Model<DB>,
    Comment: Model<DB>,
    Reaction: Model<DB>,
{
    let backend = dbs[0].1.backend();
    let started = Instant::now();
    let mut stats = Stats::default();
    for &seed in seeds {
        let mut rng = Rng::new(seed);
        let on_delete = on_delete_of(&mut rng);
        let db = &dbs
            .iter()
            .find(|(action, _)| *action == on_delete)
            .expect("one database per action")
            .1;
        if let Err(failure) = case(db, pool_of(db), (seed, rng, on_delete), &mut stats).await {
            panic!("{failure}");
        }
    }
    println!(
        "{backend}: {} cases passed in {:.1} s: {} steps ({} changed something, {} refused (Error::Cascaded), {} rows purged, {} purge roots kept, {} erases); {} cases had a live row directly below a cascade-trashed row (a documented restore)",
        seeds.len(),
        started.elapsed().as_secs_f64(),
        stats.steps,
        stats.effective,
        stats.refused,
        stats.purged_rows,
        stats.kept_roots,
        stats.erased,
        stats.live_below_cascade,
    );
}

/// Runs `seeds` on `backend` (skipped with one line when not configured):
/// one database per foreign-key action, its tables cleared between cases.
async fn property_on(backend: Backend, seeds: &[u64]) {
    let Some(backend) = backend.if_configured() else {
        return;
    };
    let mut dbs = Vec::new();
    for on_delete in OnDelete::ALL {
        let db = Db::options(backend).max_connections(2).connect().await;
        schema(&db, on_delete).await;
        dbs.push((on_delete, db));
    }
    match backend {
        Backend::Sqlite => run_seeds(&dbs, Db::sqlite_pool, seeds).await,
        Backend::Postgres => run_seeds(&dbs, Db::postgres_pool, seeds).await,
        Backend::MySql => run_seeds(&dbs, Db::mysql_pool, seeds).await,
    }
}

#[tokio::test]
async fn random_trees_agree_with_the_model_on_sqlite() {
    property_on(Backend::Sqlite, &seeds(cases())).await;
}

#[tokio::test]
async fn random_trees_agree_with_the_model_on_postgres() {
    property_on(Backend::Postgres, &seeds(cases())).await;
}

#[tokio::test]
async fn random_trees_agree_with_the_model_on_mariadb() {
    property_on(Backend::MySql, &seeds(cases())).await;
}
