"""LIX (läsbarhetsindex, Björnsson 1968), the readability index used for Norwegian and Swedish texts:

    LIX = words / sentences + 100 × long words / words

where a long word has more than six letters. Below 30 is very easy, 30–40 easy (plain language), 40–50
middle, above 50 hard. Placeholders (%(name)s, {{ year }}) are not words the reader sees as written.
"""

import re

_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{\{[^}]*\}\}|%[sd]")
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*|\d+")
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)")


def words_of(text: str) -> list[str]:
    return _WORD.findall(_PLACEHOLDER.sub(" ", text))


def sentences_of(text: str) -> int:
    stripped = _PLACEHOLDER.sub(" ", text).strip()
    count = len(_SENTENCE_END.findall(stripped))
    return count + (0 if _SENTENCE_END.search(stripped[-1:] or "") else 1) if stripped else 0


def is_sentence(text: str) -> bool:
    """Four words or more: LIX measures sentences; a name or heading of one to three words («Økonomisk
    sosialhjelp», «Telefon:») scores only how long its words are (2 + 50 per long word for two words)."""
    return len(words_of(text)) >= 4


def lix(text: str) -> float:
    words = words_of(text)
    if not words:
        return 0.0
    long_words = sum(1 for word in words if len(word) > 6)
    return len(words) / max(sentences_of(text), 1) + 100 * long_words / len(words)
