"""`manage.py insights_rebuild`: empties the statistics' aggregate tables and computes them from every case, then
queues the analysts' joint protection over the new figures (the task insights.tasks.protect_analysts, which
the worker runs; `--analysts-now` runs it here instead). Until it has finished, analysts see the weeks of the
previous snapshot, whole."""

import time

from django.core.management.base import BaseCommand

from digisos.insights import services, tasks


class Command(BaseCommand):
    help = "Bygger statistikkens aggregattabeller på nytt fra alle saker."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--update", action="store_true", help="Bare det som er endret siden forrige kjøring."
        )
        parser.add_argument(
            "--analysts-now",
            action="store_true",
            help="Vern analytikernes uker her og nå i stedet for å legge jobben i køen (noen minutter).",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        result = services.update() if options["update"] else services.rebuild()
        self.stdout.write(
            f"insights: {result['cases']} saker, {result['months']} måneder, {result['weeks']} uker "
            f"på {time.monotonic() - started:.1f} s"
        )
        if not options["analysts_now"]:
            # Its own job with its own budget (minutes at a million cases): the rebuild's time stays its own.
            tasks.protect_analysts.enqueue()
            self.stdout.write(
                "insights: analytikernes uker vernes i en egen jobb (insights.protect_analysts)"
            )
            return
        started = time.monotonic()
        protected = services.protect_analysts(force=True)
        self.stdout.write(
            f"insights: analytikernes uker vernet ({protected.get('hidden', 0)} skjult) "
            f"på {time.monotonic() - started:.1f} s"
        )
