"""A build worker's first kernel is forked from the worker (prefork.py): it must look like a
kernel started anew, watch its worker, and be used only where that holds."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exo_industry import prefork
from helpers import make_notebook

pytestmark = pytest.mark.notebook

# what a notebook can see of the process it runs in, written to a file per run
PROBE = """import gc, json, os, sys, multiprocessing as mp
import numpy as np
import matplotlib
import matplotlib.pyplot as plt
from ipykernel.kernelapp import IPKernelApp
state = {
    "argv": [a if not a.endswith(".json") else "<connection file>" for a in sys.argv],
    "argv0": os.path.basename(sys.argv[0]),
    "path": sys.path,
    "cwd": os.getcwd(),
    # all but the variables that differ by design: the worker's pid, and the folders each build has
    "env": {k: v for k, v in os.environ.items() if k not in ("JPY_PARENT_PID", "EXO_BUILD", "EXO_PROBE_DIR")},
    "parent_pid_var": os.environ.get("JPY_PARENT_PID") == str(os.getppid()),
    "watches_parent": IPKernelApp.instance().parent_handle == os.getppid(),
    "backend": matplotlib.get_backend(),
    "process": mp.current_process().name,
    "parent_process": mp.parent_process() is None,
    "stdin": os.read(0, 1),
    "collector": [gc.isenabled(), gc.get_threshold()],  # the fork server collects nothing while it imports
    "session_leader": os.getsid(0) == os.getpid(),
    "forked": "exo_industry.preload" in sys.modules,
    "worker_modules": sorted(m for m in ("papermill", "nbformat", "jsonschema") if m in sys.modules),
}
import jsonschema  # as a new kernel imports it: with every format checker installed
state["formats"] = sorted(jsonschema.FormatChecker().checkers)
state["stdin"] = repr(state["stdin"])
state["random"] = float(np.random.random())
with open(os.path.join(os.environ["EXO_PROBE_DIR"], f"{lang}-{os.getpid()}.json"), "w") as fh:
    json.dump(state, fh)"""


def _cli(args: list[str], env: dict, log: Path) -> int:
    with open(log, "w") as fh:  # not a pipe: reading one would wait for every process holding it
        cmd = [sys.executable, "-m", "exo_industry", *args]
        return subprocess.run(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, timeout=300).returncode


def _probe(iso_env: Path, nbdir: Path, name: str, extra: list[str]) -> list[dict]:
    out = iso_env / name
    out.mkdir()
    env = dict(
        os.environ, EXO_NOTEBOOKS=str(nbdir), EXO_PROBE_DIR=str(out), EXO_BUILD=str(iso_env / f"b-{name}")
    )
    log = iso_env / f"{name}.log"
    rc = _cli(["run", "--lang", "both", "--jobs", "2", *extra], env, log)
    assert rc == 0, log.read_text()[-3000:]
    return [json.loads(p.read_text()) for p in sorted(out.iterdir())]


@pytest.mark.skipif(not prefork.supported(), reason="kernels are forked on Linux only")
def test_a_forked_kernel_sees_what_a_new_kernel_sees(iso_env):
    nbdir = iso_env / "nbs"
    make_notebook(nbdir, "91_probe", PROBE)
    forked = _probe(iso_env, nbdir, "forked", [])
    fresh = _probe(iso_env, nbdir, "fresh", ["--fresh-kernels"])
    assert len(forked) == len(fresh) == 2
    assert [s.pop("forked") for s in forked] == [True, True]  # both runs were in forked kernels
    assert [s.pop("forked") for s in fresh] == [False, False]
    assert forked[0]["random"] != forked[1]["random"]  # numpy's random state was seeded anew
    for s in forked + fresh:
        s.pop("random")
        assert s["parent_pid_var"] and s["watches_parent"], s  # it exits if its worker dies
        assert s["backend"] == "module://matplotlib_inline.backend_inline", s["backend"]
    for f, n in zip(forked, fresh, strict=True):
        assert f == n


CRASH = """import os, signal, time
from pathlib import Path
Path(os.environ["EXO_PROBE_DIR"], f"{os.getpid()}-{os.getppid()}").touch()
os.kill(os.getppid(), signal.SIGKILL)  # the worker dies; its kernel must not outlive it
time.sleep(60)"""


@pytest.mark.skipif(not prefork.supported(), reason="kernels are forked on Linux only")
def test_a_forked_kernel_exits_when_its_worker_dies(iso_env):
    import psutil

    nbdir = iso_env / "nbs"
    make_notebook(nbdir, "91_crash", CRASH)
    out = iso_env / "pids"
    out.mkdir()
    env = dict(os.environ, EXO_NOTEBOOKS=str(nbdir), EXO_PROBE_DIR=str(out))
    log = iso_env / "crash.log"
    assert _cli(["run", "--lang", "both", "--jobs", "2"], env, log) != 0
    pairs = [tuple(map(int, p.name.split("-"))) for p in out.iterdir()]
    assert pairs, log.read_text()[-3000:]
    kernels = [k for k, _ in pairs]
    deadline = time.monotonic() + 10  # ipykernel looks at its parent once a second
    while time.monotonic() < deadline:
        alive = [
            k for k in kernels if psutil.pid_exists(k) and psutil.Process(k).status() != psutil.STATUS_ZOMBIE
        ]
        if not alive:
            break
        time.sleep(0.2)
    for k in alive:
        os.kill(k, signal.SIGKILL)
    assert not alive, f"kernels {alive} outlived their worker"


def test_the_waiting_kernel_serves_only_this_packages_kernel_in_the_same_environment(monkeypatch):
    import types

    env = dict(os.environ, MPLCONFIGDIR="/somewhere")  # as the fork server had it when it imported
    # (a stand-in for exo_industry.preload: importing the real one here would run its imports)
    monkeypatch.setitem(sys.modules, "exo_industry.preload", types.SimpleNamespace(ENV=dict(env)))
    cmd = [sys.executable, "-m", "exo_industry.kernel", "-f", "conn.json"]
    monkeypatch.setattr(prefork, "_waiting", (0, -1))
    assert prefork.usable(cmd, env) is None
    assert prefork.usable(cmd, dict(env, JPY_PARENT_PID="1", JPY_SESSION_NAME="x")) is None
    assert "EXO_RUN_TAG" in prefork.usable(cmd, dict(env, EXO_RUN_TAG="ab12"))
    gone = next(iter(env))
    assert gone in prefork.usable(cmd, {k: v for k, v in env.items() if k != gone})
    assert prefork.usable(["/bin/sh", *cmd[1:]], env) == "another Python"
    assert prefork.usable([sys.executable, "-m", "ipykernel_launcher", "-f", "c"], env) is not None
    monkeypatch.setattr(prefork, "_waiting", None)
    assert prefork.usable(cmd, env) == "no waiting kernel"


@pytest.mark.skipif(not prefork.supported(), reason="kernels are forked on Linux only")
def test_a_stuck_cell_in_a_forked_kernel_is_stopped_and_named(iso_env):
    """The cell timeout interrupts a forked kernel as it does a new one (its session gets the
    signal), and the stopped kernel is not left running."""
    import psutil

    nbdir = iso_env / "nbs"
    make_notebook(
        nbdir,
        "91_stuck",
        "import os, time\nopen(os.environ['EXO_PROBE_DIR'] + f'/{os.getpid()}', 'w')\ntime.sleep(600)",
    )
    out = iso_env / "pids"
    out.mkdir()
    env = dict(os.environ, EXO_NOTEBOOKS=str(nbdir), EXO_PROBE_DIR=str(out))
    log = iso_env / "stuck.log"
    t0 = time.monotonic()
    assert _cli(["run", "--lang", "both", "--jobs", "2", "--cell-timeout", "3"], env, log) != 0
    assert time.monotonic() - t0 < 120
    text = log.read_text()
    assert text.count("('import os, time') (per-cell limit 3 s)") == 2, text[-3000:]  # both named
    kernels = [int(p.name) for p in out.iterdir()]
    assert len(kernels) == 2
    assert not [
        k for k in kernels if psutil.pid_exists(k) and psutil.Process(k).status() != psutil.STATUS_ZOMBIE
    ]


ORPHAN = """import subprocess, sys
cmd = [sys.executable, "-c", sys.argv[1]]
child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
assert child.stdout.readline() == b"watching\\n"
print(child.pid, flush=True)  # and end, leaving the child behind"""
CHILD = """import time
from exo_industry.prefork import exit_with_parent
exit_with_parent()
print("watching", flush=True)
time.sleep(60)"""


def test_the_fork_server_exits_when_the_build_that_started_it_has_ended():
    """A build with nothing to run ends while its fork server is still importing (preload.py)."""
    import psutil

    out = subprocess.run([sys.executable, "-c", ORPHAN, CHILD], capture_output=True, text=True, timeout=60)
    child = int(out.stdout.split()[0])
    deadline = time.monotonic() + 20
    while psutil.pid_exists(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = psutil.pid_exists(child) and psutil.Process(child).status() != psutil.STATUS_ZOMBIE
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the child outlived its parent"
