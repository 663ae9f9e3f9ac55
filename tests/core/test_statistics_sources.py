from datetime import date

from digisos.core import statistics_sources


def test_a_registered_source_is_listed_once_and_replaced_by_its_key() -> None:
    before = {s.key for s in statistics_sources.registered()}

    def counts(since: object) -> list[statistics_sources.MonthlyCount]:
        return [statistics_sources.MonthlyCount("0301", date(2026, 1, 1), 3)]

    first = statistics_sources.StatisticsSource("test-source", "Test", "Definisjon", counts)
    second = statistics_sources.StatisticsSource("test-source", "Test 2", "Definisjon", counts)
    try:
        statistics_sources.register(first)
        statistics_sources.register(second)
        mine = [s for s in statistics_sources.registered() if s.key == "test-source"]
        assert mine == [second]
        assert next(iter(mine[0].monthly_counts(None))).count == 3
    finally:
        statistics_sources._SOURCES.pop("test-source", None)
    assert {s.key for s in statistics_sources.registered()} == before
