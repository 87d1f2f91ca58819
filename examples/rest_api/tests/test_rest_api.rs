//! Drives every route of `examples/rest_api` in-process (tower's `oneshot`)
//! against in-memory SQLite, and checks the rows left in the table after each
//! step. (`tests/test_rest_served.rs` runs titles and `?restore_trashed=true`
//! on PostgreSQL and MariaDB too.)

use soft_delete_rest_api::service;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use service::Database;
use sqlx::SqlitePool;
use tower::ServiceExt;

/// A row as stored: title, body, deleted_at.
type Stored = (String, String, Option<DateTime<Utc>>);

/// A fresh service over its own in-memory database, and a pool to look at
/// the table behind its back.
async fn setup() -> (Router, SqlitePool) {
    let database = Database::open("sqlite::memory:").await.unwrap();
    assert_eq!(database.backend(), "sqlite");
    let Database::Sqlite(posts) = &database else {
        unreachable!("sqlite::memory: opens SQLite")
    };
    let pool = posts.pool().clone();
    (database.app(), pool)
}

/// Sends one request; returns the status and the body as JSON (`Null` when
/// empty).
async fn send(app: &Router, method: &str, uri: &str, body: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_owned())
        }
        None => Body::empty(),
    };
    let response = app
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|error| panic!("{method} {uri}: body is not JSON ({error}): {bytes:?}"))
    };
    (status, json)
}

/// Asserts a `{"error": "..."}` body with `status`; returns the message.
async fn expect_error(
    app: &Router,
    method: &str,
    uri: &str,
    body: Option<&str>,
    status: StatusCode,
) -> String {
    let (got, json) = send(app, method, uri, body).await;
    assert_eq!(got, status, "{method} {uri}: {json}");
    let object = json.as_object().expect("error body is an object");
    assert_eq!(object.len(), 1, "{method} {uri}: {json}");
    object["error"]
        .as_str()
        .expect("`error` is a string")
        .to_owned()
}

/// Creates a post through the API; returns its id.
async fn create(app: &Router, title: &str, body: &str) -> i64 {
    let payload = json!({ "title": title, "body": body }).to_string();
    let (status, json) = send(app, "POST", "/posts", Some(&payload)).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json["id"].as_i64().unwrap()
}

