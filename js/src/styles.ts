/**
 * The widget's stylesheet, injected into its root so the bundle is one self-contained ES module
 * and cleanup removes it with the rest. Every rule is scoped under `.mmphate-root`.
 */

import type { RGB } from "./colormaps";
import { hexToRgb, rgbToCss } from "./colormaps";
import { BACKGROUND_HEX } from "./contract";

/** Scene background, sRGB bytes; shared by the WebGL clear colour, the dimming in the shader and the panels. */
export const BACKGROUND: RGB = hexToRgb(BACKGROUND_HEX);

export const CSS = `
.mmphate-root {
  --bg: ${rgbToCss(BACKGROUND)}; --panel: #22262e; --line: #343a45; --text: #d9dee7; --muted: #8a93a3;
  --accent: #5fb3ff; --weak: #e3b341; --unstable: #ff7b72;
  display: flex; flex-direction: column; gap: 0; width: 100%; box-sizing: border-box;
  background: var(--bg); color: var(--text); border-radius: 6px; overflow: hidden;
  font: 12px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  border: 1px solid var(--line);
}
.mmphate-root * { box-sizing: border-box; }
.mmphate-controls {
  display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; padding: 7px 10px;
  background: var(--panel); border-bottom: 1px solid var(--line);
}
.mmphate-field { display: flex; align-items: center; gap: 6px; }
.mmphate-label { color: var(--muted); text-transform: uppercase; font-size: 10px; letter-spacing: .06em; }
.mmphate-value { font-variant-numeric: tabular-nums; min-width: 42px; white-space: nowrap; color: var(--text); }
.mmphate-root select, .mmphate-root button {
  background: var(--bg); color: var(--text); border: 1px solid var(--line); border-radius: 4px;
  padding: 2px 6px; font: inherit; cursor: pointer;
}
.mmphate-root button:disabled { color: var(--muted); cursor: default; }
.mmphate-root button:not(:disabled):hover { border-color: var(--accent); }
.mmphate-root input[type=range] { accent-color: var(--accent); height: 16px; margin: 0; }
.mmphate-point-size { width: 80px; }
.mmphate-dual { position: relative; width: 104px; height: 16px; }
.mmphate-dual::before {
  content: ""; position: absolute; left: 0; right: 0; top: 7px; height: 3px;
  background: var(--line); border-radius: 2px;
}
.mmphate-dual input[type=range] {
  position: absolute; left: 0; top: 0; width: 100%; pointer-events: none;
  -webkit-appearance: none; appearance: none; background: transparent;
}
.mmphate-dual input[type=range]::-webkit-slider-thumb {
  pointer-events: auto; -webkit-appearance: none; width: 12px; height: 12px; border-radius: 50%;
  background: var(--accent); border: 2px solid var(--bg); cursor: pointer;
}
.mmphate-dual input[type=range]::-moz-range-thumb {
  pointer-events: auto; width: 10px; height: 10px; border-radius: 50%; background: var(--accent);
  border: 2px solid var(--bg); cursor: pointer;
}
.mmphate-cluster-boxes { display: flex; flex-wrap: wrap; gap: 2px 8px; }
.mmphate-cluster { display: inline-flex; align-items: center; gap: 3px; cursor: pointer; }
.mmphate-cluster input { margin: 0; accent-color: var(--accent); }
.mmphate-cluster i, .mmphate-swatch i {
  display: inline-block; width: 9px; height: 9px; border-radius: 50%;
}
.mmphate-main { display: flex; flex-wrap: wrap; }
.mmphate-viewport {
  position: relative; flex: 1 1 360px; height: 480px; min-width: 0; overflow: hidden;
  cursor: crosshair; touch-action: none;
}
.mmphate-viewport canvas { display: block; width: 100%; height: 100%; outline: none; }
.mmphate-legend {
  position: absolute; left: 10px; bottom: 10px; max-width: 46%; padding: 6px 8px;
  background: rgba(${BACKGROUND.join(", ")}, .82); border: 1px solid var(--line); border-radius: 4px;
  pointer-events: none;
}
.mmphate-legend-title { color: var(--muted); font-size: 10px; text-transform: uppercase; letter-spacing: .06em; margin-bottom: 4px; }
.mmphate-colorbar { width: 160px; height: 9px; border-radius: 2px; }
.mmphate-colorbar-labels { display: flex; justify-content: space-between; width: 160px; font-variant-numeric: tabular-nums; }
.mmphate-swatches { display: flex; flex-wrap: wrap; gap: 2px 10px; max-height: 96px; overflow: hidden; }
.mmphate-swatch { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.mmphate-more, .mmphate-legend-message { color: var(--muted); }
.mmphate-legend-note { max-width: 240px; margin-top: 4px; color: var(--muted); }
.mmphate-legend[data-stability="unstable"] { border-color: var(--unstable); }
.mmphate-stability { font-variant-numeric: tabular-nums; white-space: nowrap; color: var(--muted); }
.mmphate-stability[hidden] { display: none; }
.mmphate-root .mmphate-weak { color: var(--weak); }
.mmphate-root .mmphate-unstable { color: var(--unstable); font-weight: 600; }
.mmphate-status {
  position: absolute; right: 10px; bottom: 10px; color: var(--muted); font-variant-numeric: tabular-nums;
  pointer-events: none;
}
.mmphate-message {
  position: absolute; left: 50%; top: 10px; transform: translateX(-50%); max-width: 80%;
  padding: 5px 10px; border-radius: 4px; background: rgba(120, 30, 30, .92); color: #fff;
  pointer-events: none;
}
.mmphate-message[hidden] { display: none; }
.mmphate-live {
  position: absolute; left: 10px; top: 10px; max-width: 60%; padding: 3px 8px; border-radius: 4px;
  background: rgba(${BACKGROUND.join(", ")}, .82); border: 1px solid var(--line); color: var(--muted);
  font-variant-numeric: tabular-nums; pointer-events: none;
}
.mmphate-live::before { content: "● "; color: var(--muted); }
.mmphate-live[data-state="fitting"]::before { color: var(--accent); }
.mmphate-live[data-state="idle"]::before { color: #56d364; }
.mmphate-live-error {
  position: absolute; left: 10px; top: 38px; max-width: calc(100% - 20px); padding: 5px 10px;
  border-radius: 4px; border: 1px solid var(--unstable); background: rgba(120, 30, 30, .92); color: #fff;
  white-space: pre-wrap; overflow-wrap: anywhere; pointer-events: none;
}
.mmphate-waiting {
  position: absolute; inset: 0; display: grid; place-items: center; padding: 20px; text-align: center;
  color: var(--muted); font-size: 13px; pointer-events: none;
}
.mmphate-live[hidden], .mmphate-live-error[hidden], .mmphate-waiting[hidden], .mmphate-legend[hidden] { display: none; }
.mmphate-tooltip {
  position: absolute; left: 0; top: 0; z-index: 2; pointer-events: none; min-width: 150px;
  padding: 6px 8px; background: rgba(15, 17, 21, .94); border: 1px solid var(--line);
  border-radius: 4px; box-shadow: 0 4px 14px rgba(0, 0, 0, .4);
}
.mmphate-tooltip[hidden] { display: none; }
.mmphate-tooltip-title { font-weight: 600; margin-bottom: 3px; }
.mmphate-tooltip dl { display: grid; grid-template-columns: auto auto; gap: 1px 10px; margin: 0; }
.mmphate-tooltip dt { color: var(--muted); }
.mmphate-tooltip dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
.mmphate-error { position: absolute; inset: 0; display: grid; place-items: center; color: #f08080; padding: 20px; text-align: center; }
.mmphate-side {
  flex: 0 0 330px; max-width: 100%; height: 480px; overflow-y: auto; padding: 6px 4px 6px 0;
  background: var(--panel); border-left: 1px solid var(--line);
}
.mmphate-map { padding: 4px 10px 8px 8px; }
.mmphate-map[hidden] { display: none; }
.mmphate-map-title { color: var(--text); font-size: 11px; font-weight: 600; margin: 0 0 4px 38px; }
.mmphate-map-grid { display: grid; grid-template-columns: 38px 1fr; grid-template-rows: 132px auto; }
.mmphate-map-plot { position: relative; cursor: crosshair; touch-action: none; user-select: none; }
.mmphate-map-image { display: block; width: 100%; height: 100%; image-rendering: pixelated; }
.mmphate-map-range, .mmphate-map-brush, .mmphate-map-hover { position: absolute; pointer-events: none; }
.mmphate-map-range { outline: 1.5px solid #fff; outline-offset: -1px; box-shadow: 0 0 0 1px rgba(0, 0, 0, .5); }
.mmphate-map-brush { border: 1px dashed var(--accent); background: rgba(95, 179, 255, .18); }
.mmphate-map-hover { outline: 1px solid rgba(255, 255, 255, .9); }
.mmphate-map-label {
  position: absolute; left: 2px; padding: 1px 6px; border-radius: 3px; pointer-events: none;
  background: rgba(15, 17, 21, .9); border: 1px solid var(--line); font-variant-numeric: tabular-nums;
  white-space: nowrap;
}
.mmphate-map [hidden] { display: none; }
.mmphate-map-steps, .mmphate-map-epochs { display: flex; justify-content: space-between; color: var(--muted); font-size: 10px; }
.mmphate-map-steps { flex-direction: column; align-items: flex-end; padding-right: 4px; }
.mmphate-map-axis-name { color: var(--muted); }
.mmphate-map-colorbar { height: 8px; margin: 6px 0 1px 38px; border-radius: 2px; }
.mmphate-map-colorbar-labels {
  display: flex; justify-content: space-between; margin-left: 38px; color: var(--muted); font-size: 10px;
  font-variant-numeric: tabular-nums;
}
.mmphate-chart-svg { display: block; }
.mmphate-chart-svg text { fill: var(--muted); font-size: 10px; }
.mmphate-chart-svg .panel-title { fill: var(--text); font-size: 11px; font-weight: 600; }
.mmphate-chart-svg .panel-note { fill: var(--muted); }
.mmphate-chart-svg .axis { stroke: #59616e; }
.mmphate-chart-svg .tick { stroke: #59616e; }
.mmphate-chart-svg .grid { stroke: #2d323b; }
.mmphate-chart-svg path { fill: none; stroke-linejoin: round; stroke-linecap: round; }
.mmphate-chart-svg .unit-line { stroke-width: 1.8; }
.mmphate-chart-svg .unit-trace { stroke-width: 1; opacity: .3; }
.mmphate-chart-svg .cluster-line { stroke-width: 2.6; }
.mmphate-chart-svg .intra-line { stroke: #e6e9ef; stroke-width: 1.4; stroke-dasharray: 4 3; }
.mmphate-chart-svg .metric-line { stroke: var(--accent); stroke-width: 1.5; }
.mmphate-chart-svg .out-of-range { fill: rgba(0, 0, 0, .28); }
.mmphate-chart-svg .hover-line { stroke: #fff; stroke-opacity: .5; stroke-dasharray: 2 2; }
.mmphate-chips { display: flex; flex-wrap: wrap; gap: 4px; padding: 2px 8px 0 46px; }
.mmphate-chip {
  border: 1px solid var(--chip); color: var(--text); border-radius: 9px; padding: 0 7px;
  background: color-mix(in srgb, var(--chip) 22%, transparent);
}
.mmphate-hint { color: var(--muted); }
`;
