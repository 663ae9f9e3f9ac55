from pathlib import Path
from typing import Any

from digisos.concerns.asice import JSON_NAME, data_objects, verify_asice
from digisos.concerns.validation import FORMS, detect_form, schema_violations
from digisos.exchange.management.validate_files import ValidateFilesCommand, Verdict
from digisos.exchange.validation import InvalidJson, parse_json


class Command(ValidateFilesCommand):
    help = (
        "Conformance check for systems that send or receive concern reports: validate bekymringsmelding.json "
        "files against KS's v2 schemas (privat or offentlig, recognised from privatMelder/offentligMelder or "
        "given with --form), with the path of every error. An ASiC-E container (.asice/.zip, decrypted) is "
        "judged too: its XAdES signature against the signing port's authority, and the JSON inside. "
        "Exits 1 if any file fails."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--form", choices=FORMS, help="Validate every file against this form's schema.")

    def judge(self, document: Any, *, form: str | None = None, **options: Any) -> Verdict:
        found = form or detect_form(document)
        if found is None:
            return Verdict(
                "ukjent skjema",
                [
                    "(rot): verken privatMelder eller offentligMelder. "
                    f"Oppgi skjemaet med --form {'|'.join(FORMS)}."
                ],
                counted=False,
            )
        violations = schema_violations(document, found)  # type: ignore[arg-type]
        return Verdict(found, [f"{where or '(rot)'}: {message}" for where, message in violations])

    def check_file(self, path: Path, **options: Any) -> bool:
        if path.suffix.lower() not in {".asice", ".zip"}:
            return super().check_file(path, **options)
        try:
            container = path.read_bytes()
        except OSError as error:
            self.stdout.write(f"{path}: FEIL\n  (rot): kan ikke leses: {error.strerror or error}")
            return False
        errors = [f"signatur: {problem}" for problem in verify_asice(container)]
        label = "ASiC-E"
        if not any(problem.startswith("signatur: not a readable ZIP") for problem in errors):
            document_bytes = data_objects(container).get(JSON_NAME)
            if document_bytes is None:
                errors.append(f"{JSON_NAME}: mangler i beholderen")
            else:
                try:
                    verdict = self.judge(parse_json(document_bytes), **options)
                    label = f"ASiC-E, {verdict.label}"
                    errors += [f"{JSON_NAME}: {line}" for line in verdict.errors]
                except InvalidJson as error:
                    errors += [f"{JSON_NAME}: {violation}" for violation in error.violations]
        if not errors:
            self.stdout.write(f"{path}: OK ({label})")
            return True
        self.stdout.write(f"{path}: FEIL ({label}, {len(errors)} feil)")
        for line in errors:
            self.stdout.write(f"  {line}")
        return False
