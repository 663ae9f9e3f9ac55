import pytest
from django.core.management import call_command

from digisos.followup.models import NksAgreement

pytestmark = pytest.mark.django_db


def test_the_demo_nks_agreements_are_oslo_and_tromso_on_and_bergen_off(reference_data):
    call_command("load_demo_nks_agreements", verbosity=0)
    call_command("load_demo_nks_agreements", verbosity=0)  # twice: the quick start runs it at every start
    assert dict(NksAgreement.objects.values_list("municipality_id", "active")) == {
        "0301": True,
        "5501": True,
        "4601": False,
    }


def test_the_demo_employee_with_special_access_holds_both_levels(reference_data):
    from digisos.accounts.models import User
    from digisos.followup.models import ProtectedAccessGrant

    call_command("load_demo_protected_access", verbosity=0)
    call_command("load_demo_protected_access", verbosity=0)  # twice: the quick start runs it at every start
    siri = User.objects.get(username="employee-siri-saerskilt")
    assert siri.kind == User.Kind.EMPLOYEE
    assert sorted(
        ProtectedAccessGrant.objects.filter(user=siri, withdrawn_at__isnull=True).values_list(
            "level", flat=True
        )
    ) == ["fortrolig", "strengt_fortrolig"]
    assert ProtectedAccessGrant.objects.count() == 2  # one grant per level, not one per run
