"""Properties of the fold on any schema-valid digisos-soker.json."""

import random
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from digisos.exchange.validation import soker_violations
from digisos.soker.constants import SENDT, SoknadsStatus
from digisos.soker.fold import fold
from tests.innsyn.strategies import documents

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SENT = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
VEDLEGG = {
    "vedlegg": [{"type": "husleiekontrakt", "tilleggsinfo": "husleiekontrakt", "status": "VedleggKreves"}]
}


@settings(max_examples=300, deadline=None)
@given(documents())
def test_the_fold_never_fails_on_a_schema_valid_document(document):
    assert soker_violations(document) == []  # the strategy makes only valid documents
    view = fold(document, now=NOW, sent_at=SENT, office="1201", vedlegg=VEDLEGG)
    assert view.status in {
        SENDT,
        SoknadsStatus.MOTTATT,
        SoknadsStatus.UNDER_BEHANDLING,
        SoknadsStatus.FERDIGBEHANDLET,
        SoknadsStatus.BEHANDLES_IKKE,
    }
    assert view.skipped == ()


@settings(max_examples=300, deadline=None)
@given(documents(), st.randoms(use_true_random=False))
def test_reordering_events_that_share_a_timestamp_does_not_change_the_result(document, rnd: random.Random):
    shuffled = list(document["hendelser"])
    rnd.shuffle(shuffled)  # any order, so in particular any order among equal timestamps
    assert fold({**document, "hendelser": shuffled}, now=NOW, sent_at=SENT) == fold(
        document, now=NOW, sent_at=SENT
    )


@settings(max_examples=300, deadline=None)
@given(documents(), st.data())
def test_a_document_that_only_grows_never_loses_a_payment_or_a_letter(document, data):
    events = document["hendelser"]
    cut = data.draw(st.integers(1, len(events)))
    before = fold({**document, "hendelser": events[:cut]}, now=NOW, sent_at=SENT)
    after = fold(document, now=NOW, sent_at=SENT)
    assert {p.reference for p in before.payments} <= {p.reference for p in after.payments}
    assert all(letter in after.letters for letter in before.letters)
