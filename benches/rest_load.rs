//! The REST service under load: the release build of `rest_api`
//! (`soft_delete::sqlx`) against `rest_api_by_hand` (the same
//! service, its database code written by hand with sqlx), on a SQLite file
//! (WAL), PostgreSQL and MariaDB.
//!
//! ```text
//! python3 scripts/bench-rest.py          # builds both servers, then runs this
//! cargo bench --bench rest_load -- --rounds 9 --clients 8 --requests 20000 --seconds 0.5 --instructions 300 --only sqlite,postgres,mysql
//! ```
//!
//! Both servers run as child processes on free ports of 127.0.0.1, over
//! the same database: a SQLite file in a temporary directory, and on
//! PostgreSQL (`SOFT_DELETE_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`) and MariaDB
//! (`SOFT_DELETE_MYSQL_URL`, default `mysql://root@127.0.0.1:3306/test`) a
//! database `bench_rest` of their own, created for the run and dropped at
//! its end (also after a failure). 1,000 posts are seeded through the
//! service, every tenth trashed. Before measuring, the two servers must
//! give the same answers (status, `Link`, JSON) to the same requests.
//!
//! Three routes are measured: `GET /posts?after=<n>&limit=50` (a page at
//! one of 18 depths), `GET /posts/{id}` (a live post) and
//! `DELETE /posts/{id}` then `POST /posts/{id}/restore` (one pair, on ids
//! of the client's own). Each measurement is a fixed number of concurrent
//! clients on keep-alive HTTP/1.1 connections (hyper's client), bounded by
//! a number of requests and a time, every answer's status checked. The two
//! servers alternate, route by route, in the order A B B A A B...: ratio =
//! median over rounds of by-hand / library requests per second (and of
//! library / by-hand latencies and server CPU time per request), so that
//! ≤ 1.05 is the target. Then each server runs again under callgrind, and
//! the instructions it executes per request (pair) of each route are
//! counted (`--instructions 0` leaves this out, `--profiles <dir>` keeps
//! the profiles for `callgrind_annotate`): a figure the machine's
//! other work does not move, which says what the library's code costs
//! where the timings are too noisy to. Writes
//! `benches/results/rest-load.json`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use sea_query::{
    Expr, ExprTrait as _, MysqlQueryBuilder, Order, PostgresQueryBuilder, Query, QueryBuilder,
    SqliteQueryBuilder, UpdateStatement,
};
use serde_json::{json, Value};
use soft_delete::{Backend, SoftDelete, TrashMode};
use soft_delete_benches::{median, source};
use sqlx::Connection;

/// The baseline's SQL, checked against the library's.
use soft_delete_rest_api::sql;

const TARGET: f64 = 1.05;
const ROWS: i64 = 1_000;
const PAGE: usize = 50;
const DATABASE: &str = "bench_rest";
const ROUTES: [Route; 3] = [Route::List, Route::Show, Route::DeleteRestore];
const SIDES: [Side; 2] = [Side::Library, Side::ByHand];

type Error = Box<dyn std::error::Error + Send + Sync>;
type Result<T, E = Error> = std::result::Result<T, E>;

// ---------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------

/// The run's settings.
#[derive(Debug, Clone)]
struct Args {
    rounds: usize,
    clients: usize,
    requests: usize,
    seconds: f64,
    only: Vec<Backend>,
    /// Requests (pairs) per route run under callgrind; 0: none.
    instructions: usize,
    /// Where to keep the callgrind profiles (else a temporary directory,
    /// removed).
    profiles: Option<PathBuf>,
    servers: PathBuf,
    out: PathBuf,
}

fn parse_args() -> Result<Args> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut args = Args {
        rounds: 9,
        clients: 8,
        requests: 20_000,
        seconds: 0.5,
        only: vec![Backend::Sqlite, Backend::Postgres, Backend::MySql],
        instructions: 300,
        profiles: None,
        servers: std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| root.join("target"), PathBuf::from)
            .join("release"),
        out: root.join("benches/results/rest-load.json"),
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        // `cargo bench` passes `--bench` to every bench binary.
        if flag == "--bench" {
            continue;
        }
        let value = given
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value"))?;
        match flag.as_str() {
            "--rounds" => args.rounds = value.parse()?,
            "--clients" => args.clients = value.parse()?,
            "--requests" => args.requests = value.parse()?,
            "--seconds" => args.seconds = value.parse()?,
            "--instructions" => args.instructions = value.parse()?,
            "--profiles" => args.profiles = Some(value.into()),
            "--servers" => args.servers = value.into(),
            "--out" => args.out = value.into(),
            "--only" => {
                args.only = value
                    .split(',')
                    .map(<Backend as BackendNames>::parse)
                    .collect::<Result<_>>()?;
            }
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    if args.rounds == 0 || args.clients == 0 || args.requests < args.clients {
        return Err("--rounds, --clients must be positive, --requests at least --clients".into());
    }
    Ok(args)
}

