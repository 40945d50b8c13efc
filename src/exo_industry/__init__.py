"""exo_industry: a research compendium that rebuilds the numbers of a 2024 paper on
China's exosome industry from public data and exports them as policy briefings."""

__version__ = "0.1.0"

from .redact import install_log_redaction as _install_log_redaction  # noqa: E402

_install_log_redaction()
