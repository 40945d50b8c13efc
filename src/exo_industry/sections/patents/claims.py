"""Section 2.2.2: decide the claim ``patents.rank`` (tables in, :class:`Evidence` out), then
turn the evidence into a ledger row with the words from :mod:`.text`.

Verdict rule (thresholds in :mod:`.rules`):

- evidence is a *country series*: documents from a topic query of a whole patent database
  (Lens live pages or aggregations, a Lens export, EPO OPS live pages). The mirror's EPO
  list is a CNS-only slice of 60 publications and never counts as a country series;
- with a series, counted under the default rule over the chosen years, among the paper's
  five countries: the order holds if China's cumulative count passes each of GB, KR and JP
  (by more than ``MIN_LEAD``) and only the US passes China. ``reproduced`` if the order
  holds, the series is complete and the order holds in the last year's counts too;
  ``reproduced with caveat`` if the order holds but the series is incomplete (OPS range
  cap) or the last year's counts alone do not show it; ``contradicted`` otherwise (China
  below one of GB, KR, JP, or not below the US: first, not second);
- without a series: ``not checkable offline``. The note then sets out what the mirror's
  slice shows and the published figures (Ponce-Polo et al. 2022 found Asia, China in
  particular, leading patent publications on stem-cell EVs; the paper's own source, its
  reference [18], is not available offline).
"""

from __future__ import annotations

from ..._lazy import pd
from ...claims import Claim, Evidence, make_claim
from . import text
from .params import check_years
from .rules import (
    CLAIM_ID,
    DEFAULT_YEARS,
    LEADER,
    MIN_LEAD,
    NOTEBOOK,
    PAPER_ORDER,
    PASSED,
    SECOND_TO,
    SECTION,
    TOP_IN_MIRROR_NOTE,
    leads,
)
from .tables import crossings, cumulative_ranking, standing, yearly_counts


def rank_offline(
    mirror: pd.DataFrame | None, years=DEFAULT_YEARS, mirror_publications: int | None = None
) -> Evidence:
    """No country series: what the mirror's slice shows (its top applicant countries)."""
    start, end = check_years(years)
    top: tuple = ()
    if mirror is not None and len(mirror):
        by = mirror.groupby("country")["count"].sum().sort_values(ascending=False)
        top = tuple((str(c), int(n)) for c, n in by.head(TOP_IN_MIRROR_NOTE).items())
    return Evidence(
        CLAIM_ID,
        "not checkable offline",
        {
            "series": None,
            "start": start,
            "end": end,
            "mirror_top": top,
            "mirror_publications": mirror_publications,
        },
    )


def pick_series(series: dict[str, tuple]) -> tuple[str, tuple] | None:
    """The series the claim rests on: a complete one before an incomplete one, then the largest."""
    usable = {k: v for k, v in series.items() if len(v[0])}
    if not usable:
        return None
    return sorted(usable.items(), key=lambda kv: (not kv[1][1], -int(kv[1][0]["count"].sum()), kv[0]))[0]


def rank_on_series(
    name: str, counts: pd.DataFrame, complete: bool, basis: str, years=DEFAULT_YEARS
) -> Evidence:
    """The paper's order (CN second after the US, ahead of GB, KR, JP) on one country series."""
    start, end = check_years(years)
    ranked = cumulative_ranking(yearly_counts(counts, PAPER_ORDER, (start, end)))
    st = standing(ranked, LEADER, SECOND_TO)
    last = ranked[ranked["year"] == end].set_index("country")
    cum, n = last["cumulative"], last["count"]
    below = tuple(c for c in PASSED if not leads(cum[LEADER], cum[c]))
    above = [c for c in cum.index if leads(cum[c], cum[LEADER])]
    order_holds = not below and above == [SECOND_TO]
    annual_ok = all(leads(n[LEADER], n[c]) for c in PASSED) and leads(n[SECOND_TO], n[LEADER])
    if order_holds:
        verdict = "reproduced" if (complete and annual_ok) else "reproduced with caveat"
    else:
        verdict = "contradicted"
    cross = crossings(ranked, LEADER, PASSED)
    values = {
        "series": name,
        "basis": basis,
        "complete": bool(complete),
        "start": start,
        "end": end,
        # cumulative counts in the last year, largest first (the order the note prints)
        "order": tuple((str(c), int(cum[c])) for c in cum.sort_values(ascending=False).index),
        "below": below,
        "second_to_above": SECOND_TO in above,
        "order_holds": order_holds,
        "annual_ok": annual_ok,
        # (other, ahead in the first year, first year ahead or None) on cumulative counts
        "crossings": tuple(
            (r.other, bool(r.ahead_from_start), None if pd.isna(r.year) else int(r.year))
            for r in cross[cross["basis"] == "cumulative"].itertuples()
        ),
        **st,
    }
    return Evidence(CLAIM_ID, verdict, values, {"min_lead": MIN_LEAD})


def rank(
    series: dict[str, tuple],
    mirror: pd.DataFrame | None = None,
    years=DEFAULT_YEARS,
    mirror_publications: int | None = None,
) -> Evidence:
    """The ``patents.rank`` decision. ``series`` maps a series name to (counts, complete, country basis)."""
    picked = pick_series(series)
    if picked is None:
        return rank_offline(mirror, years, mirror_publications)
    name, (counts, complete, basis) = picked
    return rank_on_series(name, counts, complete, basis, years)


def to_claim(ev: Evidence) -> Claim:
    en, zh = text.rank_words(ev, "en"), text.rank_words(ev, "zh")
    return make_claim(ev, section=SECTION, notebook=NOTEBOOK, source=text.source(ev), en=en, zh=zh)


def check_rank(
    series: dict[str, tuple],
    mirror: pd.DataFrame | None,
    years=DEFAULT_YEARS,
    mirror_publications: int | None = None,
) -> Claim:
    """The ``patents.rank`` ledger row: decide, then render."""
    return to_claim(rank(series, mirror, years, mirror_publications))