// ---------------------------------------------------------------------------
// Databases
// ---------------------------------------------------------------------------

/// What the load tool says of core's [`Backend`].
trait BackendNames: Sized {
    fn parse(name: &str) -> Result<Self>;
    fn name(self) -> &'static str;
    fn key(self) -> &'static str;
}

impl BackendNames for Backend {
    fn parse(name: &str) -> Result<Self> {
        match name {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" => Ok(Backend::Postgres),
            "mysql" | "mariadb" => Ok(Backend::MySql),
            other => Err(format!("unknown database `{other}`: sqlite, postgres or mysql").into()),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite file (WAL)",
            Backend::Postgres => "PostgreSQL",
            Backend::MySql => "MariaDB",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        }
    }
}

/// The database of one backend's measurements, made for the run.
struct Scratch {
    backend: Backend,
    /// What the servers connect to.
    url: String,
    /// The server URL to drop the database through, or the SQLite directory.
    admin: String,
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> Result<String> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority = base
        .find("://")
        .ok_or_else(|| format!("`{base}` is not a server URL"))?
        + 3;
    let host_end = base[authority..]
        .find('/')
        .map_or(base.len(), |slash| authority + slash);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    Ok(out)
}

impl Scratch {
    async fn create(backend: Backend) -> Result<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir()
                    .join(format!("soft-delete-rest-load-{}", std::process::id()));
                std::fs::create_dir_all(&dir)?;
                let file = dir.join("posts.db");
                // WAL is a property of the file: both servers then use it.
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&file)
                    .create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
                sqlx::SqliteConnection::connect_with(&options)
                    .await?
                    .close()
                    .await?;
                Ok(Scratch {
                    backend,
                    url: format!("sqlite://{}", file.display()),
                    admin: dir.display().to_string(),
                })
            }
            Backend::Postgres | Backend::MySql => {
                let admin = if backend == Backend::Postgres {
                    std::env::var("SOFT_DELETE_POSTGRES_URL")
                        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
                } else {
                    std::env::var("SOFT_DELETE_MYSQL_URL")
                        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_owned())
                };
                let scratch = Scratch {
                    backend,
                    url: with_database(&admin, DATABASE)?,
                    admin,
                };
                let (drop, create) = scratch.drop_and_create();
                scratch.admin_sql(&[drop, create]).await?;
                Ok(scratch)
            }
        }
    }

    /// The statements that drop and create the scratch database on a server.
    fn drop_and_create(&self) -> (&'static str, &'static str) {
        if self.backend == Backend::Postgres {
            (
                "DROP DATABASE IF EXISTS bench_rest WITH (FORCE)",
                "CREATE DATABASE bench_rest",
            )
        } else {
            (
                "DROP DATABASE IF EXISTS bench_rest",
                "CREATE DATABASE bench_rest CHARACTER SET utf8mb4",
            )
        }
    }

    /// Runs `statements` on the server, connected to its own database.
    async fn admin_sql(&self, statements: &[&'static str]) -> Result<()> {
        async fn run<C>(url: &str, statements: &[&'static str]) -> Result<()>
        where
            C: Connection,
            for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
        {
            let mut connection = C::connect(url).await?;
            for &statement in statements {
                sqlx::raw_sql(statement).execute(&mut connection).await?;
            }
            connection.close().await?;
            Ok(())
        }
        if self.backend == Backend::Postgres {
            run::<sqlx::PgConnection>(&self.admin, statements).await
        } else {
            run::<sqlx::MySqlConnection>(&self.admin, statements).await
        }
    }

    /// Drops the database (after the servers have stopped).
    async fn drop_database(self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            std::fs::remove_dir_all(&self.admin)?;
            return Ok(());
        }
        let (drop, _) = self.drop_and_create();
        self.admin_sql(&[drop]).await
    }
}

// ---------------------------------------------------------------------------
// The baseline's SQL is the library's
// ---------------------------------------------------------------------------

/// `rest_api`'s model: only its statements are rendered here.
#[derive(SoftDelete)]
#[soft_delete(table = "posts")]
#[allow(dead_code, reason = "never built: only its statements are rendered")]
struct Post {
    id: i64,
    title: String,
    body: String,
    deleted_at: Option<DateTime<Utc>>,
}

/// `update` with `RETURNING` the row, as `rest_api` and the handle add it
/// (MySQL's builder leaves it out).
fn returning(mut update: UpdateStatement) -> UpdateStatement {
    update.returning(Query::returning().columns(Post::COLUMNS.iter().copied()));
    update
}

/// Every statement of `soft_delete_rest_api::sql` against the one
/// the library renders for `rest_api` (built as `service.rs` and
/// `soft_delete::sqlx`'s handle build them), for one dialect.
fn check_sql_of(flavor: sql::Flavor, builder: &impl QueryBuilder) -> Result<usize> {
    let hand = sql::Sql::new(flavor);
    let id = || Expr::col((PostColumn::Table, PostColumn::Id));
    let mut pairs: Vec<(String, &str)> = Vec::new();
    let modes = [
        TrashMode::WithoutTrashed,
        TrashMode::WithTrashed,
        TrashMode::OnlyTrashed,
    ];
    for (index, mode) in modes.into_iter().enumerate() {
        let mut page = Post::query_in(mode);
        page.order_by((PostColumn::Table, PostColumn::Id), Order::Asc)
            .limit(51);
        pairs.push((page.build_any(builder).0, hand.page[index]));
        let mut after = Post::query_in(mode);
        after
            .and_where(id().gt(7i64))
            .order_by((PostColumn::Table, PostColumn::Id), Order::Asc)
            .limit(51);
        pairs.push((after.build_any(builder).0, hand.page_after[index]));
        pairs.push((
            Post::find_in(7, mode).build_any(builder).0,
            hand.find[index],
        ));
    }
    let mut insert = Query::insert();
    insert
        .into_table(PostColumn::Table)
        .columns([PostColumn::Title, PostColumn::Body])
        .values(["t".into(), "b".into()])?;
    insert.returning(Query::returning().columns(Post::COLUMNS.iter().copied()));
    pairs.push((insert.build_any(builder).0, hand.insert));
    let mut inserted = Post::with_trashed();
    inserted.and_where(id().eq(Expr::cust("LAST_INSERT_ID()")));
    pairs.push((inserted.build_any(builder).0, hand.inserted));
    for (title, body, text) in [
        (true, false, hand.update_title),
        (false, true, hand.update_body),
        (true, true, hand.update_both),
    ] {
        let mut update = Post::update();
        if title {
            update.value(PostColumn::Title, "t");
        }
        if body {
            update.value(PostColumn::Body, "b");
        }
        update.and_where(id().eq(7i64));
        pairs.push((returning(update).build_any(builder).0, text));
    }
    pairs.push((
        returning(Post::delete_by_id(7)).build_any(builder).0,
        hand.delete,
    ));
    pairs.push((
        returning(Post::restore_by_id(7)).build_any(builder).0,
        hand.restore,
    ));
    pairs.push((
        Post::force_delete_by_id(7).build_any(builder).0,
        hand.force_delete,
    ));
    for (library, by_hand) in &pairs {
        if library != by_hand {
            return Err(format!(
                "{flavor:?}: the baseline's SQL is not the library's:\n  library: {library}\n  by hand: {by_hand}"
            )
            .into());
        }
    }
    Ok(pairs.len())
}

/// [`check_sql_of`] for the three dialects: how many statements matched.
fn check_sql() -> Result<usize> {
    Ok(check_sql_of(sql::Flavor::Sqlite, &SqliteQueryBuilder)?
        + check_sql_of(sql::Flavor::Postgres, &PostgresQueryBuilder)?
        + check_sql_of(sql::Flavor::MySql, &MysqlQueryBuilder)?)
}

// ---------------------------------------------------------------------------
// The servers
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    /// `rest_api`: `soft_delete::sqlx`.
    Library,
    /// `rest_api_by_hand`: sqlx by hand.
    ByHand,
}

