//! The posts of one database with the service's database code written by
//! hand: `sqlx::query_as` on the constant SQL of [`Sql`], the same
//! statements and the same semantics as `soft_delete::sqlx` gives
//! `examples/rest_api` (trashed rows hidden unless asked for, `RETURNING`
//! where the database has it, on MySQL the write and the read of its row in
//! one transaction, a 409 for a title a live post holds or, on a create, a
//! trashed one). Only its create-or-restore is a way of its own: a restore
//! of the trashed holder with the values, guarded by `deleted_at IS NOT
//! NULL`, else an insert, with the unique index of live titles deciding
//! races (where the library also locks the title's values).

use chrono::{DateTime, Utc};
use soft_delete::{Holder, TrashMode, Written};
use sqlx::mysql::MySql;
use sqlx::postgres::Postgres;
use sqlx::sqlite::Sqlite;
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::service::{ApiError, NewPost, Post, PostPatch, Posts, Store};
use crate::sql::{Flavor, Sql};

/// A database `rest_api_by_hand` runs on, and its SQL dialect.
pub trait HandDatabase: sqlx::Database {
    const FLAVOR: Flavor;

    /// Rows a statement changed (each database's result has its own).
    fn rows_affected(result: &Self::QueryResult) -> u64;
}

impl HandDatabase for Sqlite {
    const FLAVOR: Flavor = Flavor::Sqlite;

    fn rows_affected(result: &Self::QueryResult) -> u64 {
        result.rows_affected()
    }
}

impl HandDatabase for Postgres {
    const FLAVOR: Flavor = Flavor::Postgres;

    fn rows_affected(result: &Self::QueryResult) -> u64 {
        result.rows_affected()
    }
}

impl HandDatabase for MySql {
    const FLAVOR: Flavor = Flavor::MySql;

    fn rows_affected(result: &Self::QueryResult) -> u64 {
        result.rows_affected()
    }
}

/// The posts of `posts`' database (opened, and its table created, as
/// `rest_api` does), queried by hand.
pub struct ByHand<DB: sqlx::Database> {
    posts: Posts<DB>,
    sql: &'static Sql,
}

impl<DB: sqlx::Database> Clone for ByHand<DB> {
    fn clone(&self) -> Self {
        ByHand {
            posts: self.posts.clone(),
            sql: self.sql,
        }
    }
}

impl<DB: HandDatabase> ByHand<DB> {
    /// The posts of `posts`' pool, with the SQL of its dialect.
    pub fn new(posts: Posts<DB>) -> Self {
        ByHand {
            posts,
            // Made once per process.
            sql: Box::leak(Box::new(Sql::new(DB::FLAVOR))),
        }
    }

    fn pool(&self) -> &Pool<DB> {
        self.posts.pool()
    }
}

/// The position of `mode` in the arrays of [`Sql`].
fn view(mode: TrashMode) -> usize {
    match mode {
        TrashMode::WithoutTrashed => 0,
        TrashMode::WithTrashed => 1,
        TrashMode::OnlyTrashed => 2,
    }
}

