#!/usr/bin/env python3
"""Salesforce metadata benchmark: intguard and the floor on a generated org (bench/gen_org.py),
full size and half size, so MB/s and whether peak memory grows with the org show in one run.

usage: python3 bench/measure_org.py --org DIR --half-org DIR --intguard BIN --floor BIN --out DIR
       [--runs 3]

Writes OUT/org-results.json and OUT/org-results.md. Uses bench/measure.py's sampling (wall clock,
`/usr/bin/time -v` CPU and peak RSS, machine load); the best wall time of each tool counts.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import best, run_timed  # noqa: E402


def info(org):
    with open(os.path.join(org, "org.json")) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--org", required=True)
    ap.add_argument("--half-org", required=True)
    ap.add_argument("--intguard", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    orgs = {"org": a.org, "half-org": a.half_org}
    samples = {}
    # Warm the page cache: every tool then reads from memory.
    for org in orgs.values():
        run_timed("warm", [a.floor, org])
    for i in range(a.runs):
        print("round %d" % (i + 1), file=sys.stderr)
        for label, org in orgs.items():
            report = os.path.join(a.out, "intguard-%s.json" % label)
            for tool, argv in (
                ("floor", [a.floor, org]),
                ("intguard", [a.intguard, "scan", org, "--format", "json", "--output", report,
                              "--fail-on", "none"]),
            ):
                samples.setdefault((tool, label), []).append(run_timed(tool + " " + label, argv))
    rows = []
    for (tool, label), ss in sorted(samples.items()):
        s = best(ss)
        meta = info(orgs[label])
        mb = meta["bytes"] / 1e6
        rows.append({
            "tool": tool, "org": label, "profiles": meta["profiles"],
            "permission_sets": meta["permission_sets"], "mb": round(mb, 1),
            "largest_file_mb": round(meta["largest_file_bytes"] / 1e6, 2),
            "wall_s": s["wall_s"], "cpu_s": s["cpu_s"], "mb_per_s": round(mb / s["wall_s"], 1),
            "max_rss_mb": s["max_rss_mb"], "others_cpu_share": s["others_cpu_share"],
            "samples": ss,
        })
    with open(os.path.join(a.out, "org-results.json"), "w") as f:
        json.dump(rows, f, indent=2)
    by = {(r["tool"], r["org"]): r for r in rows}
    lines = [
        "| tool | org | profiles | permission sets | MB | wall s | CPU s | MB/s | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append("| %s | %s | %d | %d | %.1f | %.2f | %.2f | %.1f | %.1f |" % (
            r["tool"], r["org"], r["profiles"], r["permission_sets"], r["mb"], r["wall_s"],
            r["cpu_s"], r["mb_per_s"], r["max_rss_mb"]))
    full, half, floor = by[("intguard", "org")], by[("intguard", "half-org")], by[("floor", "org")]
    lines += [
        "",
        "- intguard reads the full org at %.0f MB/s (%.2f x the floor's wall time)."
        % (full["mb_per_s"], full["wall_s"] / floor["wall_s"]),
        "- Peak memory: %.1f MB for %.0f MB of metadata, %.1f MB for half of it (ratio %.2f);"
        " the largest file is %.1f MB." % (full["max_rss_mb"], full["mb"], half["max_rss_mb"],
                                          full["max_rss_mb"] / half["max_rss_mb"],
                                          full["largest_file_mb"]),
    ]
    md = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, "org-results.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
