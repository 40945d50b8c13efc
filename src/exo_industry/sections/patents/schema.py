"""Section 2.2.2: the data dictionary of the tables it writes (see :mod:`exo_industry.schema`)."""

from __future__ import annotations

from ...schema import Col, Schema
from .rules import COUNTRY_BASES, YEAR_BASES

s, i, n, b = "string", "integer", "number", "boolean"
_SERIES = Col("series", s, "the series: source, route and file(s) it was counted from", required=True)
_DATASET = Col("dataset", s, "the stored patent file", required=True)
_COUNTRY = Col(
    "country", s, "ISO 3166-1 alpha-2 code (or office code such as EP, WO), or unknown", required=True
)
_YEAR = Col("year", i, "year (priority year unless the series says otherwise)", required=True)
_OFFICE = Col("pub_office", s, "publishing office (ISO 3166-1 alpha-2, EP or WO)", required=True)
_SCOPE = Col(
    "scope", s, "series: a country series; slice: a topical subset, never ranked", enum=("series", "slice")
)
_DATE = "date, YYYY-MM-DD"
_CITE = (Col("citation", s, "the publication cited"), Col("url", s, "its web address"))

SCHEMA = {
    "patents_documents": Schema(
        "patent documents from every stored source, one row per publication",
        (
            _SERIES,
            _DATASET,
            Col("doc_id", s, "publication number with kind code", required=True),
            _OFFICE,
            Col("kind", s, "publication kind code (A1, B1, ...)"),
            Col("pub_date", s, f"publication {_DATE}"),
            Col("app_id", s, "application number"),
            Col("app_date", s, f"application {_DATE}"),
            Col("priority_date", s, f"earliest priority {_DATE}"),
            Col("priority_office", s, "office of the earliest priority filing"),
            Col("family_id", s, "simple family id (approx:... where grouped by priority date and countries)"),
            Col("family_basis", s, "where family_id comes from"),
            Col("applicant_countries", s, "applicants' country codes, ;-separated"),
            Col("applicants", s, "applicant names, ;-separated"),
            Col("title", s, "title"),
        ),
        ("series", "dataset", "doc_id"),
    ),
    "patents_datasets": Schema(
        "stored patent files: source, route, and whether each is a country series or a topical slice",
        (
            _DATASET,
            Col("source", s, "the source module that stored it"),
            Col("kind", s, "file kind as detected on import"),
            Col("route", s, "live (fetched), import (an export) or mirror"),
            Col("original_name", s, "the file's name as given"),
            _SCOPE,
            Col("complete", b, "the file holds the whole answer to its query"),
            Col("notes", s, "what the file is"),
            _SERIES,
        ),
        ("dataset",),
    ),
    "patents_counts": Schema(
        "patent families per country and priority year under the default rule (applicant country; "
        "first-filing office where a file gives no applicant countries)",
        (
            _SERIES,
            _SCOPE,
            Col("country_by", s, "what the country is", enum=COUNTRY_BASES),
            _COUNTRY,
            _YEAR,
            Col("count", i, "patent families", "families"),
        ),
        ("series", "country", "year"),
    ),
    "patents_ranking": Schema(
        "yearly and cumulative family counts and ranks of the paper's five countries, per series",
        (
            _COUNTRY,
            _YEAR,
            Col("count", i, "families in the year", "families"),
            Col("cumulative", i, "families from the first year of the window to this year", "families"),
            Col("rank_year", i, "rank by count among the five (1 = most)"),
            Col("rank_cumulative", i, "rank by cumulative among the five (1 = most)"),
            _SERIES,
            Col("complete", b, "the series holds the whole answer to its query"),
        ),
        ("series", "year", "country"),
    ),
    "patents_mirror_offices": Schema(
        "the offline mirror's topical slice: publications by office and year",
        (
            _OFFICE,
            Col("year", i, "publication year", required=True),
            Col("publications", i, "publications in the year", "documents"),
        ),
        ("pub_office", "year"),
    ),
    "patents_references": Schema(
        "published patent figures (cited)",
        (
            Col("key", s, "figure id", required=True),
            Col("value", n, "the published figure (empty: none available offline)"),
            Col("unit", s, "unit of value"),
            Col("what", s, "what the figure counts"),
            *_CITE,
        ),
        ("key",),
    ),
    "patents_input_defects": Schema(
        "defective records found on import (skipped)",
        (
            Col("source", s, "source module", required=True),
            Col("file", s, "stored file", required=True),
            Col("line", i, "line or record number", required=True),
            Col("problem", s, "what is wrong"),
        ),
        ("source", "file", "line"),
    ),
    "patents_lens_aggregates": Schema(
        "Lens aggregations: documents and families per country and year",
        (
            _COUNTRY,
            _YEAR,
            Col("documents", i, "patent documents", "documents"),
            Col("families", i, "simple families (approximate for large counts)", "families"),
            _DATASET,
            Col("country_by", s, "what the country is", enum=COUNTRY_BASES),
            Col("year_by", s, "what the year is", enum=YEAR_BASES),
        ),
        ("dataset", "country", "year"),
    ),
}
