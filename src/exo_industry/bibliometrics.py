"""Counting papers by country: address parsing, country codes and counting rules.

Every literature source (OpenAlex records, PubMed MEDLINE, Web of Science and Scopus
exports) is reduced to the same record table, one row per paper::

    record_id, year, countries, first_country, corresponding_country, title, abstract

``countries`` is a sorted ``;``-joined list of ISO 3166-1 alpha-2 codes of every author
affiliation; ``first_country`` the country of the first author's (first) affiliation;
``corresponding_country`` that of the corresponding (reprint) author. Empty when unknown.

Counting rules (:data:`COUNTING_RULES`):

- ``whole`` (default): a paper counts once for every country among its authors'
  affiliations. A paper by Chinese and US authors counts for both, so country counts
  add up to more than the number of papers. This is what a Web of Science "Countries/
  Regions" analysis and an OpenAlex ``authorships.countries`` filter give.
- ``first``: a paper counts for the country of its first author's first affiliation.
- ``corresponding``: a paper counts for the country of its corresponding author
  (Web of Science ``RP``, Scopus "Correspondence Address", OpenAlex
  ``is_corresponding``). Papers without one are not counted.

China scope (:data:`CHINA_SCOPES`), stated in every figure and table:

- ``mainland`` (default): ``CN`` only; Hong Kong (HK), Macau (MO) and Taiwan (TW) are
  counted as the separate entries that ISO 3166, OpenAlex and PubMed affiliations use;
- ``cn_hk_mo``: Hong Kong and Macau are counted with China;
- ``cn_hk_mo_tw``: Hong Kong, Macau and Taiwan are counted with China.

Under whole counting a paper with authors in both Shanghai and Hong Kong counts once
for the merged "China", never twice.

This module is shared by the three literature sources (openalex, pubmed, bibexport) and the
literature section; the words shown for rules, scopes and topics are the section's
(``sections/literature/text/<lang>.yaml``).
"""

from __future__ import annotations

import difflib
import re

import pycountry

from ._lazy import pd
from .errors import BadParameter

COUNTING_RULES = ("whole", "first", "corresponding")
CHINA_SCOPES = ("mainland", "cn_hk_mo", "cn_hk_mo_tw")
CHINA_MERGE = {"mainland": (), "cn_hk_mo": ("HK", "MO"), "cn_hk_mo_tw": ("HK", "MO", "TW")}
RECORD_COLUMNS = [
    "record_id",
    "year",
    "countries",
    "first_country",
    "corresponding_country",
    "title",
    "abstract",
]

# Names that bibliographic databases write for countries, mapped to ISO alpha-2.
# Web of Science writes "Peoples R China", "USA", "England", "South Korea", ...;
# Scopus and PubMed mostly write the English short name.
COUNTRY_ALIASES = {
    "peoples r china": "CN",
    "people's republic of china": "CN",
    "p.r. china": "CN",
    "pr china": "CN",
    "p. r. china": "CN",
    "prc": "CN",
    "china": "CN",
    "mainland china": "CN",
    "usa": "US",
    "u.s.a.": "US",
    "u.s.a": "US",
    "us": "US",
    "u.s.": "US",
    "united states": "US",
    "united states of america": "US",
    "america": "US",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "north ireland": "GB",
    "northern ireland": "GB",
    "uk": "GB",
    "u.k.": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "korea, republic of": "KR",
    "korea (south)": "KR",
    "north korea": "KP",
    "hong kong": "HK",
    "hong kong sar": "HK",
    "hong kong sar, china": "HK",
    "macau": "MO",
    "macao": "MO",
    "macao sar": "MO",
    "taiwan": "TW",
    "taiwan, roc": "TW",
    "roc": "TW",
    "iran": "IR",
    "russia": "RU",
    "turkey": "TR",
    "turkiye": "TR",
    "türkiye": "TR",
    "vietnam": "VN",
    "viet nam": "VN",
    "czech republic": "CZ",
    "czechia": "CZ",
    "u arab emirates": "AE",
    "uae": "AE",
    "syria": "SY",
    "venezuela": "VE",
    "bolivia": "BO",
    "tanzania": "TZ",
    "laos": "LA",
    "moldova": "MD",
    "palestine": "PS",
    "the netherlands": "NL",
    "netherlands": "NL",
    "brunei": "BN",
    "cote ivoire": "CI",
    "ivory coast": "CI",
    "dem rep congo": "CD",
    "rep congo": "CG",
    "bosnia & herceg": "BA",
    "trinid & tobago": "TT",
    "papua n guinea": "PG",
    "kosovo": "XK",
}
US_STATE_ZIP = re.compile(r"^(?:[A-Z]{2})\s+\d{5}(?:-\d{4})?$")
US_STATES = {
    "alabama",
    "alaska",
    "arizona",
    "arkansas",
    "california",
    "colorado",
    "connecticut",
    "delaware",
    "florida",
    "georgia",
    "hawaii",
    "idaho",
    "illinois",
    "indiana",
    "iowa",
    "kansas",
    "kentucky",
    "louisiana",
    "maine",
    "maryland",
    "massachusetts",
    "michigan",
    "minnesota",
    "mississippi",
    "missouri",
    "montana",
    "nebraska",
    "nevada",
    "new hampshire",
    "new jersey",
    "new mexico",
    "new york",
    "north carolina",
    "north dakota",
    "ohio",
    "oklahoma",
    "oregon",
    "pennsylvania",
    "rhode island",
    "south carolina",
    "south dakota",
    "tennessee",
    "texas",
    "utah",
    "vermont",
    "virginia",
    "washington",
    "west virginia",
    "wisconsin",
    "wyoming",
}
_EMAIL = re.compile(r"\S+@\S+")


