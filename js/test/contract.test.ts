import * as THREE from "three";
import { describe, expect, it } from "vitest";
import CONTRACT_JSON from "../../mmphate_widget/contract.json";
import { autoFitPosition, fitDistance } from "../src/camera";
import { MISSING, PLASMA, TAB10, TAB20, VIRIDIS } from "../src/colormaps";
import { CLUSTER_MODES, COLOR_BY, DATA_TRAITS, LIVE_TRAITS, STATE_TRAITS } from "../src/contract";
import type { ClusterMode, ColorBy, Traits } from "../src/model";
import { DATA_TRAITS as MODEL_DATA_TRAITS } from "../src/model";
import { PointCloud } from "../src/points";
import { clampClusterMode, clampColorBy, clampPointSize, parseCamera } from "../src/state";
import { BACKGROUND, CSS } from "../src/styles";
import { makeData } from "./fixtures";

const hex = (color: string) => Number.parseInt(color.slice(1), 16);
const rgb = (color: string) => [hex(color) >> 16, (hex(color) >> 8) & 255, hex(color) & 255];

// The compiler checks that these name every member of the types and nothing else; the tests then
// check that the contract lists exactly the same names.
const COLOR_BY_NAMES: Record<ColorBy, true> = {
  epoch: true,
  step: true,
  unit: true,
  cluster: true,
  intrastep_entropy: true,
  interstep_entropy: true,
  label: true,
};
const CLUSTER_MODE_NAMES: Record<ClusterMode, true> = { filter: true, highlight: true };
const TRAIT_NAMES: Record<keyof Traits, true> = {
  _positions: true,
  _dims: true,
  _epoch_numbers: true,
  _unit_clusters: true,
  _n_clusters: true,
  _cluster_stability: true,
  _unit_cluster_confidence: true,
  _intrastep_entropy: true,
  _interstep_entropy: true,
  _node_label: true,
  _class_names: true,
  _unit_names: true,
  _metrics: true,
  _metric_names: true,
  color_by: true,
  epoch_range: true,
  step_range: true,
  selected_clusters: true,
  cluster_mode: true,
  selected_units: true,
  point_size: true,
  camera: true,
  hovered_node: true,
  selected_nodes: true,
  playing: true,
  play_window: true,
  play_speed: true,
  play_loop: true,
  show_trajectories: true,
  _live_status: true,
  _history: true,
  _history_names: true,
};

const sorted = (names: readonly string[]) => [...names].sort();

describe("the model's types", () => {
  it("have the contract's colour modes and cluster modes", () => {
    expect(COLOR_BY).toEqual(CONTRACT_JSON.color_by);
    expect(sorted(COLOR_BY)).toEqual(sorted(Object.keys(COLOR_BY_NAMES)));
    expect(CLUSTER_MODES).toEqual(CONTRACT_JSON.cluster_modes);
    expect(sorted(CLUSTER_MODES)).toEqual(sorted(Object.keys(CLUSTER_MODE_NAMES)));
  });

  it("fall back to the contract's defaults for values the front end cannot use", () => {
    expect(clampColorBy("sparkles")).toBe(CONTRACT_JSON.defaults.color_by);
    expect(clampClusterMode(7)).toBe(CONTRACT_JSON.defaults.cluster_mode);
    expect(clampClusterMode("highlight")).toBe("highlight");
  });

  it("name the contract's synced traits", () => {
    expect(MODEL_DATA_TRAITS).toEqual(CONTRACT_JSON.traits.data);
    expect(STATE_TRAITS).toEqual(CONTRACT_JSON.traits.state);
    expect(LIVE_TRAITS).toEqual(CONTRACT_JSON.traits.live);
    expect(sorted([...DATA_TRAITS, ...STATE_TRAITS, ...LIVE_TRAITS])).toEqual(
      sorted(Object.keys(TRAIT_NAMES)),
    );
  });
});

describe("colours", () => {
  it("are the contract's maps, palettes and missing colour", () => {
    expect(VIRIDIS.stops).toEqual(CONTRACT_JSON.colors.viridis.map(hex));
    expect(PLASMA.stops).toEqual(CONTRACT_JSON.colors.plasma.map(hex));
    expect(TAB10).toEqual(CONTRACT_JSON.colors.tab10.map(hex));
    expect(TAB20).toEqual(CONTRACT_JSON.colors.tab20.map(hex));
    expect(MISSING).toEqual(rgb(CONTRACT_JSON.colors.missing));
  });

  it("use the contract's background in the scene and the stylesheet", () => {
    expect(BACKGROUND).toEqual(rgb(CONTRACT_JSON.colors.background));
    expect(CSS).toContain(`--bg: rgb(${BACKGROUND.join(", ")});`);
  });
});

describe("points", () => {
  it("clamp their size to the contract's range and default", () => {
    const [lo, hi] = CONTRACT_JSON.points.size_range;
    expect(clampPointSize(hi * 10)).toBe(hi);
    expect(clampPointSize(lo / 10)).toBe(lo);
    expect(clampPointSize(null)).toBe(CONTRACT_JSON.defaults.point_size);
  });

  it("are dimmed and scaled in the shader by the contract's amounts", () => {
    const cloud = new PointCloud(makeData(), new Uint8Array(24 * 3), BACKGROUND);
    const { uniforms, vertexShader } = cloud.points.material as THREE.RawShaderMaterial;
    expect(uniforms.uDimAmount.value).toBe(CONTRACT_JSON.colors.dim_amount);
    expect(uniforms.uSelectedScale.value).toBe(CONTRACT_JSON.points.selected_scale);
    expect(uniforms.uPointSize.value).toBe(CONTRACT_JSON.defaults.point_size);
    expect(uniforms.uBackground.value.toArray().map((c: number) => Math.round(c * 255))).toEqual(BACKGROUND);
    expect(vertexShader).toContain("mix(color, uBackground, uDimAmount)");
    expect(vertexShader).toContain("uPointSize * uSelectedScale");
    cloud.dispose();
  });
});

describe("the camera", () => {
  const camera = CONTRACT_JSON.camera;

  it("fits the data from the contract's direction, field of view and margin", () => {
    const position = autoFitPosition(0.8, 2);
    const target = new THREE.Vector3(...camera.target);
    const offset = position.clone().sub(target);
    const direction = new THREE.Vector3(...camera.view_direction).normalize();
    expect(offset.clone().normalize().distanceTo(direction)).toBeLessThan(1e-12);
    // A wide view: the vertical half-angle decides the distance.
    const half = THREE.MathUtils.degToRad(camera.fov_degrees) / 2;
    expect(offset.length()).toBeCloseTo((0.8 / Math.sin(half)) * camera.fit_margin, 10);
    expect(fitDistance(1, camera.fov_degrees, 2)).toBeCloseTo((1 / Math.sin(half)) * camera.fit_margin, 10);
  });

  it("fills a camera trait without target or up from the contract", () => {
    expect(parseCamera({ position: [0, 0, 5] })).toEqual({
      position: [0, 0, 5],
      target: camera.target,
      up: camera.up,
    });
  });
});
