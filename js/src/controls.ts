/**
 * The control bar (plain DOM): colour-by, epoch and step range sliders labelled in the user's
 * numbers, cluster checkboxes with the clusters' stability and the filter/highlight mode, point
 * size, clear-selection and a button that saves the view as a PNG.
 * It never holds state of its own: `sync` mirrors the model and user input is reported through
 * `onChange`, which writes to the model.
 */
import { rgbToCss } from "./colormaps";
import { clusterColor } from "./colors";
import { CLUSTER_MODES, COLOR_BY, POINT_SIZE_MIN } from "./contract";
import type { WidgetData } from "./decode";
import type { ClusterMode, ColorBy } from "./model";
import { clusterSummary } from "./stability";
import type { View } from "./state";

export interface ControlEvents {
  colorBy(value: ColorBy): void;
  epochRange(lo: number, hi: number): void;
  stepRange(lo: number, hi: number): void;
  clusters(selected: number[]): void;
  clusterMode(mode: ClusterMode): void;
  pointSize(size: number): void;
  clearSelection(): void;
  savePng(): void;
}

const COLOR_LABELS: Record<ColorBy, string> = {
  epoch: "epoch",
  step: "step",
  unit: "unit",
  cluster: "cluster",
  intrastep_entropy: "intra-step entropy",
  interstep_entropy: "inter-step entropy",
  label: "label",
};

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Two range inputs on one track; reports index pairs with lo <= hi. */
class DualSlider {
  readonly el: HTMLDivElement;
  readonly lo: HTMLInputElement;
  readonly hi: HTMLInputElement;
  private readonly value: HTMLSpanElement;

  constructor(name: string, onInput: (lo: number, hi: number) => void) {
    this.el = el("div", `mmphate-field mmphate-range mmphate-range-${name}`);
    const label = el("label", "mmphate-label", name);
    this.value = el("span", "mmphate-value");
    const track = el("div", "mmphate-dual");
    this.lo = el("input");
    this.hi = el("input");
    for (const [input, which] of [
      [this.lo, "lo"],
      [this.hi, "hi"],
    ] as const) {
      input.type = "range";
      input.step = "1";
      input.min = "0";
      input.className = `mmphate-dual-${which}`;
      input.setAttribute("aria-label", `${name} ${which === "lo" ? "from" : "to"}`);
      input.addEventListener("input", () => {
        let a = Number(this.lo.value);
        let b = Number(this.hi.value);
        if (a > b) {
          if (which === "lo") b = a;
          else a = b;
          this.lo.value = String(a);
          this.hi.value = String(b);
        }
        onInput(a, b);
      });
      track.append(input);
    }
    this.el.append(label, track, this.value);
  }

  sync(count: number, lo: number, hi: number, text: string): void {
    for (const input of [this.lo, this.hi]) {
      input.max = String(Math.max(count - 1, 0));
      input.disabled = count <= 1;
    }
    this.lo.value = String(Math.max(lo, 0));
    this.hi.value = String(Math.max(hi, 0));
    this.value.textContent = text;
  }
}

export class Controls {
  readonly el: HTMLDivElement;
  private readonly colorSelect: HTMLSelectElement;
  private readonly epochs: DualSlider;
  private readonly steps: DualSlider;
  private readonly clusterBox: HTMLDivElement;
  private readonly stability: HTMLSpanElement;
  private readonly modeSelect: HTMLSelectElement;
  private readonly size: HTMLInputElement;
  private readonly sizeValue: HTMLSpanElement;
  private readonly clear: HTMLButtonElement;
  private readonly png: HTMLButtonElement;
  private clusterInputs: HTMLInputElement[] = [];
  /** Nodes in `selected_nodes` (lasso / box), which the clear button also clears. */
  selectedNodes = 0;

