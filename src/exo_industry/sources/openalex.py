"""OpenAlex works: exosome papers per year, per author country and per topic.

Live route (``https://api.openalex.org/works``; base URL from ``EXO_OPENALEX_URL``):

- a **year series** costs one request: ``filter=title_and_abstract.search:<query>,
  publication_year:<start>-<end>[,authorships.countries:<cc>]`` with
  ``group_by=publication_year``. The answer is ``meta{count, groups_count,
  next_cursor}`` and ``group_by[{key, key_display_name, count}]``; group pages are
  followed through ``cursor`` until no ``next_cursor`` (or an empty page) comes back.
  One request per country gives a whole-counting country series
  (``authorships.countries`` holds every author country of a work);
- the **top countries** of the topic come from one ``group_by=authorships.countries``
  request (``--top N``);
- **records** (``--counting first`` or ``corresponding``, which OpenAlex cannot group
  by) are paged with ``cursor=*`` and ``per_page=100``, selecting the id, year,
  title and authorships; the counting is then done here (bibliometrics.py).

Documented limits enforced here:

- an API key is required since 13 February 2026 (without one the daily allowance is
  $0.01, a handful of calls): https://developers.openalex.org/guides/authentication.
  ``fetch`` refuses to start without ``OPENALEX_API_KEY`` (exit status 2), before any
  request. 429 means the daily allowance is spent, 403 that requests came too fast:
  https://developers.openalex.org/api-reference/errors;
- ``per_page`` is 1..100 (``PER_PAGE_MAX``): https://developers.openalex.org/guides/page-through-results
  (its table gives per_page a range of 1-100); the pricing page advises per_page=100;
- a page shorter than ``per_page`` is the last one, so no request is made for the empty
  page a ``next_cursor`` would lead to;
- record paging (first/corresponding counting) never stops silently at a cap: the first
  page's ``meta.count`` is compared with ``--max-records`` before any further page, and
  the error says how many requests the whole walk would take.

The polite pool: ``mailto`` is read from ``EXO_MAILTO`` or ``OPENALEX_MAILTO``; the API
key from ``OPENALEX_API_KEY`` (``api_key`` is never written to provenance or logs, and
``mailto`` is left out of stored URLs).

The query goes in the ``title_and_abstract.search`` filter with upper-case AND/OR and
quoted phrases (OpenAlex stems words, so ``exosome`` also finds ``exosomes``). OpenAlex's
newer documentation marks ``.search`` filters as deprecated in favour of the ``search``
parameter, which also searches full texts; the recorded answers of March 2026 show the
filter still answered. Search requests are billed higher than plain filters by OpenAlex.

Errors: HTTP 400 with ``{"error", "message"}`` (an unknown filter field, for example)
becomes a :class:`SourceError` quoting the message; a body that is not a group_by or
results page is refused. Every page is validated before any is stored.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tqdm.auto import tqdm

from .. import bibliometrics as bib
from .._lazy import pd
from ..config import secret
from ..errors import BadParameter, MalformedFile, SourceError
from ..store import Entry, Page, RawStore, newest_query_only, put_grouped
from ._files import import_validated, text_of

NAME = "openalex"
TITLE = "OpenAlex (works)"
LICENCE = "CC0 1.0"
HOME = "https://openalex.org/"
CITATION = (
    "Priem J, Piwowar H, Orr R (2022). OpenAlex: a fully-open index of scholarly works, "
    "authors, venues, institutions, and concepts. arXiv:2205.01833."
)
API_URL = "https://api.openalex.org"
MAILTO_VARS = ("EXO_MAILTO", "OPENALEX_MAILTO")
WORLD = "ALL"  # the country value of a series without a country filter
RECORD_SELECT = "id,publication_year,display_name,authorships"
# https://developers.openalex.org/guides/page-through-results: per_page between 1 and 100
PER_PAGE_MAX = 100
KEY_VAR = "OPENALEX_API_KEY"
KEY_URL = "https://openalex.org/settings/api"  # https://developers.openalex.org/guides/authentication
_YEAR = re.compile(r"^(1[89]|20)\d\d$")


# --------------------------------------------------------------------------- parsing
def check_error_body(body, where: str) -> None:
    if isinstance(body, dict) and "error" in body and "meta" not in body:
        raise SourceError(
            f"OpenAlex refused {where}: {body.get('error')} {str(body.get('message', ''))[:300]}",
            hint="check the filter fields and the query",
        )


def parse_group_by(body, where: str = "OpenAlex answer") -> pd.DataFrame:
    """A group_by page to rows ``key, key_display_name, count`` (validated)."""
    check_error_body(body, where)
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("meta"), dict)
        or not isinstance(body.get("group_by"), list)
    ):
        raise SourceError(f"{where}: not an OpenAlex group_by page (no meta and group_by)")
    rows = []
    for g in body["group_by"]:
        if not isinstance(g, dict) or "key" not in g or not isinstance(g.get("count"), int) or g["count"] < 0:
            raise SourceError(f"{where}: malformed group {str(g)[:120]}")
        rows.append((str(g["key"]), str(g.get("key_display_name", g["key"])), int(g["count"])))
    return pd.DataFrame(rows, columns=["key", "key_display_name", "count"])


def year_groups(body, where: str = "OpenAlex answer") -> pd.DataFrame:
    """A ``group_by=publication_year`` page to ``year, papers``."""
    df = parse_group_by(body, where)
    bad = [k for k in df["key"] if not _YEAR.match(k)]
    if bad:
        raise SourceError(
            f"{where}: group keys are not publication years (e.g. {bad[0]!r}); "
            "was group_by=publication_year asked?"
        )
    return pd.DataFrame({"year": df["key"].astype(int), "papers": df["count"].astype(int)})


def country_groups(body, where: str = "OpenAlex answer") -> pd.DataFrame:
    """A ``group_by=authorships.countries`` page to ``country, papers`` (ISO alpha-2)."""
    df = parse_group_by(body, where)
    codes = df["key"].str.rsplit("/", n=1).str[-1].str.upper()
    return pd.DataFrame({"country": codes, "papers": df["count"].astype(int)})


def meta_count(body, where: str = "OpenAlex answer") -> int:
    check_error_body(body, where)
    try:
        return int(body["meta"]["count"])
    except (KeyError, TypeError, ValueError):
        raise SourceError(f"{where}: no meta.count in the answer") from None


def works_records(body, where: str = "OpenAlex answer") -> pd.DataFrame:
    """A results page of works to the common record table (bibliometrics.RECORD_COLUMNS)."""
    check_error_body(body, where)
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise SourceError(f"{where}: not an OpenAlex results page")
    rows = []
    for w in body["results"]:
        auths = w.get("authorships") or []
        every, first, corr = set(), "", ""
        for a in auths:
            cs = [str(c).upper() for c in (a.get("countries") or [])]
            every.update(cs)
            if a.get("author_position") == "first" and cs and not first:
                first = cs[0]
            if a.get("is_corresponding") and cs and not corr:
                corr = cs[0]
        rows.append(
            {
                "record_id": str(w.get("id", "")).rsplit("/", 1)[-1],
                "year": w.get("publication_year"),
                "countries": bib.join_codes(every),
                "first_country": first,
                "corresponding_country": corr,
                "title": w.get("display_name") or w.get("title") or "",
                "abstract": "",
            }
        )
    if not rows:
        return bib.empty_records()
    return pd.DataFrame(rows, columns=bib.RECORD_COLUMNS)


def _parse_json(data: bytes, name: str):
    try:
        return json.loads(data)
    except ValueError as exc:
        raise MalformedFile(f"{name} is not complete JSON: {exc}") from None


# --------------------------------------------------------------------------- queries
def works_filter(
    terms,
    topic: str = "exosomes",
    start: int | None = None,
    end: int | None = None,
    country: str | None = None,
    scope: str = "mainland",
) -> str:
    parts = [f"title_and_abstract.search:{bib.topic_query(terms, topic, 'openalex')}"]
    if start is not None and end is not None:
        parts.append(f"publication_year:{start}-{end}")
    if country and country != WORLD:
        codes = [country] + (list(bib.CHINA_MERGE[scope]) if country == "CN" else [])
        parts.append("authorships.countries:" + "|".join(c.lower() for c in codes))
    return ",".join(parts)


def polite_params() -> dict:
    params = {}
    for var in MAILTO_VARS:
        value = os.environ.get(var, "").strip()
        if value:
            params["mailto"] = value
            break
    key = secret("OPENALEX_API_KEY")
    if key:
        params["api_key"] = key
    return params


def require_key() -> None:
    """OpenAlex needs an API key since 13 Feb 2026 (https://developers.openalex.org/guides/authentication);
    refuse before any request rather than fail part-way with 429."""
    if not secret(KEY_VAR):
        raise SourceError(
            f"OpenAlex needs an API key since February 2026; {KEY_VAR} is not set",
            hint=f"get a free key at {KEY_URL} and `export {KEY_VAR}=...`; no request was made",
        )


def stored_url(url: str) -> str:
    """The request URL as provenance keeps it: no mailto, no api_key."""
    from ..redact import redact_url

    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("mailto", "api_key")
    ]
    return redact_url(urlunsplit(parts._replace(query=urlencode(query, safe=":;,|*"))))


def group_pages(client, filt: str, group_by: str, max_pages: int = 50, per_page: int = PER_PAGE_MAX):
    """Yield (url, raw bytes, body, retrieved_at) for every group page of one query (cursor paging).

    A page with fewer than ``per_page`` groups is the last: OpenAlex would still send a
    ``next_cursor`` leading to an empty page, which costs a call and says nothing."""
    from ..http import check_pages, parse_json

    cursor, seen = "*", set()
    for n in range(max_pages):
        check_pages(n, "OpenAlex group_by")
        params = {"filter": filt, "group_by": group_by, "per_page": per_page, "cursor": cursor}
        params.update(polite_params())
        resp = client.get("works", params=params)
        body = parse_json(resp.content, f"OpenAlex {stored_url(resp.url)}")
        parse_group_by(body, stored_url(resp.url))  # validates
        yield resp.url, resp.content, body, getattr(resp, "retrieved_at", None)
        nxt = body["meta"].get("next_cursor")
        if not nxt or len(body["group_by"]) < per_page:
            return
        if nxt in seen:
            raise SourceError(
                f"OpenAlex returned the same next_cursor twice for {stored_url(resp.url)}; paging stopped"
            )
        seen.add(nxt)
        cursor = nxt
    raise SourceError(f"OpenAlex group_by paging did not end after {max_pages} pages")


def record_pages(client, filt: str, max_records: int = 20000, per_page: int = PER_PAGE_MAX):
    """Yield (url, raw bytes, body, retrieved_at) for every results page (cursor paging).

    The first page's ``meta.count`` decides: more works than ``max_records`` is an error
    naming the number of requests the whole walk needs, never a silently cut count."""
    if not 1 <= per_page <= PER_PAGE_MAX:
        raise BadParameter(f"OpenAlex per_page {per_page} is outside 1..{PER_PAGE_MAX}")
    from ..http import check_pages, parse_json

    cursor, got, n = "*", 0, 0
    while True:
        check_pages(n, "OpenAlex works")
        n += 1
        params = {
            "filter": filt,
            "select": RECORD_SELECT,
            "per_page": per_page,
            "cursor": cursor,
            **polite_params(),
        }
        resp = client.get("works", params=params)
        body = parse_json(resp.content, f"OpenAlex {stored_url(resp.url)}")
        works_records(body, stored_url(resp.url))
        total = meta_count(body)
        if total > max_records:
            raise SourceError(
                f"OpenAlex: {total} works match, more than --max-records {max_records}; counting "
                f"first or corresponding authors needs every record ({-(-total // per_page)} requests)",
                hint=f"raise --max-records to {total} to page them all, narrow the years, "
                "or use whole counting (one request per country)",
            )
        yield resp.url, resp.content, body, getattr(resp, "retrieved_at", None)
        got += len(body["results"])
        cursor = body["meta"].get("next_cursor")
        if got >= total:
            return
        if not cursor or not body["results"]:
            raise SourceError(
                f"OpenAlex: paging stopped after {got} of {total} works (no next cursor or an empty page)",
                hint="the result would be incomplete; nothing was stored; try again",
            )


# --------------------------------------------------------------------------- live
def add_fetch_arguments(parser) -> None:
    parser.add_argument(
        "--term",
        action="append",
        default=None,
        help="query term, repeatable (default: exosome, exosomes, extracellular vesicle(s))",
    )
    parser.add_argument(
        "--country", action="append", default=None, help="ISO code or name, repeatable (default CN, US)"
    )
    parser.add_argument(
        "--top", type=int, default=5, help="also fetch the next N countries by output (default 5)"
    )
    parser.add_argument(
        "--topic",
        action="append",
        default=None,
        help=f"topic series to fetch, repeatable ({', '.join(bib.TOPICS)}; default all)",
    )
    parser.add_argument("--start", type=int, default=2007)
    parser.add_argument("--end", type=int, default=2024)
    parser.add_argument("--counting", default="whole", choices=bib.COUNTING_RULES)
    parser.add_argument("--china-scope", default="mainland", choices=bib.CHINA_SCOPES)
    parser.add_argument("--max-records", type=int, default=20000)
    parser.add_argument("--base-url", default=os.environ.get("EXO_OPENALEX_URL", API_URL))


def validate_query(terms, countries, start: int, end: int, counting: str, scope: str, topics) -> None:
    bib.check_terms(terms)
    bib.check_rule(counting)
    bib.check_scope(scope)
    for t in topics:
        bib.check_topic(t)
    bib.normalise_country_list(countries)
    if start > end:
        raise BadParameter(f"reversed years: start {start} is after end {end}")


def fetch(
    store: RawStore,
    term=None,
    country=None,
    top: int = 5,
    topic=None,
    start: int = 2007,
    end: int = 2024,
    counting: str = "whole",
    china_scope: str = "mainland",
    max_records: int = 20000,
    base_url: str | None = None,
    client=None,
) -> list[Entry]:
    from ..http import Client, malformed_answers

    terms = bib.check_terms(term or bib.DEFAULT_TERMS)
    countries = bib.normalise_country_list(country or ["CN", "US"])
    topics = list(topic or bib.TOPICS)
    validate_query(terms, countries, start, end, counting, china_scope, topics)
    require_key()
    client = client or Client(base_url or os.environ.get("EXO_OPENALEX_URL", API_URL), name="OpenAlex API")
    with malformed_answers("OpenAlex API"):
        collected = _collect(
            client, terms, countries, topics, start, end, counting, china_scope, max_records, top
        )
    # Every page arrived and parsed: only now write to the store, one snapshot per query.
    release = f"OpenAlex API, retrieved {pd.Timestamp.now('UTC').date()}"
    groups: dict = {}
    for kind, url, raw, query, when in collected:
        stem = f"{kind}_{query['topic']}_{query.get('country', WORLD)}_{start}-{end}_{china_scope}"
        page = Page(raw, stored_url(url), kind, LICENCE, release=release, citation=CITATION, query=query,
                    retrieved_at=when)  # fmt: skip
        body = json.loads(raw)
        q, pages, results = groups.get(stem, (query, [], 0))
        groups[stem] = (q, pages + [page], results + len(body.get("group_by") or body.get("results") or []))
    return put_grouped(store, NAME, groups)


def _collect(client, terms, countries, topics, start, end, counting, china_scope, max_records, top):
    """Every page of every query of one fetch, each checked: [(kind, url, raw, query, retrieved_at)]."""
    base_q = {"terms": list(terms), "start": start, "end": end, "china_scope": china_scope}
    collected: list[tuple] = []

    def walk(kind, pages, query):
        for url, raw, body, when in pages:
            if kind == "group_by_year":
                year_groups(body, stored_url(url))
            collected.append((kind, url, raw, query, when))

    if top and top > 0:
        filt = works_filter(terms, "exosomes", start, end)
        walk("group_by_country", group_pages(client, filt, "authorships.countries"),
             {**base_q, "topic": "exosomes", "filter": filt})  # fmt: skip
        _add_top_countries(collected, countries, top, china_scope)
    if counting == "whole":
        for c in tqdm(countries, desc="OpenAlex countries", unit="country", disable=None):
            filt = works_filter(terms, "exosomes", start, end, c, china_scope)
            walk("group_by_year", group_pages(client, filt, "publication_year"),
                 {**base_q, "topic": "exosomes", "country": c, "filter": filt})  # fmt: skip
    else:
        filt = works_filter(terms, "exosomes", start, end)
        walk("works_page", record_pages(client, filt, max_records),
             {**base_q, "topic": "exosomes", "filter": filt})  # fmt: skip
    for t in tqdm(topics, desc="OpenAlex topics", unit="topic", disable=None):
        filt = works_filter(terms, t, start, end)
        walk("group_by_year", group_pages(client, filt, "publication_year"),
             {**base_q, "topic": t, "country": WORLD, "filter": filt})  # fmt: skip
    return collected


def _add_top_countries(collected, countries: list, top: int, china_scope: str) -> None:
    """Extend ``countries`` (in place) by the next ``top`` countries by output."""
    ranked = pd.concat([country_groups(json.loads(c[2])) for c in collected if c[0] == "group_by_country"])
    ranked = ranked.sort_values(["papers", "country"], ascending=[False, True])
    wanted = len(countries) + top
    for c in ranked["country"]:
        if len(countries) >= wanted:
            break
        if c not in countries and c not in bib.CHINA_MERGE[china_scope]:
            countries.append(c)


def live_command(
    terms=None,
    countries=None,
    start: int = 2007,
    end: int = 2024,
    counting: str = "whole",
    scope: str = "mainland",
    top: int = 5,
) -> str:
    """The command a reader with a network runs to fetch the series."""
    terms = terms or bib.DEFAULT_TERMS
    parts = ["exo-industry fetch openalex"]
    parts += [f"--term '{t}'" for t in terms]
    parts += [f"--country {c}" for c in (countries or ["CN", "US"])]
    parts += [
        f"--top {top}",
        f"--start {start}",
        f"--end {end}",
        f"--counting {counting}",
        f"--china-scope {scope}",
    ]
    return " ".join(parts) + " && exo-industry process --section literature"


# --------------------------------------------------------------------------- import
def detect_kind(body, name: str) -> str:
    if isinstance(body, dict) and isinstance(body.get("group_by"), list) and body["group_by"]:
        keys = [str(g.get("key", "")) for g in body["group_by"]]
        if all(_YEAR.match(k) for k in keys):
            return "group_by_year"
        if all("/countries/" in k or re.fullmatch(r"[A-Za-z]{2}", k) for k in keys):
            return "group_by_country"
    if (
        isinstance(body, dict)
        and isinstance(body.get("results"), list)
        and isinstance(body.get("meta"), dict)
    ):
        return "works_page"
    raise MalformedFile(
        f"{name} is not an OpenAlex answer this importer knows",
        hint="expected a /works page saved as JSON: group_by=publication_year, "
        "group_by=authorships.countries, or results",
    )


def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    """Import saved OpenAlex answers (JSON). A year series without a country filter is
    stored as the world series of topic ``exosomes``; give the country in the file name
    as ``..._country-CN_...`` to mark a country series."""

    def check(path: Path, data: bytes) -> dict:
        body = _parse_json(text_of(data, path.name).encode("utf-8"), path.name)
        kind = detect_kind(body, path.name)
        try:
            if kind == "group_by_year":
                year_groups(body, path.name)
            elif kind == "group_by_country":
                country_groups(body, path.name)
            else:
                works_records(body, path.name)
        except SourceError as exc:
            raise MalformedFile(str(exc)) from None
        m = re.search(r"country-([A-Za-z]{2})", path.name)
        return {
            "kind": kind,
            "licence": LICENCE,
            "citation": CITATION,
            "query": {"topic": "exosomes", "country": m.group(1).upper() if m else WORLD},
        }

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    """The mirror holds no OpenAlex export about exosomes (only test recordings)."""
    return []


# --------------------------------------------------------------------------- loaders
def load_series(store: RawStore) -> pd.DataFrame:
    """Year series in the store: ``source, route, topic, counting, china_scope, country, year, papers``."""
    frames = []
    entries, _ = newest_query_only(store.find(NAME, "group_by_year"), ("terms", "start", "end"))
    for e in entries:
        body = json.loads(store.read_bytes(e))
        df = year_groups(body, e.name)
        q = e.provenance.query
        df.insert(0, "source", NAME)
        df.insert(1, "route", e.provenance.route)
        df.insert(2, "topic", q.get("topic", "exosomes"))
        df.insert(3, "counting", "whole")
        df.insert(4, "china_scope", q.get("china_scope", "mainland"))
        df.insert(5, "country", q.get("country", WORLD))
        frames.append(df)
    if not frames:
        return pd.DataFrame(
            columns=["source", "route", "topic", "counting", "china_scope", "country", "year", "papers"]
        )
    out = pd.concat(frames, ignore_index=True)
    keys = ["source", "route", "topic", "counting", "china_scope", "country", "year"]
    return out.groupby(keys, as_index=False)["papers"].sum()


def load_records(store: RawStore) -> pd.DataFrame:
    entries, _ = newest_query_only(store.find(NAME, "works_page"), ("terms", "start", "end"))
    frames = [works_records(json.loads(store.read_bytes(e)), e.name) for e in entries]
    frames = [f for f in frames if len(f)]
    if not frames:
        return bib.empty_records()
    return pd.concat(frames, ignore_index=True).drop_duplicates("record_id")


def inputs(store: RawStore) -> list[Entry]:
    return store.entries(NAME)


def plan_requests(term=None, country=None, top: int = 5, topic=None, start: int = 2007, end: int = 2024,
                  counting: str = "whole", china_scope: str = "mainland", base_url: str | None = None,
                  **_ignored) -> list[dict]:  # fmt: skip
    """The first request of every query ``fetch`` makes (no network; for ``refresh --dry-run``).
    The ``--top`` countries are known only from the first answer, so they are not listed."""
    terms = bib.check_terms(term or bib.DEFAULT_TERMS)
    countries = bib.normalise_country_list(country or ["CN", "US"])
    url = f"{(base_url or os.environ.get('EXO_OPENALEX_URL', API_URL)).rstrip('/')}/works"

    def req(filt: str, group_by: str | None) -> dict:
        params = {"filter": filt, "per_page": PER_PAGE_MAX, "cursor": "*"}
        params.update({"group_by": group_by} if group_by else {"select": RECORD_SELECT})
        return {"method": "GET", "url": url, "params": params, "body": None}

    out = [req(works_filter(terms, "exosomes", start, end), "authorships.countries")] if top else []
    if counting == "whole":
        out += [req(works_filter(terms, "exosomes", start, end, c, china_scope), "publication_year")
                for c in countries]  # fmt: skip
    else:
        out.append(req(works_filter(terms, "exosomes", start, end), None))
    out += [req(works_filter(terms, t, start, end), "publication_year") for t in (topic or bib.TOPICS)]
    return out
