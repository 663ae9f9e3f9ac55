"""Small-number protection for counts that sum over a hierarchy of areas (pure, no models).

The rule (said on the page and in docs/statistics.md):
- primary: a count from 1 to 4 is published as "under 5" (0 and 5 or more are published as they are);
- secondary: in every published sum (a county is the sum of its municipalities, the country of its counties;
  for analysts the country is the sum of the NAV offices in a week) a hidden cell never stands alone: each sum
  has no hidden cell or at least two, and no hidden cell can be pinned to one value by what the published
  cells and the other sums tell about it (a count under 5 is at least 1, a cell hidden to protect another is
  at least 5). The cell hidden to protect another is the smallest count of 5 or more beside it; when there is
  none, the sum itself (the county) is hidden, and so on upwards.

`tests/insights/test_suppression.py` checks on random tables that no hidden cell can be worked out from what
is published: not by solving the linear system of the published sums, nor by bounding it with them.
"""

import math
from collections import defaultdict
from collections.abc import Mapping

UNDER_5 = "under5"  # primary: 1 to 4
SECONDARY = "secondary"  # hidden so that a cell under 5 cannot be worked out

Interval = tuple[float, float]


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
    hidden = {area: UNDER_5 for area, v in value.items() if 1 <= v <= 4}
    sums = equations(parent_of)
    while True:
        lonely = _first_unprotected(sums, hidden, value)
        if lonely is None:
            return hidden
        parent, kids = lonely
        extra = _protector(parent, kids, hidden, value)
        if extra is None:  # everything in the sum is hidden already: nothing more to do here
            return hidden
        hidden[extra] = SECONDARY


def _first_unprotected(
    sums: list[tuple[str, list[str]]], hidden: Mapping[str, str], value: Mapping[str, int]
) -> tuple[str, list[str]] | None:
    for parent, kids in sums:
        if sum(1 for area in (parent, *kids) if area in hidden) == 1:
            return parent, kids
    intervals = feasible_intervals(sums, hidden, value)
    for parent, kids in sums:
        members = [area for area in (parent, *kids) if area in hidden]
        pinned = any(intervals[area][0] == intervals[area][1] for area in members)
        if pinned and any(area not in hidden for area in (parent, *kids) if value[area] >= 5):
            return parent, kids
    return None


def _protector(
    parent: str, kids: list[str], hidden: Mapping[str, str], value: Mapping[str, int]
) -> str | None:
    """The smallest published child of 5 or more, else the sum itself (never a 0: hiding it protects nothing
    an attacker cannot guess), else any published child."""
    candidates = sorted((value[k], k) for k in kids if k not in hidden and value[k] >= 5)
    if candidates:
        return candidates[0][1]
    if parent not in hidden and value[parent] >= 5:
        return parent
    rest = sorted((value[k], k) for k in (parent, *kids) if k not in hidden and value[k] > 0)
    return rest[0][1] if rest else None


def domain(reason: str) -> Interval:
    """What anybody knows of a hidden count from its mark alone."""
    return (1, 4) if reason == UNDER_5 else (5, math.inf)


def feasible_intervals(
    sums: list[tuple[str, list[str]]], hidden: Mapping[str, str], value: Mapping[str, int]
) -> dict[str, Interval]:
    """The bounds on each hidden cell that the published cells and sums give, narrowed until they stop
    changing (interval constraint propagation over every sum)."""
    bounds: dict[str, Interval] = {area: domain(reason) for area, reason in hidden.items()}
    for _ in range(100):
        changed = False
        for parent, kids in sums:
            # parent - sum(kids) = 0, with the published members moved to the right-hand side.
            terms = [(parent, 1)] + [(k, -1) for k in kids]
            known = -sum(sign * value[a] for a, sign in terms if a not in hidden)
            unknown = [(a, sign) for a, sign in terms if a in hidden]
            for area, sign in unknown:
                lo, hi = known, known  # sign*x = known - sum(other signed terms)
                for other, other_sign in unknown:
                    if other == area:
                        continue
                    o_lo, o_hi = bounds[other]
                    if other_sign > 0:
                        lo, hi = lo - o_hi, hi - o_lo
                    else:
                        lo, hi = lo + o_lo, hi + o_hi
                if sign < 0:
                    lo, hi = -hi, -lo
                old = bounds[area]
                new = (max(old[0], lo), min(old[1], hi))
                if new != old:
                    bounds[area] = new
                    changed = True
        if not changed:
            break
    return bounds
