"""Search benchmark: `make bench-search` (or `python bench/search_bench.py --help`).

Builds a national-size search index (default 30 manuals × 2,000 procedures of about 500
words, three manuals per organisation) on SQLite and on PostgreSQL, then doubles it to 60
manuals, and reports p50/p95 latency of narrow and broad queries, scoped to one manual and
to one organisation, for:

- Carebook's search layer (`carebook.search.selectors.search`: parse, rank, count, snippets);
- on PostgreSQL, the same with built-in multi-word terms found by word positions, as before
  ADR 0004 gave them lexemes (and as during a release that changes the list);
- the floor: the same FTS5 bm25 / ts_rank_cd ranking query written by hand;
- Wagtail's default database search backend over one manual's 2,000 real `Procedure` pages
  (searched on the model's own `search_fields`: title, summary and keywords).

Each engine runs in its own process (Django holds one default database per process); this
process starts them and prints one table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
MANUALS_PER_ORGANISATION = 3
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/carebook_search_bench"

# (kind, what the reader types, the floor's FTS5 MATCH, the floor's to_tsquery), by hand.
QUERIES = [
    ("narrow", "forced marriage", '"forced" AND "marriage"', "forced & marriage"),
    ("narrow", '"county lines"', '"county lines"', "county <-> lines"),
    ("narrow", "witchcraft", '"witchcraft"', "witchcraft"),
    ("narrow", "female genital mutilation", '"female" AND "genital" AND "mutilation"',
     "female & genital & mutilation"),
    ("broad", "child", '"child"', "child"),
    ("broad", "child family plan", '"child" AND "family" AND "plan"', "child & family & plan"),
    ("broad", "assess*", '"assess"*', "assess:*"),
    ("broad", "social worker", '"social" AND "worker"', "social & worker"),
]  # fmt: skip

# Wagtail's database backend has neither prefix search nor stemming on SQLite: the nearest
# query it can answer.
WAGTAIL_EQUIVALENT = {"assess*": "assessment"}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(function: Callable[[], object], repeat: int, label: str) -> list[float]:
    # The first run warms caches (the figures are for a server that has been running) and
    # proves the query finds something: timing an empty index would flatter it.
    if not found_something(function()):
        raise SystemExit(f"The benchmark query {label} found nothing: check the corpus.")
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def found_something(result: object) -> bool:
    """Whether a query's result (ours, a floor's rows, or Wagtail's (hits, count)) has hits."""
    if hasattr(result, "total"):
        return result.total > 0
    if isinstance(result, tuple):
        return result[1] > 0
    return bool(result)


# ---------------------------------------------------------------------------------------------
# The engine process


def run_engine(arguments: argparse.Namespace) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    report: dict = {"engine": connection.vendor, "build": {}, "latency": {}}

    start = time.perf_counter()
    wagtail = build_wagtail_manual(arguments)
    report["build"]["wagtail_pages"] = round(time.perf_counter() - start, 1)

    for manuals in (arguments.manuals, arguments.manuals * 2):
        start = time.perf_counter()
        build_index(arguments, up_to=manuals)
        report["build"][f"index_{manuals}"] = round(time.perf_counter() - start, 1)
        report["latency"][str(manuals)] = measure(
            arguments, wagtail if manuals == arguments.manuals else None
        )
    if connection.vendor == "postgresql":
        report["build"].update(rewrite_cost())
        report["build"].update(sync_cost())
    return report


def sync_cost() -> dict[str, float]:
    """Seconds to give every row the phrase lexemes again, as after a change of the list."""
    from carebook.search.models import PhraseLexemes
    from carebook.search.services import sync_phrase_lexemes

    PhraseLexemes.objects.filter(pk=1).update(digest="")
    start = time.perf_counter()
    rows = sync_phrase_lexemes()
    return {f"sync_phrase_lexemes_{rows}_rows": round(time.perf_counter() - start, 1)}


