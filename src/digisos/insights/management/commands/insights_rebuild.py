"""`manage.py insights_rebuild`: empties the statistics' aggregate tables and computes them from every case."""

import time

from django.core.management.base import BaseCommand

from digisos.insights import services


class Command(BaseCommand):
    help = "Bygger statistikkens aggregattabeller på nytt fra alle saker."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--update", action="store_true", help="Bare det som er endret siden forrige kjøring."
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        result = services.update() if options["update"] else services.rebuild()
        self.stdout.write(
            f"insights: {result['cases']} saker, {result['months']} måneder, {result['weeks']} uker "
            f"på {time.monotonic() - started:.1f} s"
        )
