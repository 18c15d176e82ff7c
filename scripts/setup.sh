#!/usr/bin/env bash
# Install everything the project needs on a fresh Debian machine: Python package (editable, with
# the extras named in $1, default "test"), the widget's JS toolchain, the built bundle, and, for
# the browser tests, Debian's Chromium. Safe to run again: each step is quick when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-test}"

if [[ "$extras" == *test* ]] && ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian chromium (browser tests)"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

echo "== installing the JS toolchain and building the widget bundle"
npm ci --prefix js --no-audit --no-fund --loglevel=error
npm run build --prefix js --silent

echo "== installing mmphate-widget[$extras]"
python3 -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
