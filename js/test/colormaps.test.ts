import { describe, expect, it } from "vitest";
import {
  categorical,
  cssGradient,
  hexToRgb,
  MISSING,
  PLASMA,
  sample,
  TAB10,
  TAB20,
  VIRIDIS,
} from "../src/colormaps";

/** Relative luminance (sRGB, WCAG), to check the sequential maps are monotone in lightness. */
function luminance([r, g, b]: number[]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

describe("sequential colour maps", () => {
  it("hit their end stops at 0 and 1 and clamp outside", () => {
    expect(sample(VIRIDIS, 0)).toEqual(hexToRgb(VIRIDIS.stops[0]));
    expect(sample(VIRIDIS, 1)).toEqual([0xfd, 0xe7, 0x25]);
    expect(sample(VIRIDIS, -3)).toEqual(sample(VIRIDIS, 0));
    expect(sample(VIRIDIS, 7)).toEqual(sample(VIRIDIS, 1));
  });

  it("interpolate between stops", () => {
    const a = hexToRgb(VIRIDIS.stops[0]);
    const b = hexToRgb(VIRIDIS.stops[1]);
    const mid = sample(VIRIDIS, 0.5 / 15);
    mid.forEach((c, k) => {
      expect(Math.abs(c - (a[k] + b[k]) / 2)).toBeLessThanOrEqual(0.5);
    });
  });

  it("get lighter monotonically (perceptually ordered)", () => {
    for (const map of [VIRIDIS, PLASMA]) {
      let previous = -1;
      for (let i = 0; i <= 50; i++) {
        const l = luminance(sample(map, i / 50));
        expect(l).toBeGreaterThan(previous);
        previous = l;
      }
    }
  });

  it("colour NaN as missing", () => {
    expect(sample(PLASMA, NaN)).toEqual(MISSING);
  });

  it("render as a CSS gradient with every stop", () => {
    const css = cssGradient(VIRIDIS);
    expect(css.startsWith("linear-gradient(to right, rgb(")).toBe(true);
    expect(css.split("rgb(").length - 1).toBe(VIRIDIS.stops.length);
    expect(css.endsWith("100.0%)")).toBe(true);
  });
});

describe("categorical palettes", () => {
  it("have distinct colours and cycle", () => {
    expect(new Set(TAB10).size).toBe(10);
    expect(new Set(TAB20).size).toBe(20);
    expect(categorical(TAB10, 12)).toEqual(categorical(TAB10, 2));
    expect(categorical(TAB10, 0)).toEqual([0x1f, 0x77, 0xb4]);
  });

  it("colour invalid categories as missing", () => {
    expect(categorical(TAB10, -1)).toEqual(MISSING);
    expect(categorical(TAB10, 1.5)).toEqual(MISSING);
  });
});
