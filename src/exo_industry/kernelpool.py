"""A kept kernel per build worker: its runs share one kernel, each from a clean namespace.

Most of a notebook run's fixed cost is in the kernel: starting ipykernel, then importing
pandas, matplotlib, seaborn and the package. A build worker runs several notebooks in a row,
so it can pay that once. While reuse is on in a process (``keep_kernels()`` as a pool
worker's initializer, or ``kept_kernel()`` around a loop), :func:`execute_notebook` gives
papermill this process's ``AsyncKernelManager``. nbclient then does not own the manager
(``owns_km`` is False in ``NotebookClient.setup_kernel``), so it starts the kernel if it is
not running and leaves it running after the run; papermill injects the parameters and
records the run as it does for a fresh kernel.

Before a run's first cell, :func:`kernel_reset` runs in the kernel, silently:

- in a kernel's first run, it notes the state a fresh kernel has right after
  ``import matplotlib.pyplot``: rcParams, warning filters, ``sys.path``;
- in every later run, it closes all figures, puts that state back (and makes Python forget
  which warnings it already showed once), resets pandas' options and calls IPython's
  ``reset(new_session=True)``, which empties the user namespace and restarts the execution
  count at 1. Imported modules stay: that is the saving;
- each time, it changes to the notebook's folder.

The client connection stays open too (:func:`kept_client`): a new connection costs each run
0.2 s of waiting before its first cell.

Whatever goes wrong in a run (an error, a cell timeout, Ctrl-C) shuts the kernel down, and
the next run starts a new one. So does a change in the process's environment variables
between runs (a kernel keeps the environment it started with; tagged runs set two).
``exo-industry build --fresh-kernels`` turns reuse off: one kernel per run, as papermill
alone does (the benchmark's floors run that way).

In a build's pool workers, the kept kernel's manager (``engines.PreforkKernelManager``) may
start it from a fork of the worker made when the worker started (prefork.py).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import warnings

ENGINE = "exo-kept-kernel"  # papermill engines (engines.py): runs in the kept kernel,
FRESH_ENGINE = "exo-fresh-kernel"  # and runs in a kernel of their own
_enabled = False
_kept = None  # (AsyncKernelManager, the environment it was started with), or None
_client = None  # the kept kernel's client, its channels open, once a run has finished with it
_sockets = None  # (folder, its owner.lock held open) of the kept kernel's sockets (_private_sockets)
starts = 0  # kernel managers this process created (read by tests)
connections = 0  # clients connected to a kept kernel (read by tests)
_fresh_state: dict | None = None  # kernel side: what a fresh kernel had


# ------------------------------------------------------------ the worker (client) side


def keep_kernels() -> None:
    """Reuse one kernel for the rest of this process's runs (a pool worker's initializer)."""
    global _enabled
    from multiprocessing.util import Finalize

    _enabled = True
    # a pool worker runs these when it ends, spawned or forked (a forked one runs no atexit handlers)
    Finalize(None, discard, exitpriority=10)


@contextlib.contextmanager
def kept_kernel():
    """Reuse one kernel for the runs inside the block, and stop it when the block ends."""
    global _enabled
    before = _enabled
    _enabled = True
    try:
        yield
    finally:
        _enabled = before
        if not before:
            discard()


def discard() -> None:
    """Stop the kept kernel (and close its client's channels) now; the next run starts a new one."""
    global _kept, _sockets
    _drop_client()
    if _kept is None:
        return
    km, _ = _kept
    _kept = None
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):  # noqa: BLE001 - a kernel that already died is fine
        run_sync(km.shutdown_kernel)(now=True)
    if _sockets is not None:  # the kernel's sockets and connection file went with it
        import shutil

        folder, lock = _sockets
        _sockets = None
        shutil.rmtree(folder, ignore_errors=True)
        lock.close()


def kept_client(km):
    """The client of ``km`` that the last run left connected, or None (connect a new one).

    A new client's first ``kernel_info`` reply comes before its IOPub subscription is live,
    so jupyter_client's ``wait_for_ready`` waits out a 0.2 s IOPub timeout and asks again:
    0.2 s of an idle kernel per run. A kept client is already connected. Messages left over
    from an earlier run stay unread; nbclient matches replies and outputs by parent id."""
    if _client is not None and _kept is not None and _kept[0] is km:
        return _client
    _drop_client()
    return None


def keep_client(km, kc) -> None:
    """After a run that went well: keep ``kc`` connected for the next run in ``km``."""
    global _client
    if _kept is not None and _kept[0] is km:
        _client = kc
    elif kc is not None:
        kc.stop_channels()


def _drop_client() -> None:
    global _client
    kc, _client = _client, None
    if kc is not None:
        with contextlib.suppress(Exception):  # noqa: BLE001 - closing a dead kernel's sockets
            kc.stop_channels()


def _manager(kernel_name: str):
    global _kept, starts
    env = dict(os.environ)
    if _kept is not None:
        km, started_with = _kept
        if started_with == env and (not km.has_kernel or _alive(km)):
            return km
        discard()
    from .engines import PreforkKernelManager

    km = PreforkKernelManager(
        kernel_name=kernel_name, client_class="exo_industry.engines.QuickReadyClient", **_private_sockets()
    )
    _kept = (km, env)
    starts += 1
    return km


