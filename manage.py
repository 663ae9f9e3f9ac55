#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digisos.settings.dev")
    # First, before Django: the garbage collector runs rarely until Django has started (digisos/__init__.py).
    import digisos  # noqa: F401

    # isort: split
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
