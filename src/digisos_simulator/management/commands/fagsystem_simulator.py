import argparse

from django.core.management.base import BaseCommand

from digisos_simulator import simulator


class Command(BaseCommand):
    help = "Play a municipal case system against a running DigiSos (see digisos_simulator.simulator)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        simulator.add_arguments(parser)

    def handle(self, *args, **options) -> None:
        raise SystemExit(simulator.run(argparse.Namespace(**options)))
