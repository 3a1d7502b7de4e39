from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carebook.audits.services import builtin_framework_paths

from .load_framework import load_files


class Command(BaseCommand):
    help = (
        "Load the built-in frameworks in frameworks/. Idempotent: a file already loaded with the "
        "same content changes nothing."
    )

    def handle(self, *args, **options):
        paths = builtin_framework_paths()
        if not paths:
            raise CommandError(f"No framework files found in {settings.CAREBOOK_FRAMEWORKS_DIR}.")
        if load_files(self, paths, check_only=False):
            raise CommandError("Some built-in frameworks were refused.", returncode=1)
