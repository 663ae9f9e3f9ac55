#!/usr/bin/env bash
# Starts clamd in the foreground on a Unix socket in DIR (default var/clamd) with the project's local
# signature database (src/digisos/documents/clamav/). The machines are offline, so freshclam cannot fetch
# the official signatures; production mounts a real, updated database instead (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(realpath -m "${1:-var/clamd}")"
mkdir -p "$dir/db"
cp src/digisos/documents/clamav/* "$dir/db/"
cat > "$dir/clamd.conf" <<CONF
LocalSocket $dir/clamd.sock
LocalSocketMode 660
DatabaseDirectory $dir/db
Foreground yes
LogFile $dir/clamd.log
LogTime yes
StreamMaxLength 20M
MaxFileSize 20M
MaxScanSize 100M
ScanPDF yes
# Decoding images for fuzzy hashes lets a small decompression bomb tie clamd up; our own limits catch those.
ScanImageFuzzyHash no
ScanOLE2 yes
ScanArchive yes
AlertEncrypted no
CONF
if [ "$(id -u)" -eq 0 ]; then echo "User root" >> "$dir/clamd.conf"; fi
exec clamd --config-file="$dir/clamd.conf"
