"""`manage.py exchange_validate`: the conformance check vendors run on their files."""

import json
import subprocess
import sys
from pathlib import Path

from digisos.exchange.simulator import SYSTEM

ROOT = Path(__file__).resolve().parents[2]
VALID_SOKER = {
    "version": "1.0.0",
    "avsender": SYSTEM,
    "hendelser": [
        {"type": "soknadsStatus", "status": "MOTTATT", "hendelsestidspunkt": "2026-11-23T10:00:00.000Z"}
    ],
}


def validate(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "exchange_validate", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "digisos.settings.dev", "PATH": "/usr/bin:/bin"},
    )


def test_valid_files_pass_and_each_error_is_printed_with_its_path(tmp_path):
    good = tmp_path / "digisos-soker.json"
    good.write_text(json.dumps(VALID_SOKER))
    vedlegg = tmp_path / "vedlegg.json"
    vedlegg.write_text(
        json.dumps({"vedlegg": [{"type": "annet", "tilleggsinfo": "annet", "status": "VedleggKreves"}]})
    )
    assert validate(good, vedlegg).returncode == 0

    bad = tmp_path / "feil.json"
    bad.write_text(
        json.dumps(
            {
                **VALID_SOKER,
                "hendelser": [
                    *VALID_SOKER["hendelser"],
                    {
                        "type": "vedtakFattet",
                        "hendelsestidspunkt": "2026-11-23T11:00:00.000Z",
                        "utfall": "JA",
                    },
                ],
            }
        )
    )
    broken = tmp_path / "ikke-json.json"
    broken.write_text("{")
    result = validate(good, bad, broken)
    assert result.returncode == 1
    assert f"{good}: OK (digisos-soker)" in result.stdout
    assert "hendelser/1/utfall" in result.stdout and any(
        line.strip().startswith("hendelser/1:") and "saksreferanse" in line and "required" in line
        for line in result.stdout.splitlines()
    )
    assert f"{broken}: FEIL" in result.stdout


def test_soknad_kind_is_detected(tmp_path):
    soknad = tmp_path / "soknad.json"
    soknad.write_text(json.dumps({"version": "1.0.0", "soknad": {}}))
    result = validate(soknad)
    assert result.returncode == 1 and "(soknad," in result.stdout
