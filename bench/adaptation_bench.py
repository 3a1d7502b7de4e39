"""National update benchmark: `make bench-adaptation` (or `python bench/adaptation_bench.py -h`).

Loads the demo data (`manage.py load_demo`) into a fresh SQLite database in a temporary
directory and into a fresh PostgreSQL database, makes the national base manual
(`national-library/childrens-social-care`) followed by N manuals in all (the demo's two and
N - 2 more, each with its own organisation, made with the same services as the admin), and
measures the three requirements of national updates:

1. The publisher's publish request: an HTTP POST of the Wagtail edit form with
   `action-publish`, as the publisher's approver sends it, with the tasks backend queueing the
   propagation in the database (`django_tasks_db.DatabaseBackend`, as in production) and, side
   by side, with the immediate backend (every subscriber updated inside the request). The
   queued propagations are then run by `manage.py db_worker --batch`.
2. Propagation (`propagate_national_version`, what the worker runs) to every subscriber, once
   with every subscribing organisation applying national updates automatically and once with
   every one reviewing them first; each followed by a second run of the same version, which
   must change nothing. Then the scheduler's job that passes on every national version
   (`catch_up`), with changes pending, being applied, and all up to date.
3. Rendering a derived procedure with local amendments against the same national version
   rendered plain, with and without the glossary, and the two procedure pages through Django's
   test client.

Each engine runs in its own process (Django holds one default database per process); this
process starts them and prints the tables.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engines import run_each_engine  # noqa: E402
from bench.search_bench import machine, percentile  # noqa: E402

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/carebook_adapt_bench"
HOST = "localhost"
BASE_PATH = ("national-library", "childrens-social-care")
# The national procedure that the publisher keeps changing: six sections, four related
# procedures, two legislation links, and local content in both demo subscribers.
NATIONAL_SLUG = "children-missing-from-home-or-care"
# Each benchmark publish rewrites this section (by position), so that local content attached
# to it is flagged for review, as after a real national change.
CHANGED_SECTION = 1
PUBLISHER_LOGIN = "approver@national-library.example"
QUEUEING_BACKEND = "django_tasks_db.DatabaseBackend"
IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"
DUMMY_BACKEND = "django_tasks.backends.dummy.DummyBackend"
PROPAGATION_TASK = "carebook.adaptation.tasks.propagate_national_version_task"
RENDER_REPEAT = 20  # render calls per --repeat: each takes a few milliseconds


def rounded(value: float) -> float:
    """Three significant figures at most: renders without a glossary take microseconds."""
    return float(f"{value:.3g}") if value < 100 else round(value, 1)


def milliseconds(samples: list[float]) -> dict:
    return {
        "p50": rounded(statistics.median(samples)),
        "p95": rounded(percentile(samples, 0.95)),
        "max": rounded(max(samples)),
        "n": len(samples),
    }


def timed_pair(first: Callable[[], object], second: Callable[[], object], repeat: int):
    """Both functions timed in turn, so that a change of load on a shared machine falls on
    both series alike."""
    first()
    second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, times in ((first, samples[0]), (second, samples[1])):
            start = time.perf_counter()
            function()
            times.append((time.perf_counter() - start) * 1000)
    return samples


class StatementCounter:
    """Counts the SQL statements a piece of work sends, and how many of them write."""

    WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

    def __init__(self):
        self.total = 0
        self.writes = 0

    def __call__(self, execute, sql, params, many, context):
        self.total += 1
        if sql.lstrip()[:7].upper().startswith(self.WRITES):
            self.writes += 1
        return execute(sql, params, many, context)


@contextmanager
def tasks_backend(path: str):
    from django.test import override_settings

    with override_settings(TASKS={"default": {"BACKEND": path}}):
        yield


# ---------------------------------------------------------------------------------------------
# The engine process: building the data


def run_engine(arguments: argparse.Namespace) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    report: dict = {"engine": connection.vendor, "build": {}, "load": [os.getloadavg()[0]]}
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    report["build"]["demo"] = round(time.perf_counter() - start, 1)

    base, national = national_procedure()
    start = time.perf_counter()
    added = add_subscribers(base, arguments.subscribers)
    report["build"]["subscribers"] = round(time.perf_counter() - start, 1)
    report["build"]["subscribers_added"] = added
    report["subscribers"] = national.derivatives.count()
    print(
        f"[{connection.vendor}] {report['subscribers']} subscribers ready "
        f"({report['build']['subscribers']} s)",
        file=sys.stderr,
        flush=True,
    )
    local = add_local_content(national)

    report["publish"] = measure_publish(national, arguments)
    report["load"].append(os.getloadavg()[0])
    report["propagation"] = measure_propagation(national, arguments)
    report["load"].append(os.getloadavg()[0])
    report["render"] = measure_render(national, local, arguments)
    report["load"].append(os.getloadavg()[0])
    return report


def national_procedure():
    from carebook.manuals.models import Manual, Procedure
    from carebook.organisations.models import Organisation

    publisher = Organisation.objects.get(slug=BASE_PATH[0])
    base = Manual.objects.child_of(publisher.home_page).get(slug=BASE_PATH[1])
    national = Procedure.objects.descendant_of(base).get(slug=NATIONAL_SLUG)
    return base, national


def add_subscribers(base, wanted: int) -> int:
    """Organisations and manuals following `base` until it has `wanted` subscribers."""
    from carebook.adaptation.models import Subscription
    from carebook.adaptation.services import subscribe
    from carebook.manuals.models import Manual
    from carebook.organisations.services import provision_organisation

    have = Subscription.objects.filter(base=base).count()
    for number in range(1, wanted - have + 1):
        organisation = provision_organisation(
            name=f"Benchmark Council {number:03d}",
            slug=f"benchmark-{number:03d}",
            kind="local_authority",
        )
        manual = Manual(
            title=base.title,
            slug=base.slug,
            summary=f"Benchmark Council {number:03d}'s children's social care procedures.",
        )
        organisation.home_page.add_child(instance=manual)
        manual.save_revision(log_action=False).publish(log_action=False)
        subscribe(manual=manual, base=base)
    return max(wanted - have, 0)


def set_policy(national, policy: str) -> None:
    from carebook.manuals.selectors import manual_of, organisation_of
    from carebook.organisations.models import Organisation

    organisations = {organisation_of(manual_of(page)).pk for page in national.derivatives.all()}
    Organisation.objects.filter(pk__in=organisations).update(national_updates=policy)


def add_local_content(national):
    """Four local amendments (before, after, replace, at the end) in one subscriber's copy,
    published through the adaptation service as an editor's approved publish would be."""
    from django.utils import timezone

    from carebook.manuals.models import Procedure
    from carebook.manuals.services import publish_procedure_version
    from carebook.manuals.signals import receivers_paused
    from carebook.organisations.models import Organisation

    first = Organisation.objects.filter(slug="benchmark-001").first()
    organisation = first or Organisation.objects.get(slug="northshire")
    page = Procedure.objects.descendant_of(organisation.home_page).get(derived_from=national)
    sections = national.versions.order_by("-number").first().sections
    placed = [("before", 0), ("after", CHANGED_SECTION), ("replace", 3), ("end", None)]
    page.local_amendments = [
        {
            "type": "amendment",
            "id": str(uuid.uuid4()),
            "value": {
                "position": position,
                "section": sections[index]["id"] if index is not None else "",
                "heading": f"Local arrangements ({position})",
                "content": "<p>Our local arrangements: who to call, which form to use and "
                "the team that does this here, with the duty line for out of hours.</p>",
            },
        }
        for position, index in placed
    ]
    page.amendment_note = "Added our local arrangements."
    page.significance = "significant"
    revision = page.save_revision(log_action=False)
    with receivers_paused():
        revision.publish(log_action=False, skip_permission_checks=True)
    page.refresh_from_db()
    publish_procedure_version(procedure=page, revision=revision, published_at=timezone.now())
    return Procedure.objects.get(pk=page.pk)


