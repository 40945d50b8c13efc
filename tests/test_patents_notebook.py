"""Notebook 05 under papermill: offline (mirror slice only) and with an imported series."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from exo_industry import pipeline
from exo_industry.errors import BadParameter
from exo_industry.execute import check_parameters, figures_dir, run_notebook, split_run_name
from exo_industry.sources import epo_ops, lens
from exo_industry.store import RawStore
from exo_industry.theme import tagged_name
from helpers import need_shared, outputs_text

pytestmark = pytest.mark.notebook
STEM = "05_patent_trends"


def _errors(path: Path) -> list:
    nb = json.loads(path.read_text())
    return [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]


@pytest.fixture
def mirror_processed(iso_env, shared):
    store = RawStore()
    epo_ops.import_files(store, epo_ops.mirror_files(shared))
    assert pipeline.process(["patents"], store, force=True)[0].status == "processed"
    return store


def test_notebook_offline_shows_slice_claim_and_live_command(mirror_processed, tmp_path):
    out = run_notebook(STEM, {}, output_dir=tmp_path / "nb", lang="zh")
    assert not _errors(out)
    text = outputs_text(out)
    assert "patents.rank" in text and "离线无法核验" in text  # the verdict, in Chinese
    assert "exo-industry fetch lens --mode records" in text and "LENS_API_TOKEN" in text
    assert "35240977" in text  # Ponce-Polo et al. 2022 shown
    assert "离线数据副本中没有按国家统计的外泌体专利序列" in text and "needs LENS" not in text
    assert "需联网使用 Lens 或 EPO OPS" in text  # the Chinese reason of the claim
    figures = Path(os.environ["EXO_FIGURES"])
    f = figures / "patents_mirror_offices.zh.svg"
    assert f.exists() and f.stat().st_size > 5000
    assert not (figures / "patents_country_years.zh.svg").exists()  # no series, no series chart
    first = {f.name: f.read_bytes() for f in figures.glob("patents_*")}
    run_notebook(STEM, {}, output_dir=tmp_path / "nb2", lang="zh")
    assert {f.name: f.read_bytes() for f in figures.glob("patents_*")} == first  # same data, same bytes


def test_notebook_with_imported_series_english(mirror_processed, tmp_path):
    store = mirror_processed
    export = need_shared("patents", "fixtures_lens_patent_csv_export_antontruly", "lens-export.csv")
    lens.import_files(store, [export])
    pipeline.process(["patents"], store, force=True)
    out = run_notebook(
        STEM,
        {
            "source": str(export),
            "country_by": "priority",
            "years": [2000, 2020],
            "countries": ["US", "CN", "GB", "KR", "JP", "RU"],
        },
        output_dir=tmp_path / "nb",
        lang="en",
    )
    assert not _errors(out)
    text = outputs_text(out)
    assert (
        "Year China&#x27;s count first passes each country" in text
        or "Year China's count first passes" in text
    )
    assert "RU" in text and "patents.rank" in text
    tag = split_run_name(out.stem)[1]  # a non-default run: its figures carry its key, under build/
    figures = figures_dir(tag)
    assert (figures / f"{tagged_name('patents_country_years.en', tag)}.svg").stat().st_size > 5000


def test_notebook_bad_parameters_rejected_before_kernel(mirror_processed):
    with pytest.raises(BadParameter, match="reversed"):
        check_parameters(STEM, {"years": [2023, 2010]})
    with pytest.raises(BadParameter, match="did you mean GB"):
        check_parameters(STEM, {"countries": ["US", "UK"]})
    with pytest.raises(BadParameter, match="counting unit"):
        check_parameters(STEM, {"unit": "patent"})
    with pytest.raises(BadParameter, match="no parameter"):
        check_parameters(STEM, {"colour": "red"})
