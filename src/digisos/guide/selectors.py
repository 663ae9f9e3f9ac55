"""Reads: from the person's answers to the services that fit, the guideline rates and the doors."""

from dataclasses import dataclass, field

from digisos.municipalities.selectors import DigitalStatus, MunicipalityRef, OfficeRef

from . import places
from .rates import Children, Guideline, Household, guideline
from .rules import Facts, Match, matches


@dataclass(frozen=True)
class Answers:
    """What the person told the guide. Kept only while the answer page is made: never stored or logged."""

    situations: frozenset[str]
    municipality: str = ""
    household: Household = "single"
    children: Children = field(default_factory=Children)
    income: int | None = None
    housing_cost: int | None = None


@dataclass(frozen=True)
class Place:
    """The municipality the person named: its digital status and NAV offices, or why we could not tell."""

    query: str
    status: DigitalStatus | None = None
    offices: tuple[OfficeRef, ...] = ()
    candidates: tuple[MunicipalityRef, ...] = ()


@dataclass(frozen=True)
class GuideAnswer:
    matches: list[Match]
    guideline: Guideline
    need: int  # the guideline for living costs plus the housing cost entered
    place: Place | None


def facts_of(answers: Answers, need: int) -> Facts:
    return Facts(
        situations=answers.situations,
        children=answers.children.total,
        income_below_need=answers.income is not None and answers.income < need,
        has_housing_cost=bool(answers.housing_cost),
    )


def answer(answers: Answers, today) -> GuideAnswer:
    rates = guideline(answers.household, answers.children, today)
    need = rates.total + (answers.housing_cost or 0)
    return GuideAnswer(
        matches=matches(facts_of(answers, need)),
        guideline=rates,
        need=need,
        place=place_of(answers.municipality),
    )


def place_of(query: str) -> Place | None:
    """The municipality by name or number, as "Kan jeg søke digitalt?" finds it; None if none was given."""
    if not query.strip():
        return None
    found = places.find(query)
    if len(found) != 1:
        return Place(query=query, candidates=tuple(found))
    status, offices = places.status_and_offices(found[0].kommunenummer)
    return Place(query=query, status=status, offices=offices)
