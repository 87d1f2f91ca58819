#!/usr/bin/env python3
"""Compile time of #[derive(SoftDelete)]: 100 models built six ways.

    python3 scripts/bench-compile-time.py [--runs 3] [--models 100] [--no-seaorm]

Generates a throwaway Cargo workspace under target/bench-compile-time/ (not
committed) holding three library crates with the same 100 models:

  derive    - each model `#[derive(SoftDelete)]`
  expanded  - the derive's expansion pasted in as plain code, written by
              `expansion()` below, which mirrors soft-delete-derive/src/expand.rs
  plain     - the same structs, no soft delete at all
  enum_def  - the same structs with sea-query's `#[enum_def]` (an `Iden`
              enum per struct: the price of sea-query's own derive)
  seaorm    - the same models as SeaORM 2 entities (`DeriveEntityModel`,
              `DeriveRelation`; the entity source of bench-compile-seaorm.py)
  seaorm_soft_delete - those entities also deriving `SoftDelete`
(`--no-seaorm` leaves the two SeaORM crates out, and sea-orm from the
dependencies.) Every crate has the same dependencies, so that cargo resolves
the same features whichever crate it builds.

All three depend on the same crates (soft-delete from a `git archive HEAD`
snapshot, sea-query, chrono), built once before timing in a shared target
directory, so the timings measure the models, not the dependencies. Each
round, for each crate in turn: `cargo clean -p <crate>` then `cargo build -p
<crate>` (a clean build of the crate alone), then a one-model edit (a column
added to, or removed from, model 0) and `cargo build -p <crate>` again
(incremental). The median of the rounds is reported.

Targets: derive <= 1.20 x expanded, derive <= 3 x plain. Every ratio is a
ratio of medians. Writes benches/results/compile-time.json.

`--instructions` counts instead of timing: each crate's clean and
one-model-edit build once under `valgrind --tool=cachegrind`, giving the
instructions rustc executed, which do not depend on the machine's load
(SeaORM crates left out: ~20 min each under valgrind). Writes
benches/results/compile-instructions.json.

`--check-expansion` only checks the pasted expansion instead: it has rustc
print both crates expanded (`-Zunpretty=expanded`, through RUSTC_BOOTSTRAP=1
on the stable toolchain, in a target directory of its own) and shows where
model 0 differs; only the `use` of the derive and its helper attribute should.
"""

import argparse
import difflib
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
WORK = ROOT / "target" / "bench-compile-time"
WORKSPACE = WORK / "ws"
SNAPSHOT = WORK / "soft-delete"
TARGET_DIR = WORK / "target"
VARIANTS = ["plain", "enum_def", "derive", "expanded"]
SEAORM_VARIANTS = ["seaorm", "seaorm_soft_delete"]
TARGET = 1.20
PLAIN_TARGET = 3.0


def seaorm_entity_source(variant, index, edited=False):
    """A SeaORM entity, as scripts/bench-compile-seaorm.py writes it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("seaorm_bench", ROOT / "scripts" / "bench-compile-seaorm.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.entity_source("soft_delete" if variant == "seaorm_soft_delete" else "seaorm", index, edited)
MARKER_TYPE = "Option<DateTime<Utc>>"

# Field types the models cycle through, after `id` and before the marker.
EXTRA_FIELDS = [
    ("title", "String"),
    ("author_id", "i64"),
    ("body", "String"),
    ("published", "bool"),
    ("created_at", "DateTime<Utc>"),
    ("score", "f64"),
    ("slug", "String"),
    ("views", "i32"),
]


def pascal(name):
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def model_fields(index, edited):
    """(field, type) pairs of model `index`: 4 to 8 columns plus the marker."""
    fields = [("id", "i64")]
    fields += EXTRA_FIELDS[: 3 + index % 6]
    if edited:
        fields.append(("edited", "i32"))
    fields.append(("deleted_at", MARKER_TYPE))
    return fields


def struct(name, fields, derives, attribute=""):
    body = "".join(f"    pub {field}: {ty},\n" for field, ty in fields)
    return f"/// Model `{name}`.\n#[derive({derives})]\n{attribute}pub struct {name} {{\n{body}}}\n"


def expansion(name, table, fields):
    """What expand.rs emits for a timestamp-style model with the default
    `crate` path, no `deleted_by`, no cascade and no generics."""
    runtime = "::soft_delete"
    columns = [field for field, _ in fields]
    column_list = ", ".join(f'"{column}"' for column in columns)
    bound = f"{MARKER_TYPE}: {runtime}::__private::TimestampField"
    enum = f"{name}Column"
    variants = "".join(
        f'    #[doc = "The column `{column}`."]\n    {pascal(column)},\n' for column in columns
    )
    variant_names = ", ".join(f'"{pascal(column)}"' for column in columns)
    return f"""#[automatically_derived]
