#!/usr/bin/env bash
# The main job: set everything up (scripts/setup.sh, in .venv/), then open JupyterLab on the
# quickstart notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh notebooks
export PATH="$PWD/.venv/bin:$PATH"
root_flag=""; [ "$(id -u)" -eq 0 ] && root_flag="--allow-root"
exec .venv/bin/python -m jupyter lab $root_flag example_notebooks/quickstart.ipynb "$@"
