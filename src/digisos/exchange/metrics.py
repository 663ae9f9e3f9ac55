"""Prometheus metrics of the exchange. The overdue gauge is read from the database at scrape time."""

from collections.abc import Iterator

from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

DELIVERIES = Counter("digisos_deliveries_total", "Delivery outcomes", ["outcome", "kind"])
SEND_TO_AVAILABLE_SECONDS = Histogram(
    "digisos_delivery_available_seconds",
    "Seconds from submission to collectable",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800),
)
CASE_UPDATES = Counter("digisos_case_updates_total", "digisos-soker documents stored")


class DeliveryStateCollector(Collector):
    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Without describe() the registry would call collect() at import, before the database is ready.
        yield GaugeMetricFamily("digisos_deliveries_overdue", "", labels=["kommunenummer"])
        yield GaugeMetricFamily("digisos_deliveries_failed", "")

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db import DatabaseError

        from .models import Delivery
        from .selectors import overdue_deliveries

        overdue = GaugeMetricFamily(
            "digisos_deliveries_overdue",
            "Deliveries not collected within two working days",
            labels=["kommunenummer"],
        )
        failed = GaugeMetricFamily("digisos_deliveries_failed", "Deliveries that gave up after all attempts")
        try:
            counts: dict[str, int] = {}
            for delivery in overdue_deliveries():
                counts[delivery.municipality_id] = counts.get(delivery.municipality_id, 0) + 1
            failed_count = Delivery.objects.filter(status=Delivery.Status.FAILED).count()
        except DatabaseError:
            return
        for kommunenummer, count in sorted(counts.items()):
            overdue.add_metric([kommunenummer], count)
        failed.add_metric([], failed_count)
        yield overdue
        yield failed


REGISTRY.register(DeliveryStateCollector())
