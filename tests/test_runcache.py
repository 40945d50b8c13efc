"""Incremental builds: what invalidates a run, what a reused run gives, what is never exported."""

import shutil
from pathlib import Path

import pytest

from exo_industry import runcache
from exo_industry.errors import ExoError
from exo_industry.execute import check_parameters, notebook_stems, output_path
from helpers import ROOT, make_notebook

LANGS = ("zh", "en")


def all_keys(overrides: dict | None = None) -> dict:
    overrides = overrides or {}
    return {
        (stem, lang): runcache.run_key(stem, lang, check_parameters(stem, overrides.get(stem, {})))
        for stem in notebook_stems()
        for lang in LANGS
    }


def invalidated(before: dict, after: dict) -> set:
    return {k for k in before if runcache.changed(before[k], after[k])}


@pytest.fixture
def project(committed_processed, tmp_path, monkeypatch):
    """Committed processed data and a copy of the notebooks, both safe to change."""
    nbs = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", nbs)
    monkeypatch.setenv("EXO_NOTEBOOKS", str(nbs))
    return {"processed": committed_processed, "notebooks": nbs}


def test_nothing_changed_invalidates_nothing(project):
    assert invalidated(all_keys(), all_keys()) == set()


def test_notebook_source_invalidates_only_that_notebook(project):
    before = all_keys()
    nb = project["notebooks"] / "03_clinical_trials.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8").replace("import", "import  ", 1), encoding="utf-8")
    after = all_keys()
    assert invalidated(before, after) == {("03_clinical_trials", lang) for lang in LANGS}
    assert runcache.changed(before[("03_clinical_trials", "en")], after[("03_clinical_trials", "en")]) == (
        "notebook source changed"
    )


def test_outputs_in_the_source_notebook_do_not_count(project):
    import nbformat

    before = all_keys()
    path = project["notebooks"] / "02_ncd_burden.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", text="left over\n")]
    code.execution_count = 7
    nbformat.write(nb, str(path))
    assert invalidated(before, all_keys()) == set()


def test_a_parameter_invalidates_only_that_notebook(project):
    before = all_keys()
    after = all_keys({"01_aging_demographics": {"threshold": 65}})
    assert invalidated(before, after) == {("01_aging_demographics", lang) for lang in LANGS}
    assert "threshold" in runcache.changed(
        before[("01_aging_demographics", "zh")], after[("01_aging_demographics", "zh")]
    )


def test_language_is_part_of_the_key(project):
    keys = all_keys()
    assert runcache.changed(keys[("02_ncd_burden", "zh")], keys[("02_ncd_burden", "en")])


