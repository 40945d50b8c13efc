"""Section 1.1: words, per language, from ``text/zh.yaml`` and ``text/en.yaml``.

The renderer takes an :class:`~exo_industry.claims.Evidence` record and fills the templates;
it chooses between fragments (a sentence present or not, one wording or another) from the
evidence's values, never from prose.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ... import i18n
from ... import references as refs
from ...claims import Evidence
from ...theme import check_lang
from .rules import NAME, PAPER_SHARE60


def text(lang: str, key: str, /, **values: Any) -> str:
    return i18n.text(NAME, lang, key, **values)


def labels(lang: str) -> dict[str, str]:
    """The notebook's labels and narrative in ``lang``."""
    return i18n.labels(NAME, check_lang(lang), "labels")


def title(lang: str) -> str:
    return text(lang, "title")


def data_note(lang: str) -> str:
    return text(lang, "data_note")


def display_name(loc, lang: str) -> str:
    """A location's name: Chinese for the common ones in zh, the UN's English name otherwise."""
    names = i18n.labels(NAME, check_lang(lang), "locations")
    return str(names.get(str(loc.code), loc.name))


def source(ev: Evidence) -> str:
    """Which data the reproduced value rests on (one language, as in the ledger)."""
    if ev.claim_id == "aging.rising":
        return text("en", "sources.projections")
    return text("en", f"sources.{ev['basis']}")


def _gap_note(v: dict, lang: str) -> str:
    """The note shared by share60 and count60: the national figure against the UN's."""
    k = "claims.gap."
    if v["basis"] == "annual":
        detail_count = text(lang, k + "detail_count", **v)
        detail_share = text(lang, k + "detail_share", **v)
        growth = v["jul2023_count"] - v["jul2022_count"]
        monthly = growth / 12
        grow = text(lang, k + "growth", growth=growth, monthly=monthly, half_year=6 * monthly)
    else:
        detail_count = detail_share = text(lang, k + "detail_interpolated")
        grow = ""
    totals = ""
    if v["un_total_2022"] is not None:
        totals = text(lang, k + "totals", un=v["un_total_2022"], wb=v["wb_total_2022"])
    fill = {
        **v,
        "national_count_wan": v["national_count"] * 100,
        "citation": refs.CHINA_AGED60_END2022.citation,
        "detail_count": detail_count,
        "detail_share": detail_share,
        "totals": totals,
        "growth": grow,
    }
    return text(lang, k + "note", **fill)


def _fields(lang: str, key: str, names: tuple[str, ...], values: dict) -> dict[str, str]:
    """The templates ``claims.<key>.<name>`` that exist in ``lang``, filled with ``values``."""
    have = i18n.texts(NAME, lang)
    return {n: text(lang, f"claims.{key}.{n}", **values) for n in names if f"claims.{key}.{n}" in have}


_FIELDS = ("statement", "paper_value", "reproduced_value", "unit", "reason", "note")


def render(ev: Evidence, lang: str) -> dict[str, str]:
    """The words of one claim in ``lang`` (the fields :func:`exo_industry.claims.make_claim` takes)."""
    check_lang(lang)
    v = dict(ev.values)
    key = ev.claim_id.split(".", 1)[1]
    if key == "share60":
        v["passes_text"] = (
            text(lang, "claims.share60.reason_passes", passes=v["passes"], paper_share=PAPER_SHARE60)
            if v["passes"]
            else ""
        )
    if key == "count60":
        v["direction"] = text(lang, "words.below" if v["count_rel_pct"] < 0 else "words.above")
        v["abs_rel_pct"] = abs(v["count_rel_pct"])
        v["national_count_wan"] = v["national_count"] * 100
    if key == "rising":
        v["conclusion"] = text(
            lang, "claims.rising.all_hold" if v["holds_all"] else "claims.rising.not_all_hold"
        )
    out = _fields(lang, key, _FIELDS, v)
    if key in ("share60", "count60"):
        out["note"] = _gap_note(v, lang)
    return out


def peaks_table(pk: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The peaks table with its variant names and headers in ``lang``."""
    L = labels(lang)
    out = pk.assign(variant=pk["variant"].map(lambda v: L[v]))
    return out.rename(
        columns={"variant": L["variant"], "peak_year": L["peak_year"], "peak_share": L["peak_share"]}
    )


def peaks_caption(loc, threshold: int, lang: str) -> str:
    return labels(lang)["peak_table"].format(name=display_name(loc, lang), t=threshold)
