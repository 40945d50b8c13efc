"""Literature tables: raw store -> tidy tables (all prefixed ``literature_``), and the views
the notebook draws.

- ``literature_country_year``: papers per source, topic, counting rule, China scope,
  country and year (empty offline: no series by country exists in the mirror);
- ``literature_china_us``: China, US, their ratio and who leads, per year and series;
- ``literature_rank``: each country's rank per year within its series (1 = most papers;
  ranks are among the countries fetched: CN, US and the next top countries);
- ``literature_topics``: topic series (all exosome papers, stem-cell, engineered, drug
  delivery) per source and year;
- ``literature_pubmed_context``: the mirror's PubMed EV counts by context and year, with
  the query of each context;
- ``literature_mirror_topics``: how many of the mirror's PubMed records match each topic
  query (same matching rule as the live topic queries);
- ``literature_published``: the cited published figures.
"""

from __future__ import annotations

from ... import bibliometrics as bib
from ..._lazy import pd
from ...errors import MissingData
from ...sources import bibexport, ev_atlas, openalex, pubmed
from ...store import RawStore
from .. import Result, Table
from . import rules
from .claims import build_claims
from .published import PUBLISHED
from .rules import SERIES_COLUMNS

TABLE_COLUMNS = {
    "literature_country_year": SERIES_COLUMNS,
    "literature_topics": SERIES_COLUMNS,
    "literature_china_us": ["source", "counting", "china_scope", "year", "cn", "us", "ratio", "leader"],
    "literature_rank": ["source", "counting", "china_scope", "country", "year", "papers", "rank"],
    "literature_pubmed_context": ["year", "context", "papers", "query"],
    "literature_mirror_topics": ["dataset", "topic", "records", "of_records", "share"],
    "literature_atlas_by_year": ["year", "category", "articles"],
    "literature_atlas_cell_source": ["cell_source", "total", "therapeutic", "therapeutic_share"],
    "literature_atlas_loading": ["method", "studies"],
    "literature_atlas_engineered": ["group", "category", "rows", "dois"],
    "literature_published": [
        "n",
        "key",
        "what",
        "value",
        "unit",
        "period",
        "database",
        "field",
        "citation",
        "url",
    ],
}
PROCESS_COMMAND = (
    "exo-industry import pubmed --mirror && exo-industry import ev_atlas --mirror && "
    "exo-industry process --section literature"
)
ATLAS_KINDS = {
    "by_year": "articles_by_year",
    "cell_source": "cell_source",
    "loading": "drug_loading",
    "engineered": "engineered_native",
}


# --------------------------------------------------------------------------- series from records
def records_series(records: pd.DataFrame, source: str, route: str) -> pd.DataFrame:
    """Country series of a record table under every counting rule and China scope."""
    frames = []
    if not len(records):
        return pd.DataFrame(columns=SERIES_COLUMNS)
    for rule in bib.COUNTING_RULES:
        for scope in bib.CHINA_SCOPES:
            c = bib.count_records(records, rule, scope)
            if not len(c):
                continue
            c.insert(0, "source", source)
            c.insert(1, "route", route)
            c.insert(2, "topic", "exosomes")
            c.insert(3, "counting", rule)
            c.insert(4, "china_scope", scope)
            frames.append(c[SERIES_COLUMNS])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SERIES_COLUMNS)


def records_topics(records: pd.DataFrame, source: str, route: str) -> pd.DataFrame:
    """World topic series from records with titles/abstracts (keyword match, as the live queries)."""
    rows = []
    r = records[records["year"].notna()]
    for topic in bib.TOPICS:
        hit = [bib.topic_matches(f"{t} {a}", topic) for t, a in zip(r["title"], r["abstract"], strict=True)]
        sub = r[pd.Series(hit, index=r.index, dtype=bool)]
        for year, n in sub.groupby(sub["year"].astype(int)).size().items():
            rows.append(
                {
                    "source": source,
                    "route": route,
                    "topic": topic,
                    "counting": "whole",
                    "china_scope": "mainland",
                    "country": openalex.WORLD,
                    "year": int(year),
                    "papers": int(n),
                }
            )
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    df = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else pd.DataFrame(columns=SERIES_COLUMNS)
    )
    if len(df):
        df["year"] = df["year"].astype(int)
        df["papers"] = df["papers"].astype(int)
    return df[SERIES_COLUMNS]


