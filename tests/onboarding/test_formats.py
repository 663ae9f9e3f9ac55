"""Onboarding writes its dates and months as core/formatting.py does, in bokmål, nynorsk and English: the
earliest go-live day a refusal names ("22. desember 2026" / "22 December 2026"), the next batch days in the
go-live form's help, and the months of the stages over time ("oktober 2026" / "October 2026"). The refusal and
the help wrote "22.12.2026" in every language."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from digisos.core.formatting import formatters
from digisos.onboarding import services
from digisos.onboarding.forms import GoLiveForm
from digisos.onboarding.path import GO_LIVE_NOTICE_DAYS, batch_days

LANGUAGES = ("nb", "nn", "en")
TODAY = date(2026, 12, 1)
EARLIEST = {"nb": "22. desember 2026", "nn": "22. desember 2026", "en": "22 December 2026"}
MONTH = {"nb": "oktober 2026", "nn": "oktober 2026", "en": "October 2026"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_go_live_day_too_soon_names_the_earliest_in_the_page_language(language):
    assert TODAY + timedelta(days=GO_LIVE_NOTICE_DAYS) == date(2026, 12, 22)
    with translation.override(language), pytest.raises(services.InvalidInput) as too_soon:
        # Refused on the date alone, before the onboarding or the actor is looked at.
        services.request_go_live(actor=None, onboarding_id=0, go_live_date=TODAY, today=TODAY)
    assert EARLIEST[language] in too_soon.value.message
    assert "22.12.2026" not in too_soon.value.message


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_go_live_forms_batch_days_are_in_the_page_language(language):
    with translation.override(language):
        help_text = str(GoLiveForm().fields["go_live_date"].help_text)
    days = [formatters(language).day(day) for day in batch_days(timezone.localdate(), 4)]
    assert all(day in help_text for day in days), help_text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_stages_over_time_name_their_months_in_the_page_language(language):
    with translation.override(language):
        html = render_to_string(
            "onboarding/_over_time.html",
            {"over_time": [(date(2026, 10, 31), [1, 2])], "over_time_stages": [("a", "A"), ("b", "B")]},
        )
    assert f'<th scope="row" class="aksel-table__data-cell">{MONTH[language]}</th>' in html
