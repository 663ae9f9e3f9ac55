"""Small numbers stay hidden: primary and secondary suppression, and the recovery property — nothing hidden can
be worked out from everything one page, the CSV and the API publish together (a month's table of country,
counties and municipalities), neither by solving the published sums nor by bounding with them."""

from fractions import Fraction
from itertools import product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digisos.insights.facts import Cell
from digisos.insights.publish import COUNTRY, COUNTY, MUNICIPALITY, publish
from digisos.insights.suppression import SECONDARY, UNDER_5, equations, suppress

# Mostly small counts, where protection matters, and some large ones.
counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
tables = st.lists(st.lists(counts, min_size=1, max_size=3), min_size=1, max_size=3)


def tree(table: list[list[int]]) -> tuple[dict[str, int], dict[str, str | None]]:
    parent_of: dict[str, str | None] = {"N": None}
    values: dict[str, int] = {"N": 0}
    for c, kids in enumerate(table):
        county = f"C{c}"
        parent_of[county] = "N"
        values[county] = sum(kids)
        values["N"] += sum(kids)
        for m, value in enumerate(kids):
            parent_of[f"M{c}.{m}"] = county
            values[f"M{c}.{m}"] = value
    return values, parent_of


def test_counts_from_0_to_4_are_hidden_and_5_is_published():
    values, parent_of = tree([[0, 5, 3, 9]])
    hidden = suppress(values, parent_of)
    assert hidden == {"M0.0": UNDER_5, "M0.2": UNDER_5}  # 0 + 3 = 3: either could be 0 to 3


def test_a_count_under_5_alone_in_its_sum_is_protected_by_the_smallest_count_beside_it():
    values, parent_of = tree([[7, 5, 3, 9]])
    hidden = suppress(values, parent_of)
    assert hidden == {"M0.2": UNDER_5, "M0.1": SECONDARY}


def test_a_lonely_county_is_protected_by_hiding_its_sum_upwards():
    # One municipality under 5 alone in its county: the county (its sum) would give it away, so it is hidden,
    # and then another county must be hidden beside it so the country does not give the county away.
    values, parent_of = tree([[3], [10], [12]])
    hidden = suppress(values, parent_of)
    assert hidden["M0.0"] == UNDER_5 and hidden["C0"] == UNDER_5
    assert hidden["C1"] == SECONDARY and hidden["M1.0"] == SECONDARY


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows]
    rank, cols = 0, len(rows[0]) if rows else 0
    for col in range(cols):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                factor = rows[i][col] / rows[rank][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def identifiable_by_solving(hidden: dict[str, str], parent_of: dict[str, str | None]) -> set[str]:
    """The hidden cells the published sums pin down as a linear system: e_i in the row space of the sums
    restricted to the hidden cells."""
    columns = sorted(hidden)
    rows = []
    for parent, kids in equations(parent_of):
        row = [Fraction(0)] * len(columns)
        for area, sign in [(parent, 1), *((k, -1) for k in kids)]:
            if area in hidden:
                row[columns.index(area)] = Fraction(sign)
        if any(row):
            rows.append(row)
    if not rows:
        return set()
    base = _rank(rows)
    found = set()
    for i, area in enumerate(columns):
        unit = [Fraction(int(j == i)) for j in range(len(columns))]
        if _rank([*rows, unit]) == base:
            found.add(area)
    return found


def possible_values(
    values: dict[str, int], hidden: dict[str, str], table: list[list[int]]
) -> dict[str, set[int]]:
    """Every value each hidden cell can take in some table that agrees with everything published and with the
    marks (under 5: 0–4; hidden to protect: 5 or more, searched up to 8 above the true value)."""

    def domain(area: str) -> range:
        if area not in hidden:
            return range(values[area], values[area] + 1)
        return range(0, 5) if hidden[area] == UNDER_5 else range(5, values[area] + 9)

    county_options = []  # per county: {county value: {area: values possible with it}}
    for c, kids in enumerate(table):
        names = [f"M{c}.{m}" for m in range(len(kids))]
        options: dict[int, dict[str, set[int]]] = {}
        for combo in product(*(domain(n) for n in names)):
            total = sum(combo)
            if total not in domain(f"C{c}"):
                continue
            seen = options.setdefault(total, {})
            for n, v in zip(names, combo, strict=True):
                seen.setdefault(n, set()).add(v)
        county_options.append(options)
    possible: dict[str, set[int]] = {area: set() for area in hidden}
    for choice in product(*(sorted(o) for o in county_options)):
        if sum(choice) not in domain("N"):
            continue
        if "N" in possible:
            possible["N"].add(sum(choice))
        for c, value in enumerate(choice):
            if f"C{c}" in possible:
                possible[f"C{c}"].add(value)
            for area, seen in county_options[c][value].items():
                if area in possible:
                    possible[area] |= seen
    return possible


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_no_hidden_count_can_be_worked_out_from_what_is_published(table):
    values, parent_of = tree(table)
    hidden = suppress(values, parent_of)
    # Primary: exactly the counts from 0 to 4 are marked "under 5".
    assert {a for a, r in hidden.items() if r == UNDER_5} == {a for a, v in values.items() if v <= 4}
    above_zero = {a for a in hidden if values[a] > 0}
    # No published sum holds exactly one hidden cell above 0.
    for parent, kids in equations(parent_of):
        members = [a for a in (parent, *kids) if a in hidden]
        assert not (len(members) == 1 and members[0] in above_zero)
    # Solving the published sums pins no hidden count above 0.
    assert identifiable_by_solving(hidden, parent_of) & above_zero == set()
    # Bounding with them (the marks' ranges, whole numbers) leaves every hidden count above 0 two values or more.
    possible = possible_values(values, hidden, table)
    for area in hidden:
        assert values[area] in possible[area]
        if area in above_zero:
            assert len(possible[area]) >= 2, (area, table, hidden)


@settings(max_examples=100, deadline=None)
@given(tables)
def test_the_published_month_hides_exactly_what_suppression_hides(table):
    """What publish() writes (and so the page, the CSV and the API) shows no count that suppress() hid."""
    values, parent_of = tree(table)
    nodes = {
        "N": (COUNTRY, ""),
        **{a: (COUNTY if a.startswith("C") else MUNICIPALITY, a) for a in values if a != "N"},
    }
    cells = {}
    for area, value in values.items():
        if area.startswith("M"):
            cell = Cell()
            cell.counts["paper"] = value
            cells[nodes[area]] = cell
    node_parents = {nodes[a]: (nodes[p] if p else None) for a, p in parent_of.items()}
    rows = publish(cells, node_parents)
    by_node = suppress({nodes[a]: v for a, v in values.items()}, node_parents)
    hidden = {a: by_node[node] for a, node in nodes.items() if node in by_node}
    shown = {(r.level, r.area): r for r in rows if r.figure == "paper"}
    for area, node in nodes.items():
        row = shown.get(node)
        if area in hidden and values[area] == 0:
            assert row is None  # a count with no row is published as "under 5" (selectors.series)
        elif area in hidden:
            assert row is not None and row.value is None and row.suppressed == hidden[area]
        elif row is not None:
            assert row.value == values[area]
        else:
            assert values[area] == 0
