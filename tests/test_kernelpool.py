"""Runs that share a kept kernel (kernelpool.py): each starts from a clean namespace, a run that
goes wrong takes its kernel with it, and the executed notebook is the one a fresh kernel gives."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exo_industry import kernelpool
from exo_industry.execute import run_many, run_notebook
from helpers import make_notebook

pytestmark = pytest.mark.notebook

# leaves behind all a later run must not see: a name, changed rcParams, a pandas option,
# a warning filter, an open figure, another folder, and (last, after the filters changed) a
# warning already shown once, which a fresh kernel would show again
DIRTY = """x = 41
import os, matplotlib as mpl, matplotlib.pyplot as plt, numpy as np, pandas as pd, warnings
mpl.rcParams["lines.linewidth"] = 9.5
pd.set_option("display.max_rows", 2)
warnings.simplefilter("ignore", FutureWarning)
fig = plt.figure()
os.chdir("/")
np.mean([])"""

CHECK = """import os, warnings, matplotlib as mpl, matplotlib.pyplot as plt, pandas as pd
assert "x" not in globals(), "x leaked from the previous run"
assert "fig" not in globals()
assert mpl.rcParams["lines.linewidth"] == 1.5, mpl.rcParams["lines.linewidth"]
assert pd.get_option("display.max_rows") == 60, pd.get_option("display.max_rows")
assert not plt.get_fignums(), plt.get_fignums()
assert ("ignore", None, FutureWarning, None, 0) not in warnings.filters, warnings.filters[:3]
assert os.path.basename(os.getcwd()) == "nbs", os.getcwd()
print("clean")"""

# what a run shows: printed text, a warning from library code, a table, a themed chart.
# ipykernel sends stdout and stderr each on its own 0.2 s timer, so which of the two comes
# first in a cell can differ between any two kernels, fresh or kept (seen once in CI); the
# flush fixes their order here.
SHOW = """import sys, numpy as np, pandas as pd, matplotlib.pyplot as plt
from exo_industry import theme
theme.use(lang)
print("hello", lang)
sys.stdout.flush()
np.mean([])
display(pd.DataFrame({"a": range(5), "b": list("vwxyz")}))
fig, ax = plt.subplots()
ax.plot([1, 2, 3], [3, 1, 2])
ax.set_title("标题 title")
theme.publish(fig, "pool_check.en")
print(len(plt.get_fignums()))"""


@pytest.fixture
def nbdir(iso_env, monkeypatch):
    d = iso_env / "nbs"
    monkeypatch.setenv("EXO_NOTEBOOKS", str(d))
    return d


def _errors(results):
    return {r.stem: r.error for r in results if r.error}


def _code_counts(path: Path) -> list:
    nb = json.loads(path.read_text())
    return [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]


def test_a_kept_kernel_starts_each_run_from_a_clean_namespace(nbdir):
    make_notebook(nbdir, "91_dirty", DIRTY)
    make_notebook(nbdir, "92_check", CHECK)
    before = kernelpool.starts
    results = run_many(["91_dirty", "92_check"], ["en"], jobs=1)
    assert not _errors(results), _errors(results)
    assert kernelpool.starts - before == 1  # both runs in one kernel
    assert _code_counts(results[1].path)[0] == 1  # counts start again, as in a fresh kernel
    assert "clean" in json.dumps(json.loads(results[1].path.read_text())["cells"][-1]["outputs"])


def test_fresh_kernels_start_a_kernel_per_run(nbdir):
    make_notebook(nbdir, "91_dirty", DIRTY)
    make_notebook(nbdir, "92_check", CHECK)
    before = kernelpool.starts
    results = run_many(["91_dirty", "92_check"], ["en"], jobs=1, fresh_kernels=True)
    assert not _errors(results), _errors(results)
    assert kernelpool.starts == before  # papermill started its own kernel each time


def test_a_failed_run_does_not_poison_the_next(nbdir):
    make_notebook(nbdir, "93_fails", "y = 1\nraise ValueError('boom in 93')")
    make_notebook(nbdir, "94_after", "assert 'y' not in globals()\nprint('after')")
    before = kernelpool.starts
    results = run_many(["93_fails", "94_after"], ["en"], jobs=1)
    assert "boom in 93" in _errors(results)["93_fails"]
    assert "94_after" not in _errors(results)
    assert kernelpool.starts - before == 2  # the failed run's kernel was not used again


def test_a_timed_out_run_stops_its_kernel(nbdir):
    make_notebook(nbdir, "96_sleeps", "import time\nz = 1\ntime.sleep(30)")
    make_notebook(nbdir, "97_after", "assert 'z' not in globals()\nprint('after')")
    before = kernelpool.starts
    results = run_many(["96_sleeps", "97_after"], ["en"], jobs=1, cell_timeout=2)
    assert "timed out" in _errors(results)["96_sleeps"]
    assert "97_after" not in _errors(results)
    assert kernelpool.starts - before == 2


def test_a_changed_environment_starts_a_new_kernel(nbdir, iso_env, monkeypatch):
    nb = make_notebook(nbdir, "98_env", "import os\nprint(os.environ.get('EXO_POOL_PROBE'))")
    out = iso_env / "build"
    before = kernelpool.starts
    with kernelpool.kept_kernel():
        kw = {"kernel_name": "exo-industry", "cwd": str(nbdir), "progress_bar": False}
        kernelpool.execute_notebook(str(nb), str(out / "a.ipynb"), **kw)
        monkeypatch.setenv("EXO_POOL_PROBE", "second")
        kernelpool.execute_notebook(str(nb), str(out / "b.ipynb"), **kw)
    assert kernelpool.starts - before == 2
    assert "second" in (out / "b.ipynb").read_text()  # the new kernel has the new environment


def _content(path: Path) -> dict:
    """An executed notebook without papermill's timings and paths (nor the random id of the
    cell papermill injects)."""
    nb = json.loads(path.read_text())
    nb["metadata"].pop("papermill")
    for c in nb["cells"]:
        c["metadata"].pop("papermill", None)
        c["metadata"].pop("execution", None)
        if "injected-parameters" in c["metadata"].get("tags", []):
            c.pop("id")
    return nb


def test_outputs_equal_a_fresh_kernels(nbdir, iso_env):
    make_notebook(nbdir, "91_dirty", DIRTY)
    make_notebook(nbdir, "95_show", SHOW)
    figures = iso_env / "figures"
    results = run_many(["91_dirty", "95_show"], ["en"], jobs=1, output_dir=iso_env / "kept")
    assert not _errors(results), _errors(results)
    kept_figs = {p.name: p.read_bytes() for p in figures.glob("pool_check.*")}
    fresh = run_notebook("95_show", output_dir=iso_env / "fresh", lang="en")  # no reuse here
    fresh_figs = {p.name: p.read_bytes() for p in figures.glob("pool_check.*")}
    assert sorted(kept_figs) == ["pool_check.en.svg"]
    assert kept_figs == fresh_figs
    kept, new = _content(results[1].path), _content(fresh)
    assert "Mean of empty slice" in json.dumps(new["cells"])  # the warning is shown in both
    assert kept == new


def test_a_real_section_after_another_language_equals_a_fresh_run(committed_processed, iso_env):
    """03 in Chinese, then in English in the same kernel: the English run is the fresh one."""
    stem = "03_clinical_trials"
    before = kernelpool.starts
    results = run_many([stem], ["zh", "en"], jobs=1, output_dir=iso_env / "kept")
    assert not _errors(results), _errors(results)
    assert kernelpool.starts - before == 1
    kept_en = next(r.path for r in results if r.lang == "en")
    fresh_en = run_notebook(stem, output_dir=iso_env / "fresh", lang="en")
    assert _content(kept_en) == _content(fresh_en)


RESET_UNIT = """
import os, sys, warnings
from IPython.core.interactiveshell import InteractiveShell
import matplotlib
matplotlib.use("Agg")  # no inline backend here to close figures after a cell
import matplotlib.pyplot as plt
from exo_industry import kernelpool

