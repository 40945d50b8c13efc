"""Run notebooks with papermill: explicit kernel, per-cell timeout, notebook folder as cwd.

Each run writes ``build/notebooks/<stem>.<lang>.ipynb``. Several notebooks run as
separate processes (papermill and its kernel client are not thread-safe), up to
``jobs`` at a time.

A run with non-default parameters is named by a short, stable key of those parameters
(:func:`param_tag`, e.g. ``p3f09a1c2``): its executed notebook is
``build/notebooks/<stem>.<key>.<lang>.ipynb``, its figures go to ``build/figures/`` as
``<name>.<key>.<lang>.svg`` and its briefing to ``build/briefings/<stem>.<key>.<lang>.html``;
it never writes into ``figures/`` nor over a default briefing. Default runs keep their names.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import itertools
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ._imports import skip_unused_format_checkers
from .config import DEFAULT_CELL_TIMEOUT, KERNEL_NAME, RUN_TAG_VAR, paths
from .errors import BadParameter, ExoError
from .redact import redact, secret_values

skip_unused_format_checkers()  # before papermill/nbformat are imported (lazily, below)


class NotebookFailed(ExoError):
    pass


def ensure_kernel() -> str:
    """Register this environment's Python as the ``exo-industry`` kernel if it is not yet known.

    The kernelspec goes into ``sys.prefix`` (the venv or conda env), with the full path
    of this interpreter, so papermill never picks another Python that happens to be
    called ``python3`` in the user's Jupyter folders.
    """
    import json
    import tempfile

    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    # log level ERROR: ipykernel otherwise warns on every start that its local TCP sockets are
    # unencrypted, which buries real messages in `make all`'s output. exo_industry.kernel is
    # ipykernel's app minus the shutdown's "KeyboardInterrupt caught in kernel." line.
    argv = [
        sys.executable,
        "-m",
        "exo_industry.kernel",
        "--IPKernelApp.log_level=ERROR",
        "-f",
        "{connection_file}",
    ]
    ksm = KernelSpecManager()
    try:
        spec = ksm.get_kernel_spec(KERNEL_NAME)
        if spec.argv == argv:
            return KERNEL_NAME
    except NoSuchKernel:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / KERNEL_NAME
        d.mkdir()
        (d / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": argv,
                    "display_name": "Python (exo-industry)",
                    "language": "python",
                    "metadata": {"debugger": True},
                },
                indent=1,
            )
        )
        ksm.install_kernel_spec(str(d), KERNEL_NAME, prefix=sys.prefix)
    return KERNEL_NAME


def notebook_stems() -> list[str]:
    return sorted(p.stem for p in paths().notebooks.glob("[0-9][0-9]_*.ipynb"))


def resolve_stem(name: str) -> str:
    stems = notebook_stems()
    name = Path(name).stem
    if name in stems:
        return name
    matches = [s for s in stems if s.startswith(name) or s.split("_", 1)[1].startswith(name)]
    if len(matches) == 1:
        return matches[0]
    raise BadParameter(f"unknown notebook {name!r}; notebooks: {', '.join(stems)}")


@functools.lru_cache(maxsize=None)
def _parameters_cell(path: Path, mtime_ns: int) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            return _assignments(source)
    return {}


def _assignments(source: str) -> dict:
    """``name = value`` lines of a parameters cell: literals evaluated, anything else kept as text."""
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                out[node.targets[0].id] = ast.get_source_segment(source, node.value)
    return out


def notebook_defaults(stem: str) -> dict:
    """Default values of the notebook's ``parameters`` cell (the cell papermill injects after).

    Read from the notebook's JSON with ``ast``, as ``papermill.inspect_notebook`` does, without
    importing papermill in the process that only plans runs (tests compare the two)."""
    path = paths().notebooks / f"{stem}.ipynb"
    return dict(_parameters_cell(path, path.stat().st_mtime_ns))


def check_parameters(stem: str, parameters: dict, values: bool = True) -> dict:
    """Reject unknown parameter names and (through the section, unless ``values`` is False:
    :func:`check_values`) bad values, before a kernel starts. Returns defaults and parameters merged."""
    defaults = notebook_defaults(stem)
    unknown = sorted(set(parameters) - set(defaults))
    if unknown:
        raise BadParameter(
            f"{stem} has no parameter {', '.join(map(repr, unknown))}; parameters: {', '.join(defaults)}"
        )
    secrets = secret_values()
    for key, value in parameters.items():
        if any(s in str(value) for s in secrets):
            raise BadParameter(
                f"parameter {key!r} holds a credential; credentials are read from the environment only"
            )
    merged = {**defaults, **parameters}
    _check_files(parameters)
    if values:
        check_values(stem, merged)
    return merged


def check_values(stem: str, merged: dict) -> None:
    """The section's own check of the values (``validate_parameters``: ranges, known locations)."""
    from .sections import by_notebook

    section = by_notebook(stem)
    if section is not None:  # the section contract guarantees validate_parameters(**values)
        section.validate_parameters(**merged)


