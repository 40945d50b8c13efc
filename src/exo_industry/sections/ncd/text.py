"""Section 1.2: words, per language, from ``text/zh.yaml`` and ``text/en.yaml``.

The renderer takes an :class:`~exo_industry.claims.Evidence` record and fills the templates;
it picks fragments (a sentence present or not, one wording or another) from the evidence's
values, never from prose.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ... import i18n
from ...claims import Evidence
from ...theme import check_lang
from . import rules

NAME = rules.NAME
# commands, not prose: the same in both languages
LIVE_COMMANDS = (
    "exo-industry fetch worldbank --indicator SH.DTH.NCOM.ZS --indicator SH.DTH.COMM.ZS"
    " --start 2000 --end 2024\n"
    "exo-industry fetch owid\n"
    "exo-industry fetch who_gho --indicator NCDMORT3070 --location GLOBAL --location CHN\n"
    "exo-industry process --section ncd"
)


def text(lang: str, key: str, /, **values: Any) -> str:
    return i18n.text(NAME, lang, key, **values)


def labels(lang: str) -> dict[str, str]:
    """The notebook's labels and narrative in ``lang``."""
    return i18n.labels(NAME, check_lang(lang), "labels")


def title(lang: str) -> str:
    return text(lang, "title")


def data_note(lang: str) -> str:
    return text(lang, "data_note")


def live_note(lang: str) -> str:
    """How to refresh the data with a network (the commands are the same in both languages)."""
    return text(lang, "live_note", commands=LIVE_COMMANDS)


def display_name(location: dict, lang: str) -> str:
    """A location's name: Chinese for the world and China in zh, as the source spells it otherwise."""
    return str(i18n.labels(NAME, check_lang(lang), "locations").get(location["name"], location["name"]))


def cause_label(name: str, lang: str) -> str:
    """A GBD cause or group (or a main-four key) in ``lang``."""
    causes = i18n.labels(NAME, check_lang(lang), "causes")
    return str(causes.get(name, labels(lang).get(name, name)))


def no_share(names: list[str], lang: str) -> str:
    return text(lang, "labels.no_share", names=", ".join(names))


def source(ev: Evidence) -> str:
    """Which data the reproduced value rests on (English, as in the ledger)."""
    key = ev.claim_id.split(".", 1)[1]
    return text(
        "en", f"sources.{key}", src_who=rules.SRC_WHO, src_gbd17=rules.SRC_GBD17, src_gbd19=rules.SRC_GBD19,
        wdi_ncd=rules.WDI_NCD,
    )  # fmt: skip


def _verdict(lang: str, verdict: str) -> str:
    return text(lang, f"verdicts.{verdict}")


def _share_values(v: dict, lang: str) -> dict:
    k = "claims.share."
    v.update(
        paper_share=rules.PAPER_SHARE,
        paper_count=rules.PAPER_COUNT,
        paper_count_wan=rules.PAPER_COUNT * 100,
        paper_year=rules.PAPER_YEAR,
        wdi_ncd=rules.WDI_NCD,
        who_factsheet_share=rules.WHO_NCD_SHARE.value,
        who_2019_count=rules.WHO_NCD_DEATHS_2019.value,
        who_2000_count=rules.WHO_NCD_DEATHS_2000.value,
    )
    v["count"] = text(lang, k + ("count_some" if v["count_used"] is not None else "count_none"), **v)
    if v["count_year"] is None:
        which = "count_matches_none"
    else:
        which = "count_matches_same" if v["count_year"] == v["year_used"] else "count_matches_other"
    v["count_text"] = text(lang, k + which, **v)
    v["reason_key"] = "reason" if v["count_year"] is not None else "reason_unmatched"
    v["gbd"] = text(lang, k + "gbd", **v) if v["gbd17"] else ""
    v["stands"] = text(lang, k + "stands", **v) if v["share_stands"] else ""
    v["share_grade_word"] = _verdict(lang, v["share_grade"])
    v["count_grade_word"] = _verdict(lang, v["count_grade"])
    return v