impl Side {
    fn binary(self) -> &'static str {
        match self {
            Side::Library => "rest_api",
            Side::ByHand => "rest_api_by_hand",
        }
    }
}

/// A server process, killed when dropped (also on a failure).
struct Server {
    child: Child,
    addr: SocketAddr,
    /// Kept open: the server may still write to it.
    stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Starts `binary` on a free port of 127.0.0.1 over `url`, under
    /// callgrind (profiles in `callgrind`) if given; returns when it says
    /// where it serves.
    fn start(binary: &Path, url: &str, callgrind: Option<&Path>) -> Result<Self> {
        let mut command = match callgrind {
            Some(dir) => {
                let mut valgrind = Command::new("valgrind");
                valgrind.args(["-q", "--tool=callgrind", "--dump-instr=no"]);
                valgrind.arg(format!("--callgrind-out-file={}/cg.%p.out", dir.display()));
                valgrind.arg(binary);
                valgrind
            }
            None => Command::new(binary),
        };
        let mut child = command
            .args(["--database-url", url, "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", binary.display()))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            return Err("no stdout".into());
        };
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stdout: BufReader::new(stdout),
        };
        let mut line = String::new();
        server.stdout.read_line(&mut line)?;
        // "serving posts [by hand] on http://127.0.0.1:PORT (backend)"
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .ok_or_else(|| format!("{} did not start: {line:?}", binary.display()))?;
        server.addr = addr.parse()?;
        Ok(server)
    }

    /// CPU time (user and system) the server has used so far, in clock
    /// ticks of [`clock_tick`] (`/proc/<pid>/stat`, all its threads).
    fn cpu(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()));
        let ticks = stat.ok().and_then(|text| {
            // The fields after the command's name: state is the first,
            // utime the 12th and stime the 13th.
            let (_, fields) = text.rsplit_once(')')?;
            let fields: Vec<&str> = fields.split_whitespace().collect();
            Some(fields.get(11)?.parse::<u32>().ok()? + fields.get(12)?.parse::<u32>().ok()?)
        });
        clock_tick() * ticks.unwrap_or(0)
    }
}

