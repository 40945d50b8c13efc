"""How many requests and how long `exo-industry refresh` takes, against the replay server.

Usage: python scripts/benchmark_refresh.py [--latency 0.2] [--budget 400]

The replay server (tests/replay.py) answers every request after ``--latency`` seconds with
bodies in each service's recorded schema (the real recordings of ../shared/data/*/fixtures_*
where the tests use them, else the tests' hand-written pages), and enforces the documented
limits the tests encode (tests/test_live_limits.py: OpenAlex per_page and key, Lens plan
size and rate headers). Each client keeps its own politeness interval, so the wall time is
what a real refresh would spend waiting, plus the added latency. EPO OPS is not replayed
here (its token exchange and XML answers have no replay fixture yet).

Prints one row per source (requests, seconds, status) and the totals against the targets
(issue 12: at most 80 requests and 60 s for the default parameters).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_REQUESTS, TARGET_SECONDS = 80, 60.0
SOURCES = ["ctgov", "openalex", "pubmed", "lens", "wpp", "who_gho"]


def register(server) -> None:
    """Answers for every query of the refresh plan, in each service's schema."""
    from test_ctgov import PAGE_A, _fix
    from test_literature import ncbi_fixture, year_body
    from test_live_limits import LensRules, openalex_rules
    from test_patents_sources import _lens_pages
    from test_who_gho import page as who_page
    from test_who_gho import row as who_row
    from test_wpp import portal_page
    from test_wpp import row as wpp_row

    last = json.loads(_fix(PAGE_A))
    last.pop("nextPageToken", None)
    last["totalCount"] = len(last["studies"])
    server.add("GET", "/api/v2/studies", json.dumps(last))
    server.add_rule(lambda m, path, q, h, b: openalex_rules(m, path, q, h, b) if path == "/works" else None)
    top = (("CN", 900), ("US", 800), ("DE", 300), ("JP", 250), ("GB", 240), ("IT", 200), ("KR", 190))
    groups = [
        {"key": f"https://openalex.org/countries/{c}", "key_display_name": c, "count": n} for c, n in top
    ]
    countries = {
        "group_by": groups,
        "meta": {"count": 2880, "next_cursor": None, "groups_count": len(groups)},
    }
    server.add("GET", "/works", json.dumps(countries), query=None, times=1)
    server.add("GET", "/works", year_body({y: 10 * (y - 2000) for y in range(2007, 2025)}))
    server.add("GET", "/esearch.fcgi", ncbi_fixture("esearch1.xml").read_bytes())
    server.add_rule(
        lambda m, path, q, h, b: LensRules()(m, path, q, h, b) if path.startswith("/patent") else None
    )
    p1, p2, _n = _lens_pages()
    server.add("POST", "/patent/search", p1, times=1)
    server.add("POST", "/patent/search", p2)
    wpp = portal_page([wpp_row(2023, "60-64", "Both sexes", 80000)]).replace('"pages": 2', '"pages": 1')
    server.add("GET", "/data/indicators/46/locations/156/start/1950/end/2100", wpp)
    server.add(
        "GET", "/api/NCDMORT3070", who_page([who_row("CHN", 2019, 15.9), who_row("GLOBAL", 2019, 17.8)])
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--latency", type=float, default=0.2, help="seconds added to every answer")
    ap.add_argument("--budget", type=int, default=400)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from exo_industry import refresh
    from replay import ReplayServer

    with tempfile.TemporaryDirectory() as tmp, ReplayServer(latency=args.latency) as server:
        env = {
            "EXO_RAW": f"{tmp}/raw", "EXO_CACHE": f"{tmp}/cache", "EXO_PROCESSED": f"{tmp}/processed",
            "EXO_CTGOV_URL": f"{server.url}/api/v2", "EXO_OPENALEX_URL": server.url,
            "EXO_PUBMED_URL": server.url, "EXO_LENS_URL": server.url, "EXO_WPP_URL": server.url,
            "EXO_WHO_GHO_URL": f"{server.url}/api", "OPENALEX_API_KEY": "benchmark-key",
            "LENS_API_TOKEN": "benchmark-token",
        }  # fmt: skip
        os.environ.update(env)
        register(server)
        t0 = time.perf_counter()
        rows = refresh.refresh(SOURCES, budget=args.budget, echo=lambda *a, **k: None)
        wall = time.perf_counter() - t0
    total = sum(r["requests"] for r in rows)
    width = max(len(r["source"]) for r in rows)
    print(f"refresh against the replay server, {args.latency * 1000:.0f} ms added per request\n")
    print(f"{'source':{width}}  requests  seconds  status")
    for r in rows:
        print(f"{r['source']:{width}}  {r['requests']:8d}  {float(r['seconds']):7.1f}  {r['status']}")
    print(f"{'total':{width}}  {total:8d}  {wall:7.1f}")
    met_r = "met" if total <= TARGET_REQUESTS else "NOT met"
    met_s = "met" if wall <= TARGET_SECONDS else "NOT met"
    print(
        f"\ntargets: <= {TARGET_REQUESTS} requests ({met_r}), <= {TARGET_SECONDS:.0f} s ({met_s}); "
        "EPO OPS not replayed"
    )
    failed = any(not r["status"].endswith("file(s)") for r in rows)
    return 1 if failed or total > TARGET_REQUESTS or wall > TARGET_SECONDS else 0


if __name__ == "__main__":
    raise SystemExit(main())
