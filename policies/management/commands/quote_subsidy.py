import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from policies.quotes import QuoteInput, quote, result_as_dict
from portal.core.errors import PortalError
from programs.models import Program


class Command(BaseCommand):
    help = "Quote the subsidy of one project under a program's policy (prints JSON with --json)."

    def add_base_argument(self, parser, *args, **kwargs):
        if "--version" in args:  # --version names the policy version here, not Django's
            return
        super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True)
        parser.add_argument("--track", required=True)
        parser.add_argument("--industry", default="")
        parser.add_argument("--scale", default="", choices=["", "above", "below"])
        parser.add_argument("--batch")
        parser.add_argument("--n-investment")
        parser.add_argument("--x-investment")
        parser.add_argument("--total-investment")
        parser.add_argument("--automation-investment")
        parser.add_argument("--level")
        parser.add_argument("--accepted-on")
        parser.add_argument("--version", default="")
        parser.add_argument("--set", action="append", default=[], dest="overrides", metavar="KEY=VALUE")
        parser.add_argument("--award", action="append", default=[], dest="awards", metavar="KIND=YUAN")
        parser.add_argument("--json", action="store_true", help="print the result as one JSON object")

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"program: unknown program “{options['program']}”")
        data = QuoteInput(
            track=options["track"],
            industry=options["industry"],
            scale=options["scale"],
            batch=options["batch"],
            n_investment=options["n_investment"],
            x_investment=options["x_investment"],
            total_investment=options["total_investment"],
            automation_investment=options["automation_investment"],
            level=options["level"],
            accepted_on=options["accepted_on"],
            version=options["version"],
            overrides=options["overrides"],
            awards=options["awards"],
        )
        try:
            _version, result = quote(program=program, data=data)
        except PortalError as error:
            raise CommandError(str(error.message)) from None
        payload = result_as_dict(result)
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"{payload['policy_version']}  eligible={payload['eligible']}")
        for line in payload["trace"]:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"  total {payload['total']}")
