/**
 * The widget view: builds the DOM, the three.js scene and the panels from the model, keeps them
 * in step with the model's change events, turns pointer input into tiny model updates, and
 * releases everything in `dispose`. All state lives in the model; the scene is derived from it.
 */
import * as THREE from "three";
import { CameraRig, dataRadius } from "./camera";
import { EntropyChart } from "./chart";
import { colorKey, nodeColors } from "./colors";
import { Controls } from "./controls";
import { decodeData, nodeIndex } from "./decode";
import type { WidgetData } from "./decode";
import { countVisible, isNodeVisible } from "./filter";
import { Legend } from "./legend";
import { DATA_TRAITS, subscriptions } from "./model";
import type { AnyModel, Traits } from "./model";
import { Picker } from "./picking";
import { PointCloud } from "./points";
import { clickSelection, sameIndices } from "./selection";
import { clampPointSize, parseCamera, readView, stepRange } from "./state";
import type { View } from "./state";
import { BACKGROUND, CSS } from "./styles";
import { Tooltip } from "./tooltip";

/** Pointer travel (CSS px) below which a press-release counts as a click, not a drag. */
const CLICK_TOLERANCE = 5;
/** Minimum interval between `hovered_node` messages to the kernel. */
const HOVER_MESSAGE_MS = 120;

