"""Periodic work, run by `manage.py carebook_scheduler` from cron or a systemd timer.

django-tasks has no periodic jobs, so each run does whatever is due and exits. Jobs must be
safe to run again (a run that was interrupted is simply repeated next time).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.management import call_command


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], None]


def publish_scheduled_pages() -> None:
    # Wagtail publishes pages whose "go live" time has passed and unpublishes expired ones;
    # the page_published receiver then writes versions and change notes as for any publish.
    call_command("publish_scheduled", verbosity=0)


def pass_on_national_updates() -> None:
    # Normally done by a background task at each national publish; this completes any run
    # that was interrupted (each subscriber is brought up to date once, in one transaction).
    from carebook.adaptation.services import catch_up

    catch_up()


JOBS = [
    Job("Publish and unpublish scheduled pages", publish_scheduled_pages),
    Job("Pass on national updates to subscribing manuals", pass_on_national_updates),
]


def run_due_jobs(log: Callable[[str], None]) -> list[str]:
    """Run every job once; a failing job is reported and does not stop the others."""
    failures = []
    for job in JOBS:
        try:
            job.run()
            log(f"Done: {job.name}")
        except Exception as error:  # noqa: BLE001 - one job's failure must not stop the rest
            failures.append(f"{job.name}: {error}")
            log(f"Failed: {job.name}: {error}")
    return failures
