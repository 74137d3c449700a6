"""`python manage.py seed_scale --applications N [--programs P] [--seed S]`: a reproducible, province-sized data
set for benchmarks (see demo/scale.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from demo.scale import foreign_data_exists, scale_build
from portal.core.errors import PortalError


class Command(BaseCommand):
    help = "Build a reproducible data set of N generated filings across P generated programs, in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, required=True, help="How many filings to generate.")
        parser.add_argument("--programs", type=int, default=1, help="Over how many programs (default 1).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same data.")
        parser.add_argument(
            "--allow-existing-data",
            action="store_true",
            help="Run even though the database holds programs that seed_scale did not make (e.g. the demo).",
        )

    def handle(self, *args, applications, programs, seed, allow_existing_data, **options):
        if foreign_data_exists() and not allow_existing_data:
            raise CommandError(
                "This database holds programs that seed_scale did not make. Use an empty database, or pass "
                "--allow-existing-data to add the generated programs beside them."
            )
        started = time.perf_counter()
        try:
            summary = scale_build(
                applications=applications, programs=programs, seed=seed, log=lambda line: self.stdout.write(line)
            )
        except PortalError as error:
            raise CommandError(error.message) from error
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{summary.applications} filings in {len(summary.programs)} programs, seed {seed}, {seconds:.1f} s"
        )
        for status, count in summary.by_status.items():
            self.stdout.write(f"  status {status}: {count}")
        for stage, count in summary.by_stage.items():
            self.stdout.write(f"  approved, {stage}: {count}")
        for name, count in summary.rows.items():
            self.stdout.write(f"  {name}: {count}")
