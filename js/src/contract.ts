/**
 * The constants the front end shares with Python, from the package's contract.json (bundled by
 * esbuild; Python reads the same file through mmphate_widget.contract). Modules import them from
 * here with their types; none keeps a copy.
 */
import CONTRACT from "../../mmphate_widget/contract.json";
import type { ClusterMode, ColorBy, Traits } from "./model";

export type Vec3 = [number, number, number];

/** "#rrggbb" as 0xrrggbb. */
function hex(color: string): number {
  return Number.parseInt(color.slice(1), 16);
}

function vec3(v: readonly number[]): Vec3 {
  return [v[0], v[1], v[2]];
}

export default CONTRACT;
export const VERSION: string = CONTRACT.version;

/** Synced data traits, Python -> browser, sent once (a change rebuilds the scene). */
export const DATA_TRAITS = CONTRACT.traits.data as readonly (keyof Traits)[];
/** Synced state traits, both directions. */
export const STATE_TRAITS = CONTRACT.traits.state as readonly (keyof Traits)[];
/** A live widget's status and training history, Python -> browser, updated while training runs. */
export const LIVE_TRAITS = CONTRACT.traits.live as readonly (keyof Traits)[];
/** The values of `color_by`, in the order the control lists them. */
export const COLOR_BY = CONTRACT.color_by as readonly ColorBy[];
export const CLUSTER_MODES = CONTRACT.cluster_modes as readonly ClusterMode[];
/** The state traits' defaults, also the fallbacks for values the front end cannot use. */
export const COLOR_BY_DEFAULT = CONTRACT.defaults.color_by as ColorBy;
export const CLUSTER_MODE_DEFAULT = CONTRACT.defaults.cluster_mode as ClusterMode;
export const POINT_SIZE_DEFAULT: number = CONTRACT.defaults.point_size;
/** Playing through training: epochs in the window, epochs per second, whether to wrap around. */
export const PLAY_WINDOW_DEFAULT: number = CONTRACT.defaults.play_window;
export const PLAY_SPEED_DEFAULT: number = CONTRACT.defaults.play_speed;
export const PLAY_LOOP_DEFAULT: boolean = CONTRACT.defaults.play_loop;

/** Scene background, 0xrrggbb. */
export const BACKGROUND_HEX: number = hex(CONTRACT.colors.background);
/** Colour of missing (NaN) values, 0xrrggbb. */
export const MISSING_HEX: number = hex(CONTRACT.colors.missing);
/** How far dimmed points move towards the background, in [0, 1]. */
export const DIM_AMOUNT: number = CONTRACT.colors.dim_amount;
/** Stops of the sequential maps, 0xrrggbb. */
export const VIRIDIS_STOPS: readonly number[] = CONTRACT.colors.viridis.map(hex);
export const PLASMA_STOPS: readonly number[] = CONTRACT.colors.plasma.map(hex);
/** Categorical palettes, 0xrrggbb. */
export const TAB10_COLORS: readonly number[] = CONTRACT.colors.tab10.map(hex);
export const TAB20_COLORS: readonly number[] = CONTRACT.colors.tab20.map(hex);

/** Point sizes in CSS pixels. */
export const POINT_SIZE_MIN: number = CONTRACT.points.size_range[0];
export const POINT_SIZE_MAX: number = CONTRACT.points.size_range[1];
/** Size of the points of selected units, relative to the others. */
export const SELECTED_SCALE: number = CONTRACT.points.selected_scale;

/** Vertical field of view of the perspective camera, in degrees. */
export const CAMERA_FOV: number = CONTRACT.camera.fov_degrees;
/** Direction from the target to the auto-fit camera (not normalised). */
export const CAMERA_VIEW_DIRECTION: Vec3 = vec3(CONTRACT.camera.view_direction);
/** Factor on the distance at which the data's bounding sphere just fits the view. */
export const CAMERA_FIT_MARGIN: number = CONTRACT.camera.fit_margin;
/** Auto-fit target and up, also filled in for a `camera` trait that lacks them. */
export const CAMERA_TARGET: Vec3 = vec3(CONTRACT.camera.target);
export const CAMERA_UP: Vec3 = vec3(CONTRACT.camera.up);
