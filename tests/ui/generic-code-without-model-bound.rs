// Generic code over sqlx's database that uses a handle without the
// `Model<DB>` bound: the error says which bound to add.
use soft_delete::sqlx::{Dialect, SoftDeleteExt};
use soft_delete::SoftDelete;

#[derive(Debug, SoftDelete, sqlx::FromRow)]
#[soft_delete(table = "notes")]
struct Note {
    id: i64,
    deleted_at: Option<chrono::DateTime<chrono::Utc>>,
}

async fn trash<DB: Dialect>(pool: &sqlx::Pool<DB>) {
    let _ = Note::on(pool).delete(1).await;
}

fn main() {
    let _ = trash::<sqlx::Sqlite>;
}