# ---------------------------------------------------------------------------------------------
# 1. The publish request


class NationalEditor:
    """Posts the national procedure's edit form, as the publisher's approver does."""

    def __init__(self, national):
        from django.test import Client

        from carebook.accounts.models import User

        self.national = national
        self.client = Client(HTTP_HOST=HOST)
        self.client.force_login(User.objects.get(email=PUBLISHER_LOGIN))
        page = national.specific
        self.original = [dict(block) for block in page.body.raw_data]
        self.count = 0
        response = self.client.get(f"/admin/pages/{national.pk}/edit/")
        if response.status_code != 200:
            raise SystemExit(f"The edit form answered {response.status_code}.")

    def form(self) -> dict:
        from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

        from carebook.manuals.models import Procedure

        page = Procedure.objects.get(pk=self.national.pk)
        self.count += 1
        body = {"count": str(len(self.original))}
        for index, block in enumerate(self.original):
            html = block["value"]["content"]
            if index == CHANGED_SECTION:
                html += f"<p>Benchmark revision {self.count}: the steps above were clarified.</p>"
            body[str(index)] = {
                "type": "section",
                "id": block["id"],
                "deleted": "",
                "order": str(index),
                "value": {"heading": block["value"]["heading"], "content": rich_text(html)},
            }
        legislation = {"count": str(len(page.legislation.raw_data))}
        for index, block in enumerate(page.legislation.raw_data):
            legislation[str(index)] = {
                "type": "link",
                "id": block["id"],
                "deleted": "",
                "order": str(index),
                "value": dict(block["value"]),
            }
        links = list(page.related_links.order_by("sort_order"))
        data = nested_form_data(
            {
                "title": page.title,
                "slug": page.slug,
                "summary": page.summary,
                "body": body,
                "scope": page.scope,
                "legislation": legislation,
                "keywords": page.keywords,
                "related_links": inline_formset(
                    [{"id": str(link.pk), "target": str(link.target_id)} for link in links],
                    initial=len(links),
                ),
                "comments": inline_formset([]),
                "owner_role": page.owner_role,
                "review_date": page.review_date.isoformat() if page.review_date else "",
                "amendment_note": f"Benchmark revision {self.count}: clearer steps.",
                "significance": "significant",
                "action-publish": "action-publish",
            }
        )
        data["audience"] = list(page.audience)
        if page.requires_acknowledgement:
            data["requires_acknowledgement"] = "on"
        return data

    def publish(self) -> float:
        """One publish request; returns its time in milliseconds, after checking it worked."""
        from carebook.manuals.models import ProcedureVersion

        before = ProcedureVersion.objects.filter(procedure=self.national).order_by("-number")[0]
        data = self.form()
        start = time.perf_counter()
        response = self.client.post(f"/admin/pages/{self.national.pk}/edit/", data)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 302:
            raise SystemExit(
                f"The publish answered {response.status_code}: {response.content.decode()[:1500]}"
            )
        after = ProcedureVersion.objects.filter(procedure=self.national).order_by("-number")[0]
        same = ("audience", "keywords", "legislation", "related_ids", "owner", "review_date")
        changed = [name for name in same if getattr(before, name) != getattr(after, name)]
        if (
            after.number != before.number + 1
            or changed
            or ([s["id"] for s in after.sections] != [s["id"] for s in before.sections])
        ):
            raise SystemExit(f"The benchmark publish changed more than it should: {changed}")
        return elapsed


