use chrono::{DateTime, Utc};
use soft_delete::SoftDelete;

#[derive(SoftDelete)]
#[soft_delete(table = "users", unique(tenant_id, slug), unique(email), unique(slug, tenant_id), unique(email))]
struct User {
    id: i64,
    tenant_id: i64,
    slug: String,
    email: String,
    deleted_at: Option<DateTime<Utc>>,
}

fn main() {}
