import { describe, expect, it } from "vitest";
import { hexToRgb, MISSING, PLASMA } from "../src/colormaps";
import {
  brushRanges,
  cellAt,
  cellRect,
  clampedCellAt,
  fillEntropyImage,
  rectStyle,
  viewRect,
} from "../src/entropy_map";
import type { View } from "../src/state";
import { E, makeData, T } from "./fixtures";

describe("entropy map image", () => {
  const data = makeData();

  it("puts epochs in columns and steps in rows, ends of the map at min and max, NaN missing", () => {
    // intrastep (E x T): [1, 2], [3, 4], [5, NaN]
    const px = fillEntropyImage(data.intrastep, E, T, PLASMA, 1, 5);
    expect(px.length).toBe(E * T * 4);
    const at = (e: number, t: number) => Array.from(px.slice((t * E + e) * 4, (t * E + e) * 4 + 4));
    expect(at(0, 0)).toEqual([...hexToRgb(PLASMA.stops[0]), 255]);
    expect(at(2, 0)).toEqual([...hexToRgb(PLASMA.stops[PLASMA.stops.length - 1]), 255]);
    expect(at(2, 1)).toEqual([...MISSING, 255]);
    // Step 1 of epoch 0 (value 2) is in column 0, row 1.
    expect(at(0, 1)).not.toEqual(at(0, 0));
  });

  it("reuses a buffer of the right size and fills a million cells quickly", () => {
    const n = 1000;
    const values = new Float32Array(n * n).map((_, i) => Math.sin(i));
    const out = new Uint8ClampedArray(n * n * 4);
    const start = performance.now();
    const px = fillEntropyImage(values, n, n, PLASMA, -1, 1, out);
    expect(px).toBe(out);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(px[3]).toBe(255);
  });
});

describe("entropy map pointer maths", () => {
  it("finds the cell under a pointer and nothing outside", () => {
    expect(cellAt(0, 0, 300, 100, 6, 5)).toEqual({ epoch: 0, step: 0 });
    expect(cellAt(299.9, 99.9, 300, 100, 6, 5)).toEqual({ epoch: 5, step: 4 });
    expect(cellAt(151, 41, 300, 100, 6, 5)).toEqual({ epoch: 3, step: 2 });
    expect(cellAt(-1, 10, 300, 100, 6, 5)).toBeNull();
    expect(cellAt(300, 10, 300, 100, 6, 5)).toBeNull();
    expect(cellAt(10, 10, 0, 100, 6, 5)).toBeNull();
    // A thousand cells on fewer pixels still map each pixel to one cell.
    expect(cellAt(279.5, 0, 280, 130, 1000, 1000)).toEqual({ epoch: 998, step: 0 });
  });

  it("clamps a brush dragged past the edge", () => {
    expect(clampedCellAt(-40, 500, 300, 100, 6, 5)).toEqual({ epoch: 0, step: 4 });
    expect(clampedCellAt(900, -3, 300, 100, 6, 5)).toEqual({ epoch: 5, step: 0 });
  });

  it("turns a brushed rectangle into ranges in the user's epoch numbers", () => {
    const rect = cellRect({ epoch: 2, step: 4 }, { epoch: 1, step: 1 });
    expect(rect).toEqual({ epochLo: 1, epochHi: 2, stepLo: 1, stepHi: 4 });
    expect(brushRanges(rect, [10, 20, 40])).toEqual({ epochRange: [20, 40], stepRange: [1, 4] });
    expect(brushRanges(cellRect({ epoch: 0, step: 0 }, { epoch: 0, step: 0 }), [10, 20, 40])).toEqual({
      epochRange: [10, 10],
      stepRange: [0, 0],
    });
  });

  it("outlines the view's ranges, none when no epoch is in range", () => {
    const view = { epochLo: 1, epochHi: 2, stepLo: 0, stepHi: 1 } as View;
    const rect = viewRect(view);
    expect(rect).toEqual({ epochLo: 1, epochHi: 2, stepLo: 0, stepHi: 1 });
    expect(rectStyle(rect ?? cellRect({ epoch: 0, step: 0 }, { epoch: 0, step: 0 }), 4, 2)).toEqual({
      left: "25.0000%",
      top: "0.0000%",
      width: "50.0000%",
      height: "100.0000%",
    });
    expect(viewRect({ ...view, epochLo: 2, epochHi: 1 })).toBeNull();
  });
});
