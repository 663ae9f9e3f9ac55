"""The migrations that make municipality and office numbers foreign keys keep every stored value, turn the
blank "none yet" into NULL, and stop with the values named when one is missing from the register."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.documents.models import Folder
from digisos.exchange.models import ApiClient, Case, Delivery, Receiver

BEFORE = [
    ("accounts", "0003_alter_user_kind"),
    ("application", "0002_variant"),
    ("documents", "0003_folder_sealed_at"),
    ("exchange", "0004_case_state"),
    ("municipalities", "0001_initial"),
]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _rows_before(apps, *, case_municipality: str = "0301") -> dict[str, object]:
    """Rows as the text columns held them, written through the models of that time."""
    # The register (perhaps already loaded by an earlier test of the session) has Oslo and Grünerløkka.
    county, _ = apps.get_model("municipalities", "County").objects.get_or_create(
        number="03", defaults={"name": "Oslo"}
    )
    apps.get_model("municipalities", "Municipality").objects.get_or_create(
        kommunenummer="0301", defaults={"name": "Oslo", "county": county, "valid_from": "2024-01-01"}
    )
    apps.get_model("municipalities", "NavOffice").objects.get_or_create(
        enhetsnummer="0315", defaults={"name": "Nav Grünerløkka"}
    )
    user_model = apps.get_model("accounts", "User")
    citizen = user_model.objects.create(username="citizen", kind="citizen", municipality="")
    employee = user_model.objects.create(username="sara", kind="employee", municipality="0301")
    folder_model = apps.get_model("documents", "Folder")
    draft_folder = folder_model.objects.create(kind="application", owner=citizen, kommunenummer="")
    sent_folder = folder_model.objects.create(kind="application", owner=citizen, kommunenummer="0301")
    application_model = apps.get_model("application", "Application")
    draft = application_model.objects.create(owner=citizen, folder=draft_folder, kommunenummer="")
    sent = application_model.objects.create(
        owner=citizen, folder=sent_folder, kommunenummer="0301", enhetsnummer="0315", status="ready"
    )
    case_model = apps.get_model("exchange", "Case")
    without_office = case_model.objects.create(
        owner=citizen, kommunenummer=case_municipality, enhetsnummer=""
    )
    with_office = case_model.objects.create(
        owner=citizen, kommunenummer="0301", enhetsnummer="0315", application=sent
    )
    delivery = apps.get_model("exchange", "Delivery").objects.create(
        case=with_office,
        kind="soknad",
        kommunenummer="0301",
        channel="inbox",
        nav_ekstern_ref_id=str(uuid.uuid4()),
        folder=sent_folder,
        vedlegg_json={"vedlegg": []},
    )
    apps.get_model("exchange", "Receiver").objects.create(kommunenummer="0301", channel="inbox")
    system = user_model.objects.create(username="system", kind="system", municipality="0301")
    apps.get_model("exchange", "ApiClient").objects.create(
        client_id="fagsystem", kommunenummer="0301", name="Fagsystem", public_key_pem="", user=system
    )
    return {
        "citizen": citizen.pk,
        "employee": employee.pk,
        "draft_folder": draft_folder.pk,
        "sent_folder": sent_folder.pk,
        "draft": draft.pk,
        "sent": sent.pk,
        "without_office": without_office.pk,
        "with_office": with_office.pk,
        "delivery": delivery.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_numbers_are_kept_and_blank_becomes_null():
    try:
        executor = _migrate(BEFORE)
        ids = _rows_before(executor.loader.project_state(BEFORE).apps)

        _migrate(_latest())

        assert User.objects.get(pk=ids["citizen"]).municipality_id is None
        assert User.objects.get(pk=ids["employee"]).municipality.name == "Oslo"
        assert Folder.objects.get(pk=ids["draft_folder"]).municipality_id is None
        assert Folder.objects.get(pk=ids["sent_folder"]).municipality_id == "0301"
        assert Application.objects.get(pk=ids["draft"]).municipality_id is None
        assert Application.objects.get(pk=ids["sent"]).municipality_id == "0301"
        assert Case.objects.get(pk=ids["without_office"]).office_id is None
        with_office = Case.objects.select_related("municipality", "office").get(pk=ids["with_office"])
        assert (with_office.municipality.name, with_office.office.name) == ("Oslo", "Nav Grünerløkka")
        assert Delivery.objects.get(pk=ids["delivery"]).municipality_id == "0301"
        assert Receiver.objects.get(pk="0301").municipality.name == "Oslo"
        assert ApiClient.objects.get(client_id="fagsystem").municipality_id == "0301"
        # The columns kept their names.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT kommunenummer, enhetsnummer FROM exchange_case WHERE id = %s", [with_office.pk]
            )
            assert cursor.fetchone() == ("0301", "0315")
    finally:
        _migrate(_latest())


@pytest.mark.django_db(transaction=True)
def test_a_number_missing_from_the_register_stops_the_migration_naming_it():
    try:
        executor = _migrate(BEFORE)
        _rows_before(executor.loader.project_state(BEFORE).apps, case_municipality="9999")

        with pytest.raises(RuntimeError, match=r"exchange\.case\.municipality .*9999.*load_municipalities"):
            _migrate(_latest())
    finally:
        # Put the row right, and the database back to the latest state for the tests that follow.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM exchange_case WHERE kommunenummer = '9999'")
        _migrate(_latest())
