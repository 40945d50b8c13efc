"""The Lens (lens.org) patent data: the Patent API (live) and Lens exports (import).

Live route (needs a token in ``LENS_API_TOKEN``; it is sent as a bearer header only,
never logged, never written to provenance or the HTTP cache):

- ``records`` mode: ``POST https://api.lens.org/patent/search`` with a JSON query, only the
  fields the counting needs (``include``), 100 records a page (``--page-size``), paged with ``scroll``
  (the first answer carries a ``scroll_id``; each next request sends it back). Every page
  is stored as it came. Exact counts under every counting rule can be made from these.
- ``aggregate`` mode: ``POST https://api.lens.org/patent/aggregate`` with a ``terms``
  aggregation on the country field (``jurisdiction`` = publication office, or
  ``applicant.residence``), a ``date_histogram`` by year inside it (on
  ``earliest_priority_claim_date`` or ``date_published``), and a ``cardinality`` of
  ``family.simple.id`` inside that: one request gives documents and (approximate, but
  exact for small counts) families per country and year. Lens's aggregations have no
  first-filing-office field, so counting by priority office needs ``records`` mode.

The query (default): the words exosome(s) or the phrases extracellular vesicle(s) in the
title, abstract or claims, as ``match_phrase`` clauses.

Import route, detected from the content:
- a Lens patent search CSV export (header ``Jurisdiction, Kind, Publication Number,
  Lens ID, ...``; multi-valued cells joined with ``;;``);
- a Lens JSON-lines export (one patent record per line, the same schema as the API's
  ``data[]``). The reader copes with a UTF-8 byte-order mark and reports each defective
  record by line number (invalid JSON, a mandatory field missing, a malformed field)
  instead of stopping at the first or dropping it silently. A file with at least one
  good record is stored unedited, its defects listed in the provenance notes; a file
  with none is rejected;
- a saved API answer (``search`` page or ``aggregate`` answer, JSON). Defective records in
  a page (live or saved) are left out and reported by their position in ``data[]``.

The mirror's Lens files (``patents/fixtures_lens_*``) are format fixtures about bio-oil
and jet engines, not exosomes, so ``mirror_files`` takes none of them: importing them
would put off-topic counts into the patent section.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from .._lazy import pd
from ..config import secret
from ..errors import BadParameter, MalformedFile, SourceError
from ..store import Entry, RawStore, newest_query_only
from . import _patents as P
from ._files import check_fields, import_validated, text_of

log = logging.getLogger(__name__)

NAME = "lens"
TITLE = "The Lens patent data (Lens.org Patent API and exports)"
LICENCE = "Lens terms of use; attribution 'Data Sourced from The Lens' (lens.org)"
HOME = "https://www.lens.org/"
CITATION = "The Lens, lens.org patent data (Cambia). Data Sourced from The Lens."
API_URL = "https://api.lens.org"
TOKEN_VAR = "LENS_API_TOKEN"
DEFAULT_TERMS = ("exosome", "exosomes", "extracellular vesicle", "extracellular vesicles")
DEFAULT_FIELDS = ("title", "abstract", "claim")
# Documented limits (Lens Patent API):
# - page ``size``: the most a scroll page may hold depends on the access plan (trial plans
#   are the smallest); a size above it is answered 400. 100 is within every plan; raise it
#   with --page-size on a larger plan. https://docs.api.lens.org/request-patent.html (Pagination)
#   and https://support.lens.org/knowledge-base/lens-patent-and-scholar-api/ (access plans)
# - rate limits come in the response headers x-rate-limit-remaining-request-per-minute and
#   x-rate-limit-retry-after-seconds: https://docs.api.lens.org/getting-started.html (Rate Limiting)
# - ``scroll`` is the lifetime of the scroll context in minutes (e.g. "1m"); a scroll_id sent
#   after it lapsed is refused; the end of a scroll is an answer with no records (204, no
#   body): https://docs.api.lens.org/request-patent.html
# - ``stemming`` is on by default; EPO OPS does not stem, so it is switched off here to keep
#   the two patent series comparable: https://docs.api.lens.org/request-patent.html
PAGE_SIZE = 100
PAGE_SIZE_MAX = 1000  # the largest plan's page
SCROLL_MINUTES = 1
RATE_LEFT = "x-rate-limit-remaining-request-per-minute"
RATE_WAIT = "x-rate-limit-retry-after-seconds"
INCLUDE = [
    "lens_id",
    "jurisdiction",
    "doc_number",
    "kind",
    "date_published",
    "biblio.application_reference",
    "biblio.priority_claims",
    "biblio.parties.applicants",
    "biblio.invention_title",
    "families.simple_family",
]
COUNTRY_FIELDS = {"publication": "jurisdiction", "applicant": "applicant.residence"}
YEAR_FIELDS = {"priority": "earliest_priority_claim_date", "publication": "date_published"}
LENS_ID = re.compile(r"^\d{3}-\d{3}-\d{3}-\d{3}-\d{3}[0-9X]?$|^\d{3}-\d{3}-\d{3}-\d{3}-\d{2}[0-9X]$")
CSV_NEEDED = [
    "Jurisdiction",
    "Kind",
    "Publication Number",
    "Lens ID",
    "Publication Date",
    "Application Number",
    "Application Date",
    "Priority Numbers",
    "Earliest Priority Date",
    "Applicants",
    "Title",
]


# --------------------------------------------------------------------------- JSON-lines
@dataclass(frozen=True)
class Defect:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class JsonlResult:
    records: list[tuple[int, dict]] = field(default_factory=list)  # (line number, record)
    defects: list[Defect] = field(default_factory=list)
    lines: int = 0


def _is_date(value) -> bool:
    return isinstance(value, str) and bool(re.match(r"^\d{4}-\d{2}-\d{2}", value))


def record_problems(rec) -> list[str]:
    """What is wrong with one Lens patent record ([] if nothing).

    Mandatory: ``lens_id`` (Lens ID form), ``jurisdiction`` (2 letters), ``doc_number``,
    ``date_published`` (a date). Checked when present: the types of ``biblio``,
    ``families``, the application reference, priority claims, applicants, and each cited
    reference (a ``patcit`` must name a document or a Lens ID; an ``nplcit`` must carry text).
    """
    if not isinstance(rec, dict):
        return [f"a record must be a JSON object, found {type(rec).__name__}"]
    out = _mandatory_problems(rec)
    biblio = rec.get("biblio", {})
    if not isinstance(biblio, dict):
        return out + ["biblio is not an object"]
    if not isinstance(rec.get("families", {}), dict):
        out.append("families is not an object")
    app = biblio.get("application_reference")
    if app is not None and not isinstance(app, dict):
        out.append("biblio.application_reference is not an object")
    pc = biblio.get("priority_claims")
    if pc is not None:
        if not isinstance(pc, dict) or not isinstance(pc.get("claims", []), list):
            out.append("biblio.priority_claims is not an object with a list of claims")
        else:
            for i, c in enumerate(pc.get("claims", [])):
                if not isinstance(c, dict) or (
                    c.get("date") not in (None, "") and not _is_date(c.get("date"))
                ):
                    out.append(f"biblio.priority_claims.claims[{i}] is malformed")
    parties = biblio.get("parties", {})
    if not isinstance(parties, dict):
        out.append("biblio.parties is not an object")
    else:
        apps = parties.get("applicants", [])
        if not isinstance(apps, list) or not all(isinstance(a, dict) for a in apps):
            out.append("biblio.parties.applicants is not a list of objects")
    return out + _citation_problems(biblio.get("references_cited"))


def _mandatory_problems(rec: dict) -> list[str]:
    out = []
    for key in ("lens_id", "jurisdiction", "doc_number", "date_published"):
        if key not in rec or rec[key] in (None, ""):
            out.append(f"mandatory field {key!r} is missing")
    if isinstance(rec.get("lens_id"), str) and not LENS_ID.match(rec["lens_id"]):
        out.append(f"lens_id {rec['lens_id']!r} is not a Lens ID (NNN-NNN-NNN-NNN-NNN)")
    if "jurisdiction" in rec and not (
        isinstance(rec["jurisdiction"], str) and re.fullmatch(r"[A-Z]{2}", rec["jurisdiction"])
    ):
        out.append(f"jurisdiction {rec.get('jurisdiction')!r} is not a two-letter office code")
    if rec.get("date_published") not in (None, "") and not _is_date(rec.get("date_published")):
        out.append(f"date_published {rec.get('date_published')!r} is not a date")
    return out


def _citation_problems(refs) -> list[str]:
    if refs is None:
        return []
    cits = refs.get("citations", []) if isinstance(refs, dict) else None
    if not isinstance(cits, list):
        return ["biblio.references_cited.citations is not a list"]
    out = []
    for i, c in enumerate(cits):
        where = f"biblio.references_cited.citations[{i}]"
        if not isinstance(c, dict) or not ({"patcit", "nplcit"} & set(c)):
            out.append(f"{where} is neither a patent nor a non-patent citation")
            continue
        pat, npl = c.get("patcit"), c.get("nplcit")
        if "patcit" in c and not (
            isinstance(pat, dict)
            and (
                pat.get("lens_id")
                or (isinstance(pat.get("document_id"), dict) and pat["document_id"].get("doc_number"))
            )
        ):
            out.append(f"{where}.patcit is malformed: it names no document and no Lens ID")
        if "nplcit" in c and not (isinstance(npl, dict) and (npl.get("text") or npl.get("lens_id"))):
            out.append(f"{where}.nplcit is malformed: it has no text")
    return out


def read_jsonl(data: bytes, name: str) -> JsonlResult:
    """Parse a Lens JSON-lines export; every defective line is reported, none is dropped silently."""
    text = text_of(data, name)
    res = JsonlResult()
    for no, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        line = line.strip().strip("\r")
        if not line:
            continue
        res.lines += 1
        try:
            rec = json.loads(line)
        except ValueError as exc:
            res.defects.append(Defect(no, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        problems = record_problems(rec)
        if problems:
            res.defects.append(Defect(no, "; ".join(problems)))
            continue
        res.records.append((no, rec))
    return res


def _first(lst):
    return lst[0] if lst else {}


def record_to_row(rec: dict, dataset: str) -> dict:
    b = rec.get("biblio") or {}
    app = b.get("application_reference") or {}
    pc = b.get("priority_claims") or {}
    claims = [c for c in pc.get("claims", []) if isinstance(c, dict) and c.get("date")]
    earliest = (pc.get("earliest_claim") or {}).get("date") or (
        min(c["date"] for c in claims) if claims else ""
    )
    first_claim = min(claims, key=lambda c: (c["date"], c.get("sequence", 0))) if claims else {}
    prio_office = first_claim.get("jurisdiction", "")
    if not earliest and app.get("date"):  # no priority claimed: the application is the first filing
        earliest, prio_office = app.get("date", ""), app.get("jurisdiction", "")
    applicants = (b.get("parties") or {}).get("applicants") or []
    countries = sorted(
        {
            a.get("residence")
            for a in applicants
            if isinstance(a.get("residence"), str) and len(a.get("residence")) == 2
        }
    )
    names = [((a.get("extracted_name") or {}).get("value") or "") for a in applicants]
    fam = ((rec.get("families") or {}).get("simple_family") or {}).get("members") or []
    member_ids = [m.get("lens_id") for m in fam if m.get("lens_id")] + [rec["lens_id"]]
    titles = b.get("invention_title") or []
    title = next(
        (t.get("text", "") for t in titles if t.get("lang") == "en"),
        _first(titles).get("text", "") if titles else "",
    )
    return {
        "dataset": dataset,
        "doc_id": f"{rec['jurisdiction']}{rec['doc_number']}{rec.get('kind', '')}",
        "pub_office": rec["jurisdiction"],
        "kind": rec.get("kind", ""),
        "pub_date": P.iso_date(rec.get("date_published")),
        "app_id": f"{app.get('jurisdiction', '')}{app.get('doc_number', '')}"
        if app.get("doc_number")
        else "",
        "app_date": P.iso_date(app.get("date")),
        "priority_date": P.iso_date(earliest),
        "priority_office": prio_office or "",
        "family_id": "lens:" + min(member_ids),
        "family_basis": "lens simple family",
        "applicant_countries": P.join(countries),
        "applicants": P.join(names),
        "title": title,
    }


# --------------------------------------------------------------------------- CSV export
def _priority_numbers(cell: str) -> list[tuple[str, str, str]]:
    """``US 22552194 A 19940411;;US 22558594 A 19940411`` -> [(office, number, date), ...]."""
    out = []
    for part in (cell or "").split(";;"):
        bits = part.split()
        if len(bits) >= 2:
            date = P.iso_date(bits[-1]) if len(bits) >= 3 else ""
            out.append((bits[0], " ".join(bits[:-1]) if date else part.strip(), date))
    return out


def parse_csv_export(text: str, name: str) -> pd.DataFrame:
    check_fields(text, name)
    try:
        df = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise MalformedFile(f"{name} could not be read as a Lens CSV export: {exc}") from None
    missing = [c for c in CSV_NEEDED if c not in df.columns]
    if missing:
        raise MalformedFile(
            f"{name} is not a Lens patent CSV export: it lacks {', '.join(missing)}",
            hint="export from lens.org patent search results as CSV",
        )
    rows = []
    for rec in df.to_dict("records"):
        prios = _priority_numbers(rec["Priority Numbers"])
        dated = [p for p in prios if p[2]]
        first = min(dated, key=lambda p: p[2]) if dated else None
        pub = rec["Publication Number"].split()
        office = rec["Jurisdiction"]
        number = "".join(pub[1:-1]) if len(pub) >= 3 else rec["Publication Number"]
        fam_key = "|".join(sorted(p[1] for p in prios)) if prios else ("lens:" + rec["Lens ID"])
        rows.append(
            {
                "dataset": name,
                "doc_id": f"{office}{number}{rec['Kind']}".replace("/", ""),
                "pub_office": office,
                "kind": rec["Kind"],
                "pub_date": P.iso_date(rec["Publication Date"]),
                "app_id": rec["Application Number"].replace(" ", ""),
                "app_date": P.iso_date(rec["Application Date"]),
                "priority_date": P.iso_date(rec["Earliest Priority Date"]) or (first[2] if first else ""),
                "priority_office": first[0] if first else "",
                "family_id": "prio:" + fam_key if prios else fam_key,
                "family_basis": "same priority numbers" if prios else "single document",
                "applicant_countries": "",  # the CSV export gives no applicant residence
                "applicants": rec["Applicants"].replace(";;", ";"),
                "title": rec["Title"],
            }
        )
    return P.frame(rows)


# --------------------------------------------------------------------------- API answers
def check_search_page(body, where: str) -> tuple[int, list, str | None]:
    """Validate one ``/patent/search`` answer: (total, records, scroll_id)."""
    if (
        isinstance(body, dict)
        and ("error" in body or "errors" in body or "message" in body)
        and "data" not in body
    ):
        msg = body.get("error") or body.get("errors") or body.get("message")
        raise SourceError(
            f"Lens API refused {where}: {str(msg)[:300]}", hint="check the query JSON and the token"
        )
    if not isinstance(body, dict) or not isinstance(body.get("data"), list) or "total" not in body:
        raise SourceError(f"Lens API: unexpected answer for {where}: {str(body)[:200]}")
    return int(body["total"]), body["data"], body.get("scroll_id")


def page_records(records: list) -> tuple[list[dict], list[Defect]]:
    """Good records of an API page, and the defective ones by position (1-based) in ``data[]``."""
    good, bad = [], []
    for i, r in enumerate(records, start=1):
        problems = record_problems(r)
        if problems:
            bad.append(Defect(i, "data[] record " + str(i) + ": " + "; ".join(problems)))
        else:
            good.append(r)
    return good, bad


def aggregate_rows(body: dict, where: str) -> pd.DataFrame:
    """Country x year buckets of an ``/patent/aggregate`` answer (documents and families)."""
    aggs = body.get("aggregations") if isinstance(body, dict) else None
    if not isinstance(aggs, dict) or "by_country" not in aggs:
        raise SourceError(f"Lens API: no 'by_country' aggregation in {where}: {str(body)[:200]}")
    rows = []
    for cb in aggs["by_country"].get("buckets", []):
        years = cb.get("by_year", {}).get("buckets", [])
        for yb in years:
            key = yb.get("key_as_string") or yb.get("key")
            year = (
                int(str(key)[:4])
                if re.match(r"^\d{4}", str(key))
                else pd.to_datetime(int(key), unit="ms").year
            )
            fam = yb.get("families", {}).get("value")
            rows.append(
                {
                    "country": str(cb.get("key")),
                    "year": year,
                    "documents": int(yb.get("doc_count", 0)),
                    "families": int(fam) if fam is not None else None,
                }
            )
    return pd.DataFrame(rows, columns=["country", "year", "documents", "families"])


# --------------------------------------------------------------------------- import
def detect_kind(data: bytes, name: str) -> str:
    text = text_of(data, name)
    head = text.lstrip("\ufeff").lstrip()
    first = head.split("\n", 1)[0]
    if head.startswith("{"):
        try:
            body = json.loads(head)
        except ValueError:
            body = None  # several JSON documents (or a defective one): JSON-lines
        if isinstance(body, dict) and "aggregations" in body:
            return "lens_api_aggregate"
        if isinstance(body, dict) and "data" in body and "total" in body:
            return "lens_api_search"
        if '"lens_id"' in head[:200000] or name.lower().endswith((".jsonl", ".ndjson")):
            return "lens_jsonl"
        raise MalformedFile(
            f"{name} is JSON but not a Lens patent record, export or API answer (starts {first[:80]!r})"
        )
    if "Lens ID" in first and "Jurisdiction" in first:
        return "lens_csv"
    raise MalformedFile(
        f"{name} is not a Lens patent file this importer knows (starts with {first[:80]!r})",
        hint="expected a Lens patent CSV export, a JSON-lines export, or a saved Patent API answer",
    )


@dataclass
class Parsed:
    kind: str
    docs: pd.DataFrame
    defects: list[Defect] = field(default_factory=list)
    aggregate: pd.DataFrame | None = None
    meta: dict = field(default_factory=dict)


def parse(kind: str, data: bytes, name: str) -> Parsed:
    if kind == "lens_jsonl":
        res = read_jsonl(data, name)
        docs = P.frame([record_to_row(r, name) for _, r in res.records])
        return Parsed(kind, docs, res.defects, meta={"lines": res.lines})
    if kind == "lens_csv":
        return Parsed(kind, parse_csv_export(text_of(data, name), name))
    body = json.loads(text_of(data, name))
    if kind == "lens_api_search":
        total, records, _ = check_search_page(body, name)
        good, bad = page_records(records)
        return Parsed(kind, P.frame([record_to_row(r, name) for r in good]), bad, meta={"total": total})
    if kind == "lens_api_aggregate":
        agg = aggregate_rows(body, name)
        return Parsed(
            kind,
            P.frame([]),
            aggregate=agg,
            meta={"total": body.get("total"), **(body.get("_exo_query") or {})},
        )
    raise MalformedFile(f"{name}: unknown Lens file kind {kind!r}")


def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    def check(path: Path, data: bytes) -> dict:
        kind = detect_kind(data, path.name)
        parsed = parse(kind, data, path.name)
        if kind != "lens_api_aggregate" and len(parsed.docs) == 0:
            detail = "; ".join(map(str, parsed.defects[:10]))
            raise MalformedFile(
                f"{path.name} holds no usable Lens patent record" + (f" ({detail})" if detail else "")
            )
        for d in parsed.defects:
            log.warning("%s: defective record at %s", path.name, d)
        notes = None
        if parsed.defects:
            notes = f"{len(parsed.defects)} defective record(s) left out: " + " | ".join(
                map(str, parsed.defects)
            )
        return {"kind": kind, "licence": LICENCE, "citation": CITATION, "notes": notes}

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    # The mirror holds Lens files only as format fixtures (bio-oil, jet engines): none is
    # an exosome dataset, so none is imported into the compendium's raw store.
    return []


def load_documents(store: RawStore) -> tuple[pd.DataFrame, list[Entry], list[dict]]:
    """Documents from every stored Lens file, the entries used, and the defects found."""
    frames, used, defects = [], [], []
    for kind in ("lens_jsonl", "lens_csv", "lens_api_search"):
        found = store.find(NAME, kind)
        if kind == "lens_api_search":  # one query's pages only, the newest
            found, _ = newest_query_only(found, ("terms", "fields", "start", "end", "year_by"))
        for e in found:
            parsed = parse(kind, store.read_bytes(e), e.name)
            if len(parsed.docs):
                frames.append(parsed.docs)
                used.append(e)
            defects += [
                {"source": NAME, "file": e.name, "line": d.line, "problem": d.reason} for d in parsed.defects
            ]
    docs = pd.concat(frames, ignore_index=True) if frames else P.frame([])
    return docs, used, defects


def load_aggregates(store: RawStore) -> tuple[pd.DataFrame, list[Entry]]:
    frames, used = [], []
    for e in newest_query_only(store.find(NAME, "lens_api_aggregate"), ("terms", "fields", "start", "end"))[
        0
    ]:
        parsed = parse("lens_api_aggregate", store.read_bytes(e), e.name)
        agg = parsed.aggregate.assign(
            dataset=e.name,
            country_by=e.provenance.query.get("country_by", ""),
            year_by=e.provenance.query.get("year_by", ""),
        )
        frames.append(agg)
        used.append(e)
    if not frames:
        return pd.DataFrame(
            columns=["country", "year", "documents", "families", "dataset", "country_by", "year_by"]
        ), []
    return pd.concat(frames, ignore_index=True), used


# --------------------------------------------------------------------------- live
def build_query(
    terms=DEFAULT_TERMS,
    fields=DEFAULT_FIELDS,
    start: int | None = None,
    end: int | None = None,
    year_by: str = "priority",
) -> dict:
    """Lens query JSON: any term as a phrase in any of the fields, optionally within years."""
    if not terms:
        raise BadParameter("no search term given")
    should = [{"match_phrase": {f: t}} for t in terms for f in fields]
    must: list[dict] = [{"bool": {"should": should, "minimum_should_match": 1}}]
    if start is not None or end is not None:
        rng = {}
        if start is not None:
            rng["gte"] = f"{start}-01-01"
        if end is not None:
            rng["lte"] = f"{end}-12-31"
        must.append({"range": {YEAR_FIELDS[year_by]: rng}})
    return {"bool": {"must": must}}


def add_fetch_arguments(parser) -> None:
    parser.add_argument(
        "--term",
        action="append",
        default=None,
        help="search term, matched as a phrase in title, abstract or claims; repeatable "
        "(default: exosome, exosomes, extracellular vesicle(s))",
    )
    parser.add_argument(
        "--mode",
        choices=("records", "aggregate"),
        default="records",
        help="records: every matching record, scroll-paged (exact counts under any rule); "
        "aggregate: one request for country x year counts",
    )
    parser.add_argument(
        "--country-by", choices=tuple(COUNTRY_FIELDS), default="applicant", help="aggregate mode only"
    )
    parser.add_argument("--year-by", choices=tuple(YEAR_FIELDS), default="priority")
    parser.add_argument("--start", type=int, default=2000)
    parser.add_argument("--end", type=int, default=2024)
    parser.add_argument("--max-records", type=int, default=50000)
    parser.add_argument(
        "--page-size",
        type=int,
        default=PAGE_SIZE,
        help=f"records a scroll page (plan maximum; default {PAGE_SIZE})",
    )
    parser.add_argument("--base-url", default=os.environ.get("EXO_LENS_URL", API_URL))


def _client(base_url: str, client=None):
    from ..http import Client

    token = secret(TOKEN_VAR)
    if not token:
        raise SourceError(
            f"the Lens Patent API needs a token in the environment variable {TOKEN_VAR}",
            hint="request API access at lens.org (user profile > API), then export LENS_API_TOKEN=...",
        )
    if client is None:
        # no HTTP cache: scroll ids expire, so a cached first page would break paging; the pace
        # comes from the rate-limit headers of each answer (_rate_wait), not a fixed interval
        client = Client(base_url, name="Lens Patent API", cache=False)
    client.session.headers["Authorization"] = f"Bearer {token}"
    return client


def _header_seconds(resp, name: str) -> int | None:
    value = (resp.headers.get(name) or "").strip()
    return int(value) if value.isdigit() else None


def _retry_after_from_lens(resp, *args, **kwargs):
    """A 429 from Lens says how long to wait in its own header; give it to the retry loop."""
    wait = _header_seconds(resp, RATE_WAIT)
    if resp.status_code == 429 and wait is not None and "Retry-After" not in resp.headers:
        resp.headers["Retry-After"] = str(wait)
    return resp


def _rate_wait(resp) -> int:
    """Seconds to wait before the next request: the allowance left in this minute is 0."""
    left, wait = resp.headers.get(RATE_LEFT), _header_seconds(resp, RATE_WAIT)
    if left is not None and left.strip() == "0":
        return wait if wait is not None else 60
    return 0


def _post(client, path: str, payload: dict, what: str):
    from ..http import parse_json

    try:
        resp = client.request("POST", path, json=payload, hooks={"response": _retry_after_from_lens})
    except SourceError as exc:
        if "HTTP 400" in str(exc) and "scroll_id" in payload:
            raise SourceError(
                f"Lens API refused {what}: the scroll context expired or is unknown ({exc})",
                hint=f"a scroll lives {payload.get('scroll')}; nothing was stored; try again",
            ) from None
        if "HTTP 400" in str(exc) and "size" in payload:
            raise SourceError(
                f"Lens API refused {what} ({exc})",
                hint=f"page size {payload['size']} may be above your plan's maximum; try --page-size 100",
            ) from None
        raise
    if resp.status_code == 204 or not resp.content.strip():
        return resp, None  # the documented end of a scroll: 204, no body
    return resp, parse_json(resp.content, f"Lens {what}")


def fetch(
    store: RawStore,
    term=None,
    mode: str = "records",
    country_by: str = "applicant",
    year_by: str = "priority",
    start: int = 2000,
    end: int = 2024,
    max_records: int = 50000,
    base_url: str = API_URL,
    client=None,
    page_size: int = PAGE_SIZE,
) -> list[Entry]:
    terms = tuple(term or DEFAULT_TERMS)
    _check_fetch(start, end, mode, year_by, country_by, page_size)
    query = build_query(terms, start=start, end=end, year_by=year_by)
    qmeta = {"terms": list(terms), "fields": list(DEFAULT_FIELDS), "start": start, "end": end,
             "year_by": year_by, "mode": mode, "stemming": False}  # fmt: skip
    client = _client(base_url, client)
    stamp = f"{start}-{end}_{year_by}"
    if mode == "aggregate":
        return _fetch_aggregate(store, client, query, qmeta, country_by, stamp)
    return _fetch_records(store, client, query, qmeta, page_size, max_records, stamp)


def _check_fetch(start, end, mode, year_by, country_by, page_size) -> None:
    if start > end:
        raise BadParameter(f"reversed years: start {start} is after end {end}")
    if mode not in ("records", "aggregate"):
        raise BadParameter(f"unsupported Lens mode {mode!r}: use 'records' or 'aggregate'")
    if year_by not in YEAR_FIELDS:
        raise BadParameter(f"unsupported year basis {year_by!r}: use {', '.join(YEAR_FIELDS)}")
    if mode == "aggregate" and country_by not in COUNTRY_FIELDS:
        raise BadParameter(
            f"Lens aggregations cannot count by {country_by!r}; use {', '.join(COUNTRY_FIELDS)} "
            "or --mode records (priority office needs the records)"
        )
    if not 1 <= int(page_size) <= PAGE_SIZE_MAX:
        raise BadParameter(f"Lens page size {page_size} is outside 1..{PAGE_SIZE_MAX}")


def aggregate_payload(query: dict, country_by: str, year_by: str) -> dict:
    histogram = {
        "field": YEAR_FIELDS[year_by],
        "interval": "YEAR",
        "aggregations": {"families": {"cardinality": {"field": "family.simple.id"}}},
    }
    by_country = {"field": COUNTRY_FIELDS[country_by], "size": 100,
                  "aggregations": {"by_year": {"date_histogram": histogram}}}  # fmt: skip
    return {"query": query, "size": 0, "stemming": False,
            "aggregations": {"by_country": {"terms": by_country}}}  # fmt: skip


def _fetch_aggregate(store, client, query, qmeta, country_by, stamp) -> list[Entry]:
    from ..http import malformed_answers
    from ..store import Page

    payload = aggregate_payload(query, country_by, qmeta["year_by"])
    with malformed_answers("Lens Patent API"):
        resp, body = _post(client, "patent/aggregate", payload, "aggregate")
        if body is None:
            raise SourceError("Lens aggregate: empty answer (204)", hint="nothing was stored")
        results = len(aggregate_rows(body, "Lens aggregate answer"))  # validate before storing
    # /patent/aggregate needs its own subscription, and cardinality (families) is approximate:
    # the series is never marked complete
    qmeta.update({"country_by": country_by, "complete": False, "families_approximate": True})
    note = "families by cardinality (approximate); an aggregate is never a complete walk"
    page = Page(resp.content, f"{client.base_url}/patent/aggregate", "lens_api_aggregate", LICENCE,
                citation=CITATION, query=qmeta, notes=note)  # fmt: skip
    return store.put_snapshot(NAME, f"api_aggregate_{country_by}_{stamp}", [page], results=results,
                              query=qmeta)  # fmt: skip


def _fetch_records(store, client, query, qmeta, page_size, max_records, stamp) -> list[Entry]:
    from ..http import malformed_answers
    from ..store import Page

    with malformed_answers("Lens Patent API"):
        pages, got, total = _walk_search(client, query, page_size, max_records)
    qmeta.update({"total": total, "retrieved": got, "complete": bool(total is not None and got >= total)})
    # every page arrived and validated: only now write to the store, as one snapshot
    stored = [
        Page(body, f"{client.base_url}/patent/search", "lens_api_search", LICENCE, citation=CITATION,
             query={**qmeta, "page": i})
        for i, body in enumerate(pages, start=1)
    ]  # fmt: skip
    return store.put_snapshot(NAME, f"api_search_{stamp}", stored, results=got, query=qmeta)


def _walk_search(
    client, query: dict, page_size: int, max_records: int, sleep=time.sleep
) -> tuple[list[bytes], int, int | None]:
    """Every page of one scroll, each checked: (page bodies, records received, total reported).

    Before each next page the rate-limit headers say whether to wait; the scroll lifetime
    sent with the request covers that wait, so backing off cannot let the scroll expire."""
    from ..http import check_pages

    pages: list[bytes] = []
    payload = {"query": query, "size": page_size, "scroll": f"{SCROLL_MINUTES}m", "include": INCLUDE,
               "stemming": False}  # fmt: skip
    got, total, wait = 0, None, 0
    with tqdm(desc="Lens records", unit="rec", disable=None) as bar:
        while True:
            check_pages(len(pages), "Lens patent/search")
            resp, body = _post(client, "patent/search", payload, f"search page {len(pages) + 1}")
            if body is None:  # 204: the scroll has ended
                break
            total_now, data, scroll_id = check_search_page(body, f"page {len(pages) + 1}")
            total = total_now if total is None else total
            if not data:
                break
            for d in page_records(data)[1]:
                log.warning("Lens page %d: defective record left out: %s", len(pages) + 1, d.reason)
            pages.append(resp.content)
            got += len(data)
            bar.update(len(data))
            if got >= min(total, max_records):
                break
            if not scroll_id:
                raise SourceError(
                    f"Lens API: page {len(pages)} has no scroll_id but {total - got} records remain"
                )
            wait = _rate_wait(resp)
            if wait:
                sleep(wait)
            minutes = max(SCROLL_MINUTES, -(-(wait + 30) // 60))  # the scroll outlives the wait
            payload = {"scroll_id": scroll_id, "scroll": f"{minutes}m"}
    if total is not None and got < min(total, max_records):
        raise SourceError(
            f"Lens API: the scroll ended after {got} of {total} records",
            hint="the result would be incomplete; nothing was stored; try again",
        )
    return pages, got, total
