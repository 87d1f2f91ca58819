//! [`Pruner`]: every listed entity's expired rows, on a schedule.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ::sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait, TransactionTrait};

use super::{Error, SoftDeleteEntity as _, SoftDeleteModel};
use crate::prune::Jobs;
use crate::{Pruned, Retained, SoftDelete as _};

/// Purges the rows past their model's retention for every listed entity,
/// a parent before the entities below it through its cascades: as
/// [`soft_delete::sqlx::Pruner`](crate::sqlx::Pruner), through a SeaORM
/// connection.
///
/// ```no_run
/// # mod post {
/// #     use sea_orm::entity::prelude::*;
/// #     #[derive(Clone, Debug, DeriveEntityModel, soft_delete::SoftDelete)]
/// #     #[sea_orm(table_name = "posts")]
/// #     #[soft_delete(retain = "30 days")]
/// #     pub struct Model { #[sea_orm(primary_key)] pub id: i64, pub deleted_at: Option<DateTimeUtc> }
/// #     #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)] pub enum Relation {}
/// #     impl ActiveModelBehavior for ActiveModel {}
/// # }
/// # async fn prune(db: sea_orm::DatabaseConnection) -> Result<(), soft_delete::sea_orm::Error> {
/// let report = soft_delete::sea_orm::Pruner::new(&db).model::<post::Entity>().run().await?;
/// assert_eq!(report[0].table, "posts");
/// # Ok(())
/// # }
/// ```
#[must_use = "a pruner does nothing until it runs"]
pub struct Pruner<'a, C> {
    db: &'a C,
    jobs: Jobs<'a, Error>,
}

impl<C> std::fmt::Debug for Pruner<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pruner")
            .field("models", &self.jobs)
            .finish()
    }
}

impl<'a, C> Pruner<'a, C>
where
    C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction> + Sync,
{
    /// A pruner of no entity yet, on `db`.
    pub fn new(db: &'a C) -> Self {
        Pruner {
            db,
            jobs: Jobs::new(),
        }
    }

    /// Adds `E`, whose rows go after its model's retention; a model without
    /// `retain` does not compile here.
    pub fn model<E>(mut self) -> Self
    where
        E: EntityTrait<Model: SoftDeleteModel + Retained>,
    {
        let db = self.db;
        self.jobs.push::<E::Model>(Box::new(move |stop| {
            Box::pin(async move {
                let kept = Arc::new(AtomicU64::new(0));
                let counted = Arc::clone(&kept);
                let removed = E::on(db)
                    .purge_expired()
                    .stop_on(stop)
                    .on_batch(move |progress| {
                        counted.fetch_add(progress.kept, Ordering::Relaxed);
                    })
                    .await?;
                Ok(Pruned::new(
                    E::Model::TABLE,
                    removed,
                    kept.load(Ordering::Relaxed),
                ))
            })
        }));
        self
    }

    /// Purges every entity once, in order: a report per table.
    ///
    /// # Errors
    ///
    /// The first purge that fails ends the run with its error (batches
    /// before it stay committed).
    pub async fn run(&self) -> Result<Vec<Pruned>, Error> {
        self.jobs.run(&Arc::default()).await
    }

    /// [`run`](Self::run) now and then every `interval`, until `shutdown`
    /// resolves: then the batch under way is finished and the task ends. A
    /// run that fails with an error a retry may cure
    /// ([`Error::is_retryable`]) waits for the next interval.
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
