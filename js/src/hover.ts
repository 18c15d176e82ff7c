/**
 * Hover bookkeeping, apart from the DOM and the scene: where the next pick should happen (at most
 * one per frame, whatever the rate of pointer events), which node is hovered, and the throttled
 * `hovered_node` messages to the kernel, which always end on the latest value.
 */
import type { Point } from "./pointer";

/** Minimum interval between `hovered_node` messages to the kernel. */
export const HOVER_MESSAGE_MS = 120;

/**
 * Sends at most one value per `intervalMs`, always delivering the latest one and never repeating
 * the value sent last. The first value goes out on the next turn of the event loop.
 */
export class LatestThrottle<T> {
  private readonly send: (value: T) => void;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private latest: T;
  private sent: T;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSend = Number.NEGATIVE_INFINITY;

  /** `initial` counts as already sent; `now` is a millisecond clock. */
  constructor(send: (value: T) => void, initial: T, intervalMs: number, now = () => performance.now()) {
    this.send = send;
    this.intervalMs = intervalMs;
    this.now = now;
    this.latest = initial;
    this.sent = initial;
  }

  push(value: T): void {
    this.latest = value;
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastSend + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastSend = this.now();
      if (this.latest !== this.sent) {
        this.sent = this.latest;
        this.send(this.latest);
      }
    }, wait);
  }

  /** Drop a pending send. */
  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

export class Hover {
  /** The hovered node, -1 for none. */
  private node = -1;
  private pending: Point | null = null;
  private readonly messages: LatestThrottle<number>;

  /** `send` delivers `hovered_node` values to the kernel. */
  constructor(send: (node: number) => void, intervalMs = HOVER_MESSAGE_MS, now?: () => number) {
    this.messages = new LatestThrottle<number>(send, -1, intervalMs, now);
  }

  get hovered(): number {
    return this.node;
  }

  /** Ask for a pick at canvas point `p`; a later request before the next frame replaces it. */
  request(p: Point): void {
    this.pending = p;
  }

  /** The point to pick at this frame, if any; taking it clears the request. */
  take(): Point | null {
    const p = this.pending;
    this.pending = null;
    return p;
  }

  /** Record the picked node; true when it changed (the kernel hears of it, throttled). */
  set(node: number): boolean {
    if (node === this.node) return false;
    this.node = node;
    this.messages.push(node);
    return true;
  }

  /** Forget the pending pick and hover nothing; true when a node was hovered. */
  clear(): boolean {
    this.pending = null;
    return this.set(-1);
  }

  dispose(): void {
    this.messages.dispose();
  }
}
