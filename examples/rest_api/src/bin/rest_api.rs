//! A REST service for a soft-deletable `posts` resource: axum 0.8 over
//! `soft_delete::sqlx` (sqlx 0.9).
//!
//! ```text
//! cargo run -p soft-delete-rest-api --bin rest_api                                   # in-memory SQLite on 127.0.0.1:3000
//! cargo run -p soft-delete-rest-api --bin rest_api -- --database-url sqlite://posts.db --listen 127.0.0.1:8080
//! cargo run -p soft-delete-rest-api --bin rest_api -- --database-url postgres://user:pass@localhost/blog
//! cargo run -p soft-delete-rest-api --bin rest_api -- --database-url mysql://user:pass@localhost/blog
//! ```
//!
//! The `posts` table and its indexes (titles unique among live posts) are
//! created at start-up if they do not exist.
//!
//! | route | answer |
//! |---|---|
//! | `GET /posts[?trashed=with\|only][&after=<id>][&limit=<n>]` | 200, a page of posts by id (50 by default, at most 100); `Link: <…>; rel="next"` when more follow |
//! | `GET /posts/{id}[?trashed=with\|only]` | 200, or 404 (a trashed post unless `trashed` lets it through) |
//! | `POST /posts` `{"title", "body"}` | 201 with the post; 409 if a live post holds the title, or a trashed one (then `?restore_trashed=true` restores it) |
//! | `POST /posts?restore_trashed=true` `{"title", "body"}` | 200 with the trashed post that held the title, restored with these values (the one trashed last); 201 with a new post if none did; 409 if a live post holds it |
//! | `PATCH /posts/{id}` `{"title"?, "body"?}` | 200 with the post; 404 if trashed or absent, 409 if another live post holds the title (nothing changes) |
//! | `DELETE /posts/{id}` | 204; 404 if already trashed or absent |
//! | `DELETE /posts/{id}?force=true` | 204; 404 if absent |
//! | `POST /posts/{id}/restore` | 200 with the post; 404 if not trashed; 409 if a live post holds its title |
//!
//! Every error is `{"error": "..."}`: 400 for a bad id or query value,
//! 409 for a title a post holds,
//! 400/415/422 for a bad JSON body, 422 for a title over 255 or a body over
//! 16,000 characters or a NUL character in either, 404/405 for unknown
//! routes, 500 for a database error.

use std::process::ExitCode;

use soft_delete_rest_api::{cli, service};

#[tokio::main]
async fn main() -> ExitCode {
    cli::run("rest_api", "posts", service::Database::app).await
}
