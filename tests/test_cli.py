"""The command line: clear errors for bad input, and the main commands on small data."""

import re
import subprocess
import sys

import pytest

from exo_industry.cli import main
from helpers import need_shared


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_sources_on_empty_store(iso_env, capsys):
    code, out, _ = run(capsys, "sources")
    assert code == 0 and "is empty" in out


def test_import_wrong_file(iso_env, tmp_path, capsys):
    bad = tmp_path / "savedrecs.txt"
    bad.write_text("PT J\nAU Smith\n")
    code, _, err = run(capsys, "import", "wpp", str(bad))
    assert code == 2 and "savedrecs.txt is not a WPP file" in err


def test_import_missing_file(iso_env, tmp_path, capsys):
    code, _, err = run(capsys, "import", "worldbank", str(tmp_path / "nope.csv"))
    assert code == 2 and "no such file" in err and "nope.csv" in err


def test_unknown_source(iso_env, capsys):
    code, _, err = run(capsys, "import", "gallup", "x.csv")
    assert code == 2 and "unknown source 'gallup'" in err


def test_import_mirror_then_sources_then_process(iso_env, capsys):
    need_shared("demography")
    assert run(capsys, "import", "wpp", "--mirror")[0] == 0
    code, out, _ = run(capsys, "sources", "wpp", "--verify")
    assert (
        code == 0
        and "match their recorded sha256" in out
        and "popAge5dt.csv" in out
        and "CC BY 3.0 IGO" in out
    )
    code, out, _ = run(capsys, "process", "--section", "aging")
    assert code == 0 and "aging" in out and "processed" in out
    code, out, _ = run(capsys, "process", "--section", "aging")
    assert "up to date" in out


def test_run_rejects_bad_parameter_without_starting_a_kernel(iso_env, capsys):
    code, _, err = run(capsys, "run", "01", "-p", "threshold", "70")
    assert code == 2 and "age threshold 70" in err


def test_run_rejects_reversed_years(iso_env, capsys):
    code, _, err = run(capsys, "run", "01_aging", "-p", "start_year", "2050", "-p", "end_year", "2000")
    assert code == 2 and "reversed years" in err


def test_run_unknown_notebook(iso_env, capsys):
    code, _, err = run(capsys, "run", "07_space")
    assert code == 2 and "unknown notebook" in err


def test_fetch_reversed_years_before_network(iso_env, capsys):
    code, _, err = run(
        capsys, "fetch", "worldbank", "--start", "2024", "--end", "1960", "--base-url", "http://127.0.0.1:9"
    )
    assert code == 2 and "reversed years" in err


def test_fetch_http_failure_is_reported(iso_env, capsys):
    # nothing listens on port 9 of the loopback address: connection refused, reported clearly
    code, _, err = run(
        capsys,
        "fetch",
        "worldbank",
        "--indicator",
        "SP.POP.TOTL",
        "--country",
        "CHN",
        "--base-url",
        "http://127.0.0.1:9",
    )
    assert code == 2 and "World Bank API" in err


def test_report_without_runs(iso_env, capsys):
    code, _, err = run(capsys, "report")
    assert code == 2 and "no executed notebooks" in err


