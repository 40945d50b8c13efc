"""One table: set-up, full build against the kernel floor, no-op build, one-table-changed build, memory.

Usage: python scripts/benchmark.py [--jobs N] [--skip-setup] [--table NAME]

Everything runs once (the numbers are single measurements, not medians: on a shared machine
say so when you quote them), in a temporary folder on the committed data:

- set-up: ``make env`` into a fresh virtual environment, once with uv and once with pip
  (each with whatever package cache the machine already has, i.e. warm after the first
  ``make env``);
- floor: the same number of papermill runs, with the same parallelism, of notebooks that
  only import what the real ones import (kernel start-up, pandas, matplotlib, seaborn);
  and of notebooks with nothing but their parameters cell (the issue's "empty notebooks":
  kernel start-up alone). Both floors start a kernel for every run (``--fresh-kernels``),
  as papermill alone does; the build keeps one kernel per worker;
- full build: ``exo-industry build --force`` on an empty build folder;
- no-op build: ``exo-industry build`` again with nothing changed;
- one table changed: one processed table gets a different checksum (a blank line appended,
  which pandas skips), then ``exo-industry build``; its share is the full build's time
  times the fraction of runs that read that table;
- peak RSS: the largest sum of resident memory over the build's whole process tree
  (CLI, workers, kernels), sampled every 50 ms during the full build.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TABLE = "trials_by_area"  # read by one notebook (two runs: zh and en)


def empty_notebooks(folder: Path, stems: list[str], imports: bool = True) -> None:
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
        nb.cells = [p]
        if imports:
            code = "import pandas, matplotlib.pyplot, seaborn\nfrom exo_industry import theme"
            nb.cells.append(nbformat.v4.new_code_cell(code))
        nbformat.write(nb, str(folder / f"{stem}.ipynb"))


class PeakRSS:
    """Largest summed RSS of a process and its descendants, sampled in a thread. Pages that
    forked processes share (the fork server's imports, in its workers and kernels) count
    once in each, so this is an upper bound of the memory in use."""

    def __init__(self, pid: int):
        import psutil

        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
            except psutil.Error:
                break
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def timed(cmd: list[str], env: dict, measure_rss: bool = False, cwd: Path = ROOT) -> tuple[float, str, int]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rss = PeakRSS(proc.pid) if measure_rss else None
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    peak = rss.stop() if rss else 0
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err[-2000:]}")
    return seconds, out, peak


def setup_seconds(tmp: Path, installer: str) -> str:
    """Time ``make env`` into a fresh venv with the given installer ('uv' or 'pip')."""
    venv = tmp / f"venv-{installer}"
    env = dict(os.environ, INSTALLER=installer)
    env.pop("VIRTUAL_ENV", None)
    cmd = ["make", "--no-print-directory", "env", f"VENV={venv}", f"INSTALLER={installer}"]
    if installer == "uv" and not shutil.which("uv"):
        return "n/a (uv not on PATH)"
    seconds, _, _ = timed(cmd, env)
    shutil.rmtree(venv, ignore_errors=True)
    return f"{seconds:.1f} s"


def supports(exe: list[str], command: str, option: str, env: dict) -> bool:
    out = subprocess.run(exe + [command, "--help"], env=env, capture_output=True, text=True, cwd=ROOT)
    return option in out.stdout


def runs_reading(table: str, out: str) -> int | None:
    """How many runs the build said it re-executed (lines ``<stem> [<lang>] ran``)."""
    n = sum(1 for line in out.splitlines() if "] ok " in line or "] ran " in line)
    return n or None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--skip-setup", action="store_true", help="do not time `make env` (saves minutes)")
    ap.add_argument("--table", default=DEFAULT_TABLE, help="processed table to change")
    args = ap.parse_args()
    from exo_industry.execute import notebook_stems

    stems = notebook_stems()
    total_runs = len(stems) * 2
    exe = [sys.executable, "-m", "exo_industry"]
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.skip_setup:
            for installer in ("uv", "pip"):
                rows.append(
                    (
                        f"set-up, fresh venv, warm cache ({installer})",
                        setup_seconds(tmp, installer),
                        "<= 20 s",
                    )
                )
        env = dict(
            os.environ,
            EXO_BUILD=str(tmp / "build"),
            EXO_FIGURES=str(tmp / "figures"),
            EXO_PROCESSED=str(tmp / "processed"),
            EXO_RAW=str(tmp / "raw"),
            CI="true",
        )
        shutil.copytree(ROOT / "data" / "processed", tmp / "processed")
        shutil.copytree(ROOT / "figures", tmp / "figures")
        (tmp / "empty").mkdir()
        empty_notebooks(tmp / "empty", stems)
        (tmp / "bare").mkdir()
        empty_notebooks(tmp / "bare", stems, imports=False)
        force = ["--force"] if supports(exe, "build", "--force", env) else []
        # a kernel per run, for older versions too (they had no kept kernels)
        fresh = force + (["--fresh-kernels"] if supports(exe, "run", "--fresh-kernels", env) else [])
        base_env = dict(env, EXO_NOTEBOOKS=str(tmp / "empty"), EXO_BUILD=str(tmp / "empty-build"))
        floor, _, _ = timed(exe + ["run"] + jobs + fresh, base_env)
        bare_env = dict(env, EXO_NOTEBOOKS=str(tmp / "bare"), EXO_BUILD=str(tmp / "bare-build"))
        bare, _, _ = timed(exe + ["run"] + jobs + fresh, bare_env)
        full, out, peak = timed(exe + ["build"] + jobs + force, env, measure_rss=True)
        noop, _, _ = timed(exe + ["build"] + jobs, env)
        with open(tmp / "processed" / f"{args.table}.csv", "a", encoding="utf-8") as fh:
            fh.write("\n")
        one, out_one, _ = timed(exe + ["build"] + jobs, env)
        rerun = runs_reading(args.table, out_one) or total_runs
        share = full * rerun / total_runs
        rows += [
            (f"kernel floor ({total_runs} runs of import-only notebooks)", f"{floor:.1f} s", ""),
            ("full build (build --force)" if force else "full build", f"{full:.1f} s", ""),
            ("full build / floor", f"{full / floor:.2f}x", "<= 1.3x"),
            (f"kernel floor without imports ({total_runs} runs of empty notebooks)", f"{bare:.1f} s", ""),
            ("full build / floor without imports", f"{full / bare:.2f}x", ""),
            ("no-op build", f"{noop:.1f} s ({100 * noop / full:.0f}% of full)", "<= 15% of full"),
            (
                f"one table changed ({args.table}; {rerun}/{total_runs} runs redone)",
                f"{one:.1f} s (share {share:.1f} s)",
                f"<= {share + 1:.1f} s",
            ),
            ("peak RSS of the full build (process tree, summed)", f"{peak / 2**20:.0f} MiB", "< 1024 MiB"),
        ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    w = [max(len(r[i]) for r in rows + [("measure", "result", "target")]) for i in range(3)]
    print(f"exo_industry benchmark: {os.cpu_count()} cores, load {load:.1f} at the end, single runs")
    for r in [("measure", "result", "target"), tuple("-" * n for n in w), *rows]:
        print("  ".join(c.ljust(n) for c, n in zip(r, w, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
