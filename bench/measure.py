#!/usr/bin/env python3
"""Timed part of bench/run.sh: runs the floor, intguard, gitleaks and detect-secrets on the same
corpus in one session, checks intguard's recall against planted.json and writes
bench/out/results.json and bench/out/results.md. Stdlib only; run.sh passes the binaries.

Each tool runs under `/usr/bin/time -v` (CPU user+sys, peak RSS); wall time is taken here with a
monotonic clock. The fast tools (floor, intguard, intguard on the half corpus) run in interleaved
rounds so that load from other processes hits them alike; a round whose best sample was taken on a
busy machine is repeated (up to --extra-rounds). For every sample the script records the load
average and the share of the machine's CPU that other processes used while it ran, from
/proc/stat, so the figures can be judged honestly. Ratios use the best (lowest) wall time of each
tool, and the median of its runs' peak memory (shown with their range).
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HZ = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1

# Rules whose findings group several planted places: IG303 is one finding per shared username (at
# the first connection, the other apps as `related`); IG104 may report one finding per encrypted
# value or per file/key with the values as `related`. A planted place of these rules counts as found
# when it is the finding's own path:line or one of its related locations.
RELATED_RULES = {"IG303", "IG104"}


# ------------------------------------------------------------------------------------------------
# Measuring

def busy_jiffies():
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    vals = [int(x) for x in parts]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
    return sum(vals[:8]) - idle


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def parse_time_v(text):
    def grab(label, conv=float):
        m = re.search(r"^\s*" + re.escape(label) + r":\s*(.+)$", text, re.M)
        return conv(m.group(1).strip()) if m else None

    return {
        "user_s": grab("User time (seconds)"),
        "sys_s": grab("System time (seconds)"),
        "max_rss_kb": grab("Maximum resident set size (kbytes)", int),
        "exit_status": grab("Exit status", int),
    }


def run_timed(name, argv, stdout_path=None, cwd=None, timeout=None):
    """One sample of one tool. On timeout the whole process group is killed and the sample
    records the time limit as a lower bound (`timed_out`)."""
    fd, time_out = tempfile.mkstemp(prefix="bench-time-")
    os.close(fd)
    load = loadavg()
    b0 = busy_jiffies()
    t0 = time.monotonic()
    timed_out = False
    with open(stdout_path or os.devnull, "wb") as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", time_out] + argv, stdout=out,
                                stderr=err, cwd=cwd, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
        err.seek(0)
        stderr = err.read()
    wall = time.monotonic() - t0
    b1 = busy_jiffies()
    with open(time_out) as f:
        tv = parse_time_v(f.read())
    if timed_out:
        # time(1) was killed with its child: no rusage; keep the wall time as a lower bound.
        tv = {"user_s": None, "sys_s": None, "max_rss_kb": None, "exit_status": None}
    os.unlink(time_out)
    cpu = (tv["user_s"] or 0.0) + (tv["sys_s"] or 0.0)
    machine_cpu = (b1 - b0) / HZ
    others = max(0.0, machine_cpu - cpu)
    sample = {
        "tool": name,
        "wall_s": round(wall, 3),
        "user_s": tv["user_s"],
        "sys_s": tv["sys_s"],
        "cpu_s": round(cpu, 2),
        "cpu_per_wall": round(cpu / wall, 2) if wall > 0 else None,
        "max_rss_mb": round((tv["max_rss_kb"] or 0) / 1024, 1),
        "exit": tv["exit_status"] if tv["exit_status"] is not None else proc.returncode,
        "load1_before": load,
        # Share of all cores that other processes used during this sample.
        "others_cpu_share": round(others / (NCPU * wall), 2) if wall > 0 else None,
        "timed_out": timed_out,
    }
    if proc.returncode != 0 and not timed_out:
        err = stderr.decode("utf-8", "replace")[-2000:]
        print("  %s exited %s: %s" % (name, proc.returncode, err), file=sys.stderr)
    print("  %-15s wall %7.2fs  cpu %7.2fs (x%.2f)  rss %7.1f MB  load %.2f  others %.0f%%"
          % (name, wall, cpu, sample["cpu_per_wall"] or 0, sample["max_rss_mb"], load,
             100 * (sample["others_cpu_share"] or 0)), file=sys.stderr)
    return sample


def corpus_size(root):
    files = size = 0
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            try:
                size += os.lstat(os.path.join(dirpath, n)).st_size
                files += 1
            except OSError:
                pass
    return files, size


# ------------------------------------------------------------------------------------------------
# Recall

def norm_path(path, root):
    path = path.replace("\\", "/")
    root = root.rstrip("/").replace("\\", "/")
    for prefix in (root + "/", os.path.abspath(root) + "/"):
        if path.startswith(prefix):
            path = path[len(prefix):]
            break
    while path.startswith("./"):
        path = path[2:]
    return path


def recall(report_path, corpus):
    with open(os.path.join(corpus, "planted.json")) as f:
        planted = json.load(f)
    with open(report_path) as f:
        report = json.load(f)
    # intguard locates a finding about a whole binary file (a keystore) at line 0; the
    # corpus plants whole-file problems at line 1.
    def line_of(fd):
        return fd["line"] or 1

    own = {}      # rule -> {(path, line)}
    related = {}  # rule -> {(path, line)}
    for fd in report.get("findings", []):
        rule = fd["rule"]
        own.setdefault(rule, set()).add((norm_path(fd["path"], corpus), line_of(fd)))
        for r in fd.get("related") or []:
            if r.get("path") and r.get("line"):
                related.setdefault(rule, set()).add((norm_path(r["path"], corpus), r["line"]))
    per_rule = {}
    misses = []
    matched = {}
    for p in planted["planted"]:
        rule, key = p["rule"], (p["path"], p["line"])
        st = per_rule.setdefault(rule, {"planted": 0, "found": 0, "via_related": 0, "missed": 0})
        st["planted"] += 1
        if key in own.get(rule, ()):
            st["found"] += 1
            matched.setdefault(rule, set()).add(key)
        elif rule in RELATED_RULES and key in related.get(rule, ()):
            st["found"] += 1
            st["via_related"] += 1
        else:
            st["missed"] += 1
            misses.append(p)
    # Findings at no planted place (the corpus is built so that there are none).
    planted_keys = {(p["rule"], p["path"], p["line"]) for p in planted["planted"]}
    extra = {}
    extra_examples = {}
    for fd in report.get("findings", []):
        key = (fd["rule"], norm_path(fd["path"], corpus), line_of(fd))
        # IG303/IG104 findings sit at one place and cite the planted ones as related.
        via = {(fd["rule"], norm_path(r["path"], corpus), r.get("line"))
               for r in fd.get("related") or [] if r.get("path")}
        if key not in planted_keys and not (fd["rule"] in RELATED_RULES and via & planted_keys):
            extra[fd["rule"]] = extra.get(fd["rule"], 0) + 1
            extra_examples.setdefault(fd["rule"], []).append("%s:%s" % key[1:])
    suppressed_keys = {(s["rule"], s["path"], s["line"]) for s in planted.get("suppressed", [])}
    reported_suppressed = sum(
        1 for fd in report.get("findings", [])
        if (fd["rule"], norm_path(fd["path"], corpus), line_of(fd)) in suppressed_keys)
    total = len(planted["planted"])
    found = sum(s["found"] for s in per_rule.values())
    miss_examples = {}
    for m in misses:
        miss_examples.setdefault(m["rule"], [])
        if len(miss_examples[m["rule"]]) < 5:
            miss_examples[m["rule"]].append("%s:%s (%s)" % (m["path"], m["line"], m.get("note", "")))
    return {
        "planted": total,
        "found": found,
        "recall": round(found / total, 4) if total else None,
        "per_rule": dict(sorted(per_rule.items())),
        "miss_examples": miss_examples,
        "findings": len(report.get("findings", [])),
        "findings_not_planted": dict(sorted(extra.items())),
        "findings_not_planted_examples": {k: v[:5] for k, v in sorted(extra_examples.items())},
        "suppressed_planted": len(suppressed_keys),
        "suppressed_still_reported": reported_suppressed,
        "summary": report.get("summary"),
    }


def count_gitleaks(path):
    try:
        with open(path) as f:
            return len(json.load(f))
    except (OSError, ValueError):
        return None


def count_detect_secrets(path):
    try:
        with open(path) as f:
            return sum(len(v) for v in json.load(f).get("results", {}).values())
    except (OSError, ValueError):
        return None


# ------------------------------------------------------------------------------------------------

def best(samples):
    return min(samples, key=lambda s: s["wall_s"]) if samples else None


def summarize(samples, size_bytes):
    b = best(samples)
    if not b:
        return None
    walls = [s["wall_s"] for s in samples]
    out = dict(b)
    out.pop("tool", None)
    out["runs"] = len(samples)
    out["median_wall_s"] = round(statistics.median(walls), 3)
    # Peak memory: the median of the runs' peaks, with their range. One run's
    # peak (say the fastest's) varies by 1-3 MB from run to run on 2 cores, as
    # much as the memory target's margin; the median is what a run gives.
    rss = [s["max_rss_mb"] for s in samples if s.get("max_rss_mb")]
    out["max_rss_mb_fastest_run"] = b.get("max_rss_mb")
    if rss:
        out["max_rss_mb"] = round(statistics.median(rss), 1)
        out["max_rss_mb_range"] = [min(rss), max(rss)]
    out["throughput_mb_s"] = round(size_bytes / 1e6 / b["wall_s"], 1)
    return out


def ratio(a, b, key="wall_s"):
    if not a or not b or not b.get(key):
        return None
    return round(a[key] / b[key], 2)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--half-corpus", required=True)
    ap.add_argument("--fat-corpus",
                    help="a corpus of as many apps as the half one and as many bytes as the full one "
                         "(gen_corpus.py --flow-scale): what memory does when the bytes grow, not the apps")
    ap.add_argument("--floor", required=True)
    ap.add_argument("--intguard", required=True)
    ap.add_argument("--gitleaks")
    ap.add_argument("--detect-secrets")
    ap.add_argument("--out", required=True)
    ap.add_argument("--build", default="release",
                    help="how intguard and the floor were built, said in the results")
    ap.add_argument("--runs", type=int, default=3, help="interleaved rounds of the fast tools")
    ap.add_argument("--slow-runs", type=int, default=1, help="runs of detect-secrets")
    ap.add_argument("--gitleaks-runs", type=int, default=3,
                    help="runs of gitleaks (its best is compared with intguard's best)")
    ap.add_argument("--extra-rounds", type=int, default=3,
                    help="extra rounds while the best samples were taken on a busy machine")
    ap.add_argument("--slow-timeout", type=float, default=3600,
                    help="seconds after which gitleaks or detect-secrets is stopped (the time is then a lower bound)")
    ap.add_argument("--busy", type=float, default=0.25,
                    help="others' CPU share above which a sample counts as taken on a busy machine")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()

    files, size = corpus_size(a.corpus)
    hfiles, hsize = corpus_size(a.half_corpus)
    print("corpus %s: %d files, %.1f MB; half %s: %d files, %.1f MB; %d cores; %s"
          % (a.corpus, files, size / 1e6, a.half_corpus, hfiles, hsize / 1e6, NCPU, uptime_before),
          file=sys.stderr)
    ffiles, fsize = corpus_size(a.fat_corpus) if a.fat_corpus else (0, 0)

    ig_report = os.path.join(a.out, "intguard.json")
    ig_half_report = os.path.join(a.out, "intguard-half.json")
    fast = [
        ("floor", [a.floor, a.corpus], None),
        ("intguard", [a.intguard, "scan", a.corpus, "--format", "json", "--output", ig_report,
                      "--fail-on", "none"], None),
        ("intguard_half", [a.intguard, "scan", a.half_corpus, "--format", "json", "--output",
                           ig_half_report, "--fail-on", "none"], None),
        ("floor_half", [a.floor, a.half_corpus], None),
    ]
    ig_fat_report = os.path.join(a.out, "intguard-fat.json")
    if a.fat_corpus:
        fast.append(("intguard_fat", [a.intguard, "scan", a.fat_corpus, "--format", "json", "--output",
                                      ig_fat_report, "--fail-on", "none"], None))
        fast.append(("floor_fat", [a.floor, a.fat_corpus], None))
    samples = {name: [] for name, _, _ in fast}

    # Warm the page cache (every tool then reads from memory, as in CI on a repeat run).
    print("warm-up", file=sys.stderr)
    run_timed("floor(warm-up)", [a.floor, a.corpus])
    run_timed("floor(warm-up)", [a.floor, a.half_corpus])
    if a.fat_corpus:
        run_timed("floor(warm-up)", [a.floor, a.fat_corpus])

    def round_(i):
        print("round %d" % i, file=sys.stderr)
        for name, cmd, _ in fast:
            samples[name].append(run_timed(name, cmd))

    for i in range(a.runs):
        round_(i + 1)
    extra = 0
    while extra < a.extra_rounds and any(
            (best(samples[n])["others_cpu_share"] or 0) > a.busy for n in ("floor", "intguard")):
        extra += 1
        round_(a.runs + extra)

    slow = {}
    if a.gitleaks:
        gl_report = os.path.join(a.out, "gitleaks.json")
        slow["gitleaks"] = [run_timed("gitleaks", [a.gitleaks, "dir", a.corpus, "--report-path", gl_report,
                                                   "--report-format", "json", "--no-banner",
                                                   "--exit-code", "0", "--log-level", "error"],
                                      timeout=a.slow_timeout)
                            for _ in range(a.gitleaks_runs)]
    if a.detect_secrets:
        ds_report = os.path.join(a.out, "detect-secrets.json")
        # detect-secrets skips, without a word, paths that are not under its working directory:
        # scan "." from the corpus, as one would from a repository's root.
        slow["detect_secrets"] = [run_timed("detect-secrets", [a.detect_secrets, "scan", "--all-files",
                                                               "--no-verify", "."],
                                            stdout_path=ds_report, cwd=a.corpus,
                                            timeout=a.slow_timeout)
                                  for _ in range(a.slow_runs)]
    # One more pair of fast samples after the slow tools, to see whether load changed meanwhile.
    print("closing round", file=sys.stderr)
    for name in ("floor", "intguard"):
        cmd = next(c for n, c, _ in fast if n == name)
        samples[name].append(run_timed(name, cmd))

    uptime_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    tools = {
        "floor": summarize(samples["floor"], size),
        "intguard": summarize(samples["intguard"], size),
        "gitleaks": summarize(slow.get("gitleaks", []), size),
        "detect_secrets": summarize(slow.get("detect_secrets", []), size),
        "intguard_half": summarize(samples["intguard_half"], hsize),
        "floor_half": summarize(samples["floor_half"], hsize),
        "intguard_fat": summarize(samples.get("intguard_fat", []), fsize),
        "floor_fat": summarize(samples.get("floor_fat", []), fsize),
    }
    if tools["gitleaks"]:
        tools["gitleaks"]["findings"] = count_gitleaks(os.path.join(a.out, "gitleaks.json"))
    if tools["detect_secrets"]:
        tools["detect_secrets"]["findings"] = count_detect_secrets(os.path.join(a.out, "detect-secrets.json"))

    ig, fl = tools["intguard"], tools["floor"]
    ratios = {
        "intguard_over_floor_wall": ratio(ig, fl),
        "intguard_over_floor_cpu": ratio(ig, fl, "cpu_s"),
        "gitleaks_over_intguard_wall": ratio(tools["gitleaks"], ig),
        "detect_secrets_over_intguard_wall": ratio(tools["detect_secrets"], ig),
        "intguard_rss_full_over_half": ratio(ig, tools["intguard_half"], "max_rss_mb"),
        # The same of the fastest run of each (what this measured until stop 60).
        "intguard_rss_full_over_half_fastest_runs": ratio(ig, tools["intguard_half"], "max_rss_mb_fastest_run"),
        # What doubling the corpus adds to peak memory, per MB of input added:
        # the slope the full / half ratio hides behind the fixed part.
        "intguard_rss_growth_per_input_mb": (
            round((ig["max_rss_mb"] - tools["intguard_half"]["max_rss_mb"]) / ((size - hsize) / 1e6), 3)
            if ig and tools["intguard_half"] and size > hsize else None),
        # Same apps, about twice the bytes (fat / half), and same bytes, twice the apps (full / fat):
        # which of the two the peak follows.
        "intguard_rss_fat_over_half": ratio(tools["intguard_fat"], tools["intguard_half"], "max_rss_mb"),
        "intguard_rss_full_over_fat": ratio(ig, tools["intguard_fat"], "max_rss_mb"),
        # The same bytes in half as many apps and files: what per-file and per-app work costs.
        "intguard_over_floor_wall_fat": ratio(tools["intguard_fat"], tools["floor_fat"]),
        "intguard_cpu_per_wall": ig["cpu_per_wall"] if ig else None,
        "floor_cpu_per_wall": fl["cpu_per_wall"] if fl else None,
    }
    rec = recall(ig_report, a.corpus)
    rec_half = recall(ig_half_report, a.half_corpus)
    rec_fat = recall(ig_fat_report, a.fat_corpus) if a.fat_corpus else None
    targets = {
        "within_2x_of_floor": ratios["intguard_over_floor_wall"] is not None and ratios["intguard_over_floor_wall"] <= 2.0,
        "at_least_10x_faster_than_gitleaks": ratios["gitleaks_over_intguard_wall"] is not None and ratios["gitleaks_over_intguard_wall"] >= 10.0,
        "every_planted_problem_found": rec["found"] == rec["planted"],
        # Memory that does not grow with the corpus: doubling the corpus (twice the apps and
        # files) adds less than 10% to the peak, what run-to-run noise and the fixed costs
        # (threads, buffers sized by the corpus's largest files) allow. (Until stop 57 this
        # said 25%, which a peak growing 8 MB per 1,000 apps met.)
        "memory_flat": ratios["intguard_rss_full_over_half"] is not None and ratios["intguard_rss_full_over_half"] < 1.10,
        "both_cores_used": (ratios["intguard_cpu_per_wall"] or 0) >= 1.5,
    }
    all_samples = [s for v in samples.values() for s in v] + [s for v in slow.values() for s in v]
    results = {
        "started": started,
        "build": a.build,
        "machine": {
            "cores": NCPU,
            "uptime_before": uptime_before,
            "uptime_after": uptime_after,
            "max_others_cpu_share": max((s["others_cpu_share"] or 0) for s in all_samples),
            "note": "others_cpu_share: share of all cores used by other processes while a sample ran",
        },
        "corpus": {"path": a.corpus, "files": files, "bytes": size,
                   "half_path": a.half_corpus, "half_files": hfiles, "half_bytes": hsize,
                   "fat_path": a.fat_corpus, "fat_files": ffiles, "fat_bytes": fsize},
        "tools": tools,
        "ratios": ratios,
        "targets": targets,
        "recall": rec,
        "recall_half": {k: rec_half[k] for k in ("planted", "found", "recall", "per_rule")},
        "recall_fat": rec_fat and {k: rec_fat[k] for k in ("planted", "found", "recall", "per_rule")},
        "samples": all_samples,
    }
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    md = render_md(results)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(md)
    print(md)
    return 0


def fmt(v, unit=""):
    if v is None:
        return "-"
    return "%s%s" % (v, unit)


def render_md(r):
    t, ra, rec = r["tools"], r["ratios"], r["recall"]
    lines = []
    lines.append("## Benchmark results (%s, %s build)" % (r["started"], r.get("build", "release")))
    lines.append("")
    c = r["corpus"]
    fat = (", fat: %d files, %.1f MB in as many apps as the half" % (c["fat_files"], c["fat_bytes"] / 1e6)
           if c.get("fat_path") else "")
    lines.append("Corpus: %d files, %.1f MB (half: %d files, %.1f MB%s). Machine: %d cores; before: `%s`; after: `%s`; "
                 "other processes used up to %.0f%% of the cores during a sample."
                 % (c["files"], c["bytes"] / 1e6, c["half_files"], c["half_bytes"] / 1e6, fat, r["machine"]["cores"],
                    r["machine"]["uptime_before"], r["machine"]["uptime_after"],
                    100 * r["machine"]["max_others_cpu_share"]))
    lines.append("")
    lines.append("| tool | runs | best wall s | median wall s | CPU s (user+sys) | CPU/wall | peak RSS MB, median (range) | MB/s | others' CPU share |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in ("floor", "intguard", "gitleaks", "detect_secrets", "floor_half", "intguard_half",
                 "floor_fat", "intguard_fat"):
        s = t.get(name)
        if not s:
            continue
        label = name + (" (stopped at the time limit: lower bound)" if s.get("timed_out") else "")
        spread = s.get("max_rss_mb_range")
        rss = "%.1f" % s["max_rss_mb"] + (" (%.1f-%.1f)" % tuple(spread) if spread else "")
        lines.append("| %s | %d | %.2f | %.2f | %.2f | %.2f | %s | %.1f | %.0f%% |" % (
            label, s["runs"], s["wall_s"], s["median_wall_s"], s["cpu_s"], s["cpu_per_wall"] or 0,
            rss, s["throughput_mb_s"], 100 * (s["others_cpu_share"] or 0)))
    lines.append("")
    lines.append("| ratio | value | target |")
    lines.append("| --- | ---: | --- |")
    tg = r["targets"]
    lines.append("| intguard / floor (wall) | %s | <= 2 (%s) |" % (fmt(ra["intguard_over_floor_wall"]), "met" if tg["within_2x_of_floor"] else "NOT met"))
    lines.append("| intguard / floor (CPU) | %s | |" % fmt(ra["intguard_over_floor_cpu"]))
    if ra.get("intguard_over_floor_wall_fat") is not None:
        lines.append("| intguard / floor (wall), fat corpus: same bytes, half the apps and files | %s | |"
                     % fmt(ra["intguard_over_floor_wall_fat"]))
    lines.append("| gitleaks / intguard (wall) | %s | >= 10 (%s) |" % (fmt(ra["gitleaks_over_intguard_wall"]), "met" if tg["at_least_10x_faster_than_gitleaks"] else "NOT met"))
    lines.append("| detect-secrets / intguard (wall) | %s | |" % fmt(ra["detect_secrets_over_intguard_wall"]))
    lines.append("| intguard peak RSS, 2000 / 1000 apps (medians of the runs) | %s | < 1.10: not growing (%s) |" % (fmt(ra["intguard_rss_full_over_half"]), "met" if tg["memory_flat"] else "NOT met"))
    if ra.get("intguard_rss_full_over_half_fastest_runs") is not None:
        lines.append("| intguard peak RSS, 2000 / 1000 apps (the fastest run of each) | %s | |" % fmt(ra["intguard_rss_full_over_half_fastest_runs"]))
    lines.append("| intguard peak RSS added per MB of input added (half -> full) | %s | |" % fmt(ra.get("intguard_rss_growth_per_input_mb")))
    if ra.get("intguard_rss_fat_over_half") is not None:
        lines.append("| intguard peak RSS, same apps, twice the bytes (fat / half) | %s | |" % fmt(ra["intguard_rss_fat_over_half"]))
        lines.append("| intguard peak RSS, same bytes, twice the apps (full / fat) | %s | |" % fmt(ra["intguard_rss_full_over_fat"]))
    lines.append("| intguard CPU / wall | %s | >= 1.5 on 2 cores (%s) |" % (fmt(ra["intguard_cpu_per_wall"]), "met" if tg["both_cores_used"] else "NOT met"))
    lines.append("")
    lines.append("Recall: %d of %d planted problems found (%.1f%%); %d findings in all; "
                 "%d of %d planted suppressions still reported as findings."
                 % (rec["found"], rec["planted"], 100 * (rec["recall"] or 0), rec["findings"],
                    rec["suppressed_still_reported"], rec["suppressed_planted"]))
    for label, other in (("half", r.get("recall_half")), ("fat", r.get("recall_fat"))):
        if other:
            lines.append("Recall on the %s corpus: %d of %d." % (label, other["found"], other["planted"]))
    lines.append("")
    lines.append("| rule | planted | found | via related | missed | findings at no planted place |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    rules = sorted(set(rec["per_rule"]) | set(rec["findings_not_planted"]))
    for rule in rules:
        s = rec["per_rule"].get(rule, {"planted": 0, "found": 0, "via_related": 0, "missed": 0})
        lines.append("| %s | %d | %d | %d | %d | %d |" % (rule, s["planted"], s["found"], s["via_related"],
                                                   s["missed"], rec["findings_not_planted"].get(rule, 0)))
    if rec["miss_examples"]:
        lines.append("")
        lines.append("Missed (first few per rule):")
        for rule, ex in sorted(rec["miss_examples"].items()):
            lines.append("- %s: %s" % (rule, "; ".join(ex)))
    gl, ds = t.get("gitleaks"), t.get("detect_secrets")
    if gl or ds:
        lines.append("")
        lines.append("References' own findings (not comparable rule for rule): gitleaks %s, detect-secrets %s."
                     % (fmt(gl and gl.get("findings")), fmt(ds and ds.get("findings"))))
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
