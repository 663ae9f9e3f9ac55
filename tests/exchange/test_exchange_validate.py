"""`manage.py exchange_validate`: the conformance check vendors run on their files. soknad.json and
vedlegg.json as the application itself writes them pass, each recognised by the top-level fields NAV's schemas
give it (or named with --kind); hand-made invalid files fail with each error's path."""

import copy
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from digisos.soker import builders
from digisos.soker.constants import EventType, SoknadsStatus
from digisos_simulator.simulator import SYSTEM
from tests.fixtures.exchange import apply
from tests.fixtures.personas import citizen

ROOT = Path(__file__).resolve().parents[2]
VALID_SOKER = builders.document(
    builders.soknads_status(SoknadsStatus.MOTTATT, at="2026-11-23T10:00:00.000Z"), avsender=SYSTEM
)


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
                    builders.event(EventType.VEDTAK_FATTET, at="2026-11-23T11:00:00.000Z", utfall="JA"),
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
        line.strip().startswith("hendelser/1:") and "saksreferanse" in line and "mangler" in line
        for line in result.stdout.splitlines()
    )
    assert f"{broken}: FEIL" in result.stdout


def run(*paths: Path, kind: str | None = None) -> tuple[int, str]:
    """The command in this process: (exit code, what it printed)."""
    out = StringIO()
    options = ["--kind", kind] if kind else []
    try:
        call_command("exchange_validate", *map(str, paths), *options, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def write(directory: Path, name: str, document: object) -> Path:
    path = directory / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def sent_documents(reference_data, document_settings, tmp_path) -> tuple[dict, dict]:
    """soknad.json and vedlegg.json as the application wrote them for a real, sent application."""
    application = apply(Client(), citizen("kari-leier-oslo"))
    return application.soknad_json, application.vedlegg_json


@pytest.mark.django_db
def test_the_applications_own_soknad_and_vedlegg_pass_recognised_by_their_fields(sent_documents, tmp_path):
    soknad, vedlegg = sent_documents
    assert {"version", "data", "mottaker", "driftsinformasjon", "kompatibilitet"} <= soknad.keys()
    assert vedlegg["vedlegg"]
    files = [
        write(tmp_path, "soknad.json", soknad),
        write(tmp_path, "vedlegg.json", vedlegg),
        write(tmp_path, "tom-vedlegg.json", {}),  # NAV's schema requires no field: {} is a valid vedlegg.json
        write(tmp_path, "digisos-soker.json", VALID_SOKER),
    ]
    code, out = run(*files)
    assert code == 0, out
    assert out.splitlines() == [
        f"{files[0]}: OK (soknad)",
        f"{files[1]}: OK (vedlegg)",
        f"{files[2]}: OK (vedlegg)",
        f"{files[3]}: OK (digisos-soker)",
    ]
    for path, kind in zip(files, ["soknad", "vedlegg", "vedlegg", "digisos-soker"], strict=True):
        assert run(path, kind=kind) == (0, f"{path}: OK ({kind})\n")


@pytest.mark.django_db
def test_hand_made_invalid_soknad_and_vedlegg_fail_with_each_path(sent_documents, tmp_path):
    soknad, vedlegg = sent_documents
    broken_soknad = copy.deepcopy(soknad)
    del broken_soknad["mottaker"]
    broken_soknad["data"]["soknadstype"] = "lang"
    broken_vedlegg = copy.deepcopy(vedlegg)
    broken_vedlegg["vedlegg"][0]["filer"] = (
        "husleiekontrakt.pdf"  # a list of {filnavn, sha512} in NAV's schema
    )
    bad_soknad = write(tmp_path, "soknad.json", broken_soknad)
    bad_vedlegg = write(tmp_path, "vedlegg.json", broken_vedlegg)
    not_a_list = write(tmp_path, "vedlegg-objekt.json", {"vedlegg": {"type": "annet"}})
    nan = tmp_path / "nan.json"
    nan.write_text(json.dumps(vedlegg).replace('"vedlegg": [', '"vedlegg": [NaN, ', 1))

    code, out = run(bad_soknad, bad_vedlegg, not_a_list, nan)
    assert code == 1
    lines = out.splitlines()
    assert f"{bad_soknad}: FEIL (soknad, 2 feil)" in lines
    assert any(line.startswith("  (rot): ") and "mottaker" in line for line in lines), out
    assert any(line.startswith("  data/soknadstype: ") and "lang" in line for line in lines), out
    assert f"{bad_vedlegg}: FEIL (vedlegg, 1 feil)" in lines
    assert any(line.startswith("  vedlegg/0/filer: ") for line in lines), out
    assert f"{not_a_list}: FEIL (vedlegg, 1 feil)" in lines
    assert f"{nan}: FEIL (ikke gyldig JSON)" in lines
    assert any(line.startswith("  vedlegg/0: ") and "NaN" in line for line in lines), out


def test_kind_can_be_given_and_an_unrecognised_file_says_so(tmp_path):
    version_only = write(tmp_path, "soknad.json", {"version": "1.0.11"})
    code, out = run(version_only)
    assert code == 1 and f"{version_only}: FEIL (unknown, 1 feil)" in out and "--kind" in out

    code, out = run(version_only, kind="soknad")
    assert code == 1 and f"{version_only}: FEIL (soknad, 4 feil)" in out
    assert all(field in out for field in ("data", "mottaker", "driftsinformasjon", "kompatibilitet")), out

    empty = write(tmp_path, "tom.json", {})
    code, out = run(empty, kind="digisos-soker")
    assert code == 1 and "  hendelser: " in out

    made_up = write(tmp_path, "oppdiktet.json", {"version": "1.0.0", "soknad": {}})
    code, out = run(made_up)
    assert code == 1 and "(unknown," in out  # not NAV's soknad.json: it has no top-level "soknad"
