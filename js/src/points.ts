/**
 * The point cloud: one THREE.Points with a GLSL3 RawShaderMaterial. Positions, per-node indices
 * and colours are uploaded once; the epoch/step ranges, point size and modes are uniforms, and
 * the per-unit selection/cluster flags are a small DataTexture, so filtering happens on the GPU.
 * The same material draws node ids (gl_VertexID + 1 as RGBA bytes) for the picking pass.
 */
import * as THREE from "three";
import type { RGB } from "./colormaps";
import { DIM_AMOUNT, POINT_SIZE_DEFAULT, SELECTED_SCALE } from "./contract";
import type { WidgetData } from "./decode";
import { indexAttribute } from "./decode";
import { unitFlags } from "./filter";
import type { View } from "./state";

const VERTEX = /* glsl */ `
precision highp float;
precision highp int;

uniform mat4 modelViewMatrix;
uniform mat4 projectionMatrix;
uniform vec2 uEpochRange;
uniform vec2 uStepRange;
uniform float uPointSize;
uniform bool uHighlightMode;
uniform bool uAnySelected;
uniform bool uPick;
uniform vec3 uBackground;
uniform float uDimAmount;
uniform float uSelectedScale;
uniform sampler2D uUnitFlags;
uniform int uFlagsWidth;
uniform vec2 uHighlightSlice;

in vec3 position;
in vec3 aIndex;
in vec3 color;
in float aNodeSelected;

out vec4 vColor;

void main() {
  int unit = int(aIndex.z + 0.5);
  vec4 flags = texelFetch(uUnitFlags, ivec2(unit % uFlagsWidth, unit / uFlagsWidth), 0);
  bool selected = flags.r > 0.5 || aNodeSelected > 0.5;
  bool inCluster = flags.g > 0.5;
  bool inRange = aIndex.x >= uEpochRange.x && aIndex.x <= uEpochRange.y
    && aIndex.y >= uStepRange.x && aIndex.y <= uStepRange.y;
  if (!inRange || !(inCluster || uHighlightMode)) {
    // Outside the clip volume: the point is culled before rasterisation.
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    gl_PointSize = 0.0;
    return;
  }
  bool dimmed = (uHighlightMode && !inCluster) || (uAnySelected && !selected);
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
  // Emphasised points live in the front half of the depth range, dimmed ones in the back half,
  // so a selection is never hidden behind the rest of the cloud.
  float z = gl_Position.z;
  gl_Position.z = dimmed ? 0.5 * z + 0.5 * gl_Position.w : 0.5 * z - 0.5 * gl_Position.w;
  gl_PointSize = selected ? uPointSize * uSelectedScale : uPointSize;
  if (uPick) {
    int id = gl_VertexID + 1;
    vColor = vec4(float(id & 255), float((id >> 8) & 255), float((id >> 16) & 255), 255.0) / 255.0;
  } else {
    vColor = vec4(dimmed ? mix(color, uBackground, uDimAmount) : color, 1.0);
  }
  // The slice hovered on the entropy map (epoch index, step): larger, brighter, in front.
  if (uHighlightSlice.x >= 0.0 && abs(aIndex.x - uHighlightSlice.x) < 0.5 && abs(aIndex.y - uHighlightSlice.y) < 0.5) {
    gl_PointSize *= 2.0;
    gl_Position.z = 0.5 * z - 0.5 * gl_Position.w;
    if (!uPick) vColor = vec4(mix(color, vec3(1.0), 0.45), 1.0);
  }
}
`;

const FRAGMENT = /* glsl */ `
precision highp float;
in vec4 vColor;
out vec4 fragColor;
void main() {
  vec2 c = gl_PointCoord - 0.5;
  if (dot(c, c) > 0.25) discard;
  fragColor = vColor;
}
`;

/** Width of the unit flag texture; units wrap onto further rows. */
const FLAGS_WIDTH = 1024;

export class PointCloud {
  readonly points: THREE.Points;
  private readonly geometry: THREE.BufferGeometry;
  private readonly material: THREE.RawShaderMaterial;
  private readonly flags: THREE.DataTexture;
  private readonly colorAttribute: THREE.BufferAttribute;
  /** 1 per node in `selected_nodes` (lasso / box), drawn like the points of selected units. */
  private readonly nodeSelected: THREE.BufferAttribute;
  private anyNodeSelected = false;

