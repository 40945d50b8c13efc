"""PubMed (NCBI E-utilities): exosome papers per year and affiliation country.

Live route: ``esearch.fcgi?db=pubmed&term=<query>&retmax=0`` (base URL from
``EXO_PUBMED_URL``), one request per (topic, country, year)::

    (exosome[tiab] OR ...) AND China[ad] AND 2021[dp]

The answer is an ``eSearchResult`` XML whose own ``<Count>`` (not the per-term counts
nested in ``TranslationStack``) is the number of matching records. ``<ERROR>`` in the
body is a failure, and so is any ``<ErrorList>`` or ``<WarningList>``: PubMed drops a
phrase it cannot find and runs the rest of the query, so a Count > 0 can answer a
different question (ESearch output: https://www.ncbi.nlm.nih.gov/books/NBK25499/).
NCBI allows 3 requests per second without a key and 10 with one: the key is read from
``NCBI_API_KEY`` in the environment, sent as ``api_key``, and never logged or stored
(provenance URLs are redacted). ``tool`` and ``email`` (``EXO_MAILTO``/``NCBI_EMAIL``)
identify the caller as NCBI asks.

Caveats of affiliation ([ad]) counts, stated with every series: a paper counts for each
country that appears in any author affiliation (whole counting; PubMed cannot count
first or corresponding authors by query); before 2014 MEDLINE indexed only the first
author's affiliation; [ad] is a text match, so "China[ad]" also matches affiliations
written "Hong Kong, China" or "Taiwan, China". The ``mainland`` scope therefore adds
``NOT (Hong Kong[ad] OR Macau[ad] OR Macao[ad] OR Taiwan[ad])``, which also drops a paper
with both a mainland and a Hong Kong/Macao/Taiwan affiliation (stated with the series).

Yearly counts overlap: ``YEAR[dp]`` matches both the print and the electronic date
(https://pubmed.ncbi.nlm.nih.gov/help/#publication-date), so a paper e-published in 2020
and printed in 2021 counts in both years. Each series therefore also asks the whole range
``START:END[dp]`` once; ``overlap = sum(years) - range`` is stored with that answer
(kind ``esearch_range``) and reported by :func:`load_overlap`.

Import routes:
- PubMed MEDLINE text export (``PMID- ``, ``DP  - ``, ``AD  - ``, ``FAU - ``) -> records;
- the offline mirror's PubMed data: yearly EV counts by disease context, 2010–2026
  (Liegertová & Malý 2026, with their query manifest and registry) and 271 PubMed
  records on exosomes for CNS disorders (NeuroCell Intel).
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from tqdm.auto import tqdm

from .. import bibliometrics as bib
from .._lazy import pd
from ..config import secret
from ..errors import BadParameter, MalformedFile, MissingData, SourceError
from ..store import Entry, Page, RawStore, newest_query_only, put_grouped
from ._files import csv_frame, first_line, import_validated, require_columns, text_of

NAME = "pubmed"
TITLE = "PubMed (NCBI E-utilities)"
LICENCE = "NLM terms (PubMed citation data; counts are facts)"
HOME = "https://pubmed.ncbi.nlm.nih.gov/"
CITATION = "National Library of Medicine, PubMed, via NCBI E-utilities (esearch)."
API_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
RATE_NO_KEY = 3.0  # requests per second (NCBI's published limit)
RATE_WITH_KEY = 10.0
WORLD = "ALL"

MIRROR_CONTEXT = ("literature", "pubmed_ev_context_year_counts_MichaLie")
MIRROR_CNS = ("literature", "pubmed_exosome_cns_records_NeuroCell")
CONTEXT_CITATION = (
    "Liegertová M, Malý J (2026). A Reproducible Framework for Mapping Translational Negative Space in "
    "Extracellular Vesicle Research; data: github.com/MichaLie/ev-negative-space-framework "
    "(commit d826654), CC BY 4.0. PubMed counts run 2026-02-15."
)
CNS_CITATION = (
    "NeuroCell Intel PubMed monitoring database, github.com/limorchen/NeuroCell_Intel "
    "(commit e6adb05); no licence stated."
)

# Affiliation clauses per country code (what [ad] text matching needs).
AD_NAMES = {
    "CN": ("China",),
    "US": ("USA", "United States"),
    "GB": ("UK", "United Kingdom", "England", "Scotland", "Wales"),
    "KR": ("Korea",),
    "HK": ("Hong Kong",),
    "MO": ("Macau", "Macao"),
    "TW": ("Taiwan",),
    "IR": ("Iran",),
    "RU": ("Russia",),
    "NL": ("Netherlands",),
}


# --------------------------------------------------------------------------- esearch
def parse_esearch(data: bytes, where: str = "esearch answer") -> dict:
    """The top-level Count, IdList, QueryTranslation, errors and warnings of an eSearchResult."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise SourceError(
            f"{where}: not complete XML ({exc})", hint="the response may have been cut short; try again"
        ) from None
    if root.tag != "eSearchResult":
        raise SourceError(f"{where}: expected an eSearchResult, got <{root.tag}>")
    err = root.find("ERROR")
    if err is not None:
        raise SourceError(f"PubMed esearch refused {where}: {(err.text or '').strip()[:300]}")
    count = root.find("Count")  # direct child only: TranslationStack holds per-term counts
    if count is None or not (count.text or "").strip().isdigit():
        raise SourceError(f"{where}: no Count in the eSearchResult")
    error_list = root.find("ErrorList")
    errors = (
        {} if error_list is None else {e.tag: [x.text for x in error_list.iter(e.tag)] for e in error_list}
    )
    warnings = [w.text for w in root.iter("OutputMessage")]
    if errors or root.find("WarningList") is not None:
        # https://www.ncbi.nlm.nih.gov/books/NBK25499/ (ESearch): a phrase not found is
        # dropped from the query, so the Count no longer answers the query that was asked
        raise SourceError(
            f"PubMed esearch {where}: the query was not run as written "
            f"(errors {errors or 'none'}; warnings {warnings or 'none'})",
            hint="fix the terms named above; nothing was stored",
        )
    return {
        "count": int(count.text),
        "ids": [i.text for i in root.findall("IdList/Id")],
        "query_translation": (root.findtext("QueryTranslation") or "").strip(),
        "errors": errors,
        "warnings": warnings,
    }


