"""EPO Open Patent Services (OPS v3.2): published-data search with bibliographic data.

Live route (needs a registered OPS application: consumer key and secret in
``EPO_OPS_KEY`` / ``EPO_OPS_SECRET``; neither is ever logged or stored):

1. OAuth client credentials: ``POST {base}/auth/accesstoken`` with HTTP Basic
   ``key:secret`` and ``grant_type=client_credentials``; the answer's ``access_token``
   (valid about 20 minutes) is sent as a bearer header; on a 401 during the run the
   token is fetched again once. That exchange never goes through the HTTP cache.
2. CQL search with the ``biblio`` constituent:
   ``GET {base}/rest-services/published-data/search/biblio?q=<CQL>&Range=1-100`` (the range
   as a URL parameter, as in the recorded request of the mirror's fixtures, so that each page
   has its own cache key).
   OPS returns at most 100 documents per request and serves ranges only up to 2,000;
   the query is therefore split by publication year (``pd within "YYYY0101 YYYY1231"``), and a year
   with more than 2,000 hits is split again by halves of its dates until each part is below
   the cap (:func:`search_span`); the year is complete only when its parts' totals add up to
   its own total (stored with the year: ``parts``, ``parts_total``).
   A 404 with ``SERVER.EntityNotFound`` means "no hits" and gives an empty year.
3. Every answer carries ``X-Throttling-Control``, e.g.
   ``idle (images=green:200, inpadoc=green:60, other=green:1000, retrieval=green:200, search=green:30)``:
   the system state and, per service, a colour and the allowed requests per minute. The
   client spaces its requests to the ``search`` allowance, waits longer when the colour
   is yellow or red or the state is ``busy``/``overloaded``, and stops with a clear error
   when the service is ``black`` (refused). A 403 with ``X-Rejection-Reason`` (a quota
   used up) becomes an error naming the reason.

Bibliographic data for one document: ``GET {base}/rest-services/published-data/
publication/docdb/{CC.number.kind}/biblio`` (:func:`biblio`).

CQL for the default query: ``ta`` (title or abstract) ``any "exosome exosomes"`` or the
phrases ``extracellular vesicle(s)``; OPS has no claims field, so claims-only matches
are missed (Lens searches claims too). OPS does no stemming, so "exosomal" is not found;
the Lens route switches its stemming off (``stemming: false``) so both search the same
word forms, but the fields still differ (Lens: title, abstract, claims; OPS: title and
abstract): the two series count different sets and are compared as such, not as one figure.

Import route:
- saved OPS answers (``ops:world-patent-data`` XML: a search with biblio, or a biblio);
- the mirror's Espacenet/OPS result list from NeuroCell_Intel
  (``patents_cumulative.csv``: publication office, number, kind, applicants with
  ``[CC]`` nationality codes, publication and priority dates). It is a filtered slice
  (CNS uses only) and carries no family id: families are approximated there by equal
  earliest priority date and applicant countries.
"""

from __future__ import annotations

import base64
import datetime as _dt
import logging
import os
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from .._lazy import pd
from ..config import secret
from ..errors import BadParameter, MalformedFile, SourceError
from ..store import Entry, RawStore, newest_query_only
from . import _patents as P
from ._files import csv_frame, first_line, import_validated, require_columns, text_of

log = logging.getLogger(__name__)

NAME = "epo_ops"
TITLE = "EPO Open Patent Services (published data, DOCDB bibliographic data)"
LICENCE = "EPO OPS terms and conditions (fair use); data from EPO DOCDB"
HOME = "https://www.epo.org/en/searching-for-patents/data/web-services/ops"
CITATION = "European Patent Office, Open Patent Services (OPS) v3.2, published-data service."
API_URL = "https://ops.epo.org/3.2"
KEY_VAR, SECRET_VAR = "EPO_OPS_KEY", "EPO_OPS_SECRET"
DEFAULT_CQL = 'ta any "exosome exosomes" or ta="extracellular vesicle" or ta="extracellular vesicles"'
PAGE = 100
OPS_RANGE_LIMIT = 2000
NS = {"ops": "http://ops.epo.org", "ex": "http://www.epo.org/exchange"}
NEUROCELL_COLUMNS = [
    "country",
    "publication_number",
    "kind",
    "title",
    "applicants",
    "publication_date",
    "priority_date",
]
COLOUR_PAUSE = {"green": 1.0, "yellow": 2.0, "red": 4.0}


