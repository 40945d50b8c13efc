"""ClinicalTrials.gov (US National Library of Medicine): registered clinical studies.

Live route: the data API v2 (``https://clinicaltrials.gov/api/v2``).

- ``GET /studies`` with ``query.term`` / ``query.cond`` / ``query.intr`` / ``query.spons``
  (Essie search expressions), filters (``filter.overallStatus``, ``filter.advanced`` for
  study type and start-date ranges, ``filter.ids``), ``fields``, ``pageSize`` (at most
  1000) and ``countTotal=true``. The answer is ``{"studies": [...], "nextPageToken": ...,
  "totalCount": n}``; the walk follows ``pageToken`` until no ``nextPageToken`` is
  returned. When the total was asked for, the number of studies received must equal it,
  so a walk that stops early is an error, not a shorter result.
- ``GET /studies/{nctId}``: one study object, bare (no wrapper).
- A count (``fetch --count-only``): ``GET /studies`` with ``countTotal=true`` and
  ``pageSize=1`` asks only for ``totalCount`` (returned with the first page, per the API
  reference https://clinicaltrials.gov/data-api/api). It searches one field (``query.cond``,
  ``query.intr`` or ``query.term``) so that a live number can stand beside a cited registry
  total searched in the same field; it is stored as ``api_count`` and never read as records.

The registry asks clients to stay near 50 requests a minute; the client waits
``MIN_INTERVAL`` seconds between requests and retries 429/5xx with backoff, honouring
``Retry-After`` (``exo_industry.http.Client``). Every page is checked before anything is
stored, so a failed walk keeps the last good snapshot.

Import route (kind detected from the content, never from the file name):

- ``website_json``: the website's "Download -> JSON" file, a JSON array of v2 study
  objects (``protocolSection`` / ``derivedSection``; unknown keys are ignored);
- ``api_page`` / ``api_study``: a saved API page (wrapper object) or single study;
- ``classic_csv`` / ``classic_tsv``: the classic website export ("Rank","NCT Number",
  "Title", ... "URL"), comma- or tab-separated;
- ``flat_v2_csv``: studies flattened from API v2 by a monitoring script (columns
  ``nct_id,title,desc,cond,intv,phase,type,status,...``), as in the mirror's
  NeuroCell file.

One model for every route: :class:`Study`. Vocabularies are the API v2 enums
(``INTERVENTIONAL``, ``PHASE1``, ``RECRUITING``...); classic-export words are mapped
to them (``Phase 1|Phase 2`` -> ``PHASE1, PHASE2``; ``Unknown status`` -> ``UNKNOWN``;
``Expanded Access:...`` -> ``EXPANDED_ACCESS``). Dates are ISO (``YYYY-MM-DD`` or
``YYYY-MM`` when the registry gives only a month). The classic export has no MeSH
terms or browse branches; the flattened file has neither countries nor sponsors.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from tqdm.auto import tqdm

from .._lazy import pd
from ..errors import BadParameter, MalformedFile, MissingData, SourceError
from ..store import Entry, RawStore
from ._files import check_fields, import_validated, text_of

NAME = "ctgov"
TITLE = "ClinicalTrials.gov (NLM) registry of clinical studies"
LICENCE = "public domain (US NLM ClinicalTrials.gov terms of use)"
HOME = "https://clinicaltrials.gov/"
CITATION = "U.S. National Library of Medicine, ClinicalTrials.gov, https://clinicaltrials.gov/"
API_URL = "https://clinicaltrials.gov/api/v2"
ENV_URL = "EXO_CTGOV_URL"
MIN_INTERVAL = 1.2  # seconds between requests (about 50 a minute)
MAX_PAGE_SIZE = 1000
NCT_RE = re.compile(r"^NCT\d{8}$")

STUDY_TYPES = ("INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS")
STATUSES = (
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
)
PHASES = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA")

CLASSIC_COLUMNS = ["NCT Number", "Title", "Status", "Conditions", "Interventions", "Phases", "Study Type"]
FLAT_COLUMNS = ["nct_id", "title", "desc", "cond", "intv", "phase", "status"]


# --------------------------------------------------------------------------- model
@dataclass(frozen=True)
class Intervention:
    type: str  # v2 enum: DRUG, BIOLOGICAL, DEVICE, PROCEDURE, OTHER, ... ("" when unknown)
    name: str
    description: str = ""


@dataclass(frozen=True)
class Study:
    nct_id: str
    title: str
    official_title: str = ""
    study_type: str = ""
    phases: tuple[str, ...] = ()
    overall_status: str = ""
    start_date: str = ""
    first_posted: str = ""
    last_update: str = ""
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()
    mesh_ancestors: tuple[str, ...] = ()
    browse_branches: tuple[str, ...] = ()  # names, e.g. "Neoplasms"
    interventions: tuple[Intervention, ...] = ()
    lead_sponsor: str = ""
    sponsor_class: str = ""  # v2 enum: INDUSTRY, OTHER, NIH, FED, OTHER_GOV, NETWORK, INDIV, UNKNOWN
    # the classes of lead sponsor and collaborators (v2 ``class`` fields; classic "Funded Bys")
    funded_by: tuple[str, ...] = ()
    collaborators: tuple[str, ...] = ()
    site_countries: tuple[str, ...] = ()
    summary: str = ""
    outcomes: str = ""
    origin: str = ""  # which stored file kind the record came from

    @property
    def start_year(self) -> int | None:
        return int(self.start_date[:4]) if self.start_date[:4].isdigit() else None

    def text(self) -> str:
        """All free text of the record, for term matching."""
        parts = [
            self.title,
            self.official_title,
            self.summary,
            self.outcomes,
            " ".join(self.conditions),
            " ".join(self.keywords),
        ]
        parts += [f"{i.name} {i.description}" for i in self.interventions]
        return "\n".join(p for p in parts if p)

    def row(self) -> dict:
        d = asdict(self)
        d["interventions"] = " | ".join(
            f"{i.type}: {i.name}" if i.type else i.name for i in self.interventions
        )
        for k, v in list(d.items()):
            if isinstance(v, (tuple, list)):
                d[k] = "|".join(v)
        d["start_year"] = self.start_year
        return d


STUDY_COLUMNS = [
    "nct_id",
    "title",
    "official_title",
    "study_type",
    "phases",
    "overall_status",
    "start_date",
    "start_year",
    "first_posted",
    "last_update",
    "conditions",
    "keywords",
    "mesh_terms",
    "mesh_ancestors",
    "browse_branches",
    "interventions",
    "lead_sponsor",
    "sponsor_class",
    "funded_by",
    "collaborators",
    "site_countries",
    "summary",
    "outcomes",
    "origin",
]


def studies_frame(studies: list[Study]) -> pd.DataFrame:
    if not studies:
        return pd.DataFrame(columns=STUDY_COLUMNS)
    return pd.DataFrame([s.row() for s in studies])[STUDY_COLUMNS]


# --------------------------------------------------------------------------- v2 JSON
def _get(d, *keys, default=None):
    for k in keys:
        if not isinstance(d, dict):
            return default
        d = d.get(k)
        if d is None:
            return default
    return d


def _names(items, key) -> tuple[str, ...]:
    out = []
    for it in items or []:
        v = it.get(key) if isinstance(it, dict) else None
        if v and v not in out:
            out.append(str(v))
    return tuple(out)


def _classes(sponsors: dict) -> tuple[str, ...]:
    """The distinct sponsor classes of lead sponsor and collaborators, lead first."""
    found = [_get(sponsors, "leadSponsor", "class", default="") or ""]
    found += [c.get("class", "") for c in sponsors.get("collaborators") or [] if isinstance(c, dict)]
    return tuple(dict.fromkeys(str(c) for c in found if c))


def study_from_v2(obj: dict, origin: str = "") -> Study:
    """One API v2 study object (as in ``studies[]``, ``/studies/{id}`` or the website JSON)."""
    if not isinstance(obj, dict) or "protocolSection" not in obj:
        raise MalformedFile("not an API v2 study object (no protocolSection)")
    p = obj["protocolSection"]
    nct = _get(p, "identificationModule", "nctId", default="")
    if not NCT_RE.match(str(nct)):
        raise MalformedFile(f"study object without a valid NCT ID ({nct!r})")
    status = _get(p, "statusModule", default={})
    sponsors = _get(p, "sponsorCollaboratorsModule", default={})
    derived = obj.get("derivedSection") or {}
    cbm = derived.get("conditionBrowseModule") or {}
    outcomes = []
    for key in ("primaryOutcomes", "secondaryOutcomes", "otherOutcomes"):
        for o in _get(p, "outcomesModule", key, default=[]) or []:
            outcomes.append(" ".join(str(o.get(k, "")) for k in ("measure", "description") if o.get(k)))
    countries = []
    for loc in _get(p, "contactsLocationsModule", "locations", default=[]) or []:
        c = loc.get("country") if isinstance(loc, dict) else None
        if c and c not in countries:
            countries.append(c)
    return Study(
        nct_id=nct,
        title=_get(p, "identificationModule", "briefTitle", default="") or "",
        official_title=_get(p, "identificationModule", "officialTitle", default="") or "",
        study_type=_get(p, "designModule", "studyType", default="") or "",
        phases=tuple(_get(p, "designModule", "phases", default=[]) or []),
        overall_status=status.get("overallStatus", "") or "",
        start_date=_get(status, "startDateStruct", "date", default="") or "",
        first_posted=_get(status, "studyFirstPostDateStruct", "date", default="") or "",
        last_update=_get(status, "lastUpdatePostDateStruct", "date", default="") or "",
        conditions=tuple(_get(p, "conditionsModule", "conditions", default=[]) or []),
        keywords=tuple(_get(p, "conditionsModule", "keywords", default=[]) or []),
        mesh_terms=_names(cbm.get("meshes"), "term"),
        mesh_ancestors=_names(cbm.get("ancestors"), "term"),
        browse_branches=tuple(
            n
            for n in _names(cbm.get("browseBranches"), "name")
            if n not in ("All Conditions", "Rare Diseases")
        ),
        interventions=tuple(
            Intervention(
                str(i.get("type", "") or ""),
                str(i.get("name", "") or ""),
                str(i.get("description", "") or ""),
            )
            for i in _get(p, "armsInterventionsModule", "interventions", default=[]) or []
            if isinstance(i, dict)
        ),
        lead_sponsor=_get(sponsors, "leadSponsor", "name", default="") or "",
        sponsor_class=_get(sponsors, "leadSponsor", "class", default="") or "",
        funded_by=_classes(sponsors),
        collaborators=_names(sponsors.get("collaborators"), "name"),
        site_countries=tuple(countries),
        summary=_get(p, "descriptionModule", "briefSummary", default="") or "",
        outcomes=" | ".join(outcomes),
        origin=origin,
    )


def check_page(body, where: str) -> tuple[list, str | None, int | None]:
    """Validate one ``/studies`` answer; return (studies, nextPageToken, totalCount)."""
    if not isinstance(body, dict) or not isinstance(body.get("studies"), list):
        keys = ", ".join(sorted(body)) if isinstance(body, dict) else type(body).__name__
        raise SourceError(f"ClinicalTrials.gov: {where} is not a /studies page (found {keys})")
    for s in body["studies"]:
        study_from_v2(s)  # raises on a broken record
    token = body.get("nextPageToken") or None
    if token is not None and not isinstance(token, str):
        raise SourceError(
            f"ClinicalTrials.gov: {where} has a nextPageToken that is not text: {str(token)[:80]}"
        )
    total = body.get("totalCount")
    if total is not None and (isinstance(total, bool) or not isinstance(total, int) or total < 0):
        raise SourceError(
            f"ClinicalTrials.gov: {where} has a totalCount that is not a count: {str(total)[:80]}"
        )
    return body["studies"], token, total


# --------------------------------------------------------------------------- classic exports
_CLASSIC_STATUS = {"Unknown status": "UNKNOWN"}
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}


def norm_status(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    if text in _CLASSIC_STATUS:
        return _CLASSIC_STATUS[text]
    return re.sub(r"[^A-Z]+", "_", text.upper()).strip("_")


def norm_phases(text: str) -> tuple[str, ...]:
    """``Phase 1|Phase 2`` / ``Early Phase 1`` / ``Not Applicable`` / ``PHASE1; PHASE2`` to v2 enums."""
    out = []
    for part in re.split(r"[|;,]", text or ""):
        p = part.strip().upper().replace(" ", "")
        if not p:
            continue
        if p in ("NOTAPPLICABLE", "NA", "N/A"):
            v = "NA"
        elif p in ("EARLYPHASE1", "PHASE0", "EARLY_PHASE1"):
            v = "EARLY_PHASE1"
        else:
            m = re.fullmatch(r"PHASE([1-4])", p)
            if not m:
                raise MalformedFile(f"unknown phase {part.strip()!r}")
            v = f"PHASE{m.group(1)}"
        if v not in out:
            out.append(v)
    return tuple(out)


def norm_study_type(text: str) -> str:
    t = (text or "").strip().upper()
    if not t:
        return ""
    if t.startswith("EXPANDED"):
        return "EXPANDED_ACCESS"
    return t.replace(" ", "_")


def norm_date(text: str) -> str:
    """``June 17, 2020`` -> ``2020-06-17``; ``April 2012`` -> ``2012-04``; ISO kept."""
    t = (text or "").strip()
    if not t:
        return ""
    if re.fullmatch(r"\d{4}(-\d{2}){0,2}", t):
        return t
    m = re.fullmatch(r"([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})", t)
    if m and m.group(1) in _MONTHS:
        return _dt.date(int(m.group(3)), _MONTHS[m.group(1)], int(m.group(2))).isoformat()
    m = re.fullmatch(r"([A-Za-z]+)\s+(\d{4})", t)
    if m and m.group(1) in _MONTHS:
        return f"{m.group(2)}-{_MONTHS[m.group(1)]:02d}"
    raise MalformedFile(f"unreadable date {t!r}")


_INTERVENTION_TYPES = {
    "Drug",
    "Biological",
    "Device",
    "Procedure",
    "Other",
    "Behavioral",
    "Radiation",
    "Dietary Supplement",
    "Genetic",
    "Diagnostic Test",
    "Combination Product",
}


def _classic_interventions(text: str) -> tuple[Intervention, ...]:
    out = []
    for part in (text or "").split("|"):
        part = part.strip()
        if not part:
            continue
        kind, sep, name = part.partition(":")
        if sep and kind.strip() in _INTERVENTION_TYPES:
            out.append(Intervention(kind.strip().upper().replace(" ", "_"), name.strip()))
        else:
            out.append(Intervention("", part))
    return tuple(out)


# Registry country names that hold a comma ("Iran, Islamic Republic of"): a classic export's
# location is "facility, city, [state,] country", so its last comma part alone would be a fragment.
COMMA_COUNTRIES = (
    "Iran, Islamic Republic of",
    "Korea, Republic of",
    "Korea, Democratic People's Republic of",
    "Congo, The Democratic Republic of the",
    "Moldova, Republic of",
    "Macedonia, The Former Yugoslav Republic of",
    "Micronesia, Federated States of",
    "Palestinian Territory, occupied",
    "Taiwan, Province of China",
    "Tanzania, United Republic of",
    "Bolivia, Plurinational State of",
    "Venezuela, Bolivarian Republic of",
    "Virgin Islands, British",
    "Virgin Islands, U.S.",
    "Bonaire, Sint Eustatius and Saba",
    "Saint Helena, Ascension and Tristan da Cunha",
)


def location_country(location: str) -> str:
    """The country of one classic-export location ("facility, city, state, country")."""
    loc = " ".join((location or "").split()).strip(" ,")
    low = loc.lower()
    for name in COMMA_COUNTRIES:
        if low == name.lower() or low.endswith(", " + name.lower()):
            return name
    return loc.rsplit(",", 1)[-1].strip()


def _classic_countries(text: str) -> tuple[str, ...]:
    """Site countries of a classic export's ``Locations`` (locations are separated by "|")."""
    out = []
    for loc in (text or "").split("|"):
        c = location_country(loc)
        if c and c not in out:
            out.append(c)
    return tuple(out)