def country_clause(country: str, scope: str = "mainland") -> str:
    codes = [country] + (list(bib.CHINA_MERGE[scope]) if country == "CN" else [])
    names = []
    for c in codes:
        if c in AD_NAMES:
            names += AD_NAMES[c]
        else:
            import pycountry

            rec = pycountry.countries.get(alpha_2=c)
            if rec is None:
                raise BadParameter(f"no affiliation name for country code {c!r}")
            names.append(getattr(rec, "common_name", None) or rec.name)
    clause = "(" + " OR ".join(_ad(n) for n in names) + ")"
    if country == "CN":
        # [ad] is a text match: "Hong Kong, China" and "Taiwan, China" match China[ad];
        # leave out the regions the scope does not merge so the count matches its label
        rest = [n for c in ("HK", "MO", "TW") if c not in codes for n in AD_NAMES[c]]
        if rest:
            clause = f"({clause} NOT ({' OR '.join(_ad(n) for n in rest)}))"
    return clause


def _ad(name: str) -> str:
    return f'"{name}"[ad]' if " " in name else f"{name}[ad]"


def esearch_term(terms, topic: str, year, country: str | None, scope: str = "mainland") -> str:
    """One esearch query; ``year`` is a year or a ``(start, end)`` range."""
    parts = [bib.topic_query(terms, topic, "pubmed")]
    if country and country != WORLD:
        parts.append(country_clause(country, scope))
    if isinstance(year, tuple):
        parts.append(f"{int(year[0])}:{int(year[1])}[dp]")
    elif year is not None:
        parts.append(f"{int(year)}[dp]")
    return " AND ".join(parts)


def rate_per_second() -> float:
    return RATE_WITH_KEY if secret("NCBI_API_KEY") else RATE_NO_KEY


