from django.core.management.base import BaseCommand

from digisos.exchange.services.reporting import rebuild_case_states


class Command(BaseCommand):
    help = (
        "Fold every case's stored digisos-soker.json again and rewrite its read model row (exchange.CaseState) "
        "where it differs or is missing. Idempotent: a second run changes nothing. Works in chunks, one short "
        "transaction each, so it can run while the service is up."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--chunk-size", type=int, default=200, help="Cases per transaction (default 200)."
        )

    def handle(self, *args, chunk_size: int = 200, **options) -> None:
        result = rebuild_case_states(chunk_size=chunk_size)
        self.stdout.write(
            f"{result.cases} saker lest, {result.created} rader opprettet, {result.changed} rader endret."
        )
