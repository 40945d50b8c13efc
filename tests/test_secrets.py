"""Credentials come from the environment and never reach a notebook, a briefing, provenance or a log."""

import logging

import pytest

from exo_industry.errors import BadParameter
from exo_industry.redact import redact, redact_url
from helpers import make_notebook

TOKEN = "lens-test-token-7f3a9c2e"


def test_redact_url_and_text(monkeypatch):
    monkeypatch.setenv("LENS_API_TOKEN", TOKEN)
    assert TOKEN not in redact(f"Authorization: Bearer {TOKEN}")
    assert "api_key=***" in redact_url(
        "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi?db=pubmed&api_key=abcdef123456"
    )


@pytest.mark.notebook
def test_secret_never_in_executed_notebook_or_html(iso_env, monkeypatch, caplog):
    from exo_industry import report
    from exo_industry.execute import run_notebook

    monkeypatch.setenv("LENS_API_TOKEN", TOKEN)
    nbdir = iso_env / "nbs"
    make_notebook(
        nbdir,
        "95_leaky",
        "import os, logging\nprint('token is', os.environ['LENS_API_TOKEN'])\n"
        "logging.getLogger('x').warning('header Bearer %s', os.environ['LENS_API_TOKEN'])",
    )
    monkeypatch.setenv("EXO_NOTEBOOKS", str(nbdir))
    with caplog.at_level(logging.DEBUG):
        executed = run_notebook("95_leaky")
        html = report.export_notebook(executed)
    assert TOKEN not in executed.read_text() and "***" in executed.read_text()
    assert TOKEN not in html.read_text()
    assert TOKEN not in caplog.text


def test_secret_refused_as_parameter(iso_env, monkeypatch):
    from exo_industry.execute import check_parameters

    monkeypatch.setenv("LENS_API_TOKEN", TOKEN)
    with pytest.raises(BadParameter, match="holds a credential"):
        check_parameters("01_aging_demographics", {"country": TOKEN})


def test_http_errors_do_not_echo_the_key(replay, monkeypatch, iso_env):
    from exo_industry.errors import SourceError
    from exo_industry.http import Client

    monkeypatch.setenv("NCBI_API_KEY", "ncbi-key-0123456789")
    replay.add("GET", "/esearch.fcgi", b"bad key ncbi-key-0123456789", status=400)
    c = Client(replay.url, name="NCBI", cache=False, retries=0)
    with pytest.raises(SourceError) as err:
        c.get("esearch.fcgi", params={"db": "pubmed", "api_key": "ncbi-key-0123456789"})
    assert "ncbi-key-0123456789" not in str(err.value)


def test_bearer_token_not_in_http_cache(replay, monkeypatch, iso_env):
    """The on-disk cache keeps responses, never the credentials that fetched them."""
    import os
    from pathlib import Path

    from exo_industry.http import Client

    monkeypatch.setenv("UN_DATAPORTAL_TOKEN", "portal-token-5c1e0f7a")
    replay.add("GET", "/data", b'{"data": []}')
    c = Client(
        replay.url, name="portal", cache=True, headers={"Authorization": "Bearer portal-token-5c1e0f7a"}
    )
    c.get("data", params={"api_key": "query-key-9d8e7f6a"})
    assert c.get("data", params={"api_key": "query-key-9d8e7f6a"}).from_cache
    blobs = b"".join(p.read_bytes() for p in Path(os.environ["EXO_CACHE"]).rglob("*") if p.is_file())
    assert blobs and b"portal-token-5c1e0f7a" not in blobs and b"query-key-9d8e7f6a" not in blobs


def test_secret_in_url_value_redacted_before_encoding(monkeypatch):
    monkeypatch.setenv("EPO_OPS_SECRET", "s3cr/et+key==")
    assert "s3cr" not in redact_url("https://ops.epo.org/x?other=s3cr%2Fet%2Bkey%3D%3D")


def test_a_page_is_redacted_around_its_embedded_files(monkeypatch):
    """A secret in the page's text is masked; a base64 data: URI (chart, font, CSV) that happens
    to contain the same characters is left whole, since masking it would corrupt the file."""
    import base64

    from exo_industry.redact import redact_page

    monkeypatch.setenv("LENS_API_TOKEN", "QUJDRE")  # also a run of base64 characters
    blob = base64.b64encode(b"ABCDEFGH" * 4).decode()  # "QUJDREVGR0h..." holds it
    assert "QUJDRE" in blob
    page = (
        f'<p>token QUJDRE in text</p><img src="data:image/svg+xml;base64,{blob}" alt="x">'
        f'<a href="data:text/csv;charset=utf-8;base64,{blob}">csv</a><p>and QUJDRE again</p>'
    )
    out = redact_page(page)
    assert out.count(blob) == 2 and out.count("***") == 2 and "token *** in text" in out
    assert redact_page("Authorization: Bearer abcdefgh12345678") == redact(
        "Authorization: Bearer abcdefgh12345678"
    )


def test_briefing_writer_keeps_embedded_files_whole(iso_env, monkeypatch):
    import base64

    from exo_industry import report

    monkeypatch.setenv("LENS_API_TOKEN", "QUJDRE")
    blob = base64.b64encode(b"ABCDEFGH" * 4).decode()
    page = (
        "<html><head></head><body><p>QUJDRE</p>"
        f'<img src="data:image/svg+xml;base64,{blob}" alt="c"></body></html>'
    )
    text = report._write(iso_env / "page.html", page).read_text(encoding="utf-8")
    assert blob in text and "QUJDRE" not in text.replace(blob, "")
