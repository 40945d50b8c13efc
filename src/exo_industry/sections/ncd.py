"""Section 1.2 of the paper: the burden of noncommunicable diseases (NCDs).

The paper (section 1.2, citing WHO's World Health Statistics 2023 as its ref. [9]):
"据世界卫生组织 (WHO) 报告，2020 年，全球 74% 的死亡 (3100 万) 归因于非传染性疾病 (NCDs)，
主要的非传染性疾病包括：心血管疾病、癌症、慢性呼吸系统疾病和糖尿病".

Inputs:
- WHO Global Health Estimates 2019 (GHE) as republished by the World Bank: WDI
  ``SH.DTH.NCOM.ZS`` (NCD share of all deaths) and ``SH.DTH.COMM.ZS`` (communicable,
  maternal, perinatal and nutritional conditions), 2000, 2010, 2015, 2019;
- IHME Global Burden of Disease via Our World in Data: deaths by GBD level-1 group
  (GBD 2017, 1990–2017) and deaths by cause (GBD 2019, 1990–2019);
- WHO's published figures (cited constants below).

Tables (data/processed):
- ``ncd_share``: share of all deaths by group (ncd, communicable, injuries) for every
  location and year, one row per source: WHO GHE 2019 via WDI (all deaths), IHME GBD
  2017 (all deaths), and IHME GBD 2019 computed from the causes the export lists
  (``basis = listed causes``: the export has no all-cause total, so this share is an
  approximation and is labelled so);
- ``ncd_deaths_by_cause``: GBD 2019 deaths for every NCD cause the export holds,
  by location and year;
- ``ncd_gbd_causes``: every cause column of the GBD 2019 export with its GBD level-1
  group, its GBD level-2 group, the cause it is part of when nested, and its main-four key;
- ``ncd_main4``: deaths from the four main NCD groups, their sum, the NCD total and
  the four's share of it, by location and year (GBD 2019), plus WHO's published 2019
  figures for the world;
- ``ncd_reference``: the WHO figures used as cited constants;
- ``ncd_locations``: every location in any of the sources, with the sources that have it.

Claims: ``ncd.share`` and ``ncd.main4``.

Verdict rules (stated here, applied in code by :func:`check_claims`):

``ncd.share`` (paper: 74 %, 31 million, 2020). The share is compared with WHO's
estimate for the world (WDI ``SH.DTH.NCOM.ZS``) in the paper's year, or, when WHO
has no estimate for that year, in the nearest year it has:
- share grade: reproduced if within 0.5 percentage points in the paper's own year;
  reproduced with caveat if within 0.5 points in another year, or within 2 points;
  contradicted otherwise;
- count grade: the paper's count is compared with WHO's published NCD death count
  for the year whose share was used: reproduced if within 5 %; reproduced with caveat
  if it is instead within 5 % of WHO's count for another year (a figure from a
  different date); contradicted if it matches no WHO count;
- the verdict is the weaker of the two grades.

``ncd.main4`` (the main NCDs are cardiovascular disease, cancer, chronic respiratory
disease and diabetes). Checked on the GBD 2019 deaths for the world in 2019, ranking
NCD groups at GBD level 2:
- reproduced if the four are the four largest NCD groups with diabetes counted alone
  (GBD "diabetes mellitus"), and together they are more than half of NCD deaths;
- reproduced with caveat if they are more than half of NCD deaths and cardiovascular
  disease, cancer and chronic respiratory disease are the three largest, but diabetes
  is among the four largest only when its kidney deaths are counted with it (GBD's
  level-2 group "diabetes and kidney diseases"; WHO's diabetes figure includes kidney
  deaths caused by diabetes);
- contradicted otherwise.
"""

from __future__ import annotations

import difflib
import math

import pandas as pd

from ..claims import Claim
from ..errors import BadParameter
from ..references import Reference
from ..sources import owid, worldbank
from ..store import RawStore
from . import Result, Table

NAME = "ncd"
NOTEBOOK = "02_ncd_burden"
TITLE = {"zh": "非传染性疾病负担", "en": "The burden of noncommunicable diseases"}
SOURCES = ("worldbank", "owid")

WDI_NCD = "SH.DTH.NCOM.ZS"
WDI_COMM = "SH.DTH.COMM.ZS"
WDI_CODES = [WDI_NCD, WDI_COMM]
WORLD = "WLD"  # the common code for the world (WDI's); OWID's OWID_WRL is mapped to it
YEARS = (1990, 2019)  # GBD 2019 covers 1990-2019; WHO GHE 2019 covers 2000-2019
CAUSE_GROUPINGS = ("main4", "gbd_level2", "gbd_causes")
LANGS = ("zh", "en")
DEFAULT_LOCATIONS = ("World", "China")

SRC_WHO = "WHO GHE 2019 (World Bank WDI)"
SRC_GBD17 = "IHME GBD 2017 (Our World in Data)"
SRC_GBD19 = "IHME GBD 2019 (Our World in Data)"
SRC_WHO_PUBLISHED = "WHO, World Health Statistics 2023"

# --------------------------------------------------------------------------- cited figures
_WHS2023 = (
    "World Health Organization. World health statistics 2023: monitoring health for the SDGs, sustainable "
    "development goals. Geneva: WHO; 2023 (19 May 2023), ISBN 978-92-4-007432-3, CC BY-NC-SA 3.0 IGO; "
    "the paper's reference [9]"
)
_WHS2023_URL = "https://www.who.int/publications/item/9789240074323"
_FACTSHEET = "World Health Organization. Noncommunicable diseases, fact sheet (16 September 2023)"
_FACTSHEET_URL = "https://www.who.int/news-room/fact-sheets/detail/noncommunicable-diseases"

WHO_NCD_DEATHS_2019 = Reference(
    "who_ncd_deaths_2019", 41.0, "million deaths", "NCD deaths worldwide in 2019", _WHS2023, _WHS2023_URL
)
WHO_NCD_DEATHS_2000 = Reference(
    "who_ncd_deaths_2000", 31.0, "million deaths", "NCD deaths worldwide in 2000", _WHS2023, _WHS2023_URL
)
WHO_NCD_SHARE = Reference(
    "who_ncd_share",
    74.0,
    "% of all deaths",
    "share of all deaths worldwide due to NCDs (41 million a year; the 2019 estimates)",
    _FACTSHEET,
    _FACTSHEET_URL,
)
WHO_CVD_2019 = Reference(
    "who_cvd_2019",
    17.9,
    "million deaths",
    "cardiovascular disease deaths worldwide in 2019",
    _WHS2023,
    _WHS2023_URL,
)
WHO_CANCER_2019 = Reference(
    "who_cancer_2019", 9.3, "million deaths", "cancer deaths worldwide in 2019", _WHS2023, _WHS2023_URL
)
WHO_CRD_2019 = Reference(
    "who_crd_2019",
    4.1,
    "million deaths",
    "chronic respiratory disease deaths worldwide in 2019",
    _WHS2023,
    _WHS2023_URL,
)
WHO_DIABETES_2019 = Reference(
    "who_diabetes_2019",
    2.0,
    "million deaths",
    "diabetes deaths worldwide in 2019, including kidney disease deaths caused by diabetes",
    _WHS2023,
    _WHS2023_URL,
)
WHO_MAIN4_2019 = Reference(
    "who_main4_2019",
    33.3,
    "million deaths",
    "deaths from the four major NCDs together worldwide in 2019",
    _WHS2023,
    _WHS2023_URL,
)
REFERENCES = (
    WHO_NCD_DEATHS_2019,
    WHO_NCD_DEATHS_2000,
    WHO_NCD_SHARE,
    WHO_CVD_2019,
    WHO_CANCER_2019,
    WHO_CRD_2019,
    WHO_DIABETES_2019,
    WHO_MAIN4_2019,
)
# WHO's published NCD death counts by year (million), for the count grade of ncd.share.
WHO_NCD_DEATHS_BY_YEAR = {2000: WHO_NCD_DEATHS_2000, 2019: WHO_NCD_DEATHS_2019}

