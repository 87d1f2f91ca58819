//! Joins that carry the joined table's scope in their `ON` clause, so that
//! joining a soft-delete table cannot leak its trashed rows.

use sea_query::{Condition, DynIden, IntoCondition, IntoIden, JoinType, SelectStatement};

use crate::{statement, SoftDelete, TrashMode};

/// Scoped joins on a [`SelectStatement`]: `inner_join_scoped::<T>` and
/// `left_join_scoped::<T>` join the table of model `T` with `on` **and**
/// `T`'s scope for a [`TrashMode`], both in the `ON` clause.
///
/// A plain `.join(..)` of a soft-delete table returns its trashed rows too;
/// adding `T::scope(..)` to the `WHERE` fixes an inner join but breaks a left
/// join, whose parents without a live child then vanish (their only
/// children fail the filter) instead of coming back with `NULL`s. In the
/// `ON` clause the scope is right for both.
///
/// The table is joined under its own name, which `T`'s scope is qualified
/// with; the `_as` forms join it under an alias, scoped on that alias, for
/// a self-join or a table joined twice. Only inner and left joins are offered: a right join keeps every
/// row of the joined table whatever its `ON` says, and a cross join has no
/// `ON`.
///
/// ```
/// use soft_delete::{ScopedJoin, SoftDelete, TrashMode};
/// use sea_query::{Expr, ExprTrait, PostgresQueryBuilder};
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "posts")]
/// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// #[derive(SoftDelete)]
/// #[soft_delete(table = "comments")]
/// struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// // Every live post, with its live comments or a row of NULLs.
/// let sql = Post::query()
///     .expr_as(Expr::col((CommentColumn::Table, CommentColumn::Id)), "comment_id")
///     .left_join_scoped::<Comment>(
///         Expr::col((CommentColumn::Table, CommentColumn::PostId))
///             .equals((PostColumn::Table, PostColumn::Id)),
///         TrashMode::WithoutTrashed,
///     )
///     .to_string(PostgresQueryBuilder);
/// assert_eq!(
///     sql,
///     r#"SELECT "posts"."id", "posts"."deleted_at", "comments"."id" AS "comment_id" FROM "posts" LEFT JOIN "comments" ON "comments"."post_id" = "posts"."id" AND "comments"."deleted_at" IS NULL WHERE "posts"."deleted_at" IS NULL"#
/// );
/// ```
pub trait ScopedJoin: sealed::Sealed {
    /// `INNER JOIN <T's table> ON on AND <T's scope for mode>`: only the rows
    /// that have a match in `T`'s view `mode`.
    ///
    /// ```
    /// # use soft_delete::{ScopedJoin, SoftDelete, TrashMode};
    /// # use sea_query::{Expr, ExprTrait, MysqlQueryBuilder};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts", style = "bool")] struct Post { id: i64, is_deleted: bool }
    /// # #[derive(SoftDelete)] #[soft_delete(table = "comments")] struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// // Live comments of trashed posts.
    /// let sql = Comment::query()
    ///     .inner_join_scoped::<Post>(
    ///         Expr::col((PostColumn::Table, PostColumn::Id))
    ///             .equals((CommentColumn::Table, CommentColumn::PostId)),
    ///         TrashMode::OnlyTrashed,
    ///     )
    ///     .to_string(MysqlQueryBuilder);
    /// assert_eq!(
    ///     sql,
    ///     "SELECT `comments`.`id`, `comments`.`post_id`, `comments`.`deleted_at` FROM `comments` INNER JOIN `posts` ON `posts`.`id` = `comments`.`post_id` AND `posts`.`is_deleted` = TRUE WHERE `comments`.`deleted_at` IS NULL"
    /// );
    /// ```
    fn inner_join_scoped<T: SoftDelete>(
        &mut self,
        on: impl IntoCondition,
        mode: TrashMode,
    ) -> &mut Self;

    /// `LEFT JOIN <T's table> ON on AND <T's scope for mode>`: every row,
    /// with its matches in `T`'s view `mode`, or once with `NULL`s where it
    /// has none there, even if it has matches outside that view.
    ///
    /// ```
    /// # use soft_delete::{ScopedJoin, SoftDelete, TrashMode};
    /// # use sea_query::{Expr, ExprTrait, SqliteQueryBuilder};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "posts")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// # #[derive(SoftDelete)] #[soft_delete(table = "comments")] struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// let on = Expr::col((CommentColumn::Table, CommentColumn::PostId))
    ///     .equals((PostColumn::Table, PostColumn::Id));
    /// // `WithTrashed` adds nothing to the `ON`.
    /// let sql = Post::query()
    ///     .left_join_scoped::<Comment>(on, TrashMode::WithTrashed)
    ///     .to_string(SqliteQueryBuilder);
    /// assert!(sql.contains(r#"LEFT JOIN "comments" ON "comments"."post_id" = "posts"."id" WHERE"#));
    /// ```
    fn left_join_scoped<T: SoftDelete>(
        &mut self,
        on: impl IntoCondition,
        mode: TrashMode,
    ) -> &mut Self;

