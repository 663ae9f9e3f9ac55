from typing import Any

from digisos.concerns.validation import FORMS, detect_form, schema_violations
from digisos.exchange.management.validate_files import ValidateFilesCommand, Verdict


class Command(ValidateFilesCommand):
    help = (
        "Conformance check for systems that send or receive concern reports: validate bekymringsmelding.json "
        "files against KS's v2 schemas (privat or offentlig, recognised from privatMelder/offentligMelder or "
        "given with --form), with the path of every error. Exits 1 if any file fails."
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
