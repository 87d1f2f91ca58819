#!/usr/bin/env python3
"""Run time: derived statements against the same statements hand-written
with sea-query (criterion, benches/statements.rs), as ratios.

    python3 scripts/bench-runtime.py [extra criterion args]

Runs `cargo bench --bench statements`, reads criterion's estimates and
prints derived / hand-written per statement and stage, from the median time
of each. Writes benches/results/runtime.json for scripts/bench-chart.py.
Target: every `render` ratio <= 1.05.
"""

import json
import os
import pathlib
import platform
import subprocess
import sys

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


def main():
    subprocess.run(
        ["cargo", "bench", "--bench", "statements", "--", *sys.argv[1:]],
        cwd=ROOT, check=True,
    )
    rows = []
    for statement in STATEMENTS:
        for stage in STAGES:
            group = f"{stage}_{statement}"
            derived, derived_low, derived_high = median_ns(group, "derived")
            hand, hand_low, hand_high = median_ns(group, "hand_written")
            to_owned = median_ns(group, "hand_written_to_owned")
            rows.append({
                "statement": statement,
                "stage": stage,
                "derived_ns": round(derived, 1),
                "hand_written_ns": round(hand, 1),
                "ratio": round(derived / hand, 3),
                # The ratio of the interval ends: a rough band, not a statistic.
                "ratio_low": round(derived_low / hand_high, 3),
                "ratio_high": round(derived_high / hand_low, 3),
                # Beside the hand-written chain ended by `.to_owned()`.
                "hand_written_to_owned_ns": round(to_owned[0], 1) if to_owned else None,
                "ratio_to_owned": round(derived / to_owned[0], 3) if to_owned else None,
            })

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
        "backend": "PostgresQueryBuilder, build() (SQL text and values)",
        "machine": platform.machine(),
        "rows": rows,
    }
    out = ROOT / "benches" / "results" / "runtime.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
