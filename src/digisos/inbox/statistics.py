"""The inbox's contribution to the statistics: an inbox municipality's monthly paper count, registered in
digisos.core.statistics_sources. insights adds it to its paper-applications figure (insights.figures
MERGED_SOURCES names this key) rather than showing it as a figure of its own."""

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from digisos.core import statistics_sources
from digisos.core.statistics_sources import MonthlyCount

KEY = "paper_applications_inbox"
# insights asks for what changed since its previous run. A count stamped just before that run read the table
# but committed just after would otherwise be missed for good; reading a little further back replays a few
# months, which is harmless since each count replaces its month's value.
MARGIN = timedelta(minutes=10)


def monthly_counts(since: datetime | None) -> list[MonthlyCount]:
    # InboxConfig.ready() imports this module: the selectors load on insights' first run, not at start-up.
    from .selectors import paper_counts_changed_since

    return paper_counts_changed_since(None if since is None else since - MARGIN)


def register() -> None:
    statistics_sources.register(
        statistics_sources.StatisticsSource(
            key=KEY,
            name=_("Papirsøknader ført inn i innboksen"),
            definition=_(
                "Antallet papirsøknader en kommune uten fagsystem selv fører inn for måneden i DigiSos-innboksen "
                "(det siste tallet som er ført inn for måneden)."
            ),
            monthly_counts=monthly_counts,
        )
    )
