"""Section 1.1: words, per language, from ``text/zh.yaml`` and ``text/en.yaml``.

The renderer takes an :class:`~exo_industry.claims.Evidence` record and fills the templates;
it chooses between fragments (a sentence present or not, one wording or another) from the
evidence's values, never from prose.
"""

from __future__ import annotations

from typing import Any

from ... import i18n
from ... import references as refs
from ..._lazy import pd
from ...claims import Evidence
from ...i18n import check_lang
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


def zh_count(millions: float, digits: int = 2) -> str:
    """A count given in millions, as Chinese writes it: 亿 from one hundred million, else 万.

    ``272.04`` -> ``2.72亿``; ``12.8`` -> ``1280万``; ``0.004`` -> ``4000``.
    """
    m = float(millions)
    if abs(m) >= 100:
        return f"{m / 100:.{digits}f}亿"
    if abs(m) >= 0.01:
        return f"{m * 100:.0f}万"
    return f"{m * 1e6:.0f}"


# values in millions that the Chinese templates show in 万/亿, as ``<name>_zh``
_MILLIONS = (
    "count",
    "jul2022_count",
    "jul2023_count",
    "un_total_2022",
    "wb_total_2022",
    "growth",
    "half_year",
)


def _with_zh_counts(v: dict) -> dict:
    out = dict(v)
    for name in _MILLIONS:
        if out.get(name) is not None:
            value = round(out[name], 1) if name == "half_year" else out[name]  # "about": to 10万
            out[f"{name}_zh"] = zh_count(value)
    out["national_count_wan"] = v["national_count"] * 100
    if out.get("count") is not None:
        out["count_yi"] = out["count"] / 100
    return out


def _gap_values(v: dict) -> dict:
    """The end-2022 values with the growth over the year the reference dates straddle."""
    out = dict(v)
    if v["basis"] == "annual":
        out["growth"] = v["jul2023_count"] - v["jul2022_count"]
        out["monthly"] = out["growth"] / 12
        out["half_year"] = 6 * out["monthly"]
    return _with_zh_counts(out)


def _gap_note(key: str, v: dict, lang: str) -> str:
    """The note of share60 (the source, the share and why it differs) or count60 (the count).

    The national figures' citation is given once, in the share60 note; the count60 note
    points to it.
    """
    k = "claims.gap."
    v = _gap_values(v)
    annual = v["basis"] == "annual"
    ref = refs.CHINA_AGED60_END2022
    fill = {**v, "citation": text(lang, "citation", source=ref.citation), "url": ref.url}
    if key == "share60":
        fill["detail"] = (
            text(lang, k + "detail_share", **v) if annual else text(lang, k + "detail_interpolated")
        )
        fill["totals"] = "" if v["un_total_2022"] is None else text(lang, k + "totals", **v)
        return text(lang, k + "share_note", **fill)
    fill["detail"] = text(lang, k + "detail_count", **v) if annual else text(lang, k + "detail_interpolated")
    fill["growth"] = text(lang, k + "growth", **v) if annual else ""
    return text(lang, k + "count_note", **fill)


def _fields(lang: str, key: str, names: tuple[str, ...], values: dict) -> dict[str, str]:
    """The templates ``claims.<key>.<name>`` that exist in ``lang``, filled with ``values``."""
    have = i18n.texts(NAME, lang)
    return {n: text(lang, f"claims.{key}.{n}", **values) for n in names if f"claims.{key}.{n}" in have}


_FIELDS = ("statement", "paper_value", "reproduced_value", "unit", "reason", "note")


def render(ev: Evidence, lang: str) -> dict[str, str]:
    """The words of one claim in ``lang`` (the fields :func:`exo_industry.claims.make_claim` takes)."""
    check_lang(lang)
    v = _with_zh_counts(ev.values) if "national_count" in ev.values else dict(ev.values)
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
    if key == "rising":
        v["conclusion"] = text(
            lang, "claims.rising.all_hold" if v["holds_all"] else "claims.rising.not_all_hold"
        )
    out = _fields(lang, key, _FIELDS, v)
    if key in ("share60", "count60"):
        out["note"] = _gap_note(key, dict(ev.values), lang)
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
