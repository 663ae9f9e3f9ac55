from django.core.management.base import BaseCommand

from digisos.concerns.services import apply_demo_child_welfare_offices


class Command(BaseCommand):
    help = (
        "Quick start: child-welfare offices for the concern report (bekymringsmelding): Bergen and Tromsø "
        "with a case system, Oslo's districts with the inbox, Trondheim configured but not activated."
    )

    def handle(self, *args, **options) -> None:
        created = apply_demo_child_welfare_offices()
        self.stdout.write(f"Demo child-welfare offices set ({created} created).")