# --------------------------------------------------------------------------- throttling
@dataclass
class Throttle:
    state: str
    services: dict[str, tuple[str, int]] = field(default_factory=dict)

    def interval(self, service: str = "search") -> float:
        """Seconds to wait between requests to ``service`` under this state."""
        colour, per_minute = self.services.get(service, ("green", 30))
        if colour == "black":
            raise SourceError(
                f"EPO OPS refuses {service} requests now (throttling colour black, state {self.state})",
                hint="wait a while and run the fetch again",
            )
        base = 60.0 / max(per_minute, 1)
        factor = COLOUR_PAUSE.get(colour, 4.0) * (2.0 if self.state in ("busy", "overloaded") else 1.0)
        return base * factor


def parse_throttling(header: str | None) -> Throttle | None:
    """``idle (images=green:200, ..., search=green:30)`` -> Throttle; None if absent or unreadable."""
    if not header:
        return None
    m = re.match(r"\s*(\w+)\s*\((.*)\)\s*$", header)
    if not m:
        return None
    services = {}
    for part in m.group(2).split(","):
        mm = re.match(r"\s*(\w+)=(\w+):(\d+)\s*$", part)
        if mm:
            services[mm.group(1)] = (mm.group(2).lower(), int(mm.group(3)))
    return Throttle(m.group(1).lower(), services)


# --------------------------------------------------------------------------- XML parsing
def _root(data: bytes, name: str) -> ET.Element:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise MalformedFile(
            f"{name} is not complete XML ({exc})",
            hint="the answer may have been cut short; nothing was stored",
        ) from None
    if root.tag != f"{{{NS['ops']}}}world-patent-data":
        fault = root.find(".//{*}message") if root is not None else None
        raise MalformedFile(
            f"{name} is not an OPS world-patent-data document (root {root.tag!r})"
            + (f": {fault.text}" if fault is not None and fault.text else "")
        )
    return root


def _text(el, path: str) -> str:
    found = el.find(path, NS) if el is not None else None
    return (found.text or "").strip() if found is not None and found.text else ""


def search_meta(root: ET.Element) -> dict:
    bs = root.find("ops:biblio-search", NS)
    if bs is None:
        return {}
    rng = bs.find("ops:range", NS)
    return {
        "total": int(bs.get("total-result-count", "0")),
        "count": int(bs.get("publications-count", "0")),
        "begin": int(rng.get("begin")) if rng is not None else None,
        "end": int(rng.get("end")) if rng is not None else None,
        "query": _text(bs, "ops:query"),
    }


def document_row(doc: ET.Element, dataset: str) -> dict:
    bib = doc.find("ex:bibliographic-data", NS)
    office, number, kind = doc.get("country", ""), doc.get("doc-number", ""), doc.get("kind", "")
    pub = (
        bib.find("ex:publication-reference/ex:document-id[@document-id-type='docdb']", NS)
        if bib is not None
        else None
    )
    app = bib.find("ex:application-reference", NS) if bib is not None else None
    app_docdb = app.find("ex:document-id[@document-id-type='docdb']", NS) if app is not None else None
    app_epodoc = app.find("ex:document-id[@document-id-type='epodoc']", NS) if app is not None else None
    prios = []
    for pc in bib.findall("ex:priority-claims/ex:priority-claim", NS) if bib is not None else []:
        ep = pc.find("ex:document-id[@document-id-type='epodoc']", NS)
        num, date = _text(ep, "ex:doc-number"), P.iso_date(_text(ep, "ex:date"))
        if date:
            prios.append((date, num[:2]))
    app_date = P.iso_date(_text(app_epodoc, "ex:date") or _text(app_docdb, "ex:date"))
    if prios:
        prio_date, prio_office = min(prios)
    else:  # no priority claimed: this application is the first filing
        prio_date, prio_office = app_date, _text(app_docdb, "ex:country")
    names, countries = [], set()
    for a in bib.findall("ex:parties/ex:applicants/ex:applicant", NS) if bib is not None else []:
        nm = _text(a, "ex:applicant-name/ex:name")
        if a.get("data-format") == "epodoc":
            countries.update(P.bracket_countries(nm))
            names.append(re.sub(r"\s*\[[A-Z]{2}\]\s*$", "", nm).strip())
    titles = bib.findall("ex:invention-title", NS) if bib is not None else []
    title = (
        next((t.text or "" for t in titles if t.get("lang") == "en"), titles[0].text if titles else "") or ""
    )
    return {
        "dataset": dataset,
        "doc_id": f"{office}{number}{kind}",
        "pub_office": office,
        "kind": kind,
        "pub_date": P.iso_date(_text(pub, "ex:date")),
        "app_id": f"{_text(app_docdb, 'ex:country')}{_text(app_docdb, 'ex:doc-number')}"
        if app_docdb is not None
        else "",
        "app_date": app_date,
        "priority_date": prio_date,
        "priority_office": prio_office,
        "family_id": f"docdb:{doc.get('family-id')}" if doc.get("family-id") else f"doc:{office}{number}",
        "family_basis": "docdb family" if doc.get("family-id") else "single document",
        "applicant_countries": P.join(sorted(countries)),
        "applicants": P.join(names),
        "title": title.strip(),
    }