def rewrite_cost() -> dict[str, float]:
    """Seconds to rewrite manual 1's vectors, with phrase lexemes and as before ADR 0004.

    Both run on the same 2,000 rows, each in a transaction that is rolled back.
    """
    from django.db import connection, transaction

    from carebook.search.engines import postgres
    from carebook.search.models import SearchEntry

    ids = list(SearchEntry.objects.filter(manual_id=1).values_list("id", flat=True))
    plain = (
        f"UPDATE search_searchentry SET vector = {postgres.VECTOR}, "  # noqa: S608
        f"head = {postgres.HEAD} WHERE id = ANY(%s)"
    )
    writes = {
        "rewrite_manual_without_lexemes": lambda cursor: cursor.execute(plain, [ids]),
        "rewrite_manual_with_lexemes": lambda cursor: postgres.refresh(
            cursor, organisation_id=1, entry_ids=ids
        ),
    }
    # Each twice, in turn, so that neither gains from running second; the faster run counts.
    timings: dict[str, float] = {}
    for name in [*writes, *reversed(writes)]:
        with transaction.atomic(), connection.cursor() as cursor:
            start = time.perf_counter()
            writes[name](cursor)
            seconds = round(time.perf_counter() - start, 2)
            transaction.set_rollback(True)
        timings[name] = min(seconds, timings.get(name, seconds))
    return timings


def build_index(arguments: argparse.Namespace, *, up_to: int) -> None:
    from django.db import connection

    from bench.vocabulary import procedure
    from carebook.search.models import SearchEntry
    from carebook.search.services import IndexEntry, index_entries

    done = SearchEntry.objects.values("manual_id").distinct().count()
    published_at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for manual in range(done + 1, up_to + 1):
        organisation = (manual - 1) // MANUALS_PER_ORGANISATION + 1
        entries = []
        for number in range(1, arguments.procedures + 1):
            text = procedure(seed=arguments.seed, manual=manual, number=number)
            entries.append(
                IndexEntry(
                    organisation_id=organisation,
                    manual_id=manual,
                    procedure_id=manual * 100_000 + number,
                    chapter_id=manual * 100 + number % 10,
                    chapter_title=f"Chapter {number % 10}",
                    title=text.title,
                    summary=text.summary,
                    keywords=text.keywords,
                    audience=["childrens-social-work"],
                    body_text=text.body_text,
                    url=f"/org-{organisation}/manual-{manual}/chapter/procedure-{number}/",
                    published_at=published_at,
                )
            )
        index_entries(entries=entries)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(arguments: argparse.Namespace, wagtail: Callable[[str], object] | None) -> dict:
    from django.db import connection

    from carebook.search.selectors import search

    organisation_manuals = list(range(1, MANUALS_PER_ORGANISATION + 1))
    scopes = {"manual": [1], "organisation": organisation_manuals}
    samples: dict[str, list[float]] = {}

    def add(name: str, values: list[float]) -> None:
        samples.setdefault(name, []).extend(values)

    with connection.cursor() as cursor:
        for kind, typed, match, tsquery in QUERIES:
            for scope, manual_ids in scopes.items():

                def run(typed=typed, manual_ids=manual_ids) -> object:
                    return search(query=typed, organisation_id=1, manual_ids=manual_ids)

                values = timed(run, arguments.repeat, f"{typed!r} (Carebook, {scope})")
                add(f"carebook|{scope}|{kind}", values)
                add(f"query|{scope}|{typed}", values)
                if connection.vendor == "postgresql":
                    with phrases_by_position():
                        label = f"{typed!r} (Carebook, phrases by position, {scope})"
                        values = timed(run, arguments.repeat, label)
                    add(f"positions|{scope}|{kind}", values)
                    add(f"query-positions|{scope}|{typed}", values)
                floor = floor_query(cursor, connection.vendor, match, tsquery, manual_ids)
                add(
                    f"floor|{scope}|{kind}",
                    timed(floor, arguments.repeat, f"{typed!r} (floor, {scope})"),
                )
            if wagtail is not None:
                add(
                    f"wagtail|manual|{kind}",
                    timed(
                        lambda typed=typed: wagtail(typed),
                        arguments.wagtail_repeat,
                        f"{typed!r} (Wagtail)",
                    ),
                )
    return {
        name: {
            "p50": round(statistics.median(values), 1),
            "p95": round(percentile(values, 0.95), 1),
            "n": len(values),
        }
        for name, values in samples.items()
    }


