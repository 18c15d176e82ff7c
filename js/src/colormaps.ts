/**
 * Colour maps as small lookup tables: perceptually uniform sequential maps for continuous values
 * and categorical palettes for units, clusters and classes. Colours are sRGB bytes.
 */

export type RGB = [number, number, number];

export interface Colormap {
  name: string;
  stops: readonly number[];
}

// matplotlib's maps sampled at 16 points over [0.08, 1]: the darkest 8 % is cut so the low end
// stays visible on the dark background.
export const VIRIDIS: Colormap = {
  name: "viridis",
  stops: [
    0x481d6f, 0x46327e, 0x414487, 0x39558c, 0x31668e, 0x2b748e, 0x25838e, 0x20928c, 0x1fa187,
    0x29af7f, 0x40bd72, 0x60ca60, 0x84d44b, 0xaddc30, 0xd8e219, 0xfde725,
  ],
};

export const PLASMA: Colormap = {
  name: "plasma",
  stops: [
    0x38049a, 0x5302a3, 0x6a00a8, 0x8305a7, 0x99159f, 0xac2694, 0xbe3885, 0xcd4a76, 0xdb5c68,
    0xe76e5b, 0xf1814d, 0xf9973f, 0xfdac33, 0xfdc527, 0xf8df25, 0xf0f921,
  ],
};

export const TAB10: readonly number[] = [
  0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
];

export const TAB20: readonly number[] = [
  0x1f77b4, 0xaec7e8, 0xff7f0e, 0xffbb78, 0x2ca02c, 0x98df8a, 0xd62728, 0xff9896, 0x9467bd, 0xc5b0d5,
  0x8c564b, 0xc49c94, 0xe377c2, 0xf7b6d2, 0x7f7f7f, 0xc7c7c7, 0xbcbd22, 0xdbdb8d, 0x17becf, 0x9edae5,
];

/** Colour of missing (NaN) values. */
export const MISSING: RGB = [110, 114, 122];

export function hexToRgb(hex: number): RGB {
  return [(hex >> 16) & 255, (hex >> 8) & 255, hex & 255];
}

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
