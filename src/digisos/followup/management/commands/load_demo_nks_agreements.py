"""Quick start: NAV Kontaktsenter may look at Oslo's and Tromsø's cases, not Bergen's, so the NKS demo employee
sees both a permitted and a refused lookup. Never for production data."""

from django.core.management.base import BaseCommand

from digisos.followup.models import NksAgreement
from digisos.municipalities.models import Municipality

DEMO_AGREEMENTS = {"0301": True, "5501": True, "4601": False}


class Command(BaseCommand):
    help = "Sets the demo municipalities' NKS agreements (Oslo and Tromsø on, Bergen off)."

    def handle(self, *args, **options) -> None:
        known = set(Municipality.objects.filter(pk__in=DEMO_AGREEMENTS).values_list("pk", flat=True))
        for kommunenummer, active in DEMO_AGREEMENTS.items():
            if kommunenummer in known:
                NksAgreement.objects.update_or_create(
                    municipality_id=kommunenummer, defaults={"active": active}
                )
        self.stdout.write(f"NKS agreements set for {len(known)} demo municipalities.")
