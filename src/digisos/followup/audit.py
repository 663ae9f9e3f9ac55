"""The access audit in ArcSight CEF, as NAV's Modia writes it (sporingslogg), on a logger of its own.

The CEF line carries the fødselsnummer (`duid`), so it must never reach the ordinary log: the logger
`digisos.sporingslogg` does not propagate to the root logger (whose JSON lines are shipped to ordinary log
search), and has its own handler, chosen by settings.AUDIT_LOG_ADDRESS:

- "tcp://host:port" or "udp://host:port": syslog to the audit collector (NAIS: audit.nais:6514);
- a file path: appended to that file (readable only by the service's own user);
- empty (the quick start and tests): no handler; the decision is still kept in the database (AccessDecision).

docs/operations.md ("Tilgangslogg") says the same for operators.
"""

import logging
import logging.handlers
import re
import socket
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings

from .policy import Decision, Employee

AUDIT_LOGGER = "digisos.sporingslogg"
VENDOR, PRODUCT, VERSION = "DigiSos", "sporingslogg", "1.0"
SIGNATURE = "audit:access"
NAME = "Sosialhjelp oppslag"

_configured_for: str | None = None


def audit_logger() -> logging.Logger:
    """The CEF logger, its handler set from settings.AUDIT_LOG_ADDRESS (again when the setting changes)."""
    global _configured_for
    logger = logging.getLogger(AUDIT_LOGGER)
    address = getattr(settings, "AUDIT_LOG_ADDRESS", "")
    if _configured_for != address:
        for handler in [h for h in logger.handlers if getattr(h, "_digisos_audit", False)]:
            logger.removeHandler(handler)
            handler.close()
        handler = _handler(address)
        if handler is not None:
            handler._digisos_audit = True  # type: ignore[attr-defined]
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)
        _configured_for = address
    # Never to the root logger's ordinary, shipped log. Set only when not already so: setLevel empties the
    # level cache of every logger in the process, and this runs at every look.
    if logger.propagate:
        logger.propagate = False
    if logger.level != logging.INFO:
        logger.setLevel(logging.INFO)
    return logger


def _handler(address: str) -> logging.Handler | None:
    if not address:
        return None
    parts = urlsplit(address)
    if parts.scheme in ("tcp", "udp"):
        kind = socket.SOCK_STREAM if parts.scheme == "tcp" else socket.SOCK_DGRAM
        return logging.handlers.SysLogHandler(address=(parts.hostname, parts.port or 514), socktype=kind)
    return logging.FileHandler(address, encoding="utf-8")


def _header(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|")


def _extension(value: str) -> str:
    return value.replace("\\", "\\\\").replace("=", "\\=").replace("\r", "\\r").replace("\n", "\\n")


def cef_line(
    *,
    employee: Employee,
    pid: str,
    purpose: str,
    kind: str,
    decision: Decision,
    at: datetime,
    request_id: str = "",
    path: str = "",
    method: str = "",
) -> str:
    """One CEF record: who (suid), whose (duid), what (cs5 data kind, cs6 flow), when (end), why (cs3 purpose),
    PERMIT/DENY (flexString1, as NAIS's audit format has it) and the reason (flexString2)."""
    fields = {
        "end": str(int(at.timestamp() * 1000)),
        "suid": employee.ident,
        "duid": pid,
        "sproc": request_id,
        "dproc": "digisos",
        "request": path,
        "requestMethod": method,
        "flexString1Label": "Decision",
        "flexString1": decision.outcome,
        "flexString2Label": "Reason",
        "flexString2": decision.reason.value,
        "cs3Label": "Purpose",
        "cs3": purpose,
        "cs5Label": "DataKind",
        "cs5": kind,
        "cs6Label": "Flow",
        "cs6": decision.flow,
    }
    severity = "INFO" if decision.permitted else "WARN"
    header = "|".join(
        _header(part) for part in ("CEF:0", VENDOR, PRODUCT, VERSION, SIGNATURE, NAME, severity)
    )
    extension = " ".join(f"{key}={_extension(value)}" for key, value in fields.items())
    return f"{header}|{extension}"


def parse_cef(line: str) -> tuple[list[str], dict[str, str]]:
    """The header fields and the extension of a CEF line (the inverse of cef_line, for tests and tools)."""
    header = [_unescape(part) for part in _HEADER_PART.findall(line)[:7]]
    rest = line[sum(len(part) + 1 for part in _HEADER_PART.findall(line)[:7]) :]
    fields = {match[1]: _unescape(match[2]) for match in _EXTENSION_PAIR.finditer(rest)}
    return header, fields


# A header part is anything up to an unescaped "|"; an extension value runs until the next " key=".
_HEADER_PART = re.compile(r"((?:\\.|[^\\|])*)\|")
_EXTENSION_PAIR = re.compile(r"(\w+)=((?:\\.|[^\\])*?)(?=\s\w+=|$)")


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m[1], m[1]), value)