  constructor(private readonly events: ControlEvents) {
    this.el = el("div", "mmphate-controls");

    const colorField = el("div", "mmphate-field");
    this.colorSelect = el("select", "mmphate-color-by");
    this.colorSelect.setAttribute("aria-label", "colour by");
    for (const c of COLOR_BY) {
      const option = el("option", undefined, COLOR_LABELS[c]);
      option.value = c;
      this.colorSelect.append(option);
    }
    this.colorSelect.addEventListener("change", () => events.colorBy(this.colorSelect.value as ColorBy));
    colorField.append(el("label", "mmphate-label", "colour"), this.colorSelect);

    this.epochs = new DualSlider("epochs", (lo, hi) => events.epochRange(lo, hi));
    this.steps = new DualSlider("steps", (lo, hi) => events.stepRange(lo, hi));

    const sizeField = el("div", "mmphate-field");
    this.size = el("input", "mmphate-point-size");
    this.size.type = "range";
    this.size.min = String(POINT_SIZE_MIN);
    // The trait allows up to 50 px; the slider covers the useful range with finer steps.
    this.size.max = "20";
    this.size.step = "0.5";
    this.size.setAttribute("aria-label", "point size");
    this.sizeValue = el("span", "mmphate-value");
    this.size.addEventListener("input", () => events.pointSize(Number(this.size.value)));
    sizeField.append(el("label", "mmphate-label", "size"), this.size, this.sizeValue);

    const clusterField = el("div", "mmphate-field mmphate-clusters");
    this.clusterBox = el("div", "mmphate-cluster-boxes");
    this.stability = el("span", "mmphate-stability");
    this.modeSelect = el("select", "mmphate-cluster-mode");
    this.modeSelect.setAttribute("aria-label", "cluster mode");
    for (const mode of CLUSTER_MODES) {
      const option = el("option", undefined, mode);
      option.value = mode;
      this.modeSelect.append(option);
    }
    this.modeSelect.addEventListener("change", () =>
      events.clusterMode(this.modeSelect.value as ClusterMode),
    );
    const clustersLabel = el("label", "mmphate-label", "clusters");
    clusterField.append(clustersLabel, this.clusterBox, this.stability, this.modeSelect);

    this.clear = el("button", "mmphate-clear", "clear selection");
    this.clear.type = "button";
    this.clear.addEventListener("click", () => events.clearSelection());

    this.png = el("button", "mmphate-save-png", "PNG");
    this.png.type = "button";
    this.png.title = "Save the current view as mmphate.png";
    this.png.setAttribute("aria-label", "save the view as PNG");
    this.png.addEventListener("click", () => events.savePng());

    this.el.append(colorField, this.epochs.el, this.steps.el, clusterField, sizeField, this.clear, this.png);
  }

  /** Mirror the model's (clamped) state; rebuilds the cluster checkboxes when their count changes. */
  sync(data: WidgetData, view: View): void {
    const hasLabels = data.nodeLabel !== null;
    for (const option of Array.from(this.colorSelect.options))
      option.disabled = option.value === "label" && !hasLabels;
    this.colorSelect.value = view.colorBy;

    const E = data.dims.nEpochs;
    const empty = view.epochLo > view.epochHi;
    const eLo = empty ? Math.min(view.epochLo, E - 1) : view.epochLo;
    const eHi = empty ? eLo : view.epochHi;
    const num = (i: number) => (i >= 0 && i < E ? String(data.epochNumbers[i]) : "–");
    // Before a live widget's first fit there are no epochs or steps to choose from.
    const epochText = E === 0 ? "–" : empty ? "none" : `${num(view.epochLo)} – ${num(view.epochHi)}`;
    this.epochs.sync(E, eLo, eHi, epochText);
    const T = data.dims.nSteps;
    this.steps.sync(T, view.stepLo, view.stepHi, T === 0 ? "–" : `${view.stepLo} – ${view.stepHi}`);

    if (this.clusterInputs.length !== data.nClusters) this.buildClusters(data.nClusters);
    this.clusterInputs.forEach((input, c) => {
      input.checked = view.clusterMask[c] === 1;
    });
    const { stability, level, note } = clusterSummary(data);
    this.stability.hidden = level === null;
    this.stability.className = level ? `mmphate-stability mmphate-${level}` : "mmphate-stability";
    this.stability.textContent = level && level !== "stable" ? `${stability} · ${level}` : stability;
    this.stability.title =
      note ||
      "How well bootstrap replicates of the units and time steps reproduce the clusters " +
        "(mean adjusted Rand index).";
    this.modeSelect.value = view.clusterMode;

    this.size.value = String(Math.min(view.pointSize, Number(this.size.max)));
    this.sizeValue.textContent = `${view.pointSize}px`;
    const n = view.selectedUnits.length;
    const nodes = this.selectedNodes;
    this.clear.disabled = n === 0 && nodes === 0;
    this.clear.textContent = nodes
      ? `clear selection (${n ? `${n} + ` : ""}${nodes.toLocaleString()} points)`
      : n
        ? `clear selection (${n})`
        : "no selection";
    this.png.disabled = data.n === 0;
  }

  private buildClusters(nClusters: number): void {
    this.clusterBox.replaceChildren();
    this.clusterInputs = Array.from({ length: nClusters }, (_, c) => {
      const label = el("label", "mmphate-cluster");
      const input = el("input");
      input.type = "checkbox";
      input.dataset.cluster = String(c);
      input.addEventListener("change", () =>
        this.events.clusters(this.clusterInputs.flatMap((box, i) => (box.checked ? [i] : []))),
      );
      const swatch = el("i");
      swatch.style.background = rgbToCss(clusterColor(c));
      label.append(input, swatch, String(c));
      this.clusterBox.append(label);
      return input;
    });
  }
}
