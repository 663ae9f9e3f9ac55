"""Start-up allocates Django's and our modules, classes and models: some 100,000 objects the collector tracks, most of
which live as long as the process. The cyclic garbage collector, at Python's default threshold, walked them again
and again while they were made and once more at exit (about 160 M of the 1,212 M instructions of `manage.py help`). So
digisos/__init__.py, the first module of ours a process imports, raises the threshold, and CoreConfig.ready()
freezes what start-up made (gc.freeze: the collector no longer walks it) and puts Django's default back for the
process's own work. Each case runs in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *, settings: str | None = "digisos.settings.dev") -> list[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if settings:
        env["DJANGO_SETTINGS_MODULE"] = settings
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


def test_the_collector_runs_rarely_during_start_up_and_as_usual_after_it():
    script = """
import gc
default = gc.get_threshold()
import digisos
print("START-UP", gc.get_threshold()[0] > 10 * default[0], gc.isenabled())
import django
django.setup()
print("AFTER", gc.get_threshold() == default, gc.isenabled(), gc.get_freeze_count() > 10_000)
"""
    assert _run(script) == ["START-UP True True", "AFTER True True True"]


def test_cyclic_garbage_made_after_start_up_is_collected():
    script = """
import gc, weakref
import django
django.setup()
class Node: pass
node = Node(); node.itself = node
gone = weakref.ref(node)
del node
gc.collect()
print("COLLECTED", gone() is None)
"""
    assert _run(script) == ["COLLECTED True"]


def test_manage_py_raises_the_threshold_before_it_imports_django():
    source = (ROOT / "manage.py").read_text()
    assert source.index("import digisos") < source.index("from django")


def test_a_process_that_imports_digisos_without_starting_django_still_collects():
    script = """
import gc
import digisos
print("ENABLED", gc.isenabled(), gc.get_threshold()[0] <= 500_000)
"""
    assert _run(script, settings=None) == ["ENABLED True True"]
