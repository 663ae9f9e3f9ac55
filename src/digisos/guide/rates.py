"""The state's guideline rates for living costs (statlige veiledende retningslinjer), from data/rates.yaml.

A guideline, not a decision: the municipality decides individually, and housing costs come on top.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

import yaml

from .rules import DATA, validate

RATES_FILE = DATA / "rates.yaml"
RATES_SCHEMA_FILE = DATA / "rates.schema.json"

Household = Literal["single", "couple", "shared"]
CHILD_BANDS = ("child_0_5", "child_6_10", "child_11_17")


@dataclass(frozen=True)
class RateTable:
    valid_from: date
    source: str
    url: str
    rates: dict[str, int]


@dataclass(frozen=True)
class Children:
    aged_0_5: int = 0
    aged_6_10: int = 0
    aged_11_17: int = 0

    @property
    def total(self) -> int:
        return self.aged_0_5 + self.aged_6_10 + self.aged_11_17


@dataclass(frozen=True)
class Guideline:
    table: RateTable
    adults: int  # kroner per month for the adults
    children: int  # kroner per month for the children
    year: int  # the year asked about (today's)
    current_year_missing: bool  # the table in force is from an earlier year than today's

    @property
    def total(self) -> int:
        return self.adults + self.children


@cache
def rate_tables() -> tuple[RateTable, ...]:
    """Every table, oldest first; read and validated once per process."""
    document = yaml.safe_load(RATES_FILE.read_text(encoding="utf-8"))
    validate(document, RATES_SCHEMA_FILE)
    tables = [
        RateTable(
            valid_from=date.fromisoformat(item["valid_from"]),
            source=item["source"],
            url=item["url"],
            rates=dict(item["rates"]),
        )
        for item in document["tables"]
    ]
    return tuple(sorted(tables, key=lambda table: table.valid_from))


def table_in_force(today: date, tables: tuple[RateTable, ...] | None = None) -> RateTable:
    """The newest table that applies on `today` (the oldest one if `today` is before them all)."""
    tables = tables or rate_tables()
    in_force = [table for table in tables if table.valid_from <= today]
    return in_force[-1] if in_force else tables[0]


def guideline(
    household: Household, children: Children, today: date, tables: tuple[RateTable, ...] | None = None
) -> Guideline:
    """The guideline amount per month for living costs: one rate for the adults (single, couple, or a person
    sharing a home) and one per child by age band. Housing, electricity and insurance are not in it."""
    table = table_in_force(today, tables)
    rates = table.rates
    counts = (children.aged_0_5, children.aged_6_10, children.aged_11_17)
    return Guideline(
        table=table,
        adults=rates[household],
        children=sum(rates[band] * count for band, count in zip(CHILD_BANDS, counts, strict=True)),
        year=today.year,
        current_year_missing=table.valid_from.year < today.year,
    )
