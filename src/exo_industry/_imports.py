"""Start-up cost of the build's own processes (the CLI and its workers, not the kernels).

``nbformat`` imports ``jsonschema``, whose format checkers import ``rfc3987_syntax`` when it
is installed (jupyterlab's dependencies bring it in); that module builds some forty Lark
parsers at import time, 1 to 4 s per process on this project's 2-core machines, for the
"iri" string formats that no notebook schema uses. Marking the module as absent before
``jsonschema`` is first imported makes jsonschema skip those two checkers (it treats the
module as an optional extra) and leaves every other validation as it was.
"""

from __future__ import annotations

import sys


def skip_iri_format_checker() -> None:
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # `import rfc3987_syntax` now raises ImportError
