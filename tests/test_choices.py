"""Choice parameters match without regard to case; common country names resolve; near-match hints stay."""

import pandas as pd
import pytest

from exo_industry.choices import fold, pick
from exo_industry.errors import BadParameter
from exo_industry.locations import resolve
from exo_industry.sections.aging.params import validate_parameters as aging_params
from exo_industry.sections.literature.params import validate_parameters as literature_params
from exo_industry.sections.ncd.params import resolve_locations
from exo_industry.sections.ncd.params import validate_parameters as ncd_params
from exo_industry.sections.patents.params import validate_parameters as patents_params
from exo_industry.sections.trials.params import validate_parameters as trials_params
from helpers import ROOT

PROCESSED = ROOT / "data" / "processed"


@pytest.fixture(scope="module")
def wpp():
    return pd.read_csv(PROCESSED / "wpp_locations.csv")


@pytest.fixture(scope="module")
def ncd_known():
    return pd.read_csv(PROCESSED / "ncd_locations.csv", keep_default_na=False, na_values=[""])


def test_pick_and_fold():
    assert pick(" Medium ", ("medium", "low"), "variant") == "medium"
    assert fold("interventional", ("INTERVENTIONAL",)) == "INTERVENTIONAL"
    assert fold("nonsense", ("INTERVENTIONAL",)) == "nonsense"
    with pytest.raises(BadParameter, match="unknown variant 'medum'") as e:
        pick("medum", ("medium", "low"), "variant")
    assert "did you mean 'medium'" in e.value.hint


def test_aging_variant_any_case(wpp):
    assert aging_params(variant="HIGH", locations=wpp).variant == "high"
    with pytest.raises(BadParameter, match="projection variant 'hgh'"):
        aging_params(variant="hgh", locations=wpp)


def test_literature_choices_any_case():
    p = literature_params(source="OpenAlex", counting="First", china_scope="CN_HK_MO_TW")
    assert (p.source, p.counting, p.china_scope) == ("openalex", "first", "cn_hk_mo_tw")
    with pytest.raises(BadParameter, match="unknown China scope 'cn_hk'") as e:
        literature_params(china_scope="cn_hk")
    assert "cn_hk_mo" in e.value.hint


def test_ncd_cause_grouping_any_case(ncd_known):
    assert ncd_params(cause_grouping="GBD_Level2", known=ncd_known).cause_grouping == "gbd_level2"
    with pytest.raises(BadParameter, match="unknown cause grouping"):
        ncd_params(cause_grouping="main5", known=ncd_known)


def test_trials_study_types_any_case():
    p = trials_params(study_types=["interventional", "Observational"])
    assert p.study_types == ("INTERVENTIONAL", "OBSERVATIONAL")
    with pytest.raises(BadParameter, match="did you mean INTERVENTIONAL"):
        trials_params(study_types=["interventionl"])


def test_patents_rule_any_case():
    p = patents_params(unit="Application", country_by="PRIORITY", year_by="Publication")
    assert p.rule == {"unit": "application", "country_by": "priority", "year_by": "publication"}
    with pytest.raises(BadParameter, match="unknown counting unit 'famly'"):
        patents_params(unit="famly")


@pytest.mark.parametrize(
    "name, code",
    [
        ("Türkiye", 792),
        ("Turkey", 792),
        ("TURKIYE", 792),
        ("Korea", 410),
        ("South Korea", 410),
        ("North Korea", 408),
        ("Viet Nam", 704),
        ("Vietnam", 704),
        ("Iran", 364),
        ("Russia", 643),
        ("Bolivia", 68),
        ("Tanzania", 834),
        ("Côte d'Ivoire", 384),
        ("Czech Republic", 203),
    ],
)
def test_common_country_names_resolve(wpp, name, code):
    assert resolve(name, wpp).code == code


def test_unknown_country_keeps_the_near_match_hint(wpp):
    with pytest.raises(BadParameter, match="unknown location 'Turky'") as e:
        resolve("Turky", wpp)
    assert "turkey" in e.value.hint or "turkiye" in e.value.hint


@pytest.mark.parametrize(
    "name, iso3",
    [("Türkiye", "TUR"), ("Turkey", "TUR"), ("South Korea", "KOR"), ("Viet Nam", "VNM"), ("Iran", "IRN")],
)
def test_ncd_locations_resolve_common_names(ncd_known, name, iso3):
    assert resolve_locations([name], ncd_known)[0]["code"] == iso3


def test_ncd_unknown_location_keeps_hint(ncd_known):
    with pytest.raises(BadParameter, match="unknown location 'Chna'") as e:
        resolve_locations(["Chna"], ncd_known)
    assert "China" in e.value.hint
