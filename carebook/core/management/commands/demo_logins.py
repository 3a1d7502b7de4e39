from django.core.management.base import BaseCommand

from carebook.accounts.demo import SUPERUSER_EMAIL, demo_logins
from carebook.core.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins (all share one password)."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write(f"  {SUPERUSER_EMAIL:<56} platform administrator")
        for email, slug, role in demo_logins():
            self.stdout.write(f"  {email:<56} {role} at {slug}")
