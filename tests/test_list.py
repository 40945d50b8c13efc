"""`exo-industry list`: every notebook with its parameters, defaults, accepted values and claims,
taken from the Parameters dataclasses that validate them."""

import dataclasses
import json

import pandas as pd
import pytest

from exo_industry.cli import main
from exo_industry.sections import all_sections
from helpers import ROOT

NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))


def _list(capsys, *extra):
    assert main(["list", *extra]) == 0
    return capsys.readouterr().out


def test_list_json_covers_every_notebook_and_parameter(capsys):
    books = json.loads(_list(capsys, "--json"))
    assert [b["notebook"] for b in books] == NOTEBOOKS and len(books) == 5
    for b, sec in zip(books, all_sections(), strict=True):
        fields = [f for f in dataclasses.fields(sec.Parameters) if f.init]
        assert [p["name"] for p in b["parameters"]] == [f.name for f in fields]
        defaults = sec.Parameters()
        for p in b["parameters"]:
            d = getattr(defaults, p["name"])
            assert p["default"] == (list(d) if isinstance(d, tuple) else d)
            assert p["accepts"], (b["notebook"], p["name"])
        assert b["claims"] == list(sec.CLAIM_IDS) and b["paper_sections"]


def test_list_text_names_notebooks_defaults_and_choices(capsys):
    out = _list(capsys)
    for stem in NOTEBOOKS:
        assert stem in out
    assert "-p variant \"medium\"" in out and "one of medium, low, high" in out
    assert "one of mainland, cn_hk_mo, cn_hk_mo_tw" in out
    assert "decides: patents.rank" in out


def test_run_help_points_to_list(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "exo-industry list" in capsys.readouterr().out


def _validators():
    wpp = pd.read_csv(ROOT / "data" / "processed" / "wpp_locations.csv")
    ncd = pd.read_csv(
        ROOT / "data" / "processed" / "ncd_locations.csv", keep_default_na=False, na_values=[""]
    )
    extra = {"aging": {"locations": wpp}, "ncd": {"known": ncd}}
    return [(sec, extra.get(sec.NAME, {})) for sec in all_sections()]


@pytest.mark.parametrize("sec, extra", _validators(), ids=lambda v: getattr(v, "NAME", ""))
def test_every_listed_choice_is_accepted_by_the_validator(sec, extra):
    for f in dataclasses.fields(sec.Parameters):
        for value in f.metadata.get("choices", ()):
            if isinstance(f.default, tuple):  # a list parameter: each value alone
                value = (value,)
            sec.validate_parameters(**{f.name: value}, **extra)
