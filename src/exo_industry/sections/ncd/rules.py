"""Section 1.2: the paper's values, WHO's cited figures, the GBD and GHE cause codes, the verdict
thresholds and the rules that apply them. Pure: no I/O, no prose.

``ncd.share`` (paper: 74 %, 31 million, 2020). With WHO's Global Health Estimates 2021 (GHE
2021, which covers 2020) the share is judged on the paper's year itself
(:func:`grade_share_year`): against the NCD share of all deaths, and against the NCD share of
deaths other than COVID-19 and other pandemic-related ones; without GHE 2021 it falls back to
WHO's nearest year in GHE 2019 (:func:`grade_share`). The paper's count is compared with
GHE 2021's count for that year and, failing that, with WHO's published counts for other
years (:func:`grade_count`); the verdict is the weaker of the two grades.

``ncd.main4`` (the main NCDs are cardiovascular disease, cancer, chronic respiratory disease
and diabetes) repeats WHO's own list of the four main NCD types, not a ranking
(:func:`grade_main4_list`): reproduced if the paper's four are WHO's four and together they
are more than half of NCD deaths in every year judged; with caveat if WHO's four but half or
less in some year; contradicted if the paper's list is not WHO's. A ranking of broader cause
groups (GBD level 2, where diabetes alone ranks below digestive and neurological diseases)
is reported as a note and does not change the verdict.
"""

from __future__ import annotations

from ...errors import BadParameter
from ...references import Reference

NAME = "ncd"
NOTEBOOK = "02_ncd_burden"
PAPER_SECTION = "1.2"

WDI_NCD = "SH.DTH.NCOM.ZS"
WDI_COMM = "SH.DTH.COMM.ZS"
WDI_CODES = [WDI_NCD, WDI_COMM]
WORLD = "WLD"  # the common code for the world (WDI's); OWID's OWID_WRL is mapped to it
YEARS = (1990, 2019)  # GBD 2019 covers 1990-2019; WHO GHE 2019 covers 2000-2019
CAUSE_GROUPINGS = ("main4", "gbd_level2", "gbd_causes")
DEFAULT_LOCATIONS = ("World", "China")

# source labels, as stored in the tables' ``source`` column
SRC_WHO = "WHO GHE 2019 (World Bank WDI)"
SRC_GBD17 = "IHME GBD 2017 (Our World in Data)"
SRC_GBD19 = "IHME GBD 2019 (Our World in Data)"
SRC_WHO_PUBLISHED = "WHO, World Health Statistics 2023"
SRC_GHE21 = "WHO GHE 2021"
# the two denominators of a GHE 2021 share (the ``basis`` column of ``ncd_share``)
BASIS_ALL = "all deaths"
BASIS_NON_PANDEMIC = "deaths other than COVID-19 and pandemic-related"
GHE21_YEARS = (2019, 2020, 2021)  # the years the notebook and ncd.main4 show from GHE 2021

# --------------------------------------------------------------------------- cited figures
WHS2023 = (
    "World Health Organization. World health statistics 2023: monitoring health for the SDGs, sustainable "
    "development goals. Geneva: WHO; 2023 (19 May 2023), ISBN 978-92-4-007432-3, CC BY-NC-SA 3.0 IGO; "
    "the paper's reference [9]"
)
WHS2023_URL = "https://www.who.int/publications/item/9789240074323"
FACTSHEET = "World Health Organization. Noncommunicable diseases, fact sheet (16 September 2023)"
FACTSHEET_URL = "https://www.who.int/news-room/fact-sheets/detail/noncommunicable-diseases"