# The paper's figures.
PAPER_SHARE = 74.0
PAPER_COUNT = 31.0  # million
PAPER_YEAR = 2020
CLAIM_YEAR_MAIN4 = 2019  # the year of the data the paper's source (WHS 2023) reports

# --------------------------------------------------------------------------- GBD causes
# Where each cause column of the GBD 2019 export sits in the GBD 2019 cause hierarchy
# (IHME, GBD 2019 cause list: https://ghdx.healthdata.org/record/ihme-data/gbd-2019-cause-rei-and-location-hierarchies):
# level-1 group, level-2 group, and the listed cause it is nested in (so it is not counted twice).
GBD_CAUSES = {
    # cause: (level-1 group, level-2 group, part_of)
    "Cardiovascular diseases": ("ncd", "Cardiovascular diseases", ""),
    "Neoplasms": ("ncd", "Neoplasms", ""),
    "Chronic respiratory diseases": ("ncd", "Chronic respiratory diseases", ""),
    "Digestive diseases": ("ncd", "Digestive diseases", ""),
    "Cirrhosis and other chronic liver diseases": ("ncd", "Digestive diseases", "Digestive diseases"),
    "Alzheimer's disease and other dementias": ("ncd", "Neurological disorders", ""),
    "Parkinson's disease": ("ncd", "Neurological disorders", ""),
    "Diabetes mellitus": ("ncd", "Diabetes and kidney diseases", ""),
    "Chronic kidney disease": ("ncd", "Diabetes and kidney diseases", ""),
    "Drug use disorders": ("ncd", "Substance use disorders", ""),
    "Alcohol use disorders": ("ncd", "Substance use disorders", ""),
    "HIV/AIDS": ("communicable", "HIV/AIDS and sexually transmitted infections", ""),
    "Tuberculosis": ("communicable", "Respiratory infections and tuberculosis", ""),
    "Lower respiratory infections": ("communicable", "Respiratory infections and tuberculosis", ""),
    "Diarrheal diseases": ("communicable", "Enteric infections", ""),
    "Meningitis": ("communicable", "Other infectious diseases", ""),
    "Acute hepatitis": ("communicable", "Other infectious diseases", ""),
    "Malaria": ("communicable", "Neglected tropical diseases and malaria", ""),
    "Maternal disorders": ("communicable", "Maternal and neonatal disorders", ""),
    "Neonatal disorders": ("communicable", "Maternal and neonatal disorders", ""),
    "Nutritional deficiencies": ("communicable", "Nutritional deficiencies", ""),
    "Protein-energy malnutrition": ("communicable", "Nutritional deficiencies", "Nutritional deficiencies"),
    "Road injuries": ("injuries", "Transport injuries", ""),
    "Drowning": ("injuries", "Unintentional injuries", ""),
    "Fire, heat, and hot substances": ("injuries", "Unintentional injuries", ""),
    "Poisonings": ("injuries", "Unintentional injuries", ""),
    "Environmental heat and cold exposure": ("injuries", "Unintentional injuries", ""),
    "Exposure to forces of nature": ("injuries", "Unintentional injuries", ""),
    "Self-harm": ("injuries", "Self-harm and interpersonal violence", ""),
    "Interpersonal violence": ("injuries", "Self-harm and interpersonal violence", ""),
    "Conflict and terrorism": ("injuries", "Self-harm and interpersonal violence", ""),
}
# The four main NCD groups (WHO's "four major NCDs") and the GBD 2019 cause for each.
MAIN4 = {
    "cvd": "Cardiovascular diseases",
    "cancer": "Neoplasms",
    "chronic_respiratory": "Chronic respiratory diseases",
    "diabetes": "Diabetes mellitus",
}
MAIN4_ORDER = list(MAIN4)
CKD = "Chronic kidney disease"

