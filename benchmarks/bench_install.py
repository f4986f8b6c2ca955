"""What ``pip install whyrec`` (no extras) costs on disk, and whether ``whyrec demo`` then works.

A fresh virtual environment in a temporary folder, ``pip install <repo>`` (from the package
index pip is set up for; a warm pip cache makes it quick), then:

* the size of site-packages (``du``) and of every installed distribution (its RECORD files);
* for each of whyrec's own requirements, what dropping it would save: the distributions only it
  pulls in (for presidio-analyzer that is spaCy and its stack);
* ``whyrec demo --json`` run in the new environment: exit status, seconds, who worded the
  explanations, the stderr lines, and which big distributions the default path imports;
* with ``../shared/data/ml-latest-small``: reading a 1M-row CSV as text with pandas' C parser
  and with pyarrow's (why pyarrow stays in the core).

Prints one JSON object; ``--label NAME --save`` merges it into ``benchmarks/results/install.json``
under that name (``before`` / ``after`` a change to the dependencies).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "install.json"
MOVIELENS_RATINGS = REPO.parent / "shared" / "data" / "ml-latest-small" / "ratings.csv"
#: what every new venv has before whyrec comes
VENV_BASE = frozenset({"pip", "setuptools", "wheel"})

#: run inside the new environment: per distribution its size, its requirements (no extras),
#: and which distribution each importable top-level name belongs to
PROBE = r"""
import json, os, re, sys
from importlib.metadata import distributions, packages_distributions
def key(name): return re.sub(r"[-_.]+", "-", name).lower()
out = {}
for dist in distributions():
    size = 0
    for file in dist.files or []:
        try:
            size += os.path.getsize(dist.locate_file(file))
        except OSError:
            pass
    requires = [key(re.split(r"[\s;<>=!\[~(]", r, maxsplit=1)[0]) for r in dist.requires or []
                if "extra ==" not in r]
    out[key(dist.metadata["Name"])] = {"version": dist.version, "bytes": size,
                                       "requires": requires}
tops = {top: [key(d) for d in names] for top, names in packages_distributions().items()}
json.dump({"dists": out, "tops": tops}, sys.stdout)
"""

#: run inside the new environment: ``whyrec demo`` in-process, then the modules it imported
DEMO = r"""
import io, json, sys, contextlib
from whyrec.cli.main import main
buffer = io.StringIO()
with contextlib.redirect_stdout(buffer):
    code = main(["demo", "--json"])
json.dump({"code": code, "stdout": buffer.getvalue(),
           "modules": sorted({m.split(".")[0] for m in sys.modules})}, sys.__stdout__)
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def exclusive(dists: dict[str, Any], root: str, keep: list[str]) -> set[str]:
    """Distributions pulled in by ``root`` and by none of ``keep`` (what dropping it frees)."""

    def closure(starts: list[str], skip: str | None = None) -> set[str]:
        seen: set[str] = set()
        stack = list(starts)
        while stack:
            name = stack.pop()
            if name in seen or name == skip or name not in dists:
                continue
            seen.add(name)
            stack += dists[name]["requires"]
        return seen

    return closure([root]) - closure([k for k in keep if k != root], skip=root)


def megabytes(n: float) -> float:
    return round(n / 1e6, 1)