/// The kernel's clock tick (`getconf CLK_TCK`, usually 10 ms).
fn clock_tick() -> Duration {
    static TICK: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *TICK.get_or_init(|| {
        let hz = Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|output| {
                String::from_utf8(output.stdout)
                    .ok()?
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .filter(|&hz| hz > 0)
            .unwrap_or(100);
        Duration::from_nanos(1_000_000_000 / hz)
    })
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// An HTTP/1.1 client: hyper, keep-alive
// ---------------------------------------------------------------------------

/// One keep-alive connection to a server.
struct Client {
    sender: SendRequest<Full<Bytes>>,
}

/// One answer, read whole.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    link: Option<String>,
    body: Bytes,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

impl Client {
    async fn connect(addr: SocketAddr) -> Result<Self> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Client { sender })
    }

    async fn send(&mut self, method: Method, path: &str, body: Option<&Value>) -> Result<Answer> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(hyper::header::HOST, "127.0.0.1");
        let body = match body {
            Some(json) => {
                request = request.header(hyper::header::CONTENT_TYPE, "application/json");
                Bytes::from(json.to_string())
            }
            None => Bytes::new(),
        };
        self.sender.ready().await?;
        let response = self
            .sender
            .send_request(request.body(Full::new(body))?)
            .await?;
        let status = response.status();
        let link = response
            .headers()
            .get(hyper::header::LINK)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer { status, link, body })
    }

    /// `send`, failing unless the status is `expected`.
    async fn expect(&mut self, method: Method, path: &str, expected: StatusCode) -> Result<Bytes> {
        let answer = self.send(method.clone(), path, None).await?;
        if answer.status != expected {
            return Err(format!(
                "{method} {path}: {} instead of {expected}: {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            )
            .into());
        }
        Ok(answer.body)
    }
}

// ---------------------------------------------------------------------------
// Seeding and the answers' check
// ---------------------------------------------------------------------------

/// The live ids after seeding: every id but the multiples of 10.
fn live_ids() -> Vec<i64> {
    (1..=ROWS).filter(|id| id % 10 != 0).collect()
}

/// 1,000 posts through `server`, ids 1 to 1,000 in order, every tenth then
/// trashed.
async fn seed(server: &Server) -> Result<()> {
    let mut client = Client::connect(server.addr).await?;
    for n in 1..=ROWS {
        let post = json!({
            "title": format!("Post {n}"),
            "body": format!("Body of post {n}. {}", "Some words of a post. ".repeat(8)),
        });
        let answer = client.send(Method::POST, "/posts", Some(&post)).await?;
        if answer.status != StatusCode::CREATED || answer.json()["id"] != json!(n) {
            return Err(format!("seeding post {n}: {} {:?}", answer.status, answer.body).into());
        }
    }
    for id in (10..=ROWS).step_by(10) {
        client
            .expect(
                Method::DELETE,
                &format!("/posts/{id}"),
                StatusCode::NO_CONTENT,
            )
            .await?;
    }
    Ok(())
}

/// An answer as compared between the servers: the time of a deletion
/// (which differs by design) masked.
fn comparable(answer: &Answer) -> Value {
    fn mask(value: &mut Value) {
        match value {
            Value::Array(items) => items.iter_mut().for_each(mask),
            Value::Object(fields) => {
                if let Some(at) = fields.get_mut("deleted_at").filter(|at| !at.is_null()) {
                    *at = json!("<a time>");
                }
            }
            _ => {}
        }
    }
    let mut json = answer.json();
    mask(&mut json);
    json!({ "status": answer.status.as_u16(), "link": answer.link, "json": json })
}

