//! The baseline of the REST load benchmark (`benches/rest_load.rs`): the
//! same service as `rest_api` over sqlx by hand.
//!
//! ```text
//! cargo run --release -p soft-delete-rest-api --bin rest_api_by_hand -- --database-url sqlite://posts.db --listen 127.0.0.1:8080
//! ```
//!
//! The routes, the input checks, the JSON and the errors are
//! `rest_api`'s (the crate's `service` module), and so are
//! the opening of the database and the `posts` table. Only the database
//! code differs: `store` runs the SQL of `sql`, written by hand, with
//! `sqlx::query_as`, where `rest_api` runs `soft_delete::sqlx`. So the load
//! benchmark's ratio of the two measures the database layer alone.

use std::process::ExitCode;

use soft_delete_rest_api::cli;
use soft_delete_rest_api::service::{self, Database};
use soft_delete_rest_api::store::ByHand;

#[tokio::main]
async fn main() -> ExitCode {
    cli::run(
        "rest_api_by_hand",
        "posts by hand",
        |database| match database {
            Database::Sqlite(posts) => service::app(ByHand::new(posts)),
            Database::Postgres(posts) => service::app(ByHand::new(posts)),
            Database::MySql(posts) => service::app(ByHand::new(posts)),
        },
    )
    .await
}
