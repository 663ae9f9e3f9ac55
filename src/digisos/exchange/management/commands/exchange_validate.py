from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from digisos.exchange.validation import KINDS, InvalidJson, detect_kind, document_violations, parse_json


class Command(BaseCommand):
    help = (
        "Conformance check for case-system vendors: validate soknad.json, vedlegg.json and digisos-soker.json "
        "files against Nav's schemas and the exchange's rules. Each file's kind is recognised from its "
        "top-level fields as Nav's schemas define them, or given with --kind. Exits 1 if any file fails."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--kind",
            choices=KINDS,
            help="Validate every file as this kind instead of recognising it from its content.",
        )

    def handle(self, *args, files: list[Path], kind: str | None = None, **options) -> None:
        failed = 0
        for path in files:
            try:
                document = parse_json(path.read_bytes())
            except OSError as error:
                self.stdout.write(f"{path}: FEIL\n  (rot): kan ikke leses: {error.strerror or error}")
                failed += 1
                continue
            except InvalidJson as error:
                self.stdout.write(f"{path}: FEIL (ikke gyldig JSON)")
                for violation in error.violations:
                    self.stdout.write(f"  {violation}")
                failed += 1
                continue
            found = kind or detect_kind(document)
            violations = document_violations(document, kind=kind)  # type: ignore[arg-type]
            if violations:
                failed += 1
                self.stdout.write(f"{path}: FEIL ({found}, {len(violations)} feil)")
                for violation in violations:
                    self.stdout.write(f"  {violation}")
                if found == "unknown":
                    self.stdout.write(f"  Oppgi typen med --kind {'|'.join(KINDS)}.")
            else:
                self.stdout.write(f"{path}: OK ({found})")
        if failed:
            raise CommandError(f"{failed} av {len(files)} filer feilet.", returncode=1)
