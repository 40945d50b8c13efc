"""Notebook 04 executed with papermill on an isolated store: offline (mirror only) and with
imported exports (the hand-written samples in tests/data/literature, which follow the vendors'
published field definitions)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from exo_industry import pipeline
from exo_industry.errors import BadParameter
from exo_industry.execute import figures_dir, run_notebook, split_run_name
from exo_industry.sources import bibexport, ev_atlas, pubmed
from exo_industry.store import RawStore
from exo_industry.theme import tagged_name
from helpers import need_shared
from helpers import outputs_text as shown_text

DATA = Path(__file__).parent / "data" / "literature"
STEM = "04_literature_trends"


def outputs_text(path: Path) -> str:
    """The notebook's text outputs; fails on any error output."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    return shown_text(path)


@pytest.mark.notebook
def test_notebook_offline_mirror(iso_env):
    shared = need_shared("literature", "pubmed_ev_context_year_counts_MichaLie").parents[1]
    store = RawStore()
    pubmed.import_files(store, pubmed.mirror_files(shared))
    ev_atlas.import_files(store, ev_atlas.mirror_files(shared))
    [outcome] = pipeline.process(["literature"], store)
    assert outcome.status == "processed"
    for lang, verdict_word in (("en", "not checkable offline"), ("zh", "离线无法核验")):
        out = run_notebook(STEM, {"lang": lang}, output_dir=iso_env / "build")
        text = outputs_text(out)
        assert "lit.china_vs_us" in text and "lit.topics" in text
        assert verdict_word in text
        assert (
            "exo-industry fetch openalex" in text and "exo-industry fetch pubmed" in text
        )  # the live commands
        assert "10.18632/oncotarget.17223" in text and "https://doi.org/10.3389/fbioe.2022.910812" in text
        figs = Path(os.environ["EXO_FIGURES"])
        assert (figs / f"literature_pubmed_context.{lang}.svg").stat().st_size > 1000
        assert (figs / f"literature_records_topics.{lang}.svg").exists()
        assert not (figs / f"literature_china_us.{lang}.svg").exists()  # no country series offline
        for stem in ("atlas_years", "atlas_focus", "subfields"):  # lit.topics decided; like-for-like chart
            assert (figs / f"literature_{stem}.{lang}.svg").stat().st_size > 1000, stem
        assert not (figs / f"literature_published.{lang}.svg").exists()  # the unlike-shares chart is gone
        assert "https://doi.org/10.1097/MD.0000000000039498" in text  # sub-field studies, DOIs as links
        assert "`" not in text  # no raw Markdown backticks in what the reader sees


@pytest.mark.notebook
def test_notebook_with_imported_exports(iso_env):
    store = RawStore()
    bibexport.import_files(store, [DATA / "wos_savedrecs_sample.txt", DATA / "scopus_export_sample.csv"])
    pipeline.process(["literature"], store)
    out = run_notebook(
        STEM,
        {"lang": "en", "source": "import", "counting": "first", "start_year": 2019, "end_year": 2023},
        output_dir=iso_env / "build",
    )
    text = outputs_text(out)
    assert "Web of Science export; first-author country" in text
    assert "Rank of each country per year" in text
    tag = split_run_name(out.stem)[1]  # a non-default run: its figures carry its key, under build/
    assert (figures_dir(tag) / f"{tagged_name('literature_china_us.en', tag)}.svg").exists()


def test_notebook_rejects_bad_parameters(iso_env):
    with pytest.raises(BadParameter, match="unknown counting rule"):
        run_notebook(STEM, {"counting": "frist"}, output_dir=iso_env / "build")
    with pytest.raises(BadParameter, match="reversed years"):
        run_notebook(STEM, {"start_year": 2024, "end_year": 2000}, output_dir=iso_env / "build")
    with pytest.raises(BadParameter, match="no parameter 'colour'"):
        run_notebook(STEM, {"colour": "red"}, output_dir=iso_env / "build")


@pytest.mark.notebook
def test_notebook_before_processing(iso_env):
    """With no literature tables yet, the notebook says what to run and still shows the cited figures."""
    out = run_notebook(STEM, {"lang": "en"}, output_dir=iso_env / "build")
    text = outputs_text(out)
    assert (
        "processed tables are not there yet" in text and "exo-industry process --section literature" in text
    )
    assert "10.18632/oncotarget.17223" in text