def non_defaults(stem: str, merged: dict) -> dict:
    """The parameters (other than ``lang``) whose value differs from the notebook's default."""
    defaults = notebook_defaults(stem)
    return {k: v for k, v in sorted(merged.items()) if k != "lang" and defaults.get(k) != v}


def param_tag(stem: str, merged: dict) -> str:
    """'' for the default parameters, else ``p`` + 8 hex digits of the non-default values."""
    diff = non_defaults(stem, merged)
    if not diff:
        return ""
    text = json.dumps(diff, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "p" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def run_name(stem: str, lang: str, tag: str = "") -> str:
    """``<stem>.<lang>`` for a default run, ``<stem>.<tag>.<lang>`` for a parameter run."""
    return f"{stem}.{tag}.{lang}" if tag else f"{stem}.{lang}"


def split_run_name(name: str) -> tuple[str, str, str]:
    """``(stem, tag, lang)`` from a run name such as ``01_aging.p1a2b3c4d.en`` ('' tag: defaults)."""
    parts = name.split(".")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    stem, lang = name.rsplit(".", 1)
    return stem, "", lang


def figures_dir(tag: str = "") -> Path:
    """Where a run's figures go: ``figures/`` for defaults, ``build/figures/`` otherwise."""
    return paths().figures if not tag else paths().build / "figures"


FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".xml", ".ris", ".xlsx")


def _imported_names() -> set[str]:
    from .store import RawStore

    try:
        return {e.provenance.original_name for e in RawStore().entries() if e.provenance.original_name}
    except ExoError:  # no raw store yet: nothing was imported
        return set()


def _check_files(parameters: dict) -> None:
    """A parameter that names a data file (``-p source export.csv``) must name a file that exists
    or one already imported into the raw store; otherwise the run would quietly show nothing."""
    for key, value in parameters.items():
        if not isinstance(value, str) or Path(value.strip()).suffix.lower() not in FILE_SUFFIXES:
            continue
        path = Path(value.strip()).expanduser()
        if path.is_file() or path.name in _imported_names():
            continue
        raise BadParameter(
            f"parameter {key!r}: the file {value!r} does not exist and was never imported",
            hint="import it first (`exo-industry import SOURCE FILE`) or give the path of an existing file",
        )


def output_path(stem: str, lang: str, out_dir: Path | None = None, tag: str = "") -> Path:
    out_dir = Path(out_dir) if out_dir else paths().build / "notebooks"
    return out_dir / f"{run_name(stem, lang, tag)}.ipynb"


@contextlib.contextmanager
def _run_environment(tag: str):
    """The kernel inherits these: where figures go and the key theme.save_figure puts in names."""
    saved = {v: os.environ.get(v) for v in ("EXO_FIGURES", RUN_TAG_VAR)}
    if tag:
        os.environ["EXO_FIGURES"] = str(figures_dir(tag))
        os.environ[RUN_TAG_VAR] = tag
    else:
        os.environ.pop(RUN_TAG_VAR, None)
    try:
        yield
    finally:
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value


def _failing_cell(nb_path: Path) -> str:
    import nbformat

    try:
        nb = nbformat.read(str(nb_path), as_version=4)
    except Exception:  # noqa: BLE001 - only used to word an error message; any unreadable file will do
        return "unknown cell"

    def named(i: int) -> str:
        source = nb.cells[i].source.strip()
        return f"cell {i} ({(source.splitlines()[0] if source else '')[:80]!r})"

    started = []
    for i, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("papermill", {})
        if meta.get("status") in ("running", "failed") or any(
            o.get("output_type") == "error" for o in cell.get("outputs", [])
        ):
            return named(i)
        if meta.get("start_time"):
            started.append(i)
    # A cell stopped by the timeout is marked "completed" when the run ends; no cell after
    # it started, so it is the last one that did.
    return named(started[-1]) if started else "unknown cell"