# --------------------------------------------------------------------------- labels
LABELS = {
    "zh": {
        "title": "# 非传染性疾病负担（论文第1.2节）",
        "share_title": "非传染性疾病死亡占全部死亡的比例",
        "share_axis": "占全部死亡的比例（%）",
        "year": "年份",
        "deaths_title": "{location}，{year} 年：非传染性疾病死亡人数\n（百分比 = 占非传染性疾病死亡）",
        "deaths_axis": "死亡人数（百万）",
        "share_of_ncd": "{share:.0f}%",
        "main4_sum": "四类合计",
        "other_ncd": "其他非传染性疾病",
        "cvd": "心血管疾病",
        "cancer": "癌症",
        "chronic_respiratory": "慢性呼吸系统疾病",
        "diabetes": "糖尿病",
        "ckd": "慢性肾病",
        "source_who": "WHO 全球卫生估计（经世界银行 WDI）",
        "source_gbd17": "IHME GBD 2017",
        "source_gbd19": "IHME GBD 2019（按所列死因估算）",
        "source_who_published": "WHO 公布数（2019）",
        "diabetes_note": "糖尿病口径不同：WHO 的 200 万含糖尿病所致肾病死亡；GBD 的“糖尿病”不含慢性肾病（另列）。",
        "partial_note": "GBD 2019 导出文件没有全部死因合计：比例按文件所列死因估算，偏高。",
        "paper_point": "论文：74%（“2020 年”）",
        "intro": "论文第 1.2 节称：据 WHO 报告，2020 年全球 74% 的死亡（3100 万）归因于非传染性疾病，主要包括心血管疾病、"
        "癌症、慢性呼吸系统疾病和糖尿病。下面用 WHO 全球卫生估计（经世界银行 WDI 发布）和 IHME 全球疾病负担研究（GBD，"
        "经 Our World in Data 发布）的数据核对这两句话。",
        "share_text": "WHO 的估计只到 2019 年：全球非传染性疾病死亡占比 2000 年为 {w2000:.1f}%，2019 年为 {w2019:.1f}%。"
        "WHO 公布的死亡人数 2000 年为 3100 万，2019 年为 4100 万。",
        "causes_text": "{location}，{year} 年（IHME GBD 2019）：四类疾病共 {sum4:.2f} 百万例死亡，占所列非传染性疾病死亡的 {share4:.1f}%。",
        "table_caption": "四类主要非传染性疾病死亡人数（百万）与其占非传染性疾病死亡的比例",
        "claims_heading": "## 论文论断核验",
        "no_data": "{location} 在 {year} 年没有 GBD 2019 分死因数据。",
        "col_source": "来源",
        "col_location": "地区",
        "col_share": "四类占比（%）",
        "col_total": "非传染性疾病合计",
        "col_basis": "合计口径",
        "basis_listed": "导出文件所列非传染性疾病死因之和",
        "basis_published": "全部非传染性疾病死亡（公布数）",
    },
    "en": {
        "title": "# The burden of noncommunicable diseases (paper §1.2)",
        "share_title": "Deaths from noncommunicable diseases, share of all deaths",
        "share_axis": "share of all deaths (%)",
        "year": "year",
        "deaths_title": "{location}, {year}: NCD deaths\n(% = share of NCD deaths)",
        "deaths_axis": "deaths (millions)",
        "share_of_ncd": "{share:.0f}%",
        "main4_sum": "Four together",
        "other_ncd": "Other NCDs",
        "cvd": "Cardiovascular diseases",
        "cancer": "Cancers",
        "chronic_respiratory": "Chronic respiratory diseases",
        "diabetes": "Diabetes",
        "ckd": "Chronic kidney disease",
        "source_who": "WHO Global Health Estimates (via World Bank WDI)",
        "source_gbd17": "IHME GBD 2017",
        "source_gbd19": "IHME GBD 2019 (from listed causes, approximate)",
        "source_who_published": "WHO published (2019)",
        "diabetes_note": "Diabetes is defined differently: WHO's 2.0 million includes kidney deaths caused by diabetes; "
        "GBD's 'diabetes mellitus' excludes chronic kidney disease (shown apart).",
        "partial_note": "The GBD 2019 export has no all-cause total: this share is computed from the causes it lists and runs high.",
        "paper_point": "paper: 74% (\"2020\")",
        "intro": "Section 1.2 of the paper says that, according to WHO, 74% of deaths worldwide in 2020 (31 million) were due "
        "to noncommunicable diseases, chiefly cardiovascular disease, cancer, chronic respiratory disease and diabetes. "
        "Below, both sentences are checked against WHO's Global Health Estimates (as republished in the World Bank's WDI) "
        "and IHME's Global Burden of Disease study (as republished by Our World in Data).",
        "share_text": "WHO's estimates end in 2019: NCDs were {w2000:.1f}% of deaths worldwide in 2000 and {w2019:.1f}% in 2019. "
        "WHO's published counts are 31 million NCD deaths in 2000 and 41 million in 2019.",
        "causes_text": "{location}, {year} (IHME GBD 2019): the four groups account for {sum4:.2f} million deaths, "
        "{share4:.1f}% of the NCD deaths the export lists.",
        "table_caption": "Deaths from the four main NCD groups (millions) and their share of NCD deaths",
        "claims_heading": "## The paper's claims, checked",
        "no_data": "No GBD 2019 deaths by cause for {location} in {year}.",
        "col_source": "source",
        "col_location": "location",
        "col_share": "share of the four (%)",
        "col_total": "NCD total",
        "col_basis": "basis of the total",
        "basis_listed": "sum of the NCD causes the export lists",
        "basis_published": "all NCD deaths (published)",
    },
}


# Chinese names of the GBD NCD causes and groups, for the figures (our translation).
CAUSE_ZH = {
    "Cardiovascular diseases": "心血管疾病",
    "Neoplasms": "肿瘤（癌症）",
    "Chronic respiratory diseases": "慢性呼吸系统疾病",
    "Digestive diseases": "消化系统疾病",
    "Cirrhosis and other chronic liver diseases": "肝硬化及其他慢性肝病",
    "Alzheimer's disease and other dementias": "阿尔茨海默病及其他痴呆",
    "Parkinson's disease": "帕金森病",
    "Diabetes mellitus": "糖尿病",
    "Chronic kidney disease": "慢性肾病",
    "Drug use disorders": "药物使用障碍",
    "Alcohol use disorders": "酒精使用障碍",
    "Neurological disorders": "阿尔茨海默病与帕金森病",
    "Diabetes and kidney diseases": "糖尿病和肾病",
    "Substance use disorders": "物质使用障碍",
}

DATA_NOTE = {
    "zh": "数据：WHO 全球卫生估计 2019（经世界银行 WDI，仅 2000、2010、2015、2019 年）；IHME GBD 2017 与 GBD 2019"
    "（Our World in Data 导出，GBD 2019 文件无全部死因合计，相关比例为近似值）；WHO《2023 年世界卫生统计》公布数。离线数据足以核验两条论断。",
    "en": "Data: WHO Global Health Estimates 2019 (via World Bank WDI; 2000, 2010, 2015 and 2019 only); IHME GBD 2017 and "
    "GBD 2019 (Our World in Data exports; the GBD 2019 file has no all-cause total, so shares from it are approximate); "
    "WHO's published figures (World Health Statistics 2023). The offline data suffice to check both claims.",
}
LIVE_COMMANDS = (
    "exo-industry fetch worldbank --indicator SH.DTH.NCOM.ZS --indicator SH.DTH.COMM.ZS --start 2000 --end 2024\n"
    "exo-industry fetch owid\n"
    "exo-industry fetch who_gho --indicator NCDMORT3070 --location GLOBAL --location CHN\n"
    "exo-industry process --section ncd"
)
LIVE_NOTE = {
    "zh": "离线时用的是 ../shared/data 中的文件。联网时可用以下命令更新数据（WHO GHO 接口另可取得 30–70 岁死于四类"
    "主要非传染性疾病的概率，指标 NCDMORT3070）：\n" + LIVE_COMMANDS,
    "en": "Offline, the files in ../shared/data are used. With a network, refresh the data with the commands below "
    "(the WHO GHO API also gives the probability of dying between 30 and 70 from the four main NCDs, indicator "
    "NCDMORT3070):\n" + LIVE_COMMANDS,
}
KEY_FIGURE = "ncd_share_WLD-CHN_2019_main4"  # the share figure for the notebook's default parameters


LOCATION_ZH = {"World": "全球", "China": "中国"}


def display_name(location: dict, lang: str) -> str:
    return LOCATION_ZH.get(location["name"], location["name"]) if lang == "zh" else location["name"]


# The export holds only two of GBD's neurological causes: say so where the level-2 group is shown.
CAUSE_EN = {"Neurological disorders": "Alzheimer's and Parkinson's"}


def cause_label(name: str, lang: str) -> str:
    if lang == "zh":
        return CAUSE_ZH.get(name, LABELS["zh"].get(name, name))
    return CAUSE_EN.get(name, LABELS["en"].get(name, name))


