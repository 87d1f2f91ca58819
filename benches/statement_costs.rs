//! The work a statement costs, in figures that do not depend on the
//! machine's load: heap allocations per statement (a counting global
//! allocator) and, run under `valgrind --tool=callgrind`, instructions per
//! statement. Derived statements against the same statements written by hand
//! (`benches/common/statements.rs`, shared with `benches/statements.rs`).
//!
//! `python3 scripts/bench-instructions.py` builds this bench, runs it once
//! for the allocations and once per case under callgrind, and writes
//! `benches/results/instructions.json`. By hand:
//!
//! - `cargo bench --bench statement_costs` prints allocations per case;
//! - `target/release/deps/statement_costs-* --case render_query_derived
//!   --iterations 1000` runs one case in `case_render_query_derived`, the
//!   function callgrind's `--toggle-collect` names.
//!
//! Each case runs once before it is counted (first-use costs are not
//! counted). `render` builds the statement and renders it with
//! `build(PostgresQueryBuilder)`; `construct` only builds it. Both count the
//! statement's drop.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use sea_query::PostgresQueryBuilder;
use soft_delete::{Backend, SoftDelete};

#[path = "common/statements.rs"]
mod common;

use common::{assert_same_statements, cutoff, hand_written, hand_written_to_owned, Post};

/// The system allocator, counting allocations (reallocations apart) and
/// bytes requested.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static REALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded to `System` unchanged; the counters are
// atomics and do not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        REALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn id() -> i64 {
    black_box(7)
}

/// One function per case, never inlined, so that callgrind can count the
/// instructions inside it alone (`--toggle-collect=*case_<name>*`). Names
/// are chosen so that none is a prefix of another.
macro_rules! cases {
    ($($name:ident => $build:expr;)*) => {
        $(
            #[inline(never)]
            fn $name(iterations: u64) {
                for _ in 0..iterations {
                    black_box($build);
                }
            }
        )*
        const CASES: &[(&str, fn(u64))] = &[$((stringify!($name), $name)),*];
    };
}

cases! {
    case_construct_query_derived => Post::query();
    case_construct_query_hand => hand_written::query();
    case_construct_find_derived => Post::find(id());
    case_construct_find_hand => hand_written::find(id());
    case_construct_delete_by_id_derived => Post::delete_by_id(id());
    case_construct_delete_by_id_hand => hand_written::delete_by_id(id());
    case_construct_delete_by_id_owned => hand_written_to_owned::delete_by_id(id());
    case_construct_restore_by_id_derived => Post::restore_by_id(id());
    case_construct_restore_by_id_hand => hand_written::restore_by_id(id());
    case_construct_restore_by_id_owned => hand_written_to_owned::restore_by_id(id());
    case_construct_purge_trashed_before_derived =>
        Post::purge_trashed_before(black_box(cutoff()), Backend::Postgres);
    case_construct_purge_trashed_before_hand => hand_written::purge_trashed_before(black_box(cutoff()));
    case_construct_purge_trashed_before_owned =>
        hand_written_to_owned::purge_trashed_before(black_box(cutoff()));
    case_render_query_derived => Post::query().build(PostgresQueryBuilder);
    case_render_query_hand => hand_written::query().build(PostgresQueryBuilder);
    case_render_find_derived => Post::find(id()).build(PostgresQueryBuilder);
    case_render_find_hand => hand_written::find(id()).build(PostgresQueryBuilder);
    case_render_delete_by_id_derived => Post::delete_by_id(id()).build(PostgresQueryBuilder);
    case_render_delete_by_id_hand => hand_written::delete_by_id(id()).build(PostgresQueryBuilder);
    case_render_delete_by_id_owned =>
        hand_written_to_owned::delete_by_id(id()).build(PostgresQueryBuilder);
    case_render_restore_by_id_derived => Post::restore_by_id(id()).build(PostgresQueryBuilder);
    case_render_restore_by_id_hand => hand_written::restore_by_id(id()).build(PostgresQueryBuilder);
    case_render_restore_by_id_owned =>
        hand_written_to_owned::restore_by_id(id()).build(PostgresQueryBuilder);
    case_render_purge_trashed_before_derived =>
        Post::purge_trashed_before(black_box(cutoff()), Backend::Postgres).build(PostgresQueryBuilder);
    case_render_purge_trashed_before_hand =>
        hand_written::purge_trashed_before(black_box(cutoff())).build(PostgresQueryBuilder);
    case_render_purge_trashed_before_owned =>
        hand_written_to_owned::purge_trashed_before(black_box(cutoff())).build(PostgresQueryBuilder);
}

/// Allocations, reallocations and bytes per call of `case`, over `iterations`.
fn allocations(case: fn(u64), iterations: u64) -> [f64; 3] {
    case(1);
    let before = [&ALLOCATIONS, &REALLOCATIONS, &BYTES].map(|c| c.load(Ordering::Relaxed));
    case(iterations);
    let after = [&ALLOCATIONS, &REALLOCATIONS, &BYTES].map(|c| c.load(Ordering::Relaxed));
    #[allow(clippy::cast_precision_loss)]
    std::array::from_fn(|i| (after[i] - before[i]) as f64 / iterations as f64)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|arg| arg == flag)
            .and_then(|at| args.get(at + 1))
    };
    let iterations = value("--iterations")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_u64);
    // `cargo test --benches` and `cargo bench -- <filter>` pass other
    // arguments: `--bench` is what `cargo bench` passes.
    if let Some(name) = value("--case") {
        let Some((_, case)) = CASES.iter().find(|(case, _)| case == name) else {
            eprintln!("no case {name}");
            std::process::exit(2);
        };
        case(1);
        case(iterations);
        return;
    }
    assert_same_statements();
    if !args.iter().any(|arg| arg == "--bench") {
        println!("statement_costs: the statements agree; run with `cargo bench` to count");
        return;
    }
    println!("{{\"iterations\": {iterations}, \"cases\": [");
    for (at, (name, case)) in CASES.iter().enumerate() {
        let [allocations, reallocations, bytes] = allocations(*case, iterations);
        let comma = if at + 1 < CASES.len() { "," } else { "" };
        println!(
            "  {{\"case\": \"{}\", \"allocations\": {allocations}, \"reallocations\": {reallocations}, \"bytes\": {bytes}}}{comma}",
            name.trim_start_matches("case_")
        );
    }
    println!("]}}");
}