def make_client(base_url: str | None = None):
    from ..http import Client

    rate = rate_per_second()
    return Client(
        base_url or os.environ.get("EXO_PUBMED_URL", API_URL),
        name="NCBI E-utilities",
        min_interval=1.0 / rate + 0.01,
    )


def esearch_count(client, term: str) -> tuple[str, bytes, dict]:
    params = {"db": "pubmed", "term": term, "retmax": 0, "tool": "exo_industry"}
    email = next(
        (os.environ[v].strip() for v in ("EXO_MAILTO", "NCBI_EMAIL") if os.environ.get(v, "").strip()), None
    )
    if email:
        params["email"] = email
    key = secret("NCBI_API_KEY")
    if key:
        params["api_key"] = key
    resp = client.get("esearch.fcgi", params=params)
    from ..redact import redact_url

    url = redact_url(resp.url)
    if email:
        url = url.replace(re.sub(r"@", "%40", email), "***").replace(email, "***")
    parsed = parse_esearch(resp.content, f"PubMed esearch {term!r}")
    parsed["retrieved_at"] = getattr(resp, "retrieved_at", None)  # a cached answer keeps its time
    return url, resp.content, parsed


# --------------------------------------------------------------------------- live
def add_fetch_arguments(parser) -> None:
    parser.add_argument(
        "--term",
        action="append",
        default=None,
        help="query term, repeatable (default exosome(s), extracellular vesicle(s))",
    )
    parser.add_argument(
        "--country",
        action="append",
        default=None,
        help="ISO code or name, repeatable (default CN US GB DE JP KR IT)",
    )
    parser.add_argument(
        "--topic",
        action="append",
        default=None,
        help=f"topic, repeatable ({', '.join(bib.TOPICS)}; default all)",
    )
    parser.add_argument("--start", type=int, default=2007)
    parser.add_argument("--end", type=int, default=2024)
    parser.add_argument("--china-scope", default="mainland", choices=bib.CHINA_SCOPES)
    parser.add_argument("--base-url", default=os.environ.get("EXO_PUBMED_URL", API_URL))


DEFAULT_COUNTRIES = ("CN", "US", "GB", "DE", "JP", "KR", "IT")


def fetch(
    store: RawStore,
    term=None,
    country=None,
    topic=None,
    start: int = 2007,
    end: int = 2024,
    china_scope: str = "mainland",
    counting: str = "whole",
    base_url: str | None = None,
    client=None,
) -> list[Entry]:
    terms = bib.check_terms(term or bib.DEFAULT_TERMS)
    countries = bib.normalise_country_list(country or DEFAULT_COUNTRIES)
    topics = [bib.check_topic(t) for t in (topic or bib.TOPICS)]
    bib.check_scope(china_scope)
    if bib.check_rule(counting) != "whole":
        raise BadParameter(
            f"PubMed counts by affiliation cannot do {counting!r} counting",
            hint="export the records as MEDLINE text and import them (`exo-industry import pubmed FILE`)",
        )
    if start > end:
        raise BadParameter(f"reversed years: start {start} is after end {end}")
    from ..http import malformed_answers

    client = client or make_client(base_url)
    series = [("exosomes", c) for c in countries] + [(t, WORLD) for t in topics]
    years = list(range(start, end + 1)) + [(start, end)]  # the range measures the overlap
    jobs = [(t, c, y) for t, c in series for y in years]
    collected = []
    with malformed_answers("NCBI E-utilities"):
        for t, c, y in tqdm(jobs, desc="PubMed esearch", unit="query", disable=None):
            q = esearch_term(terms, t, y, c, china_scope)
            url, raw, parsed = esearch_count(client, q)
            collected.append((t, c, y, q, url, raw, parsed))
    # Every answer arrived and parsed: one snapshot (of one page) per esearch query.
    return put_grouped(store, NAME, _snapshots(collected, terms, china_scope))


