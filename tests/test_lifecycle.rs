//! Every statement of the `SoftDelete` trait executed on real tables — SQLite
//! always, PostgreSQL and MariaDB when their URL is set — checking the rows
//! each write affects and the rows each view then shows.

mod common;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use common::TestBackend as _;
use common::{Db, FromRow, Row, SqlType};
use sea_query::{Cond, Expr, ExprTrait, JoinType, Query, Value};
use soft_delete::{SoftDelete, TrashMode};

/// Timestamp marker with time zone, a renamed column and a skipped field.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "posts")]
struct Post {
    id: i64,
    author_id: i64,
    title: String,
    #[soft_delete(rename = "body_text")]
    body: String,
    #[soft_delete(skip)]
    cached_len: usize,
    deleted_at: Option<DateTime<Utc>>,
}

impl FromRow for Post {
    fn from_row(row: &Row<'_>) -> Self {
        let body: String = row.get("body_text");
        Post {
            id: row.get("id"),
            author_id: row.get("author_id"),
            title: row.get("title"),
            cached_len: body.len(),
            body,
            deleted_at: row.get("deleted_at"),
        }
    }
}

/// The second table of the join: it has a `deleted_at` column too.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "comments")]
struct Comment {
    id: i64,
    post_id: i64,
    deleted_at: Option<DateTime<Utc>>,
}

/// Bool marker.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "flags", style = "bool")]
struct Flag {
    id: i64,
    name: String,
    is_deleted: bool,
}

impl FromRow for Flag {
    fn from_row(row: &Row<'_>) -> Self {
        Flag {
            id: row.get("id"),
            name: row.get("name"),
            is_deleted: row.get("is_deleted"),
        }
    }
}

/// Timestamp marker without time zone, under a non-default column name.
#[derive(Debug, Clone, PartialEq, SoftDelete)]
#[soft_delete(table = "notes", column = "removed_at")]
struct Note {
    id: i64,
    title: String,
    removed_at: Option<NaiveDateTime>,
}

impl FromRow for Note {
    fn from_row(row: &Row<'_>) -> Self {
        Note {
            id: row.get("id"),
            title: row.get("title"),
            removed_at: row.get("removed_at"),
        }
    }
}

/// A fixed instant with a fractional part, so microsecond storage is checked.
fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 2, 29, 23, 59, 58).unwrap() + Duration::microseconds(123_456)
}

async fn posts_db(backend: common::Backend) -> Db {
    let db = Db::connect(backend).await;
    db.create_table(
        Post::TABLE,
        &[
            ("id", SqlType::Id),
            ("author_id", SqlType::BigInt),
            ("title", SqlType::Text),
            ("body_text", SqlType::Text),
            ("deleted_at", SqlType::TimestampTz),
        ],
    )
    .await;
    db
}

fn post(id: i64, author_id: i64, deleted_at: Option<DateTime<Utc>>) -> Post {
    let body = format!("body of {id}");
    Post {
        id,
        author_id,
        title: format!("title {id}"),
        cached_len: body.len(),
        body,
        deleted_at,
    }
}

/// Inserts `rows` as they are, markers included.
async fn insert_posts(db: &Db, rows: &[Post]) {
    for row in rows {
        let insert = Query::insert()
            .into_table(Post::TABLE)
            .columns(Post::COLUMNS.iter().copied())
            .values_panic([
                row.id.into(),
                row.author_id.into(),
                row.title.clone().into(),
                row.body.clone().into(),
                Value::ChronoDateTimeUtc(row.deleted_at).into(),
            ])
            .to_owned();
        assert_eq!(db.execute(&insert).await, 1, "{}: insert", db.backend());
    }
}

/// The marker of post `id`, read through `with_trashed`; panics if absent.
async fn post_marker(db: &Db, id: i64) -> Option<DateTime<Utc>> {
    let rows = db
        .fetch::<Post, _>(&Post::find_in(id, TrashMode::WithTrashed))
        .await;
    assert_eq!(rows.len(), 1, "{}: post {id} should exist", db.backend());
    rows[0].deleted_at
}

fn author_is(author_id: i64) -> Expr {
    Expr::col((PostColumn::Table, PostColumn::AuthorId)).eq(author_id)
}

