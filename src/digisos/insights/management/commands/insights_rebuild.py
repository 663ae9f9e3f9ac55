"""`manage.py insights_rebuild`: empties the statistics' aggregate tables and computes them from every case, then
runs the analysts' joint protection over the new figures (services.protect_analysts, in its own transaction:
until it has finished, analysts see the weeks of the previous snapshot, whole)."""

import time

from django.core.management.base import BaseCommand

from digisos.insights import services


class Command(BaseCommand):
    help = "Bygger statistikkens aggregattabeller på nytt fra alle saker."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--update", action="store_true", help="Bare det som er endret siden forrige kjøring."
        )
        parser.add_argument(
            "--no-analysts",
            action="store_true",
            help="Uten analytikernes vern av ukene (jobben insights.protect_analysts tar det etterpå).",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        result = services.update() if options["update"] else services.rebuild()
        self.stdout.write(
            f"insights: {result['cases']} saker, {result['months']} måneder, {result['weeks']} uker "
            f"på {time.monotonic() - started:.1f} s"
        )
        if options["no_analysts"]:
            return
        started = time.monotonic()
        protected = services.protect_analysts(force=True)
        self.stdout.write(
            f"insights: analytikernes uker vernet ({protected.get('hidden', 0)} skjult) "
            f"på {time.monotonic() - started:.1f} s"
        )
