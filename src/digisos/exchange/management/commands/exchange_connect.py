from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from digisos.exchange.keys import UnreadableKey, certificate_fingerprint, public_key_fingerprint
from digisos.exchange.models import Receiver
from digisos.exchange.services.clients import register_client, register_receiver
from digisos.municipalities.models import Municipality


class Command(BaseCommand):
    help = (
        "Connect a municipality: through its case system (--certificate to encrypt deliveries to, "
        "--client-public-key to verify its grants) or the manual inbox (--inbox-email)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kommunenummer")
        parser.add_argument("--certificate", type=Path, help="X.509 PEM the deliveries are encrypted to")
        parser.add_argument("--client-public-key", type=Path, help="the case system's public key (PEM)")
        parser.add_argument("--client-id", help="default: a new UUID")
        parser.add_argument("--name", default="Fagsystem")
        parser.add_argument("--inbox-email", default="", help="manual inbox: where new-arrival notices go")

    def handle(
        self,
        *args,
        kommunenummer: str,
        certificate,
        client_public_key,
        client_id,
        name,
        inbox_email,
        **options,
    ):
        if not Municipality.objects.filter(pk=kommunenummer).exists():
            raise CommandError(
                f"No municipality {kommunenummer}: give a kommunenummer from the register "
                "(manage.py load_municipalities loads it)."
            )
        if bool(certificate) != bool(client_public_key):
            raise CommandError("A case system needs both --certificate and --client-public-key.")
        if certificate:
            try:
                certificate_fingerprint(certificate.read_text())
                public_key_fingerprint(client_public_key.read_text())
            except UnreadableKey as unreadable:
                raise CommandError(
                    f"Unreadable certificate or public key (PEM expected): {unreadable}"
                ) from None
            register_receiver(
                kommunenummer=kommunenummer,
                channel=Receiver.Channel.API,
                certificate_pem=certificate.read_text(),
            )
            client = register_client(
                kommunenummer=kommunenummer,
                name=name,
                public_key_pem=client_public_key.read_text(),
                client_id=client_id,
            )
            self.stdout.write(f"{kommunenummer}: case system connected, client_id {client.client_id}")
        else:
            register_receiver(
                kommunenummer=kommunenummer, channel=Receiver.Channel.INBOX, inbox_email=inbox_email
            )
            self.stdout.write(f"{kommunenummer}: manual inbox")
