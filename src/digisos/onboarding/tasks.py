"""Background work of the onboarding path: its mail and the go-live switch on the approved day."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from digisos.core.dataflows import uses_flow

from . import selectors, services
from .models import Invitation, Onboarding


@task()
@uses_flow("notification.onboarding")
def mail_invitation(invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.select_related("onboarding__municipality").get(pk=invitation_id)
    link = settings.PUBLIC_URL + reverse("onboarding:accept", args=[token])
    with translation.override("nb"):
        subject = _("Invitasjon: %(role)s for %(name)s i DigiSos") % {
            "role": invitation.get_role_display(),
            "name": invitation.onboarding.municipality.name,
        }
        body = _(
            "Hei %(person)s,\n\nDu er invitert til å være %(role)s når %(name)s tar i bruk digital søknad om "
            "økonomisk sosialhjelp.\n\nLogg inn med ID-porten og ta imot invitasjonen her:\n%(link)s\n\n"
            "Lenken virker i 14 dager og kan brukes én gang."
        ) % {
            "person": invitation.name,
            "role": invitation.get_role_display().lower(),
            "name": invitation.onboarding.municipality.name,
            "link": link,
        }
    send_mail(subject, body, None, [invitation.email])


@task()
@uses_flow("notification.onboarding")
def mail_stage_owner(onboarding_id: int, reminder: bool = False) -> None:
    """Tells the people who own the next step that it waits for them (again, if `reminder`)."""
    onboarding = Onboarding.objects.select_related("municipality").get(pk=onboarding_id)
    owner = selectors.stage_owner(onboarding)
    recipients = sorted({a.email for a in selectors.holders(onboarding, owner)}) if owner else []
    if not recipients:
        return
    link = settings.PUBLIC_URL + reverse("onboarding:detail", args=[onboarding.municipality_id])
    with translation.override("nb"):
        subject = (
            _("Påminnelse: %(name)s: «%(stage)s» venter på deg")
            if reminder
            else _("%(name)s: «%(stage)s» venter på deg")
        ) % {
            "name": onboarding.municipality.name,
            "stage": onboarding.get_stage_display(),
        }
        body = _(
            "Påkoblingen av %(name)s til DigiSos er på steget «%(stage)s». Se hva som mangler:\n%(link)s"
        ) % {
            "name": onboarding.municipality.name,
            "stage": onboarding.get_stage_display(),
            "link": link,
        }
    send_mail(subject, body, None, recipients)


@task()
@uses_flow("notification.onboarding")
def mail_went_live(onboarding_id: int) -> None:
    """On the go-live day: everyone in a role and the configuration's contacts learn that it is live."""
    onboarding = Onboarding.objects.select_related("municipality").get(pk=onboarding_id)
    configuration = selectors.configuration_of(onboarding)
    recipients = {a.email for a in onboarding.assignments.filter(ended_at__isnull=True)}
    if configuration is not None:
        recipients |= set(selectors.emails(configuration.fagansvarlig_emails))
        recipients |= set(selectors.emails(configuration.teknisk_ansvarlig_emails))
    if not recipients:
        return
    with translation.override("nb"):
        subject = _("%(name)s tar imot digitale søknader fra i dag") % {"name": onboarding.municipality.name}
        body = _(
            "Fra i dag kan innbyggerne i %(name)s søke om økonomisk sosialhjelp digitalt. Se påkoblingen:\n%(link)s"
        ) % {
            "name": onboarding.municipality.name,
            "link": settings.PUBLIC_URL + reverse("onboarding:detail", args=[onboarding.municipality_id]),
        }
    send_mail(subject, body, None, sorted(recipients))


@task()
def switch_on_due_municipalities() -> int:
    """Periodic: municipalities whose approved go-live day has come start taking digital applications."""
    return services.go_live_due()


@task()
def remind_waiting_steps() -> int:
    """Periodic: one reminder to the owner of each step that has waited too long."""
    return services.remind_waiting()