#[allow(unused_qualifications)]
impl {runtime}::SoftDelete for {name}
where
    {bound},
{{
    const TABLE: &'static str = "{table}";
    const PRIMARY_KEY: &'static str = "id";
    const COLUMNS: &'static [&'static str] = &[{column_list}];
    const MARKER: {runtime}::Marker = {runtime}::Marker::timestamp_for::<{MARKER_TYPE}>("deleted_at");
    type Id = i64;
    type Column = {enum};

    #[inline]
    fn id(&self) -> Self::Id {{
        ::core::clone::Clone::clone(&self.id)
    }}

    #[inline]
    fn is_trashed(&self) -> bool {{
        <{MARKER_TYPE} as {runtime}::__private::MarkerField>::is_trashed(&self.deleted_at)
    }}
    const __SQL_CACHE_KEY: ::core::option::Option<::core::any::TypeId> =
        ::core::option::Option::Some(::core::any::TypeId::of::<Self>());
}}

#[automatically_derived]
#[allow(unused_qualifications)]
impl {runtime}::RecordsDeletionTime for {name}
where
    {bound},
{{
}}

#[automatically_derived]
#[allow(unused_qualifications)]
impl {runtime}::HasHooks for {name}
where
    {bound},
{{
    type Hooks = {runtime}::NoHooks;
}}

#[doc = "Columns of [`{name}`], as `sea_query` identifiers: filters that name a column are checked at compile time."]
#[derive(::core::clone::Clone, ::core::marker::Copy)]
#[allow(dead_code, unused_qualifications)]
pub enum {enum} {{
    #[doc = "The table `{table}`."]
    Table,
{variants}}}

#[automatically_derived]
#[allow(unused_qualifications)]
impl ::core::fmt::Debug for {enum} {{
    #[inline]
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {{
        f.write_str(["Table", {variant_names}][*self as usize])
    }}
}}

#[automatically_derived]
#[allow(unused_qualifications)]
impl ::core::cmp::PartialEq for {enum} {{
    #[inline]
    fn eq(&self, other: &Self) -> bool {{
        *self as usize == *other as usize
    }}
}}

#[automatically_derived]
impl ::core::cmp::Eq for {enum} {{}}

#[automatically_derived]
#[allow(unused_qualifications)]
impl ::core::hash::Hash for {enum} {{
    #[inline]
    fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {{
        state.write_usize(*self as usize);
    }}
}}

#[automatically_derived]
#[allow(unused_qualifications)]
impl {runtime}::__private::sea_query::IdenStatic for {enum} {{
    #[inline]
    fn as_str(&self) -> &'static str {{
        ["{table}", {column_list}][*self as usize]
    }}
}}