def _pycountry_lookup(name: str) -> str | None:
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return None


def country_code(name: str) -> str | None:
    """ISO alpha-2 code for a country as a database writes it (``Peoples R China`` -> ``CN``)."""
    if name is None:
        return None
    text = _EMAIL.sub("", str(name)).strip().strip(".;,:()").strip()
    if not text:
        return None
    low = text.lower()
    if low in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[low]
    if US_STATE_ZIP.match(text) or low.endswith(" usa") or low in US_STATES:
        return "US"
    if len(text) == 2 and text.isalpha() and text.isupper():
        c = pycountry.countries.get(alpha_2=text)
        return c.alpha_2 if c else None
    return _pycountry_lookup(text)


def address_country(address: str) -> str | None:
    """Country of one postal address, read from its end.

    Tries the last comma-separated part (``Peoples R China``, ``Republic of Korea``),
    then its last word (``MA 02115 USA``), then the part before it (an address that
    ends with a postcode or an e-mail).
    """
    if not address:
        return None
    text = re.sub(r"(?i)electronic address:.*$", "", _EMAIL.sub("", str(address))).strip().rstrip(".;, ")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    found = None
    for part in reversed(parts[-2:]):
        found = country_code(part)
        words = part.split()
        if not found and len(words) > 1 and len(words[-1]) > 2:
            found = country_code(words[-1])
        if found:
            break
    if found == "CN":
        # Web of Science writes "Kowloon, Hong Kong, Peoples R China": keep HK and MO apart
        # so that the China scope decides whether they count with China.
        lows = [p.lower() for p in parts]
        if any(p.startswith("hong kong") for p in lows):
            return "HK"
        if any(p.startswith(("macau", "macao")) for p in lows):
            return "MO"
    return found


def join_codes(codes) -> str:
    return ";".join(sorted({c for c in codes if c}))


def split_codes(text) -> list[str]:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    return [c for c in str(text).split(";") if c]


def check_rule(rule: str) -> str:
    if rule not in COUNTING_RULES:
        near = difflib.get_close_matches(str(rule), COUNTING_RULES, n=1)
        raise BadParameter(
            f"unknown counting rule {rule!r}; use one of {', '.join(COUNTING_RULES)}",
            hint=f"did you mean {near[0]!r}?" if near else None,
        )
    return rule


def check_scope(scope: str) -> str:
    if scope not in CHINA_SCOPES:
        near = difflib.get_close_matches(str(scope), CHINA_SCOPES, n=1)
        raise BadParameter(
            f"unknown China scope {scope!r}; use one of {', '.join(CHINA_SCOPES)}",
            hint=f"did you mean {near[0]!r}?" if near else None,
        )
    return scope


def merge_china(codes: list[str], scope: str) -> list[str]:
    merged = CHINA_MERGE[check_scope(scope)]
    return sorted({"CN" if c in merged else c for c in codes})


