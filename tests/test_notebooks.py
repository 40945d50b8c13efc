"""Every notebook runs with its defaults under papermill (as CI and `make all` run them), and
the execution machinery names failing and stuck cells."""

import json
import os
from pathlib import Path

import nbformat
import pytest

from exo_industry.errors import BadParameter
from exo_industry.execute import NotebookFailed, check_parameters, notebook_stems, run_notebook
from helpers import make_notebook, outputs_text

pytestmark = pytest.mark.notebook


def test_every_notebook_ran_in_both_languages(built):
    done = {(r.stem, r.lang) for r in built["results"] if r.error is None}
    assert done == {(s, lang) for s in notebook_stems() for lang in ("zh", "en")}


def test_aging_notebook_outputs(built):
    zh = next(r.path for r in built["results"] if r.stem == "01_aging_demographics" and r.lang == "zh")
    text = outputs_text(zh)
    for claim in ("aging.share60", "aging.count60", "aging.rising"):
        assert claim in text
    assert "有保留地复现" in text or "已复现" in text  # verdict words in Chinese
    nb = json.loads(zh.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "exo-industry"
    assert not any(o.get("output_type") == "error" for c in nb["cells"] for o in c.get("outputs", []))
    figures = Path(built["env"]["EXO_FIGURES"])
    for lang in ("zh", "en"):
        for kind in ("trend", "comparators", "annual"):
            f = figures / f"aging_{kind}_CHN_60.{lang}.svg"
            assert f.exists() and f.stat().st_size > 5000, f
            assert not f.with_suffix(".png").exists()  # one drawing per figure: the SVG


def test_figures_are_reproducible_byte_for_byte(built):
    """The committed figures equal the ones this run drew from the committed data."""
    root = Path(__file__).resolve().parents[1] / "figures"
    fresh = Path(built["env"]["EXO_FIGURES"])
    committed = sorted(p for p in root.iterdir() if p.suffix in (".png", ".svg"))
    assert all(p.suffix == ".svg" for p in committed), "figures/ holds SVG only"
    assert committed
    made = sorted(p.name for p in fresh.iterdir())
    assert [p.name for p in committed] == made, (
        "figures/ holds stale or missing figures: run `make all` and commit"
    )
    for f in committed:
        assert (fresh / f.name).read_bytes() == f.read_bytes(), f"{f.name} differs from a fresh run"


def test_no_missing_glyph_warnings(built):
    for r in built["results"]:
        text = outputs_text(r.path)
        assert "missing from font" not in text and "Glyph" not in text, r.path
        assert "findfont" not in text, r.path


def test_parameters_change_the_run(iso_env, committed_processed):
    out = run_notebook(
        "01_aging_demographics", {"country": "JPN", "threshold": 65, "comparators": ["World"]}, lang="en"
    )
    # a non-default run: its figures carry the parameter key and go under build/, never figures/
    tag = out.name.split(".")[1]
    assert out.name == f"01_aging_demographics.{tag}.en.ipynb" and tag.startswith("p")
    assert (Path(os.environ["EXO_BUILD"]) / "figures" / f"aging_trend_JPN_65.{tag}.en.svg").exists()
    assert not list(Path(os.environ["EXO_FIGURES"]).glob("aging_*"))
    assert "Annual data cover China" in outputs_text(out)  # no annual series for Japan: said plainly


def test_bad_parameter_rejected_before_a_kernel_starts(iso_env, committed_processed):
    with pytest.raises(BadParameter, match="age threshold 70"):
        check_parameters("01_aging_demographics", {"threshold": 70})
    with pytest.raises(BadParameter, match="no parameter 'colour'"):
        check_parameters("01_aging_demographics", {"colour": "red"})


def test_bad_parameter_fails_in_the_first_cells(iso_env, committed_processed):
    """Run papermill directly (bypassing the pre-check) to show the notebook itself refuses it."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from exo_industry.config import KERNEL_NAME, paths
    from exo_industry.execute import ensure_kernel

    ensure_kernel()
    src = paths().notebooks / "01_aging_demographics.ipynb"
    with pytest.raises(PapermillExecutionError) as err:
        papermill.execute_notebook(
            str(src),
            str(iso_env / "out.ipynb"),
            parameters={"country": "Atlantis"},
            kernel_name=KERNEL_NAME,
            cwd=str(src.parent),
            progress_bar=False,
        )
    assert "unknown location 'Atlantis'" in str(err.value)
    assert err.value.exec_count <= 3


def test_stuck_cell_is_named(iso_env, monkeypatch):
    nbdir = iso_env / "nbs"
    path = make_notebook(nbdir, "99_sleepy", "import time\ntime.sleep(60)")
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print('never reached')"))
    nbformat.write(nb, str(path))
    monkeypatch.setenv("EXO_NOTEBOOKS", str(nbdir))
    with pytest.raises(NotebookFailed) as err:
        run_notebook("99_sleepy", cell_timeout=3)
    msg = str(err.value)
    assert "timed out" in msg and "import time" in msg and "3 s" in msg
    # named from the executed copy, which is written when a run ends, also by a timeout
    assert "timed out in cell 1 ('import time')" in msg, msg


def test_failing_cell_is_named(iso_env, monkeypatch):
    nbdir = iso_env / "nbs"
    make_notebook(nbdir, "98_broken", "raise ValueError('bad data in row 7')")
    monkeypatch.setenv("EXO_NOTEBOOKS", str(nbdir))
    with pytest.raises(NotebookFailed, match="ValueError: bad data in row 7"):
        run_notebook("98_broken")


def test_unknown_notebook(iso_env):
    with pytest.raises(BadParameter, match="unknown notebook 'nope'"):
        run_notebook("nope")


def test_kernel_that_dies_at_start_is_started_again(iso_env, monkeypatch):
    """Parallel runs can hand two kernels the same free port; the one that dies is restarted."""
    from exo_industry import execute

    nbdir = iso_env / "nbs"
    make_notebook(nbdir, "94_plain", "x = 1")
    monkeypatch.setenv("EXO_NOTEBOOKS", str(nbdir))
    real, calls = execute._execute, []

    def flaky(*args):
        calls.append(1)
        if len(calls) == 1:
            raise execute.KernelStartFailed("Kernel died before replying to kernel_info")
        return real(*args)

    monkeypatch.setattr(execute, "_execute", flaky)
    assert run_notebook("94_plain").exists() and len(calls) == 2

    monkeypatch.setattr(
        execute, "_execute", lambda *a: (_ for _ in ()).throw(execute.KernelStartFailed("Kernel died"))
    )
    with pytest.raises(NotebookFailed, match="did not start .* after 3 attempts"):
        run_notebook("94_plain")