def _scrub_secrets(nb_path: Path) -> None:
    secrets = secret_values()
    if not secrets or not nb_path.exists():
        return
    text = nb_path.read_text(encoding="utf-8")
    cleaned = redact(text)
    if cleaned != text:
        nb_path.write_text(cleaned, encoding="utf-8")


def run_notebook(
    stem: str,
    parameters: dict | None = None,
    output_dir: Path | None = None,
    lang: str | None = None,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    progress: bool | None = None,
) -> Path:
    """Execute one notebook; return the executed copy's path. Errors name the failing cell."""
    stem = resolve_stem(stem)
    params = dict(parameters or {})
    if lang is not None:
        params["lang"] = lang
    merged = check_parameters(stem, params)
    ensure_kernel()
    lang = params.get("lang") or notebook_defaults(stem).get("lang", "zh")
    tag = param_tag(stem, merged)
    if progress is None:
        progress = sys.stderr.isatty() and not os.environ.get("CI")
    out = output_path(stem, lang, output_dir, tag)
    return _run_checked(stem, params, lang, tag, out, cell_timeout, progress)


def _run_checked(
    stem: str, params: dict, lang: str, tag: str, out: Path, cell_timeout: int, progress: bool
) -> Path:
    """Execute a run whose parameters were already checked (by run_notebook or plan_runs).

    Build workers start here: checking again would import every section (pandas, matplotlib)
    in the worker before its kernel could start."""
    src = paths().notebooks / f"{stem}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    from .runcache import clear_mark, write_mark

    clear_mark(out)  # the completion mark is written only once papermill has finished
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            with _run_environment(tag):
                _execute(src, out, params, stem, lang, cell_timeout, progress)
            write_mark(out, key=None, figures={})
            return out
        except KernelStartFailed as exc:
            # Kernels started at the same moment by parallel runs can be handed the same free
            # TCP port; the loser dies before it answers. Starting it again is enough.
            if attempt == KERNEL_START_ATTEMPTS:
                raise NotebookFailed(
                    f"{stem} ({lang}): the kernel did not start ({exc}) after {attempt} attempts"
                ) from None
            time.sleep(0.5 * attempt)
    raise AssertionError("unreachable")


class KernelStartFailed(Exception):
    pass


KERNEL_START_ATTEMPTS = 3
_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def _execute(
    src: Path, out: Path, params: dict, stem: str, lang: str, cell_timeout: int, progress: bool
) -> Path:
    from papermill.exceptions import PapermillExecutionError

    from . import kernelpool

    try:  # in this process's kept kernel when the caller turned reuse on (kernelpool.py)
        kernelpool.execute_notebook(
            str(src),
            str(out),
            parameters=params,
            kernel_name=KERNEL_NAME,
            cwd=str(src.parent),
            execution_timeout=cell_timeout,
            progress_bar=progress,
            log_output=False,
            report_mode=False,
            # nbclient's NotebookClient.shutdown_kernel: "immediate" signals the kernel to stop
            # instead of waiting for its atexit hooks. Every output and figure is written while
            # its cell runs, so nothing is lost; each run ends ~0.2 s sooner.
            shutdown_kernel="immediate",
        )
    except KeyboardInterrupt:
        # Ctrl-C: nbclient's tasks for the cell go with the kernel, and asyncio would print
        # each as "Task exception was never retrieved" when it is collected; the command says
        # it was interrupted
        import logging

        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        raise
    except PapermillExecutionError as exc:
        raise NotebookFailed(
            f"{stem} ({lang}) failed in cell {exc.exec_count} : {exc.ename}: {redact(str(exc.evalue))[:500]}",
            hint=f"open {out} to see the failing cell",
        ) from None
    except Exception as exc:  # noqa: BLE001 - timeouts and kernel deaths surface as assorted types
        if any(m in str(exc) for m in _START_FAILURES):
            raise KernelStartFailed(str(exc)[:200]) from None
        kind = (
            "timed out"
            if "timeout" in type(exc).__name__.lower() or "timed out" in str(exc).lower()
            else "failed"
        )
        raise NotebookFailed(
            f"{stem} ({lang}) {kind} in {_failing_cell(out)} (per-cell limit {cell_timeout} s): "
            f"{type(exc).__name__}: {redact(str(exc))[:300]}",
            hint=f"open {out} to see the cell",
        ) from None
    finally:  # also on Ctrl-C: the executed copy never keeps a credential
        _scrub_secrets(out)
    return out


