/**
 * Camera and navigation: OrbitControls around the data, auto-fit, and a 2-D mode (orthographic,
 * no rotation) for two-component embeddings. The `camera` trait maps to position/target/up; in
 * 2-D the zoom is carried by the distance between position and target so it round-trips through
 * the same three vectors.
 */
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { CAMERA_FIT_MARGIN, CAMERA_FOV, CAMERA_TARGET, CAMERA_UP, CAMERA_VIEW_DIRECTION } from "./contract";
import type { CameraState } from "./model";

/** Distance of the orthographic camera from its target at zoom 1. */
const ORTHO_DISTANCE = 10;
const VIEW_DIRECTION = new THREE.Vector3(...CAMERA_VIEW_DIRECTION).normalize();

/** Radius of the points around the origin (positions are centred there by the wire format). */
export function dataRadius(positions: Float32Array, is2D: boolean): number {
  let r2 = 0;
  for (let i = 0; i < positions.length; i += 3) {
    const x = positions[i];
    const y = positions[i + 1];
    const z = is2D ? 0 : positions[i + 2];
    const d = x * x + y * y + z * z;
    if (d > r2) r2 = d;
  }
  return r2 > 0 && Number.isFinite(r2) ? Math.sqrt(r2) : 1;
}

/** Distance at which a perspective camera sees a sphere of `radius` whole, for an aspect ratio. */
export function fitDistance(radius: number, fovDeg: number, aspect: number): number {
  const vHalf = THREE.MathUtils.degToRad(fovDeg) / 2;
  const hHalf = Math.atan(Math.tan(vHalf) * aspect);
  return (radius / Math.sin(Math.min(vHalf, hHalf))) * CAMERA_FIT_MARGIN;
}

/** Where the perspective camera goes to fit the data: from the contract's view direction. */
export function autoFitPosition(radius: number, aspect: number): THREE.Vector3 {
  const distance = fitDistance(radius, CAMERA_FOV, aspect);
  return new THREE.Vector3(...CAMERA_TARGET).addScaledVector(VIEW_DIRECTION, distance);
}

function round(v: THREE.Vector3): [number, number, number] {
  return [v.x, v.y, v.z].map((x) => Math.round(x * 1e6) / 1e6) as [number, number, number];
}

export class CameraRig {
  readonly camera: THREE.PerspectiveCamera | THREE.OrthographicCamera;
  controls: OrbitControls;
  private readonly is2D: boolean;
  private readonly radius: number;
  private aspect = 1;
  /** Whether the view moved since the pointer went down: a plain click must not sync the camera. */
  private movedSinceStart = false;
  private readonly handleStart = (): void => {
    this.movedSinceStart = false;
  };
  private readonly handleChange = (): void => {
    this.movedSinceStart = true;
    this.onChange();
  };
  private readonly handleEnd = (): void => {
    if (this.movedSinceStart) this.onEnd();
    this.movedSinceStart = false;
  };

  constructor(
    private readonly dom: HTMLElement,
    is2D: boolean,
    radius: number,
    private readonly onEnd: () => void,
    private readonly onChange: () => void,
  ) {
    this.is2D = is2D;
    this.radius = radius;
    this.camera = is2D
      ? new THREE.OrthographicCamera(-1, 1, 1, -1, 0.01, 100)
      : new THREE.PerspectiveCamera(CAMERA_FOV, 1, 0.01, 100);
    this.controls = this.makeControls();
  }

  private makeControls(): OrbitControls {
    const controls = new OrbitControls(this.camera, this.dom);
    controls.zoomToCursor = true;
    controls.maxDistance = 50;
    controls.minDistance = 0.02;
    if (this.is2D) {
      controls.enableRotate = false;
      controls.screenSpacePanning = true;
      controls.mouseButtons = { LEFT: THREE.MOUSE.PAN, MIDDLE: THREE.MOUSE.DOLLY, RIGHT: THREE.MOUSE.PAN };
      controls.touches = { ONE: THREE.TOUCH.PAN, TWO: THREE.TOUCH.DOLLY_PAN };
      controls.minZoom = 0.05;
      controls.maxZoom = 500;
    }
    controls.addEventListener("start", this.handleStart);
    controls.addEventListener("change", this.handleChange);
    controls.addEventListener("end", this.handleEnd);
    return controls;
  }

  resize(width: number, height: number): void {
    this.aspect = width > 0 && height > 0 ? width / height : 1;
    const cam = this.camera;
    if (cam instanceof THREE.PerspectiveCamera) {
      cam.aspect = this.aspect;
    } else {
      const half = this.radius * 1.08;
      const halfH = Math.max(half, half / this.aspect);
      cam.top = halfH;
      cam.bottom = -halfH;
      cam.left = -halfH * this.aspect;
      cam.right = halfH * this.aspect;
    }
    cam.updateProjectionMatrix();
  }

  autoFit(): void {
    const cam = this.camera;
    this.controls.target.set(...CAMERA_TARGET);
    cam.up.set(...CAMERA_UP);
    if (cam instanceof THREE.PerspectiveCamera) {
      cam.position.copy(autoFitPosition(this.radius, this.aspect));
    } else {
      cam.position.copy(this.controls.target);
      cam.position.z += ORTHO_DISTANCE;
      cam.zoom = 1;
      cam.updateProjectionMatrix();
    }
    this.resetControls();
  }

  apply(state: CameraState): void {
    const cam = this.camera;
    const target = new THREE.Vector3(...state.target);
    this.controls.target.copy(target);
    if (cam instanceof THREE.PerspectiveCamera) {
      cam.position.set(...state.position);
      cam.up.set(...state.up).normalize();
    } else {
      const distance = new THREE.Vector3(...state.position).distanceTo(target);
      cam.zoom = THREE.MathUtils.clamp(ORTHO_DISTANCE / distance, 0.05, 500);
      cam.position.set(target.x, target.y, target.z + ORTHO_DISTANCE);
      const up = new THREE.Vector3(state.up[0], state.up[1], 0);
      cam.up.copy(up.lengthSq() > 0 ? up.normalize() : new THREE.Vector3(0, 1, 0));
      cam.updateProjectionMatrix();
    }
    this.resetControls();
  }

  /** OrbitControls fixes its orbit frame from camera.up when created, so a new up needs new controls. */
  private resetControls(): void {
    const target = this.controls.target.clone();
    this.controls.removeEventListener("start", this.handleStart);
    this.controls.removeEventListener("change", this.handleChange);
    this.controls.removeEventListener("end", this.handleEnd);
    this.controls.dispose();
    this.controls = this.makeControls();
    this.controls.target.copy(target);
    this.controls.update();
  }

  state(): CameraState {
    const cam = this.camera;
    const target = this.controls.target;
    if (cam instanceof THREE.OrthographicCamera) {
      const position = target.clone().add(new THREE.Vector3(0, 0, ORTHO_DISTANCE / cam.zoom));
      return { position: round(position), target: round(target), up: round(cam.up) };
    }
    return { position: round(cam.position), target: round(target), up: round(cam.up) };
  }

  dispose(): void {
    this.controls.removeEventListener("start", this.handleStart);
    this.controls.removeEventListener("change", this.handleChange);
    this.controls.removeEventListener("end", this.handleEnd);
    this.controls.dispose();
  }
}
