"""Build workers and their first kernels, forked from a process that has done their imports.

Without this, every worker is a new Python that imports papermill, and every kernel is a new
Python that imports ipykernel, pandas, matplotlib, seaborn and this package: about 1.2
CPU-seconds per kernel before a notebook's first line does real work, paid by both kernels
of a build at once, on machines that may have two cores.

With it (the ``exo-industry build`` and ``run`` commands, which call :func:`prestart` first):

1. The build starts multiprocessing's fork server before it does anything else. The fork
   server imports those modules once (:mod:`exo_industry.preload`) while the build works
   out which runs are due. If none is due, the fork server sees the build end and stops.
2. Each worker is forked from it (:func:`pool_context`), with those modules in memory.
   The worker takes the build's current environment (:func:`start_worker`).
3. A worker that keeps its kernel forks once more while it is still a single thread, with
   no ZeroMQ context and no event loop (:func:`prefork`): a process that waits to become
   the worker's first kernel.
4. When the kept kernel is started (``engines.PreforkKernelManager``), :func:`launch` hands
   that process the command line, environment and folder jupyter_client would have given a
   new kernel, and it becomes the kernel: the same ``exo_industry.kernel`` entry point, as a
   child of the worker in a session of its own, as jupyter_client starts kernels.

The forked kernel is used only where it cannot change what a notebook sees; otherwise the
kernel starts as a new process, as before:

- only on Linux; only for a worker's first kernel (after a run, the worker has threads);
- only for this environment's own kernel command (``python -m exo_industry.kernel``);
- only when the kernel's environment is the one the modules were imported under, apart from
  the two variables jupyter_client adds (``JPY_PARENT_PID``, ``JPY_SESSION_NAME``): a
  library may read the environment once, when it is imported (matplotlib reads
  ``MPLBACKEND``). A run with non-default parameters sets two variables of its own, so its
  kernel starts anew.

In the forked kernel, the working folder, ``sys.argv``, ``sys.path``, the environment,
standard input (empty, as jupyter_client gives a kernel) and multiprocessing's idea of the
current process are those of a new ``python -m exo_industry.kernel``; the worker's open
files are not the kernel's (each is pointed at /dev/null); ipykernel watches the worker and
exits if it dies; numpy's global random state is seeded anew (Python's ``random`` is, on
every fork). What the kernel shares with the fork server is the hash seed of ``str``.

Calls from Python (``execute.run_many``, or ``cli.main`` with arguments, from a notebook or a
test) do not use any of this: their process may change the environment or the package's
code between calls, which a fork server started earlier would not see. Their workers are new
Pythons, as before.
"""

from __future__ import annotations

import json
import os
import signal
import sys

ADDED_BY_LAUNCHER = frozenset({"JPY_PARENT_PID", "JPY_SESSION_NAME"})
KERNEL_MODULE = "exo_industry.kernel"
_wanted = False  # this process's builds fork their workers (set by prestart)
_waiting: tuple[int, int] | None = None  # the waiting kernel: (pid, write end of its pipe)


def prestart(jobs: int | None = None, fresh_kernels: bool = False) -> None:
    """Let this process's builds fork their workers, and start the fork server now if the
    build is likely to use it: with more than one job, more than one core and kept kernels.
    Its imports (about 0.8 CPU-seconds here) then run while this process plans the build."""
    global _wanted
    _wanted = not fresh_kernels and supported()
    if not _wanted or jobs == 1 or (os.cpu_count() or 1) < 2:
        return
    from multiprocessing import forkserver

    pool_context()  # names the modules to preload
    forkserver.ensure_running()


def exit_with_parent(every: float = 0.02):
    """Exit this process as soon as its parent has ended (checked every ``every`` seconds, in
    a thread). Returns the function that ends the watch and joins the thread: a fork server
    must be a single thread again before it forks."""
    import threading

    parent, done = os.getppid(), threading.Event()

    def watch() -> None:
        while not done.wait(every):
            if os.getppid() != parent:
                os._exit(0)

    thread = threading.Thread(target=watch, name="exit-with-parent", daemon=True)
    thread.start()

    def stop() -> None:
        done.set()
        thread.join()

    return stop


def wanted() -> bool:
    return _wanted


def pool_context():
    """The multiprocessing context for a build's workers: forked from the fork server after
    :func:`prestart`, new Pythons otherwise (the fresh kernels of ``--fresh-kernels`` too)."""
    import multiprocessing as mp

    if not _wanted:
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["exo_industry.preload"])
    return ctx


def start_worker(keep_kernels: bool, env: dict) -> None:
    """A pool worker's initializer: the build's environment as it is now (a forked worker has
    the fork server's), then a kept kernel, and the fork that waits to become it."""
    if dict(os.environ) != env:
        os.environ.clear()
        os.environ.update(env)
    if keep_kernels:
        from . import kernelpool

        kernelpool.keep_kernels()
        if "exo_industry.preload" in sys.modules:
            prefork()


def supported() -> bool:
    return sys.platform == "linux" and hasattr(os, "fork")


