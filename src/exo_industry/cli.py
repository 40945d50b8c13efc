"""``exo-industry``: fetch, refresh, import, process, run, report, build, sources.

Errors the user can fix are printed as one message (with a hint) and exit status 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from pathlib import Path

from . import __version__
from .config import DEFAULT_CELL_TIMEOUT
from .errors import BadParameter, ExoError, MissingData, shown


def _parse_value(text: str):
    """``-p NAME VALUE``: VALUE is read as YAML, so 65, [JPN, KOR] and true work; else a string."""
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if value is None:
        return None if text.strip().lower() in ("null", "none", "~") else text
    if isinstance(value, bool) and text.strip().lower() not in ("true", "false"):
        return text  # YAML 1.1 reads NO (Norway), yes, on and off as booleans; keep them as written
    return value


_LONGEST_VALUE = 2000  # characters of one -p value


def _positive_int(text: str) -> int:
    """``--jobs``, ``--cell-timeout``: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {shown(text)}")
    return value


def _params(pairs) -> dict:
    """``-p NAME VALUE`` pairs; a value too long to be a parameter is refused without echoing it."""
    out = {}
    for name, value in pairs or []:
        if len(value) > _LONGEST_VALUE or len(name) > 100:
            raise BadParameter(
                f"parameter {shown(name)}: the value {shown(value)} is too long "
                f"(at most {_LONGEST_VALUE:,} characters)"
            )
        out[name] = _parse_value(value)
    return out