def test_console_script_and_module_entry_points():
    out = subprocess.run([sys.executable, "-m", "exo_industry", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "exo_industry" in out.stdout


@pytest.mark.notebook
def test_build_on_committed_data(committed_processed, capsys):
    """`exo-industry build` (what `make all` runs): nothing to process offline, every notebook
    executed, every briefing and the overview exported."""
    import os
    from pathlib import Path

    from exo_industry.execute import notebook_stems

    code, out, err = run(capsys, "build", "--lang", "en")
    assert code == 0, out + err
    assert "processing: nothing to do" in out
    html = Path(os.environ["EXO_BUILD"]) / "briefings"
    assert sorted(p.name for p in html.glob("*.html")) == sorted(
        [f"{s}.en.html" for s in notebook_stems()] + ["00_overview.en.html", "index.html"]
    )
    assert "timings:" in out
    assert not list(html.glob("*.json"))  # run keys live with the executed notebooks, not here
    assert (Path(os.environ["EXO_BUILD"]) / "notebooks" / "00_overview.en.key.json").is_file()
    code, out, err = run(capsys, "build", "--lang", "en")
    assert code == 0 and "00_overview.en.html reused" in out, out + err
    # ... and a build with nothing to redo, in a process of its own, never imports pandas
    # (nor numpy): its checksums, keys, marks and index need neither (_lazy.py)
    probe = (
        "import sys\n"
        "from exo_industry import cli\n"
        "code = cli.main(['build', '--lang', 'en'])\n"
        "print('loaded:', sorted(m for m in ('pandas', 'numpy') if m in sys.modules), code)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert f"runs: 0 executed, {len(notebook_stems())} reused" in done.stdout, done.stdout + done.stderr
    assert "loaded: [] 0" in done.stdout, done.stdout + done.stderr


def test_unreachable_host_is_reported_briefly(iso_env, capsys):
    code, _, err = run(capsys, "fetch", "worldbank", "--country", "CHN", "--base-url", "http://127.0.0.1:9")
    assert code == 2 and "cannot reach 127.0.0.1:9 (connection refused)" in err
    assert "Retrying" not in err  # urllib3's per-retry warnings stay out of the user's way


def test_empty_query_rejected_before_network(iso_env, capsys):
    code, _, err = run(capsys, "fetch", "ctgov", "--term", "", "--base-url", "http://127.0.0.1:9")
    assert code == 2 and "empty query" in err


@pytest.mark.parametrize(
    "text, value",
    [
        ("65", 65),
        ("[JPN, KOR]", ["JPN", "KOR"]),
        ("NO", "NO"),
        ("null", None),
        ("true", True),
        ("China", "China"),
    ],
)
def test_parameter_values(text, value):
    from exo_industry.cli import _parse_value

    assert _parse_value(text) == value


# --------------------------------------------------------------------------- damaged sidecars
@pytest.mark.parametrize(
    "field, value, said",
    [
        ("sha256", None, "field 'sha256' should be text, not null"),
        ("sha256", "abc", "field 'sha256' should be 64 hexadecimal digits"),
        ("size", "12", "field 'size' should be a whole number"),
        ("size", True, "field 'size' should be a whole number"),
        ("query", [], "field 'query' should be an object, not a list"),
        ("route", "web", "field 'route' should be 'live' or 'import'"),
        ("release", 2024, "field 'release' should be text or null, not a number"),
        ("kind", ..., "field(s) 'kind' missing"),
        ("extra", 1, "unknown field(s) 'extra'"),
    ],
)
@pytest.mark.parametrize("verify", [False, True])
def test_sidecar_with_wrong_types_is_named(iso_env, capsys, field, value, said, verify):
    import json

    from exo_industry.store import RawStore

    e = RawStore().put("demo", "t.csv", b"a,b\n1,2\n", kind="table", route="import", licence="CC0")
    sidecar = e.path.with_name("t.csv.provenance.json")
    data = json.loads(sidecar.read_text())
    if value is ...:
        del data[field]
    else:
        data[field] = value
    sidecar.write_text(json.dumps(data))
    code, out, err = run(capsys, "sources", *(["--verify"] if verify else []))
    assert code == 2 and "Traceback" not in err, (out, err)
    assert str(sidecar) in err and said in err


def test_sidecar_that_is_not_an_object_is_named(iso_env, capsys):
    from exo_industry.store import RawStore

    e = RawStore().put("demo", "t.csv", b"a\n1\n", kind="table", route="import", licence="CC0")
    e.path.with_name("t.csv.provenance.json").write_text("[1, 2]")
    code, _, err = run(capsys, "sources")
    assert code == 2 and "t.csv.provenance.json" in err and "holds a list, not an object" in err


# --------------------------------------------------------------------------- long values, --jobs
def test_long_parameter_is_not_echoed_in_full(iso_env, capsys):
    code, _, err = run(capsys, "run", "01", "-p", "threshold", "6" * 100_000)
    assert code == 2 and "100,000 characters" in err and len(err) < 500


def test_long_value_inside_any_message_is_cut():
    from exo_industry.errors import BadParameter

    text = str(BadParameter(f"unknown country {'X' * 100_000!r}"))
    assert len(text) < 2200 and "characters left out" in text and text.startswith("unknown country 'XXX")


@pytest.mark.parametrize("jobs", ["-1", "0", "two"])
def test_jobs_must_be_at_least_one(iso_env, capsys, jobs):
    with pytest.raises(SystemExit) as stop:
        main(["run", "01", "--jobs", jobs])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "--jobs" in err and "at least 1" in err and "Traceback" not in err


def test_run_says_where_the_briefing_will_be(committed_processed, capsys, monkeypatch):
    """`run` ends with the briefing's path (under its parameter key) and how to export it."""
    from exo_industry import execute

    def fake_run_many(stems, langs, params, **kw):
        tag = execute.param_tag(stems[0], execute.check_parameters(stems[0], params))
        out = execute.output_path(stems[0], langs[0], tag=tag)
        return [execute.RunResult(stems[0], langs[0], out, 0.1)]

    monkeypatch.setattr(execute, "run_many", fake_run_many)
    code, out, err = run(capsys, "run", "01", "--lang", "en", "-p", "variant", "high")
    assert code == 0, err
    assert "exo-industry report" in out
    m = re.search(r"briefings/01_aging_demographics\.(p[0-9a-f]{8})\.en\.html", out)
    assert m, out
    code, out, err = run(capsys, "run", "01", "--lang", "en")
    assert "briefings/01_aging_demographics.en.html" in out


FREEZE = """import gc, sys
from exo_industry.cli import main
if sys.argv[1] == "command":
    sys.argv = ["exo-industry", "list"]
    main()
else:
    main(["list"])
print(gc.get_freeze_count(), file=sys.stderr)"""


@pytest.mark.parametrize("how", ["command", "call"])
def test_only_the_command_leaves_its_objects_to_the_operating_system_at_exit(how):
    """The command freezes what it made before Python shuts down (a shutdown spent 0.2-0.3 s
    in the cycle collector); a Python caller of main() keeps its collector as it was."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", FREEZE, how], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    frozen = int(out.stderr.strip().splitlines()[-1])
    assert (frozen > 0) == (how == "command"), frozen


SLOW = "import os, time\nopen(os.environ['EXO_MARK'] + f'/{os.getpid()}', 'w')\ntime.sleep(60)"


@pytest.mark.notebook
def test_ctrl_c_during_runs_says_interrupted_and_nothing_else(iso_env):
    """Ctrl-C reaches the command's whole process group (its workers too): the command says
    it was interrupted, prints no traceback, and leaves no kernel running."""
    import os
    import signal
    import time

    import psutil

    from helpers import make_notebook

    nbdir = iso_env / "nbs"
    make_notebook(nbdir, "91_slow", SLOW)
    mark = iso_env / "mark"
    mark.mkdir()
    env = dict(os.environ, EXO_NOTEBOOKS=str(nbdir), EXO_MARK=str(mark))
    cmd = [sys.executable, "-m", "exo_industry", "run", "--lang", "both", "--jobs", "2"]
    log = iso_env / "run.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while len(list(mark.iterdir())) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert len(list(mark.iterdir())) == 2, log.read_text()[-2000:]  # both cells are running
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=60) == 130
    text = log.read_text()
    assert "exo-industry: interrupted" in text and "Traceback" not in text, text[-3000:]
    kernels = [int(p.name) for p in mark.iterdir()]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(psutil.pid_exists(k) for k in kernels):
        time.sleep(0.1)
    left = [k for k in kernels if psutil.pid_exists(k) and psutil.Process(k).status() != psutil.STATUS_ZOMBIE]
    assert not left, left