#[automatically_derived]
#[allow(unused_qualifications)]
impl {runtime}::__private::sea_query::Iden for {enum} {{
    #[inline]
    fn quoted(&self) -> {runtime}::__private::Cow<'static, str> {{
        {runtime}::__private::sea_query::Iden::quoted(&{runtime}::__private::sea_query::IdenStatic::as_str(self))
    }}

    #[inline]
    fn unquoted(&self) -> &str {{
        {runtime}::__private::sea_query::IdenStatic::as_str(self)
    }}
}}
"""


def model_source(variant, index, edited=False):
    name = f"Model{index:03}"
    table = f"model{index:03}"
    fields = model_fields(index, edited)
    head = "//! One generated model.\n\nuse chrono::{DateTime, Utc};\n"
    if variant == "derive":
        attribute = f'#[soft_delete(table = "{table}")]\n'
        return head + "use soft_delete::SoftDelete;\n\n" + struct(name, fields, "Debug, Clone, SoftDelete", attribute)
    if variant == "expanded":
        return head + "\n" + struct(name, fields, "Debug, Clone") + "\n" + expansion(name, table, fields)
    if variant == "enum_def":
        return head + "use sea_query::enum_def;\n\n" + struct(name, fields, "Debug, Clone", "#[enum_def]\n")
    if variant in SEAORM_VARIANTS:
        return seaorm_entity_source(variant, index, edited)
    return head + "\n" + struct(name, fields, "Debug, Clone")


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def derive_ratios(figures, kind):
    """The derive's ratios for one kind of build (`clean` or `edit`), from
    `figures[variant][kind]` (seconds or instructions)."""
    return {
        "derive_over_expanded": figures["derive"][kind] / figures["expanded"][kind],
        "derive_over_plain": figures["derive"][kind] / figures["plain"][kind],
        "expanded_over_plain": figures["expanded"][kind] / figures["plain"][kind],
        "enum_def_over_plain": figures["enum_def"][kind] / figures["plain"][kind],
        "derive_over_enum_def": figures["derive"][kind] / figures["enum_def"][kind],
    }


def snapshot_source():
    """What a results file measured: the commit `generate` archived."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return commit.stdout.strip() + " (git archive HEAD)"


def generate(models, variants):
    if SNAPSHOT.exists():
        shutil.rmtree(SNAPSHOT)
    SNAPSHOT.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-m", "-C", str(SNAPSHOT)], input=archive.stdout, check=True)

    members = ", ".join(f'"models_{variant}"' for variant in variants)
    seaorm = any(variant in SEAORM_VARIANTS for variant in variants)
    write(WORKSPACE / "Cargo.toml", f'[workspace]\nmembers = [{members}]\nresolver = "2"\n')
    # The repository's lock file, so the snapshot builds with its pinned versions.
    lock = subprocess.run(["git", "show", "HEAD:Cargo.lock"], cwd=ROOT, check=True, capture_output=True)
    write(WORKSPACE / "Cargo.lock", lock.stdout.decode())
    for variant in variants:
        crate = WORKSPACE / f"models_{variant}"
        write(
            crate / "Cargo.toml",
            f'[package]\nname = "models_{variant}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
            "[dependencies]\n"
            + ('soft-delete = { path = "../../soft-delete", features = ["sea-orm"] }\n'
               'sea-orm = { version = "2.0.4", default-features = false, features = ["macros", "with-chrono"] }\n'
               if seaorm else 'soft-delete = { path = "../../soft-delete" }\n')
            + 'sea-query = { version = "1.0.2", default-features = false, features = '
            '["attr", "backend-postgres", "backend-mysql", "backend-sqlite", "with-chrono"] }\n'
            'chrono = { version = "0.4.40", default-features = false, features = ["clock", "std"] }\n',
        )
        modules = "".join(f"pub mod m{index:03};\n" for index in range(models))
        write(crate / "src" / "lib.rs", f"//! {models} generated models ({variant}).\n\n{modules}")
        for index in range(models):
            write(crate / "src" / f"m{index:03}.rs", model_source(variant, index))


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


def build(package):
    """(wall-clock seconds of `cargo build -p package`, rustc's seconds on it)."""
    wall = cargo("build", "-p", package, "--timings")
    return wall, unit_seconds(package)


def cargo(*args):
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET_DIR), CARGO_TERM_COLOR="never")
    env.pop("RUSTFLAGS", None)
    started = time.perf_counter()
    done = subprocess.run(["cargo", *args], cwd=WORKSPACE, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"cargo {' '.join(args)} failed:\n{done.stderr}")
    return elapsed


WRAPPER = """#!/bin/sh
# RUSTC_WRAPPER: rustc under cachegrind for the models crates, rustc alone
# for everything else.
rustc=$1; shift
case " $* " in
  *" --crate-name models_"*)
    exec valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \\
      --log-file="$SOFT_DELETE_VALGRIND_LOG" "$rustc" "$@";;
  *) exec "$rustc" "$@";;
esac
"""