def _split(text: str, sep: str = "|") -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(sep) if p.strip())


def study_from_classic(row: dict, origin: str) -> Study:
    nct = (row.get("NCT Number") or "").strip()
    if not NCT_RE.match(nct):
        raise MalformedFile(f"row without a valid NCT Number ({nct!r})")
    sponsors = _split(row.get("Sponsor/Collaborators", ""))
    funded = _split(row.get("Funded Bys", ""))
    return Study(
        nct_id=nct,
        title=(row.get("Title") or "").strip(),
        study_type=norm_study_type(row.get("Study Type", "")),
        phases=norm_phases(row.get("Phases", "")),
        overall_status=norm_status(row.get("Status", "")),
        start_date=norm_date(row.get("Start Date", "")),
        first_posted=norm_date(row.get("First Posted", "")),
        last_update=norm_date(row.get("Last Update Posted", "")),
        conditions=_split(row.get("Conditions", "")),
        interventions=_classic_interventions(row.get("Interventions", "")),
        lead_sponsor=sponsors[0] if sponsors else "",
        sponsor_class=funded[0].upper().replace(" ", "_") if funded else "",
        funded_by=tuple(f.upper().replace(" ", "_") for f in funded),
        collaborators=sponsors[1:],
        site_countries=_classic_countries(row.get("Locations", "")),
        outcomes=(row.get("Outcome Measures") or "").strip(),
        origin=origin,
    )