def measure(repo: Path, extras: str, top: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="whyrec-install-") as tmp:
        venv = Path(tmp) / "venv"
        python = venv / "bin" / "python"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        target = f"{repo}[{extras}]" if extras else str(repo)
        log(f"pip install {target} into a fresh venv …")
        started = time.perf_counter()
        pip = subprocess.run([str(python), "-m", "pip", "install", "-q", target],
                             capture_output=True, text=True, check=False)
        if pip.returncode != 0:
            sys.exit(f"pip install failed:\n{pip.stderr[-2000:]}")
        install_s = time.perf_counter() - started
        site = Path(subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True).stdout.strip())
        du = subprocess.run(["du", "-sm", str(site)], check=True, capture_output=True,
                            text=True).stdout.split()[0]
        probe = json.loads(subprocess.run([str(python), "-c", PROBE], check=True,
                                          capture_output=True, text=True).stdout)
        dists: dict[str, Any] = probe["dists"]
        # pip and setuptools come with every venv: not whyrec's cost
        own = {k: v for k, v in dists.items() if k not in VENV_BASE}
        ranked = sorted(own.items(), key=lambda kv: -kv[1]["bytes"])
        direct = dists["whyrec"]["requires"]
        savings = {name: {"mb": megabytes(sum(own[d]["bytes"] for d in freed)),
                          "frees": sorted(freed)}
                   for name in direct
                   if (freed := exclusive(dists, name, direct) - VENV_BASE)}

        log("whyrec demo --json in it …")
        env = {**os.environ, "WHYREC_HOME": str(Path(tmp) / "home")}
        env.pop("WHYREC_DB_URL", None)
        started = time.perf_counter()
        run = subprocess.run([str(python), "-c", DEMO], env=env, capture_output=True,
                             text=True, check=False, cwd=tmp)
        demo_s = time.perf_counter() - started
        demo: dict[str, Any] = {"exit_status": run.returncode, "seconds": round(demo_s, 2),
                                "stderr_lines": [line for line in run.stderr.splitlines()
                                                 if line.strip()][-5:]}
        if run.returncode == 0:
            report = json.loads(run.stdout)
            demo["exit_status"] = report["code"]
            if report["code"] == 0:
                shown = json.loads(report["stdout"])
                texts = [i["explanation"]["text"] for u in shown["users"] for i in u["items"]]
                demo.update(backend=shown["backend"], explanations=len(texts),
                            all_have_text=all(texts), example=texts[0] if texts else None)
            big = {d for d, v in own.items() if v["bytes"] >= 10e6}
            demo["big_distributions_imported"] = sorted(
                {d for m in report["modules"] for d in probe["tops"].get(m, []) if d in big})
        return {
            "extras": extras or None, "python": sys.version.split()[0],
            "install_seconds": round(install_s, 1),
            "site_packages_mb_du": int(du),
            "distributions": len(own),
            "distributions_mb": megabytes(sum(v["bytes"] for v in own.values())),
            "largest_mb": {k: megabytes(v["bytes"]) for k, v in ranked[:top]},
            "dropping_a_requirement_frees": dict(
                sorted(savings.items(), key=lambda kv: -kv[1]["mb"])),
            "demo": demo,
        }


def csv_text_read(rows_of: Path, copies: int = 10, repeats: int = 3) -> dict[str, Any]:
    """Seconds to read a CSV as text (whyrec reads ids as text) with pandas' own C parser and
    with pyarrow's: what keeping pyarrow in the core buys."""
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "ratings.csv"
        pd.concat([pd.read_csv(rows_of)] * copies).to_csv(big, index=False)
        seconds: dict[str, Any] = {"rows": sum(1 for _ in big.open()) - 1}
        for engine in ("c", "pyarrow"):
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                pd.read_csv(big, engine=engine, dtype=str, keep_default_na=False,
                            na_values=[""])
                times.append(time.perf_counter() - started)
            seconds[f"{engine}_s"] = round(min(times), 3)
        seconds["speedup"] = round(seconds["c_s"] / seconds["pyarrow_s"], 1)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=REPO, help="what to pip install")
    parser.add_argument("--extras", default="", help="e.g. llm,serve (default: none)")
    parser.add_argument("--top", type=int, default=20, help="largest distributions listed")
    parser.add_argument("--label", default=None, help="name of this run in the results file")
    parser.add_argument("--save", action="store_true", help=f"merge into {RESULTS}")
    args = parser.parse_args()
    result = measure(args.repo.resolve(), args.extras, args.top)
    if MOVIELENS_RATINGS.is_file():
        result["csv_as_text_c_vs_pyarrow"] = csv_text_read(MOVIELENS_RATINGS)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.save:
        merged = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        merged[args.label or ("core" if not args.extras else args.extras)] = result
        RESULTS.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
        log(f"saved to {RESULTS}")


if __name__ == "__main__":
    main()
