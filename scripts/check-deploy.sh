#!/usr/bin/env bash
# Runs `manage.py check --deploy` with production settings and example production values, and checks
# that production refuses the unsafe quick-start values.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
secret=$($PY -c "import secrets; print(secrets.token_urlsafe(64))")
prod_env=(
  DJANGO_SETTINGS_MODULE=digisos.settings.production
  DIGISOS_SECRET_KEY="$secret"
  DIGISOS_ALLOWED_HOSTS=digisos.example.no
  DIGISOS_DATABASE_URL=postgres://digisos@127.0.0.1:5432/digisos
  DIGISOS_PUBLIC_URL=https://digisos.example.no
  DIGISOS_IDPORTEN_ISSUER=https://test.idporten.no
  DIGISOS_IDPORTEN_CLIENT_ID=digisos
  DIGISOS_IDPORTEN_CLIENT_SECRET="$secret"
  DIGISOS_EMPLOYEE_OIDC_ISSUER=https://login.example.no
  DIGISOS_EMPLOYEE_OIDC_CLIENT_ID=digisos-employee
  DIGISOS_EMPLOYEE_OIDC_CLIENT_SECRET="$secret"
  DIGISOS_DOCUMENT_KEY_CERTIFICATE=/run/secrets/document-key.crt
  DIGISOS_DOCUMENT_KEY_PRIVATE=/run/secrets/document-key.pem
  DIGISOS_CLAMD_ADDRESS=tcp://clamav:3310
  DIGISOS_AUDIT_LOG_ADDRESS=tcp://audit.nais:6514
)
env "${prod_env[@]}" $PY manage.py check --deploy --fail-level WARNING
if env "${prod_env[@]}" DIGISOS_SECRET_KEY= $PY manage.py check >/dev/null 2>&1; then
  echo "production settings started without DIGISOS_SECRET_KEY" >&2; exit 1
fi
if env "${prod_env[@]}" DIGISOS_DEBUG=1 $PY manage.py check >/dev/null 2>&1; then
  echo "production settings started with debug on" >&2; exit 1
fi
# Each unsafe value alone must stop the start, with a message naming its variable.
unsafe=(
  DIGISOS_PUBLIC_URL=http://digisos.example.no
  DIGISOS_IDPORTEN_ISSUER=http://127.0.0.1:9400
  DIGISOS_EMPLOYEE_OIDC_ISSUER=http://localhost:9400
  "DIGISOS_ALLOWED_HOSTS=*"
  DIGISOS_DATABASE_URL=sqlite:///var/digisos.sqlite3
  DIGISOS_SECRET_KEY=abcdeabcdeabcdeabcdeabcdeabcdeabcdeabcdeabcdeabcde
)
for setting in "${unsafe[@]}"; do
  if output=$(env "${prod_env[@]}" "$setting" $PY manage.py check 2>&1); then
    echo "production settings started with $setting" >&2; exit 1
  fi
  if ! grep -q "ImproperlyConfigured: .*${setting%%=*}" <<<"$output"; then
    echo "refusing $setting did not name ${setting%%=*}" >&2; exit 1
  fi
done
echo "production settings: deploy checks clean, unsafe values refused"
