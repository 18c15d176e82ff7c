/**
 * A live widget's status (`_live_status`, sent by `MMPHATEWidget.live` while a network trains):
 * parsing it, and the texts the view shows from it: the status line, the message in the viewport
 * before the first fit, and the last fit's error. Pure, so it is tested in node.
 */
import type { LiveStatusTrait } from "./model";

export type LiveState = "waiting" | "fitting" | "idle" | "stopped";

export interface LiveStatus {
  epochsRecorded: number;
  /** Epochs in the fit shown; 0 before the first. */
  epochsShown: number;
  fitting: boolean;
  nFits: number;
  error: string | null;
  stopped: boolean;
  lastFitSeconds: number | null;
  refitEvery: number;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The status, or null for a widget that is not live (`{}`, or anything without a recording count). */
export function parseLiveStatus(value: Partial<LiveStatusTrait> | null | undefined): LiveStatus | null {
  if (!value || typeof value !== "object" || !("epochs_recorded" in value)) return null;
  const seconds = value.last_fit_s;
  return {
    epochsRecorded: count(value.epochs_recorded),
    epochsShown: count(value.epochs_shown),
    fitting: value.fitting === true,
    nFits: count(value.n_fits),
    error: typeof value.error === "string" && value.error ? value.error : null,
    stopped: value.stopped === true,
    lastFitSeconds: typeof seconds === "number" && Number.isFinite(seconds) ? seconds : null,
    refitEvery: Math.max(count(value.refit_every), 1),
  };
}

export function liveState(s: LiveStatus): LiveState {
  if (s.fitting) return "fitting";
  if (s.stopped) return "stopped";
  return s.epochsShown > 0 ? "idle" : "waiting";
}

/** The status line, e.g. "live · 12 epochs recorded · fit on 10 shown · fitting…". */
export function statusLine(s: LiveStatus): string {
  const state = liveState(s);
  const parts = [
    `${plural(s.epochsRecorded, "epoch")} recorded`,
    s.epochsShown > 0 ? `fit on ${s.epochsShown} shown` : "no fit yet",
  ];
  if (state === "fitting") parts.push(s.stopped ? "final fit…" : "fitting…");
  else if (s.lastFitSeconds !== null) parts.push(`last fit ${s.lastFitSeconds.toFixed(1)} s`);
  return `${state === "stopped" || s.stopped ? "stopped" : "live"} · ${parts.join(" · ")}`;
}

/** The message in the viewport while nothing is fitted. */
export function waitingText(s: LiveStatus): string {
  if (s.fitting) return `Fitting MM-PHATE (${plural(s.epochsRecorded, "epoch")} recorded so far)…`;
  if (s.stopped) return "Stopped before any fit succeeded: nothing to show.";
  return `Waiting for the first fit: ${s.epochsRecorded} of ${s.refitEvery} epochs recorded`;
}

/** The error to show, or null. */
export function errorText(s: LiveStatus): string | null {
  if (!s.error) return null;
  return s.stopped
    ? `The last fit failed: ${s.error}`
    : `Last fit failed (the next one still runs): ${s.error}`;
}
