"""How long the offline build takes, and how that compares with just starting the kernels.

Usage: python scripts/benchmark.py [--repeat N] [--jobs N]

Measures, in a temporary build folder on the committed data:
- baseline: the same number of papermill runs of an empty notebook (kernel start-up,
  imports of pandas/matplotlib/seaborn, papermill overhead) with the same parallelism;
- build: `exo-industry build` split into process, execute and export.
Prints the median of N repeats. The goal is a build that costs little more than the baseline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def empty_notebooks(folder: Path, stems: list[str]) -> None:
    import nbformat

    from exo_industry.config import KERNEL_NAME

    for stem in stems:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {
            "name": KERNEL_NAME,
            "display_name": "Python (exo-industry)",
            "language": "python",
        }
        p = nbformat.v4.new_code_cell('lang = "zh"')
        p.metadata["tags"] = ["parameters"]
        nb.cells = [
            p,
            nbformat.v4.new_code_cell(
                "import pandas, matplotlib.pyplot, seaborn\nfrom exo_industry import theme"
            ),
        ]
        nbformat.write(nb, str(folder / f"{stem}.ipynb"))


def timed(cmd: list[str], env: dict) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stderr[-2000:]}")
    return time.perf_counter() - t0, out.stdout


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=None)
    args = ap.parse_args()
    from exo_industry.execute import notebook_stems

    stems = notebook_stems()
    exe = [sys.executable, "-m", "exo_industry"]
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    base_runs, build_runs, phases = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = dict(
            os.environ,
            EXO_BUILD=str(tmp / "build"),
            EXO_FIGURES=str(tmp / "figures"),
            EXO_PROCESSED=str(tmp / "processed"),
            EXO_RAW=str(tmp / "raw"),
            CI="true",
        )
        shutil.copytree(ROOT / "data" / "processed", tmp / "processed")
        (tmp / "empty").mkdir()
        empty_notebooks(tmp / "empty", stems)
        base_env = dict(env, EXO_NOTEBOOKS=str(tmp / "empty"), EXO_BUILD=str(tmp / "empty-build"))
        for _ in range(args.repeat):
            base_runs.append(timed(exe + ["run"] + jobs, base_env)[0])
            seconds, out = timed(exe + ["build"] + jobs, env)
            build_runs.append(seconds)
            line = next((l for l in out.splitlines() if l.startswith("timings:")), "")
            phases.append(line)
    b, m = statistics.median(base_runs), statistics.median(build_runs)
    print(f"notebooks: {len(stems)} x 2 languages")
    print(f"baseline (empty notebooks, same runs): median {b:.1f} s  {['%.1f' % x for x in base_runs]}")
    print(f"exo-industry build:                   median {m:.1f} s  {['%.1f' % x for x in build_runs]}")
    print(f"overhead over kernel start-up: {m - b:+.1f} s ({m / b:.2f}x)")
    print("phases of the last build: " + phases[-1].removeprefix("timings: "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