def figure_tag(locations: list[dict], year: int, grouping: str, lang: str) -> str:
    """A file-name tag for one set of parameters (so that figures never overwrite each other)."""
    import re

    locs = "-".join(loc["code"] or re.sub(r"[^A-Za-z0-9]+", "", loc["name"])[:16] for loc in locations)
    return f"{locs}_{year}_{grouping}.{lang}"


# --------------------------------------------------------------------------- transforms
def _norm_code(code) -> str:
    code = "" if code is None or (isinstance(code, float) and math.isnan(code)) else str(code)
    return WORLD if code == owid.WORLD_CODE else code


def who_share(wdi: pd.DataFrame) -> pd.DataFrame:
    """WDI cause-of-death shares (WHO GHE) as ``ncd_share`` rows."""
    groups = {WDI_NCD: "ncd", WDI_COMM: "communicable"}
    w = wdi[wdi["indicator"].isin(groups)]
    return pd.DataFrame(
        {
            "source": SRC_WHO,
            "basis": "all deaths",
            "location_code": w["country_code"].map(_norm_code),
            "location": w["country"],
            "year": w["year"].astype(int),
            "group": w["indicator"].map(groups),
            "share_pct": w["value"].astype(float),
            "deaths": float("nan"),
        }
    )


def gbd_category_share(cat: pd.DataFrame) -> pd.DataFrame:
    """GBD level-1 deaths (ncd, communicable, injuries) to shares of their sum (= all deaths)."""
    c = cat.assign(code=cat["code"].map(_norm_code))
    total = c.groupby(["entity", "year"])["deaths"].transform("sum")
    return pd.DataFrame(
        {
            "source": SRC_GBD17,
            "basis": "all deaths",
            "location_code": c["code"],
            "location": c["entity"],
            "year": c["year"].astype(int),
            "group": c["cause"],
            "share_pct": 100.0 * c["deaths"] / total,
            "deaths": c["deaths"],
        }
    )


def classify_causes(causes) -> pd.DataFrame:
    """The ``ncd_gbd_causes`` table for the cause names found in an export."""
    unknown = sorted(set(causes) - set(GBD_CAUSES))
    if unknown:
        raise BadParameter(
            f"GBD cause(s) not placed in the GBD hierarchy: {', '.join(unknown)}",
            hint="add them to GBD_CAUSES in sections/ncd.py with their level-1 and level-2 groups",
        )
    key_of = {v: k for k, v in MAIN4.items()}
    rows = [
        {
            "cause": c,
            "gbd_group": GBD_CAUSES[c][0],
            "gbd_level2": GBD_CAUSES[c][1],
            "part_of": GBD_CAUSES[c][2],
            "main4": key_of.get(c, ""),
        }
        for c in sorted(set(causes))
    ]
    return pd.DataFrame(rows)


def gbd_listed_share(by_cause: pd.DataFrame, causes: pd.DataFrame) -> pd.DataFrame:
    """Approximate level-1 shares from the causes the GBD 2019 export lists (nested causes not counted twice)."""
    top = causes[causes["part_of"] == ""].set_index("cause")["gbd_group"]
    d = by_cause[by_cause["cause"].isin(top.index)]
    d = d.assign(group=d["cause"].map(top))
    g = d.groupby(["entity", "code", "year", "group"], as_index=False, dropna=False)["deaths"].sum()
    total = g.groupby(["entity", "year"])["deaths"].transform("sum")
    return pd.DataFrame(
        {
            "source": SRC_GBD19,
            "basis": "listed causes",
            "location_code": g["code"].map(_norm_code),
            "location": g["entity"],
            "year": g["year"].astype(int),
            "group": g["group"],
            "share_pct": 100.0 * g["deaths"] / total,
            "deaths": g["deaths"],
        }
    )


def ncd_deaths(by_cause: pd.DataFrame, causes: pd.DataFrame) -> pd.DataFrame:
    """The ``ncd_deaths_by_cause`` table: GBD 2019 deaths from every NCD cause listed."""
    ncd_causes = set(causes.loc[causes["gbd_group"] == "ncd", "cause"])
    d = by_cause[by_cause["cause"].isin(ncd_causes)]
    return pd.DataFrame(
        {
            "location_code": d["code"].map(_norm_code),
            "location": d["entity"],
            "year": d["year"].astype(int),
            "cause": d["cause"],
            "deaths": d["deaths"],
        }
    ).reset_index(drop=True)


def main4_table(deaths: pd.DataFrame, causes: pd.DataFrame) -> pd.DataFrame:
    """Deaths from the four main NCD groups, their sum, the NCD total and the four's share of it.

    GBD 2019 rows: the NCD total is the sum of the NCD causes the export lists (nested
    causes not counted twice); the export misses some small NCD causes, so the total is
    a little low and the share a little high (``ncd_total_basis`` says so).
    """
    top = set(causes.loc[(causes["gbd_group"] == "ncd") & (causes["part_of"] == ""), "cause"])
    wide = deaths.pivot_table(
        index=["location_code", "location", "year"], columns="cause", values="deaths", aggfunc="first"
    )
    out = pd.DataFrame(index=wide.index)
    for key, cause in MAIN4.items():
        out[key] = wide[cause] if cause in wide else float("nan")
    out["ckd"] = wide[CKD] if CKD in wide else float("nan")
    out["main4_sum"] = out[MAIN4_ORDER].sum(axis=1, min_count=len(MAIN4_ORDER))
    out["ncd_total"] = wide[[c for c in wide.columns if c in top]].sum(axis=1, min_count=1)
    out = out.reset_index()
    out.insert(0, "source", SRC_GBD19)
    out["ncd_total_basis"] = "NCD causes listed in the export"
    out["diabetes_definition"] = "diabetes mellitus only (chronic kidney disease apart)"
    who = pd.DataFrame(
        [
            {
                "source": SRC_WHO_PUBLISHED,
                "location_code": WORLD,
                "location": "World",
                "year": 2019,
                "cvd": WHO_CVD_2019.value * 1e6,
                "cancer": WHO_CANCER_2019.value * 1e6,
                "chronic_respiratory": WHO_CRD_2019.value * 1e6,
                "diabetes": WHO_DIABETES_2019.value * 1e6,
                "ckd": float("nan"),
                "main4_sum": WHO_MAIN4_2019.value * 1e6,
                "ncd_total": WHO_NCD_DEATHS_2019.value * 1e6,
                "ncd_total_basis": "all NCD deaths (published)",
                "diabetes_definition": "including kidney deaths caused by diabetes",
            }
        ]
    )
    out = pd.concat([out, who], ignore_index=True)
    out["main4_share_pct"] = 100.0 * out["main4_sum"] / out["ncd_total"]
    cols = [
        "source",
        "location_code",
        "location",
        "year",
        *MAIN4_ORDER,
        "ckd",
        "main4_sum",
        "ncd_total",
        "main4_share_pct",
        "ncd_total_basis",
        "diabetes_definition",
    ]
    return out[cols]


