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
    query = [(k, MASK if k.lower() in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return redact(urlunsplit(parts._replace(query=urlencode(query, safe=":;,"))))