def instructions(package):
    """Instructions rustc executed building `package` (cachegrind's `I refs`):
    the same count whatever else the machine is doing."""
    wrapper = WORK / "rustc-cachegrind.sh"
    wrapper.write_text(WRAPPER)
    wrapper.chmod(0o755)
    log = WORK / "cachegrind.log"
    log.unlink(missing_ok=True)
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET_DIR), CARGO_TERM_COLOR="never",
               RUSTC_WRAPPER=str(wrapper), SOFT_DELETE_VALGRIND_LOG=str(log))
    env.pop("RUSTFLAGS", None)
    done = subprocess.run(["cargo", "build", "-p", package], cwd=WORKSPACE, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"cargo build -p {package} failed:\n{done.stderr}")
    counted = re.search(r"I\s+refs:\s+([\d,]+)", log.read_text())
    if not counted:
        sys.exit(f"{package} was not rebuilt")
    return int(counted.group(1).replace(",", ""))


def count_instructions(models, variants):
    """Clean and one-model-edit builds of each crate under cachegrind: one
    round, as the counts repeat (two runs agreed to 0.001% here)."""
    if shutil.which("valgrind") is None:
        sys.exit("--instructions needs valgrind")
    print(f"workspace: {WORKSPACE.relative_to(ROOT)}; building dependencies (not counted)")
    cargo("build", "--workspace")
    counts = {}
    for variant in variants:
        package = f"models_{variant}"
        crate = WORKSPACE / package
        write(crate / "src" / "m000.rs", model_source(variant, 0, edited=False))
        cargo("clean", "-p", package)
        clean = instructions(package)
        write(crate / "src" / "m000.rs", model_source(variant, 0, edited=True))
        edit = instructions(package)
        counts[variant] = {"clean": clean, "edit": edit}
        print(f"{variant:<9} clean {clean / 1e9:6.3f} G instructions   one-model edit {edit / 1e9:6.3f} G")
    ratios = {kind: derive_ratios(counts, kind) for kind in ["clean", "edit"]}
    for kind, rs in ratios.items():
        print(f"  {kind:<6} " + ", ".join(f"{name} {r:.2f}" for name, r in rs.items()))
    result = {
        "source": snapshot_source(),
        "models": models,
        "measure": "instructions rustc executed on the models crate (valgrind --tool=cachegrind, I refs), debug profile",
        "instructions": counts,
        "ratios": {k: {name: round(r, 3) for name, r in rs.items()} for k, rs in ratios.items()},
    }
    out = ROOT / "benches" / "results" / "compile-instructions.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {out.relative_to(ROOT)}")


