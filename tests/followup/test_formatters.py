"""The per-page date formatters write what the template filters `day` and `when` write, in every language and
across a daylight-saving change."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation

from digisos.followup.templatetags.followup_tags import day, day_and_when_formatters, when

MOMENTS = [
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # 01.59 in Oslo, before summer time
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 03.00 in Oslo, summer time
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 5, tzinfo=UTC),  # the first of January in Oslo
]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_page_formatters_write_what_the_filters_write(language):
    with translation.override(language):
        page_day, page_when = day_and_when_formatters()
        for moment in MOMENTS + [
            moment + timedelta(minutes=minutes) for moment in MOMENTS for minutes in (7, 61)
        ]:
            assert page_when(moment) == when(moment)
            assert page_day(moment) == day(moment)
        assert page_day(date(2026, 2, 1)) == day(date(2026, 2, 1))
        assert page_day(None) == page_when(None) == ""
