"""The notebook kernel: ipykernel's own app, with one misleading log line dropped.

When papermill shuts a kernel down after a successful run, jupyter_client first interrupts
it (SIGINT) and then asks it to stop; a kernel that is inside a message handler at that
moment logs ``KeyboardInterrupt caught in kernel.`` at ERROR level, which made every
successful ``make all`` print an error. This launcher starts the same ``IPKernelApp`` as
``python -m ipykernel_launcher`` and filters exactly that record; every other kernel log
record passes unchanged.
"""

from __future__ import annotations

import logging
import sys

SHUTDOWN_NOISE = "KeyboardInterrupt caught in kernel"


class DropShutdownInterrupt(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(SHUTDOWN_NOISE)


def main() -> None:
    if sys.path and sys.path[0] == "":  # as ipykernel_launcher: not the launcher's folder
        del sys.path[0]
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize()
    noise = DropShutdownInterrupt()
    for log in {app.log, getattr(app.kernel, "log", app.log)}:
        log.addFilter(noise)
        for handler in log.handlers:
            handler.addFilter(noise)
    app.start()


if __name__ == "__main__":
    main()
