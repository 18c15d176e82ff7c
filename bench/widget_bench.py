"""Benchmark of the widget front end in headless Chromium (software WebGL), 100k vs 1M points.

Measures, for synthetic fitted models of 100k and 1M nodes (no MM-PHATE run: the fitted
attributes are made up and handed to ``MMPHATE.from_fitted``, which checks them as ``fit`` does):

* time from mounting the widget with its state to the first finished frame (in the page,
  ``performance.now()``; a frame is finished when a 1-pixel ``readPixels`` after it returns);
* bytes sent Python -> browser (the comm-open message: JSON state + binary buffers, as
  ipywidgets builds it) and the size of the browser -> Python messages of a click;
* frame time of a camera rotation, time to recolour (``color_by``) and to filter (``epoch_range``);
* a lasso (Alt+drag) around about 10% of the points: the selection pass, the size of the
  ``selected_nodes`` message and the frame that draws it; one animation frame while playing;
* bundle size (minified and gzip) of ``mmphate_widget/widget/static/widget.js``;
* scaling of the JS-side mount (decode + buffers + colours) over 100k, 200k, 400k, 1M points.

Every measurement is taken ``--reps`` times (default 3, each in a fresh page) and the median
reported. Results go to ``bench/out/widget_results.md`` (overwritten; its tables are copied into
``bench/RESULTS.md``). Runs in about 2-3 minutes on a
2-core machine::

    python bench/widget_bench.py                 # all sizes, 3 repetitions
    python bench/widget_bench.py --bundle other/widget.js --out /tmp/other.md   # compare a build

Needs Debian's Chromium at /usr/bin/chromium and the Playwright Python client (never run
``playwright install``; see tests/conftest.py for the launch flags).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BUNDLE = REPO / "mmphate_widget" / "widget" / "static" / "widget.js"
HARNESS = BENCH / "widget_harness.html"
FAKE_MODEL = BENCH.parent / "tests" / "browser" / "fake_model.js"
RESULTS = BENCH / "out" / "widget_results.md"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
]  # fmt: skip

# (label, epochs, steps, units): node = (e * T + t) * U + u; 1M = 100 x 100 x 100.
SIZES = {
    "100k": (10, 100, 100),
    "200k": (20, 100, 100),
    "400k": (40, 100, 100),
    "1M": (100, 100, 100),
}
FULL_SIZES = ("100k", "1M")  # all measurements; the others: mount only (scaling check)
# Many units, all selected: the per-change cost of reading the selection (informational check of
# a step that scales with the number of selected units rather than with points).
WIDE_SIZES = {"1M/20k units": (5, 10, 20_000), "960k/80k units": (4, 3, 80_000)}

ROTATION_FRAMES = 5
# Playing through training: frames timed while the epoch window moves every frame.
PLAY_FRAMES = 5
# The lasso selects about this fraction of the points (100k of 1M).
LASSO_FRACTION = 0.1
LASSO_VERTICES = 48
ROTATION_DEGREES = 2.0
FIRST_FRAME_TARGET_MS = 2000.0
BUNDLE_TARGET_BYTES = 1_000_000
# Log-log slope of time against points above which a step counts as super-linear.
SLOPE_LIMIT = 1.5


# --------------------------------------------------------------------------------------------
# Synthetic fitted model and the state the page receives


def synthetic_model(n_epochs: int, n_steps: int, n_units: int, seed: int = 0) -> Any:
    """A fitted ``MMPHATE`` built by hand (no fit): a smooth spiral per unit, drifting by epoch."""
    from mmphate_widget.engine.estimator import MMPHATE

    rng = np.random.default_rng(seed)
    E, T, U = n_epochs, n_steps, n_units
    e = np.arange(E, dtype=np.float64)[:, None, None] / max(E - 1, 1)
    t = np.arange(T, dtype=np.float64)[None, :, None] / max(T - 1, 1)
    u = np.arange(U, dtype=np.float64)[None, None, :] / U
    theta = 2 * np.pi * u + 3 * np.pi * t
    r = 0.4 + 0.6 * e
    shape = (E, T, U)
    xyz = np.stack(
        [
            np.broadcast_to(r * np.cos(theta), shape),
            np.broadcast_to(r * np.sin(theta), shape),
            np.broadcast_to(t - 0.5 + 0.3 * e, shape),
        ],
        axis=-1,
    ).reshape(-1, 3)
    embedding = xyz + rng.normal(scale=0.02, size=xyz.shape)

    grid_e = np.linspace(0, 1, E)[:, None]
    clusters = np.arange(U) % 4
    rng.shuffle(clusters)
    return MMPHATE.from_fitted(
        {
            "embedding_": embedding,
            "t_": 1,
            "intrastep_entropy_": 2 + np.sin(3 * grid_e + np.linspace(0, 2, T)[None, :]),
            "interstep_entropy_": 1.5 + np.cos(np.linspace(0, 6, U)[:, None] + 2 * grid_e.T),
            "unit_clusters_": clusters,
            "epochs_": np.arange(E),
            "unit_names_": [f"unit {i}" for i in range(U)],
            "n_epochs_": E,
            "n_steps_": T,
            "n_units_": U,
            "n_samples_": 32,
        },
        verbose=False,
    )


def _is_binary(value: Any) -> bool:
    return isinstance(value, (bytes, bytearray, memoryview))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def wire_sizes(widget: Any) -> dict[str, int]:
    """Bytes of the comm-open message ipywidgets sends for the widget (its whole state)."""
    from ipywidgets.widgets.widget import _remove_buffers

    state, _paths, buffers = _remove_buffers(widget.get_state())
    esm = len(str(state.get("_esm", "")).encode())
    css = len(str(state.get("_css", "")).encode())
    json_all = len(json.dumps(state, separators=(",", ":")).encode())
    return {
        "buffers": sum(memoryview(b).nbytes for b in buffers),
        "json": json_all,
        "json_without_esm_css": json_all - esm - css,
        "esm": esm,
        "css": css,
    }


def write_state(widget: Any, folder: Path) -> dict[str, int]:
    """Write the contract traits for the page: state.json plus one .bin per binary trait."""
    folder.mkdir(parents=True, exist_ok=True)
    state = widget.get_state()
    spec: dict[str, Any] = {"json": {}, "binary": []}
    from mmphate_widget.widget.widget import CONTRACT_TRAITS

    for name in CONTRACT_TRAITS:
        value = state[name]
        if _is_binary(value):
            (folder / f"{name}.bin").write_bytes(bytes(value))
            spec["binary"].append(name)
        else:
            spec["json"][name] = _plain(value)
    (folder / "state.json").write_text(json.dumps(spec))
    return {"contract_json": len(json.dumps(spec["json"], separators=(",", ":")).encode())}


# --------------------------------------------------------------------------------------------
# Page-side measurements


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def open_page(browser: Any, url: str, data: str, errors: list[str]) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on(
        "console",
        lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None,
    )
    page.goto(f"{url}/index.html")
    page.wait_for_function("window.benchLoaded === true", timeout=30_000)
    page.evaluate("base => window.bench.load(base)", f"{url}/{data}")
    return context, page


def click_selection(page: Any, n_nodes: int) -> dict[str, Any]:
    """Click on a point; return the click-to-selection time and the messages sent to Python."""
    for node in (n_nodes // 2, n_nodes // 3, n_nodes // 5, 7, n_nodes - 1):
        pos = page.evaluate("n => window.bench.root.mmphateScreenPosition(n)", node)
        if pos is None:
            continue
        page.evaluate("() => window.bench.armClick()")
        before = len(page.evaluate("() => window.bench.messages().sets"))
        page.mouse.click(pos["x"], pos["y"])
        # Let the throttled hovered_node message (120 ms) go out too.
        deadline = time.perf_counter() + 20
        while time.perf_counter() < deadline:
            sets = page.evaluate("() => window.bench.messages().sets")[before:]
            if any(s["name"] == "selected_units" for s in sets):
                break
            time.sleep(0.05)
        time.sleep(0.3)
        msgs = page.evaluate("() => window.bench.messages()")
        sets = msgs["sets"][before:]
        sel = [s for s in sets if s["name"] == "selected_units"]
        if not sel:
            continue
        up = page.evaluate("() => window.bench.pointerUp")
        return {
            "click_ms": sel[0]["t"] - up if up is not None else float("nan"),
            "messages": [(s["name"], s["value"], s["bytes"]) for s in sets],
            "custom": [m["bytes"] for m in msgs["sent"]],
            "max_bytes": max(s["bytes"] for s in sets),
        }
    return {"click_ms": float("nan"), "messages": [], "custom": [], "max_bytes": 0}


def measure_full(
    browser: Any, url: str, data: str, n_nodes: int, n_epochs: int, errors: list[str]
) -> dict[str, Any]:
    """One fresh page: mount, rotation, recolour, filter, click."""
    context, page = open_page(browser, url, data, errors)
    try:
        mount = page.evaluate("() => window.bench.mount()")
        page.evaluate("() => window.bench.frames(2)")  # let the resize re-render settle
        rotation = page.evaluate(
            "([n, d]) => window.bench.rotate(n, d, 3.6, 1.4)",
            [ROTATION_FRAMES, ROTATION_DEGREES],
        )
        recolour = page.evaluate("() => window.bench.timeChange('color_by', 'interstep_entropy')")
        page.evaluate("() => window.bench.settle('color_by', 'epoch')")
        half = [0, max(n_epochs // 2 - 1, 0)]
        filt = page.evaluate("r => window.bench.timeChange('epoch_range', r)", half)
        visible = int(page.get_attribute(".mmphate-root", "data-points-visible") or -1)
        page.evaluate("r => window.bench.settle('epoch_range', r)", [0, n_epochs - 1])
        click = click_selection(page, n_nodes)
        tools = measure_tools(page, n_nodes, n_epochs)
        return {
            "tools": tools,
            "mount": mount,
            "rotation": rotation,
            "recolour": recolour,
            "filter": filt,
            "filter_visible": visible,
            "click": click,
        }
    finally:
        context.close()


def measure_tools(page: Any, n_nodes: int, n_epochs: int) -> dict[str, Any]:
    """A lasso around about LASSO_FRACTION of the points (Alt+drag with the mouse), then frames
    while playing with a 10-epoch window (half the epochs when fewer) that moves every frame."""
    target = int(n_nodes * LASSO_FRACTION)
    circle = page.evaluate("n => window.bench.circleFor(n)", target)
    ring = [
        (
            circle["cx"] + circle["r"] * math.cos(2 * math.pi * k / LASSO_VERTICES),
            circle["cy"] + circle["r"] * math.sin(2 * math.pi * k / LASSO_VERTICES),
        )
        for k in range(LASSO_VERTICES + 1)
    ]
    page.evaluate("() => window.bench.armClick()")
    page.keyboard.down("Alt")
    page.mouse.move(*ring[0])
    page.mouse.down()
    for x, y in ring[1:]:
        page.mouse.move(x, y)
    page.mouse.up()
    page.keyboard.up("Alt")
    deadline = time.perf_counter() + 60
    selected = page.evaluate("() => window.bench.selectedNodes()")
    while selected["t"] is None and time.perf_counter() < deadline:
        time.sleep(0.05)
        selected = page.evaluate("() => window.bench.selectedNodes()")
    up = page.evaluate("() => window.bench.pointerUp")
    lasso_ms = float(page.get_attribute(".mmphate-root", "data-lasso-ms") or "nan")
    redraw = page.evaluate("() => window.bench.timeChange('point_size', 3.5)")
    # Playing: a 10-epoch window, fast enough to move every frame, looping.
    window = min(10, max(n_epochs // 2, 1))
    for name, value in (("play_window", window), ("play_speed", 1000.0), ("play_loop", True)):
        page.evaluate("([n, v]) => window.bench.pySet(n, v)", [name, value])
    page.evaluate("() => window.bench.pySet('playing', true)")
    page.evaluate("() => window.bench.frames(1)")
    frames = page.evaluate("n => window.bench.playFrames(n)", PLAY_FRAMES)
    page.evaluate("() => window.bench.pySet('playing', false)")
    return {
        "lasso_ms": lasso_ms,
        "lasso_to_message_ms": selected["t"] - up if selected["t"] is not None and up else float("nan"),
        "lasso_nodes": selected["count"],
        "lasso_bytes": selected["bytes"],
        "redraw_ms": redraw["frame"],
        "play_frames": frames,
    }


def measure_wide(
    browser: Any, url: str, data: str, n_units: int, reps: int, errors: list[str]
) -> dict[str, Any]:
    """Select every unit, then time view changes (point size) that re-read the selection."""
    context, page = open_page(browser, url, data, errors)
    try:
        page.evaluate("() => window.bench.mount()")
        page.evaluate("() => window.bench.frames(2)")
        select = page.evaluate(
            "u => window.bench.timeChange('selected_units', Array.from({length: u}, (_, i) => i))",
            n_units,
        )
        changes = [
            page.evaluate("v => window.bench.timeChange('point_size', v)", 3.5 + (i % 2)) for i in range(reps)
        ]
        return {"select": select, "changes": changes}
    finally:
        context.close()


def measure_mount(browser: Any, url: str, data: str, errors: list[str]) -> dict[str, Any]:
    context, page = open_page(browser, url, data, errors)
    try:
        return page.evaluate("() => window.bench.mount()")
    finally:
        context.close()


# --------------------------------------------------------------------------------------------
# Reporting


def med(values: list[float]) -> float:
    vals = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(vals) if vals else float("nan")


def spread(values: list[float]) -> str:
    vals = [v for v in values if v is not None and not math.isnan(v)]
    return f"{min(vals):.0f}-{max(vals):.0f}" if vals else "-"


def fmt_bytes(n: float) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.2f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.1f} kB"
    return f"{n:.0f} B"


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) on log(x)."""
    lx, ly = np.log(xs), np.log(ys)
    return float(np.polyfit(lx, ly, 1)[0])


