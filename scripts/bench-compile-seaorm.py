#!/usr/bin/env python3
"""Compile time of adding #[derive(SoftDelete)] to 100 SeaORM entities.

    python3 scripts/bench-compile-seaorm.py [--runs 3] [--models 100]

Generates a throwaway Cargo workspace under target/bench-compile-seaorm/ (not
committed) holding two library crates with the same 100 SeaORM 2 entities
(one module each: `Model` with `DeriveEntityModel`, a `Relation` enum with
`DeriveRelation`, `ActiveModelBehavior`):

  seaorm       - the entities as SeaORM users write them today
  soft_delete  - the same entities with `soft_delete::SoftDelete` added to the
                 `Model`'s derive list (table, columns and key read from
                 `#[sea_orm(...)]`), nothing else

Both depend on the same crates (soft-delete with its `sea-orm` feature from a
`git archive HEAD` snapshot, sea-orm with `macros` and `with-chrono`, chrono),
built once before timing in a shared target directory, so the timings measure
the entities, not the dependencies. Each round, for each crate in turn:
`cargo clean -p <crate>` then `cargo build -p <crate>` (a clean build of the
crate alone), then a one-entity edit (a column added to, or removed from,
entity 0) and `cargo build -p <crate>` again (incremental). Time is rustc's
time on the crate, from `cargo build --timings`; the median of the rounds is
reported. Writes benches/results/compile-time-seaorm.json.

Kept apart from scripts/bench-compile-time.py, which compares the derive with
its own pasted expansion on plain structs.
"""

import argparse
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench-compile-seaorm"
WORKSPACE = WORK / "ws"
SNAPSHOT = WORK / "soft-delete"
TARGET_DIR = WORK / "target"
VARIANTS = ["seaorm", "soft_delete"]

# Column types the entities cycle through, after `id` and before the marker.
EXTRA_FIELDS = [
    ("title", "String"),
    ("author_id", "i64"),
    ("body", "String"),
    ("published", "bool"),
    ("created_at", "DateTimeUtc"),
    ("score", "f64"),
    ("slug", "String"),
    ("views", "i32"),
]


def entity_fields(index, edited):
    """(field, type) pairs of entity `index`: 4 to 8 columns plus the marker."""
    fields = [("id", "i64")]
    fields += EXTRA_FIELDS[: 3 + index % 6]
    if edited:
        fields.append(("edited", "i32"))
    fields.append(("deleted_at", "Option<DateTimeUtc>"))
    return fields


def entity_source(variant, index, edited=False):
    table = f"entity{index:03}"
    derives = "Clone, Debug, PartialEq, DeriveEntityModel"
    if variant == "soft_delete":
        derives += ", soft_delete::SoftDelete"
    columns = ""
    for field, ty in entity_fields(index, edited):
        if field == "id":
            columns += "    #[sea_orm(primary_key)]\n"
        columns += f"    pub {field}: {ty},\n"
    return f"""//! One generated entity.

use sea_orm::entity::prelude::*;

/// Entity `{table}`.
#[derive({derives})]
#[sea_orm(table_name = "{table}")]
pub struct Model {{
{columns}}}

/// Its relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {{}}

impl ActiveModelBehavior for ActiveModel {{}}
"""


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def generate(models):
    if SNAPSHOT.exists():
        shutil.rmtree(SNAPSHOT)
    SNAPSHOT.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-m", "-C", str(SNAPSHOT)], input=archive.stdout, check=True)

    members = ", ".join(f'"entities_{variant}"' for variant in VARIANTS)
    write(WORKSPACE / "Cargo.toml", f'[workspace]\nmembers = [{members}]\nresolver = "2"\n')
    # The repository's lock file, so the snapshot builds with its pinned versions.
    lock = subprocess.run(["git", "show", "HEAD:Cargo.lock"], cwd=ROOT, check=True, capture_output=True)
    write(WORKSPACE / "Cargo.lock", lock.stdout.decode())
    for variant in VARIANTS:
        crate = WORKSPACE / f"entities_{variant}"
        write(
            crate / "Cargo.toml",
            f'[package]\nname = "entities_{variant}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
            "[dependencies]\n"
            'soft-delete = { path = "../../soft-delete", features = ["sea-orm"] }\n'
            'sea-orm = { version = "2.0.4", default-features = false, features = ["macros", "with-chrono"] }\n'
            'chrono = { version = "0.4.40", default-features = false, features = ["clock", "std"] }\n',
        )
        modules = "".join(f"pub mod e{index:03};\n" for index in range(models))
        write(crate / "src" / "lib.rs", f"//! {models} generated entities ({variant}).\n\n{modules}")
        for index in range(models):
            write(crate / "src" / f"e{index:03}.rs", entity_source(variant, index))


