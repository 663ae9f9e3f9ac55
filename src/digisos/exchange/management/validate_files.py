"""What `exchange_validate` and every other conformance check (`concerns_validate`) share: read each file,
parse it as the API would (validation.parse_json), judge it, print its verdict with the path of every error,
and exit 1 if any file failed. A command says only how a document is judged."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from digisos.exchange.validation import InvalidJson, parse_json


@dataclass(frozen=True)
class Verdict:
    """What a document is ("soknad", "privat", …, or a short reason it is not known) and what is wrong."""

    label: str
    errors: list[str] = field(default_factory=list)  # "path: message" lines; none: the file passes
    hint: str = ""  # printed after the errors (how to name the kind when it could not be recognised)
    counted: bool = True  # "FEIL (label, N feil)"; False: "FEIL (label)"


class ValidateFilesCommand(BaseCommand):
    """Subclasses add their choice option in add_arguments and implement judge()."""

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def judge(self, document: Any, **options: Any) -> Verdict:
        raise NotImplementedError

    def handle(self, *args, files: list[Path], **options) -> None:
        failed = sum(not self.check_file(path, **options) for path in files)
        if failed:
            raise CommandError(f"{failed} av {len(files)} filer feilet.", returncode=1)

    def check_file(self, path: Path, **options: Any) -> bool:
        try:
            document = parse_json(path.read_bytes())
        except OSError as error:
            self.stdout.write(f"{path}: FEIL\n  (rot): kan ikke leses: {error.strerror or error}")
            return False
        except InvalidJson as error:
            self.stdout.write(f"{path}: FEIL (ikke gyldig JSON)")
            for violation in error.violations:
                self.stdout.write(f"  {violation}")
            return False
        verdict = self.judge(document, **options)
        if not verdict.errors:
            self.stdout.write(f"{path}: OK ({verdict.label})")
            return True
        count = f", {len(verdict.errors)} feil" if verdict.counted else ""
        self.stdout.write(f"{path}: FEIL ({verdict.label}{count})")
        for line in verdict.errors:
            self.stdout.write(f"  {line}")
        if verdict.hint:
            self.stdout.write(f"  {verdict.hint}")
        return False
