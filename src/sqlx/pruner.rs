//! [`Pruner`]: every listed model's expired rows, on a schedule.

use std::sync::Arc;
use std::time::Duration;

use ::sqlx::Pool;

use super::{Dialect, Error, Model, SoftDeleteExt as _};
use crate::prune::Jobs;
use crate::{Pruned, Retained};

/// Purges the rows past their model's retention (`retain = "30 days"`)
/// for every listed model, a parent before the models below it through its
/// cascades (its purge takes its trashed subtree along): once with
/// [`run`](Self::run), or as a task with [`run_every`](Self::run_every).
///
/// ```
/// use soft_delete::sqlx::Pruner;
/// use soft_delete::SoftDelete;
///
/// #[derive(Debug, SoftDelete, sqlx::FromRow)]
/// #[soft_delete(table = "posts", retain = "30 days", cascade(Comment = "post_id"))]
/// struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// #[derive(Debug, SoftDelete, sqlx::FromRow)]
/// #[soft_delete(table = "comments", retain = "7 days")]
/// struct Comment { id: i64, post_id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
/// sqlx::raw_sql("CREATE TABLE posts (id INTEGER PRIMARY KEY, deleted_at TEXT);
///                CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id), deleted_at TEXT);
///                INSERT INTO posts VALUES (1, '2020-01-01 00:00:00'), (2, NULL);
///                INSERT INTO comments VALUES (10, 1, '2020-01-01 00:00:00'), (20, 2, datetime('now', '-8 days'));")
///     .execute(&pool)
///     .await?;
///
/// let report = Pruner::new(&pool).model::<Comment>().model::<Post>().run().await?;
/// let removed: Vec<_> = report.iter().map(|pruned| (pruned.table, pruned.removed)).collect();
/// assert_eq!(removed, [("posts", 1), ("comments", 1)], "posts first, with comment 10");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[must_use = "a pruner does nothing until it runs"]
pub struct Pruner<'a, DB: Dialect> {
    pool: &'a Pool<DB>,
    jobs: Jobs<'a, Error>,
}

impl<DB: Dialect> std::fmt::Debug for Pruner<'_, DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pruner")
            .field("models", &self.jobs)
            .finish()
    }
}

impl<'a, DB: Dialect> Pruner<'a, DB> {
    /// A pruner of no model yet, on `pool`.
    pub fn new(pool: &'a Pool<DB>) -> Self {
        Pruner {
            pool,
            jobs: Jobs::new(),
        }
    }

    /// Adds `T`, whose rows go after its retention; a model without
    /// `retain` does not compile here.
    pub fn model<T: Model<DB> + Retained>(mut self) -> Self {
        let pool = self.pool;
        self.jobs.push::<T>(Box::new(move |stop| {
            Box::pin(async move {
                let handle = T::on(pool);
                let mut kept = 0;
                let removed = handle
                    .purge_expired()
                    .stop_on(stop)
                    .on_batch(|progress| kept += progress.kept)
                    .await?;
                Ok(Pruned::new(T::TABLE, removed, kept))
            })
        }));
        self
    }

    /// Purges every model once, in order: a report per table.
    ///
    /// # Errors
    ///
    /// The first model's purge that fails ends the run with its error
    /// (batches before it stay committed), as
    /// [`purge_trashed_before`](super::Handle::purge_trashed_before).
    pub async fn run(&self) -> Result<Vec<Pruned>, Error> {
        self.jobs.run(&Arc::default()).await
    }

    /// [`run`](Self::run) now and then every `interval`, until `shutdown`
    /// resolves: then the batch under way is finished and the task ends.
    /// Spawn it beside the service (`tokio::spawn`), with for instance a
    /// `tokio::sync::oneshot` receiver or a cancellation token's
    /// `cancelled()` as `shutdown`. A run that fails with an error a retry
    /// may cure ([`Error::is_retryable`]) waits for the next interval.
    ///
    /// ```no_run
    /// # use soft_delete::SoftDelete;
    /// # #[derive(Debug, SoftDelete, sqlx::FromRow)] #[soft_delete(table = "posts", retain = "30 days")] struct Post { id: i64, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
    /// # async fn serve(pool: sqlx::PgPool) -> Result<(), soft_delete::sqlx::Error> {
    /// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    /// let pruner = tokio::spawn(async move {
    ///     let pruner = soft_delete::sqlx::Pruner::new(&pool).model::<Post>();
    ///     pruner
    ///         .run_every(std::time::Duration::from_secs(3600), async {
    ///             let _ = stopped.await;
    ///         })
    ///         .await
    /// });
    /// // ... serve, then on shutdown:
    /// let _ = stop.send(());
    /// pruner.await.expect("the pruner task")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The first error that is not retryable.
    pub async fn run_every(
        &self,
        interval: Duration,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<(), Error> {
        self.jobs
            .run_every(interval, shutdown, Error::is_retryable)
            .await
    }
}
