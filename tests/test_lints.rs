//! Derived models in a crate that denies missing docs, every warning,
//! unnecessary qualifications and clippy's pedantic lints: the generated code
//! must stay clean, for every key and for a runtime re-exported under
//! `crate = "..."`. `cargo test` checks the rustc lints; `cargo clippy
//! --all-targets` checks clippy's.

#![deny(missing_docs, warnings, unused_qualifications)]
#![deny(clippy::all, clippy::pedantic)]

use std::borrow::Cow;
use std::marker::PhantomData;

use chrono::{DateTime, NaiveDateTime, Utc};
use sea_query::{Expr, ExprTrait, SqliteQueryBuilder};
use soft_delete::{MarkerStyle, SoftDelete};

/// A public model with every attribute.
#[derive(Debug, Clone, SoftDelete)]
#[soft_delete(
    table = "posts",
    column = "removed_at",
    style = "timestamp",
    unique(title),
    unique(id, body),
    retain = "30 days"
)]
pub struct Post {
    /// Key.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Body, stored as `body_text`.
    #[soft_delete(rename = "body_text")]
    pub body: String,
    /// Not a column.
    #[soft_delete(skip)]
    pub cached_len: usize,
    /// Marker.
    pub removed_at: Option<DateTime<Utc>>,
}

/// A bool-style model with a marked primary key.
#[derive(Debug, SoftDelete)]
#[soft_delete(style = "bool")]
pub struct Tag {
    /// Key.
    #[soft_delete(primary_key)]
    pub slug: String,
    /// Marker.
    pub is_deleted: bool,
}

/// A generic model with a lifetime and a naive timestamp marker.
#[derive(Debug, SoftDelete)]
#[soft_delete(unique(text), retain = "12 hours")]
pub struct Note<'a, T: Clone + Into<sea_query::Value>> {
    /// Key.
    pub id: T,
    /// Borrowed text.
    pub text: Cow<'a, str>,
    /// Marker.
    pub deleted_at: Option<NaiveDateTime>,
    /// Not a column.
    #[soft_delete(skip)]
    pub phantom: PhantomData<T>,
}

/// Models declared in a module, as users lay them out.
pub mod models {
    use soft_delete::SoftDelete;

    /// A crate-visible model whose column enum is never used: no dead-code
    /// warning either.
    #[derive(SoftDelete)]
    pub(crate) struct Draft {
        pub(crate) id: i32,
        pub(crate) deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    }
}

/// The runtime re-exported under another path, as a crate wrapping
/// soft-delete would.
pub mod runtime {
    pub use soft_delete::*;
}

/// A model naming its runtime with `crate = "..."`.
#[derive(SoftDelete)]
#[soft_delete(crate = "crate::runtime", table = "audits")]
pub struct Audit {
    /// Key.
    pub id: i64,
    /// Marker.
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A wrapper crate's layout: the runtime re-exported one module down, and
/// models that name it with `crate = "crate::reexport::sd"` and use every key.
pub mod reexport {
    /// The runtime, as a crate wrapping soft-delete re-exports it.
    pub mod sd {
        pub use soft_delete::*;
    }

    /// Models whose scope imports what the generated code names by path, so
    /// any qualification the derive adds would be unnecessary here.
    pub mod models {
        use chrono::{DateTime, Utc};

        use crate::reexport::sd::{
            Child, Clock, HasHooks, Marker, NoHooks, RecordsDeletedBy, RecordsDeletionTime,
            Retained, SoftDelete,
        };

        /// Hooks of its own, named by `hooks = "..."`.
        pub struct ArticleHooks;

        /// Every struct key: a timestamp marker stamped by the database, who
        /// deleted it, a cascade and hooks.
        #[derive(Debug, Clone, SoftDelete)]
        #[soft_delete(
            crate = "crate::reexport::sd",
            table = "articles",
            column = "removed_at",
            style = "timestamp",
            deleted_by = "removed_by",
            now = "database",
            cascade(Remark = "article_id"),
            hooks = "ArticleHooks",
            unique(title),
            retain = "1 minute"
        )]
        pub struct Article {
            /// Key.
            #[soft_delete(primary_key)]
            pub article_id: i64,
            /// Stored as `headline`.
            #[soft_delete(rename = "headline")]
            pub title: String,
            /// Not a column.
            #[soft_delete(skip)]
            pub cached: Option<String>,
            /// Who deleted it.
            pub removed_by: Option<i64>,
            /// Marker.
            pub removed_at: Option<DateTime<Utc>>,
        }