shell = InteractiveShell.instance()
home = os.getcwd()
kernelpool.kernel_reset(home)  # a kernel's first run: its state is noted

def warn():
    warnings.warn("shown once per run", UserWarning)

shell.user_ns["x"] = 1
plt.figure()
matplotlib.rcParams["lines.linewidth"] = 9.5
warnings.simplefilter("ignore", FutureWarning)
sys.path.append("/nowhere")
os.chdir("/")
warn()  # recorded as shown after the last change to the filters
kernelpool.kernel_reset(home)
assert "x" not in shell.user_ns
assert not plt.get_fignums(), plt.get_fignums()
assert matplotlib.rcParams["lines.linewidth"] == 1.5
assert ("ignore", None, FutureWarning, None, 0) not in warnings.filters
assert "/nowhere" not in sys.path
assert os.getcwd() == home
assert "pandas" not in sys.modules  # so only kernel_reset itself can make Python forget
warn()  # a fresh kernel would show it
print("ok")
"""


def test_kernel_reset_undoes_each_kind_of_state(tmp_path):
    """The kernel side alone, in a plain IPython shell: every piece of state it restores."""
    out = subprocess.run(
        [sys.executable, "-c", RESET_UNIT], capture_output=True, text=True, cwd=tmp_path, env=dict(os.environ)
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("ok")
    assert out.stderr.count("shown once per run") == 2, out.stderr


@pytest.mark.parametrize("fresh", [True, False])
def test_the_executed_copy_is_written_when_the_run_ends_not_around_every_cell(nbdir, monkeypatch, fresh):
    import papermill.engines

    writes = []
    real = papermill.engines.write_ipynb
    monkeypatch.setattr(
        papermill.engines, "write_ipynb", lambda nb, path, **kw: writes.append(path) or real(nb, path, **kw)
    )
    make_notebook(nbdir, "90_cells", "a = 1\nprint(a)")
    nb = nbdir / "90_cells.ipynb"
    data = json.loads(nb.read_text())
    data["cells"] += [dict(data["cells"][-1], id=f"more{i}", source=f"print({i})") for i in range(5)]
    nb.write_text(json.dumps(data))
    results = run_many(["90_cells"], ["en"], jobs=1, fresh_kernels=fresh)
    assert not _errors(results), _errors(results)
    assert len(writes) == 1, writes  # papermill's own manager writes 2 per cell + 2
    cells = json.loads(results[0].path.read_text())["cells"]
    printed = ["".join(o["text"]) for c in cells for o in c.get("outputs", []) if o.get("name") == "stdout"]
    assert printed == ["1\n", "0\n", "1\n", "2\n", "3\n", "4\n"]  # every cell's output is in it


def test_later_runs_in_a_kept_kernel_reuse_its_connection(nbdir):
    """One client connection for all runs of a kept kernel (a new one waits 0.2 s to connect),
    and no run sees another's output through it."""
    stems = [f"9{i}_talks" for i in range(3)]
    for i, stem in enumerate(stems):
        make_notebook(nbdir, stem, f"for _ in range(50):\n    print('from run {i}')")
    before_starts, before = kernelpool.starts, kernelpool.connections
    results = run_many(stems, ["en"], jobs=1)
    assert not _errors(results), _errors(results)
    assert kernelpool.starts - before_starts == 1
    assert kernelpool.connections - before == 1
    for i, r in enumerate(results):
        outputs = json.dumps(json.loads(r.path.read_text())["cells"][-1]["outputs"])
        assert outputs.count("from run") == 50 and outputs.count(f"from run {i}") == 50, (i, outputs[:200])