def parse_xml(data: bytes, name: str) -> tuple[str, pd.DataFrame, dict]:
    """(kind, documents, search meta) of a saved OPS answer."""
    root = _root(data, name)
    meta = search_meta(root)
    docs = root.findall(".//ex:exchange-documents/ex:exchange-document", NS)
    if meta:
        kind = "ops_search_biblio" if docs else "ops_search"
        if not docs:  # a search without the biblio constituent: references only
            refs = root.findall(".//ops:search-result/ops:publication-reference", NS)
            rows = []
            for r in refs:
                d = r.find("ex:document-id[@document-id-type='docdb']", NS)
                office, number, kind_ = _text(d, "ex:country"), _text(d, "ex:doc-number"), _text(d, "ex:kind")
                rows.append(
                    {
                        "dataset": name,
                        "doc_id": f"{office}{number}{kind_}",
                        "pub_office": office,
                        "kind": kind_,
                        "family_id": f"docdb:{r.get('family-id')}",
                        "family_basis": "docdb family",
                    }
                )
            return kind, P.frame(rows), meta
    elif docs:
        kind = "ops_biblio"
    else:
        raise MalformedFile(f"{name}: an OPS document with neither search results nor bibliographic data")
    return kind, P.frame([document_row(d, name) for d in docs]), meta


# --------------------------------------------------------------------------- NeuroCell CSV
def parse_neurocell(text: str, name: str) -> pd.DataFrame:
    df = csv_frame(text, name, dtype=str, keep_default_na=False)
    require_columns(df, NEUROCELL_COLUMNS, name)
    rows = []
    for r in df.to_dict("records"):
        countries = P.bracket_countries(r["applicants"])
        prio = P.iso_date(r["priority_date"])
        names = [n.strip() for n in re.findall(r"([^,\[\]]+?)\s*\[[A-Z]{2}\]", r["applicants"])]
        rows.append(
            {
                "dataset": name,
                "doc_id": f"{r['country']}{r['publication_number']}{r['kind']}",
                "pub_office": r["country"],
                "kind": r["kind"],
                "pub_date": P.iso_date(r["publication_date"]),
                "app_id": "",
                "app_date": "",
                "priority_date": prio,
                "priority_office": "",  # the list gives the priority date but not the office
                "family_id": f"approx:{prio}|{'+'.join(countries)}"
                if prio
                else f"doc:{r['country']}{r['publication_number']}",
                "family_basis": "approximate: priority date + applicant countries",
                "applicant_countries": P.join(countries),
                "applicants": P.join(sorted(set(names))),
                "title": r["title"],
            }
        )
    return P.frame(rows)


