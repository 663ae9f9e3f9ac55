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
