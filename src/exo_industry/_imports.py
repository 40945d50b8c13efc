"""Start-up cost of the build's own processes (the CLI and its workers, not the kernels).

``nbformat`` imports ``jsonschema``. When jsonschema is imported, it tries to import the
optional package behind each of its string-format checkers, and jupyterlab's dependencies
install several of them. No notebook schema names a string format, and nbformat validates
without a format checker, so those packages are loaded for nothing. Three of them cost
enough to matter:

- ``rfc3987_syntax`` ("iri" formats) builds some forty Lark parsers at import time: 1 to 4 s
  per process on this project's 2-core machines;
- ``isoduration`` ("duration") brings in ``arrow`` and ``dateutil``: about 17 ms;
- ``rfc3986_validator`` ("uri", when ``rfc3987`` is absent) compiles its grammar: about 6 ms.

The two last ones sit on the path of every build: the fork server imports papermill before
it can fork the first worker. Marking a module as absent before jsonschema is first imported
makes jsonschema leave that checker out, as it does when the package is not installed; every
other validation stays as it was.
"""

from __future__ import annotations

import sys

UNUSED_FORMAT_MODULES = ("rfc3987_syntax", "isoduration", "rfc3986_validator")


def skip_unused_format_checkers() -> None:
    if "jsonschema" in sys.modules:  # too late: its checkers are made
        return
    for name in UNUSED_FORMAT_MODULES:
        if name not in sys.modules:
            sys.modules[name] = None  # `import <name>` now raises ImportError