def locations_table(share: pd.DataFrame, deaths: pd.DataFrame) -> pd.DataFrame:
    frames = []
    for src, df in (
        (SRC_WHO, share[share["source"] == SRC_WHO]),
        (SRC_GBD17, share[share["source"] == SRC_GBD17]),
        (SRC_GBD19, deaths),
    ):
        f = df[["location_code", "location"]].drop_duplicates()
        frames.append(f.assign(source=src))
    both = pd.concat(frames, ignore_index=True)
    out = both.pivot_table(
        index=["location", "location_code"], columns="source", aggfunc="size", fill_value=0
    ).reset_index()
    out = out.rename(columns={SRC_WHO: "in_who_ghe", SRC_GBD17: "in_gbd2017", SRC_GBD19: "in_gbd2019"})
    for col in ("in_who_ghe", "in_gbd2017", "in_gbd2019"):
        out[col] = out[col].astype(bool) if col in out else False
    out.columns.name = None
    return out[["location_code", "location", "in_who_ghe", "in_gbd2017", "in_gbd2019"]]


def reference_table() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "key": r.key,
                "value": r.value,
                "unit": r.unit,
                "what": r.what,
                "citation": r.citation,
                "url": r.url,
            }
            for r in REFERENCES
        ]
    )


# --------------------------------------------------------------------------- views for the notebook
def level2_groups(
    deaths: pd.DataFrame,
    causes: pd.DataFrame,
    location_code: str,
    location: str,
    year: int,
    diabetes_alone: bool,
) -> pd.Series:
    """NCD deaths by GBD level-2 group for one location and year, largest first.

    With ``diabetes_alone`` the level-2 group "diabetes and kidney diseases" is split into
    diabetes mellitus and chronic kidney disease, to rank diabetes as the paper names it.
    """
    d = _pick(deaths, location_code, location)
    d = d[d["year"] == year]
    info = causes.set_index("cause")
    d = d[d["cause"].map(info["part_of"]) == ""]
    group = d["cause"].map(info["gbd_level2"])
    if diabetes_alone:
        group = group.where(~d["cause"].isin([MAIN4["diabetes"], CKD]), d["cause"])
    return d.groupby(group)["deaths"].sum().sort_values(ascending=False, kind="mergesort")


def _pick(df: pd.DataFrame, location_code: str, location: str) -> pd.DataFrame:
    codes = df["location_code"].fillna("").astype(str)
    if location_code:
        return df[codes == location_code]
    return df[(codes == "") & (df["location"] == location)]


def share_view(share: pd.DataFrame, locations: list[dict]) -> pd.DataFrame:
    """NCD share of all deaths for the chosen locations, every source (for the line chart)."""
    frames = [_pick(share, loc["code"], loc["name"]).assign(label=loc["name"]) for loc in locations]
    out = pd.concat(frames, ignore_index=True) if frames else share.iloc[0:0]
    return out[out["group"] == "ncd"].sort_values(["label", "source", "year"]).reset_index(drop=True)


def cause_view(
    deaths: pd.DataFrame, causes: pd.DataFrame, main4: pd.DataFrame, location: dict, year: int, grouping: str
) -> pd.DataFrame:
    """Deaths by NCD group for one location and year, in the chosen grouping.

    Columns: group, key (main-four key or ''), deaths, share_of_ncd_pct, main4 (bool).
    ``main4``: the four main groups, their sum and the rest of the NCD total;
    ``gbd_level2``: every NCD group at GBD level 2; ``gbd_causes``: every NCD cause the
    export lists (nested causes shown, but not added twice to the total).
    """
    if grouping not in CAUSE_GROUPINGS:
        raise BadParameter(f"unknown cause grouping {grouping!r}; choose one of {', '.join(CAUSE_GROUPINGS)}")
    m = _pick(main4, location["code"], location["name"])
    m = m[(m["year"] == year) & (m["source"] == SRC_GBD19)]
    if m.empty:
        return pd.DataFrame(columns=["group", "key", "deaths", "share_of_ncd_pct", "main4"])
    total = float(m["ncd_total"].iloc[0])
    key_of = {v: k for k, v in MAIN4.items()}
    if grouping == "main4":
        rows = [{"group": MAIN4[k], "key": k, "deaths": float(m[k].iloc[0])} for k in MAIN4_ORDER]
        s = float(m["main4_sum"].iloc[0])
        rows.append({"group": "main4_sum", "key": "main4_sum", "deaths": s})
        rows.append({"group": "other_ncd", "key": "other_ncd", "deaths": total - s})
    elif grouping == "gbd_level2":
        g = level2_groups(deaths, causes, location["code"], location["name"], year, diabetes_alone=False)
        rows = [{"group": k, "key": key_of.get(k, ""), "deaths": float(v)} for k, v in g.items()]
    else:
        d = _pick(deaths, location["code"], location["name"])
        d = d[d["year"] == year].sort_values("deaths", ascending=False, kind="mergesort")
        rows = [
            {"group": c, "key": key_of.get(c, ""), "deaths": float(v)}
            for c, v in zip(d["cause"], d["deaths"])
        ]
    out = pd.DataFrame(rows)
    out["share_of_ncd_pct"] = 100.0 * out["deaths"] / total
    main_names = set(MAIN4.values()) | {"Diabetes and kidney diseases"}
    out["main4"] = out["key"].isin(MAIN4_ORDER) | out["group"].isin(main_names)
    return out


# --------------------------------------------------------------------------- parameters
def _location_index(known: pd.DataFrame) -> dict[str, tuple[str, str]]:
    idx = {}
    for code, name in zip(known["location_code"], known["location"]):
        code = "" if pd.isna(code) else str(code)
        idx.setdefault(str(name).lower(), (code, str(name)))
        if code:
            idx.setdefault(code.lower(), (code, str(name)))
    idx.setdefault(owid.WORLD_CODE.lower(), idx.get("wld", (WORLD, "World")))
    return idx


def resolve_locations(locations, known: pd.DataFrame) -> list[dict]:
    """Names or codes (ISO3, WLD) to ``{"code", "name"}``; unknown ones rejected with near matches."""
    if isinstance(locations, str):
        locations = [locations]
    if not locations:
        raise BadParameter("no location given: name at least one (e.g. 'World', 'China' or 'CHN')")
    idx = _location_index(known)
    out = []
    for loc in locations:
        text = str(loc).strip()
        hit = idx.get(text.lower())
        if hit is None:
            by_lower = {str(n).lower(): str(n) for n in sorted({str(n) for n in known["location"]})}
            near = [
                by_lower[n] for n in difflib.get_close_matches(text.lower(), list(by_lower), n=5, cutoff=0.6)
            ]
            hint = (
                f"near matches: {', '.join(near)}"
                if near
                else "use a location name as WDI or GBD spell it, or an ISO3 code"
            )
            raise BadParameter(f"unknown location {text!r}", hint=hint)
        code, name = hit
        if {"code": code, "name": name} not in out:
            out.append({"code": code, "name": name})
    return out