# --------------------------------------------------------------------------- import
def detect_kind(data: bytes, name: str) -> str:
    text = text_of(data, name)
    head = first_line(text)
    if head.startswith("<?xml") or head.startswith("<ops:world-patent-data"):
        return parse_xml(data, name)[0]
    cols = [c.strip().strip("\"") for c in head.split(",")]
    if all(c in cols for c in NEUROCELL_COLUMNS):
        return "neurocell_epo_csv"
    raise MalformedFile(
        f"{name} is not an EPO OPS file this importer knows (first line: {head[:100]!r})",
        hint="expected a saved OPS answer (XML) or an Espacenet/OPS result list CSV with country, "
        "publication_number, kind, applicants, publication_date, priority_date",
    )


def parse(kind: str, data: bytes, name: str) -> pd.DataFrame:
    if kind == "neurocell_epo_csv":
        return parse_neurocell(text_of(data, name), name)
    if kind in ("ops_search_biblio", "ops_search", "ops_biblio"):
        return parse_xml(data, name)[1]
    raise MalformedFile(f"{name}: unknown EPO OPS file kind {kind!r}")


def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    def check(path: Path, data: bytes) -> dict:
        kind = detect_kind(data, path.name)
        n = len(parse(kind, data, path.name))
        if n == 0:
            raise MalformedFile(f"{path.name} holds no patent documents")
        if kind != "neurocell_epo_csv":
            return {"kind": kind, "licence": LICENCE, "citation": CITATION}
        return {
            "kind": kind,
            "licence": "none stated (NeuroCell_Intel repository); bibliographic data from EPO",
            "citation": CITATION,
            "notes": (
                f"{n} exosome/EV patent publications for CNS uses (NeuroCell_Intel EPO OPS search, "
                "filtered by an embedding relevance score): a narrow slice, not a country series"
            ),
        }

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    f = Path(shared) / "patents" / "epo_exosome_ev_cns_patents_NeuroCell" / "patents_cumulative.csv"
    return [f]  # a missing file (or folder) is reported by the caller as missing


def load_documents(store: RawStore) -> tuple[pd.DataFrame, list[Entry]]:
    frames, used = [], []
    for kind in ("neurocell_epo_csv", "ops_search_biblio", "ops_biblio"):
        found = store.find(NAME, kind)
        if kind == "ops_search_biblio":  # one search's years only, the newest
            found, _ = newest_query_only(found, ("cql_base",))
        for e in found:
            df = parse(kind, store.read_bytes(e), e.name)
            if len(df):
                frames.append(df)
                used.append(e)
    return (pd.concat(frames, ignore_index=True) if frames else P.frame([])), used


