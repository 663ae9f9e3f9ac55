import argparse

from django.core.management.base import BaseCommand

from digisos_simulator import barnevern


class Command(BaseCommand):
    help = "Play a child-welfare case system against a running DigiSos (see digisos_simulator.barnevern)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        barnevern.add_arguments(parser)

    def handle(self, *args, **options) -> None:
        raise SystemExit(barnevern.run(argparse.Namespace(**options)))
