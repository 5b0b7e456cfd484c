#!/usr/bin/python3
"""Markdown table from a run.sh JSON-lines file: medians over reps, ratios against the peers of the same run.

Roofline (shared performance.md §10, 2 cores): blosc lz4 ~600 MB/s (disk-bound on stored bytes), uncompressed
~330 MB/s (disk), zlib 1 ~320 MB/s (CPU). The uncompressed figure is replaced by this run's dd probe when given.
"""
import json
import statistics
import sys
from collections import defaultdict

ROOFLINE = {"none": 330.0, "blosc": 600.0, "zlib1": 320.0}
CODEC = {"none": "none", "blosc": "blosc lz4 5 shuffle", "zlib1": "zlib 1 (gzip)"}


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    groups = defaultdict(list)
    for r in rows:
        groups[(r["scenario"], r["codec"], r["program"])].append(r)

    def med(key, g):
        vals = [r[key] for r in g if r.get(key) is not None]
        return statistics.median(vals) if vals else None

    def wall(s, c, p):
        g = [r for r in groups.get((s, c, p), []) if r["verified"]]
        return med("wall_s", g)

    print("| scenario | codec | program | wall s (min–max) | logical MB/s | vs xarray | vs nccopy (+ncrcat) | peak RSS MiB | CPU % of 2 cores | stored MB | objects | roofline | load | verified |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    order = {"cat": 0, "S1": 1, "S2": 2, "S2m": 3, "S2v3": 4}
    porder = {"forge": 0, "xarray": 1, "nccopy": 2, "ncrcat": 3}
    corder = {"none": 0, "blosc": 1, "zlib1": 2}
    cat_wall = wall("cat", "none", "ncrcat")
    for (s, c, p), g in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 9), corder.get(kv[0][1], 9), porder.get(kv[0][2], 9))):
        ok = [r for r in g if r["verified"]]
        w = med("wall_s", ok)
        walls = [r["wall_s"] for r in ok]
        wtxt = f"{w:.2f} ({min(walls):.2f}–{max(walls):.2f})" if w and len(walls) > 1 else (f"{w:.2f}" if w else "—")
        mbps = med("logical_mbps", ok)
        vs_x = vs_n = "—"
        if p == "forge" and w:
            xw = wall(s, c, "xarray")
            vs_x = f"{xw / w:.2f}×" if xw else "—"
            nw = wall(s, c, "nccopy")
            if nw:
                vs_n = f"{nw / w:.2f}× ({(nw + cat_wall) / w:.2f}×)" if cat_wall else f"{nw / w:.2f}×"
        rss = max((r["peak_rss_mib"] for r in g if r.get("peak_rss_mib")), default=None)
        cpu = med("cpu_util", ok)
        stored = med("stored_bytes", ok)
        objs = med("objects", ok)
        roof = f"{mbps / ROOFLINE[c]:.0%}" if mbps and s != "cat" else "—"
        load = med("load_before", g)
        if ok:
            ver = "yes"
        else:
            tail = (g[-1].get("stderr_tail") or "").strip().splitlines()
            err = (g[-1].get("verify_error") or "") + (" " + tail[-1] if tail else "")
            ver = "**no**: " + err.replace("|", "/").replace("\n", " ")[:160]
        name = "S1-S2 input concat" if s == "cat" else s
        print(f"| {name} | {CODEC.get(c, c)} | {p} | {wtxt} | {mbps if mbps else '—'} | {vs_x} | {vs_n} | {rss if rss else '—'} | "
              f"{f'{cpu * 100:.0f}' if cpu else '—'} | {f'{stored / 1e6:.0f}' if stored else '—'} | {int(objs) if objs else '—'} | {roof} | {load} | {ver} |")

    summaries = [r for r in rows if r["program"] == "forge" and r.get("forge_summary")]
    if summaries:
        print()
        print("Forge run summaries (last `--progress json` summary event per case):")
        print()
        for r in summaries:
            fs = {k: v for k, v in r["forge_summary"].items() if k != "event"}
            logical = r["days"] * 720 * 1440 * 4
            decoded = next((v for k, v in fs.items() if "decoded" in k.lower() and isinstance(v, (int, float))), None)
            ratio = f" — bytes decoded / inputs' decoded size = {decoded / logical:.3f}" if decoded else ""
            print(f"- {r['scenario']} {r['codec']}{ratio}: `{json.dumps(fs)}`")


if __name__ == "__main__":
    main()
