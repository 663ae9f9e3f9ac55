from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from digisos.municipalities.services import DATA_DIR, DATA_FILES, load_municipalities


class Command(BaseCommand):
    help = "Loads municipalities, counties, Nav offices, routing areas and postal codes (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=DATA_DIR, help=f"folder with {', '.join(DATA_FILES)}")

    def handle(self, *args, **options) -> None:
        result = load_municipalities(options["dir"])
        if result.up_to_date:
            self.stdout.write("Municipality data is up to date.")
        else:
            counts = ", ".join(f"{count} {name}" for name, count in result.counts.items())
            self.stdout.write(self.style.SUCCESS(f"Loaded {counts}."))
