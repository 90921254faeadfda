#!/usr/bin/env python3
"""The version sweep: the golden files and loss cases under many Keras releases.

    .venv/bin/python test/golden/sweep.py [--only VERSION ...] [--family F] [--jobs N]
    npm run golden:sweep [-- same args]

Every release in RELEASES is installed with `pip install --no-deps --target` into
.cache/keras-sweep/<dist>-<version> (plus any requirement the .venv lacks, e.g. dm-tree
for Keras 3.0), over the .venv's pinned TensorFlow, and run in a process of its own with
that directory first on PYTHONPATH (sweep_worker.py).  Writes one compact fixture per
release, test/golden/fixtures/sweep/<family>-<version>.json, and index.json there.  A
release that does not import on this TensorFlow is recorded with the reason, not skipped
silently.  Exit status 1 if a worker failed for any other reason."""
import argparse
import concurrent.futures as cf
import importlib.metadata as md
import json
import os
import re
import shutil
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
from generate import source_files  # noqa: E402

# The last patch of every minor release, and the first release of a minor where a
# behaviour changed (so a row's `from` names the first release that has it).
RELEASES = {
    "keras3": ["3.0.0", "3.0.5", "3.1.1", "3.2.1", "3.3.3", "3.4.0", "3.4.1", "3.5.0", "3.6.0", "3.7.0", "3.8.0",
               "3.9.2", "3.10.0", "3.11.3", "3.12.4", "3.13.2", "3.14.1", "3.15.1"],
    "tf-keras2": ["2.15.1", "2.16.0", "2.17.0", "2.18.0", "2.19.0", "2.20.1", "2.21.0"],
}
DIST = {"keras3": "keras", "tf-keras2": "tf-keras"}
CACHE = os.path.join(ROOT, ".cache", "keras-sweep")
OUT = os.path.join(HERE, "fixtures", "sweep")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", action="append", default=[], metavar="VERSION", help="releases to regenerate (repeatable); others are kept")
    p.add_argument("--family", action="append", choices=famenv.FAMILIES, help="default: both")
    p.add_argument("--jobs", type=int, default=2, help="parallel worker processes (default 2)")
    p.add_argument("--timeout", type=int, default=1800, help="seconds per release")
    return p.parse_args(argv)


