"""Section 1.2: words, per language, from ``text/zh.yaml`` and ``text/en.yaml``.

The renderer takes an :class:`~exo_industry.claims.Evidence` record and fills the templates;
it picks fragments (a sentence present or not, one wording or another) from the evidence's
values, never from prose.
"""

from __future__ import annotations

from typing import Any

from ... import i18n
from ..._lazy import pd
from ...claims import Evidence
from ...i18n import check_lang
from . import rules

NAME = rules.NAME
# commands, not prose: the same in both languages
MIRROR_COMMANDS = (
    "exo-industry import worldbank --mirror\n"
    "exo-industry import owid --mirror\n"
    "exo-industry import who_ghe --mirror\n"
    "exo-industry process --section ncd"
)
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
    return text(lang, "live_note", commands=LIVE_COMMANDS, mirror_commands=MIRROR_COMMANDS)


def count(million: float, lang: str) -> str:
    """A number of deaths given in millions, as each language writes it: "42.7 million" in English,
    "4270万" or "2.72亿" in Chinese (万 = ten thousand, 亿 = a hundred million)."""
    if million != million:  # NaN
        return text(lang, "labels.no_value")
    if lang == "zh":
        if million >= 100:
            return f"{million / 100:.2f}".rstrip("0").rstrip(".") + "亿"
        return f"{round(million, 1 if million >= 10 else 2) * 100:.0f}万"
    if float(million).is_integer():  # a published round figure: "31 million"
        return f"{million:.0f} million"
    if million >= 10:
        return f"{million:.1f} million"
    two = f"{million:.2f}"
    return (two[:-1] if two.endswith("0") else two) + " million"


def diabetes_note(year: int, grouping: str, lang: str) -> str:
    """The note under the cause chart: WHO's published markers are drawn only for 2019 and main4."""
    key = "diabetes_note" if year == 2019 and grouping == "main4" else "diabetes_note_other"
    return text(lang, f"labels.{key}", year=year)


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
    key = _key(ev)
    return text(
        "en", f"sources.{key}", src_who=rules.SRC_WHO, src_gbd17=rules.SRC_GBD17, src_gbd19=rules.SRC_GBD19,
        wdi_ncd=rules.WDI_NCD, src_ghe21=rules.SRC_GHE21, src=ev.values.get("source", ""),
    )  # fmt: skip


def _key(ev: Evidence) -> str:
    """The template group of a claim: ``share_ghe`` when ncd.share was judged on GHE 2021."""
    key = ev.claim_id.split(".", 1)[1]
    return "share_ghe" if key == "share" and ev.values.get("ghe") else key


def _verdict(lang: str, verdict: str) -> str:
    return text(lang, f"verdicts.{verdict}")


# the ncd.share values that are numbers of deaths in millions (each also rendered as a count)
_SHARE_COUNTS = (
    "paper_count",
    "who_2019_count",
    "who_2000_count",
    "count_used",
    "all_m",
    "covid_m",
    "pandemic_other_m",
    "count_2019",
    "count_2021",
    "gbd2000_deaths_m",
    "gbd2017_deaths_m",
)


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
    for name in _SHARE_COUNTS:
        if v.get(name) is not None:
            v[name + "_t"] = count(v[name], lang)
    k = "claims.share_ghe." if v.get("ghe") else k
    v["count"] = text(lang, k + ("count_some" if v["count_used"] is not None else "count_none"), **v)
    if v["count_year"] is None:
        which = "count_matches_none"
    else:
        which = "count_matches_same" if v["count_year"] == v["year_used"] else "count_matches_other"
    v["count_text"] = text(lang, k + which, **v)
    v["reason_key"] = "reason" if v["count_year"] is not None else "reason_unmatched"
    v["gbd"] = text(lang, k + "gbd", **v) if v["gbd17"] else ""
    v["stands"] = text(lang, k + "stands", **v) if v["share_stands"] else ""
    if v.get("ghe"):
        v["share_text"] = text(
            lang, k + ("share_all" if v["share_basis"] == rules.BASIS_ALL else "share_other"), **v
        )
        v.update(_links(lang))
    v["share_grade_word"] = _verdict(lang, v["share_grade"])
    v["count_grade_word"] = _verdict(lang, v["count_grade"])
    return v


def _links(lang: str) -> dict:
    return {"whs_url": rules.WHS2023_URL, "ghe_url": rules.GHE2021_URL, "factsheet_url": rules.FACTSHEET_URL}


