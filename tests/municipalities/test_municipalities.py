"""Municipalities: data load, routing to NAV offices, the four outcomes on page and API, audited flags."""

import shutil

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from digisos.core.models import AuditEntry
from digisos.municipalities.models import Municipality, NavOffice, ServiceConfiguration
from digisos.municipalities.selectors import digital_status, find_municipalities, route_to_office
from digisos.municipalities.services import DATA_DIR, load_municipalities

pytestmark = pytest.mark.django_db

OUTCOMES = {
    "0301": "digital_with_innsyn",
    "5001": "digital_status_by_letter",
    "3301": "paper_only",
    "1103": "temporarily_closed",
}


def test_all_2024_municipalities_are_loaded_with_counties(reference_data):
    assert Municipality.objects.filter(active=True).count() == 357
    haram = Municipality.objects.select_related("county").get(pk="1580")
    assert (haram.name, haram.county.name) == ("Haram", "Møre og Romsdal")
    assert ServiceConfiguration.objects.count() == 357


def test_loading_again_is_a_no_op_and_a_changed_file_reloads(reference_data, tmp_path):
    assert load_municipalities().up_to_date
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    kommuner = data / "kommuner-2024.json"
    kommuner.write_text(kommuner.read_text(encoding="utf-8").replace('"Haram"', '"Haram kommune"'), "utf-8")

    result = load_municipalities(data)

    assert not result.up_to_date
    assert Municipality.objects.get(pk="1580").name == "Haram kommune"
    assert Municipality.objects.count() == 357
    assert load_municipalities(data).up_to_date


def test_routing_by_municipality(reference_data, django_assert_num_queries):
    with django_assert_num_queries(1):
        routing = route_to_office(kommunenummer="1804")
    assert routing.outcome == "found"
    assert (routing.office.enhetsnummer, routing.office.name) == ("1804", "Nav Bodø")
    assert routing.municipality.name == "Bodø"


def test_routing_by_oslo_district(reference_data):
    routing = route_to_office(kommunenummer="0301", bydelsnummer="030102")
    assert (routing.office.enhetsnummer, routing.office.name) == ("0315", "Nav Grünerløkka")
    assert routing.office.verified
    assert routing.geographic_area == "030102"


def test_oslo_marka_address_is_moved_to_a_real_district(reference_data, django_assert_num_queries):
    # ALUNSJØVEIEN (gatekode 10119): odd numbers from 69 belong to Grorud.
    with django_assert_num_queries(2):
        routing = route_to_office(
            kommunenummer="0301", bydelsnummer="030117", street_code="10119", house_number="71"
        )
    assert routing.office.name == "Nav Grorud"


def test_unclear_addresses_get_a_clear_answer_not_a_guess(reference_data):
    assert route_to_office(kommunenummer=None).outcome == "no_address"
    assert route_to_office(kommunenummer="9999").outcome == "unknown_municipality"
    no_district = route_to_office(kommunenummer="0301")
    assert no_district.outcome == "no_office"
    assert no_district.office is None
    assert no_district.municipality.name == "Oslo"


@pytest.mark.parametrize(("kommunenummer", "outcome"), OUTCOMES.items())
def test_each_outcome_on_the_page_and_in_the_api(reference_data, client, kommunenummer, outcome):
    assert digital_status(kommunenummer).outcome == outcome

    page = client.get(f"/kommuner/{kommunenummer}/")
    assert page.status_code == 200
    assert f'data-outcome="{outcome}"' in page.content.decode()

    api = client.get(f"/api/public/v1/kommuner/{kommunenummer}")
    assert api.status_code == 200
    assert api.json()["utfall"] == outcome


def test_paper_only_page_says_where_to_send_and_what_to_do_today(reference_data, client):
    html = client.get("/kommuner/3301/").content.decode()
    assert "Postboks 7000, 3002 Drammen" in html
    assert "nødhjelp samme dag" in html


def test_api_uses_kommuneinfo_field_names(reference_data, client, django_assert_num_queries, monkeypatch):
    from digisos.municipalities import api

    monkeypatch.setattr(api, "_answers", {})  # cold, whichever test asked for Oslo before
    with django_assert_num_queries(3):
        body = client.get("/api/public/v1/kommuner/0301").json()
    with django_assert_num_queries(1):  # the answer is cached until the municipality changes
        assert client.get("/api/public/v1/kommuner/0301").json() == body
    assert body["kommunenavn"] == "Oslo"
    assert body["kanMottaSoknader"] is True
    assert body["harMidlertidigDeaktivertMottak"] is False
    assert body["papirsoknad"] is None
    assert {"enhetsnummer": "0315", "navn": "Nav Grünerløkka"} in body["navKontorer"]
    assert len(body["navKontorer"]) == 15


# Digits of another script are not a number either (a regular expression's \d takes them).
@pytest.mark.parametrize("bad", ["123", "abcd", "03011", "\u0660\u0663\u0660\u0661"])
def test_api_rejects_a_malformed_number_naming_the_field(client, bad):
    response = client.get(f"/api/public/v1/kommuner/{bad}")
    assert response.status_code == 400
    error = response.json()["detail"][0]
    assert error["field"] == "kommunenummer"
    assert "fire siffer" in error["msg"]