def check_expansion():
    expanded = {}
    for variant in ["derive", "expanded"]:
        env = dict(os.environ, RUSTC_BOOTSTRAP="1", CARGO_TARGET_DIR=str(WORK / "target-expand"))
        done = subprocess.run(
            ["cargo", "rustc", "-q", "-p", f"models_{variant}", "--", "-Zunpretty=expanded"],
            cwd=WORKSPACE, env=env, capture_output=True, text=True, check=True,
        )
        text = done.stdout
        expanded[variant] = text[text.index("pub mod m000 {"):text.index("pub mod m001 {")].splitlines()
    diff = list(difflib.unified_diff(expanded["derive"], expanded["expanded"], "derive", "pasted", lineterm=""))
    print("\n".join(diff) or "model 0: identical expansions")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--check-expansion", action="store_true")
    parser.add_argument("--no-seaorm", action="store_true")
    parser.add_argument("--instructions", action="store_true")
    args = parser.parse_args()
    # Under valgrind a SeaORM crate takes ~20 min; --instructions leaves them out.
    no_seaorm = args.no_seaorm or args.instructions
    variants = VARIANTS + ([] if no_seaorm else SEAORM_VARIANTS)

    generate(args.models, variants)
    if args.check_expansion:
        check_expansion()
        return
    if args.instructions:
        count_instructions(args.models, variants)
        return
    print(f"workspace: {WORKSPACE.relative_to(ROOT)}; building dependencies (not timed)")
    cargo("build", "--workspace")

    times = {variant: {"clean": [], "edit": []} for variant in variants}
    wall = {variant: {"clean": [], "edit": []} for variant in variants}
    edited = False
    for run in range(args.runs):
        edited = not edited
        # Alternate the order, so a burst of other work on the machine does
        # not always fall on the same crate.
        for variant in variants if run % 2 == 0 else variants[::-1]:
            package = f"models_{variant}"
            crate = WORKSPACE / package
            # Back to the unedited model 0, so each clean build is the same.
            write(crate / "src" / "m000.rs", model_source(variant, 0, edited=False))
            cargo("clean", "-p", package)
            clean_wall, clean = build(package)
            write(crate / "src" / "m000.rs", model_source(variant, 0, edited=True))
            edit_wall, edit = build(package)
            times[variant]["clean"].append(clean)
            times[variant]["edit"].append(edit)
            wall[variant]["clean"].append(clean_wall)
            wall[variant]["edit"].append(edit_wall)
            print(
                f"run {run + 1}: {variant:<9} clean {clean:6.2f} s (wall {clean_wall:6.2f} s)"
                f"   one-model edit {edit:6.2f} s (wall {edit_wall:6.2f} s)"
            )

    medians = {
        variant: {kind: statistics.median(values) for kind, values in kinds.items()}
        for variant, kinds in times.items()
    }
    print(f"\nrustc time, median of {args.runs} ({args.models} models)   clean     edit")
    for variant in variants:
        print(f"  {variant:<39} {medians[variant]['clean']:6.2f} s {medians[variant]['edit']:6.2f} s")
    ratios = {}
    for kind in ["clean", "edit"]:
        ratios[kind] = derive_ratios(medians, kind)
        if not no_seaorm:
            ratios[kind]["seaorm_over_plain"] = medians["seaorm"][kind] / medians["plain"][kind]
            ratios[kind]["seaorm_soft_delete_over_plain"] = medians["seaorm_soft_delete"][kind] / medians["plain"][kind]
            ratios[kind]["seaorm_soft_delete_over_seaorm"] = medians["seaorm_soft_delete"][kind] / medians["seaorm"][kind]
        verdict = "ok" if ratios[kind]["derive_over_expanded"] <= TARGET else "MISSED"
        print(
            f"  {kind:<6} derive / expanded {ratios[kind]['derive_over_expanded']:.2f}"
            f" (target <= {TARGET}: {verdict}), derive / plain {ratios[kind]['derive_over_plain']:.2f},"
            f" (target <= {PLAIN_TARGET}: {'ok' if ratios[kind]['derive_over_plain'] <= PLAIN_TARGET else 'MISSED'}),"
            f" expanded / plain {ratios[kind]['expanded_over_plain']:.2f},"
            f" enum_def / plain {ratios[kind]['enum_def_over_plain']:.2f}"
        )
        if not no_seaorm:
            print(
                f"         SeaORM / plain {ratios[kind]['seaorm_over_plain']:.1f},"
                f" SeaORM + SoftDelete / plain {ratios[kind]['seaorm_soft_delete_over_plain']:.1f},"
                f" SeaORM + SoftDelete / SeaORM {ratios[kind]['seaorm_soft_delete_over_seaorm']:.3f}"
            )

    result = {
        "source": snapshot_source(),
        "models": args.models,
        "runs": args.runs,
        "target": TARGET,
        "plain_target": PLAIN_TARGET,
        "measure": "rustc time of the models crate, from cargo --timings",
        "seconds": {v: {k: [round(t, 2) for t in ts] for k, ts in kinds.items()} for v, kinds in times.items()},
        "wall_seconds": {v: {k: [round(t, 2) for t in ts] for k, ts in kinds.items()} for v, kinds in wall.items()},
        "median_seconds": {v: {k: round(t, 2) for k, t in kinds.items()} for v, kinds in medians.items()},
        "ratios": {k: {name: round(r, 3) for name, r in rs.items()} for k, rs in ratios.items()},
    }
    out = ROOT / "benches" / "results" / "compile-time.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
