#!/usr/bin/env bash
# Installs the Debian packages DigiSos needs, only those missing. Runs as root on the project machines;
# elsewhere it uses sudo when it has to install something.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
command -v clamd >/dev/null 2>&1 || need+=(clamav-daemon)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)  # the tests read the text of the PDFs we make
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)  # make bench counts start-up's instructions (bench/startup.py)
fc-list 2>/dev/null | grep -qi "dejavu" || need+=(fonts-dejavu-core)
# The PDFs draw what people write: DejaVu Sans lacks most emoji and many symbols, and fontconfig falls back to
# Symbola (monochrome outlines, as PDF/A wants) for those instead of an empty box.
fc-list 2>/dev/null | grep -qi "symbola" || need+=(fonts-symbola)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian packages start services of their own (a PostgreSQL cluster, clamd, freshclam); DigiSos starts
# its own throwaway instances and does not need them.
