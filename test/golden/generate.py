#!/usr/bin/env python3
"""Regenerate every golden fixture from real Keras (both families).

    .venv/bin/python test/golden/generate.py [--only PATTERN ...] [--family F] [--jobs N]
    node tools/golden.mjs [same args]

Analysis fixtures: one subprocess per (file, family) executes an example/corpus file.
Runtime fixtures: cases from runtime_cases.py, run in chunks per family.
Writes test/golden/fixtures/{analysis,runtime}/... and fixtures/index.json.
Exit status 1 if a generation error happened or a behaviour check failed."""
import argparse
import concurrent.futures as cf
import fnmatch
import glob
import importlib.metadata as md
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import famenv  # noqa: E402
import jsonio  # noqa: E402
from runtime_cases import CASES  # noqa: E402

SOURCE_DIRS = ["examples", "test/golden/corpus"]
CHUNK = 6
SOLO_CASES = {"seed002_lambda_with_mask_fullshape"}   # big: its own process


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", action="append", default=[], metavar="PATTERN",
                   help="glob over file stems / case names (repeatable); other fixtures are kept")
    p.add_argument("--family", action="append", choices=famenv.FAMILIES, help="default: both")
    p.add_argument("--jobs", type=int, default=2, help="parallel worker processes (default 2)")
    p.add_argument("--skip-analysis", action="store_true")
    p.add_argument("--skip-runtime", action="store_true")
    p.add_argument("--keep-going", action="store_true", help="do not stop at the first failed check")
    p.add_argument("--analysis-timeout", type=int, default=300)
    p.add_argument("--runtime-timeout", type=int, default=900)
    p.add_argument("--out", default=os.path.join(HERE, "fixtures"), help="fixtures directory")
    return p.parse_args(argv)


def selected(name, patterns):
    return not patterns or any(fnmatch.fnmatch(name, p) or p in name for p in patterns)


def source_files():
    files = []
    for d in SOURCE_DIRS:
        files += sorted(os.path.relpath(f, ROOT) for f in glob.glob(os.path.join(ROOT, d, "*.py"))
                        if not os.path.basename(f).startswith("_"))   # _helpers are not examples
    stems = [os.path.splitext(os.path.basename(f))[0] for f in files]
    dup = {s for s in stems if stems.count(s) > 1}
    if dup:
        raise SystemExit(f"duplicate file stems (fixture names would clash): {sorted(dup)}")
    return files


