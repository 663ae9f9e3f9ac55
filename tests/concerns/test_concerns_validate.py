"""`manage.py concerns_validate`: vendors judge their files against KS's v2 schemas, with every error's path."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

VALID_PRIVATE = {
    "kommunenummer": "4601",
    "kommunenavn": "Bergen",
    "bydelsnummer": "00",
    "bydelsnavn": "Barneverntjenesten i Bergen",
    "privatMelder": {"personnavn": "Kari Nordmann"},
    "privatBarn": [{"personnavn": "Mia", "adresse": {"adresselinje1": "Storgata 1"}}],
    "melding": "Bekymret.",
    "sendingstidspunkt": "2021-11-08T09:24:45",
    "leveringskanal": "Fagsystem",
}


def run(*paths, **options) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("concerns_validate", *[str(p) for p in paths], stdout=out, **options)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_a_valid_file_passes_and_an_invalid_one_names_each_path(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(VALID_PRIVATE))
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {**VALID_PRIVATE, "kommunenummer": "46", "privatBarn": [{"personnavn": "Mia", "adresse": {}}]}
        )
    )
    output, code = run(good, bad)
    assert code == 1
    assert f"{good}: OK (privat)" in output
    assert f"{bad}: FEIL (privat, 2 feil)" in output
    assert (
        "  kommunenummer: " in output and "  privatBarn/0/adresse: Feltet «adresselinje1» mangler." in output
    )


def test_unknown_form_broken_json_and_missing_file(tmp_path):
    unknown = tmp_path / "unknown.json"
    unknown.write_text("{}")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    output, code = run(unknown, broken, tmp_path / "missing.json")
    assert code == 1
    assert "Oppgi skjemaet med --form privat|offentlig" in output
    assert "ikke gyldig JSON" in output and "kan ikke leses" in output
    output, _ = run(unknown, form="offentlig")
    assert "offentligMelder" in output


@pytest.mark.parametrize("form", ["privat", "offentlig"])
def test_the_form_can_be_given(tmp_path, form):
    path = tmp_path / "x.json"
    path.write_text(json.dumps(VALID_PRIVATE))
    _, code = run(path, form=form)
    assert (code == 0) is (form == "privat")


def test_a_signed_container_passes_and_a_changed_one_names_the_file(tmp_path):
    import io
    import zipfile

    from digisos.concerns.asice import build_asice

    good = tmp_path / "good.asice"
    good.write_bytes(build_asice(json.dumps(VALID_PRIVATE).encode(), b"%PDF-1.7\n%%EOF\n"))
    with zipfile.ZipFile(io.BytesIO(good.read_bytes())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["bekymringsmelding.json"] = json.dumps({**VALID_PRIVATE, "kommunenummer": "46"}).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(buffer.getvalue())
    output, code = run(good, bad)
    assert code == 1
    assert f"{good}: OK (ASiC-E, privat)" in output
    assert "signatur: bekymringsmelding.json was changed after signing" in output
    assert "bekymringsmelding.json: kommunenummer" in output