# --------------------------------------------------------------------------- live
class OPSClient:
    """OAuth + throttled requests to OPS on top of :class:`exo_industry.http.Client`."""

    def __init__(self, base_url: str = API_URL, client=None, auth_client=None, sleep=time.sleep):
        from ..http import Client

        self.key, self.secret_ = secret(KEY_VAR), secret(SECRET_VAR)
        if not (self.key and self.secret_):
            raise SourceError(
                f"EPO OPS needs {KEY_VAR} and {SECRET_VAR} in the environment",
                hint="register an app at developers.epo.org and export its consumer key and secret",
            )
        self.client = client or Client(base_url, name="EPO OPS", min_interval=2.0)
        # the token exchange never goes through the cache
        self.auth_client = auth_client or Client(base_url, name="EPO OPS auth", cache=False, retries=2)
        self.sleep = sleep
        self.token: str | None = None
        self.throttle: Throttle | None = None
        self.last_status: int | None = None
        self.last_headers: dict = {}
        self.last_body: bytes = b""

    def _hook(self, resp, *args, **kw):
        self.last_status = resp.status_code
        self.last_headers = dict(resp.headers)
        if resp.status_code >= 400:
            self.last_body = resp.content[:2000]
        t = parse_throttling(resp.headers.get("X-Throttling-Control"))
        if t is not None:
            self.throttle = t
        return resp

    def authenticate(self) -> None:
        basic = base64.b64encode(f"{self.key}:{self.secret_}".encode()).decode()
        try:
            resp = self.auth_client.request(
                "POST",
                "auth/accesstoken",
                data={"grant_type": "client_credentials"},
                headers={
                    "Authorization": f"Basic {basic}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
        except SourceError as exc:
            raise SourceError(
                f"EPO OPS authentication failed: {exc}",
                hint=f"check {KEY_VAR} and {SECRET_VAR} (the consumer key and secret of your OPS app)",
            ) from None
        from ..http import parse_json

        body = parse_json(resp.content, "EPO OPS authentication")
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token.strip():
            shape = type(body).__name__ if not isinstance(body, dict) else "an object without access_token"
            raise SourceError(
                f"EPO OPS authentication answered without an access_token (got {shape})",
                hint="the auth service may be down or changed; nothing was stored",
            )
        self.token = token

    def get(self, path: str, params: dict | None = None, service: str = "search"):
        if self.token is None:
            self.authenticate()
        if self.throttle is not None:
            wait = self.throttle.interval(service)
            self.client.min_interval = wait  # follows the latest state, down as well as up
            if self.throttle.services.get(service, ("green", 0))[0] in ("yellow", "red"):
                self.sleep(wait)
        for attempt in (1, 2):
            try:
                return self.client.get(
                    path,
                    params=params,
                    headers={"Authorization": f"Bearer {self.token}", "Accept": "application/xml"},
                    hooks={"response": self._hook},
                )
            except SourceError:
                if self.last_status == 401 and attempt == 1:  # token expired: fetch a new one once
                    self.authenticate()
                    continue
                if self.last_status == 403:
                    reason = self.last_headers.get("X-Rejection-Reason", "")
                    raise SourceError(
                        f"EPO OPS rejected the request (HTTP 403{': ' + reason if reason else ''})",
                        hint="a fair-use quota is used up; wait for it to reset",
                    ) from None
                raise
        raise SourceError("EPO OPS: unreachable")  # pragma: no cover

    def search_page(self, cql: str, begin: int, end: int):
        """(response, kind, docs, meta) for one range; an empty frame for 'no results'."""
        try:
            resp = self.get(
                "rest-services/published-data/search/biblio", params={"q": cql, "Range": f"{begin}-{end}"}
            )
        except SourceError:
            if self.last_status == 404 and b"EntityNotFound" in self.last_body:
                return None, "ops_search_biblio", P.frame([]), {"total": 0, "begin": begin, "end": begin - 1}
            raise
        try:
            kind, docs, meta = parse_xml(resp.content, f"OPS search {cql!r} range {begin}-{end}")
        except MalformedFile as exc:
            raise SourceError(str(exc)) from None
        if meta.get("begin") not in (None, begin):
            raise SourceError(
                f"EPO OPS answered range {meta.get('begin')}-{meta.get('end')} "
                f"for the requested {begin}-{end}"
            )
        return resp, kind, docs, meta

    def search(self, cql: str, page: int = PAGE, max_records: int = OPS_RANGE_LIMIT):
        """All pages of one CQL query (up to the OPS range limit): (pages, total, complete)."""
        pages, begin, total = [], 1, None
        limit = min(max_records, OPS_RANGE_LIMIT)
        while True:
            end = begin + page - 1
            if total is not None:
                end = min(end, total, limit)
            resp, kind, docs, meta = self.search_page(cql, begin, end)
            if resp is None:
                return pages, 0, True
            total = meta["total"]
            pages.append((resp, meta, len(docs)))
            if len(docs) == 0 or end >= min(total, limit):
                break
            begin = end + 1
        got = sum(n for _, _, n in pages)
        return pages, total, got >= total

    def biblio(self, number: str):
        """Bibliographic data of one publication (``EP.2400812.A1``, docdb)."""
        if not re.fullmatch(r"[A-Z]{2}\.[A-Z0-9]+\.[A-Z0-9]{1,2}", number):
            raise BadParameter(f"{number!r} is not a docdb publication number like EP.2400812.A1")
        resp = self.get(
            f"rest-services/published-data/publication/docdb/{number}/biblio", service="retrieval"
        )
        try:
            return parse_xml(resp.content, f"OPS biblio {number}")[1]
        except MalformedFile as exc:
            raise SourceError(str(exc)) from None


def year_query(cql: str, year: int) -> str:
    return span_query(cql, _dt.date(year, 1, 1), _dt.date(year, 12, 31))


def span_query(cql: str, d0: _dt.date, d1: _dt.date) -> str:
    return f'({cql}) and pd within "{d0:%Y%m%d} {d1:%Y%m%d}"'


def search_span(
    ops, cql: str, d0: _dt.date, d1: _dt.date, page: int = PAGE, max_records: int = OPS_RANGE_LIMIT
):
    """Every page of ``cql`` published within [d0, d1], split below the OPS range cap.

    OPS serves ranges only up to 2,000 documents (https://www.epo.org/en/searching-for-patents/
    data/web-services/ops, OPS v3.2 reference guide, "Range" of published-data search). A span
    whose total is above it is halved (a year into half-years, quarters, ... down to single
    days) and each part fetched on its own; the split is proven complete when the parts'
    totals add up to the span's total. Returns (pages, total, complete, parts) where parts
    lists (first day, last day, total) of every span fetched."""
    q = span_query(cql, d0, d1)
    resp, _kind, _docs, meta = ops.search_page(q, 1, page)
    total = 0 if resp is None else int(meta["total"])
    if total > OPS_RANGE_LIMIT and d1 > d0:
        mid = d0 + (d1 - d0) // 2
        a = search_span(ops, cql, d0, mid, page, max_records)
        b = search_span(ops, cql, mid + _dt.timedelta(days=1), d1, page, max_records)
        parts_total = a[1] + b[1]
        return a[0] + b[0], total, a[2] and b[2] and parts_total == total, a[3] + b[3]
    pages, _total, complete = ops.search(q, page=page, max_records=max_records)  # page 1 from the cache
    return pages, total, complete, [(d0.isoformat(), d1.isoformat(), total)]


def add_fetch_arguments(parser) -> None:
    parser.add_argument("--cql", default=DEFAULT_CQL, help=f"CQL query (default: {DEFAULT_CQL})")
    parser.add_argument("--start", type=int, default=2000, help="first publication year")
    parser.add_argument("--end", type=int, default=2024, help="last publication year")
    parser.add_argument("--max-per-year", type=int, default=OPS_RANGE_LIMIT)
    parser.add_argument("--base-url", default=os.environ.get("EXO_EPO_OPS_URL", API_URL))


def fetch(
    store: RawStore,
    cql: str = DEFAULT_CQL,
    start: int = 2000,
    end: int = 2024,
    max_per_year: int = OPS_RANGE_LIMIT,
    base_url: str = API_URL,
    client=None,
    auth_client=None,
    page: int = PAGE,
    sleep=time.sleep,
) -> list[Entry]:
    from ..http import malformed_answers
    from ..redact import redact_url
    from ..store import Page, put_grouped, snapshot_key

    if start > end:
        raise BadParameter(f"reversed years: start {start} is after end {end}")
    if not cql or not cql.strip():
        raise BadParameter("empty CQL query")
    ops = OPSClient(base_url, client=client, auth_client=auth_client, sleep=sleep)
    groups: dict = {}  # one snapshot per year's query
    with malformed_answers("EPO OPS"):
        for year in tqdm(range(start, end + 1), desc="OPS years", unit="year", disable=None):
            q = year_query(cql, year)
            pages, total, complete, parts = search_span(
                ops, cql, _dt.date(year, 1, 1), _dt.date(year, 12, 31), page, max_per_year
            )
            query = {"cql": q, "cql_base": cql, "year": year, "total": total, "complete": complete}
            if len(parts) > 1:  # the split and its proof: the parts' totals add up to the year's
                query.update({"parts": parts, "parts_total": sum(n for *_, n in parts)})
            notes = (
                None if complete else f"incomplete: OPS reports {total} hits for {year}, more than it serves"
            )
            stored = [
                Page(resp.content, redact_url(resp.url), "ops_search_biblio", LICENCE, suffix=".xml",
                     citation=CITATION, query=query, notes=notes,
                     retrieved_at=getattr(resp, "retrieved_at", None))  # a cached answer keeps its time
                for resp, _meta, _n in pages
            ]  # fmt: skip
            groups[snapshot_key(f"search_biblio_{year}", {"cql": q})] = (
                query,
                stored,
                sum(n for *_, n in pages),
            )
    return put_grouped(store, NAME, groups)
