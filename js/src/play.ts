/**
 * Playing through training (pure, unit-tested in node): an epoch window of `window` epochs slides
 * one epoch index at a time, `speed` epochs per second, from where it starts to the last epochs,
 * then wraps to the first (loop) or stops. The view turns each window into an `epoch_range`.
 */
import { PLAY_LOOP_DEFAULT, PLAY_SPEED_DEFAULT, PLAY_WINDOW_DEFAULT } from "./contract";
import type { Traits } from "./model";

/** The play traits, clamped (invalid values fall back to the contract's defaults). */
export interface PlaySettings {
  playing: boolean;
  window: number;
  speed: number;
  loop: boolean;
}

export function readPlay(get: <K extends keyof Traits>(name: K) => Traits[K] | undefined): PlaySettings {
  const window = Number(get("play_window"));
  const speed = Number(get("play_speed"));
  const loop = get("play_loop");
  return {
    playing: get("playing") === true,
    window: Number.isInteger(window) && window >= 1 ? window : PLAY_WINDOW_DEFAULT,
    speed: Number.isFinite(speed) && speed > 0 ? speed : PLAY_SPEED_DEFAULT,
    loop: typeof loop === "boolean" ? loop : PLAY_LOOP_DEFAULT,
  };
}

/** Window width clamped to [1, nEpochs] (1 when there are no epochs). */
export function clampWindow(window: number, nEpochs: number): number {
  const w = Number.isFinite(window) ? Math.round(window) : 1;
  return Math.min(Math.max(w, 1), Math.max(nEpochs, 1));
}

/** Index of the last window start. */
export function lastStart(nEpochs: number, window: number): number {
  return Math.max(nEpochs - clampWindow(window, nEpochs), 0);
}

/**
 * Where playing begins: at the shown range's first epoch, unless the window would not fit there or
 * it already stands at the end, then at the first epoch.
 */
export function startIndex(epochLo: number, nEpochs: number, window: number): number {
  const last = lastStart(nEpochs, window);
  return epochLo >= 0 && epochLo < last ? epochLo : 0;
}

export interface PlayStep {
  /** Index of the first epoch in the window. */
  start: number;
  /** Fraction of an epoch step accumulated towards the next one, in [0, 1). */
  carry: number;
  /** The window reached the end without looping: playing stops. */
  done: boolean;
}

/** Advance by `dt` seconds at `speed` epochs per second. */
export function advance(
  start: number,
  carry: number,
  dt: number,
  speed: number,
  nEpochs: number,
  window: number,
  loop: boolean,
): PlayStep {
  const last = lastStart(nEpochs, window);
  let total = carry + Math.max(dt, 0) * (speed > 0 && Number.isFinite(speed) ? speed : 0);
  let s = Math.min(Math.max(start, 0), last);
  while (total >= 1) {
    if (s >= last) {
      if (!loop) return { start: last, carry: 0, done: true };
      s = 0;
    } else s++;
    total -= 1;
    // A long stall (hidden tab) must not spin through thousands of windows.
    if (total > nEpochs + 1) total %= Math.max(nEpochs, 1);
  }
  return { start: s, carry: total, done: false };
}

/**
 * One view per model moves the window while playing. A widget shown in two cells has two views of
 * one model, each with its own animation frames; were both to step, every window would be sent
 * twice and the two could disagree for a frame. The first view to ask drives until it lets go
 * (play stops, or the view is closed); another view then takes over from the window shown.
 */
const drivers = new WeakMap<object, object>();

/** Whether `view` drives `model`'s playing: true when it already does, or when no view does. */
export function claimPlayDriver(model: object, view: object): boolean {
  const current = drivers.get(model);
  if (current !== undefined && current !== view) return false;
  drivers.set(model, view);
  return true;
}

/** `view` stops driving `model`'s playing (nothing when another view drives). */
export function releasePlayDriver(model: object, view: object): void {
  if (drivers.get(model) === view) drivers.delete(model);
}
