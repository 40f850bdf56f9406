#!/usr/bin/env bash
# Installs the Debian packages Grapefruit needs when their commands are missing (apt-get, as root only).
set -euo pipefail
declare -A command_for=([tesseract-ocr]=tesseract [chromium]=chromium [docker-compose]=docker-compose)
missing=()
for pkg in "$@"; do
  command -v "${command_for[$pkg]:-$pkg}" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
extra=()
[[ " ${missing[*]} " == *" tesseract-ocr "* ]] && extra+=(tesseract-ocr-eng)
echo "Installing system packages: ${missing[*]} ${extra[*]}"
apt-get update -qq
# --no-install-recommends matters for docker-compose: without it the Docker engine comes too.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" "${extra[@]}" >/dev/null