def unit_seconds(package):
    """The time rustc spent on `package` in the last build, from cargo's
    `--timings` report: no cargo start-up, no waiting for a lock held by
    another cargo process on a shared machine."""
    report = TARGET_DIR / "cargo-timings" / "cargo-timing.html"
    units = re.search(r"const UNIT_DATA = (\[.*?\n\]);", report.read_text(), re.S)
    durations = [unit["duration"] for unit in json.loads(units.group(1)) if unit["name"] == package]
    shutil.rmtree(report.parent)
    if not durations:
        sys.exit(f"{package} was not rebuilt")
    return sum(durations)


def cargo(*args):
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET_DIR), CARGO_TERM_COLOR="never")
    env.pop("RUSTFLAGS", None)
    started = time.perf_counter()
    done = subprocess.run(["cargo", *args], cwd=WORKSPACE, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"cargo {' '.join(args)} failed:\n{done.stderr}")
    return elapsed


def build(package):
    """(wall-clock seconds of `cargo build -p package`, rustc's seconds on it)."""
    wall = cargo("build", "-p", package, "--timings")
    return wall, unit_seconds(package)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", type=int, default=100)
    args = parser.parse_args()

    generate(args.models)
    print(f"workspace: {WORKSPACE.relative_to(ROOT)}; building dependencies (not timed)")
    cargo("build", "--workspace")

    times = {variant: {"clean": [], "edit": []} for variant in VARIANTS}
    wall = {variant: {"clean": [], "edit": []} for variant in VARIANTS}
    for run in range(args.runs):
        for variant in VARIANTS:
            package = f"entities_{variant}"
            crate = WORKSPACE / package
            # Back to the unedited entity 0, so each clean build is the same.
            write(crate / "src" / "e000.rs", entity_source(variant, 0, edited=False))
            cargo("clean", "-p", package)
            clean_wall, clean = build(package)
            write(crate / "src" / "e000.rs", entity_source(variant, 0, edited=True))
            edit_wall, edit = build(package)
            times[variant]["clean"].append(clean)
            times[variant]["edit"].append(edit)
            wall[variant]["clean"].append(clean_wall)
            wall[variant]["edit"].append(edit_wall)
            print(
                f"run {run + 1}: {variant:<11} clean {clean:6.2f} s (wall {clean_wall:6.2f} s)"
                f"   one-entity edit {edit:6.2f} s (wall {edit_wall:6.2f} s)"
            )

    medians = {
        variant: {kind: statistics.median(values) for kind, values in kinds.items()}
        for variant, kinds in times.items()
    }
    print(f"\nrustc time, median of {args.runs} ({args.models} entities)   clean     edit")
    for variant in VARIANTS:
        print(f"  {variant:<41} {medians[variant]['clean']:6.2f} s {medians[variant]['edit']:6.2f} s")
    ratios = {}
    for kind in ["clean", "edit"]:
        ratio = medians["soft_delete"][kind] / medians["seaorm"][kind]
        extra = medians["soft_delete"][kind] - medians["seaorm"][kind]
        ratios[kind] = {"soft_delete_over_seaorm": ratio, "extra_seconds": extra}
        print(f"  {kind:<6} with SoftDelete / without {ratio:.2f} (+{extra:.2f} s, {extra * 1000 / args.models:.1f} ms per entity)")

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    result = {
        "source": commit.stdout.strip() + " (git archive HEAD)",
        "models": args.models,
        "runs": args.runs,
        "measure": "rustc time of the entities crate, from cargo --timings",
        "seconds": {v: {k: [round(t, 2) for t in ts] for k, ts in kinds.items()} for v, kinds in times.items()},
        "wall_seconds": {v: {k: [round(t, 2) for t in ts] for k, ts in kinds.items()} for v, kinds in wall.items()},
        "median_seconds": {v: {k: round(t, 2) for k, t in kinds.items()} for v, kinds in medians.items()},
        "ratios": {k: {name: round(r, 3) for name, r in rs.items()} for k, rs in ratios.items()},
    }
    out = ROOT / "benches" / "results" / "compile-time-seaorm.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