def gather(store: RawStore) -> tuple[pd.DataFrame, pd.DataFrame, list, dict]:
    """All country series and topic series the store can give, the inputs used, and the
    newest retrieval year per source."""
    series, topics, inputs, retrieved = [], [], [], {}

    def note(entries, label):
        for e in entries:
            y = int(e.provenance.retrieved_at[:4])
            retrieved[label] = max(retrieved.get(label, 0), y)
        inputs.extend(entries)

    oa = openalex.load_series(store)
    if len(oa):
        series.append(oa[oa["country"] != openalex.WORLD])
        topics.append(oa[oa["country"] == openalex.WORLD])
        note(store.find(openalex.NAME, "group_by_year"), "openalex")
    oa_rec = openalex.load_records(store)
    if len(oa_rec):
        series.append(records_series(oa_rec, "openalex_records", "live"))
        note(store.find(openalex.NAME, "works_page"), "openalex_records")
    pm, pm_used = pubmed.load_series(store)
    if len(pm):
        series.append(pm[pm["country"] != pubmed.WORLD])
        topics.append(pm[pm["country"] == pubmed.WORLD])
        note(pm_used, "pubmed")
    for label, loader in (
        ("pubmed_medline", lambda: pubmed.load_records(store, "medline")),
        ("wos", lambda: bibexport.load_records(store, "wos_tab")),
        ("scopus", lambda: bibexport.load_records(store, "scopus_csv")),
    ):
        recs, used = loader()
        if len(recs):
            series.append(records_series(recs, label, "import"))
            topics.append(records_topics(recs, label, "import"))
            note(used, label)
    return _concat(series), _concat(topics), inputs, retrieved


def _with_keys(frame: pd.DataFrame, src: str, rule: str, scope: str) -> pd.DataFrame:
    frame.insert(0, "source", src)
    frame.insert(1, "counting", rule)
    frame.insert(2, "china_scope", scope)
    return frame


