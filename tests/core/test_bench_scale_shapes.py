"""`make bench-scale` seeds a million cases from document shapes (bench/scale.py). A seeded case ended months
ago: all but one shape in OPEN_EVERY must end as a case system reports a case it is done with, or the
follow-up's work queues at scale count a backlog no municipality has (session 19: 31,000 overdue requests in
Trondheim). Each shape must stay a valid digisos-soker document of 5–50 events."""

import importlib.util
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digisos.exchange.validation import soker_violations
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus
from digisos.soker.fold import fold

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
SHAPES = 120


@pytest.fixture(scope="module")
def scale():
    spec = importlib.util.spec_from_file_location("bench_scale_under_test", ROOT / "bench" / "scale.py")
    module = importlib.util.module_from_spec(spec)
    # It puts the checkout on sys.path, which its own `bench` imports (at load and inside shape_events) need.
    spec.loader.exec_module(module)
    return module


def shape(scale, number: int) -> dict:
    events, _start = scale.shape_events(number, random.Random(number), NOW)
    return dict(builders.document(*events))


def test_all_but_the_open_shapes_end_finished_with_nothing_asked_for(scale):
    finished = [number for number in range(SHAPES) if number % scale.OPEN_EVERY]
    for number in finished:
        view = fold(shape(scale, number), now=NOW)
        assert view.status == SoknadsStatus.FERDIGBEHANDLET, number
        assert view.tasks == () and view.next_deadline is None, number
        assert all(sak.decisions for sak in view.saker), number


def test_the_open_shapes_stay_in_progress_as_the_backlog(scale):
    statuses = [fold(shape(scale, number), now=NOW).status for number in range(0, SHAPES, scale.OPEN_EVERY)]
    assert statuses and set(statuses) == {SoknadsStatus.UNDER_BEHANDLING}


def test_every_shape_is_a_valid_document_of_5_to_50_events(scale):
    for number in range(SHAPES):
        document = shape(scale, number)
        assert 5 <= len(document["hendelser"]) <= 50, number
        assert soker_violations(document, file_ids=None) == [], number
        stamps = [event["hendelsestidspunkt"] for event in document["hendelser"]]
        assert stamps == sorted(stamps), number


@pytest.mark.django_db
def test_the_seeded_concern_reports_leave_bergens_list_as_the_small_run_has_it(scale, reference_data):
    """The million's concern reports (issue 15's list at scale): all collected long ago and past retention, but
    one in CONCERN_WAITING_EVERY waiting at Tromsø's case system; Bergen's list, the one measured, shows none of
    them, Tromsø's its waiting ones with their three files."""
    from django.db import connection

    from digisos.accounts.models import User
    from digisos.concerns.models import ConcernDelivery, ConcernReport, ConcernState
    from digisos.concerns.selectors import available_listing

    User.objects.bulk_create(
        User(username=f"scale-citizen-{number}", kind=User.Kind.CITIZEN, pid=f"9{number:010d}")
        for number in range(40)
    )
    count = 3 * scale.CONCERN_WAITING_EVERY
    with connection.cursor() as cursor:
        scale.seed_concerns(cursor.cursor, count)
    reports = ConcernReport.objects.all()
    assert reports.count() == count
    reporters = reports.values_list("reporter__username", flat=True)
    assert all(name.startswith("scale-citizen-") for name in reporters)
    waiting = ConcernDelivery.objects.filter(status=ConcernDelivery.Status.AVAILABLE)
    assert waiting.count() == 3
    assert {d.office.municipality_id for d in waiting} == {scale.CONCERN_WAITING_AT}
    collected = reports.filter(delivery__status=ConcernDelivery.Status.COLLECTED)
    assert collected.count() == count - 3
    assert not collected.filter(content_deleted_at__isnull=True).exists()
    offices = set(collected.values_list("office__municipality_id", flat=True))
    assert {"4601", "0301", scale.CONCERN_WAITING_AT} <= offices
    assert available_listing("4601", after=0, limit=100) == []
    listed = available_listing(scale.CONCERN_WAITING_AT, after=0, limit=100)
    assert len(listed) == 3 and all(len(row["files"]) == 3 for row in listed)
    assert ConcernState.objects.count() == 3 * (count - 3) + 2 * 3
