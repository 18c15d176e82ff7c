/**
 * Legend overlay matching the current colouring: a colour bar for continuous values, swatches for
 * categories; for the clusters also their stability, with "weak" / "unstable" spelled out.
 */
import { cssGradient, rgbToCss } from "./colormaps";
import type { ColorKey } from "./colors";
import { formatValue } from "./scales";

export class Legend {
  readonly el: HTMLDivElement;

  constructor() {
    this.el = document.createElement("div");
    this.el.className = "mmphate-legend";
  }

  update(key: ColorKey): void {
    const el = this.el;
    el.replaceChildren();
    el.dataset.kind = key.kind;
    delete el.dataset.stability;
    const title = document.createElement("div");
    title.className = "mmphate-legend-title";
    title.textContent = key.title;
    el.append(title);
    const stability = key.kind === "categorical" ? key.stability : undefined;
    if (stability?.level) {
      // The clusters' stability reads as a word too, so that "unstable" cannot be missed.
      el.dataset.stability = stability.level;
      if (stability.level !== "stable") {
        const tag = document.createElement("span");
        tag.className = `mmphate-stability-tag mmphate-${stability.level}`;
        tag.textContent = ` · ${stability.level}`;
        title.append(tag);
      }
    }
    if (key.kind === "none") {
      const msg = document.createElement("div");
      msg.className = "mmphate-legend-message";
      msg.textContent = key.message;
      el.append(msg);
    } else if (key.kind === "continuous") {
      const bar = document.createElement("div");
      bar.className = "mmphate-colorbar";
      bar.style.background = cssGradient(key.map);
      const labels = document.createElement("div");
      labels.className = "mmphate-colorbar-labels";
      const fmt = (v: number) => (key.integer ? String(Math.round(v)) : formatValue(v));
      // Integer keys (epoch numbers, steps) get no midpoint label: it would rarely be a real value.
      const values = key.integer ? [key.min, key.max] : [key.min, (key.min + key.max) / 2, key.max];
      for (const v of values) {
        const span = document.createElement("span");
        span.textContent = Number.isFinite(v) ? fmt(v) : "–";
        labels.append(span);
      }
      el.append(bar, labels);
    } else {
      const list = document.createElement("div");
      list.className = "mmphate-swatches";
      for (const item of key.items) {
        const row = document.createElement("span");
        row.className = "mmphate-swatch";
        const dot = document.createElement("i");
        dot.style.background = rgbToCss(item.color);
        row.append(dot, item.label);
        list.append(row);
      }
      if (key.more > 0) {
        const more = document.createElement("span");
        more.className = "mmphate-swatch mmphate-more";
        more.textContent = `+${key.more} more (colours repeat)`;
        list.append(more);
      }
      el.append(list);
    }
    if (stability?.note) {
      const note = document.createElement("div");
      note.className = "mmphate-legend-note";
      note.textContent = stability.note;
      el.append(note);
    }
  }
}
