"""``exo-industry refresh``: every live source the sections need, in one command.

Each source is fetched with the parameters the sections use (``PLAN``), one after the
other, with its progress printed. A request budget counts every request sent over the
network (http.request_budget; answers from the HTTP cache are free); the request that would
exceed it is refused before it is sent, naming the source, and the refresh stops there
(the sources already fetched keep their new snapshots, the others their old ones).

``--dry-run --json`` prints, without any network, the first request of every query the
refresh would make: ``{"requests": [{"source", "method", "url", "params", "body"}, ...]}``.
Secret parameters (api_key, email, ...) are left out; credentials sent in headers are never
printed.

Before fetching, the current claims ledger is kept as ``claims.previous.csv`` beside it (with
its date in ``claims.previous.json``), so the overview can say what changed since.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from .errors import SourceError

# (source, fetch options): what the sections' live claims need, at their default parameters
PLAN: list[tuple[str, dict]] = [
    # trials: the unfiltered walk of the EV terms, 1,000 studies a page (the API v2 maximum,
    # https://clinicaltrials.gov/data-api/api): only an unfiltered walk is complete
    (
        "ctgov",
        {
            "term": ["exosome", "exosomes", "extracellular vesicle", "extracellular vesicles"],
            "page_size": 1000,
        },
    ),  # fmt: skip
    ("openalex", {"topic": ["exosomes"]}),  # literature: China vs US and the top countries
    ("pubmed", {"country": ["CN", "US"], "topic": ["exosomes"], "start": 2015, "end": 2024}),
    ("lens", {"mode": "records", "start": 2000, "end": 2023}),  # patents: counts by country
    ("epo_ops", {"start": 2000, "end": 2023}),
    ("wpp", {"location": ["CHN"]}),  # aging
    ("who_gho", {"indicator": ["NCDMORT3070"], "location": ["GLOBAL", "CHN"]}),  # ncd
]
DEFAULT_BUDGET = 400
# environment variables a source refuses to start without; a dry run fills them with a
# placeholder (never sent: no request leaves the process) so that it can list the requests
_CREDENTIALS = ("OPENALEX_API_KEY", "LENS_API_TOKEN", "EPO_OPS_KEY", "EPO_OPS_SECRET")


def selected(only: list[str] | None) -> list[tuple[str, dict]]:
    from .errors import BadParameter

    names = [s for s, _ in PLAN]
    bad = [o for o in (only or []) if o not in names]
    if bad:
        raise BadParameter(f"unknown refresh source {bad[0]!r}; use one of {', '.join(names)}")
    return [(s, o) for s, o in PLAN if not only or s in only]


def fetch_options(source: str, options: dict) -> dict:
    """The options ``exo-industry fetch SOURCE`` would use (its defaults, e.g. base URLs
    from EXO_*_URL), overlaid with the refresh plan's."""
    import argparse

    from . import sources

    parser = argparse.ArgumentParser(add_help=False)
    sources.get(source).add_fetch_arguments(parser)
    return {**vars(parser.parse_args([])), **options}


# --------------------------------------------------------------------------- dry run
@contextlib.contextmanager
def _placeholder_credentials():
    missing = [v for v in _CREDENTIALS if not os.environ.get(v, "").strip()]
    for v in missing:
        os.environ[v] = "dry-run-placeholder"
    try:
        yield
    finally:
        for v in missing:
            os.environ.pop(v, None)


def first_requests(source: str, options: dict) -> list[dict]:
    """The first request of every query ``source`` would make (no network)."""
    from . import sources
    from .http import Planned, plan_requests
    from .store import RawStore

    module = sources.get(source)
    options = fetch_options(source, options)
    if hasattr(module, "plan_requests"):
        seen = module.plan_requests(**options)
    else:
        with tempfile.TemporaryDirectory() as tmp, _placeholder_credentials(), plan_requests() as seen:
            with contextlib.suppress(Planned):
                module.fetch(RawStore(Path(tmp)), **options)
            seen = seen[:1]
    keys = ("method", "url", "params", "body")
    return [{"source": source, **{k: r.get(k) for k in keys}} for r in seen]


def dry_run(only: list[str] | None = None) -> dict:
    out = []
    for source, options in selected(only):
        out += first_requests(source, options)
    return {"requests": out}


# --------------------------------------------------------------------------- ledger
def keep_previous_ledger() -> Path | None:
    """Copy the current claims ledger to ``claims.previous.csv`` (date in the .json beside it)."""
    from .config import paths
    from .store import atomic_write_text

    current = paths().claims
    if not current.exists():
        return None
    target = current.with_name("claims.previous.csv")
    tmp = target.with_suffix(".tmp")
    shutil.copyfile(current, tmp)
    os.replace(tmp, target)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(current.stat().st_mtime))
    atomic_write_text(target.with_suffix(".json"), json.dumps({"since": when}))
    return target


def ledger_changes(previous, current) -> list[dict]:
    """Claims whose verdict or reproduced value differ between two ledgers (frames)."""
    before = previous.set_index("claim_id")
    out = []
    for _, r in current.iterrows():
        cid = r["claim_id"]
        if cid not in before.index:
            out.append({"claim_id": cid, "field": "new claim", "before": "", "after": r["verdict"]})
            continue
        for field in ("verdict", "reproduced_value"):
            old, new = str(before.at[cid, field]), str(r[field])
            if old != new:
                out.append({"claim_id": cid, "field": field, "before": old, "after": new})
    return out


def changes_since() -> tuple[str, list[dict]] | None:
    """(date of the previous ledger, changes) after a refresh, else None."""
    from . import claims as claims_mod
    from .config import paths

    prev = paths().claims.with_name("claims.previous.csv")
    if not prev.exists() or not paths().claims.exists():
        return None
    meta = prev.with_suffix(".json")
    since = json.loads(meta.read_text(encoding="utf-8")).get("since", "") if meta.exists() else ""
    return since, ledger_changes(claims_mod.read_ledger(prev), claims_mod.read_ledger(paths().claims))


# --------------------------------------------------------------------------- refresh
def refresh(only: list[str] | None = None, budget: int = DEFAULT_BUDGET, echo=print) -> list[dict]:
    """Fetch every selected source under one request budget; returns the summary rows."""
    from . import sources
    from .http import request_budget
    from .store import RawStore

    plan = selected(only)
    keep_previous_ledger()
    rows: list[dict] = []
    with request_budget(budget) as spent:
        for i, (source, options) in enumerate(plan, start=1):
            echo(f"[{i}/{len(plan)}] {source} ...", flush=True)
            before, t0 = spent.total, time.perf_counter()
            try:
                entries = sources.get(source).fetch(RawStore(), **fetch_options(source, options))
                status = f"{len(entries)} file(s)"
            except SourceError as exc:
                status = f"failed: {str(exc).splitlines()[0][:120]}"
                if "request budget" in str(exc):
                    rows.append(_row(source, spent.total - before, t0, "stopped: budget"))
                    echo(f"  {exc}")
                    break
            rows.append(_row(source, spent.total - before, t0, status))
            echo(f"  {rows[-1]['requests']} request(s), {rows[-1]['seconds']} s: {status}")
    return rows


def _row(source: str, requests: int, t0: float, status: str) -> dict:
    return {"source": source, "requests": requests, "seconds": f"{time.perf_counter() - t0:.1f}",
            "status": status}  # fmt: skip
