"""What build workers and their first kernels import once, in multiprocessing's fork server.

A build's workers are forked from a fork server that has imported this module, so each
worker, and the kernel it forks, starts with these modules in memory instead of importing
them itself (:mod:`exo_industry.prefork`).

Importing them must leave them as a new kernel would have them. The only module here
that reads the environment when it is imported is matplotlib (``MPLBACKEND``); a kernel
has that set to its inline backend before any notebook imports matplotlib, so it is set
the same way while matplotlib is imported here, and the environment is then put back.

The kernel's modules are imported first. What the worker's modules bring in besides them
(papermill, nbformat, and jsonschema without the format checkers no notebook uses:
``_imports.py``) is noted in ``WORKER_ONLY``; a forked kernel drops those packages, and the
checkers' modules marked absent, from ``sys.modules``, so a notebook that imports one gets it
as a new kernel would.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import os
import signal
import sys

from .prefork import exit_with_parent

ENV = dict(os.environ)  # the environment these modules were imported under
BASE_PATH = list(sys.path)  # the build's (multiprocessing passes it): its script folder, then the rest
INLINE = "module://matplotlib_inline.backend_inline"  # what ipykernel sets (IPKernelApp.initialize)
_WORKER = ("papermill", "nbclient", "jupyter_client.manager", "exo_industry.engines", "exo_industry.runcache")
WORKER_ONLY: frozenset[str] = frozenset()  # set by _load
_KERNEL = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "seaborn",
    "exo_industry.nbtools",
    "exo_industry.theme",
    "exo_industry.processed",
)


def kernel_file() -> str:
    """``sys.argv[0]`` of ``python -m exo_industry.kernel``: the module's file."""
    return importlib.util.find_spec("exo_industry.kernel").origin


def _load() -> None:
    global WORKER_ONLY
    set_here = not os.environ.get("MPLBACKEND")
    if set_here:
        os.environ["MPLBACKEND"] = INLINE
    # A build with nothing to run ends before these imports do (prefork.prestart); this fork
    # server then stops at once, rather than hold the build's output open until they finish
    stop_watching = exit_with_parent()
    # Ctrl-C reaches the build's whole process group; the build reports it, so the fork
    # server should not print a traceback of whichever import it was in (it ignores the
    # signal itself once serving, and gives its workers the handler it had before)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The imports make about 260,000 objects that live as long as the process. The cycle
    # collector would walk them again and again while they are made (0.1 s here), and each
    # forked worker and kernel would walk them once more, writing to every page it touches,
    # so that the pages stop being shared. So, as the gc module's documentation advises for
    # a process that forks without exec: no collection during the imports, then freeze what
    # exists (the collector leaves frozen objects alone), then collect as usual again. The
    # workers and kernels inherit an enabled collector, as a new process has. The price: the
    # imports' own garbage (some 7,700 objects) is frozen with the rest, not freed.
    gc.disable()
    try:
        try:
            for name in _KERNEL:
                importlib.import_module(name)
            from . import sections

            for name in sections.names():  # each section, and the plots its notebook draws with
                module = sections.get(name)
                if importlib.util.find_spec(f"{module.__name__}.plots") is not None:
                    importlib.import_module(f"{module.__name__}.plots")
        finally:
            if set_here:
                os.environ.pop("MPLBACKEND", None)
        kernel = set(sys.modules)
        from ._imports import skip_unused_format_checkers

        skip_unused_format_checkers()  # before papermill imports nbformat and jsonschema (_imports.py)
        for name in _WORKER:
            importlib.import_module(name)
    finally:
        gc.freeze()
        gc.enable()
        stop_watching()
        signal.signal(signal.SIGINT, previous)

    # whole packages the kernel's modules did not touch (not the standard library's, and not
    # more modules of a package the kernel already has: a kernel may import those anyway,
    # nor helper modules that compiled extensions share, such as Cython's and mypyc's)
    def dropped(name: str) -> bool:
        top = name.partition(".")[0]
        return top.isidentifier() and not top.startswith("_") and top not in touched

    touched = {m.partition(".")[0] for m in kernel} | set(sys.stdlib_module_names)
    WORKER_ONLY = frozenset(m for m in set(sys.modules) - kernel if dropped(m))


_load()
