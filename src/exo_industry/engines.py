"""The papermill engines runs use (registered by :func:`exo_industry.kernelpool.execute_notebook`).

Both are papermill's nbclient engine with one change each:

- ``FreshKernelEngine`` (a kernel per run) writes the executed copy less often
  (:class:`SparseSaves`);
- ``KeptKernelEngine`` does the same and runs in the kept kernel it is given (``km``),
  resetting it first (:func:`exo_industry.kernelpool.kernel_reset`).

This module imports papermill; kernelpool imports it only when a run starts.
"""

from __future__ import annotations

import os
import time
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, NotebookExecutionManager
from papermill.log import logger


class SparseSaves(NotebookExecutionManager):
    """papermill writes the whole executed copy (copied, validated, JSON) before and after
    every cell: about 20 writes per run here, of up to 0.6 MB and 8 ms each. This writes
    it when the run ends, error or not (``notebook_complete`` runs in a finally), and
    while it runs at most once per ``autosave_cell_every`` seconds (30 by default)."""

    done = False

    def save(self, **kwargs):
        since = (self.now() - self.last_save_time).total_seconds()
        if self.done or since >= self.autosave_cell_every:
            super().save(**kwargs)

    def notebook_complete(self, **kwargs):
        self.done = True
        super().notebook_complete(**kwargs)


class FreshKernelEngine(NBClientEngine):
    @classmethod
    def execute_notebook(
        cls,
        nb,
        kernel_name,
        output_path=None,
        progress_bar=True,
        log_output=False,
        autosave_cell_every=30,
        **kwargs,
    ):
        # papermill's Engine.execute_notebook, with the manager above
        nb_man = SparseSaves(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


class KeptKernelClient(PapermillNotebookClient):
    """papermill's client, which resets the kept kernel before the notebook's first cell and
    reuses the client connection the last run left (``kernelpool.kept_client``)."""

    def papermill_execute_cells(self):
        self._reset()
        super().papermill_execute_cells()

    def _reset(self):
        code = f"__import__('exo_industry.kernelpool').kernelpool.kernel_reset({os.getcwd()!r})"
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        content = (self.wait_for_reply(msg_id) or {}).get("content", {})
        if content.get("status") != "ok":
            raise RuntimeError(
                f"could not reset the kept kernel: {content.get('ename')}: {content.get('evalue')}"
            )

    def execute(self, **kw):
        from . import kernelpool

        self.kc = kernelpool.kept_client(self.km)
        if self.kc is None:  # nbclient connects a new client
            kernelpool.connections += 1
        ok = False
        try:
            result = super().execute(**kw)
            ok = True
            return result
        finally:  # a run that went well leaves its client connected for the next one
            kc, self.kc = self.kc, None
            if ok:
                kernelpool.keep_client(self.km, kc)
            elif kc is not None:
                kc.stop_channels()


class QuickReadyClient(AsyncKernelClient):
    """The kept kernel's client: ready as soon as its IOPub subscription is live.

    jupyter_client's ``wait_for_ready`` asks for ``kernel_info`` and then waits up to 0.2 s
    for a message on IOPub. The first reply usually comes before the new subscription is
    live, so that wait runs out and the kernel idles for 0.2 s. This one asks again every
    ``IOPUB_PROBE`` seconds instead; each request makes the kernel publish its status, and
    the first status that arrives shows the subscription works.

    It also connects again sooner. The client connects 15-25 ms after the kernel is launched;
    a forked kernel (prefork.py) binds its sockets 25-40 ms after, so the first connect often
    finds no peer. A ZeroMQ socket then tries again after its reconnect interval, 100 ms by
    default (``ZMQ_RECONNECT_IVL`` in libzmq's zmq_setsockopt(3); pyzmq reports the same),
    and the first request waited out most of that 0.1 s while the kernel sat ready. 10 ms
    between attempts costs a few wake-ups. Kernels of their own (``--fresh-kernels``, the
    benchmark's floors) keep papermill's client unchanged."""

    IOPUB_PROBE = 0.02
    RECONNECT_IVL_MS = 10

    def start_channels(self, *args, **kwargs):
        # the default for every socket this client's context makes from now on (the manager
        # makes a context for each kernel, so no other socket is affected)
        self.context.setsockopt(zmq.RECONNECT_IVL, self.RECONNECT_IVL_MS)
        return super().start_channels(*args, **kwargs)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=self.IOPUB_PROBE)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():  # words execute.py looks for
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


class KeptKernelEngine(FreshKernelEngine):
    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        # NBClientEngine's own method, with the client above (km arrives in kwargs)
        kwargs.pop("input_path", None)
        return KeptKernelClient(
            nb_man,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            **kwargs,
        ).execute()


class PreforkKernelManager(AsyncKernelManager):
    """The kept kernel's manager: its kernel is the worker's waiting fork when that can serve
    the launch (:mod:`exo_industry.prefork`), and a new process otherwise.

    It also notices sooner that a stopped kernel has gone. A kept kernel is stopped with
    SIGKILL (``kernelpool.discard``) when its worker ends; jupyter_client then looks every
    0.1 s whether the process has exited, and the first look comes before the signal has
    taken effect, so each worker outlived its kernel by 0.1 s, at the end of every build."""

    STOP_POLL = 0.005  # seconds between looks at a stopping kernel (jupyter_client's: 0.1)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        await super()._async_wait(pollinterval=min(pollinterval, self.STOP_POLL))

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        from . import prefork

        env = kw.get("env")
        if prefork.usable(kernel_cmd, env) is not None:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        cwd = kw.get("cwd") or os.getcwd()  # a new kernel starts where its worker is (papermill's cwd)
        child = prefork.launch(kernel_cmd, env, cwd)
        provisioner = self.provisioner
        provisioner.process = child
        provisioner.pid = provisioner.pgid = child.pid  # the child leads a session of its own
        provisioner.cwd = cwd
        self._reconcile_connection_info(provisioner.connection_info)