def validate_parameters(
    locations=DEFAULT_LOCATIONS,
    year: int = 2019,
    cause_grouping: str = "main4",
    lang: str = "zh",
    known: pd.DataFrame | None = None,
) -> list[dict]:
    """Check the notebook's parameters; return the resolved locations.

    ``known``: the ``ncd_locations`` table (read from data/processed when not given).
    """
    if lang not in LANGS:
        raise BadParameter(f"unsupported language {lang!r}; choose one of {', '.join(LANGS)}")
    if cause_grouping not in CAUSE_GROUPINGS:
        raise BadParameter(
            f"unknown cause grouping {cause_grouping!r}; choose one of {', '.join(CAUSE_GROUPINGS)}"
        )
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise BadParameter(f"year {year!r} is not a year") from None
    if y != year or not (YEARS[0] <= y <= YEARS[1]):
        raise BadParameter(f"year {year!r} is outside {YEARS[0]}-{YEARS[1]}, the years IHME GBD 2019 covers")
    if known is None:
        from ..processed import read_table

        known = read_table("ncd_locations", dtype={"location_code": str}, keep_default_na=False)
    return resolve_locations(locations, known)


# --------------------------------------------------------------------------- claims
_ORDER = {"reproduced": 0, "reproduced with caveat": 1, "contradicted": 2}
# Verdict words in Chinese, for reason_zh / note_zh (the same words the zh briefings use).
VERDICT_ZH = {
    "reproduced": "已复现",
    "reproduced with caveat": "有保留地复现",
    "contradicted": "与数据不符",
    "not checkable offline": "离线无法核验",
}


def _weaker(a: str, b: str) -> str:
    return a if _ORDER[a] >= _ORDER[b] else b


def grade_share(series: dict[int, float], paper_share: float, paper_year: int) -> tuple[str, int, float]:
    """(grade, year used, WHO share that year) per the module's rules."""
    if not series:
        raise BadParameter("no WHO share for the world to compare with")
    year = min(series, key=lambda y: (abs(y - paper_year), -y))
    diff = abs(series[year] - paper_share)
    if diff <= 0.5:
        grade = "reproduced" if year == paper_year else "reproduced with caveat"
    elif diff <= 2.0:
        grade = "reproduced with caveat"
    else:
        grade = "contradicted"
    return grade, year, series[year]


def grade_count(
    counts: dict[int, float], paper_count: float, year: int, tol: float = 0.05
) -> tuple[str, int | None]:
    """(grade, year whose count matches the paper's) per the module's rules."""
    same = counts.get(year)
    if same is not None and abs(paper_count - same) <= tol * same:
        return "reproduced", year
    others = [y for y, c in sorted(counts.items()) if abs(paper_count - c) <= tol * c]
    if others:
        return "reproduced with caveat", others[0]
    return "contradicted", None


def grade_main4(level2_alone: pd.Series, level2_grouped: pd.Series, share_of_ncd: float) -> str:
    four_alone = set(level2_alone.index[:4])
    named = {MAIN4[k] for k in MAIN4_ORDER}
    if share_of_ncd <= 50.0:
        return "contradicted"
    if four_alone == named:
        return "reproduced"
    top3 = set(level2_grouped.index[:3])
    if top3 == {
        MAIN4["cvd"],
        MAIN4["cancer"],
        MAIN4["chronic_respiratory"],
    } and "Diabetes and kidney diseases" in set(level2_grouped.index[:4]):
        return "reproduced with caveat"
    return "contradicted"


