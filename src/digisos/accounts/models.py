import functools
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models

if TYPE_CHECKING:
    from digisos.core.prepared import PreparedValues


class User(AbstractUser):
    """A person who logs in: a citizen through ID-porten or an employee through the employee OIDC."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", "Innbygger"
        EMPLOYEE = "employee", "Ansatt"
        # A municipality's case system calling the exchange API; never logs in interactively.
        SYSTEM = "system", "Fagsystem"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EMPLOYEE)
    # The citizen's fødselsnummer/d-nummer from ID-porten's `pid`. Never in a URL, log or message.
    pid = models.CharField(max_length=11, unique=True, null=True, blank=True)
    # For municipal employees: the municipality they work for (from the employee token's `municipality`).
    # The column keeps its name and its values (kommunenummer); NULL for everyone else.
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="municipality",
        db_index=False,  # read per employee, never listed by municipality
        related_name="+",
    )
    # For NAV office staff: the office (enhet) they work at, from the employee token's `nav_office`; the access
    # policy (digisos.followup.policy) lets them see only the persons with a case there. NULL for everyone else.
    nav_office = models.ForeignKey(
        "municipalities.NavOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # read per employee, never listed by office
        related_name="+",
    )

    def role_names(self) -> frozenset[str]:
        """The person's roles (their groups' names), read once for the life of this object, as Django keeps a
        user's permissions: request.user is loaded per request, so a page that asks in several places (its
        access check, its queue list, its selectors) reads them once. accounts.services.employee_from_claims
        forgets them when it changes the groups."""
        cached = self.__dict__.get("_role_names")
        if cached is None:
            cached = frozenset(row["name"] for row in _role_names_statement().rows(self.pk))
            self.__dict__["_role_names"] = cached
        return cached

    def forget_role_names(self) -> None:
        """After the groups change: the next role_names() reads them again."""
        self.__dict__.pop("_role_names", None)


def _groups_of(user_id: int | None) -> models.QuerySet:
    return User.groups.through.objects.filter(user_id=user_id).order_by().values(name=models.F("group__name"))


@functools.cache
def _role_names_statement() -> "PreparedValues":
    # Asked on every employee's request: compiled once per process (core/prepared.py). Made on first use, as
    # the module loads at every start-up and core.prepared's dataclasses cost at import (docs/operations.md).
    from digisos.core.prepared import PreparedValues

    return PreparedValues(_groups_of, -7654321)
