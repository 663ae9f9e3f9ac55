from django.core.management.base import BaseCommand

from digisos.municipalities.services import apply_demo_service_flags


class Command(BaseCommand):
    help = (
        "Sets the quick start's demo states: Oslo, Bergen, Tromsø digital with innsyn; Trondheim status by "
        "letter; Bodø updates temporarily off; Stavanger temporarily closed; Drammen paper only."
    )

    def handle(self, *args, **options) -> None:
        changed = apply_demo_service_flags()
        self.stdout.write(f"Demo service flags set ({changed} changed).")
