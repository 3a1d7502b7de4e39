from django.core.management.base import BaseCommand, CommandError

from carebook.core.scheduler import run_due_jobs


class Command(BaseCommand):
    help = (
        "Run Carebook's due periodic jobs once and exit (scheduled publishing, and later "
        "reminders and digests). Run it every few minutes from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 0
        failures = run_due_jobs(lambda message: self.stdout.write(message) if verbose else None)
        if failures:
            raise CommandError("Some jobs failed: " + "; ".join(failures))