/// The same requests to both servers, in the same order: the same answers,
/// or the comparison means nothing.
async fn check_same_answers(library: &Server, by_hand: &Server) -> Result<usize> {
    let mut transcripts = Vec::new();
    for server in [library, by_hand] {
        let mut client = Client::connect(server.addr).await?;
        let mut transcript = Vec::new();
        let mut send = async |method: Method, path: String, body: Option<Value>| -> Result<Value> {
            let answer = client.send(method.clone(), &path, body.as_ref()).await?;
            transcript.push(
                json!({ "request": format!("{method} {path}"), "answer": comparable(&answer) }),
            );
            Ok(answer.json())
        };
        for path in [
            "/posts",
            "/posts?limit=50&after=100",
            "/posts?trashed=only",
            "/posts?trashed=with&limit=7&after=3",
            "/posts?after=990",
            "/posts?limit=0",
            "/posts/5",
            "/posts/10",
            "/posts/10?trashed=with",
            "/posts/10?trashed=only",
            "/posts/5?trashed=only",
            "/posts/99999",
            "/posts/abc",
        ] {
            send(Method::GET, path.to_owned(), None).await?;
        }
        for (method, path) in [
            (Method::DELETE, "/posts/7"),
            (Method::GET, "/posts/7"),
            (Method::DELETE, "/posts/7"),
            (Method::POST, "/posts/7/restore"),
            (Method::POST, "/posts/7/restore"),
            (Method::POST, "/posts/10/restore"),
            (Method::DELETE, "/posts/10"),
        ] {
            send(method, path.to_owned(), None).await?;
        }
        let new = send(
            Method::POST,
            "/posts".to_owned(),
            Some(json!({"title": "new", "body": "b"})),
        )
        .await?;
        let id = new["id"].as_i64().ok_or("POST /posts gave no id")?;
        let post = format!("/posts/{id}");
        send(
            Method::PATCH,
            post.clone(),
            Some(json!({"body": "patched"})),
        )
        .await?;
        send(
            Method::PATCH,
            post.clone(),
            Some(json!({"title": "new", "body": "both"})),
        )
        .await?;
        send(Method::PATCH, post.clone(), Some(json!({}))).await?;
        send(Method::DELETE, post.clone(), None).await?;
        send(Method::PATCH, post.clone(), Some(json!({"title": "new"}))).await?;
        send(Method::DELETE, format!("{post}?force=true"), None).await?;
        send(Method::DELETE, format!("{post}?force=true"), None).await?;
        send(Method::GET, format!("{post}?trashed=with"), None).await?;
        // Each server gives the new post an id of its own: masked.
        let masked = transcript
            .iter()
            .map(|entry| entry.to_string().replace(&id.to_string(), "<new id>"))
            .collect::<Vec<_>>();
        transcripts.push(masked);
    }
    let [library, by_hand] = &transcripts[..] else {
        unreachable!("two servers");
    };
    for (a, b) in library.iter().zip(by_hand) {
        if a != b {
            return Err(
                format!("the servers answer differently:\n  library: {a}\n  by hand: {b}").into(),
            );
        }
    }
    Ok(library.len())
}

// ---------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Route {
    /// `GET /posts?after=<n>&limit=50`.
    List,
    /// `GET /posts/{id}`.
    Show,
    /// `DELETE /posts/{id}` then `POST /posts/{id}/restore`.
    DeleteRestore,
}

impl Route {
    fn key(self) -> &'static str {
        match self {
            Route::List => "list",
            Route::Show => "show",
            Route::DeleteRestore => "delete_restore",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Route::List => "GET /posts?after=&limit=50",
            Route::Show => "GET /posts/{id}",
            Route::DeleteRestore => "DELETE + POST restore",
        }
    }
}

/// One measurement of one route on one server.
#[derive(Debug, Clone, Copy)]
struct Sample {
    /// Requests (pairs for `DeleteRestore`) answered.
    count: usize,
    /// Requests (pairs) per second.
    rps: f64,
    p50: Duration,
    p99: Duration,
    /// The server's CPU time per request (pair).
    cpu: Duration,
}

/// One client's requests: `n` from the shared counter until `requests` or
/// `deadline`; the latency of each.
async fn client_loop(
    addr: SocketAddr,
    route: Route,
    client_index: usize,
    clients: usize,
    next: Arc<AtomicUsize>,
    requests: usize,
    deadline: Instant,
) -> Result<Vec<Duration>> {
    let mut client = Client::connect(addr).await?;
    let live = live_ids();
    // The ids this client deletes and restores: no other client touches them.
    let own: Vec<i64> = live
        .iter()
        .copied()
        .skip(client_index)
        .step_by(clients)
        .collect();
    let mut latencies = Vec::with_capacity(requests / clients + 1);
    let mut mine = 0usize;
    loop {
        let n = next.fetch_add(1, Ordering::Relaxed);
        if n >= requests || Instant::now() >= deadline {
            return Ok(latencies);
        }
        let start = Instant::now();
        let pair = own[mine % own.len()];
        mine += 1;
        hit(&mut client, route, n, live[n % live.len()], pair).await?;
        latencies.push(start.elapsed());
    }
}

