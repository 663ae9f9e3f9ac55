from django.contrib.auth.models import AbstractUser
from django.db import models


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