def run_worker(args, family, timeout, logdir, tag):
    cmd = [sys.executable, os.path.join(HERE, "worker.py")] + args
    log = os.path.join(logdir, re.sub(r"[^A-Za-z0-9_.-]+", "_", tag) + ".log")
    t0 = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=famenv.process_env(family), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    CHILDREN.add(proc)
    try:
        out, err = proc.communicate(timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        err, code = f"timeout after {timeout}s\n{err}", "timeout"
    finally:
        CHILDREN.discard(proc)
    with open(log, "w", encoding="utf-8") as fh:
        fh.write(f"$ {' '.join(cmd)}\n# exit {code}, {time.time() - t0:.1f}s\n--- stdout\n{out}\n--- stderr\n{err}\n")
    results = [json.loads(l[len("@@RESULT "):]) for l in out.splitlines() if l.startswith("@@RESULT ")]
    failure = None if code == 0 else f"worker exit {code}; log: {log}; stderr tail: {err.strip()[-800:]}"
    return results, failure


CHILDREN = set()


def _terminate(signum, frame):
    for proc in list(CHILDREN):
        proc.kill()
    os._exit(128 + signum)


def versions():
    out = {"python": platform.python_version()}
    for dist in ("tensorflow", "keras", "tf_keras", "numpy"):
        try:
            out[dist] = md.version(dist)
        except md.PackageNotFoundError:
            out[dist] = None
    return out


def clean(out, patterns, families, do_analysis, do_runtime):
    kinds = (["analysis"] if do_analysis else []) + (["runtime"] if do_runtime else [])
    for kind in kinds:
        for f in glob.glob(os.path.join(out, kind, "*.json")):
            stem, family = os.path.basename(f)[:-5].rsplit(".", 1)
            if family in families and selected(stem, patterns):
                os.remove(f)


def gc_data(out):
    data_dir = os.path.join(out, "runtime", "data")
    used = set()
    for f in glob.glob(os.path.join(out, "runtime", "*.json")):
        used.update(re.findall(r'"npy": "data/([0-9a-f]+\.npy)"', open(f, encoding="utf-8").read()))
    for f in glob.glob(os.path.join(data_dir, "*")):
        if os.path.basename(f) not in used:
            os.remove(f)


def main(argv):
    a = parse_args(argv)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _terminate)
    families = a.family or list(famenv.FAMILIES)
    out = os.path.abspath(a.out)
    t_start = time.time()
    logdir = tempfile.mkdtemp(prefix="masklens-golden-")
    files = [f for f in source_files() if selected(os.path.splitext(os.path.basename(f))[0], a.only)]
    cases = [c.name for c in CASES if selected(c.name, a.only)]
    clean(out, a.only, families, not a.skip_analysis, not a.skip_runtime)

    tasks = []   # (kind, family, worker args, timeout, tag, expected items)
    if not a.skip_runtime:
        for fam in families:
            big = [c for c in cases if c in SOLO_CASES]
            small = [c for c in cases if c not in SOLO_CASES]
            chunks = [[c] for c in big] + [small[i:i + CHUNK] for i in range(0, len(small), CHUNK)]
            for ch in chunks:
                tasks.append(("runtime", fam, ["runtime", fam, out] + ch, a.runtime_timeout, f"runtime-{fam}-{ch[0]}", ch))
    if not a.skip_analysis:
        for f in files:
            for fam in families:
                tasks.append(("analysis", fam, ["analysis", fam, f, out], a.analysis_timeout, f"analysis-{fam}-{f}", [f]))

    analysis, runtime, failed_checks, gen_errors = [], [], [], []
    print(f"golden: {len(files)} files x {len(families)} families, {len(cases)} runtime cases; "
          f"{len(tasks)} worker processes, {a.jobs} at a time; logs in {logdir}", flush=True)
    stop = False
    with cf.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futs = {pool.submit(run_worker, args, fam, tmo, logdir, tag): (kind, fam, items)
                for kind, fam, args, tmo, tag, items in tasks}
        for fut in cf.as_completed(futs):
            kind, fam, items = futs[fut]
            results, failure = fut.result()
            got = {r.get("case") or r.get("file") for r in results}
            for r in results:
                r.pop("kind", None)
                (runtime if kind == "runtime" else analysis).append(r)
                for c in r.get("checks", []):
                    if not c["passed"]:
                        failed_checks.append({"case": r["case"], "family": fam, **c})
                if r.get("error") and kind == "runtime":
                    gen_errors.append(f"runtime {r['case']} [{fam}]: {r['error'][:300]}")
                status = r.get("error") or r.get("skipped") or "ok"
                print(f"  {kind:8} {fam:9} {r.get('case') or r.get('file')}: {status[:160]}", flush=True)
            for item in items:
                if item not in got:
                    rec = {"family": fam, "generationError": failure or "worker produced no result",
                           ("case" if kind == "runtime" else "file"): item, "fixture": None}
                    (runtime if kind == "runtime" else analysis).append(rec)
                    gen_errors.append(f"{kind} {item} [{fam}]: {rec['generationError'][:300]}")
                    print(f"  {kind:8} {fam:9} {item}: GENERATION ERROR", flush=True)
            if failed_checks and not a.keep_going and not stop:
                stop = True
                print("golden: a Keras behaviour check failed -- stopping (use --keep-going to continue)", flush=True)
                for f in futs:
                    f.cancel()

    gc_data(out)
    # A partial run (--only, --skip-analysis, --skip-runtime) keeps the index rows it did not regenerate.
    index = write_index(out, a.only or a.skip_analysis or a.skip_runtime, families, analysis, runtime)
    elapsed = time.time() - t_start
    per_family = {f: sum(1 for r in index["analysis"] + index["runtime"] if r["family"] == f and r.get("fixture"))
                  for f in famenv.FAMILIES}
    print(f"golden: done in {elapsed:.0f}s; fixtures per family: {per_family}")
    for e in gen_errors:
        print("GENERATION ERROR:", e)
    for c in failed_checks:
        print(f"CHECK FAILED: {c['case']} [{c['family']}] {c['name']}: {c['detail']}")
    return 1 if gen_errors or failed_checks or stop else 0


def write_index(out, partial, families, analysis, runtime):
    path = os.path.join(out, "index.json")
    old = json.load(open(path, encoding="utf-8")) if partial and os.path.exists(path) else {}

    def merge(old_rows, new_rows, key):
        new_keys = {(r[key], r["family"]) for r in new_rows}
        rows = [r for r in old_rows if (r[key], r["family"]) not in new_keys] + new_rows
        return sorted(rows, key=lambda r: (r[key], famenv.FAMILIES.index(r["family"])))

    analysis = merge(old.get("analysis", []), analysis, "file")
    runtime = merge(old.get("runtime", []), runtime, "case")
    checks = [{"case": r["case"], "family": r["family"], **c} for r in runtime for c in r.get("checks", [])]
    index = {
        "generatedWith": versions(),
        "command": ".venv/bin/python test/golden/generate.py   (or: node tools/golden.mjs)",
        "families": list(famenv.FAMILIES),
        "analysis": analysis,
        "runtime": runtime,
        "assertions": checks,
        "summary": {
            f: {"analysisFixtures": sum(1 for r in analysis if r["family"] == f and r.get("fixture")),
                "analysisFilesRaising": sorted(r["file"] for r in analysis if r["family"] == f and r.get("error")),
                "runtimeFixtures": sum(1 for r in runtime if r["family"] == f and r.get("fixture")),
                "runtimeSkipped": sorted(r["case"] for r in runtime if r["family"] == f and r.get("skipped")),
                "generationErrors": sum(1 for r in analysis + runtime if r["family"] == f
                                        and (r.get("generationError") or (r.get("error") and "case" in r))),
                "assertionsPassed": sum(1 for c in checks if c["family"] == f and c["passed"]),
                "assertionsFailed": sum(1 for c in checks if c["family"] == f and not c["passed"])}
            for f in famenv.FAMILIES},
    }
    jsonio.write(path, index)
    return index


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
