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

#[path = "../rest_api/service.rs"]
mod service;
mod sql;
mod store;

use std::process::ExitCode;

use service::Database;
use store::ByHand;

const USAGE: &str = "\
usage: rest_api_by_hand [--database-url <url>] [--listen <addr>]

  --database-url <url>  sqlite:..., postgres://... or mysql://... (default: sqlite::memory:)
  --listen <addr>       address to serve on (default: 127.0.0.1:3000)";

/// `--database-url <url>` and `--listen <addr>`, as `rest_api` reads them;
/// `Ok(None)` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<(String, String)>, String> {
    let mut database_url = "sqlite::memory:".to_owned();
    let mut listen = "127.0.0.1:3000".to_owned();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let slot = match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--database-url" => &mut database_url,
            "--listen" => &mut listen,
            other => return Err(format!("unknown argument `{other}`")),
        };
        *slot = match inline.or_else(|| args.next()) {
            Some(value) => value,
            None => return Err(format!("`{flag}` needs a value")),
        };
    }
    Ok(Some((database_url, listen)))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (database_url, listen) = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("error: {error}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let database = match Database::open(&database_url).await {
        Ok(database) => database,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let backend = database.backend();
    let app = match database {
        Database::Sqlite(posts) => service::app(ByHand::new(posts)),
        Database::Postgres(posts) => service::app(ByHand::new(posts)),
        Database::MySql(posts) => service::app(ByHand::new(posts)),
    };
    let listener = match tokio::net::TcpListener::bind(&listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {listen}: {error}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("serving posts by hand on http://{addr} ({backend})"),
        Err(_) => println!("serving posts by hand on {listen} ({backend})"),
    }
    if let Err(error) = axum::serve(listener, app).await {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
