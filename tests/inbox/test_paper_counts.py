"""An inbox municipality's paper applications per month: entered and corrected by its caseworkers (audited),
never for a month that has not begun nor by a municipality whose case system counts them already; read by
insights incrementally (what changed since a time)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digisos.core.models import AuditEntry
from digisos.core.statistics_sources import MonthlyCount
from digisos.exchange.models import Receiver
from digisos.inbox import selectors
from digisos.inbox import services as inbox
from digisos.inbox.forms import PaperCountForm, month_choices
from digisos.inbox.models import PaperCount
from tests.inbox.conftest import caseworker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

OSLO, BERGEN = "0301", "4601"
TODAY = date(2026, 11, 29)


@pytest.fixture
def sara(client):
    user = caseworker(OSLO)
    client.force_login(user)
    return user


def test_a_count_is_stored_for_the_month_and_audited(sara):
    stored = inbox.record_paper_count(actor=sara, month=date(2026, 10, 17), count=14, today=TODAY)
    assert (stored.municipality_id, stored.month, stored.count) == (OSLO, date(2026, 10, 1), 14)
    entry = AuditEntry.objects.get(action="inbox.paper_count_recorded")
    assert entry.object_id == "0301:2026-10"
    assert entry.before == {"month": "2026-10", "count": None}
    assert entry.after == {"month": "2026-10", "count": 14}
    assert entry.actor == sara.username


def test_a_correction_replaces_the_count_and_is_audited_with_before_and_after(sara):
    inbox.record_paper_count(actor=sara, month=date(2026, 10, 1), count=14, today=TODAY)
    inbox.record_paper_count(actor=sara, month=date(2026, 10, 1), count=16, today=TODAY)
    inbox.record_paper_count(actor=sara, month=date(2026, 10, 1), count=16, today=TODAY)  # no change
    assert PaperCount.objects.get().count == 16
    entries = AuditEntry.objects.filter(action="inbox.paper_count_recorded").order_by("id")
    assert [(e.before["count"], e.after["count"]) for e in entries] == [(None, 14), (14, 16)]


def test_zero_is_a_count_and_this_month_may_be_entered(sara):
    inbox.record_paper_count(actor=sara, month=date(2026, 11, 1), count=0, today=TODAY)
    assert PaperCount.objects.get().count == 0


def test_a_month_that_has_not_begun_is_refused(sara):
    with pytest.raises(inbox.PaperCountRefused) as refused:
        inbox.record_paper_count(actor=sara, month=date(2026, 12, 1), count=3, today=TODAY)
    assert refused.value.field == "month"
    assert refused.value.message == "Måneden har ikke begynt ennå. Velg denne måneden eller en tidligere."
    assert not PaperCount.objects.exists()


def test_a_negative_or_huge_count_is_refused_by_the_service_too(sara):
    for count in (-1, 100_001):
        with pytest.raises(inbox.PaperCountRefused) as refused:
            inbox.record_paper_count(actor=sara, month=date(2026, 10, 1), count=count, today=TODAY)
        assert refused.value.field == "count"
    assert not PaperCount.objects.exists()


def test_a_municipality_with_a_case_system_does_not_count_twice(sara):
    Receiver.objects.update_or_create(pk=OSLO, defaults={"channel": Receiver.Channel.API})
    with pytest.raises(inbox.PaperCountRefused) as refused:
        inbox.record_paper_count(actor=sara, month=date(2026, 10, 1), count=3, today=TODAY)
    assert "ellers blir de talt to ganger" in refused.value.message
    assert not PaperCount.objects.exists()


def test_only_a_caseworker_of_the_municipality_enters_a_count(reference_data):
    from tests.fixtures.personas import citizen

    with pytest.raises(inbox.PaperCountRefused):
        inbox.record_paper_count(actor=citizen("kari-leier-oslo"), month=date(2026, 10, 1), count=3)
    assert not PaperCount.objects.exists()


def test_the_form_offers_no_future_month_and_says_what_to_fix():
    assert month_choices(TODAY)[:2] == [("2026-11", "november 2026"), ("2026-10", "oktober 2026")]
    assert month_choices(date(2027, 1, 5))[1] == ("2026-12", "desember 2026")
    assert len(month_choices(TODAY)) == 36
    form = PaperCountForm({"papir-month": "2026-12", "papir-count": "tolv"}, today=TODAY)
    assert not form.is_valid()
    assert form.errors == {
        "month": ["Velg en måned fra listen. En måned som ikke har begynt, kan ikke føres inn."],
        "count": ["Skriv antallet som et helt tall, for eksempel 12."],
    }
    assert PaperCountForm({}, today=TODAY).errors == {
        "month": ["Velg måneden tallet gjelder."],
        "count": ["Skriv hvor mange papirsøknader som kom i måneden. Skriv 0 hvis det ikke kom noen."],
    }
    good = PaperCountForm({"papir-month": "2026-10", "papir-count": "12"}, today=TODAY)
    assert good.is_valid() and good.cleaned_data == {"month": date(2026, 10, 1), "count": 12}


def test_the_page_walks_the_form_and_lists_the_months(client, sara):
    url = reverse("inbox:paper-counts")
    assert reverse("inbox:paper-counts") in client.get(reverse("inbox:inbox")).content.decode()
    this_month = timezone.localdate().strftime("%Y-%m")
    refused = client.post(url, {"papir-month": this_month, "papir-count": "-2"})
    assert refused.status_code == 400
    assert "Skriv antallet som et helt tall, for eksempel 12." in refused.content.decode()
    response = client.post(url, {"papir-month": this_month, "papir-count": "7"}, follow=True)
    page = response.content.decode()
    assert "er lagret." in page
    assert 'data-testid="paper-counts"' in page and '<td class="aksel-table__data-cell">7</td>' in page


def test_the_page_is_for_caseworkers_only(client, reference_data):
    from tests.fixtures.personas import citizen

    client.force_login(citizen("kari-leier-oslo"))
    assert client.get(reverse("inbox:paper-counts")).status_code == 403
    client.logout()
    assert client.get(reverse("inbox:paper-counts")).status_code == 302


def test_insights_reads_what_changed_since_a_time(sara):
    bergen = caseworker(BERGEN, username="bjorn")
    inbox.record_paper_count(actor=sara, month=date(2026, 9, 1), count=10, today=TODAY)
    inbox.record_paper_count(actor=bergen, month=date(2026, 9, 1), count=4, today=TODAY)
    last_run = timezone.now()
    assert selectors.paper_counts_changed_since(last_run + timedelta(seconds=1)) == []
    inbox.record_paper_count(actor=sara, month=date(2026, 9, 1), count=11, today=TODAY)
    inbox.record_paper_count(actor=sara, month=date(2026, 10, 1), count=0, today=TODAY)
    assert selectors.paper_counts_changed_since(last_run) == [
        MonthlyCount(municipality_number=OSLO, month=date(2026, 9, 1), count=11),
        MonthlyCount(municipality_number=OSLO, month=date(2026, 10, 1), count=0),
    ]
    assert selectors.paper_counts_changed_since(None) == [
        MonthlyCount(municipality_number=OSLO, month=date(2026, 9, 1), count=11),
        MonthlyCount(municipality_number=OSLO, month=date(2026, 10, 1), count=0),
        MonthlyCount(municipality_number=BERGEN, month=date(2026, 9, 1), count=4),
    ]


def test_the_count_is_a_registered_statistics_source_read_with_a_margin(sara):
    from digisos.core import statistics_sources
    from digisos.inbox.statistics import KEY, MARGIN

    source = next(s for s in statistics_sources.registered() if s.key == KEY)
    inbox.record_paper_count(actor=sara, month=date(2026, 9, 1), count=10, today=TODAY)
    stamped = PaperCount.objects.get().changed_at
    # Stamped a moment before the job's previous run, committed after it: still read on the next run.
    assert source.monthly_counts(stamped + MARGIN - timedelta(seconds=1)) == [
        MonthlyCount(municipality_number=OSLO, month=date(2026, 9, 1), count=10)
    ]
    assert source.monthly_counts(stamped + MARGIN + timedelta(seconds=1)) == []
    assert len(source.monthly_counts(None)) == 1