def _main4_values(v: dict, lang: str, verdict: str) -> dict:
    k = "claims.main4."
    for key in (*rules.MAIN4_ORDER, "ckd", "main4_sum", "ncd_total", "diabetes_kidney"):
        v[f"{key}_m"] = v[key] / 1e6
    v.update(
        who_cvd=rules.WHO_CVD_2019.value,
        who_cancer=rules.WHO_CANCER_2019.value,
        who_crd=rules.WHO_CRD_2019.value,
        who_diabetes=rules.WHO_DIABETES_2019.value,
        who_main4=rules.WHO_MAIN4_2019.value,
        who_2019_count=rules.WHO_NCD_DEATHS_2019.value,
    )
    items = [text(lang, k + "ahead_item", name=g, label=cause_label(g, lang)) for g in v["ahead"]]
    v["ahead"] = text(lang, k + "ahead", names=text(lang, k + "ahead_sep").join(items)) if items else ""
    v["conclusion"] = text(lang, f"{k}conclusion.{verdict}", **v)
    return v


_FIELDS = ("statement", "paper_value", "reproduced_value", "unit", "reason", "note")


def render(ev: Evidence, lang: str) -> dict[str, str]:
    """The words of one claim in ``lang`` (the fields :func:`exo_industry.claims.make_claim` takes)."""
    check_lang(lang)
    key = ev.claim_id.split(".", 1)[1]
    v = dict(ev.values)
    v["verdict_word"] = _verdict(lang, ev.verdict)
    if key == "share":
        v = _share_values(v, lang)
    else:
        v = _main4_values(v, lang, ev.verdict)
    have = i18n.texts(NAME, lang)
    out = {n: text(lang, f"claims.{key}.{n}", **v) for n in _FIELDS if f"claims.{key}.{n}" in have}
    if key == "share":
        out["reason"] = text(lang, f"claims.share.{v['reason_key']}", **v)
    return out


def main4_display(tab: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The four main NCD groups of the chosen locations as a table in ``lang`` (deaths in millions)."""
    L = labels(lang)
    cols = {"source": L["col_source"], "location": L["col_location"]}
    for k in rules.MAIN4_ORDER + ["ckd", "main4_sum"]:
        cols[k] = L[k]
    cols.update(
        {"ncd_total": L["col_total"], "main4_share_pct": L["col_share"], "ncd_total_basis": L["col_basis"]}
    )
    out = tab[list(cols)].copy()
    for k in rules.MAIN4_ORDER + ["ckd", "main4_sum", "ncd_total"]:
        out[k] = (out[k] / 1e6).round(2)
    out["main4_share_pct"] = out["main4_share_pct"].round(1)
    out["source"] = out["source"].map(
        {rules.SRC_GBD19: L["source_gbd19"], rules.SRC_WHO_PUBLISHED: L["source_who_published"]}
    )
    out["location"] = [display_name({"name": n}, lang) for n in out["location"]]
    published = [s == rules.SRC_WHO_PUBLISHED for s in tab["source"]]
    out["ncd_total_basis"] = [L["basis_published"] if p else L["basis_listed"] for p in published]
    return out.rename(columns=cols)


def causes_sentences(tab: pd.DataFrame, locations: list[dict], year: int, lang: str) -> list[dict]:
    """Values for the ``causes_text`` label, one per location with GBD 2019 rows in ``tab``."""
    out = []
    for loc in locations:
        r = tab[(tab.location == loc["name"]) & (tab.source == rules.SRC_GBD19)]
        if len(r):
            out.append(
                {
                    "location": display_name(loc, lang),
                    "year": year,
                    "sum4": r.main4_sum.iloc[0] / 1e6,
                    "share4": r.main4_share_pct.iloc[0],
                }
            )
    return out
