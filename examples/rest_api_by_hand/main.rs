//! The baseline of the REST load benchmark (`benches/rest_load.rs`): the
//! same service as `examples/rest_api` over sqlx by hand.
//!
//! ```text
//! cargo run --release --example rest_api_by_hand -- --database-url sqlite://posts.db --listen 127.0.0.1:8080
//! ```
//!
//! The routes, the input checks, the JSON and the errors are
//! `examples/rest_api`'s, its `service.rs` included as it is, and so are
//! the opening of the database and the `posts` table. Only the database
//! code differs: `store.rs` runs the SQL of `sql.rs`, written by hand, with
//! `sqlx::query_as`, where `rest_api` runs `soft_delete::sqlx`. So the load
//! benchmark's ratio of the two measures the database layer alone.

#[path = "../rest_api/cli.rs"]
mod cli;
#[path = "../rest_api/service.rs"]
mod service;
mod sql;
mod store;

use std::process::ExitCode;

use service::Database;
use store::ByHand;

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
