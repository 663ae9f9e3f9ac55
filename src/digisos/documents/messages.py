"""What the user is told when a file is refused: plain language, and what to do next."""

from django.utils.translation import gettext_lazy as _


def _megabytes(limit: int) -> str:
    return f"{limit // (1024 * 1024)}"


REFUSALS = {
    "empty": _("Filen er tom. Velg filen på nytt, eller ta et nytt bilde av dokumentet."),
    "too_large": _(
        "Filen er større enn %(max_mb)s MB. Del den opp, eller ta et bilde med lavere oppløsning, og prøv igjen."
    ),
    "unsupported_type": _(
        "Vi kan ikke ta imot denne filtypen. Last opp PDF, JPG eller PNG, eller et dokument fra Word, Excel, "
        "LibreOffice eller en tekstfil."
    ),
    "encrypted_pdf": _(
        "PDF-filen er passordbeskyttet eller kryptert. Lagre den uten passord, eller ta et skjermbilde av "
        "dokumentet, og last det opp igjen."
    ),
    "invalid_pdf": _(
        "Vi får ikke åpnet PDF-filen. Den kan være skadet. Lag filen på nytt eller ta et bilde av dokumentet."
    ),
    "bomb": _("Bildet eller dokumentet er for stort til at vi kan åpne det. Ta et nytt bilde og prøv igjen."),
    "conversion_timeout": _(
        "Det tok for lang tid å gjøre om dokumentet til PDF. Lagre det som PDF selv, eller ta et bilde av det, "
        "og last det opp igjen."
    ),
    "conversion_failed": _(
        "Vi klarte ikke å gjøre om dokumentet til PDF. Lagre det som PDF selv, eller ta et bilde av det, og "
        "last det opp igjen."
    ),
    "infected": _(
        "Filen inneholder skadelig programvare (virus), så vi har ikke lagret den. Ta et bilde av dokumentet "
        "i stedet, eller be den som sendte deg filen om en ny."
    ),
    "scanner_unavailable": _(
        "Vi kan ikke sjekke filen for virus akkurat nå, så den er ikke lagret. Prøv igjen om noen minutter."
    ),
    "too_many_files": _(
        "Du kan laste opp høyst %(max_files)s filer her. Slett en fil før du laster opp en ny."
    ),
    "total_too_large": _(
        "Filene blir til sammen større enn %(max_total_mb)s MB. Slett en fil, eller last opp mindre filer."
    ),
    "duplicate": _("Du har allerede lastet opp denne filen."),
    "no_file": _("Velg minst én fil å laste opp."),
}


def refusal_message(code: str, limits: dict[str, int]) -> str:
    text = str(REFUSALS.get(code, REFUSALS["conversion_failed"]))
    if "%(" in text:
        text = text % {
            "max_mb": _megabytes(limits["MAX_FILE_BYTES"]),
            "max_files": limits["MAX_FILES"],
            "max_total_mb": _megabytes(limits["MAX_TOTAL_BYTES"]),
        }
    return text
