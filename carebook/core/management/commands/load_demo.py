from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from carebook.core.demo import run_demo_steps


class Command(BaseCommand):
    help = (
        "Load the fictional demo organisations, logins and content. Idempotent: creates what is "
        "missing and never overwrites. Refused under production settings."
    )

    def handle(self, *args, **options):
        if settings.CAREBOOK_ENVIRONMENT == "production":
            raise CommandError(
                "Demo data is never loaded under production settings: it would mix fictional "
                "procedures with real ones."
            )
        verbose = options["verbosity"] > 0
        with transaction.atomic():
            run_demo_steps(lambda message: self.stdout.write(message) if verbose else None)
        if verbose:
            self.stdout.write(self.style.SUCCESS("Demo data is in place."))
