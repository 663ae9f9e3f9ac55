from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    """Installed in the dev, test and bench settings only, for its management commands."""

    name = "digisos_simulator"
    label = "digisos_simulator"