def _snapshots(collected, terms, china_scope) -> dict:
    """One snapshot per esearch query; a range answer carries the series' overlap."""
    sums: dict = {}
    for t, c, y, _q, _u, _r, parsed in collected:
        if not isinstance(y, tuple):
            sums[(t, c)] = sums.get((t, c), 0) + int(parsed["count"])
    groups = {}
    for t, c, y, q, url, raw, parsed in collected:
        query = {
            "topic": t,
            "country": c,
            "year": y,
            "term": q,
            "terms": list(terms),
            "china_scope": china_scope,
        }
        kind = "esearch_count"
        if isinstance(y, tuple):
            kind, query["year"] = "esearch_range", f"{y[0]}-{y[1]}"
            query["overlap"] = sums[(t, c)] - int(parsed["count"])
        page = Page(raw, url, kind, LICENCE, suffix=".xml", citation=CITATION, query=query,
                    retrieved_at=parsed.get("retrieved_at"))  # fmt: skip
        groups[f"{kind}_{t}_{c}_{query['year']}_{china_scope}"] = (query, [page], int(parsed["count"]))
    return groups


def live_command(
    terms=None, countries=None, start: int = 2007, end: int = 2024, scope: str = "mainland"
) -> str:
    parts = ["exo-industry fetch pubmed"] + [f"--term '{t}'" for t in (terms or bib.DEFAULT_TERMS)]
    parts += [f"--country {c}" for c in (countries or DEFAULT_COUNTRIES)]
    parts += [f"--start {start}", f"--end {end}", f"--china-scope {scope}"]
    return " ".join(parts) + " && exo-industry process --section literature"


# --------------------------------------------------------------------------- MEDLINE
_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *- ?(.*)$")


def parse_medline(text: str, name: str = "MEDLINE file") -> pd.DataFrame:
    """PubMed MEDLINE text (``PMID- ...`` records separated by blank lines) to records.

    Affiliations (``AD``) follow the author (``FAU``/``AU``) they belong to; the first
    author's first ``AD`` gives ``first_country``. MEDLINE carries no corresponding
    author, so ``corresponding_country`` stays empty.
    """
    records, cur, last = [], None, None
    for raw in text.replace("\r\n", "\n").split("\n"):
        if not raw.strip():
            continue
        m = _TAG.match(raw)
        if m and len(raw) >= 5 and raw[4] == "-":
            tag, value = m.group(1).strip(), m.group(2).strip()
            if tag == "PMID":
                cur = {"PMID": value, "TI": "", "AB": "", "DP": "", "authors": []}
                records.append(cur)
            elif cur is None:
                raise MalformedFile(f"{name}: a {tag} field comes before any PMID line")
            elif tag in ("FAU", "AU"):
                if tag == "FAU" or not cur["authors"] or cur["authors"][-1]["tag"] == "AU":
                    cur["authors"].append({"tag": tag, "ad": []})
            elif tag == "AD":
                if not cur["authors"]:
                    cur["authors"].append({"tag": "?", "ad": []})
                cur["authors"][-1]["ad"].append(value)
            elif tag in ("TI", "AB", "DP"):
                cur[tag] = value
            last = tag
        elif raw.startswith("      ") and cur is not None and last:
            if last == "AD" and cur["authors"]:
                cur["authors"][-1]["ad"][-1] += " " + raw.strip()
            elif last in ("TI", "AB", "DP"):
                cur[last] += " " + raw.strip()
    if not records:
        raise MalformedFile(
            f"{name}: no PMID records", hint="expected a PubMed export in MEDLINE format ('PMID- ' lines)"
        )
    return pd.DataFrame([_medline_row(r) for r in records], columns=bib.RECORD_COLUMNS)


def _medline_row(r: dict) -> dict:
    """One parsed MEDLINE record to a row of the common record table."""
    y = re.match(r"^(\d{4})", r["DP"])
    every, first = set(), ""
    for i, a in enumerate(r["authors"]):
        for ad in a["ad"]:
            for piece in ad.split("; "):
                c = bib.address_country(piece)
                if c:
                    every.add(c)
                    if i == 0 and not first:
                        first = c
    return {
        "record_id": r["PMID"],
        "year": int(y.group(1)) if y else None,
        "countries": bib.join_codes(every),
        "first_country": first,
        "corresponding_country": "",
        "title": r["TI"],
        "abstract": r["AB"],
    }


