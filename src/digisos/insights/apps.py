from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "digisos.insights"
    label = "insights"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        # A deleted case (retention) leaves its facts behind on purpose (CaseFact has no cascade) and a mark,
        # in the deleting transaction: the hourly update takes those facts out of their cells. Finding deleted
        # cases by comparing every fact with every case instead cost a second per update at 230,000 cases.
        # The sender by its label and a thin receiver: the services (with the facts, figures and publishing
        # behind them) load on the first deleted case, not in every process that starts Django.
        post_delete.connect(_case_deleted, sender="exchange.Case", dispatch_uid="insights.case_deleted")


def _case_deleted(sender, instance, **kwargs) -> None:
    from .services import case_deleted

    case_deleted(sender, instance, **kwargs)