def study_from_flat(row: dict, origin: str) -> Study:
    nct = (row.get("nct_id") or "").strip()
    if not NCT_RE.match(nct):
        raise MalformedFile(f"row without a valid nct_id ({nct!r})")
    return Study(
        nct_id=nct,
        title=(row.get("title") or "").strip(),
        study_type=norm_study_type(row.get("type", "")),
        phases=norm_phases(row.get("phase", "")),
        overall_status=norm_status(row.get("status", "")),
        start_date=norm_date(row.get("start", "")),
        conditions=_split(row.get("cond", ""), ";"),
        interventions=tuple(Intervention("", n) for n in _split(row.get("intv", ""), ";")),
        lead_sponsor=(row.get("sponsor") or "").strip(),
        summary=(row.get("desc") or "").strip(),
        origin=origin,
    )


# --------------------------------------------------------------------------- detection and parsing
def detect_kind(text: str, name: str) -> str:
    head = text.lstrip("\ufeff").lstrip()
    if head.startswith("[") or head.startswith("{"):
        try:
            doc = json.loads(head)
        except ValueError as exc:
            raise MalformedFile(f"{name} looks like JSON but is not complete JSON: {exc}") from None
        if isinstance(doc, list) and doc and all(isinstance(s, dict) and "protocolSection" in s for s in doc):
            return "website_json"
        if isinstance(doc, dict) and isinstance(doc.get("studies"), list):
            return "api_page"
        if isinstance(doc, dict) and "protocolSection" in doc:
            return "api_study"
        raise MalformedFile(
            f"{name} is JSON but not ClinicalTrials.gov study data",
            hint="expected the website's JSON download (an array of study objects with protocolSection), "
            "or an API v2 /studies page",
        )
    first = head.split("\n", 1)[0]
    for sep, kind in (("\t", "classic_tsv"), (",", "classic_csv")):
        cols = next(csv.reader([first], delimiter=sep))
        cols = [c.strip() for c in cols]
        if all(c in cols for c in CLASSIC_COLUMNS):
            return kind
        if all(c in cols for c in FLAT_COLUMNS):
            return "flat_v2_csv"
    raise MalformedFile(
        f"{name} is not a ClinicalTrials.gov export this importer knows (first line: {first[:100]!r})",
        hint="expected the website's JSON download, or the classic CSV/TSV export with columns "
        + ", ".join(CLASSIC_COLUMNS),
    )


