#!/usr/bin/env python3
"""Draws docs/benchmarks.svg: every benchmark ratio against its target.

    python3 scripts/bench-chart.py

Reads benches/results/instructions.json, runtime.json, run-layer.json,
compile-time.json, database.json and rest-load.json (as written by
scripts/bench-instructions.py, scripts/bench-runtime.py, `cargo bench -p soft-delete-benches --bench
run_layer`, scripts/bench-compile-time.py, `cargo bench -p soft-delete-benches --bench database` and
scripts/bench-rest.py) and writes the SVG by hand: no plotting
library. A missing results file leaves its panel out.
"""

import json
import pathlib
from html import escape

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benches" / "results"
OUT = ROOT / "docs" / "benchmarks.svg"

WIDTH = 820
LABEL_WIDTH = 300
PLOT_WIDTH = 420
ROW = 22
AXIS_MAX = 5.0
OK = "#2e7d32"
MISSED = "#d84315"


def load(name):
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def panels():
    """(title, target, [(label, ratio)]) per benchmark."""
    found = []
    instructions = load("instructions.json")
    if instructions:
        rows = [
            (f"{row['statement']}", row["ratio"])
            for row in instructions["rows"]
            if row["stage"] == "render"
        ]
        found.append(("Statements: derived / hand-written instructions (build + render)", instructions["target"], rows))
    runtime = load("runtime.json")
    if runtime:
        rows = [
            (f"{row['statement']}", row["ratio"])
            for row in runtime["rows"]
            if row["stage"] == "render"
        ]
        found.append(("Statements: derived / hand-written time (build + render)", runtime["target"], rows))
    run_layer = load("run-layer.json")
    if run_layer:
        rows = [(f"{row['database']} {row['operation']}", row["ratio"]) for row in run_layer["rows"]]
        found.append(("Run layer: T::on(&pool) / sqlx by hand", run_layer["target"], rows))
    compile_time = load("compile-time.json")
    if compile_time:
        ratios = compile_time["ratios"]
        rows = [
            ("clean build of the models crate", ratios["clean"]["derive_over_expanded"]),
            ("one-model edit, incremental", ratios["edit"]["derive_over_expanded"]),
        ]
        found.append(
            (
                f"Compile time: derive / pasted expansion ({compile_time['models']} models)",
                compile_time["target"],
                rows,
            )
        )
        if "plain_target" in compile_time:
            rows = [
                ("clean build, derive / plain", ratios["clean"]["derive_over_plain"]),
                ("clean build, enum_def / plain (reference)", ratios["clean"]["enum_def_over_plain"]),
                ("one-model edit, derive / plain", ratios["edit"]["derive_over_plain"]),
                ("one-model edit, enum_def / plain (reference)", ratios["edit"]["enum_def_over_plain"]),
            ]
            found.append(
                (
                    f"Compile time: derive / plain structs ({compile_time['models']} models)",
                    compile_time["plain_target"],
                    rows,
                )
            )
    database = load("database.json")
    if database:
        rows = []
        for key, name in [("postgres", "PostgreSQL"), ("sqlite", "SQLite")]:
            if not database.get(key):
                continue
            for config, config_name in [
                ("live_index", "live_index"),
                ("live_index_and_marker_index", "live_index + marker_index"),
            ]:
                for query in ["page", "count"]:
                    ratio = database[key][config][query]["ratio"]
                    rows.append((f"{name} {query}, {config_name}", ratio))
        found.append(
            (
                "Database: 1M rows, 90% trashed / live rows alone",
                database["target"],
                rows,
            )
        )
    rest = load("rest-load.json")
    if rest:
        rows = [(f"{row['database']}: {row['label']}", row["ratio"]) for row in rest["rows"]]
        found.append(("REST service: by hand / library requests per second", rest["target"], rows))
    return found


def x_of(ratio):
    return LABEL_WIDTH + PLOT_WIDTH * min(ratio, AXIS_MAX) / AXIS_MAX


def svg(found):
    parts = []
    y = 40
    for title, target, rows in found:
        parts.append(f'<text x="10" y="{y}" class="title">{escape(title)}, target ≤ {target}</text>')
        y += 10
        top = y
        for label, ratio in rows:
            color = OK if ratio <= target else MISSED
            bar_end = x_of(ratio)
            parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" class="label">{escape(label)}</text>')
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{bar_end - LABEL_WIDTH:.1f}" '
                f'height="{ROW - 8}" fill="{color}"/>'
            )
            clipped = "+" if ratio > AXIS_MAX else ""
            parts.append(f'<text x="{bar_end + 4:.1f}" y="{y + 15}" class="value">{ratio:.2f}×{clipped}</text>')
            y += ROW
        target_x = x_of(target)
        parts.append(
            f'<line x1="{target_x:.1f}" y1="{top}" x2="{target_x:.1f}" y2="{y}" class="target"/>'
        )
        y += 28

    axis_y = y - 18
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{axis_y}" x2="{LABEL_WIDTH + PLOT_WIDTH}" y2="{axis_y}" class="axis"/>')
    tick = 0.0
    while tick <= AXIS_MAX + 1e-9:
        x = x_of(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 4}" class="axis"/>')
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 16}" class="tick">{tick:g}×</text>')
        tick += 0.5
    one = x_of(1.0)
    grid = f'<line x1="{one:.1f}" y1="30" x2="{one:.1f}" y2="{axis_y}" class="grid"/>'
    height = axis_y + 50
    legend_y = axis_y + 38
    legend = (
        f'<rect x="{LABEL_WIDTH}" y="{legend_y - 10}" width="12" height="12" fill="{OK}"/>'
        f'<text x="{LABEL_WIDTH + 16}" y="{legend_y}" class="legend">within target</text>'
        f'<rect x="{LABEL_WIDTH + 120}" y="{legend_y - 10}" width="12" height="12" fill="{MISSED}"/>'
        f'<text x="{LABEL_WIDTH + 136}" y="{legend_y}" class="legend">missed</text>'
        f'<line x1="{LABEL_WIDTH + 210}" y1="{legend_y - 10}" x2="{LABEL_WIDTH + 210}" y2="{legend_y + 2}" class="target"/>'
        f'<text x="{LABEL_WIDTH + 216}" y="{legend_y}" class="legend">target</text>'
    )
    style = (
        "<style>"
        "text{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:12px;fill:#222}"
        ".title{font-weight:600;font-size:13px}.label{text-anchor:end}.tick{text-anchor:middle;fill:#555}"
        ".value{fill:#222}.axis{stroke:#555}.grid{stroke:#bbb;stroke-dasharray:2 3}"
        ".target{stroke:#1565c0;stroke-width:2;stroke-dasharray:5 3}.legend{fill:#333}"
        "</style>"
    )
    heading = '<text x="10" y="18" class="title">soft-delete benchmarks: ratios (lower is better; 1× = no cost)</text>'
    body = "\n".join([style, '<rect width="100%" height="100%" fill="white"/>', heading, grid, *parts, legend])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="soft-delete benchmark ratios">\n{body}\n</svg>\n'
    )


def main():
    found = panels()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(svg(found))
    print(f"wrote {OUT.relative_to(ROOT)} ({len(found)} panels)")


if __name__ == "__main__":
    main()
