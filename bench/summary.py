"""The summary `make bench` ends with: one line per figure with a target, in a fixed form a script can read:

    BENCH <name> <value> <unit> target <comparison> <target> ok|MISS

Every benchmark step prints its figures as such lines (through `bench_line`); bench/run.py collects the lines
from its own figures and from every step's output and prints them all together at the very end.
"""

import operator
from collections.abc import Callable

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
PREFIX = "BENCH "


def _number(value: float) -> str:
    """Whole numbers without decimals (req/s, ms, MB), ratios with two."""
    if abs(value) >= 10 or float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.2f}"


def bench_line(name: str, value: float, unit: str, comparison: str, target: float) -> str:
    """One summary line; ok when `value <comparison> target` holds for the value as printed."""
    if comparison not in COMPARISONS:
        raise ValueError(f"unknown comparison {comparison!r}")
    if " " in name or " " in unit:
        raise ValueError("name and unit are single words")
    shown = _number(value)
    met = COMPARISONS[comparison](float(shown), target)
    return f"{PREFIX}{name} {shown} {unit} target {comparison} {_number(target)} {'ok' if met else 'MISS'}"


def ratio(value: float, baseline: float) -> float:
    """`value` as a share of `baseline`; 0 when the baseline measured nothing (so the target is missed)."""
    return value / baseline if baseline else 0.0


def is_bench_line(line: str) -> bool:
    return line.startswith(PREFIX)
