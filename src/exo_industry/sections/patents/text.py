"""Section 2.2.2: words, per language, from ``text/zh.yaml`` and ``text/en.yaml``.

The renderer takes the :class:`~exo_industry.claims.Evidence` of ``patents.rank`` and fills
the templates; it chooses fragments (a sentence on the mirror's slice or not, the reasons
the order fails) from the evidence's values, never from prose. The notebook's labels and
the tables it shows are renamed here too, so the notebook writes no prose of its own.
"""

from __future__ import annotations

import re
from typing import Any

from ... import i18n
from ..._lazy import pd
from ...claims import Evidence
from ...i18n import check_lang
from .params import check_years
from .rules import DEFAULT_QUERY, DEFAULT_YEARS, NAME, OPRETZKA_2024

# shell commands; their comments (what each needs) are in the briefing's language
_COMMANDS = (
    "exo-industry fetch lens --mode records --start 2000 --end 2023   # {needs_lens}",
    "exo-industry fetch epo_ops --start 2000 --end 2023   # {needs_epo}",
    "exo-industry process --section patents",
)
LIVE_COMMANDS = "\n".join(_COMMANDS).format(
    needs_lens="needs LENS_API_TOKEN", needs_epo="needs EPO_OPS_KEY and EPO_OPS_SECRET"
)


def offline_commands(lang: str) -> str:
    """The commands that fetch a country series, with their comments in ``lang``."""
    return "\n".join(_COMMANDS).format(needs_lens=text(lang, "needs_lens"), needs_epo=text(lang, "needs_epo"))


def text(lang: str, key: str, /, **values: Any) -> str:
    return i18n.text(NAME, lang, key, **values)


def labels(lang: str) -> dict[str, str]:
    """The notebook's labels and narrative in ``lang``."""
    return i18n.labels(NAME, check_lang(lang), "labels")


def title(lang: str) -> str:
    return text(lang, "section_title")


def data_note(lang: str) -> str:
    return text(lang, "data_note")


def country_name(code: str, lang: str) -> str:
    """A country's name where the language has one (Chinese for the paper's five), else its code."""
    return str(i18n.labels(NAME, check_lang(lang), "country_names").get(code, code))


# --------------------------------------------------------------------------- live commands
def terms_from_query(query: str) -> list[str]:
    """``exosome OR "extracellular vesicle"`` -> ['exosome', 'extracellular vesicle']
    (a parenthesised remark is ignored)."""
    words = re.sub(r"\([^)]*\)", " ", query)
    parts = [p.strip().strip('"').strip("'").strip() for p in re.split(r"\s+OR\s+|,", words)]
    return [p for p in parts if p]


def live_commands(
    query: str = DEFAULT_QUERY, source: str = "lens", years=DEFAULT_YEARS, lang: str = "en"
) -> str:
    """The commands a reader with a network runs to get a country series for this query."""
    start, end = check_years(years)
    needs_lens, needs_epo = text(lang, "needs_lens"), text(lang, "needs_epo")
    terms = terms_from_query(query)
    if source == "epo":
        words = [t for t in terms if " " not in t]
        phrases = [t for t in terms if " " in t]
        cql = " or ".join(([f'ta any "{" ".join(words)}"'] if words else []) + [f'ta="{p}"' for p in phrases])
        fetch = f"exo-industry fetch epo_ops --cql '{cql}' --start {start} --end {end}   # {needs_epo}"
    elif source == "lens":
        fetch = (
            "exo-industry fetch lens --mode records "
            + " ".join(f"--term '{t}'" for t in terms)
            + f" --start {start} --end {end}   # {needs_lens}"
        )
    else:
        fetch = f"exo-industry import lens {source}   # {text(lang, 'or_epo', source=source)}"
    return fetch + "\nexo-industry process --section patents"


# --------------------------------------------------------------------------- the claim
def _refs(lang: str) -> str:
    """What the published figures say, citing each by author and year (the full references,
    with their links, are given once, in the notebook's list of published figures)."""
    return text(lang, "claims.rank.references", opretzka_families=int(OPRETZKA_2024.value))


def _top(ev: Evidence, lang: str) -> str:
    """The mirror slice's leading countries, named in ``lang``."""
    unknown = labels(lang)["unknown"]
    return text(lang, "list_sep").join(
        f"{unknown if c == 'unknown' else country_name(c, lang)} {n}" for c, n in ev["mirror_top"]
    )


def _offline_words(ev: Evidence, lang: str) -> dict[str, str]:
    k = "claims.rank.offline."
    parts = [text(lang, k + "intro")]
    if ev["mirror_top"]:
        top = _top(ev, lang)
        n = ev["mirror_publications"]
        parts.append(
            text(lang, k + "mirror", n=n, top=top) if n else text(lang, k + "mirror_uncounted", top=top)
        )
    parts += [_refs(lang), text(lang, k + "live", commands=offline_commands(lang))]
    words = {f: text(lang, k + f) for f in ("reproduced_value", "unit", "reason")}
    return words | {"note": text(lang, "sep").join(parts)}


def _why(ev: Evidence, lang: str) -> list[str]:
    """The reasons the order fails or carries a caveat, in the order the note gives them."""
    k = "claims.rank.why."
    why = []
    if ev["below"]:
        why.append(text(lang, k + "below", countries=text(lang, "list_sep").join(ev["below"])))
    if not ev["second_to_above"]:
        why.append(text(lang, k + "first"))
    if not ev["complete"]:
        why.append(text(lang, k + "incomplete"))
    if ev["order_holds"] and not ev["annual_ok"]:
        why.append(text(lang, k + "annual", end=ev["end"]))
    return why