def series_tables(series: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """China/US and rank tables for every (source, counting, scope) series that has them."""
    cu_frames, rank_frames = [], []
    keys = ["source", "counting", "china_scope"]
    if len(series):
        for (src, rule, scope), sub in series.groupby(keys, sort=True):
            rank_frames.append(_with_keys(rules.rank_by_year(sub), src, rule, scope))
            if {"CN", "US"} <= set(sub["country"]):
                cu_frames.append(_with_keys(rules.china_us(sub), src, rule, scope))
    cu = (
        pd.concat(cu_frames, ignore_index=True)
        if cu_frames
        else pd.DataFrame(columns=keys + ["year", "cn", "us", "ratio", "leader"])
    )
    rk = (
        pd.concat(rank_frames, ignore_index=True)
        if rank_frames
        else pd.DataFrame(columns=keys + ["country", "year", "papers", "rank"])
    )
    return cu, rk


# --------------------------------------------------------------------------- mirror and published
def mirror_topic_table(records: pd.DataFrame) -> pd.DataFrame:
    rows = []
    n = len(records)
    for topic in bib.TOPICS:
        hits = sum(
            bib.topic_matches(f"{t} {a}", topic)
            for t, a in zip(records["title"], records["abstract"], strict=True)
        )
        rows.append(
            {
                "dataset": rules.MIRROR_CNS_DATASET,
                "topic": topic,
                "records": int(hits),
                "of_records": n,
                "share": round(100 * hits / n, 1) if n else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def published_table() -> pd.DataFrame:
    """The cited figures, in the order of :data:`PUBLISHED` (values printed as published)."""
    return pd.DataFrame(
        [
            {
                "n": i,
                "key": r.key,
                "what": r.what,
                "value": f"{r.value:g}",
                "unit": r.unit,
                "period": period,
                "database": db,
                "field": field,
                "citation": r.citation,
                "url": r.url,
            }
            for i, (r, period, db, field) in enumerate(PUBLISHED, start=1)
        ]
    )


def _context(store: RawStore, inputs: list, notes: list) -> pd.DataFrame:
    try:
        context, ctx_used = pubmed.load_context_counts(store)
        queries, q_used = pubmed.load_context_queries(store)
        context = context.rename(columns={"count": "papers"}).merge(queries, on="context", how="left")
        context["query"] = context["query"].fillna("")
        inputs += ctx_used + q_used
    except Exception as exc:  # noqa: BLE001 - optional mirror data: any failure is a note
        context = pd.DataFrame(columns=["year", "context", "papers", "query"])
        notes.append(f"PubMed EV context counts not available: {exc}")
    return context


# --------------------------------------------------------------------------- EV atlas
def atlas_frames(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The EV atlas's parsed tables (``ev_atlas.parse``) -> the tidy frames the claim reads."""
    by_year = (
        raw["by_year"]
        .melt(
            id_vars="Year",
            value_vars=list(rules.ATLAS_CATEGORIES),
            var_name="category",
            value_name="articles",
        )
        .rename(columns={"Year": "year"})
    )
    cells = raw["cell_source"].rename(
        columns={"Cell_Source": "cell_source", "Total_Papers": "total", "Therapeutic_Papers": "therapeutic"}
    )[["cell_source", "total", "therapeutic"]]
    cells["therapeutic_share"] = (100 * cells["therapeutic"] / cells["therapeutic"].sum()).round(1)
    loading = raw["loading"].rename(columns={"Loading_Method": "method", "Number_of_Studies": "studies"})
    e = raw["engineered"].copy()
    e["group"] = ["native" if c == ev_atlas.NATIVE else "engineered" for c in e["category"]]
    e["has_doi"] = e["doi"].str.strip() != ""
    eng = e.groupby(["group", "category"], as_index=False).agg(
        rows=("value", "size"), dois=("has_doi", "sum")
    )
    ints = {"articles": by_year, "total": cells, "therapeutic": cells, "studies": loading}
    for col, frame in ints.items():
        frame[col] = frame[col].astype(int)
    return {
        "by_year": by_year.sort_values(["category", "year"]).reset_index(drop=True),
        "cell_source": cells.sort_values("therapeutic", ascending=False).reset_index(drop=True),
        "loading": loading[["method", "studies"]].sort_values(["studies", "method"], ascending=[False, True]),
        "engineered": eng.astype({"rows": int, "dois": int}),
    }


def atlas_tables(store: RawStore, inputs: list, notes: list) -> dict[str, pd.DataFrame] | None:
    """The EV atlas frames from the raw store (None, with a note, when a table is not imported)."""
    raw = {}
    try:
        for key, kind in ATLAS_KINDS.items():
            raw[key], used = ev_atlas.load(store, kind)
            inputs += used
    except MissingData as exc:
        notes.append(f"EV atlas not available: {exc}")
        return None
    return atlas_frames(raw)


# --------------------------------------------------------------------------- process
def process(store: RawStore) -> Result:
    series, topics, inputs, retrieved = gather(store)
    cu, ranks = series_tables(series)
    notes: list[str] = []
    context = _context(store, inputs, notes)
    cns, cns_used = pubmed.load_records(store, "cns_records")
    inputs += cns_used
    mirror_topics = (
        mirror_topic_table(cns)
        if len(cns)
        else pd.DataFrame(columns=TABLE_COLUMNS["literature_mirror_topics"])
    )
    atlas = atlas_tables(store, inputs, notes)
    if not len(series):
        notes.append("no yearly series of exosome papers by country: run the live route or import an export")
    tables = {
        "literature_country_year": Table(
            series,
            ["source", "topic", "counting", "china_scope", "country", "year"],
            0,
        ),
        "literature_china_us": Table(cu, ["source", "counting", "china_scope", "year"], 3),
        "literature_rank": Table(
            ranks,
            ["source", "counting", "china_scope", "year", "rank", "country"],
            0,
        ),
        "literature_topics": Table(topics, ["source", "topic", "year"], 0),
        "literature_pubmed_context": Table(
            context[["year", "context", "papers", "query"]],
            ["context", "year"],
            0,
        ),
        "literature_mirror_topics": Table(
            mirror_topics, ["dataset", "topic"], 1, "topic matches in the mirror's PubMed records"
        ),
        "literature_published": Table(published_table(), ["n"], 2, "published bibliometric figures, cited"),
        **_atlas_table_specs(atlas),
    }
    claims = build_claims(series, topics, retrieved, context if len(context) else None, atlas)
    return Result(tables=tables, claims=claims, inputs=inputs, notes=notes)


def _atlas_table_specs(atlas: dict | None) -> dict[str, Table]:
    specs = {
        "by_year": (["category", "year"], 0, "EV articles per year and category (EV atlas, Fig 1a)"),
        "cell_source": (
            ["cell_source"],
            1,
            "EV papers by cell source, total and therapeutic (EV atlas, Fig 1b)",
        ),
        "loading": (["method"], 0, "drug-loading studies per method (EV atlas, Fig 3a; curated)"),
        "engineered": (["group", "category"], 0, "engineered vs native EV rows (EV atlas, Fig 5d; curated)"),
    }
    out = {}
    for key, (sort_by, decimals, desc) in specs.items():
        name = f"literature_atlas_{key}"
        frame = atlas[key] if atlas else pd.DataFrame(columns=TABLE_COLUMNS[name])
        out[name] = Table(frame[TABLE_COLUMNS[name]], sort_by, decimals, desc)
    return out


# --------------------------------------------------------------------------- notebook views
def load_tables() -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The section's processed tables for the notebook, and the names of those not yet
    processed (given as empty tables; the cited figures come from this package)."""
    from ...processed import read_table

    tables, missing = {}, []
    for name, cols in TABLE_COLUMNS.items():
        try:
            tables[name] = read_table(name)
        except MissingData:
            missing.append(name)
            tables[name] = published_table() if name == "literature_published" else pd.DataFrame(columns=cols)
    return tables, missing


def notebook_view(series: pd.DataFrame, params) -> dict | None:
    """What the notebook shows for its parameters: the picked series limited to the chosen
    countries plus the next ``top`` countries, the years asked for, the China/US table,
    the ranks and the crossover year. None when no series has both China and the US."""
    picked = rules.pick_series(series, params.source, params.counting, params.china_scope)
    if picked is None:
        return None
    src, rule, scope, counts = picked
    counts = counts[(counts["year"] >= params.start_year) & (counts["year"] <= params.end_year)]
    if not len(counts) or not {"CN", "US"} <= set(counts["country"]):
        return None
    ranks = rules.rank_by_year(counts)  # ranks among every country in the series
    chosen = list(params.countries)
    for c in rules.top_countries(counts, len(counts["country"].unique())):
        if len(chosen) >= len(params.countries) + params.top:
            break
        if c not in chosen:
            chosen.append(c)
    shown = counts[counts["country"].isin(chosen)]
    return {
        "source": src,
        "counting": rule,
        "china_scope": scope,
        "counts": shown.reset_index(drop=True),
        "countries": [c for c in chosen if c in set(counts["country"])],
        "china_us": rules.china_us(counts),
        "ranks": ranks[ranks["country"].isin(chosen)].reset_index(drop=True),
        "first_year_ahead": rules.first_year_ahead(counts),
    }


def topic_view(topics: pd.DataFrame, params) -> tuple[str, pd.DataFrame] | None:
    """The topic series the notebook draws: the years asked for, from the chosen source
    (the preferred one for ``auto`` and ``import``); None when there is none."""
    t = topics[(topics["year"] >= params.start_year) & (topics["year"] <= params.end_year)]
    if params.source not in ("auto", "import"):
        t = t[t["source"] == params.source]
    if t.empty:
        return None
    src = next(s for s in rules.SOURCE_PREFERENCE if s in set(t["source"]))
    return src, t[t["source"] == src]


def mirror_topics_view(mt: pd.DataFrame) -> pd.DataFrame:
    """The mirror's topic matches in drawing order (bottom to top), topics without a share left out."""
    if mt.empty:
        return mt
    return mt.set_index("topic").reindex(list(bib.TOPICS)[::-1]).dropna(subset=["share"]).reset_index()
