"""Each figure's definition on a small hand-built set of cases with known answers (pure: facts and publish)."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from digisos.insights.facts import PAPER, Cell, case_facts, month_of, percentile
from digisos.insights.publish import COUNTRY, COUNTY, MUNICIPALITY, publish

SENT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def at(hours: float) -> str:
    return (SENT + timedelta(hours=hours)).isoformat()


def facts(
    *,
    received=None,
    preliminary=None,
    decided=None,
    requested=None,
    deadline=None,
    sent=(),
    variant="standard",
):
    timeline = []
    if received is not None:
        timeline.append({"kind": "status_mottatt", "at": at(received)})
    if requested is not None:
        timeline.append({"kind": "documents_requested", "at": at(requested)})
    tasks = []
    if requested is not None and deadline is not None:
        tasks.append({"from_caseworker": True, "deadline": at(deadline), "requested_at": at(requested)})
    return case_facts(
        municipality="4601",
        office="1201",
        variant=variant,
        sent_at=SENT,
        view={
            "timeline": timeline,
            "preliminary_answer": {"at": at(preliminary)} if preliminary is not None else None,
            "tasks": tasks,
        },
        decisions=[{"at": at(decided)}] if decided is not None else [],
        ettersendelser=[SENT + timedelta(hours=h) for h in sent],
    )


def test_a_case_is_counted_in_the_norwegian_month_it_was_sent():
    assert month_of(datetime(2026, 2, 28, 23, 30, tzinfo=UTC)) == date(2026, 3, 1)  # 00:30 in Oslo


def test_durations_are_whole_hours_from_sending():
    case = facts(received=1.5, preliminary=30, decided=100.9)
    assert (case.received_hours, case.preliminary_hours, case.decision_hours) == (1, 30, 100)


def test_decided_without_request_only_when_no_request_came_before_the_decision():
    assert facts(decided=10).decided_without_request
    assert not facts(requested=5, decided=10).decided_without_request
    assert facts(requested=20, decided=10).decided_without_request  # asked after the decision (a new period)
    assert not facts().decided_without_request  # not decided


def test_a_request_is_answered_on_time_by_an_ettersendelse_between_the_request_and_its_deadline():
    assert facts(requested=5, deadline=50, sent=[40]).answered_on_time
    assert not facts(requested=5, deadline=50, sent=[60]).answered_on_time  # late
    assert not facts(requested=5, deadline=50, sent=[2]).answered_on_time  # before it was asked for
    assert facts(
        requested=5, decided=80, sent=[70]
    ).answered_on_time  # deadline no longer known: the decision
    assert not facts(requested=5).answered_on_time  # never answered digitally


def test_percentiles_are_nearest_rank():
    hist = Counter({1: 1, 2: 1, 3: 1, 4: 1, 10: 1, 20: 1, 30: 1, 40: 1, 50: 1, 100: 1})
    assert percentile(hist, 0.5) == 10  # the 5th of 10
    assert percentile(hist, 0.9) == 50  # the 9th of 10


def _one_municipality(cell: Cell):
    parent_of = {
        (COUNTRY, ""): None,
        (COUNTY, "46"): (COUNTRY, ""),
        (MUNICIPALITY, "4601"): (COUNTY, "46"),
        (MUNICIPALITY, "4602"): (COUNTY, "46"),
    }
    rows = publish({(MUNICIPALITY, "4601"): cell}, parent_of)
    return {(r.level, r.figure): (r.value, r.suppressed) for r in rows if r.area in ("4601", "46", "")}


def test_the_published_figures_of_a_hand_built_month():
    cell = Cell()
    # 8 standard applications: received after 1..8 hours, 6 decided (after 10..60 hours), 2 of them after a
    # request; 6 asked for documents, 5 answered on time; 2 short ones; 10 on paper.
    for i in range(8):
        requested = 5 if i < 6 else None
        cell.add_case(
            facts(
                received=i + 1,
                decided=10 * (i + 1) if i >= 2 else None,
                requested=requested,
                deadline=50,
                sent=[20] if i < 5 else [],
            )
        )
    for _ in range(2):
        cell.add_case(facts(variant="kort"))
    for _ in range(10):
        cell.add_case(facts(variant=None))
    cell.counts["ettersendelser"] += 7
    published = _one_municipality(cell)
    assert published[(MUNICIPALITY, "digital_standard")] == (8.0, "")
    assert published[(MUNICIPALITY, "digital_short")] == (None, "under5")
    assert published[(MUNICIPALITY, "paper")] == (10.0, "")
    assert published[(MUNICIPALITY, "ettersendelser")] == (7.0, "")
    # The short count is under 5, so the share built on it is withheld.
    assert published[(MUNICIPALITY, "digital_share")] == (None, "withheld")
    assert published[(MUNICIPALITY, "received_median")] == (4.0, "")  # 1..8: the 4th
    assert published[(MUNICIPALITY, "received_p90")] == (8.0, "")
    assert published[(MUNICIPALITY, "decision_median")] == (50.0, "")  # 30..80: the 3rd of 6
    # 6 decided, 4 of them after a request (i = 2..5): 2 without: a part under 5 is withheld.
    assert published[(MUNICIPALITY, "decided_without_request")] == (None, "withheld")
    # 6 requests, 5 answered on time
    assert published[(MUNICIPALITY, "requests_answered_on_time")] == (None, "withheld")  # the rest is 1


def test_the_digital_share_when_every_count_is_published():
    cell = Cell()
    for _ in range(15):
        cell.add_case(facts())
    for _ in range(5):
        cell.add_case(facts(variant="kort"))
    for _ in range(20):
        cell.add_case(facts(variant=None))
    for i in range(10):
        cell.add_case(facts(requested=1, deadline=50, sent=[10] if i < 5 else [60], decided=100))
    published = _one_municipality(cell)
    assert published[(MUNICIPALITY, "digital_share")] == (60.0, "")  # 30 of 50
    assert published[(MUNICIPALITY, "requests_answered_on_time")] == (50.0, "")  # 5 of 10
    assert published[(MUNICIPALITY, "decided_without_request")] == (0.0, "")  # 0 of 10
    assert PAPER == "paper"
