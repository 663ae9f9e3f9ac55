"""Screenshots of DigiSos's main pages at 1280 and 390 CSS pixels, as small PNGs.

    .venv/bin/python tools/screenshots.py docs/screens/after

Runs the journey in tests/browser/screenshots_journey.py against a throwaway test server (the browser tests'
own fixtures: PostgreSQL, the local ID-porten, a case-system simulator), so it needs nothing running and can be
taken again after any change. The journey's file is not a test module (`make test` does not run it).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/screens/after").resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "digisos.settings.test",
        "DIGISOS_SCREENSHOTS_DIR": str(out),
    }
    command = [str(ROOT / ".venv" / "bin" / "pytest"), "tests/browser/screenshots_journey.py", "-x", "-q"]
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603 (a fixed command)
    if result.returncode == 0:
        for path in sorted(out.glob("*.png")):
            print(
                f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} kB"
            )
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