    /// [`inner_join_scoped`](Self::inner_join_scoped) of `T`'s table under
    /// `alias`, scoped on the alias: `INNER JOIN <table> AS alias ON on AND
    /// <T's scope on alias>`.
    ///
    /// ```
    /// # use soft_delete::{ScopedJoin, SoftDelete, TrashMode};
    /// # use sea_query::{Expr, ExprTrait, PostgresQueryBuilder};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "comments")] struct Comment { id: i64, parent_id: Option<i64>, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// // Live replies of live comments.
    /// let sql = Comment::query()
    ///     .inner_join_scoped_as::<Comment>(
    ///         "parent",
    ///         Expr::col(("parent", "id")).equals((CommentColumn::Table, CommentColumn::ParentId)),
    ///         TrashMode::WithoutTrashed,
    ///     )
    ///     .to_string(PostgresQueryBuilder);
    /// assert!(sql.contains(r#"INNER JOIN "comments" AS "parent" ON "parent"."id" = "comments"."parent_id" AND "parent"."deleted_at" IS NULL"#));
    /// ```
    fn inner_join_scoped_as<T: SoftDelete>(
        &mut self,
        alias: impl IntoIden,
        on: impl IntoCondition,
        mode: TrashMode,
    ) -> &mut Self;

    /// [`left_join_scoped`](Self::left_join_scoped) of `T`'s table under
    /// `alias`, scoped on the alias.
    ///
    /// ```
    /// # use soft_delete::{ScopedJoin, SoftDelete, TrashMode};
    /// # use sea_query::{Expr, ExprTrait, MysqlQueryBuilder};
    /// # #[derive(SoftDelete)] #[soft_delete(table = "comments", style = "bool")] struct Comment { id: i64, parent_id: Option<i64>, is_deleted: bool }
    /// // Every live comment, with its parent if that is live.
    /// let sql = Comment::query()
    ///     .left_join_scoped_as::<Comment>(
    ///         "parent",
    ///         Expr::col(("parent", "id")).equals((CommentColumn::Table, CommentColumn::ParentId)),
    ///         TrashMode::WithoutTrashed,
    ///     )
    ///     .to_string(MysqlQueryBuilder);
    /// assert!(sql.contains("LEFT JOIN `comments` AS `parent` ON `parent`.`id` = `comments`.`parent_id` AND `parent`.`is_deleted` = FALSE"));
    /// ```
    fn left_join_scoped_as<T: SoftDelete>(
        &mut self,
        alias: impl IntoIden,
        on: impl IntoCondition,
        mode: TrashMode,
    ) -> &mut Self;
}

impl ScopedJoin for SelectStatement {
    fn inner_join_scoped<T: SoftDelete>(
        &mut self,
        on: impl IntoCondition,
        mode: TrashMode,
    ) -> &mut Self {
        self.join(JoinType::InnerJoin, T::TABLE, scoped_on::<T>(on, mode))
    }

    fn left_join_scoped<T: SoftDelete>(
        &mut self,
        on: impl IntoCondition,
        mode: TrashMode,
    ) -> &mut Self {
        self.join(JoinType::LeftJoin, T::TABLE, scoped_on::<T>(on, mode))
    }

    fn inner_join_scoped_as<T: SoftDelete>(
        &mut self,
        alias: impl IntoIden,
        on: impl IntoCondition,
        mode: TrashMode,
    ) -> &mut Self {
        let alias = alias.into_iden();
        let on = scoped_on_alias::<T>(&alias, on, mode);
        self.join_as(JoinType::InnerJoin, T::TABLE, alias, on)
    }

    fn left_join_scoped_as<T: SoftDelete>(
        &mut self,
        alias: impl IntoIden,
        on: impl IntoCondition,
        mode: TrashMode,
    ) -> &mut Self {
        let alias = alias.into_iden();
        let on = scoped_on_alias::<T>(&alias, on, mode);
        self.join_as(JoinType::LeftJoin, T::TABLE, alias, on)
    }
}

/// `on AND T's scope for mode`; `on` alone for [`TrashMode::WithTrashed`],
/// whose scope is empty.
fn scoped_on<T: SoftDelete>(on: impl IntoCondition, mode: TrashMode) -> Condition {
    with_scope(on, mode, || statement::scope::<T>(mode))
}

/// [`scoped_on`] with the scope on `alias`.
fn scoped_on_alias<T: SoftDelete>(
    alias: &DynIden,
    on: impl IntoCondition,
    mode: TrashMode,
) -> Condition {
    with_scope(on, mode, || statement::scope_as::<T>(alias, mode))
}

fn with_scope(
    on: impl IntoCondition,
    mode: TrashMode,
    scope: impl FnOnce() -> Condition,
) -> Condition {
    let on = on.into_condition();
    match mode {
        TrashMode::WithTrashed => on,
        TrashMode::WithoutTrashed | TrashMode::OnlyTrashed => Condition::all().add(on).add(scope()),
    }
}

mod sealed {
    /// Keeps [`ScopedJoin`](super::ScopedJoin) to sea-query's select, so
    /// methods can be added to it.
    pub trait Sealed {}

    impl Sealed for sea_query::SelectStatement {}
}