def measure_publish(national, arguments: argparse.Namespace) -> dict:
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from carebook.adaptation.selectors import current_pin
    from carebook.manuals.models import Procedure
    from carebook.organisations.models import NationalUpdates

    set_policy(national, NationalUpdates.AUTOMATIC)
    editor = NationalEditor(national)
    result: dict = {}
    with tasks_backend(QUEUEING_BACKEND):
        editor.publish()  # warm-up
        samples = [editor.publish() for _ in range(arguments.repeat)]
        # Wagtail queues its own tasks too (reference index, search index): count ours.
        queued = DBTaskResult.objects.filter(status="READY", task_path=PROPAGATION_TASK).count()
        if queued != arguments.repeat + 1:
            raise SystemExit(f"{arguments.repeat + 1} publishes queued {queued} propagations.")
        result["queued"] = milliseconds(samples)
        tasks = DBTaskResult.objects.filter(status="READY").count()
        start = time.perf_counter()
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
        worker = time.perf_counter() - start
        failed = DBTaskResult.objects.exclude(status="SUCCESSFUL").first()
        if failed is not None:
            raise SystemExit(
                f"The worker left {failed.task_path} {failed.status}: {failed.traceback[-1500:]}"
            )
        durations = {"propagations": [], "others": []}
        for task in DBTaskResult.objects.all():
            kind = "propagations" if task.task_path == PROPAGATION_TASK else "others"
            durations[kind].append((task.finished_at - task.started_at).total_seconds())
        result["worker"] = {
            "tasks": tasks,
            "propagations": queued,
            "seconds": round(worker, 1),
            "each_propagation": [round(seconds, 1) for seconds in durations["propagations"]],
            "others_seconds": round(sum(durations["others"]), 1),
        }
    latest = national.versions.order_by("-number").first()
    behind = [
        page.pk
        for page in Procedure.objects.filter(derived_from=national, live=True)
        if current_pin(page).national_version_id != latest.pk
    ]
    if behind:
        raise SystemExit(f"{len(behind)} subscribers did not reach the latest national version.")
    with tasks_backend(IMMEDIATE_BACKEND):
        editor.publish()  # warm-up
        samples = [editor.publish() for _ in range(arguments.repeat)]
        result["immediate"] = milliseconds(samples)
    print(f"[publish] {result}", file=sys.stderr, flush=True)
    return result


