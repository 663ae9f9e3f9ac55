"""The print port: a report nobody acknowledged goes out as a letter (KS: brevpost, SENDT_PRINT).

Production sets settings.CONCERNS_PRINT_SERVICE to its print supplier's adapter; the local adapter writes the
addressed letter PDF to settings.CONCERNS_PRINT_DIR, where the quick start and the tests read it.
"""

from functools import cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string


class PrintService(Protocol):
    def send_letter(self, *, reference: str, address: str, pdf: bytes) -> None:
        """Hands the letter over for printing and posting; raises if it could not."""


class FolderPrintService:
    def send_letter(self, *, reference: str, address: str, pdf: bytes) -> None:
        folder = Path(settings.CONCERNS_PRINT_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"bekymringsmelding-{reference}.pdf").write_bytes(pdf)


@cache
def print_service() -> PrintService:
    return import_string(settings.CONCERNS_PRINT_SERVICE)()


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting == "CONCERNS_PRINT_SERVICE":
        print_service.cache_clear()
