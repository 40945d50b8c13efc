"""The aging transform on small inputs, its verdict rules, and parameter checks."""

import pandas as pd
import pytest

from exo_industry.errors import BadParameter
from exo_industry.sections import aging
from exo_industry.sources.wpp import AGE_GROUPS


def tiny_population(shares: dict[int, float], variant="medium", code=156):
    """Population where the 60+ share in each year is ``shares[year]`` (per cent)."""
    rows = []
    for year, share in shares.items():
        for g in AGE_GROUPS:
            start = int(g.rstrip("+").split("-")[0])
            n_old, n_young = 9, 12
            value = (share / n_old) if start >= 60 else ((100 - share) / n_young)
            rows.append(
                {
                    "location_code": code,
                    "year": year,
                    "variant": variant,
                    "age_group": g,
                    "pop_male": value / 2,
                    "pop_female": value / 2,
                    "pop_total": value * 1000,
                }
            )
    return pd.DataFrame(rows)


def test_older_population_counts_and_shares():
    pop = tiny_population({2020: 18.0, 2025: 21.0})
    out = aging.older_population(pop)
    s60 = out[out.threshold == 60].set_index("year")["share"]
    assert s60.loc[2020] == pytest.approx(18.0) and s60.loc[2025] == pytest.approx(21.0)
    s65 = out[out.threshold == 65].set_index("year")["share"]
    assert (s65 < s60).all()


def test_peak_and_rising_verdict():
    pop = pd.concat(
        [tiny_population({2025: 21, 2050: 40, 2080: 54, 2100: 52}, v) for v in ("medium", "low", "high")]
        + [tiny_population({2020: 18}, "estimates")]
    )
    older = aging.older_population(pop)
    assert aging.peak(older, 156, 60, "medium") == (2080, pytest.approx(54))
    claims = {
        c.claim_id: c
        for c in aging.check_claims(
            older,
            pd.DataFrame(columns=["location_code", "year", "threshold", "older_pop", "total_pop", "share"]),
        )
    }
    assert claims["aging.rising"].verdict == "reproduced"


def test_early_peak_contradicts_rising():
    pop = pd.concat(
        [tiny_population({2025: 25, 2030: 24, 2050: 20}, v) for v in ("medium", "low", "high")]
        + [tiny_population({2020: 18}, "estimates")]
    )
    older = aging.older_population(pop)
    claims = {
        c.claim_id: c
        for c in aging.check_claims(
            older,
            pd.DataFrame(columns=["location_code", "year", "threshold", "older_pop", "total_pop", "share"]),
        )
    }
    assert claims["aging.rising"].verdict == "contradicted"


def locations():
    return pd.DataFrame({"location_code": [156, 392, 900], "name": ["China", "Japan", "World"]})


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(country="Chna"), "unknown location 'Chna'"),
        (dict(comparators=["Japan", "Atlantis"]), "unknown location 'Atlantis'"),
        (dict(threshold=70), "age threshold 70"),
        (dict(start_year=2050, end_year=2000), "reversed years"),
        (dict(end_year=2200), "outside WPP"),
        (dict(variant="constant"), "variant 'constant'"),
        (dict(lang="fr"), "unsupported language 'fr'"),
    ],
)
def test_bad_parameters_named(kw, message):
    params = dict(
        country="China",
        comparators=["Japan", "World"],
        threshold=60,
        start_year=1950,
        end_year=2100,
        variant="medium",
        lang="zh",
        locations=locations(),
    )
    params.update(kw)
    with pytest.raises(BadParameter, match=message):
        aging.validate_parameters(**params)


def test_near_matches_suggested():
    with pytest.raises(BadParameter) as err:
        aging.validate_parameters("Chna", [], 60, 1950, 2100, "medium", "en", locations=locations())
    assert "did you mean: china" in str(err.value)


def test_codes_and_aliases_resolve():
    loc, others = aging.validate_parameters(
        "CHN", ["JP", "392", "world"], 65, 1950, 2100, "low", "en", locations=locations()
    )
    assert loc.code == 156 and [o.code for o in others] == [392, 392, 900]
