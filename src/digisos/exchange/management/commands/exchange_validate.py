from typing import Any

from digisos.exchange.management.validate_files import ValidateFilesCommand, Verdict
from digisos.exchange.validation import KINDS, detect_kind, document_violations


class Command(ValidateFilesCommand):
    help = (
        "Conformance check for case-system vendors: validate soknad.json, vedlegg.json and digisos-soker.json "
        "files against Nav's schemas and the exchange's rules. Each file's kind is recognised from its "
        "top-level fields as Nav's schemas define them, or given with --kind. Exits 1 if any file fails."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--kind",
            choices=KINDS,
            help="Validate every file as this kind instead of recognising it from its content.",
        )

    def judge(self, document: Any, *, kind: str | None = None, **options: Any) -> Verdict:
        found = kind or detect_kind(document)
        violations = document_violations(document, kind=kind)  # type: ignore[arg-type]
        hint = f"Oppgi typen med --kind {'|'.join(KINDS)}." if found == "unknown" else ""
        return Verdict(found, [str(violation) for violation in violations], hint)
