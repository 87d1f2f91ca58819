#!/usr/bin/env python3
"""Run time: derived statements against the same statements hand-written
with sea-query (criterion, benches/statements.rs), as ratios.

    python3 scripts/bench-runtime.py [--rounds 3] [extra criterion args]

Runs `cargo bench -p soft-delete-benches --bench statements` `--rounds` times, reads criterion's
estimates after each and prints derived / hand-written per statement and
stage: the median over the rounds of the ratio of criterion's median times.
Several rounds, because on a shared machine a burst of other work during one
side's measurement skews a single run. Writes benches/results/runtime.json for scripts/bench-chart.py.
Target: every `render` ratio <= 1.05.
"""

import argparse
import json
import os
import pathlib
import platform
import statistics
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
STATEMENTS = ["query", "find", "delete_by_id", "restore_by_id", "purge_trashed_before"]
STAGES = ["construct", "render"]
TARGET = 1.05


def target_dir():
    if "CARGO_TARGET_DIR" in os.environ:
        return pathlib.Path(os.environ["CARGO_TARGET_DIR"])
    metadata = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return pathlib.Path(json.loads(metadata.stdout)["target_directory"])


def median_ns(group, function):
    path = target_dir() / "criterion" / group / function / "new" / "estimates.json"
    if not path.exists():
        return None
    estimate = json.loads(path.read_text())["median"]
    interval = estimate["confidence_interval"]
    return estimate["point_estimate"], interval["lower_bound"], interval["upper_bound"]


def source_version():
    """The library version measured: SOFT_DELETE_BENCH_SOURCE, else git."""
    if "SOFT_DELETE_BENCH_SOURCE" in os.environ:
        return os.environ["SOFT_DELETE_BENCH_SOURCE"]
    described = subprocess.run(
        ["git", "describe", "--always", "--dirty", "--exclude", "*"],
        cwd=ROOT, capture_output=True, text=True,
    )
    return described.stdout.strip() if described.returncode == 0 else "unknown"


def measure(extra_args):
    """One `cargo bench` run: a row per statement and stage."""
    subprocess.run(
        ["cargo", "bench", "-p", "soft-delete-benches", "--bench", "statements", "--", *extra_args],
        cwd=ROOT, check=True,
    )
    rows = []
    for statement in STATEMENTS:
        for stage in STAGES:
            group = f"{stage}_{statement}"
            derived = median_ns(group, "derived")
            hand = median_ns(group, "hand_written")
            to_owned = median_ns(group, "hand_written_to_owned")
            rows.append({
                "statement": statement,
                "stage": stage,
                "derived_ns": derived[0],
                "hand_written_ns": hand[0],
                "hand_written_to_owned_ns": to_owned[0] if to_owned else None,
            })
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="cargo bench runs; ratios are their median")
    args, extra_args = parser.parse_known_args()

    rounds = [measure(extra_args) for _ in range(args.rounds)]
    rows = []
    for at, first in enumerate(rounds[0]):
        runs = [round_rows[at] for round_rows in rounds]
        ratios = [run["derived_ns"] / run["hand_written_ns"] for run in runs]
        row = {
            "statement": first["statement"],
            "stage": first["stage"],
            "derived_ns": round(statistics.median(run["derived_ns"] for run in runs), 1),
            "hand_written_ns": round(statistics.median(run["hand_written_ns"] for run in runs), 1),
            "ratio": round(statistics.median(ratios), 3),
            "ratio_per_round": [round(ratio, 3) for ratio in ratios],
            "hand_written_to_owned_ns": None,
            "ratio_to_owned": None,
        }
        if first["hand_written_to_owned_ns"] is not None:
            row["hand_written_to_owned_ns"] = round(
                statistics.median(run["hand_written_to_owned_ns"] for run in runs), 1
            )
            row["ratio_to_owned"] = round(
                statistics.median(run["derived_ns"] / run["hand_written_to_owned_ns"] for run in runs), 3
            )
        rows.append(row)

    print(
        f"\n{'statement':<22} {'stage':<10} {'derived':>10} {'hand':>10} {'ratio':>7}  target <= {TARGET}"
        "   (hand .to_owned(), ratio)"
    )
    for row in rows:
        verdict = "" if row["stage"] != "render" else ("ok" if row["ratio"] <= TARGET else "MISSED")
        to_owned = ""
        if row["ratio_to_owned"] is not None:
            to_owned = f"   ({row['hand_written_to_owned_ns']:.0f}ns, {row['ratio_to_owned']:.2f})"
        print(
            f"{row['statement']:<22} {row['stage']:<10} {row['derived_ns']:>8.0f}ns"
            f" {row['hand_written_ns']:>8.0f}ns {row['ratio']:>7.2f}  {verdict:<6}{to_owned}"
        )

    result = {
        "source": source_version(),
        "target": TARGET,
        "rounds": args.rounds,
        "measure": "criterion median per round; ratio = median over rounds of derived / hand-written",
        "backend": "PostgresQueryBuilder, build() (SQL text and values)",
        "machine": platform.machine(),
        "rows": rows,
    }
    out = ROOT / "benches" / "results" / "runtime.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