const VIEW_TRAITS = [
  "color_by",
  "epoch_range",
  "step_range",
  "selected_clusters",
  "cluster_mode",
  "selected_units",
  "point_size",
] as const;

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
  private readonly chart = new EntropyChart();
  private readonly renderer: THREE.WebGLRenderer | null = null;
  private readonly scene = new THREE.Scene();
  private readonly picker = new Picker();
  private readonly resizeObserver: ResizeObserver;
  private parts: SceneParts | null = null;
  private view: View | null = null;
  private colors: Uint8Array = new Uint8Array(0);
  private colorBy = "";
  private frame = 0;
  private needsRender = true;
  private hoverAt: { x: number; y: number } | null = null;
  private hovered = -1;
  private hoverSent = -1;
  private hoverTimer: ReturnType<typeof setTimeout> | null = null;
  private lastHoverMessage = 0;
  private pressAt: { x: number; y: number } | null = null;
  private pointer: { x: number; y: number } | null = null;
  private messageTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly message: HTMLDivElement;
  private dragging = false;
  private lastCamera = "";
  private rebuildQueued = false;
  private disposed = false;
  private width = 1;
  private height = 1;

  constructor(model: AnyModel, host: HTMLElement) {
    this.model = model;
    this.host = host;
    this.subs = subscriptions(model);
    const root = document.createElement("div") as MMPHATEElement;
    root.className = "mmphate-root";
    this.root = root;
    const style = document.createElement("style");
    style.textContent = CSS;
    this.controls = new Controls({
      colorBy: (v) => this.send("color_by", v),
      epochRange: (lo, hi) => {
        const numbers = this.parts?.data.epochNumbers;
        if (numbers && numbers.length) this.send("epoch_range", [numbers[lo], numbers[hi]]);
      },
      stepRange: (lo, hi) => this.send("step_range", stepRange(this.parts?.data.dims.nSteps ?? 0, [lo, hi])),
      clusters: (selected) => this.send("selected_clusters", selected),
      clusterMode: (mode) => this.send("cluster_mode", mode),
      pointSize: (size) => this.send("point_size", clampPointSize(size)),
      clearSelection: () => this.send("selected_units", []),
    });
    const main = document.createElement("div");
    main.className = "mmphate-main";
    this.viewport = document.createElement("div");
    this.viewport.className = "mmphate-viewport";
    this.status = document.createElement("div");
    this.status.className = "mmphate-status";
    this.message = document.createElement("div");
    this.message.className = "mmphate-message";
    this.message.hidden = true;
    this.side = document.createElement("div");
    this.side.className = "mmphate-side";
    this.side.append(this.chart.el);
    main.append(this.viewport, this.side);
    root.append(style, this.controls.el, main);
    host.append(root);

    try {
      this.renderer = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: true, alpha: false });
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
      r.setClearColor(new THREE.Color().setRGB(...BACKGROUND.map((c) => c / 255) as [number, number, number], THREE.SRGBColorSpace));
      r.domElement.tabIndex = 0;
      this.viewport.append(r.domElement);
      this.listen(r.domElement);
    }
    this.viewport.append(this.legend.el, this.status, this.message, this.tooltip.el);

    root.mmphateScreenPosition = (node) => this.screenPosition(node);
    root.mmphateDebug = () => this.debugInfo();
    (host as MMPHATEElement).mmphateScreenPosition = root.mmphateScreenPosition;

    this.build();
    for (const name of VIEW_TRAITS) this.subs.on(`change:${name}`, () => this.applyView());
    this.subs.on("change:camera", () => this.applyCamera());
    this.subs.on("msg:custom", (msg) => this.onMessage(msg));
    for (const name of DATA_TRAITS) this.subs.on(`change:${name}`, () => this.queueRebuild());

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
    this.parts = { data, cloud, rig };
    this.root.dataset.pointsDrawn = String(data.n);
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
    this.refreshPanels(parts.data, view, recolor);
    if (this.hovered >= 0 && !isNodeVisible(parts.data, view, this.hovered)) this.hideHover();
    this.requestRender();
  }

  private refreshPanels(data: WidgetData, view: View, recolor: boolean): void {
    const visible = countVisible(data, view);
    this.root.dataset.pointsVisible = String(visible);
    this.status.textContent = `${visible.toLocaleString()} / ${data.n.toLocaleString()} points`;
    this.controls.sync(data, view);
    if (recolor) this.legend.update(colorKey(data, view.colorBy));
    this.chart.update(data, view, this.side.clientWidth - 6);
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
    if (this.pointer && !this.dragging) this.hoverAt = this.pointer;
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
    if (this.parts && this.view) this.chart.update(this.parts.data, this.view, this.side.clientWidth - 6);
    this.requestRender();
  }

  private readonly tick = (): void => {
    if (this.disposed) return;
    this.frame = requestAnimationFrame(this.tick);
    const r = this.renderer;
    const parts = this.parts;
    if (!r || !parts) return;
    if (this.needsRender) {
      this.needsRender = false;
      r.render(this.scene, parts.rig.camera);
      if (this.root.dataset.mmphateReady !== "true") this.root.dataset.mmphateReady = "true";
    }
    // At most one pick per frame, whatever the rate of pointer events.
    if (this.hoverAt && !this.dragging) {
      const { x, y } = this.hoverAt;
      this.hoverAt = null;
      this.setHover(this.pickAt(x, y), x, y);
    }
  };

  private pickAt(x: number, y: number): number {
    const parts = this.parts;
    if (!this.renderer || !parts || !this.view || parts.data.n === 0) return -1;
    const id = this.picker.pick(this.renderer, this.scene, parts.rig.camera, parts.cloud, x, y, this.width, this.height);
    return id >= 0 && id < parts.data.n && isNodeVisible(parts.data, this.view, id) ? id : -1;
  }

  private setHover(node: number, x: number, y: number): void {
    const parts = this.parts;
    if (!parts) return;
    if (node >= 0) this.tooltip.show(parts.data, node, x, y, { width: this.width, height: this.height });
    else this.tooltip.hide();
    if (node !== this.hovered) {
      this.hovered = node;
      this.chart.setHover(node >= 0 ? nodeIndex(node, parts.data.dims).epoch : null);
      this.scheduleHoverMessage();
    }
  }

  private hideHover(): void {
    this.hoverAt = null;
    this.tooltip.hide();
    if (this.hovered !== -1) {
      this.hovered = -1;
      this.chart.setHover(null);
      this.scheduleHoverMessage();
    }
  }

  /** Throttle `hovered_node` messages, always delivering the latest value. */
  private scheduleHoverMessage(): void {
    if (this.hoverTimer !== null) return;
    const wait = Math.max(0, this.lastHoverMessage + HOVER_MESSAGE_MS - performance.now());
    this.hoverTimer = setTimeout(() => {
      this.hoverTimer = null;
      this.lastHoverMessage = performance.now();
      if (this.hovered !== this.hoverSent) {
        this.hoverSent = this.hovered;
        this.send("hovered_node", this.hovered);
      }
    }, wait);
  }

  private listen(canvas: HTMLCanvasElement): void {
    const opts = { signal: this.dom.signal };
    const local = (e: PointerEvent) => {
      const rect = canvas.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    };
    canvas.addEventListener(
      "pointermove",
      (e) => {
        const p = local(e);
        if (this.pressAt && Math.hypot(p.x - this.pressAt.x, p.y - this.pressAt.y) > CLICK_TOLERANCE) {
          this.dragging = true;
          this.tooltip.hide();
        }
        this.hoverAt = p;
        this.pointer = p;
      },
      opts,
    );
    canvas.addEventListener(
      "pointerleave",
      () => {
        this.pointer = null;
        this.hideHover();
      },
      opts,
    );
    canvas.addEventListener(
      "pointerdown",
      (e) => {
        this.pressAt = local(e);
      },
      opts,
    );
    canvas.addEventListener(
      "pointerup",
      (e) => {
        const start = this.pressAt;
        const wasDrag = this.dragging;
        this.pressAt = null;
        this.dragging = false;
        if (!start || wasDrag || e.button !== 0) return;
        const p = local(e);
        if (Math.hypot(p.x - start.x, p.y - start.y) > CLICK_TOLERANCE) return;
        this.click(this.pickAt(p.x, p.y), e.shiftKey);
      },
      opts,
    );
  }

  private click(node: number, shift: boolean): void {
    const parts = this.parts;
    if (!parts || !this.view) return;
    const unit = node >= 0 ? nodeIndex(node, parts.data.dims).unit : null;
    const next = clickSelection(this.view.selectedUnits, unit, shift);
    if (!sameIndices(next, this.view.selectedUnits)) this.send("selected_units", next);
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
    cancelAnimationFrame(this.frame);
    if (this.hoverTimer !== null) clearTimeout(this.hoverTimer);
    if (this.messageTimer !== null) clearTimeout(this.messageTimer);
    this.resizeObserver.disconnect();
    this.subs.dispose();
    this.dom.abort();
    this.teardownScene();
    this.picker.dispose();
    if (this.renderer) {
      this.renderer.renderLists.dispose();
      this.renderer.dispose();
      this.renderer.forceContextLoss();
    }
    this.root.remove();
    delete (this.host as MMPHATEElement).mmphateScreenPosition;
  }
}