def parse(kind: str, data: bytes, name: str) -> list[Study]:
    """Every study in one stored or imported file (raises MalformedFile naming the file)."""
    text = text_of(data, name)
    if kind in ("classic_csv", "classic_tsv", "flat_v2_csv"):
        check_fields(text, name, "\t" if kind == "classic_tsv" else ",")
    try:
        if kind in ("website_json", "api_page", "api_study"):
            try:
                doc = json.loads(text)
            except ValueError as exc:
                raise MalformedFile(f"{name} is not complete JSON: {exc}") from None
            if kind == "website_json":
                if not isinstance(doc, list):
                    raise MalformedFile(f"{name}: expected a JSON array of studies")
                return [study_from_v2(s, kind) for s in doc]
            if kind == "api_page":
                studies, _, _ = check_page(doc, name)
                return [study_from_v2(s, kind) for s in studies]
            return [study_from_v2(doc, kind)]
        if kind in ("classic_csv", "classic_tsv", "flat_v2_csv"):
            sep = "\t" if kind == "classic_tsv" else ","
            reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=sep)
            make = study_from_flat if kind == "flat_v2_csv" else study_from_classic
            return [make(row, kind) for row in reader]
    except (MalformedFile, SourceError) as exc:
        raise MalformedFile(f"{name}: {str(exc).splitlines()[0]}") from None
    except csv.Error as exc:
        raise MalformedFile(f"{name} could not be read as a table: {exc}") from None
    raise MalformedFile(f"{name}: unknown ClinicalTrials.gov file kind {kind!r}")


