//! Scoped joins executed on SQLite, PostgreSQL and MariaDB, with trashed
//! rows on both sides: `inner_join_scoped` and `left_join_scoped` return, for
//! every pair of views (the base table's and the joined table's), exactly
//! the rows an in-memory model of the data says; a left join keeps parents
//! whose children are all trashed, with `NULL`s, where the scope in `WHERE`
//! loses them.

mod common;

use chrono::{DateTime, Utc};
use common::{seen, Db, FromRow, Row, SqlType};
use sea_query::{Expr, ExprTrait, Query, SelectStatement};
use soft_delete::{ScopedJoin, SoftDelete, TrashMode};

/// The parent: a timestamp marker.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "posts")]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// The child: a bool marker, so both styles meet in one join.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "comments", style = "bool")]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub is_deleted: bool,
}

/// Posts as `(id, trashed)`: 1 live with a live and a trashed comment, 2
/// trashed with the same, 3 live without comments, 4 live with a trashed
/// comment only, 5 trashed without comments.
const POSTS: [(i64, bool); 5] = [(1, false), (2, true), (3, false), (4, false), (5, true)];

/// Comments as `(id, post_id, trashed)`.
const COMMENTS: [(i64, i64, bool); 5] = [
    (10, 1, false),
    (11, 1, true),
    (12, 2, false),
    (13, 2, true),
    (14, 4, true),
];

/// Creates both tables, inserts the rows live and trashes through the
/// library those marked trashed.
async fn seed(db: &Db) {
    db.create_table(
        Post::TABLE,
        &[
            ("id", SqlType::Id),
            ("title", SqlType::Text),
            ("deleted_at", SqlType::TimestampTz),
        ],
    )
    .await;
    db.create_table(
        Comment::TABLE,
        &[
            ("id", SqlType::Id),
            ("post_id", SqlType::BigInt),
            ("is_deleted", SqlType::Bool),
        ],
    )
    .await;
    let mut posts = Query::insert();
    posts
        .into_table(PostColumn::Table)
        .columns([PostColumn::Id, PostColumn::Title]);
    for (id, _) in POSTS {
        posts.values_panic([id.into(), format!("post {id}").into()]);
    }
    db.execute(&posts).await;
    let mut comments = Query::insert();
    comments
        .into_table(CommentColumn::Table)
        .columns([CommentColumn::Id, CommentColumn::PostId]);
    for (id, post_id, _) in COMMENTS {
        comments.values_panic([id.into(), post_id.into()]);
    }
    db.execute(&comments).await;
    for (id, trashed) in POSTS {
        if trashed {
            assert_eq!(db.execute(&Post::delete_by_id(id)).await, 1);
        }
    }
    for (id, _, trashed) in COMMENTS {
        if trashed {
            assert_eq!(db.execute(&Comment::delete_by_id(id)).await, 1);
        }
    }
}

/// `posts.id = comments.post_id`.
fn post_of_comment() -> Expr {
    Expr::col((PostColumn::Table, PostColumn::Id))
        .equals((CommentColumn::Table, CommentColumn::PostId))
}

/// A post and the comment a left join paired it with, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pair(i64, Option<i64>);

impl FromRow for Pair {
    fn from_row(row: &Row<'_>) -> Self {
        Pair(row.get("id"), row.get("comment_id"))
    }
}

/// The posts of `post_mode`, left joined with their comments of `comment_mode`.
fn posts_with_comments(post_mode: TrashMode, comment_mode: TrashMode) -> SelectStatement {
    Post::query_in(post_mode)
        .expr_as(
            Expr::col((CommentColumn::Table, CommentColumn::Id)),
            "comment_id",
        )
        .left_join_scoped::<Comment>(post_of_comment(), comment_mode)
        .to_owned()
}

async fn pairs(db: &Db, select: &SelectStatement) -> Vec<Pair> {
    let mut pairs = db.fetch::<Pair, _>(select).await;
    pairs.sort_unstable();
    pairs
}