# ---------------------------------------------------------------------------------------------
# 2. Propagation


def publish_quietly(national, editor_count: list[int]):
    """A new national version, published through Wagtail, with nothing run for subscribers."""
    from carebook.manuals.models import Procedure

    page = Procedure.objects.get(pk=national.pk)
    editor_count[0] += 1
    body = page.body.raw_data
    block = body[CHANGED_SECTION]
    block["value"]["content"] += f"<p>Propagation revision {editor_count[0]}.</p>"
    page.body = body
    page.amendment_note = f"Propagation revision {editor_count[0]}."
    page.significance = "significant"
    with tasks_backend(DUMMY_BACKEND):
        page.save_revision(log_action=False).publish(log_action=False)
    return national.versions.order_by("-number").first()


def measure_propagation(national, arguments: argparse.Namespace) -> dict:
    from django.db import connection

    from carebook.adaptation import services
    from carebook.organisations.models import NationalUpdates

    real_apply = services.apply_national_version
    per_subscriber: list[float] = []

    def timed_apply(**kwargs):
        start = time.perf_counter()
        try:
            return real_apply(**kwargs)
        finally:
            per_subscriber.append((time.perf_counter() - start) * 1000)

    results = {}
    count = [0]
    services.apply_national_version = timed_apply
    try:
        for policy in (NationalUpdates.AUTOMATIC, NationalUpdates.REVIEW):
            set_policy(national, policy)
            runs, reruns, subscriber_times, outcomes = [], [], [], None
            statements = writes = rerun_writes = rerun_statements = 0
            for _ in range(arguments.repeat):
                version = publish_quietly(national, count)
                per_subscriber.clear()
                counter = StatementCounter()
                with connection.execute_wrapper(counter):
                    start = time.perf_counter()
                    outcome = services.propagate_national_version(national_version_id=version.pk)
                    runs.append(time.perf_counter() - start)
                subscriber_times.extend(per_subscriber)
                statements += counter.total
                writes += counter.writes
                outcomes = outcome
                counter = StatementCounter()
                with connection.execute_wrapper(counter):
                    start = time.perf_counter()
                    again = services.propagate_national_version(national_version_id=version.pk)
                    reruns.append(time.perf_counter() - start)
                rerun_statements += counter.total
                rerun_writes += counter.writes
                if again.advanced or again.added or again.offered:
                    raise SystemExit(f"Running propagation again changed something: {again}")
            subscribers = outcomes.advanced + outcomes.pending + outcomes.up_to_date
            results[str(policy)] = {
                "subscribers": subscribers,
                "outcome": {
                    "advanced": outcomes.advanced,
                    "pending": outcomes.pending,
                    "up_to_date": outcomes.up_to_date,
                },
                "seconds": {
                    "p50": round(statistics.median(runs), 2),
                    "max": round(max(runs), 2),
                    "n": len(runs),
                },
                "per_subscriber_ms": milliseconds(subscriber_times),
                "outside_subscribers_ms": round(
                    (sum(runs) * 1000 - sum(subscriber_times)) / len(runs), 1
                ),
                "statements_per_subscriber": round(statements / len(runs) / subscribers, 1),
                "writes_per_subscriber": round(writes / len(runs) / subscribers, 1),
                "rerun_seconds": {
                    "p50": round(statistics.median(reruns), 2),
                    "max": round(max(reruns), 2),
                },
                "rerun_statements_per_subscriber": round(
                    rerun_statements / len(reruns) / subscribers, 1
                ),
                "rerun_writes": rerun_writes,
            }
            print(f"[propagation] {policy}: {results[str(policy)]}", file=sys.stderr, flush=True)
        results["catch_up"] = measure_catch_up(national)
    finally:
        services.apply_national_version = real_apply
    return results