def test_api_unknown_municipality_is_a_json_404(reference_data, client):
    response = client.get("/api/public/v1/kommuner/9999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Fant ingen kommune med kommunenummer 9999."}


def test_unknown_municipality_page_is_404(reference_data, client):
    assert client.get("/kommuner/9999/").status_code == 404


def test_search_by_number_and_by_name_goes_to_the_municipality(reference_data, client):
    assert client.get("/kommuner/", {"q": "1804"})["Location"] == "/kommuner/1804/"
    assert client.get("/kommuner/", {"q": " bodø "})["Location"] == "/kommuner/1804/"


def test_herøy_is_ambiguous_and_both_are_offered(reference_data, client):
    assert {m.kommunenummer for m in find_municipalities("Herøy")} == {"1515", "1818"}
    html = client.get("/kommuner/", {"q": "Herøy"}).content.decode()
    assert "Herøy i Møre og Romsdal" in html
    assert "Herøy i Nordland" in html


@pytest.mark.parametrize(
    ("query", "message"), [("", "Skriv navnet eller nummeret"), ("Atlantis", "Atlantis")]
)
def test_search_errors_say_what_to_do(reference_data, client, query, message):
    response = client.get("/kommuner/", {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html
    assert message in html


def test_operator_change_in_admin_is_audited_with_before_and_after(reference_data, client):
    assert client.get("/api/public/v1/kommuner/1804").json()["utfall"] == "digital_status_by_letter"
    admin = get_user_model().objects.create_superuser("ole", kind="employee")
    client.force_login(admin)
    configuration = ServiceConfiguration.objects.get(pk="1804")
    form = {name: getattr(configuration, name) for name in ServiceConfiguration.FLAG_FIELDS}
    form = {name: value for name, value in form.items() if value is not False}
    form["receiving_temporarily_disabled"] = "on"

    response = client.post("/admin/municipalities/serviceconfiguration/1804/change/", form)

    assert response.status_code == 302
    assert digital_status("1804").outcome == "temporarily_closed"
    # The public API's cached answer follows the change at once.
    assert client.get("/api/public/v1/kommuner/1804").json()["utfall"] == "temporarily_closed"
    entry = AuditEntry.objects.filter(object_id="1804").latest("pk")
    assert entry.actor == "ole"
    assert entry.before == {"receiving_temporarily_disabled": False}
    assert entry.after == {"receiving_temporarily_disabled": True}


def test_load_demo_flags_twice_writes_no_new_audit_entries(reference_data):
    before = AuditEntry.objects.count()
    call_command("load_demo_service_flags", verbosity=0)
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("typed", "expected"), [("heroy", {"1515", "1818"}), ("tromso", {"5501"}), ("baerum", {"3201"})]
)
def test_a_name_typed_without_æøå_finds_the_municipality(reference_data, typed, expected):
    """Folded on both sides (digisos.core.text.fold_for_search): "heroy" found nothing before."""
    assert {m.kommunenummer for m in find_municipalities(typed)} == expected


def test_the_search_page_finds_tromsø_typed_as_tromso(reference_data, client):
    assert client.get("/kommuner/", {"q": "tromso"})["Location"] == "/kommuner/5501/"


def test_every_office_is_named_nav_as_since_2022(reference_data):
    """NORG's data says "NAV Arna"; the pages say "Nav Arna" (loaded so by load_municipalities)."""
    names = list(NavOffice.objects.values_list("name", flat=True))
    assert names and not [n for n in names if n.startswith("NAV")]
    assert "Nav Arna" in names


def test_no_text_or_data_still_writes_nav_in_capitals():
    """tools/nav_naming.py rewrites "NAV" to "Nav" in templates, strings and data; a text added later with
    "NAV" fails here until it is run again."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "tools/nav_naming.py", "--check"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("page", ["/bekymringsmelding/", "/statistikk/"])
def test_a_municipality_list_says_which_county_a_shared_name_is_in(reference_data, client, page):
    """Two municipalities are called Herøy (Møre og Romsdal, 1515; Nordland, 1818): each option says which it is,
    so a person reporting concern for a child picks the right child-welfare service. A name of its own stands
    alone."""
    html = client.get(page).content.decode()
    assert '<option value="1515">Herøy i Møre og Romsdal</option>' in html
    assert '<option value="1818">Herøy i Nordland</option>' in html
    assert '<option value="0301">Oslo</option>' in html
    assert ">Herøy<" not in html


def test_public_api_tells_what_a_field_takes(client):
    response = client.get("/api/public/v1/statistikk/", {"niva": "by"})
    assert response.status_code == 400
    (error,) = response.json()["detail"]
    assert error["field"] == "niva"
    assert error["msg"] == "Ugyldig verdi i «niva»: send land, fylke eller kommune."