fn post_id_is(id: i64) -> Expr {
    Expr::col((PostColumn::Table, PostColumn::Id)).eq(id)
}

/// Live posts 1, 2, 4 and trashed posts 3 (at `base_time`) and 5 (a day later).
async fn seeded_posts(backend: common::Backend) -> Db {
    let db = posts_db(backend).await;
    let t = base_time();
    insert_posts(
        &db,
        &[
            post(1, 10, None),
            post(2, 10, None),
            post(3, 10, Some(t)),
            post(4, 20, None),
            post(5, 20, Some(t + Duration::days(1))),
        ],
    )
    .await;
    db
}

#[tokio::test]
async fn columns_follow_rename_and_skip() {
    assert_eq!(
        Post::COLUMNS,
        ["id", "author_id", "title", "body_text", "deleted_at"]
    );
    for backend in common::backends() {
        let db = seeded_posts(backend).await;
        let rows = db.fetch::<Post, _>(&Post::find(1)).await;
        assert_eq!(rows, [post(1, 10, None)], "{backend}: find(1)");
        let rows = db
            .fetch::<Post, _>(&Post::find_in(3, TrashMode::WithTrashed))
            .await;
        assert_eq!(
            rows,
            [post(3, 10, Some(base_time()))],
            "{backend}: the marker reads back with its microseconds"
        );
    }
}

#[tokio::test]
async fn views_show_live_trashed_or_all_rows() {
    for backend in common::backends() {
        let db = seeded_posts(backend).await;
        assert_eq!(
            db.ids::<Post>(&Post::query()).await,
            [1, 2, 4],
            "{backend}: query"
        );
        assert_eq!(
            db.ids::<Post>(&Post::with_trashed()).await,
            [1, 2, 3, 4, 5],
            "{backend}: with_trashed"
        );
        assert_eq!(
            db.ids::<Post>(&Post::only_trashed()).await,
            [3, 5],
            "{backend}: only_trashed"
        );
        for (mode, expected) in [
            ("without", vec![1, 2, 4]),
            ("with", vec![1, 2, 3, 4, 5]),
            ("only", vec![3, 5]),
        ] {
            let mode: TrashMode = mode.parse().unwrap();
            assert_eq!(
                db.ids::<Post>(&Post::query_in(mode)).await,
                expected,
                "{backend}: query_in({mode})"
            );
            // The same rows through `scope` on a hand-built select.
            let select = Query::select()
                .column((PostColumn::Table, PostColumn::Id))
                .from(Post::TABLE)
                .cond_where(Post::scope(mode))
                .to_owned();
            assert_eq!(
                db.ids::<Post>(&select).await,
                expected,
                "{backend}: scope({mode}): {}",
                db.sql(&select)
            );
        }
        // find and find_in by mode.
        assert_eq!(db.ids::<Post>(&Post::find(2)).await, [2], "{backend}");
        assert!(
            db.ids::<Post>(&Post::find(3)).await.is_empty(),
            "{backend}: find of a trashed row finds nothing"
        );
        assert!(
            db.ids::<Post>(&Post::find(99)).await.is_empty(),
            "{backend}"
        );
        assert_eq!(
            db.ids::<Post>(&Post::find_in(3, TrashMode::WithTrashed))
                .await,
            [3],
            "{backend}"
        );
        assert_eq!(
            db.ids::<Post>(&Post::find_in(3, TrashMode::OnlyTrashed))
                .await,
            [3],
            "{backend}"
        );
        assert!(
            db.ids::<Post>(&Post::find_in(2, TrashMode::OnlyTrashed))
                .await
                .is_empty(),
            "{backend}: a live row is not in only_trashed"
        );
    }
}

