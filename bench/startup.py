"""Command start-up: `manage.py help` against a bare `python -m django help`.

Every manage.py command, worker boot and test process pays Django's start-up with our apps: settings, models,
AppConfig.ready and the admin's autodiscovery. Heavy libraries (WeasyPrint, Pillow, pikepdf, holidays …) are
imported where they are used, so this stays close to Django's own. The bare command loads no settings: it is
the interpreter and Django's command machinery alone. Prints the medians and the ratio.

    .venv/bin/python bench/startup.py [runs]
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
TARGET = 3.0


def median_seconds(command: list[str], env: dict[str, str], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "digisos.settings.dev"}
    bare_env = {key: value for key, value in env.items() if key != "DJANGO_SETTINGS_MODULE"}
    median_seconds([PY, "manage.py", "help"], env, 1)  # warm the file cache
    ours = median_seconds([PY, "manage.py", "help"], env, runs)
    bare = median_seconds([PY, "-m", "django", "help"], bare_env, runs)
    floor_env = {
        **bare_env,
        "DJANGO_SETTINGS_MODULE": "startup_floor_settings",
        "PYTHONPATH": str(ROOT / "bench"),
    }
    floor = median_seconds([PY, "-m", "django", "help"], floor_env, runs)
    ratio = ours / bare
    print(f"\n== Command start-up (median of {runs}) ==")
    print(f"manage.py help          {ours * 1000:>7.0f} ms")
    print(f"python -m django help   {bare * 1000:>7.0f} ms (no settings)")
    print(
        f"  with Django's apps    {floor * 1000:>7.0f} ms ({floor / bare:.1f} x: admin, auth, tasks and no app of ours)"
    )
    print(
        f"BENCH command_startup_ratio {ratio:.1f} x target < {TARGET:g} {'ok' if ratio < TARGET else 'MISS'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