def test_a_processed_table_invalidates_only_its_readers(project):
    before = all_keys()
    with open(project["processed"] / "trials_by_area.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    after = all_keys()
    assert invalidated(before, after) == {("03_clinical_trials", lang) for lang in LANGS}
    why = runcache.changed(before[("03_clinical_trials", "zh")], after[("03_clinical_trials", "zh")])
    assert why == "table trials_by_area.csv changed"


def test_a_table_read_by_name_in_the_notebook_counts(project):
    """ncd_share.csv belongs to the ncd section; aging reads wpp_locations through its section."""
    reads = runcache.read_set("02_ncd_burden")
    assert "ncd_share.csv" in reads and "claims.csv" in reads
    assert "trials_by_area.csv" not in reads
    assert "wpp_locations.csv" in runcache.read_set("01_aging_demographics")


def test_claims_invalidate_every_run(project):
    before = all_keys()
    with open(project["processed"] / "claims.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert invalidated(before, all_keys()) == set(before)


def test_package_code_invalidates_every_run(project, monkeypatch):
    before = all_keys()
    monkeypatch.setattr(runcache, "package_hash", lambda: "0" * 64)
    after = all_keys()
    assert invalidated(before, after) == set(before)
    assert runcache.changed(
        before[("01_aging_demographics", "en")], after[("01_aging_demographics", "en")]
    ) == ("exo_industry's code or templates changed")


def test_package_hash_follows_source_files_not_bytecode(tmp_path):
    pkg = tmp_path / "pkg"
    shutil.copytree(Path(runcache.__file__).parent, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    first = runcache.package_hash.__wrapped__(pkg)
    (pkg / "__pycache__").mkdir(exist_ok=True)
    (pkg / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"junk")
    assert runcache.package_hash.__wrapped__(pkg) == first
    css = pkg / "templates" / "briefing.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* x */\n", encoding="utf-8")
    assert runcache.package_hash.__wrapped__(pkg) != first


def _fake_run(stem: str, lang: str, key: dict) -> Path:
    out = output_path(stem, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "notebooks" / f"{stem}.ipynb", out)
    runcache.write_mark(out, key, figures={})
    return out


def test_a_finished_run_is_reused_until_its_notebook_bytes_change(project):
    key = all_keys()[("05_patent_trends", "en")]
    out = _fake_run("05_patent_trends", "en", key)
    assert runcache.reuse_problem(out, key, None) == (None, False)
    out.write_text(out.read_text(encoding="utf-8") + " ", encoding="utf-8")
    why, _ = runcache.reuse_problem(out, key, None)
    assert why == "the executed notebook was changed or did not finish"
    runcache.clear_mark(out)
    assert runcache.reuse_problem(out, key, None)[0] == "no finished previous run"


def test_a_missing_figure_or_briefing_is_noticed(project):
    key = all_keys()[("05_patent_trends", "en")]
    out = _fake_run("05_patent_trends", "en", key)
    fig = Path(project["processed"]).parent / "figures" / "patents_x.en.png"
    fig.write_bytes(b"png")
    html = out.parent / "05_patent_trends.en.html"
    html.write_text("<html></html>", encoding="utf-8")
    runcache.write_mark(out, key, {"patents_x.en.png": runcache.file_sha256(fig)}, html)
    assert runcache.reuse_problem(out, key, html) == (None, False)
    html.write_text("<html>changed</html>", encoding="utf-8")
    assert runcache.reuse_problem(out, key, html) == (None, True)  # export again, no rerun
    fig.unlink()
    assert runcache.reuse_problem(out, key, html)[0] == "figure patents_x.en.png missing or changed"


def test_an_unfinished_run_is_not_exported(project, capsys):
    """A run stopped by Ctrl-C leaves an executed notebook without its completion mark."""
    from exo_industry import report
    from exo_industry.cli import main

    out = output_path("01_aging_demographics", "zh")
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "notebooks" / "01_aging_demographics.ipynb", out)  # no outputs, no mark
    with pytest.raises(ExoError, match="not the result of a finished run"):
        report.export_notebook(out)
    assert main(["report", "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert "skipped 01_aging_demographics.zh.ipynb: its run did not finish" in err
    assert not (report.briefings_dir() / "01_aging_demographics.zh.html").exists()


@pytest.mark.parametrize("value", ["-1", "0", "two"])
def test_jobs_must_be_positive(value, capsys):
    from exo_industry.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["run", "--jobs", value])
    assert exc.value.code == 2
    assert "--jobs: must be a whole number of at least 1" in capsys.readouterr().err


def test_run_many_rejects_jobs_below_one(iso_env):
    from exo_industry.errors import BadParameter
    from exo_industry.execute import run_many

    with pytest.raises(BadParameter, match="--jobs"):
        run_many([], ["en"], jobs=0)


@pytest.mark.notebook
def test_reused_run_gives_the_fresh_runs_briefing(iso_env, monkeypatch):
    """Fresh run -> briefing A; briefing deleted -> re-exported from the reused run, byte-identical;
    nothing changed -> reused without a kernel; --force -> the same bytes again."""
    from exo_industry.execute import run_many

    nbs = iso_env / "nbs"
    monkeypatch.setenv("EXO_NOTEBOOKS", str(nbs))
    make_notebook(nbs, "90_cache", 'print("value", 6 * 7)')
    (iso_env / "processed" / "claims.csv").write_text("claim_id\n", encoding="utf-8")

    first = run_many(["90_cache"], ["en"], export=True)[0]
    assert first.error is None and first.status == "ran" and first.reason == "no finished previous run"
    fresh = first.html.read_bytes()
    assert b"value 42" in fresh
    first.html.unlink()
    again = run_many(["90_cache"], ["en"], export=True)[0]
    assert again.status == "exported" and again.html.read_bytes() == fresh
    same = run_many(["90_cache"], ["en"], export=True)[0]
    assert same.status == "reused" and same.reason == "nothing it depends on changed"
    forced = run_many(["90_cache"], ["en"], export=True, force=True)[0]
    assert forced.status == "ran" and forced.reason == "--force"
    assert forced.html.read_bytes() == fresh


def test_kernel_drops_only_the_shutdown_interrupt_line():
    import logging

    from exo_industry.kernel import DropShutdownInterrupt

    f = DropShutdownInterrupt()

    def record(msg):
        return logging.LogRecord("IPKernelApp", logging.ERROR, __file__, 1, msg, None, None)

    assert not f.filter(record("KeyboardInterrupt caught in kernel."))
    assert f.filter(record("Exception in message handler:"))
    assert f.filter(record("KeyboardInterrupt"))


def test_registered_kernel_uses_the_quiet_launcher():
    from jupyter_client.kernelspec import KernelSpecManager

    from exo_industry.execute import ensure_kernel

    spec = KernelSpecManager().get_kernel_spec(ensure_kernel())
    assert spec.argv[1:3] == ["-m", "exo_industry.kernel"]


def test_each_planning_pass_reads_the_tables_anew(project):
    """A pass takes each table's checksum once for all its runs (plan_runs); the next pass in
    the same process sees a table changed since."""
    from exo_industry.execute import plan_runs

    def keys():
        plans = plan_runs(notebook_stems(), list(LANGS), {}, None, False, True)
        return {(p.stem, p.lang): p.key for p in plans}

    before = keys()
    with open(project["processed"] / "trials_by_area.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    after = keys()
    readers = {(s, lang) for s in notebook_stems() if s.startswith("03") for lang in LANGS}
    assert invalidated(before, after) == readers
    assert after == all_keys()  # the same keys as checksums taken one run at a time


@pytest.mark.parametrize("force", [False, True])
def test_planning_checks_the_values_of_every_run_it_will_execute(project, force):
    """Before any kernel starts: plan_runs checks a due run's values through its section
    (a reused run's were checked when it ran, and its key holds them: see plan_runs)."""
    from exo_industry.errors import BadParameter
    from exo_industry.execute import plan_runs

    with pytest.raises(BadParameter, match="unknown location 'Chna'"):
        plan_runs(["01_aging_demographics"], ["en"], {"country": "Chna"}, None, False, force)
    with pytest.raises(BadParameter, match="start_from"):
        plan_runs(["03_clinical_trials"], ["zh"], {"start_from": 2020, "start_to": 2010}, None, True, force)
