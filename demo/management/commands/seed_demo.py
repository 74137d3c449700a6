from django.conf import settings
from django.core.management.base import BaseCommand

from demo.build import demo_build
from demo.horse_race import demo_rankings_build
from demo.runs import demo_runs_build
from demo.samples import demo_samples_build
from demo.subcontracts import demo_subcontracts_build
from demo.supervision import demo_supervision_build
from portal.core.roles import Role


class Command(BaseCommand):
    help = "Build the demo data of the three programs and one login per role per program (idempotent)."

    def handle(self, *args, **options):
        logins = demo_build()
        demo_subcontracts_build()
        demo_samples_build()
        demo_runs_build()
        demo_rankings_build()
        demo_supervision_build()
        labels = {**dict(Role.choices), "superuser": "Platform superuser (Django admin only)"}
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins (password for all: {settings.DEMO_PASSWORD}):"))
        self.stdout.write(f"  {'username':<22} {'program':<15} role")
        for login in logins:
            role = labels.get(login.role, login.role)
            self.stdout.write(f"  {login.username:<22} {login.program:<15} {role} ({login.role})")