def check_claims(
    share: pd.DataFrame, deaths: pd.DataFrame, causes: pd.DataFrame, main4: pd.DataFrame
) -> list[Claim]:
    nb = NOTEBOOK
    # ---- ncd.share
    who = share[(share["source"] == SRC_WHO) & (share["location_code"] == WORLD) & (share["group"] == "ncd")]
    series = dict(zip(who["year"].astype(int), who["share_pct"].astype(float)))
    share_grade, year_used, who_share_value = grade_share(series, PAPER_SHARE, PAPER_YEAR)
    counts = {y: r.value for y, r in WHO_NCD_DEATHS_BY_YEAR.items()}
    count_grade, count_year = grade_count(counts, PAPER_COUNT, year_used)
    verdict_share = _weaker(share_grade, count_grade)
    who_2000 = series.get(2000, float("nan"))
    last_year = max(series) if series else year_used
    count_used = counts.get(year_used)  # WHO's published count for the share's year, where it has one
    count_en = f"{count_used:.0f} million" if count_used is not None else "no published count"
    count_zh = f"{count_used:.0f}百万例" if count_used is not None else "无公布数"
    g17 = share[
        (share["source"] == SRC_GBD17) & (share["location_code"] == WORLD) & (share["group"] == "ncd")
    ].set_index("year")
    gbd_bits = ""
    gbd_bits_zh = ""
    if {2000, 2017} <= set(g17.index):
        gbd_bits = (
            f" IHME's GBD 2017 agrees on the shape: {g17.loc[2000, 'deaths'] / 1e6:.1f} million NCD deaths "
            f"({g17.loc[2000, 'share_pct']:.1f}%) in 2000 and {g17.loc[2017, 'deaths'] / 1e6:.1f} million "
            f"({g17.loc[2017, 'share_pct']:.1f}%) in 2017."
        )
        gbd_bits_zh = (
            f"IHME全球疾病负担研究（GBD 2017）显示的走势与此一致：2000年非传染性疾病死亡{g17.loc[2000, 'deaths'] / 1e6:.1f}百万例"
            f"（占{g17.loc[2000, 'share_pct']:.1f}%），2017年{g17.loc[2017, 'deaths'] / 1e6:.1f}百万例"
            f"（占{g17.loc[2017, 'share_pct']:.1f}%）。"
        )
    count_text = (
        f"{PAPER_COUNT:.0f} million is WHO's count for {count_year}"
        if count_year not in (None, year_used)
        else (
            "the count matches WHO's for the same year"
            if count_year == year_used
            else "the count matches no WHO figure"
        )
    )
    count_text_zh = (
        f"论文的{PAPER_COUNT:.0f}百万例是WHO {count_year}年的死亡数"
        if count_year not in (None, year_used)
        else (
            "死亡数与WHO同一年的数字相符" if count_year == year_used else "死亡数与WHO公布的任何数字都不相符"
        )
    )
    note_share = (
        f"The paper cites WHO's World Health Statistics 2023 (its ref. [9]). WHO's estimates end in {last_year}: the "
        f"Global Health Estimates 2019, republished by the World Bank as {WDI_NCD}, give {who_share_value:.1f}% of all "
        f"deaths worldwide from NCDs in {year_used} (the '74%' of WHO's fact sheet) and {who_2000:.1f}% in 2000. "
        f"WHO's report gives {WHO_NCD_DEATHS_2019.value:.0f} million NCD deaths in 2019 and "
        f"{WHO_NCD_DEATHS_2000.value:.0f} million in 2000. The paper's pair '74% (31 million)' therefore joins the "
        f"2019 share to the 2000 count, and labels it 2020, a year for which WHO published neither figure; the "
        f"matching 2019 count is {WHO_NCD_DEATHS_2019.value:.0f} million.{gbd_bits} Verdict: the share is "
        f"{share_grade} (WHO {who_share_value:.1f}% in {year_used} against the paper's {PAPER_SHARE:.0f}% for "
        f"{PAPER_YEAR}); the count is {count_grade} ({count_text}); the claim takes the weaker grade, "
        f"{verdict_share}."
    )
    note_share_zh = (
        f"论文引用的是WHO《2023年世界卫生统计》（论文参考文献[9]）。WHO的估计只到{last_year}年：世界银行以{WDI_NCD}指标转载的"
        f"WHO全球卫生估计2019显示，{year_used}年全球死亡中有{who_share_value:.1f}%归因于非传染性疾病"
        f"（即WHO情况说明书中的“{WHO_NCD_SHARE.value:.0f}%”），2000年为{who_2000:.1f}%。WHO报告给出的非传染性疾病死亡数"
        f"2019年为{WHO_NCD_DEATHS_2019.value:.0f}百万例，2000年为{WHO_NCD_DEATHS_2000.value:.0f}百万例。因此，论文给出的一对数字"
        f"——{PAPER_SHARE:.0f}%与{PAPER_COUNT:.0f}百万例（原文作“{PAPER_COUNT * 100:.0f}万”）——是把2019年的比例与2000年的"
        f"死亡数拼在一起，并标为2020年，而WHO并未发布该年的这两个数字；与2019年比例相对应的死亡数是"
        f"{WHO_NCD_DEATHS_2019.value:.0f}百万例。{gbd_bits_zh}"
        f"结论：比例一项为“{VERDICT_ZH[share_grade]}”（WHO {year_used}年为{who_share_value:.1f}%，论文称{PAPER_YEAR}年为"
        f"{PAPER_SHARE:.0f}%）；死亡数一项为“{VERDICT_ZH[count_grade]}”（{count_text_zh}）；整条论断取两者中较弱的等级，"
        f"即“{VERDICT_ZH[verdict_share]}”。"
    )
    if share_grade != "contradicted" and count_year not in (None, year_used) and year_used in counts:
        note_share += (
            f" The share stands (WHO: {who_share_value:.1f}% in {year_used}), but the number of deaths that goes with "
            f"it is about {counts[year_used]:.0f} million, not {PAPER_COUNT:.0f} million."
        )
        note_share_zh += (
            f"比例本身成立（WHO：{year_used}年为{who_share_value:.1f}%），但与之对应的死亡数约为{counts[year_used]:.0f}百万例，"
            f"而不是{PAPER_COUNT:.0f}百万例。"
        )
    claims = [
        Claim(
            claim_id="ncd.share",
            section="1.2",
            statement="据世界卫生组织 (WHO) 报告，2020 年，全球 74% 的死亡 (3100 万) 归因于非传染性疾病 (NCDs)",
            statement_en="According to WHO, in 2020 74% of deaths worldwide (31 million) were due to noncommunicable diseases",
            paper_value=f"{PAPER_SHARE:.0f}% ({PAPER_COUNT:.0f} million), {PAPER_YEAR}",
            reproduced_value=f"{who_share_value:.1f}% ({count_en}), {year_used}",
            unit="% of all deaths (million deaths)",
            verdict=verdict_share,
            reason=(
                f"WHO GHE: {who_share_value:.1f}% in {year_used} with {count_en} deaths; "
                f"{PAPER_COUNT:.0f} million is WHO's count for {count_year}"
                if count_year is not None
                else f"WHO GHE: {who_share_value:.1f}% in {year_used}; no WHO count matches {PAPER_COUNT:.0f} million"
            ),
            source=f"{SRC_WHO} ({WDI_NCD}); WHO World Health Statistics 2023 (counts); {SRC_GBD17} (cross-check)",
            note=note_share,
            notebook=nb,
            reason_zh=(
                f"WHO全球卫生估计：{year_used}年为{who_share_value:.1f}%，对应死亡{count_zh}；"
                f"论文的{PAPER_COUNT:.0f}百万例是WHO {count_year}年的死亡数"
                if count_year is not None
                else f"WHO全球卫生估计：{year_used}年为{who_share_value:.1f}%；WHO公布的死亡数中没有与{PAPER_COUNT:.0f}百万例相符的"
            ),
            note_zh=note_share_zh,
            paper_value_zh=f"{PAPER_YEAR}年：{PAPER_SHARE:.0f}%（{PAPER_COUNT:.0f}百万例死亡）",
            reproduced_value_zh=f"{year_used}年：{who_share_value:.1f}%（{count_zh}死亡）",
            unit_zh="占全部死亡的百分比（%）；死亡人数（百万例）",
        )
    ]
    # ---- ncd.main4
    y = CLAIM_YEAR_MAIN4
    m = main4[(main4["source"] == SRC_GBD19) & (main4["location_code"] == WORLD) & (main4["year"] == y)]
    if m.empty:
        raise BadParameter(f"no GBD 2019 deaths for the world in {y}")
    row = m.iloc[0]
    alone = level2_groups(deaths, causes, WORLD, "World", y, diabetes_alone=True)
    grouped = level2_groups(deaths, causes, WORLD, "World", y, diabetes_alone=False)
    share4 = float(row["main4_share_pct"])
    verdict_main4 = grade_main4(alone, grouped, share4)
    rank_alone = list(alone.index).index(MAIN4["diabetes"]) + 1
    ahead = [g for g in alone.index[: rank_alone - 1] if g not in set(MAIN4.values())]
    who_share4 = 100 * WHO_MAIN4_2019.value / WHO_NCD_DEATHS_2019.value
    mn = lambda v: f"{v / 1e6:.2f}"  # noqa: E731
    note_main4 = (
        f"IHME GBD 2019, world, {y}: cardiovascular diseases {mn(row['cvd'])} million, neoplasms {mn(row['cancer'])}, "
        f"chronic respiratory diseases {mn(row['chronic_respiratory'])}, diabetes mellitus {mn(row['diabetes'])} "
        f"(chronic kidney disease, listed apart, {mn(row['ckd'])}); together {mn(row['main4_sum'])} million, "
        f"{share4:.1f}% of the {mn(row['ncd_total'])} million NCD deaths the export lists (it lacks a few small NCD "
        f"causes, so this share runs slightly high). WHO's figures for 2019 are {WHO_CVD_2019.value}, "
        f"{WHO_CANCER_2019.value}, {WHO_CRD_2019.value} and {WHO_DIABETES_2019.value} million, together "
        f"{WHO_MAIN4_2019.value} million, {who_share4:.0f}% of {WHO_NCD_DEATHS_2019.value:.0f} million. "
        f"Ranked at GBD level 2, the three largest NCD groups are cardiovascular diseases, neoplasms and chronic "
        f"respiratory diseases; 'diabetes and kidney diseases' ({mn(grouped.get('Diabetes and kidney diseases', float('nan')))} "
        f"million) comes next. Diabetes mellitus alone ranks {rank_alone}th"
        + (f", behind {', '.join(ahead)}" if ahead else "")
        + ". The two sources define diabetes differently: WHO's 2.0 million includes kidney deaths caused by "
        f"diabetes, GBD's 'diabetes mellitus' does not. Verdict: {verdict_main4}"
        + {
            "reproduced": ": the four are the four largest NCD groups and most NCD deaths.",
            "reproduced with caveat": (
                f": together the four are {share4:.0f}% of NCD deaths (WHO: {who_share4:.0f}%), but diabetes is among "
                "the four largest NCD groups only when its kidney deaths are counted with it."
            ),
            "contradicted": ": by these data the four are not the main NCD killers as stated.",
        }[verdict_main4]
    )
    note_main4_zh = (
        f"IHME全球疾病负担研究（GBD 2019），全球，{y}年，死亡人数（百万例）：心血管疾病{mn(row['cvd'])}，"
        f"肿瘤{mn(row['cancer'])}，慢性呼吸系统疾病{mn(row['chronic_respiratory'])}，糖尿病{mn(row['diabetes'])}"
        f"（慢性肾病另列，{mn(row['ckd'])}）；四类合计{mn(row['main4_sum'])}百万例，占导出文件所列非传染性疾病死亡"
        f"{mn(row['ncd_total'])}百万例的{share4:.1f}%（该文件缺少少数较小的非传染性疾病死因，因此这一比例略为偏高）。"
        f"WHO公布的2019年数字依次为{WHO_CVD_2019.value}、{WHO_CANCER_2019.value}、{WHO_CRD_2019.value}和"
        f"{WHO_DIABETES_2019.value}百万例，合计{WHO_MAIN4_2019.value}百万例，占{WHO_NCD_DEATHS_2019.value:.0f}百万例"
        f"非传染性疾病死亡的{who_share4:.0f}%。按GBD第2层级的疾病组排序，死亡人数最多的三组非传染性疾病是心血管疾病、"
        f"肿瘤和慢性呼吸系统疾病，其次是“糖尿病和肾病”（{mn(grouped.get('Diabetes and kidney diseases', float('nan')))}"
        f"百万例）。单独计算的糖尿病排第{rank_alone}位"
        + (f"，位于{'、'.join('“' + cause_label(g, 'zh') + '”' for g in ahead)}之后" if ahead else "")
        + f"。两个来源对糖尿病的界定不同：WHO的{WHO_DIABETES_2019.value}百万例包含糖尿病所致的肾病死亡，GBD的“糖尿病”"
        f"则不包含。结论：{VERDICT_ZH[verdict_main4]}。"
        + {
            "reproduced": "这四类是死亡人数最多的四组非传染性疾病，并占非传染性疾病死亡的大部分。",
            "reproduced with caveat": (
                f"四类合计占非传染性疾病死亡的{share4:.0f}%（WHO：{who_share4:.0f}%），但只有把糖尿病所致的肾病死亡"
                "一并计入时，糖尿病才进入死亡人数最多的四组非传染性疾病。"
            ),
            "contradicted": "按这些数据，这四类并不像论文所说的那样是致死最多的非传染性疾病。",
        }[verdict_main4]
    )
    claims.append(
        Claim(
            claim_id="ncd.main4",
            section="1.2",
            statement="主要的非传染性疾病包括：心血管疾病、癌症、慢性呼吸系统疾病和糖尿病",
            statement_en="The main NCDs are cardiovascular disease, cancer, chronic respiratory disease and diabetes",
            paper_value="CVD, cancer, chronic respiratory disease, diabetes",
            reproduced_value=f"{mn(row['main4_sum'])} million, {share4:.1f}% of NCD deaths ({y})",
            unit="million deaths; % of NCD deaths",
            verdict=verdict_main4,
            reason=(
                f"GBD 2019: the four are {share4:.0f}% of listed NCD deaths (WHO: {who_share4:.0f}%); "
                f"diabetes alone ranks {rank_alone}th among NCD groups, 4th with kidney disease"
            ),
            source=f"{SRC_GBD19}; WHO World Health Statistics 2023",
            note=note_main4,
            notebook=nb,
            reason_zh=(
                f"GBD 2019：四类占所列非传染性疾病死亡的{share4:.0f}%（WHO：{who_share4:.0f}%）；"
                f"单独计算的糖尿病在非传染性疾病组中排第{rank_alone}位，与肾病合并计算则排第4位"
            ),
            note_zh=note_main4_zh,
            paper_value_zh="心血管疾病、癌症、慢性呼吸系统疾病、糖尿病",
            reproduced_value_zh=f"{y}年：{mn(row['main4_sum'])}百万例，占非传染性疾病死亡的{share4:.1f}%",
            unit_zh="死亡人数（百万例）；占非传染性疾病死亡的百分比（%）",
        )
    )
    return claims


