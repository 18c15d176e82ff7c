/**
 * The second part of the control bar (plain DOM): what a drag in the cloud does (rotate, box or
 * lasso selection), the play button with its window width, speed and loop, and the trajectories
 * switch. Like `controls.ts` it holds no state: `sync` mirrors the model, input goes to `events`.
 */
import type { PlaySettings } from "./play";

export type DragMode = "rotate" | "box" | "lasso";
const DRAG_MODES: readonly DragMode[] = ["rotate", "box", "lasso"];

export interface ToolEvents {
  playing(on: boolean): void;
  playWindow(epochs: number): void;
  playSpeed(epochsPerSecond: number): void;
  playLoop(on: boolean): void;
  trajectories(on: boolean): void;
}

function field(label: string, ...children: HTMLElement[]): HTMLDivElement {
  const div = document.createElement("div");
  div.className = "mmphate-field";
  const text = document.createElement("label");
  text.className = "mmphate-label";
  text.textContent = label;
  div.append(text, ...children);
  return div;
}

function numberInput(className: string, aria: string, min: string, step: string): HTMLInputElement {
  const input = document.createElement("input");
  input.type = "number";
  input.className = className;
  input.min = min;
  input.step = step;
  input.style.width = "4em";
  input.setAttribute("aria-label", aria);
  return input;
}

function checkbox(className: string, text: string): [HTMLLabelElement, HTMLInputElement] {
  const label = document.createElement("label");
  label.className = "mmphate-field";
  const input = document.createElement("input");
  input.type = "checkbox";
  input.className = className;
  label.append(input, text);
  return [label, input];
}

export class Tools {
  readonly el: HTMLDivElement;
  private readonly mode: HTMLSelectElement;
  private readonly play: HTMLButtonElement;
  private readonly window: HTMLInputElement;
  private readonly speed: HTMLInputElement;
  private readonly loop: HTMLInputElement;
  private readonly trajectories: HTMLInputElement;
  private isPlaying = false;

  constructor(events: ToolEvents) {
    this.el = document.createElement("div");
    this.el.className = "mmphate-tools";
    this.el.style.display = "contents";

    this.mode = document.createElement("select");
    this.mode.className = "mmphate-drag-mode";
    this.mode.setAttribute("aria-label", "drag mode");
    this.mode.title = "What dragging in the cloud does (Alt+drag draws a lasso in any mode)";
    for (const m of DRAG_MODES) {
      const option = document.createElement("option");
      option.value = m;
      option.textContent = m === "rotate" ? "rotate / pan" : `${m} select`;
      this.mode.append(option);
    }

    this.play = document.createElement("button");
    this.play.type = "button";
    this.play.className = "mmphate-play";
    this.play.addEventListener("click", () => events.playing(!this.isPlaying));
    this.window = numberInput("mmphate-play-window", "epochs per window", "1", "1");
    this.window.addEventListener("change", () => {
      const v = Math.round(Number(this.window.value));
      if (v >= 1) events.playWindow(v);
    });
    this.speed = numberInput("mmphate-play-speed", "epochs per second", "0.1", "0.5");
    this.speed.addEventListener("change", () => {
      const v = Number(this.speed.value);
      if (Number.isFinite(v) && v > 0) events.playSpeed(v);
    });
    const [loopLabel, loop] = checkbox("mmphate-play-loop", "loop");
    this.loop = loop;
    this.loop.addEventListener("change", () => events.playLoop(this.loop.checked));
    const [trajLabel, traj] = checkbox("mmphate-show-trajectories", "trajectories");
    this.trajectories = traj;
    this.trajectories.addEventListener("change", () => events.trajectories(this.trajectories.checked));
    this.el.append(
      field("drag", this.mode),
      field("play", this.play, this.window, this.speed),
      loopLabel,
      trajLabel,
    );
  }

  /** What a plain drag does now. */
  get dragMode(): DragMode {
    return this.mode.value as DragMode;
  }

  sync(play: PlaySettings, showTrajectories: boolean, nEpochs: number): void {
    this.isPlaying = play.playing;
    this.play.textContent = play.playing ? "❚❚ pause" : "▶ play";
    this.play.setAttribute("aria-pressed", String(play.playing));
    this.play.disabled = nEpochs <= 1;
    this.window.max = String(Math.max(nEpochs, 1));
    if (document.activeElement !== this.window) this.window.value = String(play.window);
    if (document.activeElement !== this.speed) this.speed.value = String(play.speed);
    this.loop.checked = play.loop;
    this.trajectories.checked = showTrajectories;
  }
}
