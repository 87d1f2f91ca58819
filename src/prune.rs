//! The pruner's runner, written once for both run layers: the listed
//! models in cascade order (a parent before the models below it), one
//! run, or runs on an interval until a shutdown signal. Each layer's
//! `Pruner` only says how one model's expired rows are purged.

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use crate::{Child, Pruned, SoftDelete};

/// One model's purge of its expired rows, stopping after the batch during
/// which its flag is set.
pub(crate) type Purge<'a, E> = Box<
    dyn Fn(Arc<AtomicBool>) -> Pin<Box<dyn Future<Output = Result<Pruned, E>> + Send + 'a>>
        + Send
        + Sync
        + 'a,
>;

struct Job<'a, E> {
    table: &'static str,
    /// Every table below the model through its declared cascades.
    below: Vec<&'static str>,
    purge: Purge<'a, E>,
}

/// The models of a pruner, kept in the order they run.
pub(crate) struct Jobs<'a, E> {
    jobs: Vec<Job<'a, E>>,
}

impl<E> std::fmt::Debug for Jobs<'_, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.jobs.iter().map(|job| job.table))
            .finish()
    }
}

fn below(children: &'static [Child], tables: &mut Vec<&'static str>) {
    for child in children {
        if !tables.contains(&child.table) {
            tables.push(child.table);
            below(child.children, tables);
        }
    }
}

impl<'a, E> Jobs<'a, E> {
    pub(crate) fn new() -> Self {
        Jobs { jobs: Vec::new() }
    }

    /// Adds `T`'s purge before the first listed model below it: a parent's
    /// purge takes its trashed subtree, and what a child's own purge then
    /// finds is its own.
    pub(crate) fn push<T: SoftDelete>(&mut self, purge: Purge<'a, E>) {
        let mut tables = Vec::new();
        below(T::CHILDREN, &mut tables);
        let at = self
            .jobs
            .iter()
            .position(|job| tables.contains(&job.table))
            .unwrap_or(self.jobs.len());
        self.jobs.insert(
            at,
            Job {
                table: T::TABLE,
                below: tables,
                purge,
            },
        );
        debug_assert!(self.ordered(), "a parent runs before its children");
    }

    fn ordered(&self) -> bool {
        self.jobs.iter().enumerate().all(|(at, job)| {
            self.jobs[..at]
                .iter()
                .all(|before| !job.below.contains(&before.table))
        })
    }

    /// Purges every model's expired rows once, in order; stops after the
    /// batch during which `stop` is set.
    pub(crate) async fn run(&self, stop: &Arc<AtomicBool>) -> Result<Vec<Pruned>, E> {
        let mut report = Vec::with_capacity(self.jobs.len());
        for job in &self.jobs {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            report.push((job.purge)(Arc::clone(stop)).await?);
        }
        Ok(report)
    }

    /// [`run`](Self::run) now and then every `interval` until `shutdown`
    /// resolves: during a run, the batch under way is finished first. An
    /// error a retry may cure (`retryable`) waits for the next run; any
    /// other ends the task with it.
    pub(crate) async fn run_every(
        &self,
        interval: Duration,
        shutdown: impl Future<Output = ()>,
        retryable: fn(&E) -> bool,
    ) -> Result<(), E> {
        let mut shutdown = pin!(shutdown);
        let mut shut = false;
        loop {
            let stop = Arc::new(AtomicBool::new(false));
            let outcome = {
                let mut run = pin!(self.run(&stop));
                poll_fn(|cx| {
                    // A resolved future is not polled again.
                    if !shut && shutdown.as_mut().poll(cx).is_ready() {
                        shut = true;
                        stop.store(true, Ordering::Relaxed);
                    }
                    run.as_mut().poll(cx)
                })
                .await
            };
            match outcome {
                Err(error) if !retryable(&error) => return Err(error),
                _ if shut => return Ok(()),
                _ => {}
            }
            let mut sleep = pin!(sqlx_core::rt::sleep(interval));
            let stopped = poll_fn(|cx| {
                if shutdown.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(true);
                }
                sleep.as_mut().poll(cx).map(|()| false)
            })
            .await;
            if stopped {
                return Ok(());
            }
        }
    }
}
