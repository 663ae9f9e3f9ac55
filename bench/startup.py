"""Command start-up: `manage.py help` against a bare `python -m django help`.

Every manage.py command, worker boot and test process pays Django's start-up with our apps: settings, models,
AppConfig.ready and the admin's autodiscovery. Heavy libraries (WeasyPrint, Pillow, pikepdf, holidays …) are
imported where they are used, so this stays close to Django's own. The bare command loads no settings: it is
the interpreter and Django's command machinery alone. Prints the medians and the ratio.

    .venv/bin/python bench/startup.py [runs]
"""

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
TARGET = 3.0
# manage.py, with rich hidden from structlog (see main).
WITHOUT_RICH = (
    "import runpy, sys; sys.modules['rich'] = None; sys.argv[0] = 'manage.py'; "
    "runpy.run_path('manage.py', run_name='__main__')"
)


def median_seconds(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU (user + system) seconds of the command. On a machine shared with other work
    the wall clock includes waiting for a core (it swung 3.4–6.3 x between runs minutes apart); the CPU the
    process used is what the start-up itself costs, and steadier."""
    timings, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        timings.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(timings), statistics.median(cpu)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "digisos.settings.dev"}
    bare_env = {key: value for key, value in env.items() if key != "DJANGO_SETTINGS_MODULE"}
    median_seconds([PY, "manage.py", "help"], env, 1)  # warm the file cache
    ours, ours_cpu = median_seconds([PY, "manage.py", "help"], env, runs)
    bare, bare_cpu = median_seconds([PY, "-m", "django", "help"], bare_env, runs)
    floor_env = {
        **bare_env,
        "DJANGO_SETTINGS_MODULE": "startup_floor_settings",
        "PYTHONPATH": str(ROOT / "bench"),
    }
    floor, floor_cpu = median_seconds([PY, "-m", "django", "help"], floor_env, runs)
    # The dev environment has rich (import-linter and schemathesis need it) and structlog imports it whenever
    # it is installed, though our JSON logs never use it; a production install without the dev group has none.
    without_rich = [PY, "-c", WITHOUT_RICH, "help"]
    no_rich, no_rich_cpu = median_seconds(without_rich, env, runs)
    ratio = ours_cpu / bare_cpu
    print(f"\n== Command start-up (median of {runs}; wall clock, and CPU used) ==")
    print(f"manage.py help          {ours * 1000:>7.0f} ms {ours_cpu * 1000:>7.0f} ms CPU")
    print(f"python -m django help   {bare * 1000:>7.0f} ms {bare_cpu * 1000:>7.0f} ms CPU (no settings)")
    print(
        f"  with Django's apps    {floor * 1000:>7.0f} ms {floor_cpu * 1000:>7.0f} ms CPU "
        f"({floor_cpu / bare_cpu:.1f} x: admin, auth, tasks and no app of ours)"
    )
    print(
        f"  without rich          {no_rich * 1000:>7.0f} ms {no_rich_cpu * 1000:>7.0f} ms CPU "
        f"({no_rich_cpu / bare_cpu:.1f} x: manage.py help as a production install without dev tools runs it)"
    )
    print(
        f"ours over Django with its apps: {ours_cpu / floor_cpu:.2f} x CPU ({no_rich_cpu / floor_cpu:.2f} x without rich)"
    )
    print(f"wall-clock ratio {ours / bare:.1f} x")
    print(
        f"BENCH command_startup_ratio {ratio:.1f} x target < {TARGET:g} {'ok' if ratio < TARGET else 'MISS'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