@dataclass
class RunResult:
    stem: str
    lang: str
    path: Path | None
    seconds: float
    error: str | None = None
    html: Path | None = None
    status: str = "ran"  # "ran", "reused" (nothing it depends on changed) or "exported" (briefing only)
    reason: str = ""  # why it ran (or what was reused)


@dataclass
class _Plan:
    stem: str
    lang: str
    key: dict
    why: str | None  # why the notebook must run again; None: its last run can be reused
    export: bool  # whether its briefing must be exported (again)
    tag: str = ""  # the key of its non-default parameters ('' for a default run)
    figures: str | None = None  # what its figures' names start with (runcache.figure_prefix)


def _worker(
    stem: str,
    params: dict,
    lang: str,
    output_dir: str | None,
    cell_timeout: int,
    key: dict,
    tag: str = "",
    figures: str | None = None,
) -> RunResult:
    """One run in a worker process: execute, then record its figures (those whose names start
    with ``figures``) in the completion mark. The parent exports the briefing (:func:`_export_result`)."""
    from . import runcache

    t0 = time.perf_counter()
    try:
        out = output_path(stem, lang, Path(output_dir) if output_dir else None, tag)
        since = time.time_ns() - 1_000_000_000
        # plan_runs checked the parameters and made the tag
        path = _run_checked(stem, {**params, "lang": lang}, lang, tag, out, cell_timeout, False)
        runcache.write_mark(path, key, runcache.figures_of(figures, lang, since, tag))
        return RunResult(stem, lang, path, time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - one failed run must not discard the others' results
        return RunResult(stem, lang, None, time.perf_counter() - t0, _error_text(exc))


def _error_text(exc: Exception) -> str:
    return str(exc) if isinstance(exc, ExoError) else f"{type(exc).__name__}: {redact(str(exc))[:300]}"


def _export(path: Path, key: dict) -> Path:
    """Export one executed notebook's briefing and record it in the run's completion mark."""
    from . import runcache
    from .report import export_notebook

    html = export_notebook(path)
    runcache.write_mark(path, key, (runcache.read_mark(path) or {}).get("figures") or {}, html)
    return html


def _warm_exporter():
    """Import nbconvert and ready the exporter (``report.warm_up``) in a thread while the
    first kernels start, so that the first finished run's briefing is not kept waiting."""
    import threading

    def warm() -> None:
        from .report import warm_up

        warm_up()

    thread = threading.Thread(target=warm, name="warm-exporter", daemon=True)
    thread.start()
    return thread


def _export_result(r: RunResult, key: dict) -> RunResult:
    """The parent's half of a run: its briefing, exported while the workers run other kernels."""
    if r.error is None and r.path is not None:
        t0 = time.perf_counter()
        try:
            r.html = _export(r.path, key)
        except Exception as exc:  # noqa: BLE001 - one failed export must not discard the others' results
            r.error = _error_text(exc)
            r.path = None
        r.seconds += time.perf_counter() - t0
    return r


def check_jobs(jobs: int | None) -> int | None:
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise BadParameter(f"--jobs must be a whole number of 1 or more (got {jobs!r})")
    return jobs


def plan_runs(
    stems: list[str], langs: list[str], params: dict, output_dir: Path | None, export: bool, force: bool
) -> list[_Plan]:
    """For every (notebook, language): its cache key and whether it runs, exports, or is reused."""
    from . import runcache

    plans = []
    hashes: dict = {}  # table checksums, taken once for the whole pass
    for stem in stems:
        merged = check_parameters(stem, params, values=False)
        tag = param_tag(stem, merged)
        prefix = runcache.figure_prefix(stem)
        mine = []
        for lang in langs:
            key = runcache.run_key(stem, lang, merged, hashes)
            if force:
                mine.append(_Plan(stem, lang, key, "--force", export, tag, prefix))
                continue
            briefing = briefings_dir_path(stem, lang, tag) if export else None
            out = output_path(stem, lang, output_dir, tag)
            why, stale_html = runcache.reuse_problem(out, key, briefing)
            mine.append(_Plan(stem, lang, key, why, export and (why is not None or stale_html), tag, prefix))
        # The values of every run that will execute are checked here, before any kernel starts.
        # A reused run's are not checked again: its key holds the values, the notebook, the
        # tables it reads (the tables the check reads among them) and the package's code, all
        # as they were when that run validated them in its first cell and finished. Checking
        # them would import pandas for nothing (the location tables), 0.3 s of a no-op build.
        if any(p.why is not None for p in mine):
            check_values(stem, merged)
        plans += mine
    return plans


def run_many(
    stems: list[str],
    langs: list[str],
    parameters: dict | None = None,
    jobs: int | None = None,
    output_dir: Path | None = None,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    on_done=None,
    export: bool = False,
    force: bool = False,
    fresh_kernels: bool = False,
) -> list[RunResult]:
    """Run every (notebook, language) pair whose inputs changed since its last finished run
    (all of them with ``force``), ``jobs`` processes at a time, exporting each briefing right
    after its run when ``export``. Runs whose key still matches are reported as reused.
    Each worker keeps one kernel for its runs (kernelpool.py) unless ``fresh_kernels``."""
    check_jobs(jobs)
    params = dict(parameters or {})
    plans = plan_runs(stems, langs, params, output_dir, export, force)
    results = []
    for p in plans:
        if p.why is None and not p.export:
            out = output_path(p.stem, p.lang, output_dir, p.tag)
            r = RunResult(p.stem, p.lang, out, 0.0, status="reused")
            r.html = briefings_dir_path(p.stem, p.lang, p.tag) if export else None
            r.reason = "nothing it depends on changed"
            results.append(r)
            if on_done:
                on_done(r)
    todo = [p for p in plans if p.why is not None or p.export]
    if any(p.why is not None for p in todo):
        ensure_kernel()  # once, before workers start, so they never race to install it
    out_dir = str(output_dir) if output_dir else None
    # Workers only execute; this process exports each briefing as its run finishes, so a
    # worker starts its next kernel at once instead of waiting for an export.
    tasks = [(p.stem, params, p.lang, out_dir, cell_timeout, p.key, p.tag, p.figures) for p in todo if p.why]
    plan_of = {(p.stem, p.lang): p for p in todo}
    jobs = jobs or max(1, min(len(tasks), os.cpu_count() or 1))
    finished = (  # runs that are reused, whose briefing alone is missing or stale
        RunResult(p.stem, p.lang, output_path(p.stem, p.lang, output_dir, p.tag), 0.0, status="exported")
        for p in todo
        if p.why is None
    )
    warm = _warm_exporter() if tasks and export else None
    for r in itertools.chain(_execute_tasks(tasks, jobs, not fresh_kernels), finished):
        p = plan_of[(r.stem, r.lang)]
        if p.export:
            if warm is not None:  # never two threads inside one exporter
                warm.join()
                warm = None
            _export_result(r, p.key)
        r.reason = p.why or "briefing missing or changed"
        results.append(r)
        if on_done:
            on_done(r)
    return sorted(results, key=lambda r: (r.stem, r.lang))


def briefings_dir_path(stem: str, lang: str, tag: str = "") -> Path:
    """Where ``report.export_notebook`` writes the briefing (without importing report)."""
    return paths().build / "briefings" / f"{run_name(stem, lang, tag)}.html"


def _execute_tasks(tasks: list[tuple], jobs: int, keep_kernels: bool = True):
    """Yield each task's result as it finishes, ``jobs`` worker processes at a time, each
    worker running its runs in one kept kernel when ``keep_kernels``."""
    if not tasks:
        return
    from . import kernelpool, prefork

    forked = keep_kernels and prefork.wanted()  # a worker's kernel is forked (prefork.py)
    if jobs == 1 or (len(tasks) == 1 and not forked):
        with kernelpool.kept_kernel() if keep_kernels else contextlib.nullcontext():
            for t in tasks:
                yield _worker(*t)
        return

    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(tasks)),
        mp_context=prefork.pool_context(),
        initializer=prefork.start_worker,
        initargs=(keep_kernels, dict(os.environ)),
    )
    futures = []
    try:
        futures = [pool.submit(_worker, *t) for t in tasks]
        # Shut down now, without waiting: every run is queued, so the pool tells its workers
        # to stop as soon as the last run has finished, not once this process has exported
        # that run's briefing. They stop their kept kernels and exit meanwhile. Python waits
        # for them when it exits (concurrent.futures joins its workers then), so a build
        # never leaves a kernel behind.
        pool.shutdown(wait=False)
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        for fut in futures:  # after an error or Ctrl-C, the runs not yet started are dropped
            fut.cancel()
        pool.shutdown(wait=False, cancel_futures=True)  # if submitting itself was interrupted
