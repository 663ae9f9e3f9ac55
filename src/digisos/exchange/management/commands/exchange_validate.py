import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from digisos.exchange.validation import detect_kind, document_violations


class Command(BaseCommand):
    help = (
        "Conformance check for case-system vendors: validate soknad.json, vedlegg.json and digisos-soker.json "
        "files (kind detected from the content) against NAV's schemas and the exchange's rules. Exits 1 if any "
        "file fails."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files: list[Path], **options) -> None:
        failed = 0
        for path in files:
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
                self.stdout.write(f"{path}: FEIL\n  (rot): kan ikke leses som JSON: {error}")
                failed += 1
                continue
            kind = detect_kind(document)
            violations = document_violations(document)
            if violations:
                failed += 1
                self.stdout.write(f"{path}: FEIL ({kind}, {len(violations)} feil)")
                for violation in violations:
                    self.stdout.write(f"  {violation}")
            else:
                self.stdout.write(f"{path}: OK ({kind})")
        if failed:
            raise CommandError(f"{failed} av {len(files)} filer feilet.", returncode=1)
