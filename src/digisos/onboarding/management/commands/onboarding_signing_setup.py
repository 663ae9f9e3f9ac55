from django.conf import settings
from django.core.management.base import BaseCommand

from digisos.onboarding.adapters.local_signing import LocalTestCaSigner, ensure_test_ca, ensure_test_seal
from digisos.onboarding.signing import signer


class Command(BaseCommand):
    help = (
        "Creates the local signing adapter's test certificate authority and the platform's test seal "
        "(quick start and tests only)."
    )

    def handle(self, *args, **options):
        if not isinstance(signer(), LocalTestCaSigner):
            self.stdout.write("The signing adapter is not the local one: nothing to set up.")
            return
        certificate, _key = ensure_test_ca()
        ensure_test_seal()  # the platform's seal for the ASiC-E signature, made before the processes race for it
        self.stdout.write(
            f"Test certificate authority for agreement signatures: {settings.ONBOARDING_SIGNING['CA_DIR']} "
            f"({certificate.subject.rfc4514_string()})"
        )
