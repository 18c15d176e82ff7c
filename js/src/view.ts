/**
 * The widget view: builds the DOM, the three.js scene and the panels from the model, keeps them
 * in step with the model's change events, runs the render loop, turns pointer intents (`pointer.ts`)
 * and hover picks (`hover.ts`) into tiny model updates, and releases everything in `dispose`.
 * All state lives in the model; the scene is derived from it. A live widget's status and training
 * history (`live.ts`) update the status line and the chart only; a new fit arrives as new data
 * traits and rebuilds the scene, with the view state read back from the model.
 */
import * as THREE from "three";
import { CameraRig, dataRadius } from "./camera";
import { EntropyChart } from "./chart";
import { colorKey, nodeColors } from "./colors";
import { STATE_TRAITS } from "./contract";
import { Controls } from "./controls";
import type { History, WidgetData } from "./decode";
import { decodeData, decodeHistory, nodeIndex } from "./decode";
import type { Cell } from "./entropy_map";
import { EntropyMap } from "./entropy_map";
import { countVisible, isNodeVisible, unitShown } from "./filter";
import { Hover } from "./hover";
import type { Box } from "./lasso";
import { mergeSorted, selectNodes, validNodes } from "./lasso";
import { LassoTool } from "./lasso_tool";
import { Legend } from "./legend";
import { errorText, liveState, parseLiveStatus, statusLine, waitingText } from "./live";
import type { AnyModel, Traits } from "./model";
import { DATA_TRAITS, subscriptions } from "./model";
import { Picker } from "./picking";
import type { PlaySettings } from "./play";
import { advance, claimPlayDriver, clampWindow, readPlay, releasePlayDriver, startIndex } from "./play";
import type { Point } from "./pointer";
import { PointerInput } from "./pointer";
import { PointCloud } from "./points";
import { clickSelection, sameIndices } from "./selection";
import type { View } from "./state";
import { clampPointSize, parseCamera, readView, stepRange } from "./state";
import { BACKGROUND, CSS } from "./styles";
import { Tools } from "./tools";
import { Tooltip } from "./tooltip";
import { Trajectories } from "./trajectories";

/** State traits that restyle the points; the camera and the hovered node have handlers of their own. */
const VIEW_TRAITS = STATE_TRAITS.filter((name) => name !== "camera" && name !== "hovered_node");

/** The parts rebuilt when the data traits change. */
interface SceneParts {
  data: WidgetData;
  cloud: PointCloud;
  rig: CameraRig;
}

export interface MMPHATEElement extends HTMLDivElement {
  mmphateScreenPosition?: (node: number) => { x: number; y: number } | null;
  mmphateDebug?: () => Record<string, number | boolean>;
}

export class WidgetView {
  readonly root: MMPHATEElement;
  private readonly model: AnyModel;
  private readonly host: HTMLElement;
  private readonly subs;
  private readonly dom = new AbortController();
  private readonly viewport: HTMLDivElement;
  private readonly side: HTMLDivElement;
  private readonly status: HTMLDivElement;
  private readonly controls: Controls;
  private readonly legend = new Legend();
  private readonly tooltip = new Tooltip();
  private readonly chart = new EntropyChart((unit, shift) => this.chartPick(unit, shift));
  private readonly map = new EntropyMap({
    hover: (cell) => this.highlightSlice(cell),
    brush: (epochs, steps) => {
      this.send("epoch_range", epochs);
      this.send("step_range", steps);
    },
  });
  private readonly renderer: THREE.WebGLRenderer | null = null;
  private readonly scene = new THREE.Scene();
  private readonly picker = new Picker();
  private readonly trajectories = new Trajectories();
  private readonly tools: Tools;
  private lasso: LassoTool | null = null;
  /** `selected_nodes`, as drawn. */
  private selectedNodes: Int32Array = new Int32Array(0);
  /** While playing: the window's first epoch index, the step carried over, the last frame's time. */
  private play: { start: number; carry: number; last: number } | null = null;
  private readonly resizeObserver: ResizeObserver;
  private parts: SceneParts | null = null;
  private view: View | null = null;
  private colors: Uint8Array = new Uint8Array(0);
  private colorBy = "";
  private frame = 0;
  private needsRender = true;
  private readonly hover: Hover;
  private pointer: PointerInput | null = null;
  private messageTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly message: HTMLDivElement;
  private readonly liveLine: HTMLDivElement;
  private readonly liveError: HTMLDivElement;
  private readonly waiting: HTMLDivElement;
  private history: History;
  private lastCamera = "";
  private rebuildQueued = false;
  private disposed = false;
  private width = 1;
  private height = 1;

