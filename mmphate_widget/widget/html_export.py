"""A widget as one self-contained HTML file: the front-end bundle and the data inline.

The file runs the same front end as JupyterLab, on a small in-page model that stands in for
anywidget's (``get``/``set``/``on``/``save_changes``/``send``): everything that happens in the
browser works (rotate, zoom, colour, ranges, cluster filter, hover, click to select, entropy
panel); nothing needs a kernel, a server or the network. Binary traits travel base64-encoded.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

__all__ = ["html_document", "jsonable", "write_html"]

_MODEL_JS = """
class StandaloneModel {
  constructor(state) { this.state = state; this.handlers = new Map(); }
  get(name) { return this.state[name]; }
  set(name, value) {
    if (!(value instanceof DataView) && JSON.stringify(this.state[name]) === JSON.stringify(value)) return;
    this.state[name] = value;
    for (const cb of [...(this.handlers.get(`change:${name}`) ?? [])]) cb(this, value);
    for (const cb of [...(this.handlers.get("change") ?? [])]) cb(this);
  }
  on(event, cb) { if (!this.handlers.has(event)) this.handlers.set(event, []); this.handlers.get(event).push(cb); }
  off(event, cb) {
    if (!event) { this.handlers.clear(); return; }
    if (!cb) { this.handlers.delete(event); return; }
    this.handlers.set(event, (this.handlers.get(event) ?? []).filter((h) => h !== cb));
  }
  save_changes() {}
  send() {}
}
function fromBase64(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return new DataView(bytes.buffer);
}
const raw = JSON.parse(document.getElementById("mmphate-state").textContent);
const state = {};
for (const [key, value] of Object.entries(raw))
  state[key] = value && typeof value === "object" && "__base64__" in value ? fromBase64(value.__base64__) : value;
const code = JSON.parse(document.getElementById("mmphate-bundle").textContent);
const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
const widget = (await import(url)).default;
const model = new StandaloneModel(state);
await widget.render({ model, el: document.getElementById("mmphate-host") });
window.mmphate = { model };
"""


def jsonable(value: Any) -> Any:
    """A trait value as JSON: binary values become ``{"__base64__": ...}`` (DataViews in the page).

    The in-page model of :func:`html_document` decodes them, and so do the test pages that mount
    the bundle on a stand-in model.
    """
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"__base64__": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return value


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (no "</" can end it early)."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def html_document(state: dict[str, Any], bundle: str, *, title: str = "MM-PHATE") -> str:
    """The HTML text of a standalone view.

    Parameters
    ----------
    state : dict
        Trait name -> value, as the front end reads them (binary values as bytes).
    bundle : str
        The front end's ES module (``static/widget.js``).
    title : str
        The page title.
    """
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{html.escape(title)}</title>\n<link rel="icon" href="data:,">\n'
        '<meta name="generator" content="mmphate-widget">\n'
        "<style>body{margin:0;padding:16px;background:#fff;font-family:sans-serif}"
        '#mmphate-host{max-width:1400px}</style>\n</head>\n<body>\n<div id="mmphate-host"></div>\n'
        f'<script type="application/json" id="mmphate-state">{_script_json(jsonable(state))}</script>\n'
        f'<script type="application/json" id="mmphate-bundle">{_script_json(bundle)}</script>\n'
        f'<script type="module">{_MODEL_JS}</script>\n</body>\n</html>\n'
    )


def write_html(path: str | Path, state: dict[str, Any], bundle: str, *, title: str = "MM-PHATE") -> Path:
    """Write :func:`html_document` to ``path`` (UTF-8); returns the path."""
    path = Path(path)
    path.write_text(html_document(state, bundle, title=title), encoding="utf-8")
    return path
