//! Posts → comments → reactions, every model with `cascade_id`: the
//! three-level tree without a self-referencing table that several tests
//! share (`#[path = "common/tree.rs"] mod tree;`).

use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(
    table = "posts",
    cascade_id = "deletion_id",
    cascade(Comment = "post_id")
)]
pub struct Post {
    pub id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deletion_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(
    table = "comments",
    cascade_id = "deletion_id",
    cascade(Reaction = "comment_id")
)]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deletion_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "reactions", cascade_id = "deletion_id")]
pub struct Reaction {
    pub id: i64,
    pub comment_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deletion_id: Option<i64>,
}