  constructor(model: AnyModel, host: HTMLElement) {
    this.model = model;
    this.tools = new Tools({
      playing: (on) => this.send("playing", on),
      playWindow: (epochs) => this.send("play_window", epochs),
      playSpeed: (speed) => this.send("play_speed", speed),
      playLoop: (on) => this.send("play_loop", on),
      trajectories: (on) => this.send("show_trajectories", on),
    });
    this.host = host;
    this.subs = subscriptions(model);
    this.hover = new Hover((node) => this.send("hovered_node", node));
    const root = document.createElement("div") as MMPHATEElement;
    root.className = "mmphate-root";
    this.root = root;
    const style = document.createElement("style");
    style.textContent = CSS;
    this.controls = new Controls({
      colorBy: (v) => this.send("color_by", v),
      epochRange: (lo, hi) => {
        const numbers = this.parts?.data.epochNumbers;
        if (numbers?.length) this.send("epoch_range", [numbers[lo], numbers[hi]]);
      },
      stepRange: (lo, hi) => this.send("step_range", stepRange(this.parts?.data.dims.nSteps ?? 0, [lo, hi])),
      clusters: (selected) => this.send("selected_clusters", selected),
      clusterMode: (mode) => this.send("cluster_mode", mode),
      pointSize: (size) => this.send("point_size", clampPointSize(size)),
      clearSelection: () => {
        this.send("selected_units", []);
        if (this.selectedNodes.length) this.sendNodes(new Int32Array(0));
      },
      savePng: () => this.savePng(),
    });
    this.controls.el.append(this.tools.el);
    const main = document.createElement("div");
    main.className = "mmphate-main";
    this.viewport = document.createElement("div");
    this.viewport.className = "mmphate-viewport";
    this.status = document.createElement("div");
    this.status.className = "mmphate-status";
    this.message = document.createElement("div");
    this.message.className = "mmphate-message";
    this.message.hidden = true;
    this.liveLine = document.createElement("div");
    this.liveLine.className = "mmphate-live";
    this.liveLine.hidden = true;
    this.liveError = document.createElement("div");
    this.liveError.className = "mmphate-live-error";
    this.liveError.setAttribute("role", "alert");
    this.liveError.hidden = true;
    this.waiting = document.createElement("div");
    this.waiting.className = "mmphate-waiting";
    this.waiting.hidden = true;
    this.history = decodeHistory(this.get("_history"), this.get("_history_names"));
    this.side = document.createElement("div");
    this.side.className = "mmphate-side";
    this.side.append(this.map.el, this.chart.el);
    main.append(this.viewport, this.side);
    root.append(style, this.controls.el, main);
    host.append(root);

    try {
      this.renderer = new THREE.WebGLRenderer({
        antialias: false,
        preserveDrawingBuffer: true,
        alpha: false,
      });
    } catch (err) {
      const msg = document.createElement("div");
      msg.className = "mmphate-error";
      msg.textContent = `WebGL is not available in this browser (${(err as Error).message ?? err}).`;
      this.viewport.append(msg);
      root.dataset.mmphateError = "webgl";
    }
    if (this.renderer) {
      const r = this.renderer;
      r.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
      const [red, green, blue] = BACKGROUND.map((c) => c / 255);
      r.setClearColor(new THREE.Color().setRGB(red, green, blue, THREE.SRGBColorSpace));
      r.domElement.tabIndex = 0;
      this.viewport.append(r.domElement);
      this.lasso = new LassoTool(
        r.domElement,
        this.viewport,
        {
          mode: () => this.tools.dragMode,
          orbit: (on) => {
            if (this.parts) this.parts.rig.controls.enabled = on;
          },
          done: (shape, additive) => this.selectIn(shape, additive),
        },
        this.dom.signal,
      );
      this.viewport.append(this.lasso.overlay);
      this.scene.add(this.trajectories.lines);
      this.pointer = new PointerInput(
        r.domElement,
        {
          hover: (p) => this.hover.request(p),
          leave: () => this.hideHover(),
          drag: () => this.tooltip.hide(),
          click: (p, shift) => this.click(this.pickAt(p), shift),
        },
        this.dom.signal,
      );
    }
    this.viewport.append(
      this.legend.el,
      this.status,
      this.waiting,
      this.liveLine,
      this.liveError,
      this.message,
      this.tooltip.el,
    );

    root.mmphateScreenPosition = (node) => this.screenPosition(node);
    root.mmphateDebug = () => this.debugInfo();
    (host as MMPHATEElement).mmphateScreenPosition = root.mmphateScreenPosition;

    this.build();
    for (const name of VIEW_TRAITS) this.subs.on(`change:${name}`, () => this.applyView());
    this.subs.on("change:camera", () => this.applyCamera());
    this.subs.on("change:selected_nodes", () => this.applySelectedNodes());
    this.subs.on("msg:custom", (msg) => this.onMessage(msg));
    for (const name of DATA_TRAITS) this.subs.on(`change:${name}`, () => this.queueRebuild());
    this.subs.on("change:_live_status", () => this.showLiveStatus());
    for (const name of ["_history", "_history_names"])
      this.subs.on(`change:${name}`, () => this.showHistory());
    this.showLiveStatus();

    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.viewport);
    this.resizeObserver.observe(this.side);
    this.resize();
    this.frame = requestAnimationFrame(this.tick);
  }

  private get<K extends keyof Traits>(name: K): Traits[K] | undefined {
    return this.model.get(name);
  }

  private send<K extends keyof Traits>(name: K, value: Traits[K]): void {
    if (this.disposed) return;
    this.model.set(name, value);
    this.model.save_changes();
  }

  /** (Re)create everything that depends on the data traits. */
  private build(): void {
    this.teardownScene();
    const data = decodeData((name) => this.get(name));
    this.colorBy = "";
    this.colors = new Uint8Array(0);
    if (!this.renderer) {
      this.parts = null;
      this.view = readView((name) => this.get(name), data);
      this.refreshPanels(data, this.view, true);
      return;
    }
    const is2D = data.dims.nComponents === 2;
    const cloud = new PointCloud(data, new Uint8Array(data.n * 3), BACKGROUND);
    const rig = new CameraRig(
      this.renderer.domElement,
      is2D,
      dataRadius(data.positions, is2D),
      () => this.cameraEnd(),
      () => this.cameraMoved(),
    );
    this.scene.add(cloud.points);
    this.selectedNodes = validNodes(this.get("selected_nodes"), data.n);
    cloud.setSelectedNodes(this.selectedNodes);
    this.root.dataset.selectedNodes = String(this.selectedNodes.length);
    this.controls.selectedNodes = this.selectedNodes.length;
    this.parts = { data, cloud, rig };
    this.root.dataset.pointsDrawn = String(data.n);
    this.root.dataset.fitEpochs = String(data.dims.nEpochs);
    this.showLiveStatus();
    rig.resize(this.width, this.height);
    this.applyCamera(true);
    this.applyView();
  }

  private teardownScene(): void {
    if (!this.parts) return;
    this.scene.remove(this.parts.cloud.points);
    this.parts.cloud.dispose();
    this.parts.rig.dispose();
    this.parts = null;
  }

  private queueRebuild(): void {
    if (this.rebuildQueued) return;
    this.rebuildQueued = true;
    queueMicrotask(() => {
      this.rebuildQueued = false;
      if (this.disposed) return;
      this.hideHover();
      this.build();
    });
  }

  /** Re-read the synced state traits and update uniforms, colours and panels. */
  private applyView(): void {
    const parts = this.parts;
    if (!parts) return;
    const view = readView((name) => this.get(name), parts.data);
    this.view = view;
    const recolor = view.colorBy !== this.colorBy;
    if (recolor) {
      this.colors = nodeColors(parts.data, view.colorBy, this.colors);
      parts.cloud.setColors(this.colors);
      this.colorBy = view.colorBy;
    }
    parts.cloud.setView(parts.data, view, this.renderer?.getPixelRatio() ?? 1);
    this.applyTools(parts.data, view);
    this.refreshPanels(parts.data, view, recolor);
    const hovered = this.hover.hovered;
    if (hovered >= 0 && !isNodeVisible(parts.data, view, hovered)) this.hideHover();
    this.requestRender();
  }

  private refreshPanels(data: WidgetData, view: View, recolor: boolean): void {
    const visible = countVisible(data, view);
    this.root.dataset.pointsVisible = String(visible);
    this.status.textContent = `${visible.toLocaleString()} / ${data.n.toLocaleString()} points`;
    this.controls.sync(data, view);
    if (recolor) this.legend.update(colorKey(data, view.colorBy));
    this.map.update(data, view);
    this.legend.el.hidden = data.n === 0;
    this.chart.update(data, view, this.side.clientWidth - 6, this.history);
  }

  /** The training curves changed (every record() of a live widget): redraw the chart only. */
  private showHistory(): void {
    this.history = decodeHistory(this.get("_history"), this.get("_history_names"));
    if (this.parts && this.view)
      this.chart.update(this.parts.data, this.view, this.side.clientWidth - 6, this.history);
  }

  /** A live widget's status line, its last error and, before the first fit, the waiting message. */
  private showLiveStatus(): void {
    const status = parseLiveStatus(this.get("_live_status"));
    const root = this.root;
    this.liveLine.hidden = status === null;
    if (!status) {
      this.liveError.hidden = this.waiting.hidden = true;
      delete root.dataset.liveState;
      delete root.dataset.epochsRecorded;
      return;
    }
    const state = liveState(status);
    root.dataset.liveState = state;
    root.dataset.epochsRecorded = String(status.epochsRecorded);
    this.liveLine.textContent = statusLine(status);
    this.liveLine.dataset.state = state;
    const error = errorText(status);
    this.liveError.hidden = error === null;
    this.liveError.textContent = error ?? "";
    const empty = (this.parts?.data.n ?? 0) === 0;
    this.waiting.hidden = !empty;
    this.waiting.textContent = empty ? waitingText(status) : "";
  }

  /** Download the current view as mmphate.png (the canvas, drawn afresh so it is complete). */
  private savePng(): void {
    const r = this.renderer;
    const parts = this.parts;
    if (!r || !parts || this.disposed) return;
    r.render(this.scene, parts.rig.camera);
    const link = document.createElement("a");
    link.download = "mmphate.png";
    link.href = r.domElement.toDataURL("image/png");
    link.hidden = true;
    this.root.append(link);
    link.click();
    link.remove();
  }

  /** Apply the `camera` trait unless it is the echo of what this view just sent. */
  private applyCamera(force = false): void {
    const parts = this.parts;
    if (!parts) return;
    const camera = parseCamera(this.get("camera"));
    const key = camera ? JSON.stringify(camera) : "";
    if (!force && key === this.lastCamera && camera) return;
    this.lastCamera = key;
    if (camera) parts.rig.apply(camera);
    else parts.rig.autoFit();
    this.requestRender();
  }

  private cameraEnd(): void {
    if (!this.parts) return;
    const state = this.parts.rig.state();
    const key = JSON.stringify(state);
    if (key === this.lastCamera) return;
    this.lastCamera = key;
    this.send("camera", state);
  }

  /** The view moved under a still pointer (e.g. wheel zoom): render, and pick again there. */
  private cameraMoved(): void {
    this.requestRender();
    const at = this.pointer?.position;
    if (at && !this.pointer?.dragging) this.hover.request(at);
  }

  /** Custom messages from Python: `{type: "error", message}` when it rejected a value we sent. */
  private onMessage(msg: unknown): void {
    if (!msg || typeof msg !== "object") return;
    const { type, message } = msg as { type?: unknown; message?: unknown };
    if (type !== "error" || typeof message !== "string") return;
    this.message.textContent = message;
    this.message.hidden = false;
    if (this.messageTimer !== null) clearTimeout(this.messageTimer);
    this.messageTimer = setTimeout(() => {
      this.messageTimer = null;
      this.message.hidden = true;
    }, 6000);
  }

  private requestRender(): void {
    this.needsRender = true;
  }

  private resize(): void {
    if (this.disposed) return;
    const w = Math.max(1, this.viewport.clientWidth);
    const h = Math.max(1, this.viewport.clientHeight);
    if (this.renderer && (w !== this.width || h !== this.height)) {
      this.width = w;
      this.height = h;
      this.renderer.setSize(w, h, false);
      this.parts?.rig.resize(w, h);
    }
    if (this.parts && this.view)
      this.chart.update(this.parts.data, this.view, this.side.clientWidth - 6, this.history);
    this.requestRender();
  }

  private readonly tick = (): void => {
    if (this.disposed) return;
    this.frame = requestAnimationFrame(this.tick);
    const r = this.renderer;
    const parts = this.parts;
    if (!r || !parts) return;
    if (this.play) this.stepPlay(parts.data);
    if (this.needsRender) {
      this.needsRender = false;
      r.render(this.scene, parts.rig.camera);
      if (this.root.dataset.mmphateReady !== "true") this.root.dataset.mmphateReady = "true";
    }
    // At most one pick per frame, whatever the rate of pointer events; none while dragging.
    if (!this.pointer?.dragging) {
      const at = this.hover.take();
      if (at) this.setHover(this.pickAt(at), at);
    }
  };

  /** The visible node under canvas point `p`, or -1. */
  private pickAt(p: Point): number {
    const { renderer, parts, view, width, height } = this;
    if (!renderer || !parts || !view || parts.data.n === 0) return -1;
    // The trajectory lines would read back as node ids.
    this.trajectories.lines.visible = false;
    const id = this.picker.pick(renderer, this.scene, parts.rig.camera, parts.cloud, p.x, p.y, width, height);
    this.trajectories.lines.visible = this.trajectories.count > 0;
    return id >= 0 && id < parts.data.n && isNodeVisible(parts.data, view, id) ? id : -1;
  }

  private setHover(node: number, at: Point): void {
    const parts = this.parts;
    if (!parts) return;
    const bounds = { width: this.width, height: this.height };
    if (node >= 0) this.tooltip.show(parts.data, node, at.x, at.y, bounds);
    else this.tooltip.hide();
    if (this.hover.set(node)) this.chart.setHover(node >= 0 ? nodeIndex(node, parts.data.dims).epoch : null);
  }

  private hideHover(): void {
    this.tooltip.hide();
    if (this.hover.clear()) this.chart.setHover(null);
  }

  private click(node: number, shift: boolean): void {
    const parts = this.parts;
    if (!parts || !this.view) return;
    if (node < 0 && !shift && this.selectedNodes.length) this.sendNodes(new Int32Array(0));
    const unit = node >= 0 ? nodeIndex(node, parts.data.dims).unit : null;
    const next = clickSelection(this.view.selectedUnits, unit, shift);
    if (!sameIndices(next, this.view.selectedUnits)) this.send("selected_units", next);
  }

  /** A line in the entropy overview was clicked: select its unit as a click on one of its points does. */
  private chartPick(unit: number | null, shift: boolean): void {
    if (!this.view) return;
    const next = clickSelection(this.view.selectedUnits, unit, shift);
    if (!sameIndices(next, this.view.selectedUnits)) this.send("selected_units", next);
  }

  /** The entropy map's hovered slice, emphasised in the cloud; the root's `data-highlighted-slice` names it. */
  private highlightSlice(cell: Cell | null): void {
    this.parts?.cloud.highlightSlice(cell);
    if (cell) this.root.dataset.highlightedSlice = `${cell.epoch},${cell.step}`;
    else delete this.root.dataset.highlightedSlice;
    this.requestRender();
  }

  /** `selected_nodes` changed: mark those nodes in the cloud (sorted, in range; the rest dropped). */
  private applySelectedNodes(): void {
    const parts = this.parts;
    if (!parts) return;
    this.selectedNodes = validNodes(this.get("selected_nodes"), parts.data.n);
    parts.cloud.setSelectedNodes(this.selectedNodes);
    this.root.dataset.selectedNodes = String(this.selectedNodes.length);
    this.controls.selectedNodes = this.selectedNodes.length;
    this.applyView();
  }

  /** Send node indices as sorted int32 bytes: 4 bytes a node, so a million nodes take 4 MB. */
  private sendNodes(nodes: Int32Array): void {
    this.send("selected_nodes", new DataView(nodes.buffer, nodes.byteOffset, nodes.byteLength));
  }

  /** A lasso or box was drawn: select the visible nodes whose screen position lies inside it. */
  private selectIn(shape: number[] | Box, additive: boolean): void {
    const { parts, view } = this;
    if (!parts || !view) return;
    const started = performance.now();
    const { data } = parts;
    const camera = parts.rig.camera;
    camera.updateMatrixWorld();
    const m = new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse);
    const shown = new Uint8Array(data.dims.nUnits);
    for (let u = 0; u < shown.length; u++) shown[u] = unitShown(data, view, u) ? 1 : 0;
    const scope = {
      positions: data.positions,
      nEpochs: data.dims.nEpochs,
      nSteps: data.dims.nSteps,
      nUnits: data.dims.nUnits,
      epochLo: view.epochLo,
      epochHi: view.epochHi,
      stepLo: view.stepLo,
      stepHi: view.stepHi,
      unitShown: shown,
    };
    let nodes = selectNodes(scope, m.elements, this.width, this.height, shape);
    if (additive) nodes = mergeSorted(this.selectedNodes, nodes);
    this.root.dataset.lassoMs = (performance.now() - started).toFixed(1);
    this.sendNodes(nodes);
  }

  /** The play and trajectory traits: the tool bar, the trajectory lines, starting or stopping play. */
  private applyTools(data: WidgetData, view: View): void {
    const play = readPlay((name) => this.get(name));
    this.tools.sync(play, this.get("show_trajectories") === true, data.dims.nEpochs);
    this.trajectories.update(data, view, this.get("show_trajectories") === true);
    this.root.dataset.trajectorySegments = String(this.trajectories.count);
    this.root.dataset.playing = String(play.playing);
    if (play.playing && !this.play && data.dims.nEpochs > 0) {
      const start = startIndex(view.epochLo, data.dims.nEpochs, play.window);
      this.play = { start, carry: 0, last: performance.now() };
      // Another view of this model may be playing already: then it sends the windows.
      if (claimPlayDriver(this.model, this)) this.sendWindow(data, start, play);
    } else if (!play.playing) {
      this.play = null;
      releasePlayDriver(this.model, this);
    }
  }

  /** One animation frame while playing: move the epoch window when its time has come. */
  private stepPlay(data: WidgetData): void {
    const state = this.play;
    if (!state) return;
    const now = performance.now();
    if (!claimPlayDriver(this.model, this)) {
      // Another view drives; should it stop driving, this one goes on from the window shown.
      state.start = this.view ? this.view.epochLo : state.start;
      state.carry = 0;
      state.last = now;
      return;
    }
    const play = readPlay((name) => this.get(name));
    const next = advance(
      state.start,
      state.carry,
      (now - state.last) / 1000,
      play.speed,
      data.dims.nEpochs,
      play.window,
      play.loop,
    );
    state.last = now;
    state.carry = next.carry;
    if (next.start !== state.start) {
      state.start = next.start;
      this.sendWindow(data, next.start, play);
    }
    if (next.done) {
      this.play = null;
      releasePlayDriver(this.model, this);
      this.send("playing", false);
    }
  }

  private sendWindow(data: WidgetData, start: number, play: PlaySettings): void {
    const numbers = data.epochNumbers;
    const end = Math.min(start + clampWindow(play.window, numbers.length) - 1, numbers.length - 1);
    this.send("epoch_range", [numbers[start], numbers[end]]);
  }

  /** Client pixel position of a node, or null when it is filtered out or off screen. */
  private screenPosition(node: number): { x: number; y: number } | null {
    const parts = this.parts;
    if (!this.renderer || !parts || !this.view || !isNodeVisible(parts.data, this.view, node)) return null;
    const p = parts.data.positions;
    const camera = parts.rig.camera;
    camera.updateMatrixWorld();
    const v = new THREE.Vector3(p[node * 3], p[node * 3 + 1], p[node * 3 + 2]).project(camera);
    if (Math.abs(v.x) > 1 || Math.abs(v.y) > 1 || Math.abs(v.z) > 1) return null;
    const rect = this.renderer.domElement.getBoundingClientRect();
    return { x: rect.left + ((v.x + 1) / 2) * rect.width, y: rect.top + ((1 - v.y) / 2) * rect.height };
  }

  private debugInfo(): Record<string, number | boolean> {
    const r = this.renderer;
    return {
      geometries: r ? r.info.memory.geometries : 0,
      textures: r ? r.info.memory.textures : 0,
      programs: r?.info.programs?.length ?? 0,
      contextLost: r ? r.getContext().isContextLost() : true,
      disposed: this.disposed,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    releasePlayDriver(this.model, this);
    cancelAnimationFrame(this.frame);
    this.hover.dispose();
    if (this.messageTimer !== null) clearTimeout(this.messageTimer);
    this.resizeObserver.disconnect();
    this.subs.dispose();
    this.dom.abort();
    this.teardownScene();
    this.picker.dispose();
    this.trajectories.dispose();
    if (this.renderer) {
      this.renderer.renderLists.dispose();
      this.renderer.dispose();
      this.renderer.forceContextLoss();
    }
    this.root.remove();
    delete (this.host as MMPHATEElement).mmphateScreenPosition;
  }
}