        /// A cascade child with the default marker.
        #[derive(Debug, Clone, SoftDelete)]
        #[soft_delete(crate = "crate::reexport::sd")]
        pub struct Remark {
            /// Key.
            pub id: i64,
            /// The parent's key.
            pub article_id: i64,
            /// Marker.
            pub deleted_at: Option<DateTime<Utc>>,
        }

        /// The bool style.
        #[derive(Debug, Clone, SoftDelete)]
        #[soft_delete(crate = "crate::reexport::sd", style = "bool")]
        pub struct Flag {
            /// Key.
            pub id: i64,
            /// Marker.
            pub is_deleted: bool,
        }

        /// The Unix-seconds style.
        #[derive(Debug, Clone, SoftDelete)]
        #[soft_delete(crate = "crate::reexport::sd", style = "unix")]
        pub struct Tick {
            /// Key.
            pub id: i64,
            /// Marker.
            pub deleted_at: i64,
        }

        /// Uses every import, so none is unused.
        ///
        /// # Panics
        ///
        /// When a derived constant is not what the attributes say.
        pub fn check() {
            fn hooks_of<T: HasHooks>() -> &'static str {
                core::any::type_name::<T::Hooks>()
            }
            fn records_time<T: RecordsDeletionTime>() {}
            fn records_who<T: RecordsDeletedBy>() {}
            fn retained<T: Retained>() -> Option<u64> {
                T::RETAIN_SECONDS
            }
            assert_eq!(retained::<Article>(), Some(60));
            assert_eq!(Article::UNIQUE, [["headline"]]);
            records_time::<Article>();
            records_who::<Article>();
            let marker: Marker = Article::MARKER;
            assert_eq!(marker.clock, Clock::Database);
            let children: &[Child] = Article::CHILDREN;
            assert_eq!(children.len(), 1);
            assert!(hooks_of::<Article>().ends_with("ArticleHooks"));
            assert_eq!(hooks_of::<Flag>(), core::any::type_name::<NoHooks>());
            assert_eq!(
                Article::COLUMNS,
                ["article_id", "headline", "removed_by", "removed_at"]
            );
            assert_eq!(Tick::TABLE, "tick");
        }
    }
}

#[test]
fn derived_models_compile_clean_and_work() {
    reexport::models::check();
    assert_eq!(Post::COLUMNS, ["id", "title", "body_text", "removed_at"]);
    assert_eq!(Post::UNIQUE, [&["title"][..], &["id", "body_text"]]);
    assert_eq!(Post::RETAIN_SECONDS, Some(2_592_000));
    assert_eq!(<Note<'_, i64>>::UNIQUE, [["text"]]);
    assert_eq!(<Note<'_, i64>>::RETAIN_SECONDS, Some(43_200));
    assert_eq!(Tag::PRIMARY_KEY, "slug");
    assert_eq!(Tag::TABLE, "tag");
    assert_eq!(Tag::MARKER.style, MarkerStyle::Bool);
    assert_eq!(<Note<'_, i64>>::TABLE, "note");
    const { assert!(!<Note<'_, i64>>::MARKER.with_time_zone) };
    assert_eq!(models::Draft::TABLE, "draft");
    assert_eq!(Audit::TABLE, "audits");

    let note = Note {
        id: 3_i64,
        text: Cow::Borrowed("hi"),
        deleted_at: None,
        phantom: PhantomData,
    };
    assert_eq!(note.id(), 3);
    assert!(!note.is_trashed());
    let draft = models::Draft {
        id: 1,
        deleted_at: None,
    };
    assert_eq!(draft.id(), 1);
    assert!(!draft.is_trashed());

    let sql = Post::query()
        .and_where(Expr::col((PostColumn::Table, PostColumn::Body)).eq("x"))
        .to_string(SqliteQueryBuilder);
    assert!(sql.ends_with(r#"AND "posts"."body_text" = 'x'"#), "{sql}");
    assert_eq!(
        Tag::find("rust".to_owned()).to_string(SqliteQueryBuilder),
        r#"SELECT "tag"."slug", "tag"."is_deleted" FROM "tag" WHERE "tag"."is_deleted" = FALSE AND "tag"."slug" = 'rust'"#
    );
}
