from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from digisos.concerns.validation import FORMS, detect_form, schema_violations
from digisos.exchange.validation import InvalidJson, parse_json


class Command(BaseCommand):
    help = (
        "Conformance check for systems that send or receive concern reports: validate bekymringsmelding.json "
        "files against KS's v2 schemas (privat or offentlig, recognised from privatMelder/offentligMelder or "
        "given with --form), with the path of every error. Exits 1 if any file fails."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--form", choices=FORMS, help="Validate every file against this form's schema.")

    def handle(self, *args, files: list[Path], form: str | None = None, **options) -> None:
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
            found = form or detect_form(document)
            if found is None:
                failed += 1
                self.stdout.write(
                    f"{path}: FEIL (ukjent skjema)\n  (rot): verken privatMelder eller offentligMelder. "
                    f"Oppgi skjemaet med --form {'|'.join(FORMS)}."
                )
                continue
            violations = schema_violations(document, found)  # type: ignore[arg-type]
            if violations:
                failed += 1
                self.stdout.write(f"{path}: FEIL ({found}, {len(violations)} feil)")
                for where, message in violations:
                    self.stdout.write(f"  {where or '(rot)'}: {message}")
            else:
                self.stdout.write(f"{path}: OK ({found})")
        if failed:
            raise CommandError(f"{failed} av {len(files)} filer feilet.", returncode=1)
