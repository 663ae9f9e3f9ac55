"""`make run` (scripts/run.sh) refuses a port that is taken or is not a port, at once and in words that say what
to do, before it touches the database or starts anything: a taken port used to show only as the web process
dying and being restarted every 30 s."""

import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "scripts" / "run.sh"


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_script(tmp_path: Path, **ports: str) -> subprocess.CompletedProcess:
    # A database the script would create if it went past the check: it must not exist afterwards.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "digisos.settings.dev",
        "DIGISOS_DATABASE_URL": f"sqlite:///{tmp_path / 'never.sqlite3'}",
        **ports,
    }
    script = subprocess.Popen(
        ["bash", str(RUN)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = script.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        # Past the check, the script serves until stopped: stop everything it started, then fail.
        os.killpg(script.pid, signal.SIGTERM)
        script.communicate(timeout=30)
        pytest.fail("make run went on past a port it should have refused")
    return subprocess.CompletedProcess(script.args, script.returncode, stdout, stderr)


def test_a_taken_web_port_stops_make_run_at_once_and_names_the_setting(tmp_path, taken_port):
    result = run_script(tmp_path, DIGISOS_PORT=str(taken_port), DIGISOS_IDPORTEN_PORT=str(free_port()))
    assert result.returncode == 1
    assert f"port {taken_port} on 127.0.0.1 is already in use (DIGISOS_PORT)" in result.stderr
    assert f"DIGISOS_PORT={taken_port + 1} make run" in result.stderr
    assert not (tmp_path / "never.sqlite3").exists()
    assert "DigiSos runs at" not in result.stdout


def test_a_taken_id_porten_port_stops_make_run_and_names_its_setting(tmp_path, taken_port):
    result = run_script(tmp_path, DIGISOS_PORT=str(free_port()), DIGISOS_IDPORTEN_PORT=str(taken_port))
    assert result.returncode == 1
    assert "(DIGISOS_IDPORTEN_PORT)" in result.stderr
    assert not (tmp_path / "never.sqlite3").exists()


@pytest.mark.parametrize("value", ["http", "0", "70000", "80 81"])
def test_a_port_that_is_not_a_number_is_refused_with_what_to_choose(tmp_path, value):
    result = run_script(tmp_path, DIGISOS_PORT=value, DIGISOS_IDPORTEN_PORT=str(free_port()))
    assert result.returncode == 2
    assert f"DIGISOS_PORT={value} is not a port number" in result.stderr
    assert not (tmp_path / "never.sqlite3").exists()


def test_the_same_port_for_the_site_and_id_porten_is_refused(tmp_path):
    port = str(free_port())
    result = run_script(tmp_path, DIGISOS_PORT=port, DIGISOS_IDPORTEN_PORT=port)
    assert result.returncode == 2
    assert "both" in result.stderr