/// Request `n` of `route`: a page at one of 18 depths, the live post
/// `show`, or a delete and restore of the live post `pair`; every status
/// checked.
async fn hit(client: &mut Client, route: Route, n: usize, show: i64, pair: i64) -> Result<()> {
    match route {
        Route::List => {
            let after = (n % 18) * PAGE;
            let path = format!("/posts?after={after}&limit={PAGE}");
            let body = client.expect(Method::GET, &path, StatusCode::OK).await?;
            if body.first() != Some(&b'[') {
                return Err("GET /posts: not a JSON array".into());
            }
        }
        Route::Show => {
            let path = format!("/posts/{show}");
            client.expect(Method::GET, &path, StatusCode::OK).await?;
        }
        Route::DeleteRestore => {
            let path = format!("/posts/{pair}");
            client
                .expect(Method::DELETE, &path, StatusCode::NO_CONTENT)
                .await?;
            let path = format!("/posts/{pair}/restore");
            client.expect(Method::POST, &path, StatusCode::OK).await?;
        }
    }
    Ok(())
}

/// `route` on `server`: `clients` concurrent keep-alive clients, at most
/// `requests` requests (pairs) and `seconds`.
async fn measure(server: &Server, route: Route, args: &Args, requests: usize) -> Result<Sample> {
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = server.cpu();
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(args.seconds);
    let tasks: Vec<_> = (0..args.clients)
        .map(|index| {
            tokio::spawn(client_loop(
                server.addr,
                route,
                index,
                args.clients,
                Arc::clone(&next),
                requests,
                deadline,
            ))
        })
        .collect();
    let mut latencies = Vec::with_capacity(requests);
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = start.elapsed();
    let cpu = server.cpu().saturating_sub(cpu_before);
    latencies.sort_unstable();
    let count = latencies.len();
    if count == 0 {
        return Err(format!("{}: no request answered", route.label()).into());
    }
    let at = |q: f64| {
        // Nearest rank.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let rank = ((q * count as f64).ceil() as usize).clamp(1, count);
        latencies[rank - 1]
    };
    #[allow(clippy::cast_precision_loss)]
    let rps = count as f64 / elapsed.as_secs_f64();
    Ok(Sample {
        count,
        rps,
        p50: at(0.50),
        p99: at(0.99),
        cpu: cpu / u32::try_from(count)?,
    })
}

// ---------------------------------------------------------------------------
// One database's run, and the report
// ---------------------------------------------------------------------------

/// Every sample of one database: `samples[route][side]`, one per round.
type Samples = BTreeMap<Route, BTreeMap<Side, Vec<Sample>>>;

/// Starts both servers over `url`, seeds, checks, and measures.
async fn run_database(
    backend: Backend,
    url: String,
    args: Args,
) -> Result<(Samples, Counts, usize)> {
    let library = Server::start(&args.servers.join(Side::Library.binary()), &url, None)?;
    let by_hand = Server::start(&args.servers.join(Side::ByHand.binary()), &url, None)?;
    seed(&library).await?;
    let checked = check_same_answers(&library, &by_hand).await?;
    println!(
        "{}: 1,000 posts seeded, {checked} answers the same on both servers",
        backend.name()
    );
    let server = |side| match side {
        Side::Library => &library,
        Side::ByHand => &by_hand,
    };
    // Warm-up: pools, statement caches, page cache.
    for route in ROUTES {
        for side in SIDES {
            measure(server(side), route, &args, args.requests / 10).await?;
        }
    }
    let mut samples = Samples::new();
    for round in 0..args.rounds {
        // A B B A A B ...: each side first every other round.
        let order = if round % 2 == 0 {
            SIDES
        } else {
            [SIDES[1], SIDES[0]]
        };
        for route in ROUTES {
            let requests = match route {
                Route::DeleteRestore => args.requests / 3,
                _ => args.requests,
            };
            for side in order {
                let sample = measure(server(side), route, &args, requests).await?;
                samples
                    .entry(route)
                    .or_default()
                    .entry(side)
                    .or_default()
                    .push(sample);
            }
        }
        print!(".");
        std::io::Write::flush(&mut std::io::stdout())?;
    }
    println!();
    let counts = if args.instructions == 0 {
        Counts::new()
    } else {
        count_instructions(&url, &args).await?
    };
    Ok((samples, counts, checked))
}

