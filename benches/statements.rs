//! Run time of the derived statement builders against the same statements
//! written by hand with sea-query, in one run: `query()`, `find(id)`,
//! `delete_by_id`, `restore_by_id` and `purge_trashed_before`.
//!
//! For the writes, the hand-written statement is also measured as
//! sea-query's documentation writes it, a chain ended by `.to_owned()`
//! (`hand_written_to_owned`), for comparison only.
//!
//! Each pair is measured twice: `construct/*` builds the statement only,
//! `render/*` builds it and renders it with `build(PostgresQueryBuilder)`
//! (SQL text and bound values), which is what a caller hands to sqlx.
//! Before measuring, every pair is checked to render the same SQL, so the
//! comparison is between identical statements.
//!
//! Run with `python3 scripts/bench-runtime.py` for the ratios, or
//! `cargo bench --bench statements` for criterion's own report.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use sea_query::{PostgresQueryBuilder, QueryStatementWriter};
use soft_delete::{Backend, SoftDelete};

#[path = "common/statements.rs"]
mod common;

use common::{assert_same_statements, cutoff, hand_written, hand_written_to_owned, Post};

/// A function building one statement, named for the report.
type Side<'a, S> = (&'a str, &'a dyn Fn() -> S);

/// One group per statement and stage, `derived` beside `hand_written` (and
/// any other way of writing it).
fn compare<S: QueryStatementWriter>(c: &mut Criterion, statement: &str, sides: &[Side<'_, S>]) {
    let mut construct = c.benchmark_group(format!("construct/{statement}"));
    for (name, build) in sides {
        construct.bench_function(*name, |b| b.iter(|| black_box(build())));
    }
    construct.finish();

    let mut render = c.benchmark_group(format!("render/{statement}"));
    for (name, build) in sides {
        render.bench_function(*name, |b| {
            b.iter(|| black_box(build()).build(PostgresQueryBuilder));
        });
    }
    render.finish();
}

fn statements(c: &mut Criterion) {
    assert_same_statements();
    let id = || black_box(7_i64);
    let cutoff = || black_box(cutoff());
    compare(
        c,
        "query",
        &[
            ("derived", &Post::query),
            ("hand_written", &hand_written::query),
        ],
    );
    compare(
        c,
        "find",
        &[
            ("derived", &|| Post::find(id())),
            ("hand_written", &|| hand_written::find(id())),
        ],
    );
    compare(
        c,
        "delete_by_id",
        &[
            ("derived", &|| Post::delete_by_id(id())),
            ("hand_written", &|| hand_written::delete_by_id(id())),
            ("hand_written_to_owned", &|| {
                hand_written_to_owned::delete_by_id(id())
            }),
        ],
    );
    compare(
        c,
        "restore_by_id",
        &[
            ("derived", &|| Post::restore_by_id(id())),
            ("hand_written", &|| hand_written::restore_by_id(id())),
            ("hand_written_to_owned", &|| {
                hand_written_to_owned::restore_by_id(id())
            }),
        ],
    );
    compare(
        c,
        "purge_trashed_before",
        &[
            ("derived", &|| {
                Post::purge_trashed_before(cutoff(), Backend::Postgres)
            }),
            ("hand_written", &|| {
                hand_written::purge_trashed_before(cutoff())
            }),
            ("hand_written_to_owned", &|| {
                hand_written_to_owned::purge_trashed_before(cutoff())
            }),
        ],
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = statements
}
criterion_main!(benches);