  constructor(data: WidgetData, colors: Uint8Array, background: RGB) {
    this.geometry = new THREE.BufferGeometry();
    this.geometry.setAttribute("position", new THREE.BufferAttribute(data.positions, 3));
    this.geometry.setAttribute("aIndex", new THREE.BufferAttribute(indexAttribute(data.dims), 3));
    this.colorAttribute = new THREE.BufferAttribute(colors, 3, true);
    this.geometry.setAttribute("color", this.colorAttribute);
    this.nodeSelected = new THREE.BufferAttribute(new Uint8Array(data.n), 1, true);
    this.geometry.setAttribute("aNodeSelected", this.nodeSelected);
    // Positions are in [-1, 1]^3; a fixed sphere avoids an O(N) bounds pass.
    this.geometry.boundingSphere = new THREE.Sphere(new THREE.Vector3(), Math.sqrt(3));

    const U = Math.max(data.dims.nUnits, 1);
    const height = Math.ceil(U / FLAGS_WIDTH);
    this.flags = new THREE.DataTexture(new Uint8Array(FLAGS_WIDTH * height * 4), FLAGS_WIDTH, height);
    this.flags.magFilter = THREE.NearestFilter;
    this.flags.minFilter = THREE.NearestFilter;
    this.flags.generateMipmaps = false;

    this.material = new THREE.RawShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader: VERTEX,
      fragmentShader: FRAGMENT,
      blending: THREE.NoBlending,
      depthTest: true,
      depthWrite: true,
      uniforms: {
        uEpochRange: { value: new THREE.Vector2(0, -1) },
        uStepRange: { value: new THREE.Vector2(0, -1) },
        uPointSize: { value: POINT_SIZE_DEFAULT },
        uHighlightMode: { value: false },
        uAnySelected: { value: false },
        uPick: { value: false },
        // sRGB, like the colour attribute: the raw material writes colours unconverted.
        uBackground: { value: new THREE.Vector3(...background.map((c) => c / 255)) },
        uDimAmount: { value: DIM_AMOUNT },
        uSelectedScale: { value: SELECTED_SCALE },
        uUnitFlags: { value: this.flags },
        uFlagsWidth: { value: FLAGS_WIDTH },
        uHighlightSlice: { value: new THREE.Vector2(-1, -1) },
      },
    });
    this.points = new THREE.Points(this.geometry, this.material);
    this.points.frustumCulled = false;
  }

  setColors(colors: Uint8Array): void {
    this.colorAttribute.array = colors;
    this.colorAttribute.needsUpdate = true;
  }

  /** Apply the filter/selection part of a view: a few uniforms and the unit flag texture. */
  setView(data: WidgetData, view: View, pixelRatio: number): void {
    const u = this.material.uniforms;
    u.uEpochRange.value.set(view.epochLo, view.epochHi);
    u.uStepRange.value.set(view.stepLo, view.stepHi);
    u.uPointSize.value = view.pointSize * pixelRatio;
    u.uHighlightMode.value = view.clusterMode === "highlight";
    u.uAnySelected.value = view.selectedUnits.length > 0 || this.anyNodeSelected;
    unitFlags(data, view, this.flags.image.data as Uint8Array);
    this.flags.needsUpdate = true;
  }

  /** Emphasise the points of one slice (epoch index, step), or none with null. */
  highlightSlice(slice: { epoch: number; step: number } | null): void {
    this.material.uniforms.uHighlightSlice.value.set(slice?.epoch ?? -1, slice?.step ?? -1);
  }

  /** Mark the nodes of `selected_nodes` (sorted, in range); `setView` then applies the dimming. */
  setSelectedNodes(nodes: Int32Array): void {
    const flags = this.nodeSelected.array as Uint8Array;
    flags.fill(0);
    for (let i = 0; i < nodes.length; i++) flags[nodes[i]] = 255;
    this.anyNodeSelected = nodes.length > 0;
    this.nodeSelected.needsUpdate = true;
  }

  setPickMode(on: boolean): void {
    this.material.uniforms.uPick.value = on;
  }

  dispose(): void {
    this.geometry.dispose();
    this.material.dispose();
    this.flags.dispose();
  }
}

/** Node id from a pick pixel (RGBA bytes); -1 for background. */
export function decodePickId(r: number, g: number, b: number): number {
  return r + (g << 8) + (b << 16) - 1;
}
