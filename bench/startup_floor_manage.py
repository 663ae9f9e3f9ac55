"""The floor's manage.py (bench/startup.py): Django's command line with the floor's settings
(bench/startup_floor_settings.py) and the start-up garbage collection our manage.py has (src/digisos/__init__.py):
the collector runs rarely until Django's apps are ready, and what start-up made is then frozen and the threshold
put back. So the floor and ours differ by our apps, modules and settings alone. No module of ours is imported.

    DJANGO_SETTINGS_MODULE=startup_floor_settings PYTHONPATH=bench .venv/bin/python bench/startup_floor_manage.py help
"""

import gc
import sys

# The same threshold as digisos.START_UP_GC_THRESHOLD (tests/core/test_start_up_floor.py keeps them equal).
START_UP_GC_THRESHOLD = 500_000

if __name__ == "__main__":
    default_threshold = gc.get_threshold()
    gc.set_threshold(START_UP_GC_THRESHOLD, *default_threshold[1:])

    import django
    from django.core.management import execute_from_command_line

    django_setup = django.setup

    def setup(set_prefix: bool = True) -> None:
        """Django's setup, then what our CoreConfig.ready() does at the end of start-up."""
        django_setup(set_prefix)
        gc.freeze()
        gc.set_threshold(*default_threshold)

    django.setup = setup
    execute_from_command_line(sys.argv)
