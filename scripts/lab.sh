#!/usr/bin/env bash
# The main job: set everything up, then open JupyterLab on the quickstart notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh notebooks
root_flag=""; [ "$(id -u)" -eq 0 ] && root_flag="--allow-root"
exec python3 -m jupyter lab $root_flag example_notebooks/quickstart.ipynb "$@"
