import { describe, expect, it } from "vitest";
import { nearestId, PICK_SIZE } from "../src/picking";
import { decodePickId } from "../src/points";

function encode(id: number): number[] {
  const v = id + 1;
  return [v & 255, (v >> 8) & 255, (v >> 16) & 255, 255];
}

describe("pick ids", () => {
  it("round-trips node ids through RGB bytes, background is -1", () => {
    for (const id of [0, 1, 255, 256, 65535, 1_000_000, 16_777_214]) {
      const [r, g, b] = encode(id);
      expect(decodePickId(r, g, b)).toBe(id);
    }
    expect(decodePickId(0, 0, 0)).toBe(-1);
  });

  it("takes the id closest to the centre of the pick window", () => {
    const pixels = new Uint8Array(PICK_SIZE * PICK_SIZE * 4);
    const put = (row: number, col: number, id: number) => pixels.set(encode(id), (row * PICK_SIZE + col) * 4);
    expect(nearestId(pixels)).toBe(-1);
    put(0, 0, 42);
    expect(nearestId(pixels)).toBe(42);
    put(4, 6, 999_999);
    expect(nearestId(pixels)).toBe(999_999);
    put(4, 4, 7);
    expect(nearestId(pixels)).toBe(7);
  });
});
