"""Section 1.2: the data dictionary of the tables it writes (see :mod:`exo_industry.schema`)."""

from __future__ import annotations

from ...schema import Col, Schema
from .rules import MAIN4, SRC_GBD17, SRC_GBD19, SRC_GHE21, SRC_WHO, SRC_WHO_PUBLISHED

s, i, n = "string", "integer", "number"
_GROUPS = ("communicable", "ncd", "injuries")  # GBD level 1
# GHE 2021 splits the pandemic out of the communicable group
_SHARE_GROUPS = (*_GROUPS, "covid19", "pandemic_other")
_CODE = Col("location_code", s, "ISO3 code, or the WDI aggregate code (empty for GBD regions)")
_LOC = Col("location", s, "location name as the source spells it", required=True)
_YEAR = Col("year", i, "year", required=True)
_DEATHS = "deaths, all ages, both sexes"
_CITE = (Col("citation", s, "the publication cited"), Col("url", s, "its web address"))


def _deaths(name: str, what: str) -> Col:
    return Col(name, n, f"{what} {_DEATHS}", "deaths")


SCHEMA = {
    "ncd_share": Schema(
        "share of deaths by GBD level-1 group (communicable, NCD, injuries), per source, location and year",
        (
            Col(
                "source",
                s,
                "source of the figures",
                enum=(SRC_WHO, SRC_GHE21, SRC_GBD17, SRC_GBD19),
                required=True,
            ),
            Col("basis", s, "denominator: all deaths, or the sum of the causes listed", required=True),
            _CODE,
            _LOC,
            _YEAR,
            Col(
                "group",
                s,
                "GBD level-1 cause group (GHE 2021: COVID-19 and other pandemic deaths apart)",
                enum=_SHARE_GROUPS,
                required=True,
            ),
            Col("share_pct", n, "the group's deaths as a share of the basis", "%"),
            _deaths("deaths", "the group's"),
        ),
        ("source", "basis", "location", "group", "year"),
    ),
    "ncd_deaths_by_cause": Schema(
        "IHME GBD 2019 deaths by NCD cause, per location and year",
        (
            _CODE,
            _LOC,
            _YEAR,
            Col("cause", s, "GBD cause name", required=True),
            _deaths("deaths", "the cause's"),
        ),
        ("location", "cause", "year"),
    ),
    "ncd_gbd_causes": Schema(
        "the GBD 2019 causes in the export and the groups they belong to",
        (
            Col("cause", s, "GBD cause name", required=True),
            Col("gbd_group", s, "GBD level-1 group", enum=_GROUPS),
            Col("gbd_level2", s, "GBD level-2 group"),
            Col("part_of", s, "the listed cause this one is part of (empty: none)"),
            Col("main4", s, "which of the four main NCD groups it is (empty: none)", enum=tuple(MAIN4)),
        ),
        ("cause",),
    ),
    "ncd_main4": Schema(
        "deaths from the four main NCD groups, their sum and their share of NCD deaths",
        (
            Col(
                "source",
                s,
                "source of the figures",
                enum=(SRC_GHE21, SRC_GBD19, SRC_WHO_PUBLISHED),
                required=True,
            ),
            _CODE,
            _LOC,
            _YEAR,
            _deaths("cvd", "cardiovascular disease"),
            _deaths("cancer", "cancer (neoplasm)"),
            _deaths("chronic_respiratory", "chronic respiratory disease"),
            _deaths("diabetes", "diabetes"),
            _deaths("ckd", "chronic kidney disease"),
            _deaths("diabetic_kidney", "chronic kidney disease due to diabetes (GHE 2021 only)"),
            _deaths("main4_sum", "cvd + cancer + chronic_respiratory + diabetes:"),
            _deaths("ncd_total", "all NCD (see ncd_total_basis):"),
            Col("main4_share_pct", n, "main4_sum / ncd_total", "%"),
            Col("ncd_total_basis", s, "what ncd_total counts"),
            Col("diabetes_definition", s, "whether diabetes includes kidney deaths caused by diabetes"),
        ),
        ("source", "location", "year"),
    ),
    "ncd_reference": Schema(
        "WHO's published figures the claims are checked against (cited)",
        (
            Col("key", s, "figure id", required=True),
            Col("value", n, "the published figure (its unit in unit)"),
            Col("unit", s, "unit of value"),
            Col("what", s, "what the figure counts"),
            *_CITE,
        ),
        ("key",),
    ),
    "ncd_locations": Schema(
        "locations in the tables and the sources that cover them",
        (
            _CODE,
            _LOC,
            Col("in_who_ghe", "boolean", "covered by WHO GHE 2019 (World Bank WDI)"),
            Col("in_gbd2017", "boolean", "covered by IHME GBD 2017"),
            Col("in_gbd2019", "boolean", "covered by IHME GBD 2019"),
        ),
        ("location", "location_code"),
    ),
    "ncd_ghe_deaths": Schema(
        "WHO GHE 2021: world deaths by broad group and year, with COVID-19 and other pandemic deaths",
        (
            _YEAR,
            _deaths("all_causes", "all causes,"),
            _deaths("ncd", "noncommunicable diseases,"),
            _deaths(
                "communicable_excl_covid19",
                "communicable, maternal, perinatal and nutritional (without COVID-19),",
            ),
            _deaths("covid19", "COVID-19,"),
            _deaths("pandemic_other", "other pandemic-related (excess) deaths,"),
            _deaths("injuries", "injuries,"),
            _deaths("non_pandemic", "all causes other than COVID-19 and pandemic-related,"),
            Col("ncd_share_all_pct", n, "NCD deaths as a share of all deaths", "%"),
            Col("ncd_share_non_pandemic_pct", n, "NCD deaths as a share of non-pandemic deaths", "%"),
        ),
        ("year",),
    ),
}