WHO_NCD_DEATHS_2019 = Reference(
    "who_ncd_deaths_2019", 41.0, "million deaths", "NCD deaths worldwide in 2019", WHS2023, WHS2023_URL
)
WHO_NCD_DEATHS_2000 = Reference(
    "who_ncd_deaths_2000", 31.0, "million deaths", "NCD deaths worldwide in 2000", WHS2023, WHS2023_URL
)
WHO_NCD_SHARE = Reference(
    "who_ncd_share",
    74.0,
    "% of all deaths",
    "share of all deaths worldwide due to NCDs (41 million a year; the 2019 estimates)",
    FACTSHEET,
    FACTSHEET_URL,
)
WHO_CVD_2019 = Reference(
    "who_cvd_2019",
    17.9,
    "million deaths",
    "cardiovascular disease deaths worldwide in 2019",
    WHS2023,
    WHS2023_URL,
)
WHO_CANCER_2019 = Reference(
    "who_cancer_2019", 9.3, "million deaths", "cancer deaths worldwide in 2019", WHS2023, WHS2023_URL
)
WHO_CRD_2019 = Reference(
    "who_crd_2019",
    4.1,
    "million deaths",
    "chronic respiratory disease deaths worldwide in 2019",
    WHS2023,
    WHS2023_URL,
)
WHO_DIABETES_2019 = Reference(
    "who_diabetes_2019",
    2.0,
    "million deaths",
    "diabetes deaths worldwide in 2019, including kidney disease deaths caused by diabetes",
    WHS2023,
    WHS2023_URL,
)
WHO_MAIN4_2019 = Reference(
    "who_main4_2019",
    33.3,
    "million deaths",
    "deaths from the four major NCDs together worldwide in 2019",
    WHS2023,
    WHS2023_URL,
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


GHE2021 = (
    "World Health Organization. Global Health Estimates 2021: deaths by cause, age and sex, 2000-2021 "
    "(summary tables, July 2024), CC BY-NC-SA 3.0 IGO"
)
GHE2021_URL = "https://www.who.int/data/gho/data/themes/mortality-and-global-health-estimates"

# --------------------------------------------------------------------------- GHE 2021 codes
# WHO GHE cause codes (column A of the GHE summary workbooks).
GHE_ALL, GHE_COMMUNICABLE, GHE_NCD, GHE_INJURIES, GHE_PANDEMIC_OTHER = 0, 10, 600, 1510, 1700
GHE_COVID = 395  # COVID-19, inside the communicable group
GHE_MAIN4 = {"cvd": 1100, "cancer": 610, "chronic_respiratory": 1170, "diabetes": 800}
GHE_CKD_DIABETES, GHE_CKD_OTHER = 1272, 1273  # chronic kidney disease due to diabetes / other
GHE_CODES = (GHE_ALL, GHE_COMMUNICABLE, GHE_NCD, GHE_INJURIES, GHE_PANDEMIC_OTHER, GHE_COVID,
             *GHE_MAIN4.values(), GHE_CKD_DIABETES, GHE_CKD_OTHER)  # fmt: skip
# GHE top-level groups as ``ncd_share`` groups (COVID-19 shown apart from the rest of group I)
GHE_GROUPS = {"ncd": GHE_NCD, "communicable": GHE_COMMUNICABLE, "injuries": GHE_INJURIES,
              "covid19": GHE_COVID, "pandemic_other": GHE_PANDEMIC_OTHER}  # fmt: skip

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
DIABETES_KIDNEY = "Diabetes and kidney diseases"  # the GBD level-2 group of diabetes and CKD

# --- what the paper says (section 1.2, citing WHS 2023 as its ref. [9])
# "据世界卫生组织 (WHO) 报告，2020 年，全球 74% 的死亡 (3100 万) 归因于非传染性疾病 (NCDs)"
PAPER_SHARE = 74.0  # % of all deaths
PAPER_COUNT = 31.0  # million deaths
PAPER_YEAR = 2020
# "主要的非传染性疾病包括：心血管疾病、癌症、慢性呼吸系统疾病和糖尿病"; checked on the year of
# the data the paper's source (WHS 2023) reports
CLAIM_YEAR_MAIN4 = 2019
# the paper's list and WHO's list of the four main NCD types (WHO NCD fact sheet, 16 Sep 2023;
# World Health Statistics 2023: "four major NCDs"), as keys of MAIN4
PAPER_MAIN4 = ("cvd", "cancer", "chronic_respiratory", "diabetes")
WHO_MAIN4_LIST = ("cvd", "cancer", "chronic_respiratory", "diabetes")

# --- verdict thresholds
SHARE_EXACT_PP = 0.5  # |WHO share - paper share| in points: reproduced (paper's year) within this
SHARE_CLOSE_PP = 2.0  # reproduced with caveat within this, else contradicted
SHARE_NON_PANDEMIC_PP = 1.0  # with caveat: the share matches deaths other than pandemic ones within this
COUNT_TOL = 0.05  # the paper's count matches a WHO count within 5 % of it
MAIN4_MIN_SHARE = 50.0  # the four must be more than this % of NCD deaths

# --------------------------------------------------------------------------- verdict rules
ORDER = {"reproduced": 0, "reproduced with caveat": 1, "contradicted": 2}


def weaker(a: str, b: str) -> str:
    return a if ORDER[a] >= ORDER[b] else b


def grade_share(series: dict[int, float], paper_share: float, paper_year: int) -> tuple[str, int, float]:
    """(grade, year used, WHO share that year): the paper's year or the nearest WHO has (later on ties)."""
    if not series:
        raise BadParameter("no WHO share for the world to compare with")
    year = min(series, key=lambda y: (abs(y - paper_year), -y))
    diff = abs(series[year] - paper_share)
    if diff <= SHARE_EXACT_PP:
        grade = "reproduced" if year == paper_year else "reproduced with caveat"
    elif diff <= SHARE_CLOSE_PP:
        grade = "reproduced with caveat"
    else:
        grade = "contradicted"
    return grade, year, series[year]


def grade_count(
    counts: dict[int, float], paper_count: float, year: int, tol: float = COUNT_TOL
) -> tuple[str, int | None]:
    """(grade, year whose WHO count matches the paper's): the share's year, else any other year."""
    same = counts.get(year)
    if same is not None and abs(paper_count - same) <= tol * same:
        return "reproduced", year
    others = [y for y, c in sorted(counts.items()) if abs(paper_count - c) <= tol * c]
    if others:
        return "reproduced with caveat", others[0]
    return "contradicted", None


def grade_share_year(all_share: float, non_pandemic_share: float, paper_share: float) -> tuple[str, str]:
    """(grade, basis) of the paper's share against one year's shares of all deaths and of deaths
    other than COVID-19 and pandemic-related ones (:data:`BASIS_ALL` / :data:`BASIS_NON_PANDEMIC`)."""
    d_all = abs(all_share - paper_share)
    if d_all <= SHARE_EXACT_PP:
        return "reproduced", BASIS_ALL
    if d_all <= SHARE_CLOSE_PP:
        return "reproduced with caveat", BASIS_ALL
    if abs(non_pandemic_share - paper_share) <= SHARE_NON_PANDEMIC_PP:
        return "reproduced with caveat", BASIS_NON_PANDEMIC
    return "contradicted", BASIS_ALL


def grade_main4_list(paper: tuple[str, ...], who: tuple[str, ...], shares: dict[int, float]) -> str:
    """ncd.main4: the paper's list against WHO's, and the four's share of NCD deaths in each year."""
    if not shares:
        raise BadParameter("no share of NCD deaths for the four main NCD types")
    if set(paper) != set(who) or len(paper) != len(who):
        return "contradicted"
    if min(shares.values()) > MAIN4_MIN_SHARE:
        return "reproduced"
    return "reproduced with caveat"
