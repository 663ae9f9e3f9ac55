"""The baseline (nullpunktsmåling): its form's plain refusals, who may record it and when, its audit, the
checklist step it fills, and the selector insights reads it through."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from digisos.core import formatting
from digisos.core.models import AuditEntry
from digisos.onboarding import selectors, services
from digisos.onboarding.forms import BaselineForm
from digisos.onboarding.models import Baseline, Role, Stage
from tests.onboarding.conftest import BASELINE, DRAMMEN, record_baseline

pytestmark = pytest.mark.django_db

GOOD = {
    "applications_per_month": "120",
    "digital_share_percent": "12,5 %",
    "minutes_per_paper_application": "15",
    "office_visits_per_month": "",
    "phone_calls_per_month": "150",
    "days_to_decision": "",
    "measured_by": "Sara Holm, fagansvarlig",
    "method": "Talt i arkivet.",
    "measured_from": "01.09.2026",
    "measured_to": "2026-10-31",
}


def _errors(**changes: str) -> dict[str, list[str]]:
    form = BaselineForm({**GOOD, **changes})
    assert not form.is_valid()
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


def test_a_good_baseline_is_read_as_norwegians_write_numbers():
    form = BaselineForm(GOOD)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["digital_share_percent"] == Decimal("12.5")
    assert form.cleaned_data["office_visits_per_month"] is None  # not counted: no comparison, no guess
    assert form.cleaned_data["measured_from"] == date(2026, 9, 1)


def test_an_empty_form_says_what_to_write_in_each_required_field():
    form = BaselineForm({})
    assert not form.is_valid()
    assert form.errors == {
        "applications_per_month": [
            "Skriv hvor mange søknader kommunen får i en vanlig måned, som et helt tall, for eksempel 120."
        ],
        "digital_share_percent": ["Skriv andelen som et tall fra 0 til 100, for eksempel 0 eller 12,5."],
        "minutes_per_paper_application": ["Skriv antall minutter, et tall fra 0,1 til 480, for eksempel 15."],
        "measured_by": ["Skriv hvem som målte, for eksempel «Sara Holm, fagansvarlig»."],
        "method": ["Skriv kort hvordan dere målte, så andre kan gjøre det likt senere."],
        "measured_from": ["Skriv datoen måleperioden begynte, for eksempel 01.01.2027."],
        "measured_to": ["Skriv datoen måleperioden sluttet, for eksempel 31.03.2027."],
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("applications_per_month", "mange", "som et helt tall"),
        ("applications_per_month", "-3", "som et helt tall"),
        ("applications_per_month", "12,5", "som et helt tall"),
        ("applications_per_month", "1000000", "Skriv et gjennomsnitt per måned, ikke for hele perioden."),
        ("digital_share_percent", "120", "et tall fra 0 til 100"),
        ("digital_share_percent", "NaN", "et tall fra 0 til 100"),
        ("minutes_per_paper_application", "0", "et tall fra 0,1 til 480"),
        ("minutes_per_paper_application", "600", "et tall fra 0,1 til 480"),
        ("office_visits_per_month", "mange", "Skriv antall besøk som et helt tall"),
        ("phone_calls_per_month", "-1", "Skriv antall telefoner som et helt tall"),
        ("days_to_decision", "400", "et tall fra 0 til 365"),
        ("measured_from", "i høst", "Skriv datoen som dd.mm.åååå"),
    ],
)
def test_a_wrong_figure_is_refused_on_its_field_in_plain_words(field, value, message):
    errors = _errors(**{field: value})
    assert list(errors) == [field]
    assert message in errors[field][0]


def test_the_measured_period_is_over_in_order_and_at_least_four_weeks():
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert _errors(measured_to=tomorrow.isoformat()) == {
        "measured_to": [
            "Måleperioden kan ikke slutte fram i tid. Registrer nullpunktet når perioden er over."
        ]
    }
    assert _errors(measured_from="01.11.2026") == {
        "measured_from": ["Måleperioden må begynne før den slutter."]
    }
    assert _errors(measured_from="15.10.2026") == {
        "measured_to": ["Mål over minst fire uker, så tallene per måned blir til å stole på."]
    }


def test_the_step_is_in_the_configuration_checklist_and_ticks_itself(walk, staff):
    onboarding = walk(Stage.CONFIGURATION)
    line = next(line for line in selectors.checklist(onboarding) if line.item.key == "baseline_recorded")
    assert not line.done and line.item.automatic and line.item.owner == Role.FAGANSVARLIG
    record_baseline(onboarding, staff[Role.FAGANSVARLIG])
    line = next(line for line in selectors.checklist(onboarding) if line.item.key == "baseline_recorded")
    assert line.done


def test_the_baseline_is_audited_with_before_and_after(walk, staff):
    onboarding = walk(Stage.CONFIGURATION)
    fagansvarlig = staff[Role.FAGANSVARLIG]
    record_baseline(onboarding, fagansvarlig)
    services.record_baseline(
        actor=staff[Role.NAV_OFFICE_LEADER],
        onboarding_id=onboarding.pk,
        **{**BASELINE, "office_visits_per_month": 95},
    )
    first, correction = AuditEntry.objects.filter(action="onboarding.baseline_recorded").order_by("id")
    assert first.before == {"baseline": None}
    assert first.after["baseline"]["applications_per_month"] == "120"
    assert first.after["baseline"]["measured_from"] == "2026-09-01"
    assert first.actor == fagansvarlig.username
    assert correction.before["baseline"]["office_visits_per_month"] == "80"
    assert correction.after["baseline"]["office_visits_per_month"] == "95"
    assert Baseline.objects.get().office_visits_per_month == 95


def test_the_vendor_may_not_record_the_baseline(walk, staff):
    onboarding = walk(Stage.CONFIGURATION)
    with pytest.raises(services.NotAllowed) as refused:
        services.record_baseline(actor=staff[Role.VENDOR], onboarding_id=onboarding.pk, **BASELINE)
    assert refused.value.message.startswith(
        "Bare fagansvarlig, lokal administrator, leder for nav-kontoret eller kommunedirektør for Drammen"
    )
    assert not Baseline.objects.exists()
    assert not AuditEntry.objects.filter(action="onboarding.baseline_recorded").exists()


def test_the_service_refuses_a_missing_figure_or_a_period_not_over(walk, staff):
    onboarding = walk(Stage.CONFIGURATION)
    with pytest.raises(services.InvalidInput):
        services.record_baseline(
            actor=staff[Role.FAGANSVARLIG], onboarding_id=onboarding.pk, **{**BASELINE, "method": ""}
        )
    with pytest.raises(services.InvalidInput):
        services.record_baseline(
            actor=staff[Role.FAGANSVARLIG],
            onboarding_id=onboarding.pk,
            today=date(2026, 10, 30),
            **BASELINE,
        )
    assert not Baseline.objects.exists()


def test_at_go_live_the_baseline_is_fixed_and_only_an_operator_corrects_it(walk, staff, operator):
    onboarding = walk(Stage.LIVE)
    figures = selectors.baseline_for(DRAMMEN)
    assert figures is not None
    assert figures.went_live_on == onboarding.go_live_date
    with pytest.raises(services.NotAllowed) as refused:
        services.record_baseline(
            actor=staff[Role.FAGANSVARLIG],
            onboarding_id=onboarding.pk,
            **{**BASELINE, "phone_calls_per_month": 1},
        )
    assert "Nullpunktet ble låst da Drammen startet med digital søknad" in refused.value.message
    services.record_baseline(
        actor=operator, onboarding_id=onboarding.pk, **{**BASELINE, "phone_calls_per_month": 140}
    )
    assert selectors.baseline_for(DRAMMEN).phone_calls_per_month == 140
    # Not even an operator may stretch the period into the time after go-live.
    with pytest.raises(services.InvalidInput) as late:
        services.record_baseline(
            actor=operator,
            onboarding_id=onboarding.pk,
            today=onboarding.went_live_on + timedelta(days=40),
            **{**BASELINE, "measured_to": onboarding.went_live_on},
        )
    assert late.value.message == (
        f"Måleperioden må slutte før Drammen startet med digital søknad {formatting.day(onboarding.went_live_on)}."
    )


def test_baseline_for_gives_insights_the_figures(walk, staff):
    assert selectors.baseline_for(DRAMMEN) is None
    onboarding = walk(Stage.CONFIGURATION)
    assert selectors.baseline_for(DRAMMEN) is None
    services.record_baseline(
        actor=staff[Role.FAGANSVARLIG],
        onboarding_id=onboarding.pk,
        **{**BASELINE, "digital_share_percent": Decimal("12.5"), "phone_calls_per_month": None},
    )
    figures = selectors.baseline_for(DRAMMEN)
    assert figures.applications_per_month == 120
    assert figures.paper_applications_per_month == Decimal(105)  # 120 × (100 − 12,5) %
    assert figures.minutes_per_paper_application == Decimal(15)
    assert figures.phone_calls_per_month is None
    assert (figures.measured_from, figures.measured_to) == (date(2026, 9, 1), date(2026, 10, 31))
    assert figures.measured_by == "Sara Holm, fagansvarlig"
    assert figures.went_live_on is None  # not live yet


def test_the_page_walks_the_form_and_shows_the_baseline(client, walk, staff):
    walk(Stage.CONFIGURATION)
    client.force_login(staff[Role.FAGANSVARLIG])
    detail = client.get(reverse("onboarding:detail", args=[DRAMMEN])).content.decode()
    assert 'data-item="baseline_recorded" data-done="false"' in detail
    assert "Registrer nullpunktet" in detail
    url = reverse("onboarding:baseline", args=[DRAMMEN])
    refused = client.post(url, {**GOOD, "digital_share_percent": "150"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'href="#id_digital_share_percent"' in page
    assert "Skriv andelen som et tall fra 0 til 100, for eksempel 0 eller 12,5." in page
    assert client.post(url, GOOD).status_code == 302
    detail = client.get(reverse("onboarding:detail", args=[DRAMMEN])).content.decode()
    assert 'data-item="baseline_recorded" data-done="true"' in detail
    assert "Målt av Sara Holm, fagansvarlig" in detail
    assert "Rett nullpunktet" in detail
    # The form shows what is recorded, for a correction.
    assert 'value="Sara Holm, fagansvarlig"' in client.get(url).content.decode()


def test_a_person_without_the_right_role_is_not_offered_the_form(client, walk, staff):
    walk(Stage.CONFIGURATION)
    client.force_login(staff[Role.VENDOR])
    detail = client.get(reverse("onboarding:detail", args=[DRAMMEN])).content.decode()
    assert "Registrer nullpunktet" not in detail
    response = client.post(reverse("onboarding:baseline", args=[DRAMMEN]), GOOD, follow=True)
    assert "Bare fagansvarlig" in response.content.decode()
    assert not Baseline.objects.exists()
