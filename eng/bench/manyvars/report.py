#!/usr/bin/python3
"""Markdown table from a many-variables run.sh JSON-lines file: medians over reps; ratios within one N of one run."""
import json
import statistics
import sys
from collections import defaultdict


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    by = defaultdict(list)
    verified = {}
    for r in rows:
        if r["program"] == "verify":
            verified[r["nvars"]] = verified.get(r["nvars"], True) and bool(r["result"].get("ok"))
        else:
            by[(r["nvars"], r["program"])].append(r)

    def med(n, p, key):
        vals = [r[key] for r in by.get((n, p), []) if r.get(key) is not None]
        return statistics.median(vals) if vals else None

    def cell(n, p):
        w, c = med(n, p, "wall_s"), med(n, p, "cpu_s")
        return f"{w:.2f} ({c:.2f})" if w is not None else "failed"

    def ratio(n, p, key):
        a, b = med(n, p, key), med(n, "xarray", key)
        return f"{a / b:.2f}×" if a and b else "—"

    print("| variables | forge plan s wall (CPU) | forge run s wall (CPU) | xarray open + to_zarr s wall (CPU) | plan / xarray wall (CPU) | run / xarray wall (CPU) | Forge run RSS MiB | xarray RSS MiB | load | values equal |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in sorted({k[0] for k in by}):
        load = med(n, "forge-run", "load_before")
        print(f"| {n} | {cell(n, 'forge-plan')} | {cell(n, 'forge-run')} | {cell(n, 'xarray')} | "
              f"{ratio(n, 'forge-plan', 'wall_s')} ({ratio(n, 'forge-plan', 'cpu_s')}) | {ratio(n, 'forge-run', 'wall_s')} ({ratio(n, 'forge-run', 'cpu_s')}) | "
              f"{med(n, 'forge-run', 'peak_rss_mib')} | {med(n, 'xarray', 'peak_rss_mib')} | {load} | {'yes' if verified.get(n) else '**no**'} |")
    print()
    print("Ratios below 1 mean Forge took less than xarray; the goal (issue 10) is ≤ 2× for plan and for run.")


if __name__ == "__main__":
    main()