def test_a_failed_run_closes_its_connection_with_its_kernel(nbdir):
    make_notebook(nbdir, "93_fails", "raise ValueError('boom in 93')")
    make_notebook(nbdir, "94_after", "print('after')")
    before = kernelpool.connections
    results = run_many(["93_fails", "94_after"], ["en"], jobs=1)
    assert "93_fails" in _errors(results) and "94_after" not in _errors(results)
    assert kernelpool.connections - before == 2  # the new kernel got a new client


def test_a_real_runs_mark_lists_the_figures_it_wrote(committed_processed, iso_env):
    from exo_industry import runcache

    results = run_many(["05_patent_trends"], ["en"], jobs=1)
    assert not _errors(results), _errors(results)
    written = sorted(p.name for p in (iso_env / "figures").glob("patents_*.en.svg"))
    assert written
    assert sorted(runcache.read_mark(results[0].path)["figures"]) == written


WORKER = """import sys
from exo_industry.execute import _worker
r = _worker("91_small", {}, "en", None, 60, {}, "", "aging")
print(r.error, [m for m in sys.modules if m == "pandas" or m.startswith("exo_industry.sections")])"""


def test_a_build_worker_does_not_import_the_sections(nbdir):
    """A worker names its run's figures from what the plan hands it: importing the sections
    (pandas, matplotlib) there would keep its kernel waiting for half a second."""
    make_notebook(nbdir, "91_small", "print('small')")
    out = subprocess.run([sys.executable, "-c", WORKER], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "None []", out.stdout[-500:]


def test_a_kept_kernels_client_is_ready_once_iopub_answers_and_fails_on_a_dead_kernel():
    from jupyter_core.utils import run_sync

    from exo_industry.engines import QuickReadyClient
    from exo_industry.execute import _START_FAILURES

    km = kernelpool._manager("exo-industry")
    try:
        run_sync(km.start_kernel)()
        kc = km.client()
        assert isinstance(kc, QuickReadyClient)  # the kept kernel's manager hands this one out
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)
        seen = []  # ready means its first request's output comes back over IOPub
        hook = lambda msg: seen.append(msg["content"].get("text", ""))  # noqa: E731
        run_sync(kc.execute_interactive)("print('ready')", output_hook=hook, timeout=30)
        assert "ready\n" in seen, seen
        run_sync(km.shutdown_kernel)(now=True)
        with pytest.raises(RuntimeError) as err:
            run_sync(kc.wait_for_ready)(timeout=10)
        assert any(m in str(err.value) for m in _START_FAILURES), err.value  # read as a failed start
        kc.stop_channels()
    finally:
        kernelpool.discard()