def cpu_note() -> str:
    try:
        load = os.getloadavg()
        load_s = f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min)"
    except OSError:
        load_s = "load average n/a"
    return f"{os.cpu_count()} CPU cores, {load_s}"


def chromium_version() -> str:
    try:
        out = subprocess.run(
            [CHROMIUM, "--version"],
            check=False,
            capture_output=True,
            text=True,
            timeout=20,
        )
        return out.stdout.strip() or "chromium (version unknown)"
    except (OSError, subprocess.SubprocessError):
        return "chromium (version unknown)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=BUNDLE, help="widget bundle to measure")
    parser.add_argument("--out", type=Path, default=RESULTS, help="markdown file to write")
    parser.add_argument("--reps", type=int, default=3, help="repetitions per measurement")
    parser.add_argument(
        "--sizes",
        default=",".join(SIZES),
        help="comma-separated subset of " + ", ".join(SIZES),
    )
    parser.add_argument("--no-wide", action="store_true", help="skip the many-selected-units check")
    args = parser.parse_args(argv)

    bundle = args.bundle.resolve()
    if not bundle.is_file():
        print(
            f"{bundle} is missing; build it with: cd js && npm ci && npm run build",
            file=sys.stderr,
        )
        return 2
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose from {list(SIZES)}")

    from playwright.sync_api import sync_playwright

    from mmphate_widget.widget.widget import MMPHATEWidget

    started = time.perf_counter()
    load_before = cpu_note()
    bundle_bytes = bundle.read_bytes()
    bundle_size = len(bundle_bytes)
    bundle_gzip = len(gzip.compress(bundle_bytes, compresslevel=9))

    errors: list[str] = []
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="mmphate-bench-") as tmp:
        root = Path(tmp)
        shutil.copy(HARNESS, root / "index.html")
        shutil.copy(FAKE_MODEL, root / "fake_model.js")
        shutil.copy(bundle, root / "widget.js")

        for label in sizes:
            E, T, U = SIZES[label]
            t0 = time.perf_counter()
            model = synthetic_model(E, T, U)
            t1 = time.perf_counter()
            widget = MMPHATEWidget(model)
            t2 = time.perf_counter()
            sizes_py = wire_sizes(widget)
            t3 = time.perf_counter()
            extra = write_state(widget, root / label)
            results[label] = {
                "n": E * T * U,
                "dims": (E, T, U),
                "wire": sizes_py | extra,
                "py_widget_ms": (t2 - t1) * 1e3,
                "py_state_ms": (t3 - t2) * 1e3,
                "model_ms": (t1 - t0) * 1e3,
            }
            widget.close()
            del widget, model
            print(
                f"[{time.perf_counter() - started:6.1f}s] state {label}: {E}x{T}x{U} written",
                flush=True,
            )

        wide: dict[str, dict[str, Any]] = {}
        if not args.no_wide:
            for label, (E, T, U) in WIDE_SIZES.items():
                widget = MMPHATEWidget(synthetic_model(E, T, U))
                write_state(widget, root / f"wide{U}")
                widget.close()
                wide[label] = {"dims": (E, T, U)}

        server, url = serve(root)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                try:
                    for label in sizes:
                        r = results[label]
                        runs = []
                        for rep in range(args.reps):
                            if label in FULL_SIZES:
                                run = measure_full(browser, url, label, r["n"], r["dims"][0], errors)
                            else:
                                run = {"mount": measure_mount(browser, url, label, errors)}
                            runs.append(run)
                            m = run["mount"]
                            print(
                                f"[{time.perf_counter() - started:6.1f}s] {label} rep {rep + 1}: "
                                f"first frame {m['total']:.0f} ms (construct "
                                f"{m['construct']:.0f}, render {m['firstRender']:.0f})",
                                flush=True,
                            )
                        r["runs"] = runs
                    for label, w in wide.items():
                        U = w["dims"][2]
                        w.update(measure_wide(browser, url, f"wide{U}", U, args.reps, errors))
                        print(
                            f"[{time.perf_counter() - started:6.1f}s] {label}: view change with "
                            f"all units selected "
                            f"{med([c['sync'] for c in w['changes']]):.1f} ms sync",
                            flush=True,
                        )
                finally:
                    browser.close()
        finally:
            server.shutdown()
            server.server_close()

    elapsed = time.perf_counter() - started
    load_after = cpu_note()
    text = report(
        results,
        sizes,
        bundle,
        bundle_size,
        bundle_gzip,
        errors,
        args.reps,
        elapsed,
        load_before,
        load_after,
        wide,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    print(f"wrote {args.out} in {elapsed:.0f} s")
    return 1 if errors else 0


def report(
    results: dict[str, dict[str, Any]],
    sizes: list[str],
    bundle: Path,
    bundle_size: int,
    bundle_gzip: int,
    errors: list[str],
    reps: int,
    elapsed: float,
    load_before: str,
    load_after: str,
    wide: dict[str, dict[str, Any]] | None = None,
) -> str:
    lines: list[str] = []
    add = lines.append
    add("## Widget front-end benchmark (`bench/widget_bench.py`)")
    add("")
    add(
        f"Generated {time.strftime('%Y-%m-%d %H:%M:%S')} by `python bench/widget_bench.py` "
        f"({elapsed:.0f} s). Median of {reps} runs, each in a fresh page; min-max in brackets."
    )
    add("")

    full = [s for s in sizes if "runs" in results[s] and "rotation" in results[s]["runs"][0]]
    if full:
        add(
            "| points | E x T x U | first frame ms | bytes sent Py -> browser | rotation frame ms "
            "| recolour ms | filter ms | click -> selection ms | largest browser -> Py message |"
        )
        add("| ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for s in full:
            r = results[s]
            runs = r["runs"]
            first = [x["mount"]["total"] for x in runs]
            rot = [med([f["total"] for f in x["rotation"]]) for x in runs]
            rec = [x["recolour"]["total"] for x in runs]
            fil = [x["filter"]["total"] for x in runs]
            clk = [x["click"]["click_ms"] for x in runs]
            msg = max(x["click"]["max_bytes"] for x in runs)
            w = r["wire"]
            sent = w["buffers"] + w["json_without_esm_css"]
            E, T, U = r["dims"]
            add(
                f"| {r['n']:,} | {E} x {T} x {U} | {med(first):.0f} ({spread(first)}) "
                f"| {fmt_bytes(sent)} | {med(rot):.0f} ({spread(rot)}) | {med(rec):.0f} "
                f"({spread(rec)}) | {med(fil):.0f} ({spread(fil)}) | {med(clk):.0f} ({spread(clk)}) "
                f"| {msg} B |"
            )
        add("")
        add("Column notes:")
        add(
            "- *first frame*: in the page, from `widget.render()` with the state (binary traits "
            "already `DataView`s) to the end of a 1-pixel `readPixels` after the first frame the "
            "widget draws (`data-mmphate-ready`). Transfer and Python time are not included."
        )
        add(
            "- *bytes sent*: the comm-open message ipywidgets builds from `get_state()` "
            "(`_remove_buffers`): binary buffers + JSON state, without the `_esm` bundle text "
            "(sent with every widget too; see bundle size below)."
        )
        add(
            f"- *rotation frame*: the `camera` trait turned by {ROTATION_DEGREES:g} deg, "
            f"{ROTATION_FRAMES} frames per run (median per run): the JS work of the change plus "
            "the widget's tick (render) to the end of a 1-pixel `readPixels`. The idle wait for "
            "the next animation frame is left out of this and the next two columns."
        )
        add(
            "- *recolour*: `color_by` epoch -> interstep_entropy (per-node colours rebuilt, "
            "buffer re-uploaded, one frame). *filter*: `epoch_range` to the first half of the "
            "epochs (uniforms + panels, one frame)."
        )
        add(
            "- *click -> selection*: Playwright mouse click on a point, from `pointerup` to the "
            "`selected_units` update (GPU pick pass included). *Largest message*: the biggest "
            "front-end `model.set` during the click, as the ipywidgets `update` JSON payload "
            "(`hovered_node` and `selected_units`)."
        )
        add("")
        add(
            "Breakdown of the first frame (median ms): construct = synchronous `render()` "
            "(decode, index/colour buffers, scene), wait = until the widget's first animation "
            "frame, render = that frame to finished `readPixels`."
        )
        add("")
        add(
            "| points | construct | wait | render | Python: `MMPHATEWidget(model)` | Python: "
            "`get_state` + split buffers | canvas px |"
        )
        add("| ---: | ---: | ---: | ---: | ---: | ---: | :---: |")
        for s in full:
            r = results[s]
            runs = r["runs"]
            cv = runs[0]["mount"]["canvas"]
            add(
                f"| {r['n']:,} | {med([x['mount']['construct'] for x in runs]):.0f} "
                f"| {med([x['mount']['wait'] for x in runs]):.0f} "
                f"| {med([x['mount']['firstRender'] for x in runs]):.0f} "
                f"| {r['py_widget_ms']:.0f} | {r['py_state_ms']:.0f} | {cv[0]} x {cv[1]} |"
            )
        add("")
        add(
            "Interactions split (median ms): sync = JS run by the change handlers, frame = the "
            "widget's tick to finished `readPixels`; `drew` = the frame issued a draw call."
        )
        add("")
        add(
            "| points | rotation sync / frame | recolour sync / frame | filter sync / frame "
            "| visible after filter | drew |"
        )
        add("| ---: | ---: | ---: | ---: | ---: | :---: |")
        for s in full:
            runs = results[s]["runs"]
            rot_sync = med([med([f["sync"] for f in x["rotation"]]) for x in runs])
            rot_frame = med([med([f["frame"] for f in x["rotation"]]) for x in runs])
            drew = all(f["drew"] for x in runs for f in x["rotation"]) and all(
                x[k]["drew"] for x in runs for k in ("recolour", "filter")
            )
            cells = [f"{rot_sync:.1f} / {rot_frame:.0f}"]
            for k in ("recolour", "filter"):
                cells.append(
                    f"{med([x[k]['sync'] for x in runs]):.1f} / {med([x[k]['frame'] for x in runs]):.0f}"
                )
            add(
                f"| {results[s]['n']:,} | "
                + " | ".join(cells)
                + f" | {runs[0]['filter_visible']:,} | {'yes' if drew else 'NO'} |"
            )
        add("")
        add("Wire detail (bytes): ")
        add("")
        add("| points | binary buffers | JSON state (no `_esm`/`_css`) | `_esm` | per point |")
        add("| ---: | ---: | ---: | ---: | ---: |")
        for s in full:
            w = results[s]["wire"]
            n = results[s]["n"]
            add(
                f"| {n:,} | {w['buffers']:,} | {w['json_without_esm_css']:,} | {w['esm']:,} "
                f"| {(w['buffers'] + w['json_without_esm_css']) / n:.2f} |"
            )
        add("")
        for s in full:
            c = results[s]["runs"][0]["click"]
            msgs = ", ".join(f"`{name}={json.dumps(v)}` {b} B" for name, v, b in c["messages"])
            add(
                f"- Messages browser -> Python during one click at {results[s]['n']:,} points: "
                f"{msgs or 'none'}" + (f"; custom messages {c['custom']}" if c["custom"] else "") + "."
            )
        add("")

    if full:
        add("Lasso selection and playing through training (median ms):")
        add("")
        add(
            "| points | lasso: nodes selected | selection pass ms | pointerup -> `selected_nodes` sent ms "
            "| `selected_nodes` message | next frame ms | frame while playing ms | window moved |"
        )
        add("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |")
        for s in full:
            runs = results[s]["runs"]
            tools = [x["tools"] for x in runs]
            play = [med([f["frame"] for f in t["play_frames"]]) for t in tools]
            moved = all(len(t["play_frames"]) == PLAY_FRAMES for t in tools)
            sel = [t["lasso_ms"] for t in tools]
            msg = [t["lasso_to_message_ms"] for t in tools]
            add(
                f"| {results[s]['n']:,} | {tools[0]['lasso_nodes']:,} | {med(sel):.0f} ({spread(sel)}) "
                f"| {med(msg):.0f} ({spread(msg)}) | {fmt_bytes(tools[0]['lasso_bytes'])} "
                f"| {med([t['redraw_ms'] for t in tools]):.0f} | {med(play):.0f} ({spread(play)}) "
                f"| {'yes' if moved else 'NO'} |"
            )
        add("")
        add(
            f"- *lasso*: Alt+drag with the mouse along a {LASSO_VERTICES}-gon around about "
            f"{LASSO_FRACTION:.0%} of the points; *selection pass* = projecting every visible node "
            "with the view-projection matrix and testing it against the polygon (`data-lasso-ms`); "
            "*message*: the int32 buffer of the `selected_nodes` update (plus a few bytes of JSON); "
            "*next frame*: the frame drawing the selection (per-node flags uploaded)."
        )
        add(
            f"- *frame while playing*: `playing` with a 10-epoch window (5 when there are 10 epochs) "
            f"at 1000 epochs/s, looping, so it moves nearly every frame; {PLAY_FRAMES} frames in which "
            "it moved: the widget's tick (window step, `epoch_range` update, uniforms, panels) to the "
            "finished `readPixels`. *window moved*: all of them were found."
        )
        add("")

    # Scaling.
    mounted = [s for s in sizes if "runs" in results[s]]
    ns = [results[s]["n"] for s in mounted]
    construct = [med([x["mount"]["construct"] for x in results[s]["runs"]]) for s in mounted]
    render = [med([x["mount"]["firstRender"] for x in results[s]["runs"]]) for s in mounted]
    total = [med([x["mount"]["total"] for x in results[s]["runs"]]) for s in mounted]
    add("### Scaling of the mount (no step quadratic in points?)")
    add("")
    add("| points | construct ms | ns / point | first render ms | ns / point | first frame ms |")
    add("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, c, rr, tt in zip(ns, construct, render, total, strict=False):
        add(f"| {n:,} | {c:.0f} | {c / n * 1e6:.0f} | {rr:.0f} | {rr / n * 1e6:.0f} | {tt:.0f} |")
    add("")
    slope_ok = None
    if len(ns) >= 2:
        sc, sr, st = slope(ns, construct), slope(ns, render), slope(ns, total)
        ratio = (construct[-1] / ns[-1]) / (construct[0] / ns[0])
        slope_ok = max(sc, sr, st) < SLOPE_LIMIT
        add(
            f"Log-log slope of time against points ({ns[0]:,} -> {ns[-1]:,}): construct "
            f"{sc:.2f}, first render {sr:.2f}, first frame {st:.2f} (1 = linear, 2 = quadratic). "
            f"Per-point construct cost at {ns[-1]:,} is {ratio:.2f}x that at {ns[0]:,} "
            f"(a quadratic step would make it {ns[-1] / ns[0]:.0f}x). The construct time is "
            "mostly fixed cost (WebGL context, DOM, panels), so its per-point part is within "
            "the noise; the GPU upload and the first draw are in *first render*. Only E varies here "
            "(T = U = 100); the code paths per T and U are tables of size T, U, E*T and U*E."
        )
        add("")

    if wide:
        add(
            "Selection with many units (informational; not a step in points): every unit "
            "selected, then `point_size` changed; each view change re-reads and de-duplicates "
            "`selected_units` (`validIndices` in js/src/state.ts uses `Array.includes` per "
            "entry, O(k^2) in the number k of selected units)."
        )
        add("")
        add("| points | units (all selected) | select all: sync / frame ms | later view change: sync ms |")
        add("| ---: | ---: | ---: | ---: |")
        ks, ts = [], []
        for w in wide.values():
            E, T, U = w["dims"]
            sync = med([c["sync"] for c in w["changes"]])
            ks.append(U)
            ts.append(max(sync, 1e-3))
            add(
                f"| {E * T * U:,} | {U:,} | {w['select']['sync']:.1f} / "
                f"{w['select']['frame']:.0f} | {sync:.1f} ({spread([c['sync'] for c in w['changes']])}) |"
            )
        add("")
        if len(ks) >= 2:
            add(
                f"Log-log slope of the view-change cost against selected units: "
                f"{slope(ks, ts):.2f} (includes O(U) work and the other view code; "
                "the de-duplication alone doubles to quadruples per doubling of k). "
                "Point counts are about equal here, so this does not change the verdict on "
                "points; it is bounded by U, which is small for real RNNs."
            )
            add("")

    # Targets.
    add("### Targets (from the issue)")
    add("")
    big = max(full, key=lambda s: results[s]["n"]) if full else None
    if big is not None and results[big]["n"] >= 1_000_000:
        ff = med([x["mount"]["total"] for x in results[big]["runs"]])
        verdict = "PASS" if ff < FIRST_FRAME_TARGET_MS else "FAIL"
        add(
            f"- First frame under {FIRST_FRAME_TARGET_MS / 1000:.0f} s at 1M points: **{verdict}** "
            f"({ff:.0f} ms median, software WebGL on this machine)."
        )
    else:
        add("- First frame at 1M points: not measured in this run.")
    if slope_ok is None:
        add("- No front-end step quadratic in points: not measured (needs two sizes).")
    else:
        add(
            f"- No front-end step quadratic in points: **{'PASS' if slope_ok else 'FAIL'}** "
            f"(every slope above < {SLOPE_LIMIT})."
        )
    add(
        f"- Bundle under 1 MB minified: **{'PASS' if bundle_size < BUNDLE_TARGET_BYTES else 'FAIL'}** "
        f"({bundle_size:,} bytes minified, {bundle_gzip:,} bytes gzip -9; "
        f"`{bundle.relative_to(REPO) if bundle.is_relative_to(REPO) else bundle}`)."
    )
    if full:
        biggest_msg = max(x["click"]["max_bytes"] for s in full for x in results[s]["runs"])
        add(f"- Browser -> Python messages tiny: largest during a click {biggest_msg} B (limit 10 MiB).")
    add("")
    add("### Machine")
    add("")
    add(
        f"- {platform.platform()}, {chromium_version()}, headless, "
        "`--use-angle=swiftshader` (software WebGL2, no GPU)."
    )
    add(
        f"- {load_before} at the start; {load_after} at the end. Another job may share the 2 "
        "cores, so timings are noisy: compare builds measured in one run (`--bundle`), not "
        "these numbers with real-GPU frame rates (SwiftShader draws about 1 point per "
        "microsecond a frame)."
    )
    add("")
    if errors:
        add("### Errors in the page")
        add("")
        for e in errors[:20]:
            add(f"- {e}")
        add("")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
