"""Keep credentials out of logs, provenance, executed notebooks and HTML."""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .config import SECRET_VARS

# Query parameters and headers that carry credentials at one upstream or another.
SECRET_PARAMS = {"api_key", "apikey", "key", "token", "access_token", "client_secret", "mailto_key"}
SECRET_HEADERS = {"authorization", "x-api-key", "api-key"}
MASK = "***"


def secret_values() -> list[str]:
    values = []
    for var in SECRET_VARS:
        v = os.environ.get(var, "").strip()
        if len(v) >= 4:
            values.append(v)
    return sorted(values, key=len, reverse=True)


def redact(text: str) -> str:
    """Replace every secret value known from the environment by ***."""
    if not text:
        return text
    for value in secret_values():
        text = text.replace(value, MASK)
    return re.sub(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}", r"\1" + MASK, text)


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    query = [
        (k, MASK if k.lower() in SECRET_PARAMS else redact(v))
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return redact(urlunsplit(parts._replace(query=urlencode(query, safe=":;,*"))))


_installed = False


def install_log_redaction() -> None:
    """Redact secrets from every log record, whichever logger or handler it goes through.

    A record factory (rather than a filter) is used because filters on a logger do not
    see records that propagate from other loggers, such as papermill's kernel messages.
    """
    global _installed
    if _installed:
        return
    import logging

    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        secrets = secret_values()
        if secrets:
            try:
                message = record.getMessage()
            except Exception:  # a malformed record: leave it to logging to report
                return record
            if any(s in message for s in secrets):
                record.msg, record.args = redact(message), ()
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
