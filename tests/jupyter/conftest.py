"""Fixtures for the end-to-end tests: a real JupyterLab server and headless Debian Chromium.

The server runs in the background on a free loopback port with a random token and its own
config, runtime, settings and workspace directories under a temporary directory, so nothing
from the user's Jupyter setup leaks in.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_START_TIMEOUT_S = 120


@dataclass
class JupyterServer:
    """A running server: where it listens and where notebooks go."""

    url: str
    token: str
    root_dir: Path
    log_path: Path

    def page_url(self, path: str) -> str:
        """URL of a page (e.g. ``lab/tree/x.ipynb``) with the token."""
        return f"{self.url}/{path}?token={self.token}"

    def log_tail(self, n_chars: int = 4000) -> str:
        """The end of the server log, for failure messages."""
        return self.log_path.read_text(errors="replace")[-n_chars:]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return None


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory: pytest.TempPathFactory):
    """Start JupyterLab (which also serves Notebook 7 pages) and stop it at the end."""
    base = tmp_path_factory.mktemp("jupyter")
    root_dir = base / "root"
    root_dir.mkdir()
    env = dict(os.environ)
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ("IPYTHONDIR", "ipython"),
    ]:
        (base / sub).mkdir()
        env[var] = str(base / sub)
    port, token = _free_port(), secrets.token_hex(16)
    log_path = base / "server.log"
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
        f"--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True", "--JupyterNotebookApp.expose_app_in_browser=True",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = JupyterServer(f"http://127.0.0.1:{port}", token, root_dir, log_path)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while _get(f"{server.url}/api/status?token={token}") is None:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {process.returncode}:\n{server.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer in time:\n{server.log_tail()}")
            time.sleep(0.25)
        yield server
    finally:
        # A polite shutdown lets the server stop its kernels; terminate/kill are the fallbacks.
        request = urllib.request.Request(f"{server.url}/api/shutdown?token={token}", method="POST")
        with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
            urllib.request.urlopen(request, timeout=5).close()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def page(browser):
    """A fresh page (own context) whose console errors are kept for failure messages."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()
