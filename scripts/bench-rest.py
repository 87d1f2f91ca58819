#!/usr/bin/env python3
"""The REST service under load: rest_api (soft_delete::sqlx)
against rest_api_by_hand (the same service over sqlx by hand), on a
SQLite file, PostgreSQL and MariaDB.

    python3 scripts/bench-rest.py [extra arguments of benches/rest_load.rs]

Builds the release binaries of both servers (package soft-delete-rest-api), then runs
`cargo bench -p soft-delete-benches --bench rest_load`, which starts them as child processes on
127.0.0.1, measures, and writes benches/results/rest-load.json (the commit
measured in `source`). PostgreSQL and MariaDB are the servers at
SOFT_DELETE_POSTGRES_URL and SOFT_DELETE_MYSQL_URL (defaults: this machine's,
postgres://postgres@127.0.0.1:5432/test and mysql://root@127.0.0.1:3306/test),
on which the bench creates and drops a database `bench_rest`.
`--only sqlite` (or `sqlite,postgres`) leaves databases out. Target: every
ratio (by hand / library requests per second) <= 1.05.
"""

import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def target_dir():
    if "CARGO_TARGET_DIR" in os.environ:
        return pathlib.Path(os.environ["CARGO_TARGET_DIR"])
    metadata = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return pathlib.Path(json.loads(metadata.stdout)["target_directory"])


def source_version():
    """The commit measured: SOFT_DELETE_BENCH_SOURCE, else git."""
    if "SOFT_DELETE_BENCH_SOURCE" in os.environ:
        return os.environ["SOFT_DELETE_BENCH_SOURCE"]
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if head.returncode != 0:
        return "unknown"
    # Results files and the chart do not count as changes to what is measured.
    clean = subprocess.run(
        ["git", "diff", "--quiet", "HEAD", "--", ".", ":!benches/results", ":!docs/benchmarks.svg"],
        cwd=ROOT,
    )
    suffix = "" if clean.returncode == 0 else " + uncommitted changes"
    return head.stdout.strip() + suffix


def main():
    env = dict(os.environ)
    env.setdefault("SOFT_DELETE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
    env.setdefault("SOFT_DELETE_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
    env["SOFT_DELETE_BENCH_SOURCE"] = source_version()
    subprocess.run(
        ["cargo", "build", "--release", "-p", "soft-delete-rest-api"],
        cwd=ROOT, check=True,
    )
    servers = target_dir() / "release"
    bench = subprocess.run(
        ["cargo", "bench", "-p", "soft-delete-benches", "--bench", "rest_load", "--", "--servers", str(servers), *sys.argv[1:]],
        cwd=ROOT, env=env,
    )
    sys.exit(bench.returncode)


if __name__ == "__main__":
    main()