def pandemic_values(ghe_deaths: pd.DataFrame, lang: str) -> dict:
    """Values for the ``pandemic_text`` label from the ``ncd_ghe_deaths`` table (2019 and 2020)."""
    d = ghe_deaths.set_index("year")
    out = {}
    for y in (2019, 2020):
        out[f"ncd_{y}"] = count(float(d.loc[y, "ncd"]) / 1e6, lang)
        out[f"all_{y}"] = float(d.loc[y, "ncd_share_all_pct"])
        out[f"other_{y}"] = float(d.loc[y, "ncd_share_non_pandemic_pct"])
    return out


def unit_scale(lang: str) -> float:
    """Deaths per axis unit in charts: millions in English, 万 (ten thousand) in Chinese."""
    return 1e4 if check_lang(lang) == "zh" else 1e6


def _main4_values(v: dict, lang: str, verdict: str) -> dict:
    k = "claims.main4."
    for key in (*rules.MAIN4_ORDER, "main4_sum", "ncd_total", "diabetic_kidney", "diabetes_kidney"):
        if key in v:
            v[f"{key}_t"] = count(v[key] / 1e6, lang)
    v.update(_links(lang), who_cvd=rules.WHO_CVD_2019.value, who_cancer=rules.WHO_CANCER_2019.value,
             who_crd=rules.WHO_CRD_2019.value, who_diabetes=rules.WHO_DIABETES_2019.value,
             who_2019_count=rules.WHO_NCD_DEATHS_2019.value)  # fmt: skip
    for key in ("who_cvd", "who_cancer", "who_crd", "who_diabetes", "who_2019_count"):
        v[f"{key}_t"] = count(v[key], lang)
    sep = text(lang, k + "ahead_sep")
    v["shares_text"] = sep.join(text(lang, k + "share_item", year=y, share=sh) for y, sh in v["shares"])
    v["src_label"] = labels(lang)["source_ghe21" if v["source"] == rules.SRC_GHE21 else "source_gbd19"]
    if v.get("ranking"):
        items = [text(lang, k + "ahead_item", name=g, label=cause_label(g, lang)) for g in v["ahead"]]
        v["ahead"] = text(lang, k + "ahead", names=sep.join(items)) if items else ""
        v["ranking_text"] = text(lang, k + "ranking", **v)
    else:
        v["ranking_text"] = ""
    v["conclusion"] = text(lang, f"{k}conclusion.{verdict}", **v)
    return v


_FIELDS = ("statement", "paper_value", "reproduced_value", "unit", "reason", "note")


def render(ev: Evidence, lang: str) -> dict[str, str]:
    """The words of one claim in ``lang`` (the fields :func:`exo_industry.claims.make_claim` takes)."""
    check_lang(lang)
    key = _key(ev)
    v = dict(ev.values)
    v["verdict_word"] = _verdict(lang, ev.verdict)
    if key.startswith("share"):
        v = _share_values(v, lang)
    else:
        v = _main4_values(v, lang, ev.verdict)
    have = i18n.texts(NAME, lang)
    out = {n: text(lang, f"claims.{key}.{n}", **v) for n in _FIELDS if f"claims.{key}.{n}" in have}
    if key.startswith("share"):
        out["reason"] = text(lang, f"claims.{key}.{v['reason_key']}", **v)
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
    cols = {"year": L["year"], **cols}
    out = tab[list(cols)].copy()
    unit, digits = (1e4, 0) if lang == "zh" else (1e6, 2)  # Chinese counts in 万 (ten thousands)
    for k in rules.MAIN4_ORDER + ["ckd", "main4_sum", "ncd_total"]:
        out[k] = (out[k] / unit).round(digits)
        if digits == 0:
            out[k] = out[k].astype("Int64")  # whole 万: no trailing ".0"
    out["main4_share_pct"] = out["main4_share_pct"].round(1)
    out["source"] = out["source"].map(
        {rules.SRC_GBD19: L["source_gbd19"], rules.SRC_WHO_PUBLISHED: L["source_who_published"],
         rules.SRC_GHE21: L["source_ghe21"]}
    )  # fmt: skip
    out["location"] = [display_name({"name": n}, lang) for n in out["location"]]
    basis = {rules.SRC_WHO_PUBLISHED: "basis_published", rules.SRC_GHE21: "basis_ghe21"}
    out["ncd_total_basis"] = [L[basis.get(s, "basis_listed")] for s in tab["source"]]
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
                    "sum4": count(r.main4_sum.iloc[0] / 1e6, lang),
                    "share4": r.main4_share_pct.iloc[0],
                }
            )
    return out
