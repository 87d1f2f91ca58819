//! With feature `tracing`, the run layer reports each cascade, purge batch,
//! erase and create-or-restore as a DEBUG event of target `soft_delete`,
//! with the table and what changed, and runs each write in a span
//! (`soft_delete`: table, operation, rows, outcome) that holds no bound
//! value.

use std::sync::{Arc, Mutex};

use soft_delete::sqlx::SoftDeleteExt;
use soft_delete::SoftDelete;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

#[derive(SoftDelete, sqlx::FromRow)]
#[allow(dead_code)] // read by the derives
#[soft_delete(
    table = "posts",
    cascade_id = "deletion_id",
    cascade(Comment = "post_id"),
    unique(slug)
)]
struct Post {
    id: i64,
    slug: String,
    deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    deletion_id: Option<i64>,
}

#[derive(SoftDelete, sqlx::FromRow)]
#[allow(dead_code)] // read by the derives
#[soft_delete(table = "comments", cascade_id = "deletion_id")]
struct Comment {
    id: i64,
    post_id: i64,
    deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    deletion_id: Option<i64>,
}

/// Every event's target and fields, as text; every span's name, target
/// and fields (those recorded later included), as text.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>, Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let metadata = attributes.metadata();
        let mut fields = Fields(format!("{} {}", metadata.target(), metadata.name()));
        attributes.record(&mut fields);
        let mut spans = self.1.lock().unwrap();
        spans.push(fields.0);
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.1.lock().unwrap();
        let Some(text) = spans.get_mut(span.into_u64() as usize - 1) else {
            return;
        };
        let mut fields = Fields(String::new());
        values.record(&mut fields);
        text.push_str(&fields.0);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(event.metadata().target().to_owned());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn operations_are_traced() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, slug TEXT NOT NULL, deleted_at TEXT, deletion_id INTEGER);
         CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id), deleted_at TEXT, deletion_id INTEGER);
         INSERT INTO posts (id, slug) VALUES (1, 'a'), (2, 'b');
         INSERT INTO comments (id, post_id) VALUES (10, 1), (11, 1), (20, 2);",
    )
    .execute(&pool)
    .await
    .unwrap();
    let posts = Post::on(&pool);
    posts.cascade_delete(1).await.unwrap().expect("live");
    posts
        .purge_trashed_before(chrono::Utc::now() + chrono::Duration::seconds(1))
        .await
        .unwrap();
    posts.erase(2).await.unwrap().expect("there");
    let created = posts
        .create_or_restore([(PostColumn::Slug, "c".into())])
        .await
        .unwrap();
    assert!(!created.is_restored());
    let events: Vec<String> = recorder
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|event| event.starts_with("soft_delete "))
        .cloned()
        .collect();
    let has = |needle: &[&str]| {
        events
            .iter()
            .any(|event| needle.iter().all(|part| event.contains(part)))
    };
    assert!(
        has(&["cascade_delete", "table=\"posts\"", "rows=3"]),
        "{events:#?}"
    );
    assert!(
        has(&["purge batch", "table=\"posts\"", "deleted=1", "kept=0"]),
        "{events:#?}"
    );
    assert!(has(&["erase", "table=\"posts\"", "rows=2"]), "{events:#?}");
    assert!(has(&["create_or_restore", "restored=false"]), "{events:#?}");

    // A failing write: its span says how.
    let taken = posts
        .create_or_restore([(PostColumn::Slug, "c".into())])
        .await;
    assert!(taken.is_err(), "the slug is held by a live row");
    let spans: Vec<String> = recorder
        .1
        .lock()
        .unwrap()
        .iter()
        .filter(|span| span.starts_with("soft_delete soft_delete"))
        .cloned()
        .collect();
    let span = |needle: &[&str]| {
        spans
            .iter()
            .any(|span| needle.iter().all(|part| span.contains(part)))
    };
    for expected in [
        &[
            "table=\"posts\"",
            "operation=\"cascade_delete\"",
            "rows=3",
            "outcome=\"ok\"",
        ][..],
        &["operation=\"purge\"", "rows=1", "outcome=\"ok\""],
        &["operation=\"erase\"", "rows=2", "outcome=\"ok\""],
        &[
            "operation=\"create_or_restore\"",
            "rows=1",
            "outcome=\"ok\"",
        ],
        &["operation=\"create_or_restore\"", "outcome=\"conflict\""],
    ] {
        assert!(span(expected), "{expected:?} in {spans:#?}");
    }
    // No bound value in any span: the slug written is nowhere.
    assert!(
        spans.iter().all(|span| !span.contains("\"c\"")),
        "{spans:#?}"
    );
}
