"""Time of the analysts' joint protection (insights/analyst.protect) for one count figure on synthetic tables.

`python bench/analyst_protect.py OFFICES MUNICIPALITIES WEEKS [SEED] [whole]` builds OFFICES NAV offices
serving MUNICIPALITIES municipalities: the first min(15, OFFICES) offices share the first municipality (Oslo's
districts), the other municipalities are served by the other offices in turn (several municipalities to an
office where there are more municipalities than offices, as intermunicipal offices); each pair's cases per day
drawn from a skewed distribution (many small counts), publishes each week and month on its own as the update does
(suppression.suppress) and times protect() over WEEKS weeks. Pure Python, no database: the analysts' job
(services.protect_analysts, after the hourly update) runs this once per linked figure (4) after reading the
published rows. Prints `BENCH analyst_protect_<O>x<W> <seconds> s target <= 60 ok|MISS` (60 s: one figure's
share of the job's 240 s budget for its rounds, settings.INSIGHTS_ANALYST_BUDGET_SECONDS).
"""

import random
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from digisos.insights.analyst import Published, months_of_week, protect
from digisos.insights.suppression import suppress


def tables(offices: int, municipalities: int, weeks: int, seed: int):
    rng = random.Random(seed)
    oslo = min(15, offices)
    pairs = [(f"o{i:03}", "k000") for i in range(oslo)]
    rest = offices - oslo or offices
    pairs += [(f"o{(offices - rest) + (j - 1) % rest:03}", f"k{j:03}") for j in range(1, municipalities)]
    county_of = {f"k{k:03}": f"c{k % 11:02}" for k in range(municipalities)}
    start = date(2025, 1, 6)
    week_cells: dict = defaultdict(int)
    month_cells: dict = defaultdict(int)
    for w in range(weeks):
        week = start + timedelta(weeks=w)
        for office, municipality in pairs:
            for day in range(7):
                n = int(rng.expovariate(1 / 1.5))  # mostly 0-3 a day, some weeks under 5
                week_cells[(office, week)] += n
                month_cells[(municipality, (week + timedelta(days=day)).replace(day=1))] += n
    week_table = {}
    for week in sorted({w for _o, w in week_cells}):
        values = {("office", o): week_cells[(o, week)] for o, _k in pairs}
        values[("country", "")] = sum(values.values())
        parent_of = {("country", ""): None, **{("office", o): ("country", "") for o, _k in pairs}}
        hidden = suppress(values, parent_of)
        for (level, area), value in values.items():
            week_table[(level, area, week)] = Published(
                None if (level, area) in hidden else float(value), hidden.get((level, area), "")
            )
    month_table = {}
    for month in sorted({m for _k, m in month_cells}):
        values = {("municipality", k): month_cells[(k, month)] for k in county_of}
        parent_of = {("country", ""): None}
        for k, c in county_of.items():
            parent_of[("county", c)] = ("country", "")
            parent_of[("municipality", k)] = ("county", c)
            values[("county", c)] = values.get(("county", c), 0) + values[("municipality", k)]
        values[("country", "")] = sum(v for (lv, _a), v in values.items() if lv == "municipality")
        hidden = suppress(values, parent_of)
        for (level, area), value in values.items():
            month_table[(level, area, month)] = Published(
                None if (level, area) in hidden else float(value), hidden.get((level, area), "")
            )
    return week_table, month_table, county_of, pairs


def main() -> None:
    offices, municipalities, weeks = (int(a) for a in sys.argv[1:4])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    split = "whole" not in sys.argv[5:]
    week_table, month_table, county_of, pairs = tables(offices, municipalities, weeks, seed)
    started = time.perf_counter()
    extra = protect(week_table, month_table, county_of, pairs, months_of=months_of_week, split=split)
    seconds = time.perf_counter() - started
    hidden = sum(1 for p in week_table.values() if p.suppressed)
    print(
        f"{offices} offices, {municipalities} municipalities, {weeks} weeks: {len(week_table)} week cells, "
        f"{hidden} hidden by their week, {len(extra)} more by the months, {seconds:.1f} s"
    )
    name = f"analyst_protect_{offices}x{municipalities}x{weeks}{'' if split else '_whole'}"
    print(f"BENCH {name} {seconds:.2f} s target <= 60 {'ok' if seconds <= 60 else 'MISS'}")


if __name__ == "__main__":
    main()