def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    def check(path: Path, data: bytes) -> dict:
        kind = detect_kind(text_of(data, path.name), path.name)
        studies = parse(kind, data, path.name)
        if not studies:
            raise MalformedFile(f"{path.name} holds no studies")
        return {"kind": kind, "licence": LICENCE, "citation": CITATION, "notes": f"{len(studies)} studies"}

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    """The partial EV/exosome record sets of the offline mirror (not the parser fixtures).

    The mirror's count snapshot (``ev_trial_counts_snapshot_MichaLie``) is not a record
    set; the trials section cites its numbers as references.
    """
    base = Path(shared) / "clinical_trials"
    files = sorted((base / "msc_trials_ctgov_csv_export_jesnyder").glob("*.csv"))
    files += sorted((base / "ev_cns_trials_ctgov_v2_flattened_NeuroCell").glob("*.csv"))
    return files


KIND_PRIORITY = ("api_study", "api_page", "website_json", "classic_csv", "classic_tsv", "flat_v2_csv")


def load_studies(store: RawStore) -> tuple[list[Study], list[Entry]]:
    """Every stored study, one per NCT ID (API v2 records win over exports; newer files win)."""
    best: dict[str, tuple[tuple, Study]] = {}
    used = []
    for rank, kind in enumerate(KIND_PRIORITY):
        for e in store.find(NAME, kind):
            studies = parse(kind, store.read_bytes(e), e.name)
            used.append(e)
            key = (-rank, e.provenance.retrieved_at, e.name)
            for s in studies:
                if s.nct_id not in best or key > best[s.nct_id][0]:
                    best[s.nct_id] = (key, s)
    if not best:
        raise MissingData(
            "the raw store has no ClinicalTrials.gov records",
            hint="`exo-industry import ctgov --mirror`, or `exo-industry fetch ctgov --term exosome`",
        )
    return [best[k][1] for k in sorted(best)], used