/// Instructions per request (pair), `counts[route][side]`.
type Counts = BTreeMap<Route, BTreeMap<Side, f64>>;

/// Each server again, under callgrind, over `url`: per route, the
/// instructions it executes for `args.instructions` requests (pairs) of one
/// client after a warm-up, from `callgrind_control --zero` to `--dump`.
/// Independent of the machine's load, unlike the timings.
async fn count_instructions(url: &str, args: &Args) -> Result<Counts> {
    let temporary =
        std::env::temp_dir().join(format!("soft-delete-rest-callgrind-{}", std::process::id()));
    let dir = args.profiles.clone().unwrap_or_else(|| temporary.clone());
    std::fs::create_dir_all(&dir)?;
    let counted = async {
        let mut counts = Counts::new();
        let live = live_ids();
        for side in SIDES {
            let server = Server::start(&args.servers.join(side.binary()), url, Some(&dir))?;
            let pid = server.child.id().to_string();
            let mut client = Client::connect(server.addr).await?;
            for route in ROUTES {
                let mut run = async |count: usize| -> Result<()> {
                    for n in 0..count {
                        let id = live[n % live.len()];
                        hit(&mut client, route, n, id, id).await?;
                    }
                    Ok(())
                };
                run(10).await?;
                callgrind_control(&["--zero", &pid])?;
                run(args.instructions).await?;
                callgrind_control(&["--dump", &pid])?;
                #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
                let per_request = last_dump_total(&dir, &pid)? as f64 / args.instructions as f64;
                counts.entry(route).or_default().insert(side, per_request);
            }
        }
        Ok::<_, Error>(counts)
    }
    .await;
    if args.profiles.is_none() {
        let _ = std::fs::remove_dir_all(&temporary);
    }
    counted
}

fn callgrind_control(args: &[&str]) -> Result<()> {
    let output = Command::new("callgrind_control").args(args).output()?;
    if !output.status.success() {
        let error = String::from_utf8_lossy(&output.stderr);
        return Err(format!("callgrind_control {args:?}: {error}").into());
    }
    Ok(())
}

/// The `summary:` (instructions) of the newest dump of `pid` in `dir`.
fn last_dump_total(dir: &Path, pid: &str) -> Result<u64> {
    let prefix = format!("cg.{pid}.out.");
    let newest = std::fs::read_dir(dir)?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let number: u32 = name.strip_prefix(&prefix)?.parse().ok()?;
            Some((number, entry.path()))
        })
        .max()
        .ok_or("callgrind wrote no dump")?;
    let text = std::fs::read_to_string(newest.1)?;
    let summary = text
        .lines()
        .find_map(|line| line.strip_prefix("summary:"))
        .ok_or("a callgrind dump without a summary")?;
    Ok(summary.trim().parse()?)
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// The rows of one database's report: medians per side, ratios per round.
fn report(backend: Backend, samples: &Samples, counts: &Counts, table: &mut String) -> Vec<Value> {
    let mut rows = Vec::new();
    for (route, sides) in samples {
        let library = &sides[&Side::Library];
        let by_hand = &sides[&Side::ByHand];
        let per_round = |f: &dyn Fn(&Sample, &Sample) -> f64| {
            median(library.iter().zip(by_hand).map(|(l, h)| f(l, h)))
        };
        let rps_ratio = per_round(&|l, h| h.rps / l.rps);
        let p50_ratio = per_round(&|l, h| l.p50.as_secs_f64() / h.p50.as_secs_f64());
        let p99_ratio = per_round(&|l, h| l.p99.as_secs_f64() / h.p99.as_secs_f64());
        let cpu_ratio = per_round(&|l, h| l.cpu.as_secs_f64() / h.cpu.as_secs_f64());
        let side = |samples: &Vec<Sample>| {
            json!({
                "rps": median(samples.iter().map(|s| s.rps)).round(),
                "p50_us": median(samples.iter().map(|s| micros(s.p50))).round(),
                "p99_us": median(samples.iter().map(|s| micros(s.p99))).round(),
                "cpu_us_per_request": round3(median(samples.iter().map(|s| micros(s.cpu)))),
                "requests_per_round": samples.iter().map(|s| s.count).collect::<Vec<_>>(),
            })
        };
        let (l, h) = (side(library), side(by_hand));
        let verdict = if rps_ratio <= TARGET { "✅" } else { "❌" };
        let instructions = counts
            .get(route)
            .and_then(|sides| Some((*sides.get(&Side::Library)?, *sides.get(&Side::ByHand)?)));
        let instructions_cell = instructions.map_or_else(
            || "–".to_owned(),
            |(l, h)| format!("{:.1} / {:.1} k = **{:.3}**", l / 1e3, h / 1e3, l / h),
        );
        let number = |side: &Value, key: &str| side[key].as_f64().unwrap_or(f64::NAN);
        let _ = writeln!(
            table,
            "| {} | {} | {:.0} | {:.0} | {:.0} / {:.0} µs | {:.0} / {:.0} µs | **{rps_ratio:.3}** {verdict} | {p50_ratio:.3} | {p99_ratio:.3} | {cpu_ratio:.3} | {instructions_cell} |",
            backend.name(),
            route.label(),
            number(&l, "rps"),
            number(&h, "rps"),
            number(&l, "p50_us"),
            number(&l, "p99_us"),
            number(&h, "p50_us"),
            number(&h, "p99_us"),
        );
        rows.push(json!({
            "database": backend.name(),
            "backend": backend.key(),
            "route": route.key(),
            "label": route.label(),
            "library": l,
            "by_hand": h,
            "ratio": round3(rps_ratio),
            "ratio_p50": round3(p50_ratio),
            "ratio_p99": round3(p99_ratio),
            "ratio_cpu": round3(cpu_ratio),
            "instructions_per_request": instructions.map(|(l, h)| json!({ "library": l.round(), "by_hand": h.round() })),
            "ratio_instructions": instructions.map(|(l, h)| round3(l / h)),
            "ratios_per_round": library.iter().zip(by_hand).map(|(l, h)| round3(h.rps / l.rps)).collect::<Vec<_>>(),
        }));
    }
    rows
}