def _print_table(rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    print("  ".join(c.ljust(widths[c]) for c in cols))
    for r in rows:
        print("  ".join(str(r[c]).ljust(widths[c]) for c in cols))


# --------------------------------------------------------------------------- commands
def cmd_sources(args) -> int:
    from .store import RawStore, describe

    store = RawStore()
    rows = describe(store.entries(args.source))
    if not rows:
        print(
            f"the raw store at {store.root} is empty; "
            "`exo-industry import SOURCE --mirror` or `exo-industry fetch SOURCE`"
        )
        return 0
    if args.verify:
        for e in store.entries(args.source):
            store.verify(e)
        print(f"all {len(rows)} files match their recorded sha256")
    _print_table(rows)
    return 0


def cmd_fetch(args) -> int:
    from . import sources
    from .store import RawStore

    module = sources.get(args.source)
    options = {k: v for k, v in vars(args).items() if k not in ("func", "source", "verbose", "command")}
    entries = module.fetch(RawStore(), **options)
    print(f"{module.TITLE}: stored {len(entries)} file(s)")
    for e in entries:
        print(f"  {e.path}  sha256 {e.provenance.sha256[:12]}")
    return 0


def _mirror_files(module, source: str, shared: Path) -> list[Path]:
    """The source's files in the offline mirror; a missing mirror, folder or file is named."""
    hint = "set EXO_SHARED_DATA to the folder that holds the mirror's data/"
    if not shared.is_dir():
        raise MissingData(f"the offline mirror was not found at {shared}", hint=hint)
    mirror = module.mirror_files(shared)
    if not mirror:
        raise ExoError(
            f"{module.TITLE} has no data files in the offline mirror",
            hint=f"use the live route (`exo-industry fetch {source}`) or import files you downloaded",
        )
    missing = []
    for f in mirror:
        if not f.exists():
            p = f
            while not p.parent.exists() and p.parent != shared:
                p = p.parent  # name the highest missing folder, not a file inside it
            missing.append(f"folder {p}" if p != f else str(f))
    if missing:
        raise MissingData(
            f"the offline mirror at {shared} is incomplete; missing: {', '.join(dict.fromkeys(missing))}",
            hint=hint,
        )
    return mirror


def cmd_import(args) -> int:
    from . import sources
    from .config import paths
    from .store import RawStore

    module = sources.get(args.source)
    files = [Path(f) for f in args.files]
    if args.mirror:
        files += _mirror_files(module, args.source, paths().shared_data)
    if not files:
        raise BadParameter(
            "no files given", hint=f"`exo-industry import {args.source} FILE...` or `--mirror`"
        )
    entries = module.import_files(RawStore(), files)
    print(f"{module.TITLE}: imported {len(entries)} file(s)")
    for e in entries:
        print(f"  {e.name:60s} {e.kind:22s} sha256 {e.provenance.sha256[:12]}")
    return 0


def cmd_process(args) -> int:
    from .pipeline import process

    for o in process(args.section or None, force=args.force):
        print(f"{o.section:12s} {o.status:11s} {o.detail}")
    return 0


def cmd_refresh(args) -> int:
    import json

    from . import refresh

    if args.dry_run:
        plan = refresh.dry_run(args.source)
        if args.json:
            print(json.dumps(plan, ensure_ascii=False, indent=1))
        else:
            _print_table(
                [{"source": r["source"], "method": r["method"], "url": r["url"]} for r in plan["requests"]]
            )
        return 0
    t0 = time.perf_counter()
    rows = refresh.refresh(args.source, budget=args.budget)
    print()
    _print_table(rows)
    total = sum(r["requests"] for r in rows)
    print(f"total: {total} request(s) in {time.perf_counter() - t0:.1f} s (budget {args.budget})")
    print("next: `exo-industry process --force`; the overview then lists what changed")
    return 2 if any(r["status"].startswith(("failed", "stopped")) for r in rows) else 0


def _langs(value: str) -> list[str]:
    return ["zh", "en"] if value == "both" else [value]


def _run(args, stems: list[str], export: bool = False) -> list:
    from .execute import run_many

    params = _params(args.param)
    langs = _langs(args.lang)

    def done(r):
        if r.error is not None:
            state = f"FAILED after {r.seconds:.1f} s ({r.reason})\n    {r.error}"
        elif r.status == "reused":
            state = f"reused  {r.path} ({r.reason})"
        elif r.status == "exported":
            state = f"briefing exported {r.seconds:5.1f} s ({r.reason})"
        else:
            state = f"ran {r.seconds:5.1f} s  {r.path} ({r.reason})"
        print(f"  {r.stem} [{r.lang}] {state}", flush=True)

    force = " (--force: all of them)" if args.force else ""
    print(f"{len(stems) * len(langs)} notebook run(s){force}, {args.jobs or 'auto'} at a time", flush=True)
    results = run_many(
        stems,
        langs,
        params,
        jobs=args.jobs,
        cell_timeout=args.cell_timeout,
        on_done=done,
        export=export,
        force=args.force,
        fresh_kernels=args.fresh_kernels,
    )
    failed = [r for r in results if r.error]
    if failed:
        raise ExoError(
            f"{len(failed)} notebook run(s) failed: " + ", ".join(f"{r.stem} [{r.lang}]" for r in failed)
        )
    ran = sum(r.status == "ran" for r in results)
    print(f"runs: {ran} executed, {sum(r.status == 'reused' for r in results)} reused", flush=True)
    return results


def _where_briefings(results: list) -> None:
    """After ``run``: where each briefing will be and the command that writes it."""
    from .execute import briefings_dir_path, split_run_name

    print("briefings (written by `exo-industry report`; add --pdf for A4 PDFs):")
    for r in results:
        if r.path is None:
            continue
        stem, tag, lang = split_run_name(r.path.stem)
        print(f"  {briefings_dir_path(stem, lang, tag)}")
    from .config import paths

    print(f"  index of all briefings: {paths().build / 'briefings' / 'index.html'}")


_program = False  # main() runs as the exo-industry command, not called from Python


def _prestart(args) -> None:
    """Workers forked from a fork server (prefork.py), for the command itself only: a Python
    caller of ``main`` may change its environment or the package's code before a later call,
    which a fork server started now would not see."""
    if _program:
        from .prefork import prestart

        prestart(args.jobs, args.fresh_kernels)


def cmd_run(args) -> int:
    _prestart(args)  # first: the fork server's imports overlap the planning below
    from .execute import notebook_stems, resolve_stem

    stems = [resolve_stem(args.notebook)] if args.notebook else notebook_stems()
    _where_briefings(_run(args, stems))
    return 0


def _report(executed: list[Path], langs: list[str]) -> list[Path]:
    from . import report

    out = [report.export_notebook(p) for p in executed]
    out += [report.export_overview(lang) for lang in langs]  # from the ledger and default figures only
    out.append(report.export_index())
    return out


def _pdfs(htmls: list[Path]) -> list[Path]:
    """One A4 PDF beside each briefing (Chromium is looked for before the first one is printed)."""
    from . import report

    report.chromium()
    out = []
    for h in htmls:
        out.append(report.export_pdf(h))
        print(f"  {out[-1]}", flush=True)
    return out


def cmd_report(args) -> int:
    from .config import paths
    from .runcache import is_complete

    if args.pdf:
        from . import report

        report.chromium()  # a missing Chromium is said before any work
    langs = _langs(args.lang)
    found = sorted(
        p for p in (paths().build / "notebooks").glob("*.ipynb") if p.stem.rsplit(".", 1)[-1] in langs
    )
    executed = [p for p in found if is_complete(p)]
    for p in found:
        if p not in executed:
            print(
                f"  skipped {p.name}: its run did not finish (no completion mark); "
                "run it again with `exo-industry run`",
                file=sys.stderr,
            )
    if not executed:
        raise ExoError(
            "no executed notebooks in build/notebooks" + (" from a finished run" if found else ""),
            hint="run `exo-industry run` first (or `exo-industry build`)",
        )
    written = _report(executed, langs)
    for p in written:
        print(f"  {p}")
    if args.pdf:
        _pdfs([p for p in written if p.name != "index.html"])
    return 0


def _overviews(langs: list[str], briefings: list[Path], force: bool) -> list[tuple[Path, bool]]:
    """Export each language's overview unless its claims, key figures and briefings are unchanged."""
    from . import report, runcache

    out = []
    from .execute import split_run_name

    for lang in langs:
        own = [  # default runs only: a parameter run never changes the overview
            b
            for b in briefings
            if b.name.endswith(f".{lang}.html") and not split_run_name(b.name.removesuffix(".html"))[1]
        ]
        key = runcache.overview_key(lang, own)
        path = report.briefings_dir() / f"00_overview.{lang}.html"
        if not force and runcache.overview_fresh(path, key):
            out.append((path, False))
            continue
        path = report.export_overview(lang)
        runcache.mark_overview(path, key)
        out.append((path, True))
    return out


def cmd_build(args) -> int:
    _prestart(args)  # first: the fork server's imports overlap the planning below
    from .execute import notebook_stems
    from .pipeline import process, stale_sections

    if args.pdf:
        from .report import chromium

        chromium()  # a missing Chromium is said before any work
    timings = {}
    t0 = time.perf_counter()
    stale = stale_sections()
    if stale:
        print("processing: " + ", ".join(f"{k} ({v})" for k, v in stale.items()), flush=True)
        for o in process(list(stale)):
            print(f"  {o.section:12s} {o.status:11s} {o.detail}")
    else:
        print("processing: nothing to do (no raw inputs changed; using committed data/processed)")
    timings["process"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    results = _run(args, notebook_stems(), export=True)  # each briefing is exported by its worker
    timings["execute and export"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    overviews = _overviews(_langs(args.lang), [r.html for r in results if r.html], args.force)
    for path, made in overviews:
        print(
            f"  {path.name} {'exported' if made else 'reused (claims, key figures and briefings unchanged)'}"
        )
    from .report import export_index

    index = export_index()
    timings["overview"] = time.perf_counter() - t2
    paths_ = [r.html for r in results] + [p for p, _ in overviews]
    print(f"briefings: {len(paths_)} file(s) in {paths_[0].parent}; index: {index}")
    if args.pdf:
        t3 = time.perf_counter()
        _pdfs(paths_)
        timings["pdf"] = time.perf_counter() - t3
    print("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    return 0


def cmd_list(args) -> int:
    import json

    from .choices import notebooks

    books = notebooks()
    if args.json:
        print(json.dumps(books, indent=2, ensure_ascii=False, default=str))
        return 0
    for b in books:
        where = ", ".join(b["paper_sections"]) or "-"
        print(f"{b['notebook']}  (paper section {where}): {b['title']['en']} / {b['title']['zh']}")
        for prm in b["parameters"]:
            print(f"  -p {prm['name']} {json.dumps(prm['default'], ensure_ascii=False)}")
            if prm["accepts"]:
                print(f"       {prm['accepts']}")
        print(f"  decides: {', '.join(b['claims'])}\n")
    return 0


# --------------------------------------------------------------------------- parser
def _run_options(sp) -> None:
    """Options shared by `run` and `build`."""
    sp.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="notebook parameter (VALUE read as YAML)",
    )
    sp.add_argument("--lang", choices=["zh", "en", "both"], default="both")
    sp.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        help="notebooks run at once (separate processes, at least 1)",
    )
    sp.add_argument(
        "--force", action="store_true", help="run every notebook even if nothing it depends on changed"
    )
    sp.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="start a kernel for every run (by default each worker keeps one, cleared between runs)",
    )
    sp.add_argument(
        "--cell-timeout",
        type=_positive_int,
        default=DEFAULT_CELL_TIMEOUT,
        help=f"seconds a cell may run before it is stopped (default {DEFAULT_CELL_TIMEOUT})",
    )


def _add_list(sub) -> None:
    ls = sub.add_parser(
        "list", help="every notebook: paper section, parameters (defaults, accepted values), claims"
    )
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(func=cmd_list)


def _pdf_option(sp) -> None:
    sp.add_argument("--pdf", action="store_true", help="also print each briefing to an A4 PDF (Chromium)")


def _fetch_parser(sub, command: str | None) -> None:
    """``fetch SOURCE``: every source's options, only when ``fetch`` may be the command (each
    source module imports pandas)."""
    from . import sources

    f = sub.add_parser("fetch", help="live route: download from a source's API into data/raw")
    fsub = f.add_subparsers(dest="source", required=True, metavar="SOURCE")
    for name in sources.names() if command in (None, "fetch") else ():
        mod = sources.get(name)
        sp = fsub.add_parser(name, help=mod.TITLE)
        mod.add_fetch_arguments(sp)
        sp.set_defaults(func=cmd_fetch)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; ``command`` is the one about to run, if known (see _fetch_parser)."""
    from . import sources

    p = argparse.ArgumentParser(
        prog="exo-industry", description="Rebuild the exosome-industry paper's numbers from public data."
    )
    p.add_argument("--version", action="version", version=f"exo_industry {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log HTTP requests and steps")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("sources", help="what data/raw holds, with provenance")
    s.add_argument("source", nargs="?", help="only this source")
    s.add_argument("--verify", action="store_true", help="check every file against its sha256")
    s.set_defaults(func=cmd_sources)

    _fetch_parser(sub, command)
    _refresh_parser(sub)
    i = sub.add_parser("import", help="import route: files downloaded from a source (or the offline mirror)")
    i.add_argument("source", help="source name: " + ", ".join(sources.names()))
    i.add_argument("files", nargs="*", help="files to import")
    i.add_argument(
        "--mirror",
        action="store_true",
        help="import this source's files from the offline mirror (EXO_SHARED_DATA)",
    )
    i.set_defaults(func=cmd_import)

    pr = sub.add_parser("process", help="derive data/processed from data/raw")
    pr.add_argument("--section", action="append", help="only this section (repeatable)")
    pr.add_argument("--force", action="store_true", help="process even if inputs are unchanged")
    pr.set_defaults(func=cmd_process)

    _add_list(sub)
    r = sub.add_parser(
        "run",
        help="execute notebooks with papermill into build/notebooks",
        epilog="`exo-industry list` shows every notebook with its parameters, defaults and accepted values.",
    )
    r.add_argument("notebook", nargs="?", help="notebook name or prefix (default: all)")
    _run_options(r)
    r.set_defaults(func=cmd_run)

    rp = sub.add_parser("report", help="export executed notebooks and the overview as HTML briefings")
    rp.add_argument("--lang", choices=["zh", "en", "both"], default="both")
    _pdf_option(rp)
    rp.set_defaults(func=cmd_report)

    b = sub.add_parser("build", help="process (if inputs changed), run every notebook, export the briefings")
    _run_options(b)
    _pdf_option(b)
    b.set_defaults(func=cmd_build)
    return p


def _refresh_parser(sub) -> None:
    from .refresh import DEFAULT_BUDGET, PLAN

    rf = sub.add_parser("refresh", help="fetch every live source the sections need, under a request budget")
    rf.add_argument(
        "--source", action="append", help=f"only this source, repeatable ({', '.join(s for s, _ in PLAN)})"
    )
    rf.add_argument(
        "--budget", type=int, default=DEFAULT_BUDGET, help=f"most requests sent (default {DEFAULT_BUDGET})"
    )
    rf.add_argument(
        "--dry-run", action="store_true", help="list the first request of every query; no network"
    )
    rf.add_argument("--json", action="store_true", help="with --dry-run: print JSON")
    rf.set_defaults(func=cmd_refresh)


def _command(argv: list[str]) -> str | None:
    """The command word in ``argv`` (the first word that is not an option), or None."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: list[str] | None = None) -> int:
    program = argv is None  # the exo-industry command itself, not a call from Python
    if hasattr(signal, "SIGPIPE") and program:  # `exo-industry sources | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if program:
        argv = sys.argv[1:]
    parser = build_parser(_command(argv))
    args = parser.parse_args(argv)
    global _program
    _program = program
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if not args.verbose:  # urllib3 reports each retry; the final error says what happened
        logging.getLogger("urllib3").setLevel(logging.ERROR)
    try:
        return args.func(args)
    except ExoError as exc:
        print(f"exo-industry: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "exo-industry: interrupted; the raw store and processed data keep their last good state",
            file=sys.stderr,
        )
        return 130
    finally:
        if program:
            # The process ends next. Python's shutdown would run the cycle collector over
            # every object of pandas, matplotlib and nbconvert, 0.2-0.3 s here; frozen, they
            # are left to the operating system. Files are closed and exit handlers run as usual.
            import gc

            gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
