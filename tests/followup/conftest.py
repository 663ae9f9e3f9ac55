# --- Follow-up (tests/followup/): employees in each access role, and a person's case at their unit ----------

import pytest
from django.contrib.auth.models import Group

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.documents.models import Folder
from digisos.exchange.models import Case
from digisos.followup.models import NksAgreement
from digisos.followup.policy import Employee, employee_of
from digisos.municipalities.models import NavOffice
from tests.fixtures.personas import citizen


def employee(
    username: str, role: str, *, kommunenummer: str | None = None, enhetsnummer: str | None = None
) -> Employee:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"kind": User.Kind.EMPLOYEE, "municipality_id": kommunenummer}
    )
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return employee_of(user, enhetsnummer=enhetsnummer)


def case_for(key: str, kommunenummer: str = "0301", enhetsnummer: str | None = None) -> Case:
    """A paper-style case for the persona at the municipality (and office): a relation to the employee."""
    return Case.objects.create(municipality_id=kommunenummer, owner=citizen(key), office_id=enhetsnummer)


def answered_bostotte(case: Case, key: str, *, consent: bool) -> Case:
    """Gives the case the persona's application, which answered whether bostøtte may be fetched from Husbanken
    (the consent the bostøtte panel rests on)."""
    owner = citizen(key)
    case.application = Application.objects.create(
        owner=owner,
        folder=Folder.objects.create(owner=owner),
        answers={"inntekt": {"bostotte": True, "bostotte_samtykke": consent}},
        municipality_id=case.municipality_id,
    )
    case.save(update_fields=["application"])
    return case


def nks_agreement(kommunenummer: str, *, active: bool) -> None:
    NksAgreement.objects.update_or_create(municipality_id=kommunenummer, defaults={"active": active})


@pytest.fixture
def oslo_office(reference_data) -> str:
    return NavOffice.objects.order_by("enhetsnummer").values_list("enhetsnummer", flat=True).first()
