"""The package as a user gets it: the sdist carries the JS sources and the bundle, a wheel built
from that sdist needs no Node, and that wheel, installed into a fresh virtual environment with no
Node on the PATH, draws in headless Chromium and reads a click back in Python.

The widget runs in the fresh environment (``installed_widget.py``); the page is the browser tests'
harness (``tests/browser/harness.html`` with its fake anywidget model), fed the state and the ES
module that the installed widget sends. Takes about 40 s, most of it installing the wheel's
dependencies into the new environment.
"""

from __future__ import annotations

import functools
import http.server
import json
import math
import os
import subprocess
import sys
import tarfile
import threading
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.wheel

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
HARNESS = REPO / "tests" / "browser" / "harness.html"
FAKE_MODEL = REPO / "tests" / "browser" / "fake_model.js"
BUNDLE = "mmphate_widget/widget/static/widget.js"
NODE_TOOLS = {"node", "nodejs", "npm", "npx", "corepack", "yarn", "pnpm"}
BACKGROUND = [0x1B, 0x1E, 0x24]  # the widget's background, js/src/styles.ts


def _run(command: list, env: dict | None = None, timeout: float = 300) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-4000:]
        pytest.fail(f"{' '.join(map(str, command))} failed ({result.returncode}):\n{output}")
    return result.stdout


def _without_node(stand_in: Path) -> dict:
    """The environment with no Node or npm on the PATH.

    Directories holding them leave the PATH; their other programs are linked into ``stand_in``,
    which takes the first one's place, so that only the Node tools go missing (node often sits in
    /usr/bin).
    """
    stand_in.mkdir()
    path = []
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or not Path(directory).is_dir():
            continue
        if not any((Path(directory) / tool).exists() for tool in NODE_TOOLS):
            path.append(directory)
            continue
        if str(stand_in) not in path:
            path.append(str(stand_in))
        for entry in Path(directory).iterdir():
            if entry.name not in NODE_TOOLS and not os.path.lexists(stand_in / entry.name):
                (stand_in / entry.name).symlink_to(entry)
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env["PATH"] = os.pathsep.join(path)
    return env


@pytest.fixture(scope="module")
def no_node_env(tmp_path_factory) -> dict:
    return _without_node(tmp_path_factory.mktemp("no-node") / "bin")


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> Path:
    """The sdist of the working tree (the build hook builds the bundle first if it is stale)."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--sdist", "--outdir", str(out), str(REPO)])
    (archive,) = out.glob("*.tar.gz")
    return archive


@pytest.fixture(scope="module")
def wheel(sdist, no_node_env, tmp_path_factory) -> Path:
    """A wheel built from the unpacked sdist, with no Node on the PATH."""
    unpacked = tmp_path_factory.mktemp("sdist")
    # The safe "data" filter where this Python has it (3.11.4 on, and backports).
    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, **safe)
    (source,) = unpacked.iterdir()
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(source)], no_node_env)
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv_python(wheel, no_node_env, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel and its dependencies, installed with no Node."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    # This pip installs into the new environment (--python): no ensurepip, no byte-compiling.
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-compile"]
    _run([*pip, str(wheel)], no_node_env)
    return python


def test_sdist_carries_js_sources_and_bundle_but_no_node_modules(sdist):
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    sources = ["js/src/index.ts", "js/package.json", "js/package-lock.json", "hatch_build.py"]
    for required in [*sources, BUNDLE]:
        assert required in names
    assert not [name for name in names if "node_modules" in name]


def test_wheel_carries_the_bundle(wheel):
    with zipfile.ZipFile(wheel) as archive:
        assert archive.getinfo(BUNDLE).file_size > 100_000
        assert not [name for name in archive.namelist() if name.startswith("js/")]


@pytest.fixture
def served(tmp_path):
    """A loopback server for a directory; yields (directory, base URL)."""
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _result(process: subprocess.Popen, line: str) -> dict:
    """The JSON of a ``RESULT`` line of the installed widget; else fail with its error output."""
    if not line.startswith("RESULT "):
        process.kill()
        pytest.fail(f"the installed widget printed {line[:300]!r}; stderr:\n{process.stderr.read()[-4000:]}")
    return json.loads(line[len("RESULT ") :])


def test_installed_wheel_draws_and_reads_a_click_back(venv_python, no_node_env, served, browser):
    venv = venv_python.parent.parent
    # -I: the script's directory, PYTHONPATH and the user's site-packages stay off sys.path.
    widget_process = subprocess.Popen(
        [str(venv_python), "-I", str(HERE / "installed_widget.py")],
        cwd=venv, env=no_node_env, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        shown = _result(widget_process, widget_process.stdout.readline())
        # The widget is the wheel's, in the fresh environment, and Node was nowhere to be found.
        assert Path(shown["package"]).resolve().is_relative_to(venv.resolve()), shown["package"]
        assert str(REPO) not in shown["sys_path"] and shown["node"] is None and shown["npm"] is None
        bundle_file = Path(shown["bundle_file"])
        assert bundle_file.resolve().is_relative_to(venv.resolve())
        assert shown["esm"] == bundle_file.read_text(encoding="utf-8")

        root, url = served
        (root / "index.html").write_bytes(HARNESS.read_bytes())
        (root / "fake_model.js").write_bytes(FAKE_MODEL.read_bytes())
        (root / "widget.js").write_text(shown["esm"], encoding="utf-8")
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        errors: list[str] = []
        try:
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{url}/index.html")
            page.wait_for_function("window.harnessLoaded === true")
            page.evaluate("state => window.harness.mount(state)", shown["state"])
            page.wait_for_selector('.mmphate-root[data-mmphate-ready="true"]', timeout=20_000)
            page.evaluate("() => window.harness.frames(2)")
            # One slice is shown: one point per unit, drawn.
            visible = page.get_attribute(".mmphate-root", "data-points-visible")
            assert visible == str(shown["n_units"])
            assert page.evaluate("bg => window.harness.drawnPixels(bg)", BACKGROUND) > 20

            node, position = _isolated_node(page, shown["nodes"])
            page.mouse.click(position["x"], position["y"])
            page.evaluate("() => window.harness.frames(2)")
            unit = node % shown["n_units"]
            assert page.evaluate("() => window.harness.model.get('selected_units')") == [unit]
            sets = page.evaluate("() => window.harness.model.frontendSets")
        finally:
            context.close()
        assert not errors, f"errors in the page: {errors}"

        out, err = widget_process.communicate(json.dumps(sets) + "\n", timeout=60)
        read_back = _result(widget_process, (out.strip().splitlines() or [""])[-1])
        assert read_back["selected_units"] == [unit]
        assert read_back["selection_units"] == [unit] and read_back["selection_rows"] > 0
    finally:
        if widget_process.poll() is None:
            widget_process.kill()
        widget_process.wait()
    assert widget_process.returncode == 0, err


def _isolated_node(page, nodes: list[int], min_gap: float = 16.0) -> tuple[int, dict]:
    """A node on screen with no other of ``nodes`` within ``min_gap`` pixels, and its position."""
    locate = "n => window.harness.root.mmphateScreenPosition(n)"
    shown = {n: p for n in nodes if (p := page.evaluate(locate, n)) is not None}
    for n, p in shown.items():
        others = [q for m, q in shown.items() if m != n]
        if all(math.dist((p["x"], p["y"]), (q["x"], q["y"])) >= min_gap for q in others):
            return n, p
    pytest.fail(f"no node of the slice stands clear of the others on screen: {shown}")
