"""Self-audit report benchmark: `make bench-audits` (or `python bench/audit_bench.py --help`).

Builds, in a fresh SQLite database (temporary directory) and a fresh PostgreSQL database, a
synthetic 40-item framework (loaded through the framework loader) and audits with 10, 50 and
150 participants, every return complete: ratings across the scale with some not applicable,
a moderated rating for about one answer in eight, two actions per participant (some overdue,
some verified), and a previous cycle (150 participants) that each audit compares with. Then:

- the dashboard of the 150-participant audit, N times through Django's test client, signed
  in as the lead (p50/p95: the whole request through middleware, view and templates);
- the XLSX export of the same audit, N times;
- the number of database queries of `build_report` and of the dashboard request, at 10, 50
  and 150 participants (they must not grow).

Each engine runs in its own process; this process starts them and prints one table, with
the load average (`os.getloadavg`) before and after each engine's run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engines import run_each_engine  # noqa: E402
from bench.search_bench import machine, percentile  # noqa: E402

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/carebook_audit_bench"
SIZES = (10, 50, 150)
SECTIONS, ITEMS_PER_SECTION = 5, 8
TARGETS = {"dashboard": 300.0, "xlsx": 3000.0}


def framework_yaml() -> bytes:
    lines = [
        "carebook_framework: 1",
        "ref: bench-framework",
        'version: "1"',
        "name: Benchmark framework",
        "description: A synthetic framework for the report benchmark.",
        "publisher: Carebook benchmark",
        "source:",
        "  title: None",
        "  year: 2024",
        "licence: Open Government Licence v3.0",
        "scale:",
        "  - {value: 1, label: Not in place, colour: red}",
        "  - {value: 2, label: Emerging, colour: orange}",
        "  - {value: 3, label: Established, colour: green}",
        "  - {value: 4, label: Embedded, colour: blue}",
        "allow_not_applicable: true",
        "sections:",
    ]
    for section in range(1, SECTIONS + 1):
        lines += [f'  - ref: "{section}"', f"    name: Section {section}", "    items:"]
        for item in range(1, ITEMS_PER_SECTION + 1):
            lines += [
                f'      - ref: "{section}.{item}"',
                f"        statement: Recommendation {section}.{item} is in place.",
            ]
    return ("\n".join(lines) + "\n").encode()


def build(seed: int = 7) -> dict:
    """The framework, organisations, lead and audits; returns their ids."""
    import datetime as dt

    from django.utils import timezone

    from carebook.accounts.models import Membership, Role, User
    from carebook.audits.models import (
        Action,
        ActionStatus,
        Audit,
        AuditStatus,
        ModeratedRating,
        Participant,
        ParticipantStatus,
        Response,
    )
    from carebook.audits.services import load_framework
    from carebook.organisations.models import Organisation

    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    version = load_framework(data=framework_yaml()).framework_version
    items = list(version.items.order_by("position"))
    levels = list(version.scale_levels.order_by("value"))
    lead_org = Organisation.objects.create(
        name="Bench Partnership", slug="bench-partnership", kind="partnership"
    )
    lead = User.objects.create_user(email="lead@bench.example", password=None)
    Membership.objects.create(user=lead, organisation=lead_org, role=Role.AUDIT_LEAD)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Agency {n:03d}", slug=f"agency-{n:03d}", kind="voluntary")
        for n in range(max(SIZES))
    )
    today = timezone.localdate()

    def make_audit(title: str, count: int, previous=None) -> Audit:
        audit = Audit.objects.create(
            lead_organisation=lead_org,
            framework_version=version,
            title=title,
            period_start=dt.date(2026, 4, 1),
            period_end=dt.date(2027, 3, 31),
            due_date=dt.date(2026, 6, 30),
            status=AuditStatus.MODERATION,
            previous=previous,
        )
        participants = Participant.objects.bulk_create(
            Participant(audit=audit, organisation=org, status=ParticipantStatus.SUBMITTED)
            for org in organisations[:count]
        )
        responses, moderated = [], []
        for participant in participants:
            for item in items:
                not_applicable = rng.random() < 0.05
                responses.append(
                    Response(
                        participant=participant,
                        item=item,
                        rating=None if not_applicable else rng.choice(levels),
                        not_applicable=not_applicable,
                        not_applicable_reason="Not a service we provide." if not_applicable else "",
                        narrative=f"What {participant.organisation.name} does about {item.ref}.",
                        sufficiency="Audit of case files, quarterly.",
                    )
                )
                if rng.random() < 0.125:
                    moderated.append(
                        ModeratedRating(
                            participant=participant,
                            item=item,
                            rating=rng.choice(levels),
                            rationale="Agreed at the challenge event.",
                        )
                    )
        Response.objects.bulk_create(responses, batch_size=2000)
        ModeratedRating.objects.bulk_create(moderated, batch_size=2000)
        for number, participant in enumerate(participants):
            for offset in (-30, 90):
                action = Action.objects.create(
                    audit=audit,
                    owner_name="A. Manager",
                    description=f"Action {number} for {participant.organisation.name}",
                    due_date=today + dt.timedelta(days=offset),
                    status=ActionStatus.VERIFIED if number % 5 == 0 else ActionStatus.OPEN,
                )
                action.items.set(rng.sample(items, 2))
                action.owners.set([participant.organisation])
        return audit

    previous = make_audit("Previous cycle", max(SIZES))
    # Every audit compares with the same previous cycle, so that the sizes differ only in
    # their participants.
    audits = {count: make_audit(f"Audit of {count}", count, previous) for count in SIZES}
    return {"lead": lead.pk, "audits": {count: audit.pk for count, audit in audits.items()}}


def run_engine(arguments: argparse.Namespace) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from carebook.accounts.models import User
    from carebook.audits.models import Audit
    from carebook.audits.reports import build_report

    load_before = os.getloadavg()
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    ids = build()
    built = round(time.perf_counter() - start, 1)

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(pk=ids["lead"]))
    queries = {}
    for count, audit_id in ids["audits"].items():
        audit = Audit.objects.get(pk=audit_id)
        # The query log holds at most 9,000 entries: empty it so that the counts are exact.
        reset_queries()
        with CaptureQueriesContext(connection) as report_queries:
            build_report(audit=audit)
        client.get(f"/audits/{audit_id}/report/")
        reset_queries()
        with CaptureQueriesContext(connection) as page_queries:
            response = client.get(f"/audits/{audit_id}/report/")
        if response.status_code != 200:
            raise SystemExit(f"The dashboard answered {response.status_code}.")
        queries[count] = {"report": len(report_queries), "dashboard": len(page_queries)}
    reset_queries()

    largest = ids["audits"][max(SIZES)]
    samples: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    for kind, url, repeat in (
        ("dashboard", f"/audits/{largest}/report/", arguments.repeat),
        ("xlsx", f"/audits/{largest}/report/board-report.xlsx", arguments.xlsx_repeat),
    ):
        response = client.get(url)  # warm-up
        sizes[kind] = len(response.content)
        for _ in range(repeat):
            begin = time.perf_counter()
            client.get(url)
            samples.setdefault(kind, []).append((time.perf_counter() - begin) * 1000)
    return {
        "engine": connection.vendor,
        "build": built,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "queries": queries,
        "sizes": sizes,
        "latency": {
            kind: {
                "p50": round(statistics.median(values), 1),
                "p95": round(percentile(values, 0.95), 1),
                "n": len(values),
            }
            for kind, values in samples.items()
        },
    }


# ---------------------------------------------------------------------------------------------
# The parent process


def print_table(reports: list[dict], arguments: argparse.Namespace) -> None:
    print()
    print(f"Machine: {machine()}")
    print(
        f"{max(SIZES)} participants × {SECTIONS * ITEMS_PER_SECTION} items; dashboard requested "
        f"{arguments.repeat} times and XLSX {arguments.xlsx_repeat} times, after one warm-up."
    )
    for report in reports:
        print(
            f"{report['engine']}: data built in {report['build']} s; load average "
            f"{' '.join(map(str, report['load_before']))} before, "
            f"{' '.join(map(str, report['load_after']))} after; dashboard "
            f"{report['sizes']['dashboard'] // 1024} KB, XLSX {report['sizes']['xlsx'] // 1024} KB"
        )
    print()
    print("| engine | what | requests | p50 ms | p95 ms | target ms |")
    print("|---|---|---|---|---|---|")
    for report in reports:
        for kind, figures in report["latency"].items():
            print(
                f"| {report['engine']} | {kind} | {figures['n']} | {figures['p50']} "
                f"| {figures['p95']} | ≤ {TARGETS[kind]:.0f} |"
            )
    print()
    print("| engine | participants | `build_report` queries | dashboard request queries |")
    print("|---|---|---|---|")
    for report in reports:
        for count, figures in report["queries"].items():
            print(
                f"| {report['engine']} | {count} | {figures['report']} | {figures['dashboard']} |"
            )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed dashboard requests")
    parser.add_argument("--xlsx-repeat", type=int, default=10, help="timed XLSX exports")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_AUDITS_URL", DEFAULT_POSTGRES_URL),
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
        sqlite_name="audits.sqlite3",
        message="Building the audits and measuring on {engine}…",
        drop_postgres_after=True,
    )
    print_table(reports, arguments)


if __name__ == "__main__":
    main()
