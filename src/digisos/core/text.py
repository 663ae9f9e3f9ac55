"""Text helpers shared by the apps."""

import re
import unicodedata

from django.http import QueryDict

# Letters without a Unicode decomposition, written out as people type them on a keyboard without them.
_SPELLED_OUT = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "đ": "d", "ŋ": "n", "ŧ": "t", "ß": "ss"})
# Then each two-letter spelling and its one-letter one meet: "aa" and "a" (Ål, Aal, Al), "ae" and "a" (Bærum,
# Baerum, Barum), "oe" and "o" (Herøy, Heroey, Heroy).
_DIGRAPHS = re.compile(r"aa|ae|oe")


def fold_for_search(text: str) -> str:
    """The text as a search compares it: case, accents (á, š, é), and æ/ø/å folded the ways people type them.

    Fold both sides, the query and the names: "heroy", "heroey" and "Herøy" all become "heroy".
    """
    spelled = " ".join(text.split()).casefold().translate(_SPELLED_OUT)
    without_marks = "".join(c for c in unicodedata.normalize("NFKD", spelled) if not unicodedata.combining(c))
    return _DIGRAPHS.sub(lambda m: m[0][0], without_marks)


def without_nul(data: QueryDict) -> QueryDict:
    """Posted values with every NUL character taken out: nobody types one, a pasted text can carry one unseen,
    and PostgreSQL stores none, in a text column or in JSON. The same QueryDict when none has one."""
    if not any("\x00" in value for _name, values in data.lists() for value in values):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for name, values in data.lists():
        cleaned.setlist(name.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    return cleaned
