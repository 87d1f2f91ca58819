#!/usr/bin/env python3
"""Compile time of #[derive(SoftDelete)]: 100 models built six ways, and an
application-shaped crate of 80 models built with and without it.

    python3 scripts/bench-compile-time.py [--runs 3] [--models 100] [--no-seaorm]

Generates a throwaway Cargo workspace under target/bench-compile-time/ (not
committed) holding library crates with the same 100 models:

  derive    - each model `#[derive(SoftDelete)]`
  expanded  - the derive's expansion pasted in as plain code, written by
              `expansion()` below, which mirrors soft-delete-derive/src/expand.rs
  plain     - the same structs, no soft delete at all
  enum_def  - the same structs with sea-query's `#[enum_def]` (an `Iden`
              enum per struct: the price of sea-query's own derive)
  seaorm    - the same models as SeaORM 2 entities (`DeriveEntityModel`,
              `DeriveRelation`; the entity source of bench-compile-seaorm.py)
  seaorm_soft_delete - those entities also deriving `SoftDelete`

and two crates of 80 application-shaped models (`app_model()`: seeded, so
the same source every run; 3 to 16 fields of i64, i32, String, bool,
Option<String>, DateTime<Utc> and f64, some renamed with `#[sqlx(rename)]`
or skipped with `#[sqlx(skip)]`, a quarter `style = "bool"`, some with
`deleted_by` and `updated_at` columns), each deriving `Debug`, `Clone` and
sqlx's `FromRow`:

  app_fromrow     - as the application has them without soft delete
  app_soft_delete - the same also deriving `SoftDelete`, with its container
                    keys and `#[soft_delete(rename)]` / `#[soft_delete(skip)]`
                    beside sqlx's on the same fields

(`--no-seaorm` leaves the two SeaORM crates out, and sea-orm from the
dependencies.) Every crate has the same dependencies (soft-delete from a
`git archive` snapshot of HEAD, sea-query, chrono, sqlx with `derive`,
`sqlite`, `chrono`, `runtime-tokio`; sea-orm unless `--no-seaorm`), so that
cargo resolves the same features whichever crate it builds, built once
before timing in a shared target directory, so the timings measure the
models, not the dependencies. Each round, for each crate in turn: `cargo
clean -p <crate>` then `cargo build -p <crate>` (a clean build of the crate
alone), then a one-model edit (a column added to, or removed from, model 0)
and `cargo build -p <crate>` again (incremental). The median of the rounds
is reported.

Targets: derive <= 1.20 x expanded, derive <= 3 x plain, and what
`SoftDelete` adds to the application-shaped crate, app_soft_delete /
app_fromrow - 1, <= 25% (on a clean build). Every ratio is a ratio of
medians. Writes benches/results/compile-time.json.

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
import random
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
# The application-shaped pair: the same 80 varied models with sqlx's
# `FromRow`, without and with `SoftDelete` (packages named as the variants).
APP_VARIANTS = ["app_fromrow", "app_soft_delete"]
APP_TARGET = 0.25
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
    `crate` path, no `deleted_by`, `updated_at` or `cascade_id`, no cascade
    and no generics (so no `field_checks`, and an empty where clause: the
    marker's type names no parameter, so it is named as
    `<Type as TimestampField>::...` in `MARKER` and `is_trashed` instead)."""
    runtime = "::soft_delete"
    columns = [field for field, _ in fields]
    column_list = ", ".join(f'"{column}"' for column in columns)
    timestamp_field = f"<{MARKER_TYPE} as {runtime}::__private::TimestampField>"
    enum = f"{name}Column"
    variants = "".join(
        f'    #[doc = "The column `{column}`."]\n    {pascal(column)},\n' for column in columns
    )
    variant_names = ", ".join(f'"{pascal(column)}"' for column in columns)
    return f"""#[automatically_derived]
#[allow(unused_qualifications)]
impl {runtime}::SoftDelete for {name}
where
{{
    const TABLE: &'static str = "{table}";
    const PRIMARY_KEY: &'static str = "id";
    const COLUMNS: &'static [&'static str] = &[{column_list}];
    const MARKER: {runtime}::Marker = (if {timestamp_field}::WITH_TIME_ZONE {{
        {runtime}::Marker::timestamp("deleted_at")
    }} else {{
        {runtime}::Marker::naive_timestamp("deleted_at")
    }});
    type Id = i64;
    type Column = {enum};

    #[inline]
    fn id(&self) -> Self::Id {{
        ::core::clone::Clone::clone(&self.id)
    }}

    #[inline]
    fn is_trashed(&self) -> bool {{
        {timestamp_field}::marker_is_trashed(&self.deleted_at)
    }}
    const __SQL_CACHE_KEY: ::core::option::Option<::core::any::TypeId> =
        ::core::option::Option::Some(::core::any::TypeId::of::<Self>());
}}

#[automatically_derived]
#[allow(unused_qualifications)]
impl {runtime}::RecordsDeletionTime for {name}
where
{{
}}

#[automatically_derived]
#[allow(unused_qualifications)]
impl {runtime}::HasHooks for {name}
where
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


# The application-shaped crates: 80 models of 3 to 16 fields, drawn from
# these (name, type) pairs by a seeded generator, so every run writes the
# same source.
APP_MODELS = 80
APP_SEED = 24
APP_FIELDS = [
    ("title", "String"), ("name", "String"), ("email", "String"), ("slug", "String"),
    ("body", "String"), ("status", "String"), ("url", "String"), ("code", "String"),
    ("description", "String"), ("currency", "String"),
    ("user_id", "i64"), ("account_id", "i64"), ("owner_id", "i64"), ("project_id", "i64"),
    ("parent_id", "i64"), ("org_id", "i64"),
    ("position", "i32"), ("quantity", "i32"), ("version", "i32"), ("priority", "i32"),
    ("retries", "i32"),
    ("published", "bool"), ("enabled", "bool"), ("verified", "bool"), ("pinned", "bool"),
    ("featured", "bool"),
    ("note", "Option<String>"), ("subtitle", "Option<String>"), ("phone", "Option<String>"),
    ("avatar_url", "Option<String>"), ("bio", "Option<String>"),
    ("created_at", "DateTime<Utc>"), ("published_at", "DateTime<Utc>"),
    ("starts_at", "DateTime<Utc>"), ("expires_at", "DateTime<Utc>"),
    ("price", "f64"), ("score", "f64"), ("latitude", "f64"), ("longitude", "f64"),
    ("rating", "f64"),
]
# Fields that are no column (`#[sqlx(skip)]`, `#[soft_delete(skip)]`): each
# type is `Default`, as sqlx's skip needs.
APP_SKIPPED = [("display_name", "Option<String>"), ("cached_count", "i32"), ("selected", "bool")]
APP_NOUNS = [
    "User", "Account", "Post", "Comment", "Invoice", "Order", "Product", "Tag",
    "Project", "Task", "Team", "Event", "Ticket", "Payment", "Address", "Review",
]


def app_model(index, edited=False):
    """Model `index` of the application-shaped crates: (name, table, the
    container's soft_delete keys, fields). A field is (name, type, column
    it is renamed to or None, skipped). Every model has `id: i64` first
    and its marker last; a quarter have `style = "bool"` (`is_deleted:
    bool`), the rest the default timestamp (`deleted_at:
    Option<DateTime<Utc>>`); some also `deleted_by` (`Option<i64>`) and
    `updated_at` (`DateTime<Utc>`) columns."""
    rng = random.Random(APP_SEED * 1000 + index)
    name = f"{APP_NOUNS[index % len(APP_NOUNS)]}{index:02}"
    table = f"{APP_NOUNS[index % len(APP_NOUNS)].lower()}s_{index:02}"
    total = rng.randint(3, 16)
    bool_style = index % 4 == 3
    deleted_by = total >= 5 and rng.random() < 0.3
    updated_at = total >= 5 and rng.random() < 0.4
    skipped = total >= 5 and rng.random() < 0.25
    data = total - 2 - deleted_by - updated_at - skipped
    fields = [("id", "i64", None, False)]
    for field, ty in rng.sample(APP_FIELDS, data):
        renamed = None
        if rng.random() < 0.15:
            camel = "".join(part[:1].upper() + part[1:] for part in field.split("_"))
            # A legacy schema's names: camelCase, or a table prefix.
            renamed = camel[:1].lower() + camel[1:] if "_" in field else f"{table[:3]}_{field}"
        fields.append((field, ty, renamed, False))
    if skipped:
        fields.insert(rng.randint(1, len(fields)), (*rng.choice(APP_SKIPPED), None, True))
    if edited:
        fields.append(("edited", "i32", None, False))
    if updated_at:
        fields.append(("updated_at", "DateTime<Utc>", None, False))
    if deleted_by:
        fields.append(("deleted_by", "Option<i64>", None, False))
    fields.append(("is_deleted", "bool", None, False) if bool_style
                  else ("deleted_at", MARKER_TYPE, None, False))
    keys = [f'table = "{table}"']
    if bool_style:
        keys.append('style = "bool"')
    if deleted_by:
        keys.append('deleted_by = "deleted_by"')
    if updated_at:
        keys.append('updated_at = "updated_at"')
    return name, table, keys, fields


def app_model_source(variant, index, edited=False):
    """The model as an application writes it: `Debug`, `Clone` and sqlx's
    `FromRow`, with `#[sqlx(rename)]` / `#[sqlx(skip)]` where a column is
    renamed or a field is none; `app_soft_delete` adds `SoftDelete`, its
    container keys and `#[soft_delete(rename)]` / `#[soft_delete(skip)]` on
    the same fields (which agree with sqlx's, so both derives read the same
    columns)."""
    name, _, keys, fields = app_model(index, edited)
    soft_delete = variant == "app_soft_delete"
    body = ""
    for field, ty, renamed, skip in fields:
        if renamed:
            body += f'    #[sqlx(rename = "{renamed}")]\n'
            if soft_delete:
                body += f'    #[soft_delete(rename = "{renamed}")]\n'
        if skip:
            body += "    #[sqlx(skip)]\n"
            if soft_delete:
                body += "    #[soft_delete(skip)]\n"
        body += f"    pub {field}: {ty},\n"
    head = "//! One generated model.\n\n"
    if any("DateTime" in ty for _, ty, _, _ in fields):
        head += "use chrono::{DateTime, Utc};\n"
    derives = "Debug, Clone, sqlx::FromRow"
    attribute = ""
    if soft_delete:
        head += "use soft_delete::SoftDelete;\n"
        derives += ", SoftDelete"
        attribute = f"#[soft_delete({', '.join(keys)})]\n"
    return f"{head}\n/// Model `{name}`.\n#[derive({derives})]\n{attribute}pub struct {name} {{\n{body}}}\n"


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
    if variant in APP_VARIANTS:
        return app_model_source(variant, index, edited)
    return head + "\n" + struct(name, fields, "Debug, Clone")


def package_name(variant):
    """The crate of `variant`: `models_<variant>`, or the variant itself for
    the application-shaped pair."""
    return variant if variant in APP_VARIANTS else f"models_{variant}"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def derive_ratios(figures, kind):
    """The derive's ratios for one kind of build (`clean` or `edit`), from
    `figures[variant][kind]` (seconds or instructions)."""
    ratios = {
        "derive_over_expanded": figures["derive"][kind] / figures["expanded"][kind],
        "derive_over_plain": figures["derive"][kind] / figures["plain"][kind],
        "expanded_over_plain": figures["expanded"][kind] / figures["plain"][kind],
        "enum_def_over_plain": figures["enum_def"][kind] / figures["plain"][kind],
        "derive_over_enum_def": figures["derive"][kind] / figures["enum_def"][kind],
    }
    if "app_fromrow" in figures:
        app = figures["app_soft_delete"][kind] / figures["app_fromrow"][kind]
        ratios["app_soft_delete_over_app_fromrow"] = app
        # What `SoftDelete` adds to the application's build: target <= 25%.
        ratios["app_soft_delete_share"] = app - 1
    return ratios


def verdicts(ratios):
    """One line per target for the ratios of one kind of build."""
    def verdict(value, target):
        return f"{value:.3f} (target <= {target}: {'met' if value <= target else 'MISSED'})"
    line = (f"derive / expanded {verdict(ratios['derive_over_expanded'], TARGET)},"
            f" derive / plain {verdict(ratios['derive_over_plain'], PLAIN_TARGET)},"
            f" expanded / plain {ratios['expanded_over_plain']:.3f},"
            f" enum_def / plain {ratios['enum_def_over_plain']:.3f}")
    if "app_soft_delete_share" in ratios:
        line += (f"\n         app_soft_delete / app_fromrow - 1"
                 f" {verdict(ratios['app_soft_delete_share'], APP_TARGET)}")
    return line


# The commit `generate` archived: read once, before the build, so a commit
# made in the checkout while the benchmark runs is not what it records.
SNAPSHOT_COMMIT = None


def snapshot_source():
    """What a results file measured: the commit `generate` archived."""
    return f"{SNAPSHOT_COMMIT} (git archive HEAD)"


def generate(models, variants, app_models=APP_MODELS):
    global SNAPSHOT_COMMIT
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True)
    commit = commit.stdout.strip()
    SNAPSHOT_COMMIT = commit[:7]
    if SNAPSHOT.exists():
        shutil.rmtree(SNAPSHOT)
    SNAPSHOT.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-m", "-C", str(SNAPSHOT)], input=archive.stdout, check=True)

    members = ", ".join(f'"{package_name(variant)}"' for variant in variants)
    seaorm = any(variant in SEAORM_VARIANTS for variant in variants)
    write(WORKSPACE / "Cargo.toml", f'[workspace]\nmembers = [{members}]\nresolver = "2"\n')
    # The repository's lock file, so the snapshot builds with its pinned versions.
    lock = subprocess.run(["git", "show", f"{commit}:Cargo.lock"], cwd=ROOT, check=True, capture_output=True)
    write(WORKSPACE / "Cargo.lock", lock.stdout.decode())
    for variant in variants:
        package = package_name(variant)
        crate = WORKSPACE / package
        count = app_models if variant in APP_VARIANTS else models
        write(
            crate / "Cargo.toml",
            f'[package]\nname = "{package}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
            "[dependencies]\n"
            + ('soft-delete = { path = "../../soft-delete", features = ["sea-orm"] }\n'
               'sea-orm = { version = "2.0.4", default-features = false, features = ["macros", "with-chrono"] }\n'
               if seaorm else 'soft-delete = { path = "../../soft-delete" }\n')
            + 'sea-query = { version = "1.0.2", default-features = false, features = '
            '["attr", "backend-postgres", "backend-mysql", "backend-sqlite", "with-chrono"] }\n'
            'chrono = { version = "0.4.40", default-features = false, features = ["clock", "std"] }\n'
            # The application-shaped crates derive sqlx's `FromRow`; every
            # crate has it, so that sqlx and chrono resolve the same features
            # whichever crate cargo builds.
            'sqlx = { version = "0.9", default-features = false, features = '
            '["derive", "sqlite", "chrono", "runtime-tokio"] }\n',
        )
        modules = "".join(f"pub mod m{index:03};\n" for index in range(count))
        write(crate / "src" / "lib.rs", f"//! {count} generated models ({variant}).\n\n{modules}")
        for index in range(count):
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
# RUSTC_WRAPPER: rustc under cachegrind for the generated crates, rustc alone
# for everything else.
rustc=$1; shift
case " $* " in
  *" --crate-name models_"*|*" --crate-name app_"*)
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
    run_started = time.perf_counter()
    print(f"workspace: {WORKSPACE.relative_to(ROOT)}; building dependencies (not counted)", flush=True)
    cargo("build", "--workspace")
    counts = {}
    for variant in variants:
        package = package_name(variant)
        crate = WORKSPACE / package
        write(crate / "src" / "m000.rs", model_source(variant, 0, edited=False))
        cargo("clean", "-p", package)
        started = time.perf_counter()
        clean = instructions(package)
        write(crate / "src" / "m000.rs", model_source(variant, 0, edited=True))
        edit = instructions(package)
        counts[variant] = {"clean": clean, "edit": edit}
        print(f"{variant:<15} clean {clean / 1e9:6.3f} G instructions   one-model edit {edit / 1e9:6.3f} G"
              f"   ({time.perf_counter() - started:.0f} s under valgrind)", flush=True)
    ratios = {kind: derive_ratios(counts, kind) for kind in ["clean", "edit"]}
    for kind, rs in ratios.items():
        print(f"  {kind:<6} " + verdicts(rs))
    result = {
        "source": snapshot_source(),
        "models": models,
        "app_models": APP_MODELS if "app_fromrow" in counts else 0,
        "measure": "instructions rustc executed on the crate (valgrind --tool=cachegrind, I refs), debug profile",
        "targets": {"derive_over_expanded": TARGET, "derive_over_plain": PLAIN_TARGET,
                    "app_soft_delete_share": APP_TARGET},
        "elapsed_seconds": round(time.perf_counter() - run_started),
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
    variants = VARIANTS + APP_VARIANTS + ([] if no_seaorm else SEAORM_VARIANTS)

    generate(args.models, variants)
    if args.check_expansion:
        check_expansion()
        return
    if args.instructions:
        count_instructions(args.models, variants)
        return
    print(f"workspace: {WORKSPACE.relative_to(ROOT)}; building dependencies (not timed)", flush=True)
    cargo("build", "--workspace")

    times = {variant: {"clean": [], "edit": []} for variant in variants}
    wall = {variant: {"clean": [], "edit": []} for variant in variants}
    edited = False
    for run in range(args.runs):
        edited = not edited
        # Alternate the order, so a burst of other work on the machine does
        # not always fall on the same crate.
        for variant in variants if run % 2 == 0 else variants[::-1]:
            package = package_name(variant)
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
                f"run {run + 1}: {variant:<15} clean {clean:6.2f} s (wall {clean_wall:6.2f} s)"
                f"   one-model edit {edit:6.2f} s (wall {edit_wall:6.2f} s)", flush=True
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
        print(f"  {kind:<6} " + verdicts(ratios[kind]))
        if not no_seaorm:
            print(
                f"         SeaORM / plain {ratios[kind]['seaorm_over_plain']:.1f},"
                f" SeaORM + SoftDelete / plain {ratios[kind]['seaorm_soft_delete_over_plain']:.1f},"
                f" SeaORM + SoftDelete / SeaORM {ratios[kind]['seaorm_soft_delete_over_seaorm']:.3f}"
            )

    result = {
        "source": snapshot_source(),
        "models": args.models,
        "app_models": APP_MODELS,
        "runs": args.runs,
        "target": TARGET,
        "plain_target": PLAIN_TARGET,
        "app_share_target": APP_TARGET,
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
