from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from digisos.exchange.keys import generate_municipality_keys
from digisos.exchange.models import Receiver
from digisos.exchange.services.clients import register_client, register_receiver

# Bergen and Tromsø have a case system (the simulator plays it); Oslo uses the manual inbox.
CASE_SYSTEM_MUNICIPALITIES = {"4601": "Bergen", "5501": "Tromsø"}
INBOX_MUNICIPALITIES = {"0301": "innboks@oslo.kommune.example"}


class Command(BaseCommand):
    # Demo data for the quick start and the benchmarks (production connects municipalities with
    # `exchange_connect`): keys the simulator signs and decrypts with, and an inbox for Oslo.
    help = "Quick start: demo keys in var/fagsystem/<nr>/ and the demo municipalities connected."

    def handle(self, *args, **options) -> None:
        for kommunenummer, name in CASE_SYSTEM_MUNICIPALITIES.items():
            folder = Path(settings.VAR_DIR) / "fagsystem" / kommunenummer
            certificate, public = generate_municipality_keys(folder)
            register_receiver(
                kommunenummer=kommunenummer,
                channel=Receiver.Channel.API,
                certificate_pem=certificate.read_text(),
            )
            register_client(
                kommunenummer=kommunenummer,
                name=f"Demo-fagsystem {name}",
                public_key_pem=public.read_text(),
                client_id=f"demo-fagsystem-{kommunenummer}",
            )
        for kommunenummer, email in INBOX_MUNICIPALITIES.items():
            register_receiver(kommunenummer=kommunenummer, channel=Receiver.Channel.INBOX, inbox_email=email)
        self.stdout.write(
            "Demo exchange set up: case systems for 4601, 5501 (keys in var/fagsystem/); inbox for 0301."
        )