# --------------------------------------------------------------------------- process
def process(store: RawStore) -> Result:
    wdi, wdi_entries = worldbank.load_indicators(store, WDI_CODES)
    wdi = wdi[wdi["indicator"].isin(WDI_CODES)]  # only this section's indicators, never the aging ones
    cat, cat_entries, _ = owid.load(store, owid.KIND_BY_CATEGORY)
    by_cause, cause_entries, _ = owid.load(store, owid.KIND_BY_CAUSE)
    causes = classify_causes(by_cause["cause"].unique())
    share = pd.concat(
        [who_share(wdi), gbd_category_share(cat), gbd_listed_share(by_cause, causes)], ignore_index=True
    )
    deaths = ncd_deaths(by_cause, causes)
    main4 = main4_table(deaths, causes)
    tables = {
        "ncd_share": Table(
            share,
            ["source", "location_code", "location", "group", "year"],
            decimals=2,
            description="share of all deaths by GBD level-1 group",
        ),
        "ncd_deaths_by_cause": Table(
            deaths,
            ["location_code", "location", "cause", "year"],
            decimals=1,
            description="GBD 2019 deaths by NCD cause",
        ),
        "ncd_gbd_causes": Table(
            causes, ["cause"], description="GBD 2019 causes in the export and their groups"
        ),
        "ncd_main4": Table(
            main4,
            ["source", "location_code", "location", "year"],
            decimals=1,
            description="the four main NCD groups, their sum and share of NCD deaths",
        ),
        "ncd_reference": Table(
            reference_table(), ["key"], decimals=1, description="WHO published figures (cited)"
        ),
        "ncd_locations": Table(
            locations_table(share, deaths),
            ["location", "location_code"],
            description="locations and the sources that cover them",
        ),
    }
    inputs = wdi_entries + cat_entries + cause_entries
    # WDI entries that hold none of our indicators are not inputs of this section.
    notes = [
        "IHME GBD 2019 export has no all-cause or NCD total; shares from it use the causes it lists.",
        "WHO GHE via WDI has four years only: 2000, 2010, 2015, 2019.",
    ]
    return Result(
        tables=tables, claims=check_claims(share, deaths, causes, main4), inputs=inputs, notes=notes
    )
