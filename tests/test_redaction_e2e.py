"""Contact addresses and API keys stay out of everything a verbose fetch leaves behind (issue 11).

`exo-industry -v fetch pubmed|openalex` runs against the replay server with NCBI_EMAIL,
EXO_MAILTO, OPENALEX_MAILTO, NCBI_API_KEY and OPENALEX_API_KEY set to values made for this
run. The requests must carry them (else the test proves nothing); afterwards stdout,
stderr, the log records and every file under the temporary EXO_RAW, EXO_CACHE, ... (sidecars
included) are searched for each value, raw, URL-encoded (any case) and base64-encoded.
The same holds on an error path: a server answering 500 with a body that echoes the request.
The in-process run sees the log records; a subprocess run sees what `-v` really prints.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import pytest

from exo_industry import cli
from test_literature import ncbi_fixture, year_body

TAG = uuid.uuid4().hex[:10]
VALUES = {
    "NCBI_EMAIL": f"ncbi.reader+{TAG}@mail-ncbi.example",
    "EXO_MAILTO": f"exo.contact+{TAG}@mail-exo.example",
    "OPENALEX_MAILTO": f"oa.polite+{TAG}@mail-oa.example",
    "NCBI_API_KEY": f"ncbikey{TAG}xyz",
    "OPENALEX_API_KEY": f"oakey-{TAG}-q",
}
YEAR = ["--country", "CN", "--topic", "exosomes", "--start", "2020", "--end", "2020"]
# (source, contact variable) -> (fetch arguments, request path, the variables each request carries)
RUNS = {
    ("pubmed", "NCBI_EMAIL"): (YEAR, "/esearch.fcgi", ("NCBI_EMAIL", "NCBI_API_KEY")),
    ("pubmed", "EXO_MAILTO"): (YEAR, "/esearch.fcgi", ("EXO_MAILTO", "NCBI_API_KEY")),
    ("openalex", "EXO_MAILTO"): ([*YEAR, "--top", "0"], "/works", ("EXO_MAILTO", "OPENALEX_API_KEY")),
    ("openalex", "OPENALEX_MAILTO"): (
        [*YEAR, "--top", "0"],
        "/works",
        ("OPENALEX_MAILTO", "OPENALEX_API_KEY"),
    ),
}


def forms(value: str) -> set[str]:
    """Ways a value can show up in text: as is, URL-encoded (either hex case) and the parts of a
    base64 text that hold it whatever its alignment."""
    out = {value, quote(value, safe=""), quote_plus(value), quote(value, safe="@")}
    out |= {f.lower() for f in out} | {f.upper() for f in out if "%" in f}
    raw = value.encode()
    for shift in range(3):
        enc = base64.b64encode(b"\0" * shift + raw).decode()
        core = enc[4 if shift else 0 : -4]  # groups that depend on the value alone
        out.update({core, base64.urlsafe_b64encode(b"\0" * shift + raw).decode()[4 if shift else 0 : -4]})
    return {f for f in out if len(f) >= 6}


def leaks(text: str, where: str) -> list[str]:
    found = []
    for var, value in VALUES.items():
        for form in forms(value):
            if form in text:
                found.append(f"{var} ({form!r}) in {where}")
    return found


def scan_tree(root: Path) -> tuple[list[str], int]:
    found, files = [], 0
    for p in sorted(root.rglob("*")):
        if p.is_file():
            files += 1
            found += leaks(p.read_bytes().decode("utf-8", "replace"), str(p.relative_to(root)))
    return found, files


def echo_rule(method, path, query, headers, body):
    """A hostile server error: 500, the request echoed back encoded and decoded, contact and key
    first (the message shows only the start of an error body)."""
    query = {k: query[k] for k in sorted(query, key=lambda k: k not in ("email", "mailto", "api_key"))}
    echoed = f"internal error on {method} {path}?{urlencode(query, doseq=True)} {json.dumps(query)}"
    return 500, {"Content-Type": "text/plain"}, echoed.encode()


@pytest.fixture
def env(iso_env, monkeypatch):
    for var in VALUES:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NCBI_API_KEY", VALUES["NCBI_API_KEY"])
    monkeypatch.setenv("OPENALEX_API_KEY", VALUES["OPENALEX_API_KEY"])
    monkeypatch.setenv("EXO_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("EXO_HTTP_RETRIES", "1")
    return iso_env


def serve(replay, source: str, fail: bool) -> None:
    if fail:
        replay.add_rule(echo_rule)
    elif source == "pubmed":
        replay.add("GET", "/esearch.fcgi", ncbi_fixture("esearch1.xml").read_bytes(),
                   headers={"Content-Type": "text/xml"})  # fmt: skip
    else:
        replay.add("GET", "/works", year_body({2020: 5}))


def check_sent(replay, path: str, carried) -> None:
    """The values did reach the server (in the query string), so there was something to hide."""
    assert replay.log and all(r.path == path for r in replay.log)
    sent = json.dumps([r.query for r in replay.log])
    for var in carried:
        assert VALUES[var] in sent, f"{var} was not sent; the scan below would prove nothing"


@pytest.mark.parametrize("fail", [False, True], ids=["ok", "500-echo"])
@pytest.mark.parametrize("run", sorted(RUNS), ids=lambda r: "-".join(r))
def test_verbose_fetch_leaves_no_credential(run, fail, replay, env, monkeypatch, capsys, caplog):
    source, mail_var = run
    args, path, carried = RUNS[run]
    monkeypatch.setenv(mail_var, VALUES[mail_var])
    serve(replay, source, fail)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")  # a quiet run before may have raised its level
    code = cli.main(["-v", "fetch", source, *args, "--base-url", replay.url])
    out = capsys.readouterr()
    check_sent(replay, path, carried)
    assert code == (2 if fail else 0), out.err
    logged = caplog.text
    assert path in logged  # the verbose log does name the requests (urllib3's and ours)
    if fail:
        assert "HTTP 500" in out.err and "internal error on GET" in out.err  # the echo is shown, masked:
        assert "api_key=***" in out.err and re.search(r"(email|mailto)=\*\*\*", out.err), out.err
    found = leaks(out.out, "stdout") + leaks(out.err, "stderr") + leaks(logged, "log records")
    found += leaks(json.dumps([[r.msg, str(r.args)] for r in caplog.records]), "raw log record fields")
    in_files, files = scan_tree(env)
    if not fail:
        assert files >= 3  # a stored page, its sidecar and a cache entry at least
        assert any(Path(os.environ["EXO_CACHE"]).rglob("*.json"))
    assert found + in_files == []


@pytest.mark.parametrize("fail", [False, True], ids=["ok", "500-echo"])
def test_verbose_cli_stderr_in_a_subprocess(fail, replay, env, monkeypatch):
    """What `exo-industry -v` really prints (logging configured by the CLI itself)."""
    for var in ("NCBI_EMAIL", "OPENALEX_MAILTO"):
        monkeypatch.setenv(var, VALUES[var])
    for source, path in (("pubmed", "/esearch.fcgi"), ("openalex", "/works")):
        replay.rules.clear()
        replay.exchanges.clear()
        replay.log.clear()
        serve(replay, source, fail)
        args = RUNS[(source, "NCBI_EMAIL" if source == "pubmed" else "OPENALEX_MAILTO")][0]
        done = subprocess.run(
            [sys.executable, "-m", "exo_industry", "-v", "fetch", source, *args, "--base-url", replay.url],
            capture_output=True, text=True, timeout=60, env=dict(os.environ),
        )  # fmt: skip
        check_sent(replay, path, ("NCBI_EMAIL", "NCBI_API_KEY") if source == "pubmed"
                   else ("OPENALEX_MAILTO", "OPENALEX_API_KEY"))  # fmt: skip
        assert done.returncode == (2 if fail else 0), done.stderr
        assert f'"GET {path}?' in done.stderr  # urllib3's request line, query string included
        found = leaks(done.stdout, f"{source} stdout") + leaks(done.stderr, f"{source} stderr")
        assert found == []
    in_files, _ = scan_tree(env)
    assert in_files == []