@contextmanager
def phrases_by_position() -> Iterator[None]:
    """PostgreSQL searches as if every row had been written with another phrase list.

    Built-in multi-word terms are then matched on word positions: ADR 0004's fallback, and how
    every phrase was found before it.
    """
    from carebook.search.engines import postgres

    current = postgres.list_marker
    postgres.list_marker = lambda: f"{postgres.PHRASE_LEXEME_PREFIX}list_none"
    try:
        yield
    finally:
        postgres.list_marker = current


def floor_query(cursor, vendor: str, match: str, tsquery: str, manual_ids: list[int]):
    """The ranking query alone, as one would write it by hand: no parsing, count or snippets."""
    if vendor == "sqlite":
        table = "search_fts_1"
        if len(manual_ids) == MANUALS_PER_ORGANISATION:
            # The organisation's table holds exactly its manuals: no join needed.
            sql = (
                f"SELECT rowid, bm25({table}, 10.0, 8.0, 3.0, 1.0) AS score FROM {table} "  # noqa: S608
                f"WHERE {table} MATCH %s ORDER BY score LIMIT 20"
            )
            parameters: list = [match]
        else:
            sql = (
                f"SELECT e.id, bm25({table}, 10.0, 8.0, 3.0, 1.0) AS score FROM {table} "  # noqa: S608
                f"CROSS JOIN search_searchentry AS e ON e.id = {table}.rowid "
                f"WHERE {table} MATCH %s AND e.manual_id = %s ORDER BY score LIMIT 20"
            )
            parameters = [match, manual_ids[0]]
    else:
        sql = (
            "SELECT id FROM search_searchentry, to_tsquery('english', %s) AS q "
            "WHERE manual_id = ANY(%s) AND vector @@ q "
            "ORDER BY ts_rank_cd(vector, q) DESC LIMIT 20"
        )
        parameters = [tsquery, manual_ids]

    def run() -> list:
        cursor.execute(sql, parameters)
        return cursor.fetchall()

    return run


def build_wagtail_manual(arguments: argparse.Namespace) -> Callable[[str], object]:
    """One manual's procedures as real `Procedure` pages, indexed by Wagtail's database backend.

    The pages are built under a `Manual` and a `Chapter` with `add_child`, without going through
    the publishing receiver (no versions or Carebook index rows: only Wagtail's own index is
    timed here). Wagtail's indexing signal handlers are paused while the pages are made, and
    the pages are then indexed in bulk through the backend, as `update_index` does.
    """
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page
    from wagtail.rich_text import RichText
    from wagtail.search.backends import get_search_backend
    from wagtail.search.signal_handlers import post_delete_signal_handler, post_save_signal_handler
    from wagtail.search.utils import parse_query_string

    from bench.vocabulary import procedure
    from carebook.manuals.models import Chapter, Manual, Procedure

    models = (Manual, Chapter, Procedure)
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_delete.disconnect(post_delete_signal_handler, sender=model)
    try:
        root = Page.objects.get(depth=1)
        manual = root.add_child(instance=Manual(title="Bench manual", slug="bench-manual"))
        chapter = manual.add_child(instance=Chapter(title="Bench chapter", slug="bench-chapter"))
        for number in range(1, arguments.procedures + 1):
            text = procedure(seed=arguments.seed, manual=1, number=number)
            chapter.add_child(
                instance=Procedure(
                    title=text.title,
                    slug=f"procedure-{number}",
                    summary=text.summary,
                    keywords=", ".join(text.keywords),
                    audience=["childrens-social-work"],
                    body=[
                        ("section", {"heading": f"Section {index + 1}", "content": RichText(part)})
                        for index, part in enumerate(_paragraphs(text.body_text))
                    ],
                    amendment_note="Benchmark page.",
                )
            )
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)
            post_delete.connect(post_delete_signal_handler, sender=model)
    backend = get_search_backend()
    pages = Procedure.objects.descendant_of(manual)
    backend.add_bulk(Procedure, list(pages))

    def wagtail_search(typed: str) -> object:
        # As Wagtail's admin page search does: quotes make phrases, words are ANDed.
        _filters, query = parse_query_string(WAGTAIL_EQUIVALENT.get(typed, typed), operator="and")
        results = backend.search(query, Procedure.objects.live().descendant_of(manual))
        return list(results[:20]), results.count()

    return wagtail_search


