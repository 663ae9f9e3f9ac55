"""Small-number protection for counts that sum over a hierarchy of areas (pure, no models).

The rule (said on the page and in docs/statistics.md):
- primary: a count from 0 to 4 is published as "under 5". Zeros are marked too, as SSB's own tool does by
  default (GaussSuppression, `protectZeros`): were 0 shown, everyone would know that every "under 5" is at
  least 1, and a few such cells could then be added up to their exact values;
- secondary: in every published sum (a county is the sum of its municipalities, the country of its counties;
  for analysts the country is the sum of the NAV offices in a week) a hidden count above 0 never stands alone,
  and no hidden count above 0 can be pinned to one value by what the published cells and the sums tell (an
  "under 5" is 0 to 4, a count hidden to protect another is at least 5). The count hidden to protect another
  ("skjult") is the smallest count of 5 or more in the same sum; when there is none, the sum itself (the
  county) is hidden, and so on upwards.

A hidden 0 that can be worked out harms nobody (it says no one): only counts above 0 must stay unknown.
`tests/insights/test_suppression.py` checks on random tables that no hidden count above 0 can be worked out
from what is published: not by solving the linear system of the published sums, nor by bounding with them.
"""

import math
from collections import defaultdict, deque
from collections.abc import Callable, Mapping

UNDER_5 = "under5"  # primary: 0 to 4
SECONDARY = "secondary"  # 5 or more, hidden so that an "under 5" cannot be worked out

Interval = tuple[float, float]
# Enough rounds for any table we publish (a hierarchy three deep settles in a few); a safety stop only.
MAX_ROUNDS = 50


def equations(parent_of: Mapping[str, str | None]) -> list[tuple[str, list[str]]]:
    """(parent, children) for every published sum; each area's parent is given, the top has None."""
    children: dict[str, list[str]] = defaultdict(list)
    for area, parent in parent_of.items():
        if parent is not None:
            children[parent].append(area)
    return [(parent, sorted(kids)) for parent, kids in sorted(children.items())]


def suppress(values: Mapping[str, int], parent_of: Mapping[str, str | None]) -> dict[str, str]:
    """The hidden areas and why: {area: UNDER_5 | SECONDARY}. `values` may leave out areas of 0."""
    value = {area: values.get(area, 0) for area in parent_of}
    hidden = {area: UNDER_5 for area, v in value.items() if v <= 4}
    sums = equations(parent_of)
    while True:
        exposed = _first_exposed(sums, hidden, value)
        if exposed is None:
            return hidden
        extra = _protector(*exposed, hidden, value)
        if extra is None:  # nothing left to hide in this sum (cannot happen while it holds a count of 5+)
            return hidden
        hidden[extra] = SECONDARY


def _first_exposed(
    sums: list[tuple[str, list[str]]], hidden: Mapping[str, str], value: Mapping[str, int]
) -> tuple[str, list[str]] | None:
    """A sum in which a hidden count above 0 can be worked out, and that still has a count to hide."""

    def protectable(parent: str, kids: list[str]) -> bool:
        return any(area not in hidden and value[area] >= 5 for area in (parent, *kids))

    for parent, kids in sums:
        members = [area for area in (parent, *kids) if area in hidden]
        if len(members) == 1 and value[members[0]] > 0 and protectable(parent, kids):
            return parent, kids
    bounds = feasible_intervals(sums, hidden, value)
    for parent, kids in sums:
        pinned = any(
            area in hidden and value[area] > 0 and bounds[area][0] == bounds[area][1]
            for area in (parent, *kids)
        )
        if pinned and protectable(parent, kids):
            return parent, kids
    return None


def _protector(
    parent: str, kids: list[str], hidden: Mapping[str, str], value: Mapping[str, int]
) -> str | None:
    """The smallest published child of 5 or more, else the sum itself."""
    candidates = sorted((value[k], k) for k in kids if k not in hidden and value[k] >= 5)
    if candidates:
        return candidates[0][1]
    if parent not in hidden and value[parent] >= 5:
        return parent
    return None


def domain(reason: str) -> Interval:
    """What anybody knows of a hidden count from its mark alone."""
    return (0, 4) if reason == UNDER_5 else (5, math.inf)


def feasible_intervals(
    sums: list[tuple[str, list[str]]],
    hidden: Mapping[str, str],
    value: Mapping[str, int],
    *,
    domain: Callable[[str], Interval] = domain,
) -> dict[str, Interval]:
    """The bounds on each hidden count that the published cells and sums give, narrowed until they stop
    changing (interval constraint propagation over every sum). `domain`: what a hidden count's mark alone
    says of it (insights/analyst.py adds unpublished sums of 0 or more)."""
    bounds: dict[str, Interval] = {area: domain(reason) for area, reason in hidden.items()}
    # parent - sum(kids) = 0; with the published members moved over: sum(sign * hidden) = known. Each sum is
    # looked at again only when a bound of one of its hidden members changed (a work list, not rounds over
    # every sum: the same fixed point, at a fraction of the work where few bounds move — the analysts' tables
    # have tens of thousands of sums, most of which settle at once).
    prepared: list[tuple[list[tuple[str, int]], float]] = []
    sums_of: dict[str, list[int]] = defaultdict(list)
    for parent, kids in sums:
        terms = [(parent, 1), *((k, -1) for k in kids)]
        unknown = [(a, sign) for a, sign in terms if a in hidden]
        if not unknown:
            continue
        known = -sum(sign * value[a] for a, sign in terms if a not in hidden)
        for area, _sign in unknown:
            sums_of[area].append(len(prepared))
        prepared.append((unknown, known))
    queue = deque(range(len(prepared)))
    queued = set(queue)
    budget = MAX_ROUNDS * len(prepared)  # as many looks as the rounds allowed: a safety stop only
    while queue and budget > 0:
        budget -= 1
        index = queue.popleft()
        queued.discard(index)
        unknown, known = prepared[index]
        lows = [bounds[a][0] if sign > 0 else -bounds[a][1] for a, sign in unknown]
        highs = [bounds[a][1] if sign > 0 else -bounds[a][0] for a, sign in unknown]
        low_total, high_total = _Sum(lows), _Sum(highs)
        for position, (area, sign) in enumerate(unknown):
            # sign*x = known - (the others), the others lying within [rest_low, rest_high].
            rest_low, rest_high = low_total.without(lows[position]), high_total.without(highs[position])
            lo, hi = known - rest_high, known - rest_low
            if sign < 0:
                lo, hi = -hi, -lo
            old = bounds[area]
            new = (max(old[0], lo), min(old[1], hi))
            if new != old:
                bounds[area] = new
                for other in sums_of[area]:
                    if other != index and other not in queued:
                        queue.append(other)
                        queued.add(other)
    return bounds


class _Sum:
    """A sum of bounds that may be infinite, from which one term can be taken out again."""

    def __init__(self, terms: list[float]) -> None:
        self.finite = sum(t for t in terms if not math.isinf(t))
        self.infinite = [t for t in terms if math.isinf(t)]

    def without(self, term: float) -> float:
        if math.isinf(term):
            rest = list(self.infinite)
            rest.remove(term)
            return rest[0] if rest else self.finite
        return self.infinite[0] if self.infinite else self.finite - term
