"""Data sources: one module per upstream API or export format.

Every source module defines:

- ``NAME``, ``TITLE``, ``LICENCE``, ``HOME``;
- ``add_fetch_arguments(parser)`` and ``fetch(store, **options) -> list[Entry]``: the live route;
- ``import_files(store, paths) -> list[Entry]``: the import route for files downloaded
  from the same source (the kind of each file is detected; a wrong file is rejected
  before anything is stored);
- ``mirror_files(shared_data) -> list[Path]``: which files of the offline mirror
  (``../shared/data``) the import route takes, for ``exo-industry import SOURCE --mirror``
  and the provenance test.

Modules are found by name; adding ``sources/foo.py`` adds source ``foo``.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from ..errors import BadParameter

_REQUIRED = ("NAME", "TITLE", "LICENCE", "fetch", "import_files", "mirror_files", "add_fetch_arguments")


def names() -> list[str]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            found.append(info.name)
    return sorted(found)


def get(name: str) -> ModuleType:
    if name not in names():
        raise BadParameter(f"unknown source {name!r}; known sources: {', '.join(names())}")
    module = importlib.import_module(f"{__name__}.{name}")
    missing = [a for a in _REQUIRED if not hasattr(module, a)]
    if missing:
        raise TypeError(f"source module {name} lacks {', '.join(missing)}")
    return module


def all_sources() -> list[ModuleType]:
    return [get(n) for n in names()]
