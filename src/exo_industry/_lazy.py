"""pandas, imported when a function first uses it.

Most of the package's modules are imported by a build's own process, which plans the runs:
the sections (their names, sources and the tables each notebook reads), the claims ledger,
the processed-data manifest. None of that needs pandas, and importing pandas (with numpy)
cost about 0.3 CPU-seconds there: half of a build with nothing to redo, and, in a build that
redoes a few runs, time taken from the fork server's imports on a 2-core machine. So those
modules name pandas through :data:`pd` here. Every use of ``pd.<name>`` is inside a function,
and the first one imports pandas; type checkers see the real module.

Kernels import pandas as usual (the fork server imports it eagerly, ``preload.py``), and so
do the plotting modules, which only notebooks load.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING


class LazyModule:
    """Stands for a module until one of its attributes is read; then imports it (once: Python
    keeps it in ``sys.modules``, under the import lock) and hands over the attribute."""

    def __init__(self, name: str):
        self.__dict__["_name"] = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self.__dict__["_name"]), attr)

    def __repr__(self) -> str:
        return f"<module {self.__dict__['_name']!r}, imported when first used>"


if TYPE_CHECKING:
    import pandas as pd
else:
    pd = LazyModule("pandas")
