from django.core.management.base import BaseCommand

from digisos.core.scheduler import run_forever


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs in settings.PERIODIC_TASKS when they are due (loops; --once for one pass)."
    )

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=int, default=30, help="seconds between passes")

    def handle(self, *args: object, once: bool, interval: int, **options: object) -> None:
        run_forever(
            interval=interval, once=once, on_enqueued=lambda name: self.stdout.write(f"enqueued {name}")
        )
