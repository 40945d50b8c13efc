"""Keep credentials out of logs, provenance, executed notebooks and HTML."""

from __future__ import annotations

import base64
import os
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .config import SECRET_VARS

# Query parameters and headers that carry credentials at one upstream or another.
SECRET_PARAMS = {
    "api_key", "apikey", "key", "token", "access_token", "client_secret", "mailto_key",
    "email", "mailto",  # NCBI's and OpenAlex's contact address: personal data, kept out too
}  # fmt: skip
# Personal values that are not credentials but are kept out of logs, messages and the cache.
PERSONAL_VARS = ("NCBI_EMAIL", "EXO_MAILTO", "OPENALEX_MAILTO")
# Credential forms recognised by their shape, whatever their value.
_PATTERNS = (
    re.compile(r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"(?i)(\bbasic\s+)[A-Za-z0-9+/=]{8,}"),
    re.compile(
        r"(?i)(\b(?:access_token|api_key|apikey|client_secret)[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9._~+/=-]{8,}"
    ),
)
SECRET_HEADERS = {"authorization", "x-api-key", "api-key"}
MASK = "***"


def secret_values() -> list[str]:
    """Every secret known from the environment, longest first, with its encoded forms
    (the Basic credential base64(key:secret) of EPO OPS, URL-encoded values)."""
    from urllib.parse import quote

    values = set()
    for var in SECRET_VARS + PERSONAL_VARS:
        v = os.environ.get(var, "").strip()
        if len(v) >= 4:
            values.update({v, quote(v, safe=""), quote(v, safe="@")})
    key, secret = os.environ.get("EPO_OPS_KEY", "").strip(), os.environ.get("EPO_OPS_SECRET", "").strip()
    if key and secret:
        values.add(base64.b64encode(f"{key}:{secret}".encode()).decode("ascii"))
    return sorted(values, key=len, reverse=True)


def redact(text: str) -> str:
    """Replace every secret value known from the environment by ***."""
    if not text:
        return text
    for value in secret_values():
        text = text.replace(value, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(r"\1" + MASK, text)
    return text


# An embedded file: a chart, a font subset or a CSV download, base64-encoded.
_DATA_URI = re.compile(r"data:[\w.+-]+/[\w.+-]+(?:;[\w.+-]+=[\w.+-]+)*;base64,[A-Za-z0-9+/=]+")


def redact_page(page: str) -> str:
    """:func:`redact` for an HTML page, around its base64 data: URIs rather than inside them.

    Inside such a URI a secret would be base64-encoded, where :func:`redact` cannot see it
    anyway, while a short secret value could match a run of base64 characters by chance and
    masking it would corrupt the chart or font. Skipping them also spares scanning the
    megabytes they make up."""
    out, last = [], 0
    for m in _DATA_URI.finditer(page):
        out += [redact(page[last : m.start()]), m.group(0)]
        last = m.end()
    out.append(redact(page[last:]))
    return "".join(out)


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
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record: leave it to logging to report
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
