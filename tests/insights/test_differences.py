"""Cells kept by differences (a changed case's old facts taken out, its new facts added; a deleted case's taken
out) equal the cells added up from scratch, and publish the same figures with the same suppression."""

from collections import defaultdict
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digisos.insights import services
from digisos.insights.facts import CaseFacts, Cell
from digisos.insights.publish import COUNTRY, COUNTY, MUNICIPALITY, publish

COUNTY_OF = {"0301": "03", "4601": "46", "4602": "46", "4603": "46"}
MONTHS = (date(2026, 1, 1), date(2026, 2, 1))
hours = st.none() | st.integers(0, 300)
facts = st.builds(
    CaseFacts,
    municipality=st.sampled_from(sorted(COUNTY_OF)),
    office=st.sampled_from(["", "0315"]),
    month=st.sampled_from(MONTHS),
    week=st.just(date(2026, 1, 5)),
    channel=st.sampled_from(["standard", "kort", "paper"]),
    received_hours=hours,
    preliminary_hours=hours,
    decision_hours=hours,
    decided_without_request=st.booleans(),
    requested=st.booleans(),
    answered_on_time=st.booleans(),
)


def from_scratch(cases: list[CaseFacts | None]) -> dict:
    cells: dict = defaultdict(Cell)
    services._add_cases(cells, [case for case in cases if case is not None], 1)
    return {key: cell.to_json() for key, cell in cells.items() if not cell.is_empty()}


def published(stored: dict, month: date) -> set:
    parent_of: dict = {(COUNTRY, ""): None}
    for municipality, county in COUNTY_OF.items():
        parent_of[(COUNTY, county)] = (COUNTRY, "")
        parent_of[(MUNICIPALITY, municipality)] = (COUNTY, county)
    cells = {
        (MUNICIPALITY, area): Cell.from_json(data)
        for (grain, area, period), data in stored.items()
        if grain == "month" and period == month
    }
    return set(publish(cells, parent_of))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.lists(facts, min_size=1, max_size=60),
    updates=st.lists(st.lists(st.tuples(st.integers(0, 59), st.none() | facts), max_size=15), max_size=3),
)
def test_cells_kept_by_differences_equal_cells_from_scratch_and_publish_the_same(before, updates):
    cases: list[CaseFacts | None] = list(before)
    stored = from_scratch(cases)
    for changes in updates:  # one hourly update each, applied to what the previous one stored
        difference: dict = defaultdict(Cell)
        for index, new in changes:
            index %= len(cases)
            if cases[index] is None:
                continue  # deleted before
            services._add_cases(difference, [cases[index]], -1)
            if new is not None:  # None: the case is deleted
                services._add_cases(difference, [new], 1)
            cases[index] = new
        for key, cell in difference.items():
            if cell.is_empty():
                continue
            new_data = services.with_difference(stored.get(key), cell)
            if new_data is None:
                stored.pop(key, None)
            else:
                stored[key] = new_data
    assert stored == from_scratch(cases)
    for month in MONTHS:
        assert published(stored, month) == published(from_scratch(cases), month)
