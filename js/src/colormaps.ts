/**
 * Colour maps as small lookup tables: perceptually uniform sequential maps for continuous values
 * and categorical palettes for units, clusters and classes. Colours are sRGB bytes.
 */
import { MISSING_HEX, PLASMA_STOPS, TAB10_COLORS, TAB20_COLORS, VIRIDIS_STOPS } from "./contract";

export type RGB = [number, number, number];

export interface Colormap {
  name: string;
  stops: readonly number[];
}

// The maps' stops and the palettes live in contract.json, shared with Python.
export const VIRIDIS: Colormap = { name: "viridis", stops: VIRIDIS_STOPS };
export const PLASMA: Colormap = { name: "plasma", stops: PLASMA_STOPS };
export const TAB10: readonly number[] = TAB10_COLORS;
export const TAB20: readonly number[] = TAB20_COLORS;

export function hexToRgb(hex: number): RGB {
  return [(hex >> 16) & 255, (hex >> 8) & 255, hex & 255];
}

/** Colour of missing (NaN) values. */
export const MISSING: RGB = hexToRgb(MISSING_HEX);

export function rgbToCss([r, g, b]: RGB): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/** Linear interpolation between the stops of `map` at t in [0, 1] (clamped); NaN gives MISSING. */
export function sample(map: Colormap, t: number): RGB {
  if (!Number.isFinite(t)) return [...MISSING];
  const last = map.stops.length - 1;
  const x = Math.min(Math.max(t, 0), 1) * last;
  const i = Math.min(Math.floor(x), last - 1);
  const f = x - i;
  const a = hexToRgb(map.stops[i]);
  const b = hexToRgb(map.stops[i + 1]);
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as RGB;
}

/** Colour `i` of a categorical palette, cycling when there are more categories than colours. */
export function categorical(palette: readonly number[], i: number): RGB {
  if (!Number.isInteger(i) || i < 0) return [...MISSING];
  return hexToRgb(palette[i % palette.length]);
}

/** CSS linear-gradient of a colour map, for colour bars. */
export function cssGradient(map: Colormap, direction = "to right"): string {
  const last = map.stops.length - 1;
  const parts = map.stops.map((hex, i) => `${rgbToCss(hexToRgb(hex))} ${((100 * i) / last).toFixed(1)}%`);
  return `linear-gradient(${direction}, ${parts.join(", ")})`;
}
