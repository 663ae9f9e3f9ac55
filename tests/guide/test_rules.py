"""The guide's rules as data: the file keeps its schema, each rule triggers for one situation and not for
another (the table below covers every rule in the file), and a service is added by data alone."""

import copy

import pytest
import yaml
from django.core.management import call_command

from digisos.guide.rules import (
    GUIDE_FILE,
    GUIDE_SCHEMA_FILE,
    Facts,
    GuideDataError,
    guide_data,
    matches,
    matching_rules,
    parse,
    validate,
)


def facts(*situations: str, **known) -> Facts:
    return Facts(situations=frozenset(situations), **known)


# For each rule: a situation that triggers it, and one that does not.
RULE_TABLE = {
    "food_today": (facts("no_food"), facts("debt")),
    "nowhere_to_sleep": (facts("need_housing"), facts("no_food")),
    "worried_for_child": (facts("worried_child"), facts("no_food", "debt")),
    "short_of_money": (facts("lost_income"), facts("debt", "worried_child")),
    "income_below_need": (
        facts("rent_power", income_below_need=True),
        facts("rent_power", income_below_need=False),
    ),
    "children_in_household": (facts("no_food", children=2), facts("no_food", children=0)),
    "no_home": (facts("need_housing"), facts("rent_power")),
    "lost_job": (facts("lost_income"), facts("rent_power")),
    "housing_cost": (
        facts("rent_power", has_housing_cost=True),
        facts("rent_power", has_housing_cost=False),
    ),
    "debt_unpaid": (facts("debt"), facts("lost_income")),
    "bills_unpaid": (facts("rent_power"), facts("debt")),
}


def _document() -> dict:
    return yaml.safe_load(GUIDE_FILE.read_text(encoding="utf-8"))


def test_the_data_file_keeps_its_schema():
    validate(_document(), GUIDE_SCHEMA_FILE)
    parse(_document())


def test_the_table_covers_every_rule_in_the_file():
    assert set(RULE_TABLE) == {rule.id for rule in guide_data().rules}


@pytest.mark.parametrize("rule_id", sorted(RULE_TABLE))
def test_each_rule_triggers_for_one_situation_and_not_another(rule_id):
    triggers, does_not = RULE_TABLE[rule_id]
    assert rule_id in {rule.id for rule in matching_rules(triggers)}
    assert rule_id not in {rule.id for rule in matching_rules(does_not)}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["services"][0].update(door="fax"), "door"),
        (lambda d: d["rules"][0].update(when={"situation": []}), "rules/0/when"),
        (lambda d: d["rules"][0].update(when={"fact": "shoe_size", "is": True}), "rules/0/when"),
        (lambda d: d["rules"][0].update(service="no_such_service"), "unknown service"),
        (lambda d: d["rules"][0].update(when={"situation": ["on_the_moon"]}), "unknown situation"),
        (lambda d: d["services"].append(copy.deepcopy(d["services"][0])), "defined twice"),
        (lambda d: d["services"][-1].pop("link"), "services/6"),
    ],
)
def test_a_broken_file_is_refused_with_the_place_named(change, message):
    document = _document()
    change(document)
    with pytest.raises(GuideDataError, match=message):
        parse(document)


def test_adding_a_service_is_a_data_change():
    document = _document()
    document["services"].append(
        {
            "id": "food_bank",
            "name": "Matsentral",
            "what": "Du kan få mat gratis.",
            "urgency": 1,
            "door": "link",
            "link": "https://example.org/mat",
            "link_text": "Finn en matsentral",
            "ready": [],
        }
    )
    document["rules"].append(
        {
            "id": "free_food",
            "service": "food_bank",
            "fit": "maybe",
            "when": {"situation": ["no_food"]},
            "why": "Mat i dag.",
        }
    )
    found = [m.service.id for m in matches(facts("no_food"), parse(document))]
    assert "food_bank" in found


def test_the_most_urgent_comes_first_and_reasons_are_gathered():
    found = matches(facts("no_food", "debt", "worried_child", children=1))
    ids = [m.service.id for m in found]
    assert ids[:2] == ["emergency_help", "concern_report"]
    assert ids.index("social_assistance") < ids.index("debt_advice")
    assistance = next(m for m in found if m.service.id == "social_assistance")
    assert assistance.fit == "likely" and len(assistance.reasons) == 2


def test_every_situation_leads_somewhere():
    for situation in guide_data().situations:
        assert matches(facts(situation.id)), situation.id


def test_the_texts_module_lists_every_text_of_the_data_file():
    """makemessages reads digisos/guide/texts.py, not the YAML: the two must list the same texts."""
    call_command("guide_texts", check=True)
