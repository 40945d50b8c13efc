"""Sections 2.1.3 and 2.2.1: the data dictionary of the tables it writes (see :mod:`exo_industry.schema`)."""

from __future__ import annotations

from ... import bibliometrics as bib
from ...schema import Col, Schema
from .rules import SOURCE_PREFERENCE

s, i, n = "string", "integer", "number"
_SOURCE = Col("source", s, "bibliographic source of the series", enum=SOURCE_PREFERENCE, required=True)
_ROUTE = Col("route", s, "how the raw data came: live (fetched), import (an export) or mirror")
_TOPIC = Col(
    "topic", s, "topic: all exosome papers, or those also matching a topic's terms", enum=tuple(bib.TOPICS)
)
_COUNTING = Col("counting", s, "author-country counting rule", enum=bib.COUNTING_RULES, required=True)
_SCOPE = Col("china_scope", s, "what counts as China (HK, MO, TW apart or merged)", enum=bib.CHINA_SCOPES)
_COUNTRY = Col("country", s, "ISO 3166-1 alpha-2 country code", required=True)
_YEAR = Col("year", i, "publication year", required=True)
_PAPERS = Col("papers", i, "papers in the year", "papers")
_SERIES = (_SOURCE, _ROUTE, _TOPIC, _COUNTING, _SCOPE, _COUNTRY, _YEAR, _PAPERS)
_SERIES_KEY = ("source", "topic", "counting", "china_scope", "country", "year")
_CITE = (Col("citation", s, "the publication cited"), Col("url", s, "its DOI or web address"))

SCHEMA = {
    "literature_country_year": Schema(
        "exosome papers per country and year, per source, counting rule and China scope", _SERIES, _SERIES_KEY
    ),
    "literature_topics": Schema("world series of exosome papers per topic and year", _SERIES, _SERIES_KEY),
    "literature_china_us": Schema(
        "China and the United States per year: papers, their ratio and who leads",
        (
            _SOURCE,
            _COUNTING,
            _SCOPE,
            _YEAR,
            Col("cn", i, "papers with China (per china_scope)", "papers"),
            Col("us", i, "papers with the United States", "papers"),
            Col("ratio", n, "cn / us (empty when us is 0)", "ratio"),
            Col("leader", s, "the country with more papers, or tie", enum=("CN", "US", "tie")),
        ),
        ("source", "counting", "china_scope", "year"),
    ),
    "literature_rank": Schema(
        "rank of each country by papers per year within its series",
        (_SOURCE, _COUNTING, _SCOPE, _COUNTRY, _YEAR, _PAPERS, Col("rank", i, "rank by papers (1 = most)")),
        ("source", "counting", "china_scope", "year", "country"),
    ),
    "literature_pubmed_context": Schema(
        "PubMed EV papers per year in three disease contexts (offline mirror)",
        (
            _YEAR,
            Col("context", s, "disease context of the query", required=True),
            _PAPERS,
            Col("query", s, "the PubMed query counted"),
        ),
        ("context", "year"),
    ),
    "literature_mirror_topics": Schema(
        "topic matches in the title and abstract of the mirror's PubMed records",
        (
            Col("dataset", s, "the mirror's record set", required=True),
            Col("topic", s, "topic whose terms were matched", enum=tuple(bib.TOPICS), required=True),
            Col("records", i, "records matching the topic", "records"),
            Col("of_records", i, "records in the dataset", "records"),
            Col("share", n, "records / of_records", "%"),
        ),
        ("dataset", "topic"),
    ),
    "literature_published": Schema(
        "published bibliometric figures on exosome papers, cited",
        (
            Col("n", i, "row number", required=True),
            Col("key", s, "figure id", required=True),
            Col("what", s, "what the figure counts"),
            Col("value", n, "the published figure (its unit in unit)"),
            Col("unit", s, "unit of value"),
            Col("period", s, "years covered"),
            Col("database", s, "bibliographic database searched"),
            Col("field", s, "research field searched"),
            *_CITE,
        ),
        ("n",),
    ),
    "literature_atlas_by_year": Schema(
        "EV articles per year by category (EV atlas, Chaudhari et al. 2026; database and query not stated)",
        (
            Col("year", i, "publication year", required=True),
            Col("category", s, "the review's article category", required=True),
            Col("articles", i, "articles", "articles"),
        ),
        ("category", "year"),
    ),
    "literature_atlas_cell_source": Schema(
        "EV papers by producing cell source (EV atlas): all and therapeutic",
        (
            Col("cell_source", s, "cell source the EVs come from", required=True),
            Col("total", i, "papers", "papers"),
            Col("therapeutic", i, "therapeutic papers", "papers"),
            Col("therapeutic_share", n, "share of all therapeutic papers", "%"),
        ),
        ("cell_source",),
    ),
    "literature_atlas_engineered": Schema(
        "engineered vs native EV entries in the EV atlas by category (the authors' selection)",
        (
            Col("group", s, "engineered or native EVs", enum=("engineered", "native"), required=True),
            Col("category", s, "the review's category", required=True),
            Col("rows", i, "entries", "entries"),
            Col("dois", i, "distinct DOIs among them", "papers"),
        ),
        ("group", "category"),
    ),
    "literature_atlas_loading": Schema(
        "drug-loading methods in the EV atlas's studies (the authors' selection)",
        (
            Col("method", s, "loading method", required=True),
            Col("studies", i, "studies", "studies"),
        ),
        ("method",),
    ),
}