PIDS = """import os, uuid
from pathlib import Path
Path(os.environ["EXO_PID_DIR"], f"{os.getpid()}-{os.getppid()}-{uuid.uuid4().hex}").touch()"""


def test_a_build_leaves_no_worker_or_kernel_running(nbdir, iso_env):
    """Workers exit while the parent finishes its work, and the parent's exit waits for them."""
    import psutil

    for stem in ("91_one", "92_two", "93_three"):
        make_notebook(nbdir, stem, PIDS, params='lang = "en"')
    pid_dir = iso_env / "pids"
    pid_dir.mkdir()
    env = dict(os.environ, EXO_PID_DIR=str(pid_dir))
    cmd = [sys.executable, "-m", "exo_industry", "run", "--lang", "both", "--jobs", "2"]
    log = iso_env / "run.log"
    with open(log, "w") as fh:  # not a pipe: reading one would wait for every process holding it
        rc = subprocess.run(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, timeout=300).returncode
    assert rc == 0, log.read_text()[-2000:]
    seen = [tuple(map(int, p.name.split("-")[:2])) for p in pid_dir.iterdir()]
    # six runs; at most two workers, a kept kernel each (a worker that starts late may get none)
    assert len(seen) == 6 and len({k for k, _ in seen}) <= 2 and len({w for _, w in seen}) <= 2
    running = [pid for pair in seen for pid in pair if psutil.pid_exists(pid)]
    running = [p for p in running if psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert not running, running


CYCLE = """import gc, weakref, exo_industry
class Node:
    pass
a, b = Node(), Node()
a.other, b.other = b, a  # freed only by the cycle collector
exo_industry._pool_probe = weakref.ref(a)"""

COLLECTED = """import gc, exo_industry
assert exo_industry._pool_probe() is None, "the last run's garbage was frozen, not collected"
assert gc.get_freeze_count() > 0  # what outlived the reset is out of the collector's sight
print("collected")"""


def test_a_reset_collects_the_last_runs_garbage_before_freezing_the_rest(nbdir):
    make_notebook(nbdir, "91_cycle", CYCLE)
    make_notebook(nbdir, "92_collected", COLLECTED)
    results = run_many(["91_cycle", "92_collected"], ["en"], jobs=1)
    assert not _errors(results), _errors(results)
    assert "collected" in results[1].path.read_text()


def test_workers_stop_once_the_last_run_ends_not_after_its_briefing(nbdir, iso_env, monkeypatch):
    """The last briefings are exported while the workers stop their kernels and exit."""
    import time

    import psutil

    from exo_industry import execute

    for stem in ("91_one", "92_two"):
        make_notebook(nbdir, stem, PIDS, params='lang = "en"')
    pid_dir = iso_env / "pids"
    pid_dir.mkdir()
    monkeypatch.setenv("EXO_PID_DIR", str(pid_dir))
    gone_at_last_export = []
    exported = []
    real_export = execute._export

    def export(path, key):
        exported.append(path)
        if len(exported) == 2:  # every run has finished: the workers should be on their way out
            pids = [int(x) for p in pid_dir.iterdir() for x in p.name.split("-")[:2]]
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                alive = [p for p in pids if psutil.pid_exists(p)]
                if not [p for p in alive if psutil.Process(p).status() != psutil.STATUS_ZOMBIE]:
                    break
                time.sleep(0.05)
            gone_at_last_export.append(time.monotonic() < deadline)
        return real_export(path, key)

    monkeypatch.setattr(execute, "_export", export)
    results = run_many(["91_one", "92_two"], ["en"], jobs=2, export=True)
    assert not _errors(results), _errors(results)
    assert len(list(pid_dir.iterdir())) == 2
    assert gone_at_last_export == [True]  # without the early shutdown this waits out 30 s


WHERE = """import json, os, stat
from ipykernel.kernelapp import IPKernelApp
app = IPKernelApp.instance()
folder = os.path.dirname(app.connection_file)
print(json.dumps({"transport": app.transport, "ip": app.ip, "folder": folder,
                  "mode": stat.S_IMODE(os.stat(folder).st_mode), "files": sorted(os.listdir(folder))}))"""


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets: POSIX only (elsewhere kernels use TCP)")
def test_a_kept_kernel_listens_on_private_unix_sockets_that_go_with_it(nbdir):
    """No TCP ports, so two workers' kernels cannot be handed the same one; nothing is left behind."""
    make_notebook(nbdir, "91_where", WHERE)
    results = run_many(["91_where"], ["en"], jobs=1)
    assert not _errors(results), _errors(results)
    nb = json.loads(results[0].path.read_text())
    seen = json.loads("".join(nb["cells"][-1]["outputs"][0]["text"]))
    assert seen["transport"] == "ipc", seen
    assert seen["ip"].startswith(seen["folder"] + os.sep), seen  # the sockets live in that folder
    assert seen["mode"] & 0o777 == 0o700, oct(seen["mode"])  # only its owner can reach them
    assert "kernel.json" in seen["files"] and len(seen["files"]) >= 6, seen["files"]
    assert not os.path.exists(seen["folder"])  # removed when the kept kernel was stopped


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets: POSIX only")
def test_a_new_kept_kernel_removes_socket_folders_that_killed_workers_left(tmp_path, monkeypatch):
    """A killed worker cannot remove its kernel's socket folder; the next one to make a folder
    removes it, and leaves alone the folders of live workers and those still being made."""
    import fcntl
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead, alive, making = (tmp_path / f"{kernelpool.SOCKET_PREFIX}{n}" for n in ("dead", "alive", "making"))
    for d in (dead, alive, making):
        d.mkdir(mode=0o700)
        (d / "kernel-ipc-1").touch()
    (dead / kernelpool.OWNER_LOCK).touch()  # its owner was killed: nobody holds the lock
    with open(alive / kernelpool.OWNER_LOCK, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a live worker's
        made = kernelpool._private_sockets()
        try:
            assert not dead.exists()
            assert alive.exists() and making.exists()
            folder = os.path.dirname(made["connection_file"])
            assert os.path.dirname(folder) == str(tmp_path)
            kernelpool._sweep(str(tmp_path))  # another worker sweeping now
            assert os.path.isdir(folder)  # the new folder is held by its maker
        finally:
            kernelpool._sockets[1].close()
            kernelpool._sockets = None


def test_a_stopped_kept_kernel_is_seen_gone_without_waiting_a_tenth_of_a_second(monkeypatch):
    """jupyter_client looks every 0.1 s whether a killed kernel has exited; each build's
    workers waited that out when they stopped their kernels at the end of the build."""
    import asyncio

    from jupyter_core.utils import run_sync

    from exo_industry.engines import PreforkKernelManager

    slept = []
    real_sleep = asyncio.sleep

    async def sleep(seconds, *args, **kwargs):
        slept.append(seconds)
        return await real_sleep(0)

    # how jupyter_client waits for a killed kernel (its kill path calls _async_wait()):
    km = PreforkKernelManager(kernel_name="exo-industry")
    answers = iter([True, True, False])  # alive at the first two looks, then gone

    async def is_alive():
        return next(answers)

    monkeypatch.setattr(km, "_async_is_alive", is_alive)
    monkeypatch.setattr(asyncio, "sleep", sleep)
    run_sync(km._async_wait)()
    assert slept == [PreforkKernelManager.STOP_POLL] * 2, slept
    assert PreforkKernelManager.STOP_POLL < 0.02

    # and a real kept kernel, stopped as a worker stops it when it ends
    monkeypatch.undo()
    km = kernelpool._manager("exo-industry")
    run_sync(km.start_kernel)()
    pid = km.provisioner.pid
    slept.clear()
    monkeypatch.setattr(asyncio, "sleep", sleep)
    kernelpool.discard()
    monkeypatch.undo()
    assert all(s < 0.1 for s in slept), sorted(set(slept))  # (0.01: jupyter_client's pause after a stop)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, and reaped


def test_a_kept_kernels_client_tries_again_every_10_ms_not_every_100():
    """The client connects before a forked kernel has made its sockets; ZeroMQ's default
    reconnect interval (100 ms) kept each build's first runs waiting for most of that."""
    import zmq
    from jupyter_core.utils import run_sync

    from exo_industry.engines import QuickReadyClient

    km = kernelpool._manager("exo-industry")
    try:
        run_sync(km.start_kernel)()
        kc = km.client()
        kc.start_channels()
        try:
            channels = (kc.shell_channel, kc.iopub_channel, kc.stdin_channel, kc.control_channel)
            seen = [ch.socket.getsockopt(zmq.RECONNECT_IVL) for ch in channels]
            assert seen == [QuickReadyClient.RECONNECT_IVL_MS] * 4 and QuickReadyClient.RECONNECT_IVL_MS <= 10
            run_sync(kc.wait_for_ready)(timeout=60)
        finally:
            kc.stop_channels()
    finally:
        kernelpool.discard()