def count_records(records: pd.DataFrame, rule: str = "whole", scope: str = "mainland") -> pd.DataFrame:
    """Papers per country and year from a record table, under a counting rule and China scope.

    Returns columns ``country, year, papers`` (integers), sorted. Records without a year
    or without a country under the rule are left out (their number is in ``attrs``).
    """
    check_rule(rule)
    check_scope(scope)
    missing = [
        c for c in ("year", "countries", "first_country", "corresponding_country") if c not in records.columns
    ]
    if missing:
        raise BadParameter(f"record table lacks {', '.join(missing)}")
    rows = []
    dropped = 0
    for year, countries, first, corr in zip(
        records["year"],
        records["countries"],
        records["first_country"],
        records["corresponding_country"],
        strict=True,
    ):
        if year is None or pd.isna(year):
            dropped += 1
            continue
        if rule == "whole":
            codes = split_codes(countries)
        elif rule == "first":
            codes = split_codes(first)[:1]
        else:
            codes = split_codes(corr)[:1]
        codes = merge_china(codes, scope)
        if not codes:
            dropped += 1
        for c in codes:
            rows.append((c, int(year)))
    if not rows:
        out = pd.DataFrame(
            {"country": pd.Series(dtype=str), "year": pd.Series(dtype=int), "papers": pd.Series(dtype=int)}
        )
    else:
        out = (
            pd.DataFrame(rows, columns=["country", "year"])
            .groupby(["country", "year"])
            .size()
            .rename("papers")
            .reset_index()
            .sort_values(["country", "year"])
            .reset_index(drop=True)
        )
    out.attrs["records_not_counted"] = dropped
    return out


def empty_records() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=int if c == "year" else str) for c in RECORD_COLUMNS})


def normalise_country_list(values, known: set[str] | None = None) -> list[str]:
    """Parameters as users type them (``CN``, ``China``, ``usa``) to ISO alpha-2 codes.

    Raises :class:`BadParameter` naming the value and near matches.
    """
    out = []
    for v in values:
        code = country_code(v)
        if code is None:
            names = [c.name for c in pycountry.countries] + list(COUNTRY_ALIASES)
            near = difflib.get_close_matches(str(v), names, n=4, cutoff=0.6)
            raise BadParameter(
                f"unknown country {v!r}",
                hint=(f"did you mean: {', '.join(near)}?" if near else "use ISO codes such as CN, US, GB"),
            )
        if known is not None and code not in known:
            raise BadParameter(
                f"country {v!r} ({code}) is not in this series; present: {', '.join(sorted(known))}"
            )
        if code not in out:
            out.append(code)
    return out


# --------------------------------------------------------------------------- topics
# The paper's section 2.2.1 names three research directions. Each topic is the base EV
# clause AND a clause of its own; both are searched in titles and abstracts.
DEFAULT_TERMS = ("exosome", "exosomes", "extracellular vesicle", "extracellular vesicles")
TOPICS = {
    "exosomes": (),
    "stem_cell": ("stem cell", "stem cells", "mesenchymal"),
    "engineered": ("engineered", "engineering", "modified"),
    "drug_delivery": ("drug delivery", "drug carrier", "drug carriers", "drug loading", "delivery vehicle"),
}
_TERM_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]*$")


def check_terms(terms) -> tuple[str, ...]:
    if isinstance(terms, str):
        terms = [terms]
    terms = tuple(str(t).strip() for t in terms or ())
    if not terms:
        raise BadParameter("no query terms given (e.g. exosome, extracellular vesicle)")
    for t in terms:
        if not _TERM_OK.match(t):
            raise BadParameter(
                f"query term {t!r} may hold only letters, digits, spaces and hyphens",
                hint="quotes, commas and boolean operators are added by the query builder",
            )
    return terms


def check_topic(topic: str) -> str:
    if topic not in TOPICS:
        near = difflib.get_close_matches(str(topic), list(TOPICS), n=1)
        raise BadParameter(
            f"unknown topic {topic!r}; use one of {', '.join(TOPICS)}",
            hint=f"did you mean {near[0]!r}?" if near else None,
        )
    return topic


def _or_clause(terms, tag: str = "") -> str:
    quoted = [f'"{t}"{tag}' if " " in t or "-" in t else f"{t}{tag}" for t in terms]
    return "(" + " OR ".join(quoted) + ")"


def topic_query(terms, topic: str = "exosomes", dialect: str = "openalex") -> str:
    """Boolean query for a topic: ``(base terms) AND (topic terms)``.

    ``dialect`` ``openalex`` gives the text for ``title_and_abstract.search``; ``pubmed``
    tags every term ``[tiab]`` (title/abstract).
    """
    terms = check_terms(terms)
    check_topic(topic)
    tag = "[tiab]" if dialect == "pubmed" else ""
    q = _or_clause(terms, tag)
    if TOPICS[topic]:
        q = f"{q} AND {_or_clause(TOPICS[topic], tag)}"
    return q


def topic_matches(text: str, topic: str, terms=DEFAULT_TERMS) -> bool:
    """Whether a title+abstract text matches a topic query (case-insensitive, whole words)."""
    low = " " + re.sub(r"[^a-z0-9]+", " ", str(text).lower()) + " "

    def any_of(words):
        return any(f" {re.sub(r'[^a-z0-9]+', ' ', w.lower()).strip()} " in low for w in words)

    if not any_of(terms):
        return False
    return not TOPICS[topic] or any_of(TOPICS[topic])
