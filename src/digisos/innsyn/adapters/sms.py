"""The SMS gateway port and its adapters. Production plugs in the municipality's or NAV's gateway here;
the quick start and CI use the logging adapter, which sends nothing and logs no number."""

from typing import ClassVar, Protocol

import structlog
from django.conf import settings
from django.utils.module_loading import import_string

log = structlog.get_logger(__name__)


class SmsGateway(Protocol):
    flow: ClassVar[str] = "notification.case_news"  # digisos.core.dataflows

    def send(self, *, to: str, text: str) -> None: ...


class LoggingSmsGateway:
    """Fake gateway at the edge: writes that an SMS would be sent (last two digits of the number only)."""

    flow = "notification.case_news"

    def send(self, *, to: str, text: str) -> None:
        log.info("sms.logged", to=f"…{to[-2:]}", characters=len(text))


def gateway() -> SmsGateway:
    return import_string(settings.SMS_GATEWAY)()
