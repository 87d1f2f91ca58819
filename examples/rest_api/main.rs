//! A REST service for a soft-deletable `posts` resource: axum 0.8 over
//! `soft_delete::sqlx` (sqlx 0.9).
//!
//! ```text
//! cargo run --example rest_api                                   # in-memory SQLite on 127.0.0.1:3000
//! cargo run --example rest_api -- --database-url sqlite://posts.db --listen 127.0.0.1:8080
//! cargo run --example rest_api -- --database-url postgres://user:pass@localhost/blog
//! cargo run --example rest_api -- --database-url mysql://user:pass@localhost/blog
//! ```
//!
//! The `posts` table is created at start-up if it does not exist.
//!
//! | route | answer |
//! |---|---|
//! | `GET /posts[?trashed=with\|only][&after=<id>][&limit=<n>]` | 200, a page of posts by id (50 by default, at most 100); `Link: <…>; rel="next"` when more follow |
//! | `GET /posts/{id}[?trashed=with\|only]` | 200, or 404 (a trashed post unless `trashed` lets it through) |
//! | `POST /posts` `{"title", "body"}` | 201 with the post |
//! | `PATCH /posts/{id}` `{"title"?, "body"?}` | 200 with the post; 404 if trashed or absent (nothing changes) |
//! | `DELETE /posts/{id}` | 204; 404 if already trashed or absent |
//! | `DELETE /posts/{id}?force=true` | 204; 404 if absent |
//! | `POST /posts/{id}/restore` | 200 with the post; 404 if not trashed |
//!
//! Every error is `{"error": "..."}`: 400 for a bad id or query value,
//! 400/415/422 for a bad JSON body, 422 for a title over 255 or a body over
//! 16,000 characters or a NUL character in either, 404/405 for unknown
//! routes, 500 for a database error.

mod service;

use std::process::ExitCode;

const USAGE: &str = "\
usage: rest_api [--database-url <url>] [--listen <addr>]

  --database-url <url>  sqlite:..., postgres://... or mysql://... (default: sqlite::memory:)
  --listen <addr>       address to serve on (default: 127.0.0.1:3000)";

/// The command line.
struct Args {
    database_url: String,
    listen: String,
}

/// Parses `--database-url <url>` and `--listen <addr>` (also as
/// `--flag=value`); `Ok(None)` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        database_url: "sqlite::memory:".to_owned(),
        listen: "127.0.0.1:3000".to_owned(),
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let slot = match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--database-url" => &mut parsed.database_url,
            "--listen" => &mut parsed.listen,
            other => return Err(format!("unknown argument `{other}`")),
        };
        *slot = match inline.or_else(|| args.next()) {
            Some(value) => value,
            None => return Err(format!("`{flag}` needs a value")),
        };
    }
    Ok(Some(parsed))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
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
    let database = match service::Database::open(&args.database_url).await {
        Ok(database) => database,
        Err(error) => {
            // The error names the server's address, never the URL (it may
            // hold a password).
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(&args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("serving posts on http://{addr} ({})", database.backend()),
        Err(_) => println!("serving posts on {} ({})", args.listen, database.backend()),
    }
    if let Err(error) = axum::serve(listener, database.app()).await {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