async fn run(args: &Args) -> Result<Value> {
    for side in SIDES {
        let binary = args.servers.join(side.binary());
        if !binary.exists() {
            return Err(format!(
                "{} is missing: `cargo build --release -p soft-delete-rest-api` (or python3 scripts/bench-rest.py)",
                binary.display()
            )
            .into());
        }
    }
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let statements = check_sql()?;
    println!(
        "the baseline's {statements} SQL statements are the library's, on the three databases"
    );
    let mut table = String::from(
        "| database | route | library req/s | by hand req/s | library p50 / p99 | by hand p50 / p99 | by hand / library req/s (target ≤ 1.05) | p50 lib / hand | p99 lib / hand | server CPU lib / hand | server instructions per request lib / hand |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut rows = Vec::new();
    let mut checked = BTreeMap::new();
    for &backend in &args.only {
        let scratch = Scratch::create(backend).await?;
        // In a task of its own: the servers stop (dropped) before the
        // database is dropped, also when the run failed or panicked.
        let outcome = tokio::spawn(run_database(backend, scratch.url.clone(), args.clone())).await;
        let dropped = scratch.drop_database().await;
        let (samples, counts, answers) =
            outcome.map_err(|panic| format!("{}: {panic}", backend.name()))??;
        dropped?;
        rows.extend(report(backend, &samples, &counts, &mut table));
        checked.insert(backend.key(), answers);
    }
    println!("\n{table}");
    let load_after = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    // Other work on the machine during the timings: /proc/loadavg.
    let load_average = json!({ "before": load_before.trim(), "after": load_after.trim() });
    Ok(json!({
        "source": source(),
        "target": TARGET,
        "measure": "two servers as child processes on 127.0.0.1, the same database; per route and round each server in turn (A B B A ...) takes `clients` concurrent keep-alive HTTP/1.1 clients for at most `requests` requests (a third as many DELETE+restore pairs) or `seconds`; ratio = median over rounds of by-hand / library requests per second (latency and CPU ratios: library / by hand)",
        "rounds": args.rounds,
        "clients": args.clients,
        "requests": args.requests,
        "seconds": args.seconds,
        "instructions_requests": args.instructions,
        "load_average": load_average,
        "rows_seeded": ROWS,
        "statements_compared": statements,
        "answers_compared": checked,
        "rows": rows,
    }))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(error) => {
            eprintln!("error: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    // In a task of its own, so that a panic still reaches the clean-up.
    let measured = {
        let args = args.clone();
        tokio::spawn(async move { run(&args).await.map_err(|error| error.to_string()) }).await
    };
    match measured {
        Ok(Ok(result)) => {
            let text = serde_json::to_string_pretty(&result).unwrap_or_default() + "\n";
            if let Err(error) = std::fs::write(&args.out, text) {
                eprintln!("error: cannot write {}: {error}", args.out.display());
                return std::process::ExitCode::FAILURE;
            }
            println!("wrote {}", args.out.display());
            std::process::ExitCode::SUCCESS
        }
        Ok(Err(error)) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
        Err(panic) => {
            eprintln!("error: the run panicked: {panic}");
            std::process::ExitCode::FAILURE
        }
    }
}