#[tokio::test]
async fn an_or_filter_never_widens_the_scope() {
    for backend in common::backends() {
        let db = seeded_posts(backend).await;
        let any = || Cond::any().add(author_is(10)).add(author_is(20));
        let live = Post::query().cond_where(any()).to_owned();
        assert_eq!(
            db.ids::<Post>(&live).await,
            [1, 2, 4],
            "{backend}: {}",
            db.sql(&live)
        );
        let trashed = Post::only_trashed().cond_where(any()).to_owned();
        assert_eq!(
            db.ids::<Post>(&trashed).await,
            [3, 5],
            "{backend}: {}",
            db.sql(&trashed)
        );
        // The user's OR first, the scope after it.
        let select = Query::select()
            .column((PostColumn::Table, PostColumn::Id))
            .from(Post::TABLE)
            .cond_where(any())
            .cond_where(Post::scope(TrashMode::WithoutTrashed))
            .to_owned();
        assert_eq!(
            db.ids::<Post>(&select).await,
            [1, 2, 4],
            "{backend}: {}",
            db.sql(&select)
        );
        // `and_where` with an OR expression, not a Condition.
        let live = Post::query()
            .and_where(author_is(10).or(post_id_is(5)))
            .to_owned();
        assert_eq!(
            db.ids::<Post>(&live).await,
            [1, 2],
            "{backend}: {}",
            db.sql(&live)
        );
    }
}

#[tokio::test]
async fn scoped_update_misses_trashed_rows() {
    for backend in common::backends() {
        let db = seeded_posts(backend).await;
        let update = Post::update()
            .value(PostColumn::Title, "edited")
            .and_where(post_id_is(3))
            .to_owned();
        assert_eq!(
            db.execute(&update).await,
            0,
            "{backend}: update of a trashed row"
        );
        let update = Post::update()
            .value(PostColumn::Title, "edited")
            .cond_where(Cond::any().add(post_id_is(3)).add(post_id_is(4)))
            .to_owned();
        assert_eq!(
            db.execute(&update).await,
            1,
            "{backend}: {}",
            db.sql(&update)
        );
        let update = Post::update()
            .value(PostColumn::Title, "all")
            .and_where(author_is(20).or(post_id_is(3)))
            .to_owned();
        assert_eq!(
            db.execute(&update).await,
            1,
            "{backend}: {}",
            db.sql(&update)
        );
        let rows = db.fetch::<Post, _>(&Post::with_trashed()).await;
        let titles: Vec<(i64, &str)> = rows.iter().map(|p| (p.id, p.title.as_str())).collect();
        let mut titles = titles;
        titles.sort_unstable();
        assert_eq!(
            titles,
            [
                (1, "title 1"),
                (2, "title 2"),
                (3, "title 3"),
                (4, "all"),
                (5, "title 5")
            ],
            "{backend}: trashed rows keep their title"
        );
        // With no condition of its own, the update reaches every live row.
        let update = Post::update().value(PostColumn::AuthorId, 7).to_owned();
        assert_eq!(db.execute(&update).await, 3, "{backend}");
        let select = Post::only_trashed().and_where(author_is(7)).to_owned();
        assert!(db.ids::<Post>(&select).await.is_empty(), "{backend}");
    }
}