/// The row as stored, trashed or not; `None` once it is gone.
async fn stored(pool: &SqlitePool, id: i64) -> Option<Stored> {
    sqlx::query_as("SELECT title, body, deleted_at FROM posts WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await
        .unwrap()
}

async fn row_count(pool: &SqlitePool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM posts")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Trashes a row directly in the table at a fixed time.
async fn trash_directly(pool: &SqlitePool, id: i64, at: DateTime<Utc>) {
    sqlx::query("UPDATE posts SET deleted_at = ? WHERE id = ?")
        .bind(at)
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
}

fn ids(json: &Value) -> Vec<i64> {
    json.as_array()
        .expect("a list")
        .iter()
        .map(|post| post["id"].as_i64().unwrap())
        .collect()
}

fn fixed_time() -> DateTime<Utc> {
    "2026-01-02T03:04:05.123456Z".parse().unwrap()
}

#[tokio::test]
async fn create_returns_201_with_a_live_row() {
    let (app, pool) = setup().await;
    let (status, json) = send(
        &app,
        "POST",
        "/posts",
        Some(r#"{"title": "Hello", "body": "First post"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = json["id"].as_i64().unwrap();
    assert_eq!(
        json,
        json!({ "id": id, "title": "Hello", "body": "First post", "deleted_at": null })
    );
    assert_eq!(
        stored(&pool, id).await,
        Some(("Hello".to_owned(), "First post".to_owned(), None))
    );
    let second = create(&app, "Second", "x").await;
    assert!(second > id);
    assert_eq!(row_count(&pool).await, 2);
}

#[tokio::test]
async fn list_shows_live_posts_and_widens_with_trashed() {
    let (app, pool) = setup().await;
    let live = create(&app, "live", "a").await;
    let trashed = create(&app, "trashed", "b").await;
    trash_directly(&pool, trashed, fixed_time()).await;

    let (status, json) = send(&app, "GET", "/posts", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json,
        json!([{ "id": live, "title": "live", "body": "a", "deleted_at": null }])
    );

    let (status, json) = send(&app, "GET", "/posts?trashed=without", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&json), [live]);

    let (status, json) = send(&app, "GET", "/posts?trashed=with", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&json), [live, trashed]);

    let (status, json) = send(&app, "GET", "/posts?trashed=only", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json,
        json!([{
            "id": trashed,
            "title": "trashed",
            "body": "b",
            "deleted_at": "2026-01-02T03:04:05.123456Z",
        }])
    );
}

#[tokio::test]
async fn bad_trashed_values_are_400_naming_the_accepted_ones() {
    let (app, _pool) = setup().await;
    let id = create(&app, "t", "b").await;
    for uri in [
        "/posts?trashed=all".to_owned(),
        "/posts?trashed=".to_owned(),
        "/posts?trashed=WITH".to_owned(),
        format!("/posts/{id}?trashed=everything"),
    ] {
        let message = expect_error(&app, "GET", &uri, None, StatusCode::BAD_REQUEST).await;
        assert!(
            message.contains("expected one of `without`, `with`, `only`"),
            "{uri}: {message}"
        );
    }
}

#[tokio::test]
async fn show_hides_a_trashed_post_unless_trashed_with_or_only() {
    let (app, pool) = setup().await;
    let live = create(&app, "live", "a").await;
    let trashed = create(&app, "trashed", "b").await;
    trash_directly(&pool, trashed, fixed_time()).await;

    let (status, json) = send(&app, "GET", &format!("/posts/{live}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json,
        json!({ "id": live, "title": "live", "body": "a", "deleted_at": null })
    );

    expect_error(
        &app,
        "GET",
        &format!("/posts/{trashed}"),
        None,
        StatusCode::NOT_FOUND,
    )
    .await;
    for mode in ["with", "only"] {
        let (status, json) = send(
            &app,
            "GET",
            &format!("/posts/{trashed}?trashed={mode}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{mode}");
        assert_eq!(json["deleted_at"], "2026-01-02T03:04:05.123456Z");
    }

    // `only` hides a live post; nothing shows an absent one.
    expect_error(
        &app,
        "GET",
        &format!("/posts/{live}?trashed=only"),
        None,
        StatusCode::NOT_FOUND,
    )
    .await;
    for mode in ["without", "with", "only"] {
        expect_error(
            &app,
            "GET",
            &format!("/posts/999?trashed={mode}"),
            None,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
}

#[tokio::test]
async fn patch_updates_the_given_fields_of_a_live_post() {
    let (app, pool) = setup().await;
    let id = create(&app, "old title", "old body").await;
    let uri = format!("/posts/{id}");

    let (status, json) = send(&app, "PATCH", &uri, Some(r#"{"title": "new title"}"#)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json,
        json!({ "id": id, "title": "new title", "body": "old body", "deleted_at": null })
    );
    assert_eq!(
        stored(&pool, id).await,
        Some(("new title".to_owned(), "old body".to_owned(), None))
    );

    let (status, json) = send(&app, "PATCH", &uri, Some(r#"{"body": "new body"}"#)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["title"], "new title");
    assert_eq!(json["body"], "new body");

    // Setting the same value again is still a success.
    let (status, _) = send(&app, "PATCH", &uri, Some(r#"{"body": "new body"}"#)).await;
    assert_eq!(status, StatusCode::OK);

    // An empty patch changes nothing and answers the post.
    let (status, json) = send(&app, "PATCH", &uri, Some("{}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["title"], "new title");
    assert_eq!(
        stored(&pool, id).await,
        Some(("new title".to_owned(), "new body".to_owned(), None))
    );

    // A misspelt field is refused, not ignored.
    expect_error(
        &app,
        "PATCH",
        &uri,
        Some(r#"{"titel": "typo"}"#),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(stored(&pool, id).await.unwrap().0, "new title");

    expect_error(
        &app,
        "PATCH",
        "/posts/999",
        Some(r#"{"title": "x"}"#),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(stored(&pool, 999).await, None);
}

#[tokio::test]
async fn patch_on_a_trashed_post_is_404_and_changes_nothing() {
    let (app, pool) = setup().await;
    let id = create(&app, "title", "body").await;
    trash_directly(&pool, id, fixed_time()).await;
    let before = stored(&pool, id).await;

    for patch in [
        r#"{"title": "changed"}"#,
        r#"{"title": "changed", "body": "changed"}"#,
        "{}",
    ] {
        expect_error(
            &app,
            "PATCH",
            &format!("/posts/{id}"),
            Some(patch),
            StatusCode::NOT_FOUND,
        )
        .await;
        assert_eq!(stored(&pool, id).await, before, "{patch}");
    }
    assert_eq!(
        before,
        Some(("title".to_owned(), "body".to_owned(), Some(fixed_time())))
    );
}

#[tokio::test]
async fn delete_soft_deletes_once_and_keeps_the_row() {
    let (app, pool) = setup().await;
    let id = create(&app, "title", "body").await;
    let uri = format!("/posts/{id}");

    let before = Utc::now();
    let (status, json) = send(&app, "DELETE", &uri, None).await;
    let after = Utc::now();
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(json, Value::Null);

    let (title, body, deleted_at) = stored(&pool, id).await.expect("the row is still there");
    assert_eq!((title.as_str(), body.as_str()), ("title", "body"));
    let deleted_at = deleted_at.expect("deleted_at is set");
    assert!(
        before <= deleted_at && deleted_at <= after,
        "{before} <= {deleted_at} <= {after}"
    );

    // Trashed: gone from the default views.
    let (_, json) = send(&app, "GET", "/posts", None).await;
    assert_eq!(ids(&json), Vec::<i64>::new());
    expect_error(&app, "GET", &uri, None, StatusCode::NOT_FOUND).await;

    // Deleting again is 404 and keeps the first deletion time.
    expect_error(&app, "DELETE", &uri, None, StatusCode::NOT_FOUND).await;
    assert_eq!(stored(&pool, id).await.unwrap().2, Some(deleted_at));
    // `force=false` is the same soft delete.
    expect_error(
        &app,
        "DELETE",
        &format!("{uri}?force=false"),
        None,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(stored(&pool, id).await.unwrap().2, Some(deleted_at));

    expect_error(&app, "DELETE", "/posts/999", None, StatusCode::NOT_FOUND).await;
    assert_eq!(row_count(&pool).await, 1);
}

#[tokio::test]
async fn force_delete_removes_live_and_trashed_rows() {
    let (app, pool) = setup().await;
    let live = create(&app, "live", "a").await;
    let trashed = create(&app, "trashed", "b").await;
    let kept = create(&app, "kept", "c").await;
    trash_directly(&pool, trashed, fixed_time()).await;

    for id in [live, trashed] {
        let uri = format!("/posts/{id}?force=true");
        let (status, json) = send(&app, "DELETE", &uri, None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(json, Value::Null);
        assert_eq!(stored(&pool, id).await, None);
        // Already gone: 404.
        expect_error(&app, "DELETE", &uri, None, StatusCode::NOT_FOUND).await;
        expect_error(
            &app,
            "POST",
            &format!("/posts/{id}/restore"),
            None,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    assert_eq!(row_count(&pool).await, 1);
    assert_eq!(stored(&pool, kept).await.unwrap().2, None);
}

#[tokio::test]
async fn restore_brings_back_a_trashed_post_only() {
    let (app, pool) = setup().await;
    let id = create(&app, "title", "body").await;
    let restore = format!("/posts/{id}/restore");

    // A live post is not in the trash.
    expect_error(&app, "POST", &restore, None, StatusCode::NOT_FOUND).await;
    assert_eq!(stored(&pool, id).await.unwrap().2, None);

    let (status, _) = send(&app, "DELETE", &format!("/posts/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(stored(&pool, id).await.unwrap().2.is_some());

    let (status, json) = send(&app, "POST", &restore, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json,
        json!({ "id": id, "title": "title", "body": "body", "deleted_at": null })
    );
    assert_eq!(
        stored(&pool, id).await,
        Some(("title".to_owned(), "body".to_owned(), None))
    );
    let (_, json) = send(&app, "GET", "/posts", None).await;
    assert_eq!(ids(&json), [id]);

    // Restoring twice: 404, still live.
    expect_error(&app, "POST", &restore, None, StatusCode::NOT_FOUND).await;
    assert_eq!(stored(&pool, id).await.unwrap().2, None);

    expect_error(
        &app,
        "POST",
        "/posts/999/restore",
        None,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_title_a_trashed_post_holds_is_409_until_restore_trashed() {
    let (app, pool) = setup().await;
    let id = create(&app, "Hello", "v1").await;
    let live_holds = "a live post holds this title: titles are unique among live posts";
    let trashed_holds = "a trashed post holds this title: \
        `POST /posts?restore_trashed=true` restores it with the values sent";
    let hello = |body: &str| json!({ "title": "Hello", "body": body }).to_string();

    // Live: 409 with or without the flag.
    for uri in ["/posts", "/posts?restore_trashed=true"] {
        let message =
            expect_error(&app, "POST", uri, Some(&hello("x")), StatusCode::CONFLICT).await;
        assert_eq!(message, live_holds, "{uri}");
    }
    let (status, _) = send(&app, "DELETE", &format!("/posts/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let trashed = stored(&pool, id).await;

    // Trashed, no flag: 409 naming the flag; nothing written.
    let message = expect_error(
        &app,
        "POST",
        "/posts",
        Some(&hello("v2")),
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(message, trashed_holds);
    assert_eq!(stored(&pool, id).await, trashed);
    assert_eq!(row_count(&pool).await, 1);

    // The flag: 200, the same post restored with the values sent.
    let uri = "/posts?restore_trashed=true";
    let (status, json) = send(&app, "POST", uri, Some(&hello("v2"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json,
        json!({ "id": id, "title": "Hello", "body": "v2", "deleted_at": null })
    );
    assert_eq!(
        stored(&pool, id).await,
        Some(("Hello".to_owned(), "v2".to_owned(), None))
    );
    assert_eq!(row_count(&pool).await, 1);

    // Again: live now, 409, unchanged.
    let message = expect_error(&app, "POST", uri, Some(&hello("v3")), StatusCode::CONFLICT).await;
    assert_eq!(message, live_holds);
    assert_eq!(stored(&pool, id).await.unwrap().1, "v2");

    // A title nobody holds: 201.
    let payload = json!({ "title": "Fresh", "body": "f" }).to_string();
    let (status, json) = send(&app, "POST", uri, Some(&payload)).await;
    assert_eq!(status, StatusCode::CREATED);
    let fresh = json["id"].as_i64().unwrap();
    assert_ne!(fresh, id);
    assert_eq!(
        json,
        json!({ "id": fresh, "title": "Fresh", "body": "f", "deleted_at": null })
    );
    assert_eq!(
        stored(&pool, fresh).await,
        Some(("Fresh".to_owned(), "f".to_owned(), None))
    );
    assert_eq!(row_count(&pool).await, 2);
}

#[tokio::test]
async fn bad_input_is_a_json_4xx() {
    let (app, pool) = setup().await;
    let id = create(&app, "title", "body").await;
    let patch = Some(r#"{"title": "x"}"#);

    let cases: Vec<(&str, String, Option<&str>, StatusCode)> = vec![
        // Ids that are not i64.
        ("GET", "/posts/abc".into(), None, StatusCode::BAD_REQUEST),
        ("PATCH", "/posts/abc".into(), patch, StatusCode::BAD_REQUEST),
        ("DELETE", "/posts/abc".into(), None, StatusCode::BAD_REQUEST),
        (
            "POST",
            "/posts/abc/restore".into(),
            None,
            StatusCode::BAD_REQUEST,
        ),
        (
            "GET",
            "/posts/99999999999999999999".into(),
            None,
            StatusCode::BAD_REQUEST,
        ),
        ("GET", "/posts/1.5".into(), None, StatusCode::BAD_REQUEST),
        // Query values.
        (
            "DELETE",
            format!("/posts/{id}?force=yes"),
            None,
            StatusCode::BAD_REQUEST,
        ),
        (
            "POST",
            "/posts?restore_trashed=yes".into(),
            Some(r#"{"title": "other", "body": "b"}"#),
            StatusCode::BAD_REQUEST,
        ),
        // Bodies: broken JSON, wrong shapes, missing fields, wrong content type.
        (
            "POST",
            "/posts".into(),
            Some(r#"{"title": "#),
            StatusCode::BAD_REQUEST,
        ),
        ("POST", "/posts".into(), Some(""), StatusCode::BAD_REQUEST),
        (
            "POST",
            "/posts".into(),
            Some(r#"{"title": "only"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "POST",
            "/posts".into(),
            Some(r#"{"title": 1, "body": "b"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "POST",
            "/posts".into(),
            Some("[]"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "PATCH",
            format!("/posts/{id}"),
            Some(r#"{"title": ["x"]}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "POST",
            "/posts".into(),
            None,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        // Routes and methods.
        ("GET", "/nope".into(), None, StatusCode::NOT_FOUND),
        (
            "PUT",
            format!("/posts/{id}"),
            patch,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "DELETE",
            "/posts".into(),
            None,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "GET",
            format!("/posts/{id}/restore"),
            None,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ];
    for (method, uri, body, status) in cases {
        let message = expect_error(&app, method, &uri, body, status).await;
        assert!(!message.is_empty(), "{method} {uri}");
    }

    // None of it touched the table.
    assert_eq!(row_count(&pool).await, 1);
    assert_eq!(
        stored(&pool, id).await,
        Some(("title".to_owned(), "body".to_owned(), None))
    );
}

#[tokio::test]
async fn database_errors_are_a_json_500() {
    let (app, pool) = setup().await;
    let id = create(&app, "title", "body").await;
    sqlx::query("DROP TABLE posts")
        .execute(&pool)
        .await
        .unwrap();

    let cases = [
        ("GET", "/posts".to_owned(), None),
        ("GET", format!("/posts/{id}"), None),
        (
            "POST",
            "/posts".to_owned(),
            Some(r#"{"title": "t", "body": "b"}"#),
        ),
        (
            "POST",
            "/posts?restore_trashed=true".to_owned(),
            Some(r#"{"title": "t", "body": "b"}"#),
        ),
        ("PATCH", format!("/posts/{id}"), Some(r#"{"title": "t"}"#)),
        ("DELETE", format!("/posts/{id}"), None),
        ("DELETE", format!("/posts/{id}?force=true"), None),
        ("POST", format!("/posts/{id}/restore"), None),
    ];
    for (method, uri, body) in cases {
        let message =
            expect_error(&app, method, &uri, body, StatusCode::INTERNAL_SERVER_ERROR).await;
        // The details go to the log, not to the client.
        assert_eq!(message, "database error", "{method} {uri}");
    }
}

#[tokio::test]
async fn a_post_through_its_whole_lifecycle() {
    let (app, pool) = setup().await;
    let id = create(&app, "Hello", "First post").await;
    let uri = format!("/posts/{id}");

    let (status, _) = send(&app, "PATCH", &uri, Some(r#"{"title": "Hello, world"}"#)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(&app, "DELETE", &uri, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, json) = send(&app, "GET", "/posts?trashed=only", None).await;
    assert_eq!(ids(&json), [id]);
    let (status, json) = send(&app, "POST", &format!("{uri}/restore"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["title"], "Hello, world");
    let (status, _) = send(&app, "DELETE", &format!("{uri}?force=true"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, json) = send(&app, "GET", "/posts?trashed=with", None).await;
    assert_eq!(ids(&json), Vec::<i64>::new());
    assert_eq!(row_count(&pool).await, 0);
}

#[tokio::test]
async fn start_up_errors_name_the_address_and_never_the_password() {
    // Port 1 of 127.0.0.1: nothing listens there, so the connection is refused.
    let cases = [
        (
            "postgres://admin:hunter2@127.0.0.1:1/blog",
            "cannot connect to PostgreSQL at 127.0.0.1:1: ",
        ),
        (
            "mysql://admin:hunter2@127.0.0.1:1/blog",
            "cannot connect to MySQL at 127.0.0.1:1: ",
        ),
        (
            "mariadb://admin:hunter2@127.0.0.1:1/blog",
            "cannot connect to MySQL at 127.0.0.1:1: ",
        ),
        (
            "redis://admin:hunter2@127.0.0.1/0",
            "unsupported database URL scheme `redis:`",
        ),
        (
            "admin:hunter2@127.0.0.1",
            "unsupported database URL scheme `admin:`",
        ),
        ("//admin:hunter2@host", "the database URL has no scheme"),
        ("sqlite:", "`sqlite:` names no file"),
    ];
    for (url, start) in cases {
        let Err(error) = Database::open(url).await else {
            panic!("{url} opened")
        };
        let message = error.to_string();
        assert!(message.starts_with(start), "{url}: {message}");
        assert!(!message.contains("hunter2"), "{url}: {message}");
        if start.starts_with("cannot connect") {
            // The real cause, not a pool timeout.
            assert!(message.contains("refused"), "{url}: {message}");
        }
    }
}
