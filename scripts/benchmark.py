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


def setup_seconds(tmp: Path, installer: str) -> float | None:
    """Time ``make env`` into a fresh venv with the given installer ('uv' or 'pip'); None
    when uv is not on PATH."""
    venv = tmp / f"venv-{installer}"
    env = dict(os.environ, INSTALLER=installer)
    env.pop("VIRTUAL_ENV", None)
    cmd = ["make", "--no-print-directory", "env", f"VENV={venv}", f"INSTALLER={installer}"]
    if installer == "uv" and not shutil.which("uv"):
        return None
    seconds, _, _ = timed(cmd, env)
    shutil.rmtree(venv, ignore_errors=True)
    return seconds


def verdict(met: bool | None) -> str:
    """The last column: whether this run's unrounded number meets the issue's target."""
    return "" if met is None else ("met" if met else "NOT MET")


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
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.skip_setup:
            for installer in ("uv", "pip"):
                seconds = setup_seconds(tmp, installer)
                rows.append(
                    (
                        f"set-up, fresh venv, warm cache ({installer})",
                        "n/a (uv not on PATH)" if seconds is None else f"{seconds:.1f} s",
                        "<= 20 s" if installer == "uv" else "",  # the target is for uv; pip is the fallback
                        verdict(seconds <= 20 if installer == "uv" and seconds is not None else None),
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
            ("full build (build --force)" if force else "full build", f"{full:.2f} s", "", ""),
            # the kernel floor: papermill runs of empty notebooks, a kernel each
            (f"kernel floor ({total_runs} runs of empty notebooks)", f"{bare:.2f} s", "", ""),
            ("full build / kernel floor", f"{full / bare:.2f}x", "<= 1.3x", verdict(full / bare <= 1.3)),
            (f"import floor ({total_runs} runs of notebooks with the imports)", f"{floor:.2f} s", "", ""),
            ("full build / import floor", f"{full / floor:.2f}x", "", ""),
            (
                "no-op build",
                f"{noop:.2f} s ({100 * noop / full:.0f}% of full)",
                "<= 15% of full",
                verdict(noop <= 0.15 * full),
            ),
            (
                f"one table changed ({args.table}; {rerun}/{total_runs} runs redone)",
                f"{one:.2f} s (share {share:.2f} s)",
                f"<= {share + 1:.2f} s",
                verdict(one <= share + 1),
            ),
            (
                "peak RSS of the full build (process tree, summed)",
                f"{peak / 2**20:.0f} MiB",
                "< 1024 MiB",
                verdict(peak < 2**30),
            ),
        ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    head = ("measure", "result", "target", "")
    w = [max(len(r[i]) for r in [*rows, head]) for i in range(4)]
    print(f"exo_industry benchmark: {os.cpu_count()} cores, load {load:.1f} at the end, single runs")
    for r in [head, tuple("-" * n for n in w), *rows]:
        print("  ".join(c.ljust(n) for c, n in zip(r, w, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