def measure_catch_up(national) -> list[dict]:
    """The scheduler's "pass on national updates" job, over every national procedure."""
    from django.db import connection

    from carebook.adaptation.services import catch_up
    from carebook.organisations.models import NationalUpdates

    runs = []
    for policy, state in (
        (NationalUpdates.REVIEW, "national changes pending"),
        (NationalUpdates.AUTOMATIC, "pending changes applied"),
        (NationalUpdates.AUTOMATIC, "all up to date"),
    ):
        set_policy(national, policy)
        counter = StatementCounter()
        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            outcome = catch_up()
            seconds = time.perf_counter() - start
        runs.append(
            {
                "policy": str(policy),
                "state": state,
                "seconds": round(seconds, 2),
                "visited": outcome.advanced + outcome.pending + outcome.up_to_date,
                "advanced": outcome.advanced,
                "statements": counter.total,
                "writes": counter.writes,
            }
        )
        print(f"[catch-up] {runs[-1]}", file=sys.stderr, flush=True)
    return runs


# ---------------------------------------------------------------------------------------------
# 3. Rendering


def measure_render(national, local, arguments: argparse.Namespace) -> dict:
    from django.core.cache import cache
    from django.test import Client

    from carebook.manuals.models import ProcedureVersion
    from carebook.manuals.rendering import render_procedure, render_procedure_cached
    from carebook.manuals.selectors import (
        glossary_for,
        latest_version,
        manual_of,
        organisation_of,
        render_inputs,
    )

    derived = latest_version(local)
    plain = derived.national_version
    national_manual = manual_of(national)
    publisher = organisation_of(national_manual)
    subscriber = organisation_of(manual_of(local))
    # The national glossary for both, so that the same text is linked the same way.
    glossaries = {"none": [], "national": glossary_for(national_manual)}
    href = f"{national_manual.url}a-z/"
    inputs = render_inputs(derived)
    repeat = arguments.repeat * RENDER_REPEAT
    flags = sorted({flag for a in inputs.amendments for flag in a["flags"]})
    result: dict = {
        "amendments": len(inputs.amendments),
        "flags": flags,
        "sections": len(plain.sections),
        "rows": [],
    }

    def row(what: str, glossary: str, plain_fn, merged_fn, n=repeat):
        plain_samples, merged_samples = timed_pair(plain_fn, merged_fn, n)
        figures = {
            "what": what,
            "glossary": glossary,
            "plain": milliseconds(plain_samples),
            "merged": milliseconds(merged_samples),
        }
        for name, fraction in (("p50", 0.5), ("p95", 0.95)):
            ratio = percentile(merged_samples, fraction) / percentile(plain_samples, fraction)
            figures[f"ratio_{name}"] = round(ratio, 2)
        result["rows"].append(figures)
        print(f"[render] {figures}", file=sys.stderr, flush=True)

    # The same text as a plain procedure: the merged page's sections (national and local) as
    # the sections of one unsaved plain version, which is what the target compares against.
    merged_sections = render_procedure(
        version=inputs.version, amendments=inputs.amendments, organisation=subscriber, national=True
    ).sections
    same_text = ProcedureVersion(
        procedure=plain.procedure,
        number=plain.number,
        title=plain.title,
        summary=plain.summary,
        scope_html=plain.scope_html,
        sections=[
            {
                "id": section.section_id or section.anchor,
                "heading": section.heading,
                "anchor": section.anchor,
                "html": section.html,
                "text": section.text,
            }
            for section in merged_sections
        ],
    )
    result["same_text_sections"] = len(same_text.sections)
    for name, glossary in glossaries.items():
        row(
            "render_procedure, plain with the same text",
            name,
            lambda glossary=glossary: render_procedure(
                version=same_text, organisation=publisher, glossary=glossary, glossary_href=href
            ),
            lambda glossary=glossary: render_procedure(
                version=inputs.version,
                amendments=inputs.amendments,
                organisation=subscriber,
                glossary=glossary,
                glossary_href=href,
                national=True,
            ),
        )
    for name, glossary in glossaries.items():
        row(
            "render_procedure alone (inputs ready)",
            name,
            lambda glossary=glossary: render_procedure(
                version=plain, organisation=publisher, glossary=glossary, glossary_href=href
            ),
            lambda glossary=glossary: render_procedure(
                version=inputs.version,
                amendments=inputs.amendments,
                organisation=subscriber,
                glossary=glossary,
                glossary_href=href,
                national=True,
            ),
        )
    for name, glossary in glossaries.items():
        # The first view of a version: nothing cached yet (for a derived version, its
        # amendments' flags and redlines are worked out here).

        def plain_full(glossary=glossary):
            cache.clear()
            plain_inputs = render_inputs(plain)
            return render_procedure(
                version=plain_inputs.version,
                amendments=plain_inputs.amendments,
                organisation=publisher,
                glossary=glossary,
                glossary_href=href,
            )

        def merged_full(glossary=glossary):
            cache.clear()
            merged_inputs = render_inputs(derived)
            return render_procedure(
                version=merged_inputs.version,
                amendments=merged_inputs.amendments,
                organisation=subscriber,
                glossary=glossary,
                glossary_href=href,
                national=merged_inputs.national,
            )

        what = "first view: render_inputs + render_procedure, cache empty"
        row(what, name, plain_full, merged_full)

    def plain_cached():
        plain_inputs = render_inputs(plain)
        return render_procedure_cached(
            version=plain_inputs.version,
            organisation=publisher,
            glossary=glossaries["national"],
            glossary_href=href,
        )

    def merged_cached():
        merged_inputs = render_inputs(derived)
        return render_procedure_cached(
            version=merged_inputs.version,
            amendments=merged_inputs.amendments,
            organisation=subscriber,
            glossary=glossaries["national"],
            glossary_href=href,
            national=merged_inputs.national,
        )

    cache.clear()
    what = "later views: render_inputs + render_procedure_cached"
    row(what, "national", plain_cached, merged_cached)

    client = Client(HTTP_HOST=HOST)
    for url in (national.url, local.url):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}.")
    html = client.get(local.url).content.decode()
    if html.count('data-origin="local"') != len(inputs.amendments):
        raise SystemExit(f"{local.url} does not show its {len(inputs.amendments)} amendments.")
    row(
        "procedure page (test client)",
        "each manual's own",
        lambda: client.get(national.url),
        lambda: client.get(local.url),
        n=arguments.repeat * 4,
    )
    result["urls"] = {"plain": national.url, "merged": local.url}
    return result


