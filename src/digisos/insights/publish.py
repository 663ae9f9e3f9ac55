"""From one period's cells to what is published: sums per area, suppression, derived figures (pure).

A period (a month, or for analysts a week) is published as one table: the country, its counties and their
municipalities (or the country and its NAV offices). No sum across periods is published, so each period's
table is protected on its own.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from . import figures as f
from .facts import Cell, percentile, share
from .suppression import SECONDARY, UNDER_5, suppress

COUNTRY, COUNTY, MUNICIPALITY, OFFICE = "country", "county", "municipality", "office"
WITHHELD = "withheld"
MIN_N = 5  # a share or a duration needs at least this many cases behind it


@dataclass(frozen=True)
class Row:
    level: str
    area: str
    figure: str
    value: float | None
    suppressed: str = ""


def count_value(cell: Cell, key: str) -> int:
    if key.startswith("source:"):
        return cell.sources.get(key.removeprefix("source:"), 0)
    return cell.counts.get(key, 0)


def publish(
    cells: Mapping[tuple[str, str], Cell], parent_of: Mapping[tuple[str, str], tuple[str, str] | None]
) -> list[Row]:
    """`cells`: the leaves' cells by (level, area); `parent_of`: every area of the table with its parent, the
    top (the country, ("country", "")) with None. Sums are made here, then every count is suppressed."""
    totals: dict[tuple[str, str], Cell] = {node: Cell() for node in parent_of}
    for leaf, cell in cells.items():
        node: tuple[str, str] | None = leaf
        while node is not None:
            totals[node].add(cell)
            node = parent_of[node]
    rows: list[Row] = []
    hidden_by_figure: dict[str, dict[tuple[str, str], str]] = {}
    for figure in f.all_figures():
        if figure.kind != f.COUNT:
            continue
        values = {node: count_value(cell, figure.key) for node, cell in totals.items()}
        hidden = suppress(values, parent_of)
        hidden_by_figure[figure.key] = hidden
        for node, value in values.items():
            # A count of 0 is "under 5" like 1 to 4, and is not stored: a count with no row is "under 5"
            # (selectors.series), which keeps the tables small where most municipalities have nothing.
            if node in hidden and value:
                rows.append(Row(*node, figure.key, None, hidden[node]))
            elif node not in hidden:
                rows.append(Row(*node, figure.key, float(value)))
    for node, cell in totals.items():
        if cell.is_empty():
            continue
        rows.extend(_derived(node, cell, {k: h.get(node, "") for k, h in hidden_by_figure.items()}))
    return rows


def _derived(node: tuple[str, str], cell: Cell, hidden: Mapping[str, str]) -> list[Row]:
    rows = []
    counts = cell.counts
    digital = counts["digital_standard"] + counts["digital_short"]
    if any(hidden.get(k) for k in ("digital_standard", "digital_short", "paper")):
        rows.append(Row(*node, "digital_share", None, WITHHELD))
    elif digital + counts["paper"]:
        rows.append(Row(*node, "digital_share", share(digital, digital + counts["paper"])))
    rows.append(
        _share_row(node, "decided_without_request", counts["decided_without_request_n"], counts["decided_n"])
    )
    rows.append(
        _share_row(node, "requests_answered_on_time", counts["answered_on_time_n"], counts["requested_n"])
    )
    for name in ("received", "preliminary", "decision"):
        histogram = cell.histograms[name]
        n = sum(histogram.values())
        for suffix, p in (("median", 0.5), ("p90", 0.9)):
            key = f"{name}_{suffix}"
            if n == 0:
                continue
            if n < MIN_N:
                rows.append(Row(*node, key, None, WITHHELD))
            else:
                rows.append(Row(*node, key, float(percentile(histogram, p))))
    return [row for row in rows if row is not None]


def _share_row(node: tuple[str, str], key: str, part: int, whole: int) -> Row | None:
    """A share is withheld when fewer than 5 are behind it, or when the part or the rest is 1 to 4 (either
    would single out so few people)."""
    if whole == 0:
        return None
    if whole < MIN_N or 1 <= part <= 4 or 1 <= whole - part <= 4:
        return Row(*node, key, None, WITHHELD)
    return Row(*node, key, share(part, whole))


HIDDEN_MARKS = {UNDER_5: "under 5", SECONDARY: "skjult", WITHHELD: "holdt tilbake"}
