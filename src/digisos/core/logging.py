"""JSON logs through structlog, with the request id bound per request.

Every line passes `scrub_identity_numbers`, so an 11-digit number that could be a fødselsnummer or
d-nummer never reaches the log, whoever wrote the log call.
"""

import logging
import re
import sys
from typing import Any

import structlog
from django.conf import settings

# Eleven digits not part of a longer digit run; optional space after the birth date part.
_IDENTITY_NUMBER = re.compile(r"(?<!\d)(\d{6})\s?(\d{5})(?!\d)")
REDACTED = "***********"


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _IDENTITY_NUMBER.sub(REDACTED, value)
    if isinstance(value, int) and not isinstance(value, bool) and 10**10 <= value < 10**11:
        return REDACTED
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def scrub_identity_numbers(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return {key: _scrub(value) for key, value in event_dict.items()}


_configured = False


def configure_logging() -> None:
    global _configured
    if _configured:
        return
    _configured = True
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        # A call below the logger's level is dropped first, before the processors build an event that the
        # standard library would then throw away (the audit's info line on every event post, at WARNING).
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            scrub_identity_numbers,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(getattr(settings, "LOG_LEVEL", "INFO"))
    # Django logs each 4xx/5xx with the full path; paths carry no fnr by design, but keep it terse.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("django.server").setLevel(logging.WARNING)
    # WeasyPrint and fontTools narrate every PDF at INFO; only their warnings matter to operations.
    for noisy in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