# Unix socket paths are limited to 107 bytes on Linux (sun_path, unix(7)); 104 on macOS.
_MAX_SOCKET_PATH = 100


def _private_sockets() -> dict:
    """Where a kept kernel listens: Unix sockets in a folder of its own, where the system has them.

    Over TCP, jupyter_client picks each port by binding a socket to port 0 and closing it; the
    kernel binds the port later. Two workers starting their kernels at the same moment can
    be handed the same port, and one kernel then dies with "Address already in use" (seen
    twice in this project's test runs), to be started again after a traceback and a few
    seconds. Sockets named after a folder that only this kernel uses cannot collide,
    and nothing is left listening on a network port. The folder is readable by its owner
    only; messages are still signed with the connection file's key.

    This process holds a lock on the folder's ``owner.lock`` until :func:`discard` removes
    the folder. A worker that is killed cannot remove it, so each new folder's maker first
    removes the folders whose lock nobody holds (:func:`_sweep`)."""
    global _sockets
    if os.name != "posix":
        return {}
    import fcntl
    import tempfile

    folder = tempfile.mkdtemp(prefix=SOCKET_PREFIX)
    connection_file = os.path.join(folder, "kernel.json")
    if len(connection_file) + len("-ipc-5") > _MAX_SOCKET_PATH:  # a very long TMPDIR
        os.rmdir(folder)
        return {}
    lock = open(os.path.join(folder, OWNER_LOCK), "w")  # noqa: SIM115 - held until discard()
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    _sockets = (folder, lock)
    _sweep(os.path.dirname(folder))
    return {"transport": "ipc", "connection_file": connection_file}


SOCKET_PREFIX = "exo-kernel-"
OWNER_LOCK = "owner.lock"


def _sweep(parent: str) -> None:
    """Remove this user's kernel socket folders in ``parent`` whose owner has ended without
    removing them (its lock is free). A folder without its lock file yet is being made:
    it stays."""
    import fcntl
    import shutil

    uid = os.getuid()
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(SOCKET_PREFIX):
            continue
        try:
            if not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != uid:
                continue
            fd = os.open(os.path.join(entry.path, OWNER_LOCK), os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # its owner is alive
            os.close(fd)
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        os.close(fd)


def _alive(km) -> bool:
    from jupyter_core.utils import run_sync

    return bool(run_sync(km.is_alive)())


def execute_notebook(src: str, out: str, **kwargs):
    """``papermill.execute_notebook``, in this process's kept kernel while reuse is on."""
    import papermill

    _register_engines()
    if not _enabled:
        return papermill.execute_notebook(src, out, engine_name=FRESH_ENGINE, **kwargs)
    km = _manager(kwargs["kernel_name"])
    try:
        return papermill.execute_notebook(src, out, engine_name=ENGINE, km=km, **kwargs)
    except BaseException:
        discard()  # failed, timed out or interrupted: that kernel is never used again
        raise


def _register_engines() -> None:
    """Make this package's engines known to papermill (a dict entry each; repeating is free)."""
    from papermill.engines import papermill_engines

    from .engines import FreshKernelEngine, KeptKernelEngine

    papermill_engines.register(FRESH_ENGINE, FreshKernelEngine)
    papermill_engines.register(ENGINE, KeptKernelEngine)


# ------------------------------------------------------------------ the kernel side


def kernel_reset(cwd: str) -> None:
    """Runs inside the kernel before a notebook's first cell (see the module's docstring)."""
    global _fresh_state
    import matplotlib
    import matplotlib.pyplot as plt

    if _fresh_state is None:  # this kernel's first run: remember how it started
        _fresh_state = {
            "rc": dict(matplotlib.rcParams),
            "filters": list(warnings.filters),
            "path": list(sys.path),
        }
        gc.freeze()  # the kernel as it started (see below)
    else:
        plt.close("all")
        dict.update(matplotlib.rcParams, _fresh_state["rc"])  # unvalidated, as rc_context restores
        warnings.filters[:] = _fresh_state["filters"]
        forget = getattr(warnings, "_filters_mutated", None)
        if forget is not None:  # every module's record of warnings already shown goes stale
            forget()
        sys.path[:] = _fresh_state["path"]
        if "pandas" in sys.modules:
            with warnings.catch_warnings():  # resetting deprecated options warns
                warnings.simplefilter("ignore")
                sys.modules["pandas"].reset_option("all")
        from IPython import get_ipython

        get_ipython().reset(new_session=True)
        # IPython collects garbage before it empties the namespace, so the last run's cycles
        # (closed figures, for one) are collected here. What outlives that (modules and their
        # caches) is then moved out of the collector's sight, so later collections walk only
        # objects made since: a walk of all of pandas' and matplotlib's objects took
        # 0.08-0.15 s at every reset. Frozen objects are still freed by reference counting.
        gc.collect()
        gc.freeze()
    os.chdir(cwd)