def _crossings(ev: Evidence, lang: str) -> str:
    k = "claims.rank.crossing."
    items = []
    for other, ahead_from_start, year in ev["crossings"]:
        when = (
            text(lang, k + "ahead_from", start=ev["start"])
            if ahead_from_start
            else (year if year is not None else text(lang, k + "never"))
        )
        items.append(text(lang, k + "item", other=other, when=when))
    return text(lang, "why_sep").join(items)


def _series_words(ev: Evidence, lang: str) -> dict[str, str]:
    k = "claims.rank.series."
    v = dict(ev.values)
    v["basis"] = text(lang, f"claims.rank.basis.{ev['basis']}")
    v["order"] = " > ".join(f"{c} {n}" for c, n in ev["order"])
    v["order_local"] = " > ".join(f"{country_name(c, lang)} {n}" for c, n in ev["order"])
    v["cross"] = _crossings(ev, lang)
    why = text(lang, "why_sep").join(_why(ev, lang))
    parts = [text(lang, k + "note", **v)] + ([text(lang, k + "why_sentence", why=why)] if why else [])
    return {
        "reproduced_value": text(lang, k + "reproduced_value", **v),
        "unit": text(lang, k + "unit", **v),
        "reason": text(lang, k + "reason_why", why=why, **v) if why else text(lang, k + "reason", **v),
        "note": text(lang, "sep").join([*parts, _refs(lang)]),
    }


def source(ev: Evidence) -> str:
    """Which data the claim rests on (the ledger keeps it in English)."""
    if ev["series"] is None:
        return text("en", "claims.rank.offline.source")
    return text(
        "en",
        "claims.rank.series.source",
        series=ev["series"],
        basis=text("en", f"claims.rank.basis.{ev['basis']}"),
    )


def rank_words(ev: Evidence, lang: str) -> dict[str, str]:
    """The words of ``patents.rank`` in ``lang``: statement, values, unit, reason, note."""
    check_lang(lang)
    words = _offline_words(ev, lang) if ev["series"] is None else _series_words(ev, lang)
    return {
        "statement": text(lang, "claims.rank.statement"),
        "paper_value": text(lang, "claims.rank.paper_value"),
        **words,
    }


# --------------------------------------------------------------------------- notebook
def rule_words(params, lang: str, country_by: str | None = None) -> dict[str, str]:
    """The counting rule in words (``country_by`` overrides the parameter when the series falls back)."""
    L = labels(lang)
    return {
        "unit": L[params.unit],
        "country_by": L[country_by or params.country_by],
        "year_by": L[params.year_by],
    }


def no_series_notice(params, lang: str) -> str:
    """What to do when the raw store holds no country series from the chosen source."""
    L = labels(lang)
    commands = live_commands(params.query, params.source, params.years, lang)
    return L["no_series_source"].format(source=params.source) + "\n" + L["live"].format(commands=commands)


def live_notice(params, lang: str) -> str:
    commands = live_commands(params.query, params.source, params.years, lang)
    return labels(lang)["live"].format(commands=commands)


def ranking_table(ranked: pd.DataFrame, year: int, lang: str) -> pd.DataFrame:
    """The countries in ``year``, by cumulative rank, with headers in ``lang``."""
    L = labels(lang)
    last = ranked[ranked["year"] == year].sort_values("rank_cumulative")
    cols = {
        "country": L["country"],
        "count": L["count"],
        "cumulative": L["cumulative"],
        "rank_cumulative": L["rank"],
    }
    return last[list(cols)].rename(columns=cols)


def crossings_table(x: pd.DataFrame, lang: str) -> pd.DataFrame:
    L = labels(lang)
    cols = {"other": "other", "basis": "basis", "year": "first_year"}
    cols |= {"ahead_from_start": "ahead_from_start", "ahead_at_end": "ahead_at_end"}
    return x.drop(columns="leader").rename(columns={k: L[v] for k, v in cols.items()})


def slice_table(by_country: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Counts per country of the mirror's slice, ``unknown`` in words."""
    L = labels(lang)
    names = [L["unknown"] if c == "unknown" else country_name(c, lang) for c in by_country["country"]]
    table = by_country.assign(country=names)
    return table.rename(columns={"country": L["country"], "count": L["count"]})


def references_display(refs: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The references table with what each reports in ``lang`` (the citations as published)."""
    L = labels(lang)
    refs = refs.assign(what=[text(lang, f"reference_what.{k}") for k in refs["key"]])
    cols = {"citation": L["ref_citation"], "what": L["ref_what"], "url": L["ref_url"]}
    return refs[list(cols)].rename(columns=cols)


_DOI = re.compile(r"doi:\s*(10\.\d{4,9}/[^\s;,]+?)\.?(?=\s|$)", re.IGNORECASE)


def references_markdown(refs: pd.DataFrame, lang: str) -> str:
    """The published figures (``patents_references``) as a Markdown list: each full reference
    once, what it reports in ``lang``, and its links (the DOI as https://doi.org/..., and the
    page the record points to when that is not the DOI)."""
    from ...nbtools import md_escape

    items = []
    for ref in refs.itertuples():
        doi = _DOI.search(ref.citation)
        links = [f"[doi:{doi.group(1)}](https://doi.org/{doi.group(1)})"] if doi else []
        if not doi or doi.group(1) not in ref.url:
            links.append(f"[{md_escape(text(lang, 'link_words.' + _link_kind(ref.url)))}]({ref.url})")
        what = text(lang, f"reference_what.{ref.key}")
        items.append(f"- {md_escape(ref.citation)}  \n  {md_escape(what)} {' · '.join(links)}")
    return "\n".join(items)


def _link_kind(url: str) -> str:
    return "pubmed" if "pubmed" in url else "page"