impl<DB> Store for ByHand<DB>
where
    DB: HandDatabase,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: for<'q> Encode<'q, DB> + Type<DB>,
    String: for<'q> Encode<'q, DB> + Type<DB>,
    Option<DateTime<Utc>>: for<'q> Encode<'q, DB> + Type<DB>,
    Post: for<'r> FromRow<'r, DB::Row>,
{
    async fn page(
        &self,
        mode: TrashMode,
        after: Option<i64>,
        limit: u64,
    ) -> Result<Vec<Post>, ApiError> {
        // A page is at most 101 rows.
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let query = match after {
            Some(after) => sqlx::query_as(self.sql.page_after[view(mode)]).bind(after),
            None => sqlx::query_as(self.sql.page[view(mode)]),
        };
        Ok(query.bind(limit).fetch_all(self.pool()).await?)
    }

    async fn find(&self, id: i64, mode: TrashMode) -> Result<Option<Post>, ApiError> {
        Ok(sqlx::query_as(self.sql.find[view(mode)])
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    async fn insert(&self, post: NewPost) -> Result<Post, ApiError> {
        match self.title_holder(&post.title).await? {
            Some(holder) if holder.deleted_at.is_some() => {
                Err(ApiError::title_taken(Holder::Trashed))
            }
            Some(_) => Err(ApiError::title_taken(Holder::Live)),
            None => self.insert_row(post).await,
        }
    }

    async fn create_or_restore(&self, post: NewPost) -> Result<Written<Post>, ApiError> {
        match self.title_holder(&post.title).await? {
            Some(holder) if holder.deleted_at.is_some() => {
                if let Some(row) = self.restore_holder(holder.id, &post).await? {
                    return Ok(Written::Restored(row));
                }
                // Restored or removed by another request meanwhile: an
                // insert, which a live holder makes a 409.
            }
            Some(_) => return Err(ApiError::title_taken(Holder::Live)),
            None => {}
        }
        Ok(Written::Created(self.insert_row(post).await?))
    }

    async fn update(&self, id: i64, patch: PostPatch) -> Result<Option<Post>, ApiError> {
        let (sql, first, second) = match (patch.title, patch.body) {
            (Some(title), Some(body)) => (self.sql.update_both, title, Some(body)),
            (Some(title), None) => (self.sql.update_title, title, None),
            (None, Some(body)) => (self.sql.update_body, body, None),
            (None, None) => return self.find(id, TrashMode::WithoutTrashed).await,
        };
        if DB::FLAVOR != Flavor::MySql {
            let mut update = sqlx::query_as(sql).bind(first);
            if let Some(second) = second {
                update = update.bind(second);
            }
            return update
                .bind(id)
                .fetch_optional(self.pool())
                .await
                .map_err(written);
        }
        let mut tx = self.pool().begin().await?;
        let mut update = sqlx::query(sql).bind(first);
        if let Some(second) = second {
            update = update.bind(second);
        }
        // MySQL reports matched rows (sqlx sets FOUND_ROWS), as for `rest_api`.
        let done = update.bind(id).execute(&mut *tx).await.map_err(written)?;
        let changed = DB::rows_affected(&done);
        let row = if changed == 0 {
            None
        } else {
            sqlx::query_as(self.sql.find[view(TrashMode::WithoutTrashed)])
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
        };
        tx.commit().await?;
        Ok(row)
    }

    async fn delete(&self, id: i64) -> Result<Option<Post>, ApiError> {
        self.mark(self.sql.delete, Some(Utc::now()), id).await
    }

    async fn force_delete(&self, id: i64) -> Result<bool, ApiError> {
        let done = sqlx::query(self.sql.force_delete)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(DB::rows_affected(&done) > 0)
    }

    async fn restore(&self, id: i64) -> Result<Option<Post>, ApiError> {
        self.mark(self.sql.restore, None, id).await
    }
}

impl<DB> ByHand<DB>
where
    DB: HandDatabase,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    i64: for<'q> Encode<'q, DB> + Type<DB>,
    String: for<'q> Encode<'q, DB> + Type<DB>,
    Option<DateTime<Utc>>: for<'q> Encode<'q, DB> + Type<DB>,
    Post: for<'r> FromRow<'r, DB::Row>,
{
    /// The post holding the title `title`: the live one, else the most
    /// recently trashed.
    async fn title_holder(&self, title: &str) -> Result<Option<Post>, ApiError> {
        Ok(sqlx::query_as(self.sql.title_holder)
            .bind(title.to_owned())
            .bind(1_i64)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Inserts a live post: the row the insert produced. `RETURNING`, or on
    /// MySQL the insert and the read of `LAST_INSERT_ID()` in one
    /// transaction.
    async fn insert_row(&self, post: NewPost) -> Result<Post, ApiError> {
        if DB::FLAVOR != Flavor::MySql {
            return sqlx::query_as(self.sql.insert)
                .bind(post.title)
                .bind(post.body)
                .fetch_one(self.pool())
                .await
                .map_err(written);
        }
        let mut tx = self.pool().begin().await?;
        sqlx::query(self.sql.insert)
            .bind(post.title)
            .bind(post.body)
            .execute(&mut *tx)
            .await
            .map_err(written)?;
        let row = sqlx::query_as(self.sql.inserted)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Restores the trashed post `id` with `post`'s values: the row it
    /// produced, `None` if the post is no longer trashed (or gone). As
    /// [`mark`](Self::mark) does, with the values.
    async fn restore_holder(&self, id: i64, post: &NewPost) -> Result<Option<Post>, ApiError> {
        let (title, body) = (post.title.clone(), post.body.clone());
        let live = None::<DateTime<Utc>>;
        if DB::FLAVOR != Flavor::MySql {
            return sqlx::query_as(self.sql.restore_holder)
                .bind(title)
                .bind(body)
                .bind(live)
                .bind(id)
                .fetch_optional(self.pool())
                .await
                .map_err(written);
        }
        let mut tx = self.pool().begin().await?;
        let changed = sqlx::query(self.sql.restore_holder)
            .bind(title)
            .bind(body)
            .bind(live)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(written)?;
        if DB::rows_affected(&changed) == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let row = sqlx::query_as(self.sql.find[view(TrashMode::WithTrashed)])
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// A soft delete or restore (`sql`) of the row `id`, setting
    /// `deleted_at` to `at`: the row it produced, `None` if it changed
    /// nothing. `RETURNING`, or on MySQL the update and the read of the row
    /// it locked in one transaction, rolled back if nothing changed.
    async fn mark(
        &self,
        sql: &'static str,
        at: Option<DateTime<Utc>>,
        id: i64,
    ) -> Result<Option<Post>, ApiError> {
        if DB::FLAVOR != Flavor::MySql {
            return sqlx::query_as(sql)
                .bind(at)
                .bind(id)
                .fetch_optional(self.pool())
                .await
                .map_err(written);
        }
        let mut tx = self.pool().begin().await?;
        let changed = sqlx::query(sql)
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(written)?;
        if DB::rows_affected(&changed) == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let row = sqlx::query_as(self.sql.find[view(TrashMode::WithTrashed)])
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row)
    }
}

/// `error` of a write: a 409 if it is a unique violation (with the index of
/// live titles, only a live post can hold the title the write wanted), else
/// a 500.
fn written(error: sqlx::Error) -> ApiError {
    if error
        .as_database_error()
        .is_some_and(|error| error.is_unique_violation())
    {
        return ApiError::title_taken(Holder::Live);
    }
    error.into()
}