# ---------------------------------------------------------------------------------------------
# The parent process


def print_tables(reports: list[dict], arguments: argparse.Namespace) -> None:
    print()
    print(f"Machine: {machine()}")
    for report in reports:
        build = report["build"]
        print(
            f"{report['engine']}: demo loaded in {build['demo']} s; "
            f"{build['subscribers_added']} subscribing manuals added in {build['subscribers']} s "
            f"({report['subscribers']} subscribers); 1-minute load average "
            f"{' → '.join(f'{load:.1f}' for load in report['load'])}"
        )
    print()
    print(f"1. Publish request (Wagtail edit form, action-publish), {arguments.repeat} publishes")
    print()
    print("| engine | tasks backend | subscribers | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for report in reports:
        for key, label in (("queued", "database queue"), ("immediate", "immediate")):
            figures = report["publish"][key]
            print(
                f"| {report['engine']} | {label} | {report['subscribers']} | {figures['p50']} "
                f"| {figures['p95']} | {figures['max']} |"
            )
    for report in reports:
        worker = report["publish"]["worker"]
        print(
            f"\n{report['engine']}: db_worker --batch ran the {worker['tasks']} queued tasks "
            f"({worker['propagations']} propagations, the rest Wagtail's index updates) "
            f"in {worker['seconds']} s: propagations "
            f"{', '.join(str(seconds) for seconds in worker['each_propagation'])} s, "
            f"Wagtail's tasks {worker['others_seconds']} s in all"
        )
    print()
    print(f"2. Propagation (propagate_national_version), {arguments.repeat} national versions")
    print()
    print(
        "| engine | policy | subscribers | outcome | p50 s | max s | per subscriber p50/p95 ms "
        "| statements per subscriber | writes per subscriber | outside subscribers ms "
        "| re-run p50 s | re-run writes |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for report in reports:
        for policy, figures in report["propagation"].items():
            if policy == "catch_up":
                continue
            outcome = ", ".join(f"{k} {v}" for k, v in figures["outcome"].items() if v)
            each = figures["per_subscriber_ms"]
            print(
                f"| {report['engine']} | {policy} | {figures['subscribers']} | {outcome} "
                f"| {figures['seconds']['p50']} | {figures['seconds']['max']} "
                f"| {each['p50']} / {each['p95']} | {figures['statements_per_subscriber']} "
                f"| {figures['writes_per_subscriber']} | {figures['outside_subscribers_ms']} "
                f"| {figures['rerun_seconds']['p50']} | {figures['rerun_writes']} |"
            )
    print()
    print("Scheduler job (catch_up: every national procedure × every subscriber)")
    print()
    print("| engine | policy | state | procedures visited | advanced | seconds | statements "
          "| writes |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for report in reports:
        for run in report["propagation"]["catch_up"]:
            print(
                f"| {report['engine']} | {run['policy']} | {run['state']} | {run['visited']} "
                f"| {run['advanced']} | {run['seconds']} | {run['statements']} | {run['writes']} |"
            )
    print()
    render = reports[0]["render"]
    print(
        f"3. Rendering: {render['amendments']} local amendments on {render['sections']} national "
        f"sections (flags: {', '.join(render['flags']) or 'none'})"
    )
    print()
    print("| engine | what | glossary | plain p50 ms | merged p50 ms | ratio p50 | plain p95 ms "
          "| merged p95 ms | ratio p95 |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for report in reports:
        for row in report["render"]["rows"]:
            print(
                f"| {report['engine']} | {row['what']} | {row['glossary']} "
                f"| {row['plain']['p50']} | {row['merged']['p50']} | {row['ratio_p50']} "
                f"| {row['plain']['p95']} | {row['merged']['p95']} | {row['ratio_p95']} |"
            )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--subscribers", type=int, default=150, help="manuals following the national base"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help=f"timed publishes and propagations of each kind ({RENDER_REPEAT}× as many renders)",
    )
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_ADAPTATION_URL", DEFAULT_POSTGRES_URL),
        help="a database the benchmark may drop and create",
    )
    parser.add_argument("--json", help="also write the reports to this file")
    parser.add_argument("--run-engine", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.run_engine:
        print(json.dumps(run_engine(arguments)))
        return

    reports = run_each_engine(
        __file__,
        engines=arguments.engines,
        postgres_url=arguments.postgres_url,
        sqlite_name="adaptation.sqlite3",
        message="Building and measuring on {engine}…",
        extra_environment={"CAREBOOK_PRIVATE_ROOT": "{directory}/private"},
    )
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(reports, indent=2))
    print_tables(reports, arguments)


if __name__ == "__main__":
    main()