def _requirement_names(target):
    """The unconditional requirements a release declares (Requires-Dist without markers)."""
    names = []
    for meta in [os.path.join(target, d, "METADATA") for d in os.listdir(target) if d.endswith(".dist-info")]:
        with open(meta, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("Requires-Dist:") and ";" not in line:
                    names.append(re.split(r"[\s<>=!~\[(]", line.split(":", 1)[1].strip())[0])
    return names


def _installed(name):
    try:
        md.version(name)
        return True
    except md.PackageNotFoundError:
        return False


def install(family, version, log):
    """The release's directory under .cache/keras-sweep, installed once."""
    target = os.path.join(CACHE, f"{DIST[family]}-{version}")
    if os.path.exists(os.path.join(target, ".complete")):
        return target
    tmp = tempfile.mkdtemp(prefix=f".{DIST[family]}-{version}-", dir=CACHE)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--target", tmp]
    subprocess.run(pip + [f"{DIST[family]}=={version}"], check=True, stdout=log, stderr=log)
    missing = [n for n in _requirement_names(tmp) if not _installed(n)]
    if missing:
        subprocess.run(pip + missing, check=True, stdout=log, stderr=log)
    with open(os.path.join(tmp, ".complete"), "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"release": f"{DIST[family]}=={version}", "addedRequirements": missing}) + "\n")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    return target


CHILDREN = set()


def _terminate(signum, frame):
    for proc in list(CHILDREN):
        proc.kill()
    os._exit(128 + signum)


def run_release(family, version, files, timeout, logdir):
    log_path = os.path.join(logdir, f"{family}-{version}.log")
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            target = install(family, version, log)
        except subprocess.CalledProcessError as exc:
            return {"family": family, "version": version, "generationError": f"pip failed ({exc.returncode}); log: {log_path}"}
        with open(os.path.join(target, ".complete"), encoding="utf-8") as fh:
            added = json.load(fh)["addedRequirements"]
        env = famenv.process_env(family)
        env["PYTHONPATH"] = target
        env["MASKLENS_SWEEP_DIR"] = target
        out = os.path.join(OUT, f"{family}-{version}.json")
        cmd = [sys.executable, os.path.join(HERE, "sweep_worker.py"), family, version, out, *files]
        t0 = time.time()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        CHILDREN.add(proc)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
            code = "timeout"
        finally:
            CHILDREN.discard(proc)
        log.write(f"$ {' '.join(cmd[:5])} <{len(files)} files>\n# exit {code}, {time.time() - t0:.0f}s\n--- stdout\n{stdout}\n--- stderr\n{stderr}\n")
    results = [json.loads(l[len("@@RESULT "):]) for l in stdout.splitlines() if l.startswith("@@RESULT ")]
    row = {"family": family, "version": version, "addedRequirements": added, "seconds": round(time.time() - t0)}
    if code == 0 and results and "cannotRun" in results[0]:
        row.update(fixture=None, cannotRun=results[0]["cannotRun"])
    elif code == 0 and results:
        row.update(fixture=os.path.basename(out), tensorflow=results[0]["tensorflow"], fileErrors=results[0]["fileErrors"])
    else:
        row.update(fixture=None, generationError=f"worker exit {code}; log: {log_path}; {stderr.strip()[-400:]}")
    return row


def row_from_fixture(family, version):
    """The index row of a release whose fixture is on disk (so an interrupted sweep loses no release it finished)."""
    name = f"{family}-{version}.json"
    with open(os.path.join(OUT, name), encoding="utf-8") as fh:
        fixture = json.load(fh)
    complete = os.path.join(CACHE, f"{DIST[family]}-{version}", ".complete")
    added = json.load(open(complete, encoding="utf-8"))["addedRequirements"] if os.path.exists(complete) else []
    return {"family": family, "version": version, "addedRequirements": added, "fixture": name,
            "tensorflow": fixture["tensorflow"], "fileErrors": sum(1 for f in fixture["files"].values() if f["error"])}


def write_index(rows, kept):
    """index.json: every release with a fixture on disk, and every release that could not run, with why."""
    by_release = {(r["family"], r["version"]): r for r in kept + rows}
    for family, versions in RELEASES.items():
        for version in versions:
            if os.path.exists(os.path.join(OUT, f"{family}-{version}.json")):
                by_release[(family, version)] = row_from_fixture(family, version)
    index = {
        "command": ".venv/bin/python test/golden/sweep.py   (or: npm run golden:sweep)",
        "tensorflow": md.version("tensorflow"),
        "python": sys.version.split()[0],
        "releases": sorted(by_release.values(), key=lambda r: (famenv.FAMILIES.index(r["family"]), [int(p) for p in r["version"].split(".")])),
    }
    for r in index["releases"]:
        r.pop("seconds", None)   # timings vary run to run; the index stays byte-identical
    jsonio.write(os.path.join(OUT, "index.json"), index)


def main(argv):
    a = parse_args(argv)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _terminate)
    families = a.family or list(famenv.FAMILIES)
    chosen = [(f, v) for f in families for v in RELEASES[f] if not a.only or v in a.only]
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(CACHE, exist_ok=True)
    index_path = os.path.join(OUT, "index.json")
    old = json.load(open(index_path, encoding="utf-8"))["releases"] if os.path.exists(index_path) else []
    known = {(f, v) for f in RELEASES for v in RELEASES[f]}
    kept = [r for r in old if (r["family"], r["version"]) in known and (r["family"], r["version"]) not in chosen]
    for f, v in chosen:
        path = os.path.join(OUT, f"{f}-{v}.json")
        if os.path.exists(path):
            os.remove(path)
    files = source_files()
    logdir = tempfile.mkdtemp(prefix="masklens-sweep-")
    print(f"sweep: {len(chosen)} releases x {len(files)} files, {a.jobs} at a time; logs in {logdir}", flush=True)
    t0 = time.time()
    rows = []
    with cf.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futs = [pool.submit(run_release, f, v, files, a.timeout, logdir) for f, v in chosen]
        for fut in cf.as_completed(futs):
            row = fut.result()
            rows.append(row)
            write_index(rows, kept)
            status = row.get("generationError") or (f"cannot run: {row['cannotRun']}" if row.get("cannotRun") else f"ok, {row['fileErrors']} files raise")
            print(f"  {row['family']:9} {row['version']:7} {row.get('seconds', 0):4}s  {status[:200]}", flush=True)
    write_index(rows, kept)
    errors = [r for r in rows if r.get("generationError")]
    print(f"sweep: done in {time.time() - t0:.0f}s; {sum(1 for r in rows if r.get('fixture'))} fixtures, "
          f"{sum(1 for r in rows if r.get('cannotRun'))} releases cannot run, {len(errors)} generation errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
