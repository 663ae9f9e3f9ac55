#!/usr/bin/env bash
# `make run`: migrate, load reference and demo data, then serve DigiSos with its background worker and a
# local ID-porten, clamd (virus scanning) and the periodic-job scheduler, each restarted if it exits.
# Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-digisos.settings.dev}"
PORT="${DIGISOS_PORT:-8000}"
IDP_PORT="${DIGISOS_IDPORTEN_PORT:-9400}"
export DIGISOS_IDPORTEN_ISSUER="${DIGISOS_IDPORTEN_ISSUER:-http://127.0.0.1:${IDP_PORT}}"
export DIGISOS_EMPLOYEE_OIDC_ISSUER="${DIGISOS_EMPLOYEE_OIDC_ISSUER:-http://127.0.0.1:${IDP_PORT}}"
PY=.venv/bin/python

# A port that is taken (DigiSos already running, another program) would otherwise show up only as the web or
# ID-porten process dying and being restarted every 30 s, with the links below pointing at someone else.
port_free() {
  $PY - "$1" <<'PY'
import socket
import sys

with socket.socket() as probe:
    # As runserver binds: a port left in TIME_WAIT by a stopped DigiSos counts as free.
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PY
}
for setting in "DIGISOS_PORT=${PORT}" "DIGISOS_IDPORTEN_PORT=${IDP_PORT}"; do
  name=${setting%%=*}
  value=${setting#*=}
  if ! [[ $value =~ ^[0-9]+$ ]] || (( value < 1 || value > 65535 )); then
    echo "make run: ${name}=${value} is not a port number. Choose a number from 1 to 65535, for example ${name}=8765 make run" >&2
    exit 2
  fi
  if ! port_free "$value"; then
    echo "make run: port ${value} on 127.0.0.1 is already in use (${name}). Is DigiSos already running? Stop it with Ctrl-C, or choose another port, for example ${name}=$(( value + 1 )) make run" >&2
    exit 1
  fi
done
if (( PORT == IDP_PORT )); then
  echo "make run: DIGISOS_PORT and DIGISOS_IDPORTEN_PORT are both ${PORT}. Choose two different ports." >&2
  exit 2
fi
mkdir -p var

$PY manage.py migrate --noinput -v0
$PY manage.py load_municipalities
$PY manage.py load_demo_service_flags
$PY manage.py load_demo_nks_agreements
$PY manage.py load_demo_protected_access
$PY manage.py exchange_demo_setup
$PY manage.py onboarding_signing_setup
$PY manage.py load_demo_child_welfare_offices

# Every long-running piece runs under `supervise` (scripts/supervise.sh): one that exits is logged and started
# again, the others go on. Ctrl-C stops them all.
pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "DigiSos stopped."
}
trap stop_all INT TERM EXIT
# shellcheck source=scripts/supervise.sh
source scripts/supervise.sh

supervise idporten $PY -m digisos.accounts.local_idporten --host 127.0.0.1 --port "$IDP_PORT"
supervise clamd scripts/clamd.sh var/clamd >/dev/null
supervise worker $PY manage.py run_worker --no-reload
supervise scheduler $PY manage.py run_scheduler
supervise web $PY manage.py runserver "127.0.0.1:${PORT}" --noreload
# Bergen's and Tromsø's case systems, played by the simulator over the exchange API.
for kommune in 4601 5501; do
  supervise "simulator-${kommune}" $PY manage.py fagsystem_simulator --base-url "http://127.0.0.1:${PORT}" --kommunenummer "$kommune"
  # Their child-welfare case systems, collecting concern reports over the barnevern API.
  supervise "barnevern-${kommune}" $PY manage.py barnevern_simulator --base-url "http://127.0.0.1:${PORT}" --kommunenummer "$kommune"
done

cat <<MSG

  DigiSos runs at       http://127.0.0.1:${PORT}/
  Local ID-porten       ${DIGISOS_IDPORTEN_ISSUER}/   (pick a demo persona to log in)
  Kan jeg søke digitalt? http://127.0.0.1:${PORT}/kommuner/
  Try document upload   http://127.0.0.1:${PORT}/dokumenter/prov-opplasting/  (after logging in)
  Admin (operators)     http://127.0.0.1:${PORT}/admin/  (log in as the demo operator; deliveries are there)
  Manual inbox (Oslo)   http://127.0.0.1:${PORT}/innboks/  (log in as Sara Saksbehandler)
  Case systems          Bergen and Tromsø applications are collected by the fagsystem simulator,
                        which posts a whole case back (received … decision … payment).
  Exchange API          http://127.0.0.1:${PORT}/api/exchange/v1/docs
  Bekymringsmelding     http://127.0.0.1:${PORT}/bekymringsmelding/  (Bergen/Tromsø: collected by a child-welfare
                        simulator; Oslo: log in as Bente Barnevern, /bekymringsmelding/innboks/)
  Stop with Ctrl-C.

MSG
# Runs until Ctrl-C: a process that exits is started again by its supervisor.
wait
