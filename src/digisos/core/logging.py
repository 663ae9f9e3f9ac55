"""JSON logs through structlog, with the request id bound per request.

Every line passes `scrub_identity_numbers`, so an 11-digit number that could be a fødselsnummer or
d-nummer never reaches the log, whoever wrote the log call.
"""

import logging
import re
import sys
from typing import Any

from django.conf import settings

# Eleven digits not part of a longer digit run; optional space after the birth date part.
_IDENTITY_NUMBER = re.compile(r"(?<!\d)(\d{6})\s?(\d{5})(?!\d)")
REDACTED = "***********"
# A uuid (a request id, a case's id) as one word: 32 hex digits, with or without its dashes.
_UUID = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_HEX_OR_DASH = frozenset("0123456789abcdefABCDEF-")


def _redacted(match: re.Match[str]) -> str:
    """The number masked, unless it is part of a uuid: one in eight request ids holds eleven digits in a row, and
    masked, the lines of one request could no longer be found together."""
    text, start, end = match.string, match.start(), match.end()
    while start > 0 and text[start - 1] in _HEX_OR_DASH:
        start -= 1
    while end < len(text) and text[end] in _HEX_OR_DASH:
        end += 1
    return match.group(0) if _UUID.fullmatch(text, start, end) else REDACTED


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _IDENTITY_NUMBER.sub(_redacted, value)
    if isinstance(value, int) and not isinstance(value, bool) and 10**10 <= value < 10**11:
        return REDACTED
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def scrub_identity_numbers(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return {key: _scrub(value) for key, value in event_dict.items()}


def _shared_processors() -> list[Any]:
    import structlog

    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]


_structlog_configured = False


def configure_structlog() -> None:
    """structlog's own configuration: its lines go through the standard library, so through the root handler's
    scrubbing formatter. Called when structlog is first imported (digisos/__init__.py), before any module can
    log with it, and from configure_logging() when something imported structlog before digisos."""
    global _structlog_configured
    if _structlog_configured:
        return
    _structlog_configured = True
    import structlog

    structlog.configure(
        # A call below the logger's level is dropped first, before the processors build an event that the
        # standard library would then throw away (the audit's info line on every event post, at WARNING).
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


class JsonLineFormatter(logging.Formatter):
    """The root handler's formatter: structlog's ProcessorFormatter with the scrubber and the JSON renderer, made
    on the first line logged. structlog costs about 50 M instructions to import (a twentieth of Django's own
    start-up), and most processes that start Django (manage.py commands, the worker's boot, test processes)
    log nothing before they need it anyway."""

    _formatter: logging.Formatter | None = None

    def format(self, record: logging.LogRecord) -> str:
        if self._formatter is None:
            import structlog

            self._formatter = structlog.stdlib.ProcessorFormatter(
                foreign_pre_chain=_shared_processors(),
                processors=[
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    scrub_identity_numbers,
                    structlog.processors.JSONRenderer(ensure_ascii=False),
                ],
            )
        return self._formatter.format(record)


_configured = False


def configure_logging() -> None:
    """Every line, the standard library's and structlog's, leaves as one scrubbed JSON line on stderr."""
    global _configured
    if _configured:
        return
    _configured = True
    if "structlog" in sys.modules:  # imported before digisos (its import hook then never ran)
        configure_structlog()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(getattr(settings, "LOG_LEVEL", "INFO"))
    # Django logs each 4xx/5xx with the full path; paths carry no fnr by design, but keep it terse.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("django.server").setLevel(logging.WARNING)
    # WeasyPrint and fontTools narrate every PDF at INFO; only their warnings matter to operations.
    for noisy in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