#[tokio::test]
async fn inner_join_keeps_the_rows_matched_in_the_joined_view() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        seed(&db).await;
        for comment_mode in TrashMode::ALL {
            for post_mode in TrashMode::ALL {
                let select = Comment::query_in(comment_mode)
                    .inner_join_scoped::<Post>(post_of_comment(), post_mode)
                    .to_owned();
                let expected: Vec<i64> = COMMENTS
                    .iter()
                    .filter(|(_, post_id, trashed)| {
                        seen(comment_mode, *trashed)
                            && POSTS
                                .iter()
                                .any(|(id, trashed)| id == post_id && seen(post_mode, *trashed))
                    })
                    .map(|(id, _, _)| *id)
                    .collect();
                assert_eq!(
                    db.ids::<Comment>(&select).await,
                    expected,
                    "{backend}: comments {comment_mode}, posts {post_mode}: `{}`",
                    db.sql(&select)
                );
            }
        }
        // The everyday case, spelled out: live comments of live posts.
        let live = Comment::query()
            .inner_join_scoped::<Post>(post_of_comment(), TrashMode::WithoutTrashed)
            .to_owned();
        assert_eq!(db.ids::<Comment>(&live).await, [10], "{backend}");
        // And what a plain join leaks: the live comment of trashed post 2.
        let plain = Comment::query()
            .inner_join(PostColumn::Table, post_of_comment())
            .to_owned();
        assert_eq!(db.ids::<Comment>(&plain).await, [10, 12], "{backend}");
    }
}

#[tokio::test]
async fn left_join_keeps_every_parent_and_pairs_it_with_the_joined_view() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        seed(&db).await;
        for post_mode in TrashMode::ALL {
            for comment_mode in TrashMode::ALL {
                let select = posts_with_comments(post_mode, comment_mode);
                let mut expected = Vec::new();
                for (post, trashed) in POSTS {
                    if !seen(post_mode, trashed) {
                        continue;
                    }
                    let matched: Vec<Pair> = COMMENTS
                        .iter()
                        .filter(|(_, post_id, trashed)| {
                            *post_id == post && seen(comment_mode, *trashed)
                        })
                        .map(|(id, _, _)| Pair(post, Some(*id)))
                        .collect();
                    if matched.is_empty() {
                        expected.push(Pair(post, None));
                    } else {
                        expected.extend(matched);
                    }
                }
                assert_eq!(
                    pairs(&db, &select).await,
                    expected,
                    "{backend}: posts {post_mode}, comments {comment_mode}: `{}`",
                    db.sql(&select)
                );
            }
        }
        // Spelled out: every live post once, with its live comments or NULL;
        // post 4, whose only comment is trashed, is kept with NULL.
        assert_eq!(
            pairs(
                &db,
                &posts_with_comments(TrashMode::WithoutTrashed, TrashMode::WithoutTrashed)
            )
            .await,
            [Pair(1, Some(10)), Pair(3, None), Pair(4, None)],
            "{backend}"
        );
        assert_eq!(
            pairs(
                &db,
                &posts_with_comments(TrashMode::WithoutTrashed, TrashMode::OnlyTrashed)
            )
            .await,
            [Pair(1, Some(11)), Pair(3, None), Pair(4, Some(14))],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn scope_in_where_loses_parents_that_the_scoped_left_join_keeps() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        seed(&db).await;
        // The hand-written way: the child's scope in WHERE. `NULL = FALSE`
        // is not true, so posts 3 and 4 vanish from a LEFT JOIN.
        let in_where = Post::query()
            .expr_as(
                Expr::col((CommentColumn::Table, CommentColumn::Id)),
                "comment_id",
            )
            .left_join(CommentColumn::Table, post_of_comment())
            .cond_where(Comment::scope(TrashMode::WithoutTrashed))
            .to_owned();
        assert_eq!(
            pairs(&db, &in_where).await,
            [Pair(1, Some(10))],
            "{backend}"
        );
        let scoped = posts_with_comments(TrashMode::WithoutTrashed, TrashMode::WithoutTrashed);
        assert_eq!(
            pairs(&db, &scoped).await,
            [Pair(1, Some(10)), Pair(3, None), Pair(4, None)],
            "{backend}"
        );
    }
}
