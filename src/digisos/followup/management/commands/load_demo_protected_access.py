"""Quick start: the demo employees' special authorisations for address-protected persons (the
"protected_access" levels in accounts/data/demo_employees.json: Siri, a NAV veileder at Nav Gamle Oslo, holds
both). Never for production: there an operator grants each one in the admin, with a reason."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from digisos import accounts
from digisos.accounts.models import User
from digisos.followup.models import ProtectedAccessGrant
from digisos.followup.services import grant_protected_access

# The local login's file (accounts.local_idporten.DEFAULT_EMPLOYEES), named here without importing the local
# identity provider and its Flask app.
DEMO_EMPLOYEES = Path(accounts.__file__).resolve().parent / "data" / "demo_employees.json"
DEMO_REASON = "Demo: særskilt tilgang i hurtigstarten"


class Command(BaseCommand):
    help = "Grants the demo employees their special access to address-protected persons (idempotent)."

    def handle(self, *args, **options) -> None:
        employees = json.loads(DEMO_EMPLOYEES.read_text(encoding="utf-8"))["employees"]
        granted = 0
        for entry in employees:
            levels = entry.get("protected_access", [])
            if not levels:
                continue
            # The employee login finds this user by the same name (accounts.services.employee_from_claims).
            user, created = User.objects.get_or_create(
                username=f"employee-{entry['sub']}"[:150], defaults={"kind": User.Kind.EMPLOYEE}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            for level in levels:
                active = ProtectedAccessGrant.objects.filter(
                    user=user, level=level, withdrawn_at__isnull=True
                )
                if not active.exists():
                    grant_protected_access(user, level, by=None, reason=DEMO_REASON)
                    granted += 1
        self.stdout.write(f"Demo special access: {granted} grant(s) given.")