# --------------------------------------------------------------------------- live
def add_fetch_arguments(parser) -> None:
    parser.add_argument("--term", action="append", default=None, help="query.term (repeatable, joined by OR)")
    parser.add_argument("--cond", default=None, help="query.cond (conditions)")
    parser.add_argument("--intr", default=None, help="query.intr (interventions)")
    parser.add_argument("--spons", default=None, help="query.spons (sponsor / collaborator)")
    parser.add_argument("--study-type", action="append", default=None, choices=STUDY_TYPES)
    parser.add_argument("--status", action="append", default=None, choices=STATUSES)
    parser.add_argument("--start-from", default=None, help="start date on or after (YYYY-MM-DD)")
    parser.add_argument("--start-to", default=None, help="start date on or before (YYYY-MM-DD)")
    parser.add_argument("--nct", action="append", default=None, help="fetch single studies by NCT ID")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument(
        "--count-only",
        action="store_true",
        help="store only the registry's totalCount for one field (--cond, --intr or --term; pageSize=1)",
    )
    parser.add_argument("--base-url", default=os.environ.get(ENV_URL, API_URL))


def _essie_or(terms: list[str]) -> str:
    return " OR ".join(f'"{t}"' if " " in t else t for t in terms)


def _is_date(text: str) -> bool:
    """A real calendar date written YYYY-MM-DD (2020-99-99 and 2023-02-30 are not)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def build_params(
    term=None,
    cond=None,
    intr=None,
    spons=None,
    study_type=None,
    status=None,
    start_from=None,
    start_to=None,
    fields=None,
    page_size: int = 100,
    count_total: bool = True,
) -> dict:
    """The ``/studies`` query parameters (validated)."""
    terms = [term] if isinstance(term, str) else list(term or [])
    for label, values in (("term", terms), ("cond", cond), ("intr", intr), ("spons", spons)):
        values = [values] if isinstance(values, str) else list(values or [])
        if any(not str(v).strip() for v in values):
            raise BadParameter(f"empty query: {label} {values!r} holds an empty string")
    if not (terms or cond or intr or spons):
        raise BadParameter("give at least one of term, cond, intr or spons")
    if not 1 <= int(page_size) <= MAX_PAGE_SIZE:
        raise BadParameter(f"page_size {page_size} out of range 1..{MAX_PAGE_SIZE}")
    params: dict = {"format": "json", "pageSize": int(page_size)}
    if count_total:
        params["countTotal"] = "true"
    if terms:
        params["query.term"] = _essie_or(terms)
    if cond:
        params["query.cond"] = cond
    if intr:
        params["query.intr"] = intr
    if spons:
        params["query.spons"] = spons
    advanced = []
    for t in study_type or []:
        if t not in STUDY_TYPES:
            raise BadParameter(f"unknown study type {t!r}; known: {', '.join(STUDY_TYPES)}")
    if study_type:
        advanced.append("(" + " OR ".join(f"AREA[StudyType]{t}" for t in study_type) + ")")
    for d, label in ((start_from, "start_from"), (start_to, "start_to")):
        if d and not _is_date(str(d)):
            raise BadParameter(f"{label} {d!r} is not a date: expected a real calendar day YYYY-MM-DD")
    if start_from and start_to and str(start_from) > str(start_to):
        raise BadParameter(f"reversed dates: start_from {start_from} is after start_to {start_to}")
    if start_from or start_to:
        advanced.append(f"AREA[StartDate]RANGE[{start_from or 'MIN'},{start_to or 'MAX'}]")
    if advanced:
        params["filter.advanced"] = " AND ".join(advanced)
    if status:
        bad = [s for s in status if s not in STATUSES]
        if bad:
            raise BadParameter(f"unknown status {bad[0]!r}; known: {', '.join(STATUSES)}")
        params["filter.overallStatus"] = ",".join(status)
    if fields:
        params["fields"] = ",".join(fields)
    return params


def make_client(base_url: str | None = None, min_interval: float = MIN_INTERVAL, **kw):
    from ..http import Client

    return Client(
        base_url or os.environ.get(ENV_URL, API_URL),
        name="ClinicalTrials.gov API",
        min_interval=min_interval,
        **kw,
    )


def walk_studies(client, params: dict, max_pages: int = 10_000):
    """Every page of one ``/studies`` query: yields (url, body bytes, studies, token, total, retrieved_at).

    ``retrieved_at`` is the time the answer was fetched: a cached answer keeps its own time.

    Raises SourceError when a page is not a studies page, when a page repeats a token,
    or when the studies received do not add up to ``totalCount``.
    """
    from ..http import check_pages, parse_json
    from ..redact import redact_url

    token, seen, received, total, page_no = None, set(), 0, None, 0
    bar = tqdm(desc="ClinicalTrials.gov pages", unit="page", disable=None)
    try:
        while True:
            q = dict(params)
            if token:
                q["pageToken"] = token
            resp = client.get("studies", params=q)
            page_no += 1
            body = parse_json(resp.content, f"ClinicalTrials.gov page {page_no} ({redact_url(resp.url)})")
            studies, token, page_total = check_page(body, f"page {page_no}")
            if page_total is not None:
                total = page_total
            received += len(studies)
            bar.update(1)
            yield resp.url, resp.content, studies, token, total, getattr(resp, "retrieved_at", None)
            if not token:
                break
            if token in seen:
                raise SourceError(f"ClinicalTrials.gov: page token {token!r} came back twice; stopping")
            seen.add(token)
            if page_no >= max_pages:
                raise SourceError(f"ClinicalTrials.gov: more than {max_pages} pages; narrow the query")
            check_pages(page_no, "ClinicalTrials.gov /studies")
    finally:
        bar.close()
    if total is not None and received != total:
        raise SourceError(
            f"ClinicalTrials.gov: received {received} studies but the registry counted {total}",
            hint="the walk ended early; nothing was stored; try again",
        )


def fetch_study(client, nct_id: str) -> tuple[str, bytes, Study, str | None]:
    """One study by NCT ID: (url, body bytes, study, retrieved_at of the answer, cached or not)."""
    from ..http import parse_json

    if not NCT_RE.match(nct_id or ""):
        raise BadParameter(f"{nct_id!r} is not an NCT ID (NCT followed by 8 digits)")
    resp = client.get(f"studies/{nct_id}", params={"format": "json"})
    body = parse_json(resp.content, f"ClinicalTrials.gov study {nct_id}")
    try:
        study = study_from_v2(body, "api_study")
    except MalformedFile as exc:
        raise SourceError(f"ClinicalTrials.gov: answer for {nct_id} is not a study: {exc}") from None
    if study.nct_id != nct_id:
        raise SourceError(f"ClinicalTrials.gov: asked for {nct_id}, got {study.nct_id}")
    return resp.url, resp.content, study, getattr(resp, "retrieved_at", None)


COUNT_KIND = "api_count"  # a count answer: one page of pageSize=1, kept for its totalCount only
COUNT_FIELDS = ("query.cond", "query.intr", "query.term")


def count_params(field: str, expression: str, study_type=None) -> dict:
    """The ``/studies`` parameters that count the studies matching ``expression`` in one field.

    ``countTotal=true`` with ``pageSize=1``: the API returns ``totalCount`` with the first page
    (https://clinicaltrials.gov/data-api/api), so one request answers and no study list is walked.
    The expression is sent as written (an Essie expression), whatever the field."""
    if field not in COUNT_FIELDS:
        raise BadParameter(f"count field {field!r} is not one of {', '.join(COUNT_FIELDS)}")
    if not str(expression or "").strip():
        raise BadParameter(f"empty count expression for {field}")
    types = [study_type] if isinstance(study_type, str) else list(study_type or [])
    params = build_params(cond=expression, study_type=types, page_size=1)
    if field != "query.cond":
        params[field] = params.pop("query.cond")
    return params


def count_studies(client, params: dict) -> tuple[str, bytes, int, str | None]:
    """(url, body, totalCount, retrieved_at) of one count request; SourceError without a totalCount."""
    from ..http import parse_json
    from ..redact import redact_url

    resp = client.get("studies", params=params)
    body = parse_json(resp.content, f"ClinicalTrials.gov count ({redact_url(resp.url)})")
    _studies, _token, total = check_page(body, "count page")
    if total is None:
        raise SourceError(
            "ClinicalTrials.gov: the count answer has no totalCount although countTotal=true was sent",
            hint="nothing was stored",
        )
    return resp.url, resp.content, int(total), getattr(resp, "retrieved_at", None)


def _count_group(client, term, cond, intr, study_type) -> tuple[str, tuple]:
    """(snapshot key, (query, [page], count)) of ``fetch --count-only``: exactly one field."""
    from ..redact import redact_url
    from ..store import Page, snapshot_key

    given = [(f, v) for f, v in (("query.cond", cond), ("query.intr", intr)) if v]
    if term:
        terms = [term] if isinstance(term, str) else list(term)
        given.append(("query.term", _essie_or(terms) if len(terms) > 1 else terms[0]))
    if len(given) != 1:
        raise BadParameter("--count-only counts one field: give exactly one of --cond, --intr or --term")
    field, expression = given[0]
    params = count_params(field, expression, study_type)
    url, body, total, when = count_studies(client, params)
    query = {**params, "field": field, "count": total}
    page = Page(body, redact_url(url), COUNT_KIND, LICENCE, citation=CITATION, query=query, retrieved_at=when)
    return snapshot_key("count", params), (query, [page], total)


def load_counts(store: RawStore) -> tuple[dict, list[Entry]]:
    """The newest stored count per query: {(field, expression, filter.advanced): {count, field,
    retrieved_at}}, and the entries read. Empty when no count was fetched."""
    newest: dict = {}
    for e in store.find(NAME, COUNT_KIND):
        q = e.provenance.query or {}
        field = q.get("field")
        if field not in COUNT_FIELDS or not isinstance(q.get("count"), int):
            raise MalformedFile(f"{e.name}: a ClinicalTrials.gov count without its field or count")
        key = (field, q.get(field, ""), q.get("filter.advanced", ""))
        if key not in newest or (e.provenance.retrieved_at, e.name) > newest[key][0]:
            newest[key] = ((e.provenance.retrieved_at, e.name), e)
    counts = {
        k: {"count": e.provenance.query["count"], "field": k[0], "retrieved_at": e.provenance.retrieved_at}
        for k, (_, e) in newest.items()
    }
    return counts, [e for _, e in newest.values()]


def counts_for(store: RawStore, queries: dict) -> tuple[dict, list[Entry]]:
    """The stored live counts of the searches ``queries`` ({key: (field, expression, study type)}):
    {key: {"count", "field", "retrieved_at"}} for those fetched with that field, expression and
    filter, and every count entry read."""
    stored, entries = load_counts(store)
    found = {}
    for key, (field, expression, study_type) in queries.items():
        params = count_params(field, expression, study_type)  # the request a live count sends
        got = stored.get((field, params[field], params.get("filter.advanced", "")))
        if got:
            found[key] = got
    return found, entries


def count_command(field: str, expression: str, study_type: str | None = None) -> str:
    """The shell command that fetches one live count."""
    import shlex

    option = {"query.cond": "--cond", "query.intr": "--intr", "query.term": "--term"}[field]
    parts = ["exo-industry fetch ctgov --count-only", option, shlex.quote(expression)]
    if study_type:
        parts += ["--study-type", study_type]
    return " ".join(parts)


def fetch(
    store: RawStore,
    term=None,
    cond=None,
    intr=None,
    spons=None,
    study_type=None,
    status=None,
    start_from=None,
    start_to=None,
    nct=None,
    fields=None,
    page_size: int = 100,
    base_url: str | None = None,
    client=None,
    count_only: bool = False,
    **_ignored,
) -> list[Entry]:
    """Walk a query to its end (or fetch single studies, or one count), check everything, then store it."""
    from ..http import malformed_answers
    from ..redact import redact_url
    from ..store import Page, put_grouped, snapshot_key

    if count_only and (nct or spons or status or start_from or start_to):
        raise BadParameter("--count-only takes one field (--cond, --intr or --term) and --study-type only")
    client = client or make_client(base_url)
    groups: dict = {}  # one snapshot per query: key -> (query, pages, results)
    with malformed_answers("ClinicalTrials.gov API"):
        if count_only:
            key, group = _count_group(client, term, cond, intr, study_type)
            return put_grouped(store, NAME, {key: group})
        for n in nct or []:
            url, body, _, when = fetch_study(client, n)
            page = Page(body, redact_url(url), "api_study", LICENCE, citation=CITATION, query={"nct_id": n},
                        retrieved_at=when)  # fmt: skip
            groups[f"study_{n}"] = ({"nct_id": n}, [page], 1)
        if term or cond or intr or spons:
            params = build_params(
                term, cond, intr, spons, study_type, status, start_from, start_to, fields, page_size
            )
            pages, results = [], 0
            for url, body, studies, _tok, _tot, when in walk_studies(client, params):
                pages.append(
                    Page(body, redact_url(url), "api_page", LICENCE, citation=CITATION, query=params,
                         retrieved_at=when)  # a cached answer keeps its time
                )  # fmt: skip
                results += len(studies)
            groups[snapshot_key("studies", params)] = (params, pages, results)
    if not groups:
        raise BadParameter("nothing to fetch: give a query (term/cond/intr/spons) or NCT IDs")
    return put_grouped(store, NAME, groups)


def live_command(
    terms: list[str],
    study_types: list[str] | None = None,
    start_from: str | None = None,
    start_to: str | None = None,
) -> str:
    """The shell command that would refresh these records from the live API."""
    parts = ["exo-industry fetch ctgov"]
    if study_types and set(study_types) >= set(STUDY_TYPES):
        study_types = None  # all types: no filter
    for t in terms:
        parts.append(f"--term '{t}'")
    for t in study_types or []:
        parts.append(f"--study-type {t}")
    if start_from:
        parts.append(f"--start-from {start_from}")
    if start_to:
        parts.append(f"--start-to {start_to}")
    return " ".join(parts) + " && exo-industry process --section trials"
