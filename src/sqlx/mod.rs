//! Running statements on sqlx 0.9, so the right way is also the
//! short way: the dialect comes from the executor's type, a write and the
//! read that reports it are atomic, and multi-statement operations run in
//! one transaction. Facade features `sqlx-sqlite`, `sqlx-postgres`,
//! `sqlx-mysql` (MySQL and MariaDB).
//!
//! - [`Run`] executes any sea-query statement on any sqlx executor.
//! - [`SoftDeleteExt::on`] gives a model's handle over a pool, a
//!   transaction or a connection, whose methods mirror the statements and
//!   decode rows through `sqlx::FromRow`.
//!
//! ```
//! use soft_delete::sqlx::{Run, SoftDeleteExt};
//! use soft_delete::{SoftDelete, TrashMode};
//!
//! #[derive(Debug, SoftDelete, sqlx::FromRow)]
//! #[soft_delete(table = "posts")]
//! struct Post { id: i64, title: String, deleted_at: Option<chrono::DateTime<chrono::Utc>> }
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
//! sqlx::raw_sql("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, deleted_at TEXT);
//!                INSERT INTO posts (id, title) VALUES (7, 'Hello');")
//!     .execute(&pool)
//!     .await?;
//!
//! let posts = Post::on(&pool);
//! let trashed = posts.delete(7).await?.expect("post 7 was live");
//! assert!(trashed.deleted_at.is_some());
//! assert!(posts.find(7).await?.is_none());
//! assert_eq!(posts.count(TrashMode::OnlyTrashed).await?, 1);
//! assert_eq!(posts.restore(7).await?.map(|post| post.title), Some("Hello".to_owned()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod dialect;
mod error;
mod handle;
mod pruner;
mod run;
mod session;
mod source;

pub use crate::hooks::{HookError, Hooks};
pub use crate::Cascade;
pub use crate::PurgeProgress;
pub use dialect::Dialect;
pub use error::Error;
pub use handle::{Handle, Model, Purge, SoftDeleteExt};
pub use pruner::Pruner;
pub use run::Run;
pub use source::Source;