# --------------------------------------------------------------------------- mirror files
def parse_context_counts(text: str, name: str) -> pd.DataFrame:
    df = csv_frame(text, name)
    require_columns(df, ["year", "context", "count"], name)
    try:
        df = df.astype({"year": int, "count": int})
    except (ValueError, TypeError) as exc:
        raise MalformedFile(f"{name}: year and count must be integers ({exc})") from None
    if (df["count"] < 0).any():
        raise MalformedFile(f"{name}: negative counts")
    return df.loc[:, ["year", "context", "count"]]


def parse_cns_records(text: str, name: str) -> pd.DataFrame:
    df = csv_frame(text, name, dtype=str, keep_default_na=False)
    require_columns(df, ["pmid", "title", "abstract", "pub_date"], name)
    years = pd.to_numeric(df["pub_date"].str.extract(r"^(\d{4})")[0], errors="coerce").astype("Int64")
    return pd.DataFrame(
        {
            "record_id": df["pmid"],
            "year": years,
            "countries": "",
            "first_country": "",
            "corresponding_country": "",
            "title": df["title"],
            "abstract": df["abstract"],
        }
    )


def detect_kind(text: str, name: str) -> str:
    head = first_line(text)
    if head.startswith("PMID-") or re.search(r"^PMID- ?\d+", text[:2000], re.M):
        return "medline"
    if head.replace(" ", "") == "year,context,count":
        return "ev_context_year_counts"
    if head.startswith("query_group,label_1,label_2,query"):
        return "ev_context_queries"
    if head.startswith("pmid,title,abstract,authors,pub_date"):
        return "cns_records"
    if head.startswith("{"):
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        if isinstance(body, dict) and "ev_clause" in body and "contexts" in body:
            return "ev_context_manifest"
    if head.startswith("<?xml") and "eSearchResult" in text[:500]:
        raise MalformedFile(
            f"{name} is a bare esearch answer: its query (country, year) is not in the file",
            hint="use `exo-industry fetch pubmed`, which records the query beside each answer",
        )
    raise MalformedFile(
        f"{name} is not a PubMed file this importer knows (first line: {head[:80]!r})",
        hint="expected a MEDLINE text export ('PMID- ' lines) or the mirror's PubMed count/record tables",
    )


def parse(kind: str, text: str, name: str) -> pd.DataFrame:
    if kind == "medline":
        return parse_medline(text, name)
    if kind == "ev_context_year_counts":
        return parse_context_counts(text, name)
    if kind == "cns_records":
        return parse_cns_records(text, name)
    if kind == "ev_context_queries":
        df = csv_frame(text, name, dtype=str, keep_default_na=False)
        require_columns(df, ["query_group", "label_1", "label_2", "query"], name)
        return df
    if kind == "ev_context_manifest":
        body = json.loads(text)
        return pd.DataFrame(
            [
                {"context": k, "query": f"{body['ev_clause']} AND {v['query']}"}
                for k, v in body["contexts"].items()
            ]
        )
    raise MalformedFile(f"{name}: unknown PubMed file kind {kind!r}")


def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    def check(path: Path, data: bytes) -> dict:
        text = text_of(data, path.name)
        k = detect_kind(text, path.name)
        if len(parse(k, text, path.name)) == 0:
            raise MalformedFile(f"{path.name} holds no rows")
        cit = (
            CONTEXT_CITATION
            if k.startswith("ev_context")
            else CNS_CITATION
            if k == "cns_records"
            else CITATION
        )
        lic = "CC BY 4.0" if k.startswith("ev_context") else "none stated" if k == "cns_records" else LICENCE
        return {"kind": k, "licence": lic, "citation": cit}

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    ctx = Path(shared).joinpath(*MIRROR_CONTEXT)
    cns = Path(shared).joinpath(*MIRROR_CNS)
    files = [
        ctx / "pubmed_context_year_counts_2010_2026_strict.csv",
        ctx / "methods_manifest.json",
        ctx / "query_registry.csv",
        cns / "all_pubmed_semantic_database.csv",
    ]
    return files  # missing files (or folders) are reported by the caller as missing


