"""File names: the one the user sees, and the one case systems get."""

import re
import unicodedata
import uuid

_TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "AE", "Ø": "O", "Å": "A"})


def display_name(raw: str) -> str:
    """The user's own name for the file, minus path parts and control characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = name.strip().strip(".").strip()
    return name[:200] or "dokument"


def stored_name(display: str, document_id: uuid.UUID) -> str:
    """NAV's rule (VedleggUtils.lagFilnavn): æøå transliterated, only [A-Za-z0-9_-], base cut at 50 chars,
    then 8 hex characters of the id so two files never share a name, and .pdf since we always store PDF."""
    base = display.rsplit(".", 1)[0] if "." in display else display
    base = unicodedata.normalize("NFKD", base.translate(_TRANSLITERATE))
    base = "".join(char for char in base if not unicodedata.combining(char))
    base = re.sub(r"\s+", "-", base)
    base = re.sub(r"[^A-Za-z0-9_-]", "", base)[:50].strip("-") or "dokument"
    return f"{base}-{document_id.hex[:8]}.pdf"
