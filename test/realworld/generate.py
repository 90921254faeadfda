#!/usr/bin/env python3
"""Regenerate the real-world corpus goldens from real Keras (both families).

    .venv/bin/python test/realworld/generate.py [--only PATTERN ...] [--family F] [--jobs N]
    npm run golden:realworld -- [same args]

For every `sources/<stem>.py` there must be a `runnable/<stem>.py` that keeps its code
(runnable_check.py).  One subprocess per (file, family) runs the copy (worker.py) and writes
`goldens/<stem>.<family>.json`; the data files evaluate needs go to `data/<stem>/`, large
weights to `goldens/data/`.  Output is deterministic.  Exit status 1 if a runnable copy
changes its corpus file's code or a worker failed."""
import argparse
import concurrent.futures as cf
import glob
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test", "golden"))
sys.path.insert(0, HERE)

import famenv  # noqa: E402
from corpus import source_path, stems  # noqa: E402
from runnable_check import check  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", action="append", default=[], metavar="PATTERN", help="glob or substring over file stems (repeatable)")
    p.add_argument("--family", action="append", choices=famenv.FAMILIES, help="default: both")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--timeout", type=int, default=600, help="seconds per file and family")
    return p.parse_args(argv)


SITE = os.path.join(ROOT, ".cache", "realworld-site")
REQUIREMENTS = os.path.join(HERE, "requirements-corpus.txt")


def corpus_site():
    """The folder holding the corpus' extra libraries, installed on first use."""
    stamp = os.path.join(SITE, "requirements-corpus.txt")
    wanted = open(REQUIREMENTS, encoding="utf-8").read()
    if not os.path.exists(stamp) or open(stamp, encoding="utf-8").read() != wanted:
        print(f"installing the corpus' libraries into {os.path.relpath(SITE, ROOT)}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--upgrade", "--target", SITE,
                        "-r", REQUIREMENTS], check=True)
        with open(stamp, "w", encoding="utf-8") as fh:
            fh.write(wanted)
    return SITE


def run(stem, family, timeout, logdir):
    cmd = [sys.executable, os.path.join(HERE, "worker.py"), family, stem]
    t0 = time.time()
    env = famenv.process_env(family)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SITE, env.get("PYTHONPATH")) if p)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
    log = os.path.join(logdir, f"{stem}.{family}.log")
    with open(log, "w", encoding="utf-8") as fh:
        fh.write(f"$ {' '.join(cmd)}\n# exit {code}, {time.time() - t0:.1f}s\n--- stdout\n{out}\n--- stderr\n{err}\n")
    results = [json.loads(line[len("@@RESULT "):]) for line in out.splitlines() if line.startswith("@@RESULT ")]
    if code != 0 or not results:
        return None, f"worker exit {code}; log {log}; {err.strip()[-600:]}"
    return results[0], None


CHILDREN = set()


def _terminate(signum, _frame):
    for proc in list(CHILDREN):
        proc.kill()
    os._exit(128 + signum)


def clean(selected, families):
    for stem in selected:
        for family in families:
            path = os.path.join(HERE, "goldens", f"{stem}.{family}.json")
            if os.path.exists(path):
                os.remove(path)
        for f in glob.glob(os.path.join(HERE, "data", stem, "*.npy")):
            os.remove(f)


def gc_weights():
    """Drop side files no golden refers to any more."""
    used = set()
    for f in glob.glob(os.path.join(HERE, "goldens", "*.json")):
        used.update(re.findall(r'"npy": "data/([0-9a-f]+\.npy)"', open(f, encoding="utf-8").read()))
    for f in glob.glob(os.path.join(HERE, "goldens", "data", "*.npy")):
        if os.path.basename(f) not in used:
            os.remove(f)


def main(argv):
    a = parse_args(argv)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _terminate)
    families = a.family or list(famenv.FAMILIES)
    selected = stems(a.only)
    problems = []
    for stem in selected:
        runnable = os.path.join(HERE, "runnable", f"{stem}.py")
        if not os.path.exists(runnable):
            problems.append(f"{stem}: no runnable copy at test/realworld/runnable/{stem}.py")
            continue
        problem = check(open(source_path(stem), encoding="utf-8").read(),
                        open(runnable, encoding="utf-8").read())
        if problem:
            problems.append(f"{stem}: runnable copy changes the corpus file's code: {problem}")
    if problems:
        print("\n".join(problems))
        return 1
    corpus_site()
    clean(selected, families)
    logdir = tempfile.mkdtemp(prefix="masklens-realworld-")
    print(f"realworld goldens: {len(selected)} files x {len(families)} families, {a.jobs} at a time; logs in {logdir}", flush=True)
    failures = []
    # keras3 first: it writes the data files, the tf-keras2 run must produce the same bytes.
    for family in families:
        with cf.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            futures = {pool.submit(run, stem, family, a.timeout, logdir): stem for stem in selected}
            for fut in cf.as_completed(futures):
                stem = futures[fut]
                result, failure = fut.result()
                if failure:
                    failures.append(f"{stem} [{family}]: {failure}")
                    print(f"  {family:9} {stem}: GENERATION ERROR", flush=True)
                    continue
                status = (result["error"] or "ok")[:120]
                print(f"  {family:9} {stem}: {len(result['models'])} models, {len(result['evaluated'])} evaluated; {status}", flush=True)
    gc_weights()
    for f in failures:
        print("GENERATION ERROR:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
