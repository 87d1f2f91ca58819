//! The command line and the serving of `rest_api`, shared with
//! `rest_api_by_hand` (the load benchmark's baseline), which serves the same
//! routes over another store.

use std::process::ExitCode;

use axum::Router;

use crate::service::Database;

/// The usage text of `program`.
fn usage(program: &str) -> String {
    format!(
        "\
usage: {program} [--database-url <url>] [--listen <addr>]

  --database-url <url>  sqlite:..., postgres://... or mysql://... (default: sqlite::memory:)
  --listen <addr>       address to serve on (default: 127.0.0.1:3000)"
    )
}

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

/// Runs `program`: parses its command line, opens the database, and serves
/// the router `app` makes of it until the server fails. `serving` names
/// what is served in the start-up line.
pub async fn run(program: &str, serving: &str, app: impl FnOnce(Database) -> Router) -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{}", usage(program));
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("error: {error}\n\n{}", usage(program));
            return ExitCode::from(2);
        }
    };
    let database = match Database::open(&args.database_url).await {
        Ok(database) => database,
        Err(error) => {
            // The error names the server's address, never the URL (it may
            // hold a password).
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let backend = database.backend();
    let listener = match tokio::net::TcpListener::bind(&args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("serving {serving} on http://{addr} ({backend})"),
        Err(_) => println!("serving {serving} on {} ({backend})", args.listen),
    }
    if let Err(error) = axum::serve(listener, app(database)).await {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