#[tokio::test]
async fn delete_by_id_keeps_the_first_deletion_time() {
    for backend in common::backends() {
        let db = seeded_posts(backend).await;
        let before = Utc::now();
        assert_eq!(db.execute(&Post::delete_by_id(1)).await, 1, "{backend}");
        let after = Utc::now();
        let first = post_marker(&db, 1).await.expect("post 1 is trashed");
        // Servers keep microseconds: allow the rounding.
        let slack = Duration::milliseconds(1);
        assert!(
            before - slack <= first && first <= after + slack,
            "{backend}: deleted at {first}, expected between {before} and {after}"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(
            db.execute(&Post::delete_by_id(1)).await,
            0,
            "{backend}: second delete"
        );
        assert_eq!(
            db.execute(&Post::delete_by_id_at(1, base_time())).await,
            0,
            "{backend}: second delete at a given time"
        );
        assert_eq!(
            post_marker(&db, 1).await,
            Some(first),
            "{backend}: the first deletion time stands"
        );
        // A row trashed before the test keeps its time too.
        assert_eq!(db.execute(&Post::delete_by_id(3)).await, 0, "{backend}");
        assert_eq!(post_marker(&db, 3).await, Some(base_time()), "{backend}");
        assert_eq!(
            db.execute(&Post::delete_by_id(99)).await,
            0,
            "{backend}: absent row"
        );
        assert_eq!(db.ids::<Post>(&Post::query()).await, [2, 4], "{backend}");
        assert_eq!(
            db.ids::<Post>(&Post::only_trashed()).await,
            [1, 3, 5],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn delete_by_id_at_records_the_given_time() {
    for backend in common::backends() {
        let db = seeded_posts(backend).await;
        let at = base_time() - Duration::days(400);
        assert_eq!(
            db.execute(&Post::delete_by_id_at(2, at)).await,
            1,
            "{backend}"
        );
        assert_eq!(post_marker(&db, 2).await, Some(at), "{backend}");
        assert_eq!(
            db.execute(&Post::delete_by_id_at(2, at + Duration::hours(1)))
                .await,
            0,
            "{backend}: second delete"
        );
        assert_eq!(post_marker(&db, 2).await, Some(at), "{backend}");
        assert_eq!(db.ids::<Post>(&Post::query()).await, [1, 4], "{backend}");
    }
}

#[tokio::test]
async fn delete_where_with_an_or_touches_live_rows_only() {
    for backend in common::backends() {
        let db = seeded_posts(backend).await;
        let filter = Cond::any().add(author_is(10)).add(post_id_is(5));
        let delete = Post::delete_where(filter);
        assert_eq!(
            db.execute(&delete).await,
            2,
            "{backend}: live posts 1 and 2 only: {}",
            db.sql(&delete)
        );
        assert_eq!(
            post_marker(&db, 3).await,
            Some(base_time()),
            "{backend}: trashed post 3 keeps its deletion time"
        );
        assert_eq!(
            post_marker(&db, 5).await,
            Some(base_time() + Duration::days(1)),
            "{backend}: trashed post 5 keeps its deletion time"
        );
        assert_eq!(db.ids::<Post>(&Post::query()).await, [4], "{backend}");
        // An empty condition soft deletes every live row.
        assert_eq!(
            db.execute(&Post::delete_where(Cond::all())).await,
            1,
            "{backend}"
        );
        assert!(db.ids::<Post>(&Post::query()).await.is_empty(), "{backend}");
        assert_eq!(
            db.ids::<Post>(&Post::only_trashed()).await,
            [1, 2, 3, 4, 5],
            "{backend}"
        );
        assert_eq!(
            db.execute(&Post::delete_where(Cond::all())).await,
            0,
            "{backend}: nothing left to delete"
        );
    }
}

#[tokio::test]
async fn restore_by_id_and_restore_where() {
    for backend in common::backends() {
        let db = seeded_posts(backend).await;
        assert_eq!(db.execute(&Post::restore_by_id(3)).await, 1, "{backend}");
        assert_eq!(post_marker(&db, 3).await, None, "{backend}");
        assert_eq!(
            db.execute(&Post::restore_by_id(3)).await,
            0,
            "{backend}: second restore"
        );
        assert_eq!(
            db.execute(&Post::restore_by_id(1)).await,
            0,
            "{backend}: restore of a live row"
        );
        assert_eq!(
            db.execute(&Post::restore_by_id(99)).await,
            0,
            "{backend}: restore of an absent row"
        );
        assert_eq!(
            db.ids::<Post>(&Post::query()).await,
            [1, 2, 3, 4],
            "{backend}"
        );

        // Trash 1 and 4 again, then restore by author with an OR.
        assert_eq!(db.execute(&Post::delete_by_id(1)).await, 1, "{backend}");
        assert_eq!(db.execute(&Post::delete_by_id(4)).await, 1, "{backend}");
        let restore = Post::restore_where(Cond::any().add(author_is(20)).add(post_id_is(2)));
        assert_eq!(
            db.execute(&restore).await,
            2,
            "{backend}: trashed 4 and 5; live 2 is not counted: {}",
            db.sql(&restore)
        );
        assert_eq!(
            db.ids::<Post>(&Post::only_trashed()).await,
            [1],
            "{backend}"
        );
        assert_eq!(
            db.execute(&Post::restore_where(Cond::all())).await,
            1,
            "{backend}: an empty condition restores every trashed row"
        );
        assert!(
            db.ids::<Post>(&Post::only_trashed()).await.is_empty(),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn force_delete_removes_rows_trashed_or_not() {
    for backend in common::backends() {
        let db = seeded_posts(backend).await;
        assert_eq!(
            db.execute(&Post::force_delete_by_id(1)).await,
            1,
            "{backend}: live row"
        );
        assert_eq!(
            db.execute(&Post::force_delete_by_id(3)).await,
            1,
            "{backend}: trashed row"
        );
        assert_eq!(
            db.execute(&Post::force_delete_by_id(3)).await,
            0,
            "{backend}: already gone"
        );
        assert_eq!(
            db.execute(&Post::restore_by_id(3)).await,
            0,
            "{backend}: restore after force delete"
        );
        assert_eq!(
            db.execute(&Post::delete_by_id(1)).await,
            0,
            "{backend}: soft delete after force delete"
        );
        assert_eq!(
            db.ids::<Post>(&Post::with_trashed()).await,
            [2, 4, 5],
            "{backend}"
        );
        // Empty the trash can: only the trashed row 5 goes.
        let empty_trash = Post::force_delete_where(Post::scope(TrashMode::OnlyTrashed));
        assert_eq!(db.execute(&empty_trash).await, 1, "{backend}");
        assert_eq!(
            db.ids::<Post>(&Post::with_trashed()).await,
            [2, 4],
            "{backend}"
        );
        let delete = Post::force_delete_where(Cond::any().add(post_id_is(2)).add(author_is(99)));
        assert_eq!(db.execute(&delete).await, 1, "{backend}");
        assert_eq!(
            db.ids::<Post>(&Post::with_trashed()).await,
            [4],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn purge_removes_exactly_the_rows_trashed_before_the_cutoff() {
    for backend in common::backends() {
        let db = posts_db(backend).await;
        let cutoff = base_time();
        let micro = Duration::microseconds(1);
        insert_posts(
            &db,
            &[
                post(1, 1, Some(cutoff - Duration::days(3))),
                post(2, 1, Some(cutoff - micro)),
                post(3, 1, Some(cutoff)),
                post(4, 1, Some(cutoff + micro)),
                post(5, 1, None),
                post(6, 1, None),
            ],
        )
        .await;
        assert_eq!(
            db.execute(&Post::purge_trashed_before(cutoff, db.backend().schema()))
                .await,
            2,
            "{backend}: rows 1 and 2: {}",
            db.sql(&Post::purge_trashed_before(cutoff, db.backend().schema()))
        );
        assert_eq!(
            db.ids::<Post>(&Post::with_trashed()).await,
            [3, 4, 5, 6],
            "{backend}: a row trashed at the cutoff or after stays"
        );
        let far_future = Utc::now() + Duration::days(365);
        assert_eq!(
            db.execute(&Post::purge_trashed_before(
                far_future,
                db.backend().schema()
            ))
            .await,
            2,
            "{backend}: rows 3 and 4"
        );
        assert_eq!(
            db.ids::<Post>(&Post::with_trashed()).await,
            [5, 6],
            "{backend}: live rows are never purged"
        );
        assert_eq!(
            db.execute(&Post::purge_trashed_before(
                far_future,
                db.backend().schema()
            ))
            .await,
            0,
            "{backend}"
        );
    }
}

#[tokio::test]
async fn row_methods_act_on_their_row() {
    for backend in common::backends() {
        let db = seeded_posts(backend).await;
        let rows = db.fetch::<Post, _>(&Post::with_trashed()).await;
        let trashed: Vec<i64> = rows
            .iter()
            .filter(|p| p.is_trashed())
            .map(|p| p.id)
            .collect();
        let mut trashed = trashed;
        trashed.sort_unstable();
        assert_eq!(trashed, [3, 5], "{backend}: is_trashed of fetched rows");

        let live = rows.iter().find(|p| p.id == 2).unwrap().clone();
        assert!(!live.is_trashed(), "{backend}");
        assert_eq!(db.execute(&live.delete()).await, 1, "{backend}");
        assert_eq!(
            db.execute(&live.delete()).await,
            0,
            "{backend}: stale value, row already trashed"
        );
        let fetched = db
            .fetch::<Post, _>(&Post::find_in(2, TrashMode::WithTrashed))
            .await;
        assert!(fetched[0].is_trashed(), "{backend}");
        assert_eq!(db.execute(&fetched[0].restore()).await, 1, "{backend}");
        assert_eq!(db.execute(&fetched[0].restore()).await, 0, "{backend}");
        assert_eq!(db.ids::<Post>(&Post::find(2)).await, [2], "{backend}");

        let trashed_row = rows.iter().find(|p| p.id == 5).unwrap();
        assert_eq!(
            db.execute(&trashed_row.force_delete()).await,
            1,
            "{backend}"
        );
        assert_eq!(
            db.execute(&trashed_row.restore()).await,
            0,
            "{backend}: restore after force delete"
        );
        assert_eq!(
            db.ids::<Post>(&Post::with_trashed()).await,
            [1, 2, 3, 4],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn join_of_two_soft_delete_tables_scopes_each_table() {
    for backend in common::backends() {
        let db = posts_db(backend).await;
        db.create_table(
            Comment::TABLE,
            &[
                ("id", SqlType::Id),
                ("post_id", SqlType::BigInt),
                ("deleted_at", SqlType::TimestampTz),
            ],
        )
        .await;
        let t = base_time();
        insert_posts(&db, &[post(1, 1, None), post(2, 1, Some(t))]).await;
        for (id, post_id, deleted_at) in [
            (10, 1, None),
            (11, 1, Some(t)),
            (12, 2, None),
            (13, 2, Some(t)),
        ] {
            let insert = Query::insert()
                .into_table(Comment::TABLE)
                .columns(Comment::COLUMNS.iter().copied())
                .values_panic([
                    Expr::val(id),
                    Expr::val(post_id),
                    Value::ChronoDateTimeUtc(deleted_at).into(),
                ])
                .to_owned();
            assert_eq!(db.execute(&insert).await, 1, "{backend}");
        }
        let on = Expr::col((PostColumn::Table, PostColumn::Id))
            .equals((CommentColumn::Table, CommentColumn::PostId));
        for (comments, posts, expected) in [
            (
                TrashMode::WithoutTrashed,
                TrashMode::WithoutTrashed,
                vec![10],
            ),
            (TrashMode::WithoutTrashed, TrashMode::OnlyTrashed, vec![12]),
            (TrashMode::OnlyTrashed, TrashMode::WithoutTrashed, vec![11]),
            (TrashMode::OnlyTrashed, TrashMode::OnlyTrashed, vec![13]),
            (
                TrashMode::WithTrashed,
                TrashMode::WithoutTrashed,
                vec![10, 11],
            ),
            (
                TrashMode::WithoutTrashed,
                TrashMode::WithTrashed,
                vec![10, 12],
            ),
            (
                TrashMode::WithTrashed,
                TrashMode::WithTrashed,
                vec![10, 11, 12, 13],
            ),
        ] {
            let select = Comment::query_in(comments)
                .join(JoinType::InnerJoin, Post::TABLE, on.clone())
                .cond_where(Post::scope(posts))
                .to_owned();
            assert_eq!(
                db.ids::<Comment>(&select).await,
                expected,
                "{backend}: comments {comments}, posts {posts}: {}",
                db.sql(&select)
            );
        }
        // Both scopes as conditions of a hand-built select of the posts side.
        let select = Query::select()
            .column((PostColumn::Table, PostColumn::Id))
            .from(Post::TABLE)
            .join(JoinType::InnerJoin, Comment::TABLE, on.clone())
            .cond_where(Post::scope(TrashMode::OnlyTrashed))
            .cond_where(Comment::scope(TrashMode::OnlyTrashed))
            .to_owned();
        assert_eq!(
            db.ids::<Post>(&select).await,
            [2],
            "{backend}: {}",
            db.sql(&select)
        );
    }
}

#[tokio::test]
async fn bool_marker_lifecycle() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        db.create_table(
            Flag::TABLE,
            &[
                ("id", SqlType::Id),
                ("name", SqlType::Text),
                ("is_deleted", SqlType::Bool),
            ],
        )
        .await;
        for id in 1..=4_i64 {
            let insert = Query::insert()
                .into_table(Flag::TABLE)
                .columns([FlagColumn::Id, FlagColumn::Name])
                .values_panic([Expr::val(id), Expr::val(format!("flag {id}"))])
                .to_owned();
            assert_eq!(db.execute(&insert).await, 1, "{backend}");
        }
        let name_is =
            |id: i64| Expr::col((FlagColumn::Table, FlagColumn::Name)).eq(format!("flag {id}"));
        assert_eq!(
            db.ids::<Flag>(&Flag::query()).await,
            [1, 2, 3, 4],
            "{backend}: the DEFAULT FALSE rows are live"
        );
        assert_eq!(db.execute(&Flag::delete_by_id(1)).await, 1, "{backend}");
        assert_eq!(
            db.execute(&Flag::delete_by_id(1)).await,
            0,
            "{backend}: second delete"
        );
        assert_eq!(db.ids::<Flag>(&Flag::query()).await, [2, 3, 4], "{backend}");
        assert_eq!(
            db.ids::<Flag>(&Flag::only_trashed()).await,
            [1],
            "{backend}"
        );
        assert_eq!(
            db.ids::<Flag>(&Flag::with_trashed()).await,
            [1, 2, 3, 4],
            "{backend}"
        );
        assert!(db.ids::<Flag>(&Flag::find(1)).await.is_empty(), "{backend}");
        assert_eq!(
            db.ids::<Flag>(&Flag::query_in(TrashMode::OnlyTrashed))
                .await,
            [1],
            "{backend}"
        );

        let update = Flag::update()
            .value(FlagColumn::Name, "renamed")
            .cond_where(Cond::any().add(name_is(1)).add(name_is(2)))
            .to_owned();
        assert_eq!(
            db.execute(&update).await,
            1,
            "{backend}: only the live flag 2: {}",
            db.sql(&update)
        );

        let delete = Flag::delete_where(Cond::any().add(name_is(1)).add(name_is(3)));
        assert_eq!(db.execute(&delete).await, 1, "{backend}: only live flag 3");
        assert_eq!(
            db.ids::<Flag>(&Flag::only_trashed()).await,
            [1, 3],
            "{backend}"
        );

        let rows = db.fetch::<Flag, _>(&Flag::with_trashed()).await;
        let mut seen: Vec<(i64, bool, String)> = rows
            .iter()
            .map(|f| (f.id, f.is_trashed(), f.name.clone()))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                (1, true, "flag 1".to_owned()),
                (2, false, "renamed".to_owned()),
                (3, true, "flag 3".to_owned()),
                (4, false, "flag 4".to_owned()),
            ],
            "{backend}"
        );

        assert_eq!(db.execute(&Flag::restore_by_id(1)).await, 1, "{backend}");
        assert_eq!(db.execute(&Flag::restore_by_id(1)).await, 0, "{backend}");
        let restore = Flag::restore_where(Cond::any().add(name_is(3)).add(name_is(4)));
        assert_eq!(db.execute(&restore).await, 1, "{backend}: only flag 3");
        assert!(
            db.ids::<Flag>(&Flag::only_trashed()).await.is_empty(),
            "{backend}"
        );

        let flag_4 = rows.iter().find(|f| f.id == 4).unwrap();
        assert_eq!(db.execute(&flag_4.delete()).await, 1, "{backend}");
        assert_eq!(db.execute(&flag_4.restore()).await, 1, "{backend}");
        assert_eq!(db.execute(&flag_4.force_delete()).await, 1, "{backend}");
        assert_eq!(db.execute(&flag_4.restore()).await, 0, "{backend}");
        assert_eq!(db.execute(&Flag::delete_by_id(2)).await, 1, "{backend}");
        assert_eq!(
            db.execute(&Flag::force_delete_where(Flag::scope(
                TrashMode::OnlyTrashed
            )))
            .await,
            1,
            "{backend}: flag 2"
        );
        assert_eq!(
            db.execute(&Flag::force_delete_by_id(1)).await,
            1,
            "{backend}"
        );
        assert_eq!(
            db.ids::<Flag>(&Flag::with_trashed()).await,
            [3],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn naive_timestamp_marker_lifecycle() {
    for backend in common::backends() {
        let db = Db::connect(backend).await;
        db.create_table(
            Note::TABLE,
            &[
                ("id", SqlType::Id),
                ("title", SqlType::Text),
                ("removed_at", SqlType::Timestamp),
            ],
        )
        .await;
        for id in 1..=5_i64 {
            let insert = Query::insert()
                .into_table(Note::TABLE)
                .columns([NoteColumn::Id, NoteColumn::Title])
                .values_panic([Expr::val(id), Expr::val(format!("note {id}"))])
                .to_owned();
            assert_eq!(db.execute(&insert).await, 1, "{backend}");
        }
        let note = |rows: &[Note], id: i64| rows.iter().find(|n| n.id == id).cloned();

        let at = base_time();
        assert_eq!(
            db.execute(&Note::delete_by_id_at(1, at)).await,
            1,
            "{backend}"
        );
        assert_eq!(
            db.execute(&Note::delete_by_id_at(2, at + Duration::hours(2)))
                .await,
            1,
            "{backend}"
        );
        let before = Utc::now().naive_utc();
        assert_eq!(db.execute(&Note::delete_by_id(3)).await, 1, "{backend}");
        let after = Utc::now().naive_utc();
        assert_eq!(
            db.execute(&Note::delete_by_id(1)).await,
            0,
            "{backend}: second delete"
        );

        let rows = db.fetch::<Note, _>(&Note::with_trashed()).await;
        assert_eq!(
            note(&rows, 1).unwrap().removed_at,
            Some(at.naive_utc()),
            "{backend}: the naive marker holds UTC"
        );
        let now_marker = note(&rows, 3).unwrap().removed_at.unwrap();
        let slack = Duration::milliseconds(1);
        assert!(
            before - slack <= now_marker && now_marker <= after + slack,
            "{backend}: delete_by_id stored {now_marker}, expected UTC now between {before} and {after}"
        );
        assert_eq!(db.ids::<Note>(&Note::query()).await, [4, 5], "{backend}");
        assert_eq!(
            db.ids::<Note>(&Note::only_trashed()).await,
            [1, 2, 3],
            "{backend}"
        );

        let update = Note::update()
            .value(NoteColumn::Title, "edited")
            .cond_where(
                Cond::any()
                    .add(Expr::col((NoteColumn::Table, NoteColumn::Id)).eq(1))
                    .add(Expr::col((NoteColumn::Table, NoteColumn::Id)).eq(4)),
            )
            .to_owned();
        assert_eq!(db.execute(&update).await, 1, "{backend}");

        // Purge between the two given times: note 1 only.
        assert_eq!(
            db.execute(&Note::purge_trashed_before(
                at + Duration::hours(1),
                db.backend().schema()
            ))
            .await,
            1,
            "{backend}: {}",
            db.sql(&Note::purge_trashed_before(
                at + Duration::hours(1),
                db.backend().schema()
            ))
        );
        assert_eq!(
            db.ids::<Note>(&Note::with_trashed()).await,
            [2, 3, 4, 5],
            "{backend}"
        );
        assert_eq!(db.execute(&Note::restore_by_id(2)).await, 1, "{backend}");
        let restore = Note::restore_where(
            Cond::all().add(Expr::col((NoteColumn::Table, NoteColumn::Id)).gt(0)),
        );
        assert_eq!(db.execute(&restore).await, 1, "{backend}: note 3");
        assert!(
            db.ids::<Note>(&Note::only_trashed()).await.is_empty(),
            "{backend}"
        );
        let delete = Note::delete_where(
            Cond::any().add(Expr::col((NoteColumn::Table, NoteColumn::Title)).eq("edited")),
        );
        assert_eq!(db.execute(&delete).await, 1, "{backend}: note 4");
        assert_eq!(
            db.execute(&Note::purge_trashed_before(
                Utc::now() + Duration::days(1),
                db.backend().schema()
            ))
            .await,
            1,
            "{backend}: note 4, just trashed"
        );
        assert_eq!(
            db.ids::<Note>(&Note::with_trashed()).await,
            [2, 3, 5],
            "{backend}"
        );
        let rows = db.fetch::<Note, _>(&Note::with_trashed()).await;
        let five = note(&rows, 5).unwrap();
        assert!(!five.is_trashed(), "{backend}");
        assert_eq!(db.execute(&five.delete()).await, 1, "{backend}");
        assert_eq!(db.execute(&five.force_delete()).await, 1, "{backend}");
        assert_eq!(
            db.execute(&Note::force_delete_by_id(2)).await,
            1,
            "{backend}"
        );
        assert_eq!(
            db.ids::<Note>(&Note::with_trashed()).await,
            [3],
            "{backend}"
        );
    }
}
