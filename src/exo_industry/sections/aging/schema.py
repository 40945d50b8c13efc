"""Section 1.1: the data dictionary of the tables it writes (see :mod:`exo_industry.schema`)."""

from __future__ import annotations

from ...schema import Col, Schema
from .rules import THRESHOLDS, VARIANTS, WDI_CODES

_VARIANTS = ("estimates", *VARIANTS)  # WPP 2024: estimates up to 2023, then projection variants
_CODE = Col("location_code", "integer", "UN M49 location code", required=True)
_YEAR = Col("year", "integer", "year (population on 1 July)", required=True)
_THRESHOLD = Col(
    "threshold", "integer", "age threshold: people aged this or older", "years", THRESHOLDS, True
)
_OLDER = Col("older_pop", "number", "population aged threshold or older", "thousand persons")
_TOTAL = Col("total_pop", "number", "total population", "thousand persons")
_SHARE = Col("share", "number", "older_pop as a share of total_pop", "%")
_VARIANT = Col("variant", "string", "WPP 2024 estimates or projection variant", enum=_VARIANTS, required=True)
_POP = "population of the age group, by sex"

SCHEMA = {
    "wpp_locations": Schema(
        "UN WPP 2024 locations: countries, areas and regions",
        (
            _CODE,
            Col("name", "string", "UN location name"),
            Col("iso3", "string", "ISO 3166-1 alpha-3 code (empty for regions)"),
            Col("is_country", "boolean", "a country or area (not a region or income group)"),
        ),
        key=("location_code",),
    ),
    "wpp_population_by_age": Schema(
        "UN WPP 2024 population by 5-year age group, estimates 1950-2023 and projections to 2100",
        (
            _CODE,
            _YEAR,
            _VARIANT,
            Col("age_group", "string", "5-year age group, e.g. 60-64; 100+ is open-ended", required=True),
            Col("pop_male", "number", f"male {_POP}", "thousand persons"),
            Col("pop_female", "number", f"female {_POP}", "thousand persons"),
            Col("pop_total", "number", f"both sexes {_POP}", "thousand persons"),
        ),
        key=("location_code", "year", "variant", "age_group"),
    ),
    "aging_older": Schema(
        "people aged 60+ and 65+: counts and share of the population, per location, year and variant",
        (_CODE, _YEAR, _VARIANT, _THRESHOLD, _OLDER, _TOTAL, _SHARE),
        key=("location_code", "threshold", "variant", "year"),
    ),
    "aging_annual": Schema(
        "annual 60+ and 65+ population of China (WPP 2024 single years), for the end-of-year claims",
        (_CODE, _YEAR, _THRESHOLD, _OLDER, _TOTAL, _SHARE),
        key=("location_code", "threshold", "year"),
    ),
    "wdi_population": Schema(
        "World Bank WDI cross-check: population aged 65+ (% of total) and total population",
        (
            Col(
                "country_code", "string", "WDI country or aggregate code (ISO3 for countries)", required=True
            ),
            Col("country", "string", "WDI country or aggregate name"),
            Col("indicator", "string", "WDI indicator code", enum=WDI_CODES, required=True),
            Col("year", "integer", "year", required=True),
            Col(
                "value",
                "number",
                "indicator value: % of total for SP.POP.65UP.TO.ZS, persons for SP.POP.TOTL",
            ),
        ),
        key=("indicator", "country_code", "year"),
    ),
}