def _paragraphs(body_text: str, sections: int = 5) -> list[str]:
    """The body split into `sections` rich-text paragraphs."""
    words = body_text.split()
    size = -(-len(words) // sections)
    return [
        f"<p>{' '.join(words[start : start + size])}</p>" for start in range(0, len(words), size)
    ]


# ---------------------------------------------------------------------------------------------
# The parent process


def prepare_database(engine: str, arguments: argparse.Namespace) -> str:
    if engine == "sqlite":
        path = ROOT / "var" / "bench" / "search.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    parts = urlsplit(arguments.postgres_url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return arguments.postgres_url


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}; "
        f"reference loop {reference_loop_ms():.0f} ms (speed of this machine); load {load}"
    )


def reference_loop_ms() -> float:
    """Best of five runs of a fixed pure-Python loop: compares machines between runs."""
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        sum(range(10_000_000))
        runs.append((time.perf_counter() - start) * 1000)
    return min(runs)


def print_table(reports: list[dict], arguments: argparse.Namespace) -> None:
    small, large = str(arguments.manuals), str(arguments.manuals * 2)
    print()
    print(f"Machine: {machine()}")
    print(
        f"Corpus: {arguments.procedures} procedures per manual, about 500 words each, "
        f"{MANUALS_PER_ORGANISATION} manuals per organisation, seed {arguments.seed}"
    )
    for report in reports:
        builds = ", ".join(f"{name} {seconds} s" for name, seconds in report["build"].items())
        print(f"Build ({report['engine']}): {builds}")
    print()
    header = (
        f"| engine | what | scope | queries | p50 ms ({small}) | p95 ms ({small}) "
        f"| p50 ms ({large}) | p95 ms ({large}) |"
    )
    print(header)
    print("|" + "---|" * 8)
    for report in reports:
        for name in report["latency"][small]:
            what, scope, kind = name.split("|")
            if what in LABELS:
                print(row(report, name, LABELS[what], scope, kind, small, large))
    print()
    print("Carebook search by query:")
    print()
    print(header.replace("| queries |", "| query |"))
    print("|" + "---|" * 8)
    for report in reports:
        for name in report["latency"][small]:
            what, scope, typed = name.split("|")
            if what in QUERY_LABELS:
                print(row(report, name, QUERY_LABELS[what], scope, f"`{typed}`", small, large))
    print()


LABELS = {
    "carebook": "Carebook search",
    "positions": "Carebook search, phrases by position",
    "floor": "bare engine query",
    "wagtail": "Wagtail database backend",
}
QUERY_LABELS = {"query": LABELS["carebook"], "query-positions": LABELS["positions"]}


def row(report: dict, name: str, label: str, scope: str, kind: str, small: str, large: str):
    first, second = report["latency"][small][name], report["latency"][large].get(name)
    return (
        f"| {report['engine']} | {label} | {scope} | {kind} | {first['p50']} | {first['p95']} "
        f"| {second['p50'] if second else '–'} | {second['p95'] if second else '–'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manuals", type=int, default=30, help="manuals before doubling")
    parser.add_argument("--procedures", type=int, default=2000, help="procedures per manual")
    parser.add_argument("--repeat", type=int, default=25, help="timed runs of each query")
    parser.add_argument("--wagtail-repeat", type=int, default=5, help="runs on Wagtail's backend")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a database the benchmark may drop and create",
    )
    parser.add_argument("--run-engine", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.run_engine:
        print(json.dumps(run_engine(arguments)))
        return

    reports = []
    for engine in arguments.engines.split(","):
        print(f"Building and measuring on {engine}…", file=sys.stderr, flush=True)
        environment = {**os.environ, "DATABASE_URL": prepare_database(engine, arguments)}
        command = [sys.executable, __file__, "--run-engine", *sys.argv[1:]]
        output = subprocess.run(  # noqa: S603 - our own script, with our own arguments
            command, env=environment, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
        )
        reports.append(json.loads(output.stdout.strip().splitlines()[-1]))
    print_table(reports, arguments)


if __name__ == "__main__":
    main()