def prefork() -> None:
    """Fork a process that waits to become this worker's first kernel (see the module's docstring)."""
    global _waiting
    if _waiting is not None or not supported():
        return
    from multiprocessing.util import Finalize

    for stream in (sys.stdout, sys.stderr):  # or the child would write the worker's buffered text again
        stream.flush()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the waiting kernel; it never returns
        os.close(w)
        _become_kernel(r)
    os.close(r)
    _waiting = (pid, w)
    Finalize(None, release, exitpriority=10)  # a pool worker's exit runs these, not atexit's


def release() -> None:
    """Let an unused waiting kernel exit (it reads an empty request), and collect it."""
    global _waiting
    if _waiting is None:
        return
    pid, w = _waiting
    _waiting = None
    os.close(w)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def usable(cmd: list[str], env: dict | None) -> str | None:
    """Why the waiting kernel cannot serve this launch, or None if it can."""
    if _waiting is None:
        return "no waiting kernel"
    if len(cmd) < 3 or cmd[1:3] != ["-m", KERNEL_MODULE]:
        return "not this package's kernel command"
    try:
        same_python = os.path.samefile(cmd[0], sys.executable)
    except OSError:
        same_python = False
    if not same_python:
        return "another Python"
    from .preload import ENV as started

    env = dict(os.environ) if env is None else env
    differ = {k for k in set(env) | set(started) if env.get(k) != started.get(k)} - ADDED_BY_LAUNCHER
    if differ:
        return "environment changed: " + ", ".join(sorted(differ))
    return None


def launch(cmd: list[str], env: dict | None, cwd: str | None) -> ForkedKernel:
    """Hand the waiting kernel its command line; it becomes the kernel. Call :func:`usable` first."""
    global _waiting
    pid, w = _waiting
    _waiting = None
    env = dict(os.environ if env is None else env)
    env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
    request = {"argv": list(cmd[3:]), "env": env, "cwd": str(cwd) if cwd else None}
    data = json.dumps(request).encode()
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(w, view) :]
    finally:
        os.close(w)
    return ForkedKernel(pid)


class ForkedKernel:
    """What jupyter_client's ``LocalProvisioner`` needs of a ``subprocess.Popen``, for a forked child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self._reap(os.WNOHANG)
        return self.returncode

    def wait(self) -> int:  # the provisioner calls it once poll() says the kernel has ended
        while self.returncode is None:
            self._reap(0)
        return self.returncode

    def _reap(self, flags: int) -> None:
        try:
            pid, status = os.waitpid(self.pid, flags)
        except ChildProcessError:  # collected elsewhere: it has ended
            self.returncode = -1 if self.returncode is None else self.returncode
            return
        if pid:
            self.returncode = os.waitstatus_to_exitcode(status)

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _become_kernel(r: int) -> None:
    code = 1
    try:
        data = _read_all(r)
        os.close(r)
        if not data:  # the worker ended without needing it
            code = 0
            return
        request = json.loads(data)
        os.setsid()  # as jupyter_client's launcher: interrupts reach the kernel's whole group
        _as_new_process(request)
        from .kernel import main

        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - a kernel that fails to start says why, as a new one would
        import traceback

        traceback.print_exc()
    finally:
        # what a new kernel's interpreter does at exit, then leave without unwinding the
        # worker's own frames, which this process still has under it
        import atexit

        atexit._run_exitfuncs()
        for stream in (sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a closed stream at exit
                pass
        os._exit(code)


def _as_new_process(request: dict) -> None:
    """Make this forked process look like ``python -m exo_industry.kernel ...`` started anew."""
    import atexit
    import multiprocessing.process as mpp

    # file descriptors: empty standard input; the worker's pipes and sockets are not the
    # kernel's, so each is pointed at /dev/null (closing them would free numbers that the
    # worker's objects here still name)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd != null:
            try:
                os.dup2(null, fd)
            except OSError:
                pass
    os.close(null)
    atexit._clear()  # the worker's exit handlers are not the kernel's
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    main = object.__new__(mpp.BaseProcess)  # as multiprocessing makes its main process
    main.__dict__.update(_identity=(), _name="MainProcess", _parent_pid=None, _popen=None, _closed=False)
    main._config = {"authkey": mpp.AuthenticationString(os.urandom(32)), "semprefix": "/mp"}
    mpp._current_process = main
    mpp._parent_process = None
    mpp._children = set()
    from multiprocessing import forkserver, resource_tracker

    resource_tracker._resource_tracker.__init__()  # the fork server's helpers are not this process's
    forkserver._forkserver.__init__()
    sys.modules.pop("__mp_main__", None)
    from . import preload

    for name in preload.WORKER_ONLY:  # imported anew if a notebook asks for one
        sys.modules.pop(name, None)
    os.environ.clear()
    os.environ.update(request["env"])
    if request["cwd"]:
        os.chdir(request["cwd"])
    sys.path[:] = [os.getcwd(), *preload.BASE_PATH[1:]]
    sys.argv = [preload.kernel_file(), *request["argv"]]
    # ipykernel reads JPY_PARENT_PID when it is imported (the default of parent_handle), and
    # it was imported before this kernel's environment existed: give the app that value, so
    # the kernel watches its worker and exits if the worker dies, as a new kernel does
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.instance(parent_handle=int(os.environ.get("JPY_PARENT_PID") or 0))
    np = sys.modules.get("numpy")
    if np is not None:
        np.random.seed()
