import uuid

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "digisos.exchange"
    label = "exchange"

    def ready(self) -> None:
        # A sent application becomes a case with a delivery in send_application's transaction. application is
        # below exchange on the module map, so it declares the port and exchange fills it in here
        # (digisos.application.submission explains why a port rather than a signal).
        from digisos.application import submission

        submission.register(ExchangeSubmission())
        register_own_kinds()


def register_own_kinds() -> None:
    """The applications and ettersendelser the exchange carries, as kinds of delivery (delivery_kinds)."""
    from . import delivery_kinds
    from .models import SCOPES, DeliveredFile, Delivery

    for name, files in (
        (Delivery.Kind.SOKNAD, ("soknad.json", "vedlegg.json", "soknad.pdf", "vedlegg")),
        (Delivery.Kind.ETTERSENDELSE, ("vedlegg.json", "ettersendelse.pdf", "vedlegg")),
    ):
        assert set(files) <= set(DeliveredFile.Role.values)
        delivery_kinds.register(
            delivery_kinds.DeliveryKind(
                name=str(name),
                flow=Delivery.FLOWS[name],
                scopes=SCOPES,
                files=files,
                states=tuple(Delivery.Status.values),
                model=Delivery,
                enqueue=_enqueue_attempt,
            )
        )


def _enqueue_attempt(delivery_id: int) -> None:
    # The task module loads the services (PDF, encryption): on the first sweep, not when Django starts.
    from .tasks import deliver

    deliver.enqueue(delivery_id)


class ExchangeSubmission:
    """application's submission backend: the case and its delivery (services.delivery.submit_application)."""

    def submit(self, *, application_id: uuid.UUID) -> None:
        # services (with the PDF, encryption and token libraries behind it) loads on the first sent application,
        # not in every process that starts Django (manage.py commands, the worker, tests).
        from .services.delivery import submit_application

        submit_application(application_id=application_id)

    def case_of(self, *, application_id: uuid.UUID) -> uuid.UUID | None:
        from .models import Case

        return Case.objects.filter(application_id=application_id).values_list("id", flat=True).first()