# --------------------------------------------------------------------------- loaders
def _load(store: RawStore, kind: str) -> tuple[list[pd.DataFrame], list[Entry]]:
    frames, used = [], []
    for e in store.find(NAME, kind):
        frames.append(parse(kind, text_of(store.read_bytes(e), e.name), e.name))
        used.append(e)
    return frames, used


def load_context_counts(store: RawStore) -> tuple[pd.DataFrame, list[Entry]]:
    frames, used = _load(store, "ev_context_year_counts")
    if not frames:
        raise MissingData(
            "no PubMed EV context counts in the raw store", hint="`exo-industry import pubmed --mirror`"
        )
    df = pd.concat(frames, ignore_index=True).drop_duplicates(["year", "context"], keep="last")
    return df.sort_values(["context", "year"]).reset_index(drop=True), used


def load_context_queries(store: RawStore) -> tuple[pd.DataFrame, list[Entry]]:
    frames, used = _load(store, "ev_context_manifest")
    if not frames:
        return pd.DataFrame(columns=["context", "query"]), []
    return pd.concat(frames, ignore_index=True).drop_duplicates("context", keep="last"), used


def load_records(store: RawStore, kind: str) -> tuple[pd.DataFrame, list[Entry]]:
    frames, used = _load(store, kind)
    if not frames:
        return bib.empty_records(), []
    return pd.concat(frames, ignore_index=True).drop_duplicates("record_id"), used


def load_series(store: RawStore) -> tuple[pd.DataFrame, list[Entry]]:
    """Live esearch counts: ``source, route, topic, counting, china_scope, country, year, papers``."""
    rows, used = [], []
    entries, _ = newest_query_only(store.find(NAME, "esearch_count"), ("terms",))
    for e in entries:
        parsed = parse_esearch(store.read_bytes(e), e.name)
        q = e.provenance.query
        rows.append(
            {
                "source": NAME,
                "route": e.provenance.route,
                "topic": q.get("topic", "exosomes"),
                "counting": "whole",
                "china_scope": q.get("china_scope", "mainland"),
                "country": q.get("country", WORLD),
                "year": int(q["year"]),
                "papers": parsed["count"],
            }
        )
        used.append(e)
    cols = ["source", "route", "topic", "counting", "china_scope", "country", "year", "papers"]
    return pd.DataFrame(rows, columns=cols), used


def load_overlap(store: RawStore) -> pd.DataFrame:
    """Per live series: ``topic, country, range, range_papers, overlap`` (papers counted in two years)."""
    entries, _ = newest_query_only(store.find(NAME, "esearch_range"), ("terms",))
    rows = [
        {
            "topic": e.provenance.query.get("topic", "exosomes"),
            "country": e.provenance.query.get("country", WORLD),
            "range": e.provenance.query.get("year"),
            "range_papers": parse_esearch(store.read_bytes(e), e.name)["count"],
            "overlap": int(e.provenance.query.get("overlap", 0)),
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=["topic", "country", "range", "range_papers", "overlap"])


def plan_requests(
    term=None,
    country=None,
    topic=None,
    start=2007,
    end=2024,
    china_scope="mainland",
    base_url=None,
    **_ignored,
) -> list[dict]:
    """Every esearch request ``fetch`` makes (no network; for ``refresh --dry-run``)."""
    terms = bib.check_terms(term or bib.DEFAULT_TERMS)
    countries = bib.normalise_country_list(country or DEFAULT_COUNTRIES)
    series = [("exosomes", c) for c in countries] + [(t, WORLD) for t in (topic or bib.TOPICS)]
    url = f"{(base_url or os.environ.get('EXO_PUBMED_URL', API_URL)).rstrip('/')}/esearch.fcgi"
    years = list(range(start, end + 1)) + [(start, end)]
    return [
        {"method": "GET", "url": url, "body": None,
         "params": {"db": "pubmed", "term": esearch_term(terms, t, y, c, china_scope), "retmax": 0,
                    "tool": "exo_industry"}}
        for t, c in series for y in years
    ]  # fmt: skip
