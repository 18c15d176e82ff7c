/**
 * GPU picking: the point cloud is drawn with node ids as colours into a tiny render target that
 * covers only the pixels around the pointer (camera.setViewOffset), then read back. The cost is
 * one vertex pass and a few rasterised pixels, independent of any CPU work per point.
 */
import * as THREE from "three";
import type { PointCloud } from "./points";
import { decodePickId } from "./points";

/** Side of the picked square in device pixels (odd, so the pointer sits in the centre pixel). */
export const PICK_SIZE = 9;

/**
 * The id nearest to the centre of a PICK_SIZE x PICK_SIZE RGBA readback, or -1 when every
 * pixel is background.
 */
export function nearestId(pixels: Uint8Array, size = PICK_SIZE): number {
  const c = (size - 1) / 2;
  let best = -1;
  let bestD = Infinity;
  for (let row = 0; row < size; row++)
    for (let col = 0; col < size; col++) {
      const i = (row * size + col) * 4;
      const id = decodePickId(pixels[i], pixels[i + 1], pixels[i + 2]);
      if (id < 0) continue;
      const d = (row - c) ** 2 + (col - c) ** 2;
      if (d < bestD) {
        bestD = d;
        best = id;
      }
    }
  return best;
}

export class Picker {
  private readonly target = new THREE.WebGLRenderTarget(PICK_SIZE, PICK_SIZE, {
    type: THREE.UnsignedByteType,
    format: THREE.RGBAFormat,
    minFilter: THREE.NearestFilter,
    magFilter: THREE.NearestFilter,
    generateMipmaps: false,
    depthBuffer: true,
  });
  private readonly pixels = new Uint8Array(PICK_SIZE * PICK_SIZE * 4);
  private readonly clearColor = new THREE.Color();

  /**
   * Node under canvas point (x, y) in CSS pixels, or -1. `width`/`height` are the canvas CSS size.
   */
  pick(
    renderer: THREE.WebGLRenderer,
    scene: THREE.Scene,
    camera: THREE.PerspectiveCamera | THREE.OrthographicCamera,
    cloud: PointCloud,
    x: number,
    y: number,
    width: number,
    height: number,
  ): number {
    const ratio = renderer.getPixelRatio();
    const half = (PICK_SIZE - 1) / 2;
    camera.setViewOffset(
      Math.round(width * ratio),
      Math.round(height * ratio),
      Math.round(x * ratio) - half,
      Math.round(y * ratio) - half,
      PICK_SIZE,
      PICK_SIZE,
    );
    const alpha = renderer.getClearAlpha();
    renderer.getClearColor(this.clearColor);
    cloud.setPickMode(true);
    try {
      renderer.setRenderTarget(this.target);
      renderer.setClearColor(0x000000, 0);
      renderer.clear();
      renderer.render(scene, camera);
      renderer.readRenderTargetPixels(this.target, 0, 0, PICK_SIZE, PICK_SIZE, this.pixels);
    } finally {
      cloud.setPickMode(false);
      renderer.setRenderTarget(null);
      renderer.setClearColor(this.clearColor, alpha);
      camera.clearViewOffset();
    }
    return nearestId(this.pixels);
  }

  dispose(): void {
    this.target.dispose();
  }
}
