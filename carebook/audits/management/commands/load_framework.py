from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carebook.audits.framework_file import FrameworkFileError
from carebook.audits.services import load_framework, read_framework_path


class Command(BaseCommand):
    help = (
        "Load framework files (FRAMEWORK_FORMAT.md). Each file is loaded whole or refused with "
        "every problem and its place; the exit status is non-zero if any file was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="framework YAML files")
        parser.add_argument(
            "--check", action="store_true", help="check the files without writing anything"
        )

    def handle(self, *args, **options):
        refused = load_files(self, [Path(p) for p in options["paths"]], options["check"])
        if refused:
            raise CommandError(
                f"{refused} of {len(options['paths'])} file"
                f"{'s' if len(options['paths']) != 1 else ''} refused.",
                returncode=1,
            )


def load_files(command: BaseCommand, paths: list[Path], check_only: bool) -> int:
    """Load (or check) each file on its own; report on standard output or, for refusals, on
    standard error. Returns how many were refused."""
    refused = 0
    for path in paths:
        try:
            result = load_framework(
                data=read_framework_path(path), source_name=path.name, check_only=check_only
            )
        except FrameworkFileError as error:
            refused += 1
            count = len(error.problems)
            command.stderr.write(
                f"{path}: refused, nothing written ({count} problem{'s' if count != 1 else ''}):"
            )
            for problem in error.problems:
                command.stderr.write(f"  {path}: {problem}")
        else:
            command.stdout.write(f"{path}: {result.message}")
    return refused
