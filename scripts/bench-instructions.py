#!/usr/bin/env python3
"""Statements: instructions and allocations per statement, derived against
hand-written (benches/statement_costs.rs), the primary run-time figure.

    python3 scripts/bench-instructions.py [--iterations 2000]

Builds `cargo bench -p soft-delete-benches --bench statement_costs` (release), runs it once for
heap allocations per statement (a counting global allocator), then once per
case under `valgrind --tool=callgrind --toggle-collect=*case_<name>*`, which
counts the instructions executed inside that case's function only.
Instruction counts do not depend on the machine's load: two runs of the same
binary agree to within a few instructions (the clock read of delete_by_id).
Ratio = derived / hand-written instructions per statement, target <= 1.05.
Writes benches/results/instructions.json (read by scripts/bench-chart.py).
"""

import argparse
import json
import pathlib
import platform
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
STATEMENTS = ["query", "find", "delete_by_id", "restore_by_id", "purge_trashed_before"]
STAGES = ["construct", "render"]
SIDES = ["derived", "hand", "owned"]
TARGET = 1.05


def build():
    """The bench executable, built in release by cargo."""
    out = subprocess.run(
        ["cargo", "bench", "-p", "soft-delete-benches", "--bench", "statement_costs", "--no-run", "--message-format=json"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    for line in out.stdout.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "statement_costs" \
                and message.get("executable"):
            return message["executable"]
    sys.exit("no statement_costs executable in cargo's output")


def instructions(executable, case, iterations):
    """Instructions per call of `case`, counted by callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
             f"--toggle-collect=*case_{case}*", executable,
             "--case", f"case_{case}", "--iterations", str(iterations)],
            check=True, capture_output=True, text=True,
        )
        totals = re.search(r"^(?:totals|summary): (\d+)", out.read_text(), re.M)
        return int(totals.group(1)) / (iterations + 1)


def source_version():
    described = subprocess.run(
        ["git", "describe", "--always", "--dirty", "--exclude", "*"],
        cwd=ROOT, capture_output=True, text=True,
    )
    return described.stdout.strip() if described.returncode == 0 else "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000)
    args = parser.parse_args()
    executable = build()
    counted = subprocess.run(
        [executable, "--bench", "--iterations", str(args.iterations)],
        check=True, capture_output=True, text=True,
    )
    allocations = {case["case"]: case for case in json.loads(counted.stdout)["cases"]}
    valgrind = subprocess.run(["valgrind", "--version"], capture_output=True, text=True).stdout.strip()
    rows = []
    for stage in STAGES:
        for statement in STATEMENTS:
            row = {"statement": statement, "stage": stage}
            for side in SIDES:
                case = f"{stage}_{statement}_{side}"
                if case not in allocations:
                    continue
                # The case runs once before it is counted, plus `iterations` times.
                row[side] = {
                    "instructions": round(instructions(executable, case, args.iterations), 1),
                    "allocations": allocations[case]["allocations"],
                    "reallocations": allocations[case]["reallocations"],
                    "bytes": allocations[case]["bytes"],
                }
            row["ratio"] = round(row["derived"]["instructions"] / row["hand"]["instructions"], 3)
            rows.append(row)
            print(f"{stage:9} {statement:22} derived {row['derived']['instructions']:8.0f} Ir "
                  f"{row['derived']['allocations']:4.1f} allocs | hand {row['hand']['instructions']:8.0f} Ir "
                  f"{row['hand']['allocations']:4.1f} allocs | ratio {row['ratio']:.3f}"
                  f"{'' if row['ratio'] <= TARGET else '  MISSED'}", flush=True)
    result = {
        "source": source_version(),
        "target": TARGET,
        "iterations": args.iterations,
        "measure": "instructions per statement inside the case's function (callgrind), "
                   "allocations per statement (counting allocator); ratio = derived / hand-written instructions",
        "backend": "PostgresQueryBuilder, build() (SQL text and values)",
        "tool": valgrind,
        "machine": platform.machine(),
        "rows": rows,
    }
    path = ROOT / "benches" / "results" / "instructions.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
