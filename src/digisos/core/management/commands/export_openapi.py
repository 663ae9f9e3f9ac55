"""Writes the committed OpenAPI documents (docs/api/*.yaml), or with --check fails when the code drifted."""

import json
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string


def render_openapi(api_path: str, path_prefix: str) -> str:
    api = import_string(api_path)
    # The schema is a dict subclass; round-trip through JSON to get plain types for YAML.
    schema = json.loads(json.dumps(api.get_openapi_schema(path_prefix=path_prefix)))
    return yaml.safe_dump(schema, sort_keys=True, allow_unicode=True)


class Command(BaseCommand):
    help = "Write docs/api/<name>.yaml from the code, or --check that they match."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if a committed document differs.")

    def handle(self, *args, check: bool = False, **options) -> None:
        drifted = []
        for name, (api_path, path_prefix) in settings.OPENAPI_DOCUMENTS.items():
            target = Path(settings.BASE_DIR) / "docs" / "api" / f"{name}.yaml"
            document = render_openapi(api_path, path_prefix)
            if check:
                if not target.exists() or target.read_text(encoding="utf-8") != document:
                    drifted.append(str(target.relative_to(settings.BASE_DIR)))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(document, encoding="utf-8")
            self.stdout.write(f"wrote {target.relative_to(settings.BASE_DIR)}")
        if drifted:
            raise CommandError(
                "OpenAPI documents differ from the code: "
                + ", ".join(drifted)
                + ". Run `.venv/bin/python manage.py export_openapi` and commit the result."
            )
        if check:
            self.stdout.write("OpenAPI documents match the code.")
