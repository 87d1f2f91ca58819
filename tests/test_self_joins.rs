//! Self-joins under an alias, executed on SQLite, PostgreSQL and MariaDB: a
//! comment and its parent, both of `comments`. `inner_join_scoped_as` and
//! `left_join_scoped_as` scope the alias, for every pair of views, to
//! exactly the rows an in-memory model of the data says; the table-named
//! `T::scope` in the same join scopes the other copy and lets trashed
//! parents through, and `T::scope_as` in `WHERE` filters the alias.
//! SeaORM's `join_as` through `SelectExt::join_as_in` scopes it the same.

mod common;
#[path = "common/sea.rs"]
mod sea;

use chrono::{DateTime, Utc};
use common::{seen, Db, FromRow, Row, SqlType};
use sea_query::{Condition, Expr, ExprTrait, JoinType, Query, SelectStatement};
use soft_delete::{ScopedJoin, SoftDelete, TrashMode};

#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(table = "comments")]
pub struct Comment {
    pub id: i64,
    /// 0 for a comment that answers none.
    pub parent_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// `(id, parent_id, trashed)`: 1 live and 2 trashed roots; replies 3 (live)
/// and 5 (trashed) to 1, 4 (live) and 6 (trashed) to 2; 7 (live) answers
/// the live reply 3.
const COMMENTS: [(i64, i64, bool); 7] = [
    (1, 0, false),
    (2, 0, true),
    (3, 1, false),
    (4, 2, false),
    (5, 1, true),
    (6, 2, true),
    (7, 3, false),
];

fn is_trashed(id: i64) -> Option<bool> {
    COMMENTS
        .iter()
        .find(|(comment, ..)| *comment == id)
        .map(|(.., trashed)| *trashed)
}

async fn seed(db: &Db) {
    db.create_table(
        Comment::TABLE,
        &[
            ("id", SqlType::Id),
            ("parent_id", SqlType::BigInt),
            ("deleted_at", SqlType::TimestampTz),
        ],
    )
    .await;
    let mut insert = Query::insert();
    insert
        .into_table(CommentColumn::Table)
        .columns([CommentColumn::Id, CommentColumn::ParentId]);
    for (id, parent, _) in COMMENTS {
        insert.values_panic([id.into(), parent.into()]);
    }
    db.execute(&insert).await;
    for (id, _, trashed) in COMMENTS {
        if trashed {
            assert_eq!(db.execute(&Comment::delete_by_id(id)).await, 1);
        }
    }
}

/// The replies of `reply_mode` whose parent is in `parent_mode`, by id: what
/// an inner self-join must return.
fn replies_with_parent(reply_mode: TrashMode, parent_mode: TrashMode) -> Vec<i64> {
    COMMENTS
        .iter()
        .filter(|(_, parent, trashed)| {
            seen(reply_mode, *trashed) && is_trashed(*parent).is_some_and(|t| seen(parent_mode, t))
        })
        .map(|(id, ..)| *id)
        .collect()
}

/// `parent.id = comments.parent_id`.
fn parent_of_reply() -> Expr {
    Expr::col(("parent", "id")).equals((CommentColumn::Table, CommentColumn::ParentId))
}

/// A comment and the parent a left join paired it with, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pair(i64, Option<i64>);

impl FromRow for Pair {
    fn from_row(row: &Row<'_>) -> Self {
        Pair(row.get("id"), row.get("parent"))
    }
}

fn with_parent(select: &mut SelectStatement) -> SelectStatement {
    select
        .expr_as(Expr::col(("parent", "id")), "parent")
        .to_owned()
}

async fn pairs(db: &Db, select: &SelectStatement) -> Vec<Pair> {
    let mut pairs = db.fetch::<Pair, _>(select).await;
    pairs.sort_unstable();
    pairs
}

#[tokio::test]
async fn inner_self_join_scopes_the_alias() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        seed(&db).await;
        for reply_mode in TrashMode::ALL {
            for parent_mode in TrashMode::ALL {
                let select = Comment::query_in(reply_mode)
                    .inner_join_scoped_as::<Comment>("parent", parent_of_reply(), parent_mode)
                    .to_owned();
                let expected = replies_with_parent(reply_mode, parent_mode);
                assert_eq!(
                    db.ids::<Comment>(&select).await,
                    expected,
                    "{backend}: replies {reply_mode:?}, parents {parent_mode:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn left_self_join_keeps_every_reply_and_pairs_it_with_a_parent_in_view() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        seed(&db).await;
        for reply_mode in TrashMode::ALL {
            for parent_mode in TrashMode::ALL {
                let mut select = Comment::query_in(reply_mode);
                select.left_join_scoped_as::<Comment>("parent", parent_of_reply(), parent_mode);
                let mut expected: Vec<Pair> = COMMENTS
                    .iter()
                    .filter(|(.., trashed)| seen(reply_mode, *trashed))
                    .map(|(id, parent, _)| {
                        let paired = is_trashed(*parent)
                            .is_some_and(|t| seen(parent_mode, t))
                            .then_some(*parent);
                        Pair(*id, paired)
                    })
                    .collect();
                expected.sort_unstable();
                assert_eq!(
                    pairs(&db, &with_parent(&mut select)).await,
                    expected,
                    "{backend}: replies {reply_mode:?}, parents {parent_mode:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_table_named_scope_lets_trashed_parents_through_where_scope_as_does_not() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        seed(&db).await;
        // Live replies with a live parent: 3 (of 1) and 7 (of 3), not 4,
        // whose parent 2 is trashed.
        let scoped = Comment::query()
            .inner_join_scoped_as::<Comment>("parent", parent_of_reply(), TrashMode::WithoutTrashed)
            .to_owned();
        assert_eq!(db.ids::<Comment>(&scoped).await, [3, 7], "{backend}");
        // The same join with the scope that names the table: it filters
        // `comments`, the replies, again, and reply 4 comes through.
        let leaking = Comment::query()
            .join_as(
                JoinType::InnerJoin,
                Comment::TABLE,
                "parent",
                Condition::all()
                    .add(parent_of_reply())
                    .add(Comment::scope(TrashMode::WithoutTrashed)),
            )
            .to_owned();
        assert_eq!(db.ids::<Comment>(&leaking).await, [3, 4, 7], "{backend}");
        // `scope_as` in WHERE, for a join written by hand.
        let by_hand = Comment::query()
            .join_as(
                JoinType::InnerJoin,
                Comment::TABLE,
                "parent",
                parent_of_reply(),
            )
            .cond_where(Comment::scope_as("parent", TrashMode::WithoutTrashed))
            .to_owned();
        assert_eq!(db.ids::<Comment>(&by_hand).await, [3, 7], "{backend}");
        // Trashed replies of trashed parents: 6 (of 2).
        let trashed_pairs = Comment::only_trashed()
            .cond_where(Comment::scope_as("parent", TrashMode::OnlyTrashed))
            .join_as(
                JoinType::InnerJoin,
                Comment::TABLE,
                "parent",
                parent_of_reply(),
            )
            .to_owned();
        assert_eq!(db.ids::<Comment>(&trashed_pairs).await, [6], "{backend}");
    }
}

mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, soft_delete::SoftDelete)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub parent_id: i64,
        pub deleted_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(belongs_to = "Entity", from = "Column::ParentId", to = "Column::Id")]
        Parent,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

#[tokio::test]
async fn sea_orm_self_join_scopes_the_alias() {
    use sea_orm::{JoinType, QueryOrder as _, RelationTrait as _};
    use soft_delete::sea_orm::{SelectExt as _, SoftDeleteEntity as _};
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        seed(&db).await;
        let connection = sea::connection(&db);
        for reply_mode in TrashMode::ALL {
            for parent_mode in TrashMode::ALL {
                let found = entity::Entity::find_in(reply_mode)
                    .join_as_in::<entity::Entity>(
                        JoinType::InnerJoin,
                        entity::Relation::Parent.def(),
                        "parent",
                        parent_mode,
                    )
                    .order_by_asc(entity::Column::Id)
                    .all(&connection)
                    .await
                    .unwrap_or_else(|e| panic!("{backend}: {e}"));
                let ids: Vec<i64> = found.iter().map(|comment| comment.id).collect();
                let expected = replies_with_parent(reply_mode, parent_mode);
                assert_eq!(
                    ids, expected,
                    "{backend}: replies {reply_mode:?}, parents {parent_mode:?}"
                );
            }
        }
    }
}
