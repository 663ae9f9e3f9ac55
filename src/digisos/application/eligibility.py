"""Who gets kort søknad, the short application.

NAV's rule: a payment in the same municipality paid in the last 50 days, or one planned within the next 14.
Those facts live in the person's earlier cases, which belong to innsyn, an app above this one on the module map.
So innsyn registers the rule here when it starts (`register`), and application asks without importing it.
With no rule registered, everyone gets the standard application.
"""

from collections.abc import Callable
from datetime import date

from digisos.accounts.models import User

Rule = Callable[[User, str, date], bool]
_rules: list[Rule] = []


def register(rule: Rule) -> None:
    if rule not in _rules:
        _rules.append(rule)


def qualifies_for_short(user: User, kommunenummer: str, today: date) -> bool:
    return any(rule(user, kommunenummer, today) for rule in _rules)
