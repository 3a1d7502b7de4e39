"""Page render benchmark: `make bench-pages` (or `python bench/page_bench.py --help`).

Loads the demo data (`manage.py load_demo`) into a fresh SQLite database in a temporary
directory and into a fresh PostgreSQL database, then requests each kind of reading page N
times with Django's test client and reports p50/p95 server time per page type:

- every live demo procedure page;
- the manual home, What's new and the A to Z;
- a procedure's history with a redline between its first two versions;
- a search results page.

The time is the whole request through the middleware, views and templates (no network, no
browser). Each engine runs in its own process (Django holds one default database per
process); this process starts them and prints one table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engines import run_each_engine  # noqa: E402
from bench.search_bench import machine, percentile  # noqa: E402

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/carebook_page_bench"
HOST = "localhost"
SEARCH_QUERY = "child protection"


def run_engine(arguments: argparse.Namespace) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    build = round(time.perf_counter() - start, 1)

    client = Client(HTTP_HOST=HOST)
    samples: dict[str, list[float]] = {}
    for kind, url in pages():
        response = client.get(url)  # warm-up, and proof that the page is there
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: check the demo data.")
        for _ in range(arguments.repeat):
            start = time.perf_counter()
            client.get(url)
            samples.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
    return {
        "engine": connection.vendor,
        "build": build,
        "latency": {
            kind: {
                "p50": round(statistics.median(values), 1),
                "p95": round(percentile(values, 0.95), 1),
                "n": len(values),
                "pages": len(values) // arguments.repeat,
            }
            for kind, values in samples.items()
        },
    }


def pages() -> list[tuple[str, str]]:
    """(kind, URL) of every page measured, from the demo data in the database."""
    from django.db.models import Count

    from carebook.manuals.models import Manual, Procedure

    manual = Manual.objects.live().public().order_by("path").first()
    if manual is None:
        raise SystemExit("The demo data has no live public manual.")
    procedures = list(Procedure.objects.live().descendant_of(manual).order_by("path"))
    found = [("procedure", procedure.url) for procedure in procedures]
    found += [
        ("manual home", manual.url),
        ("what's new", f"{manual.url}whats-new/"),
        ("a to z", f"{manual.url}a-z/"),
        ("search results", f"{manual.url}search/?q={SEARCH_QUERY.replace(' ', '+')}"),
    ]
    revised = (
        Procedure.objects.live()
        .descendant_of(manual)
        .annotate(versions_count=Count("versions"))
        .filter(versions_count__gte=2)
        .order_by("path")
        .first()
    )
    if revised is None:
        raise SystemExit("No demo procedure has two versions: no redline to measure.")
    found.append(("history with redline", f"{revised.url}history/?from=1&to=2"))
    return found


# ---------------------------------------------------------------------------------------------
# The parent process


def print_table(reports: list[dict], arguments: argparse.Namespace) -> None:
    print()
    print(f"Machine: {machine()}")
    print(f"Each page requested {arguments.repeat} times after one warm-up request.")
    for report in reports:
        print(f"Demo data loaded on {report['engine']} in {report['build']} s")
    print()
    print("| engine | page | pages | requests | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|")
    for report in reports:
        for kind, figures in report["latency"].items():
            print(
                f"| {report['engine']} | {kind} | {figures['pages']} | {figures['n']} "
                f"| {figures['p50']} | {figures['p95']} |"
            )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed requests of each page")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_PAGES_URL", DEFAULT_POSTGRES_URL),
        help="a database the benchmark may drop and create",
    )
    parser.add_argument("--run-engine", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.run_engine:
        print(json.dumps(run_engine(arguments)))
        return

    reports = run_each_engine(
        __file__,
        engines=arguments.engines,
        postgres_url=arguments.postgres_url,
        sqlite_name="pages.sqlite3",
        message="Loading the demo data and measuring on {engine}…",
    )
    print_table(reports, arguments)


if __name__ == "__main__":
    main()
