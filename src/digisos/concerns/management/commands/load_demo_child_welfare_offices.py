from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from digisos.concerns.api import SCOPE
from digisos.concerns.models import ChildWelfareOffice
from digisos.concerns.services import apply_demo_child_welfare_offices
from digisos.exchange.keys import generate_municipality_keys
from digisos.exchange.services.clients import register_client


class Command(BaseCommand):
    help = (
        "Quick start: child-welfare offices for the concern report (bekymringsmelding): Bergen and Tromsø "
        "with a case system (demo keys in var/barnevern/<nr>/, a client with the bekymringsmelding:collect "
        "scope), Oslo's districts with the inbox, Trondheim configured but not activated."
    )

    def handle(self, *args, **options) -> None:
        created = apply_demo_child_welfare_offices()
        for office in ChildWelfareOffice.objects.filter(
            channel=ChildWelfareOffice.Channel.EXCHANGE, active=True
        ):
            # Production: the municipality sends its certificate and its case system's public key.
            folder = Path(settings.VAR_DIR) / "barnevern" / office.municipality_id
            certificate, public = generate_municipality_keys(folder)
            office.certificate_pem = certificate.read_text()
            office.save(update_fields=["certificate_pem", "updated_at"])
            register_client(
                kommunenummer=office.municipality_id,
                name=f"Demo-barnevernsystem {office.municipality.name}",
                public_key_pem=public.read_text(),
                client_id=f"demo-barnevern-{office.municipality_id}",
                scopes=SCOPE,
            )
        self.stdout.write(f"Demo child-welfare offices set ({created} created); keys in var/barnevern/.")
