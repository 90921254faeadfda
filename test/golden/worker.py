"""Worker process for generate.py: one Keras family per process.

    worker.py analysis <family> <repo-relative file> <fixtures dir>
    worker.py runtime  <family> <fixtures dir> <case> [<case> ...]

Prints one JSON line per produced item on stdout, prefixed by ``@@RESULT ``."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def emit(obj):
    sys.__stdout__.write("@@RESULT " + json.dumps(obj, sort_keys=True) + "\n")
    sys.__stdout__.flush()


def main(argv):
    mode, family = argv[0], argv[1]
    import famenv

    fam = famenv.activate(family)
    import jsonio

    if mode == "analysis":
        import analysis_worker

        rel, outdir = argv[2], argv[3]
        fixture = analysis_worker.run(fam, rel, ROOT)
        stem = os.path.splitext(os.path.basename(rel))[0]
        out = os.path.join(outdir, "analysis", f"{stem}.{family}.json")
        jsonio.write(out, fixture)
        emit({"kind": "analysis", "file": rel, "family": family, "fixture": "analysis/" + os.path.basename(out),
              "error": fixture["error"], "models": [m["name"] for m in fixture["models"]],
              "probeErrors": {m["name"]: m["probeError"] for m in fixture["models"] if m["probeError"]}})
    elif mode == "runtime":
        import runtime_worker

        outdir, names = argv[2], argv[3:]
        for name in names:
            emit(runtime_worker.run_case(fam, name, outdir, ROOT))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
