from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from programs.models import Program
from subsidies.ledger_jobs import ledger_bytes
from subsidies.models import CalculationRun
from subsidies.selectors import ledger_count


class Command(BaseCommand):
    help = (
        "Write the Excel ledger (台账) of a program's approved and paid runs, or of one run, to an .xlsx file. "
        "--run takes the run's id (as in its page address); a run number of the program is accepted too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True, help="program slug, e.g. jinhua-pilot")
        parser.add_argument("--run", help="run id (or the run's number within the program)")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"program: no program with slug “{options['program']}”")
        run = None
        if options["run"]:
            run = _run_of(program, options["run"])
        out = Path(options["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("out: the file name must end in .xlsx")
        if not out.parent.exists():
            raise CommandError(f"out: the folder {out.parent} does not exist")
        rows = ledger_count(program, run)
        content = ledger_bytes(program, run)
        out.write_bytes(content)
        scope = f"run {run.number} (id {run.pk})" if run else "approved and paid runs"
        self.stdout.write(f"{out}: {rows} lines of {program.slug}, {scope}, {len(content)} bytes")


def _run_of(program, text):
    try:
        key = int(text)
    except ValueError:
        raise CommandError(f"run: “{text}” is not a run id") from None
    runs = CalculationRun.objects.filter(program=program)
    run = runs.filter(pk=key).first() or runs.filter(number=key).first()
    if run is None:
        raise CommandError(f"run: program {program.slug} has no run {key}")
    return run
