/** Axis maths for the SVG charts: linear scales, "nice" tick values and tick labels. */

export interface Scale {
  (v: number): number;
  domain: [number, number];
  range: [number, number];
}

/** Linear map from `domain` to `range`; a degenerate domain is widened by 1 around its value. */
export function linearScale(domain: [number, number], range: [number, number]): Scale {
  let [d0, d1] = domain;
  if (!(d1 > d0)) {
    d0 -= 0.5;
    d1 += 0.5;
  }
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  const scale = ((v: number) => r0 + (v - d0) * k) as Scale;
  scale.domain = [d0, d1];
  scale.range = [r0, r1];
  return scale;
}

/** Step between ticks: 1, 2 or 5 times a power of ten, giving about `count` intervals over [lo, hi]. */
export function tickStep(lo: number, hi: number, count: number): number {
  const raw = Math.abs(hi - lo) / Math.max(count, 1);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / power;
  // Thresholds at the geometric means of 1, 2, 5, 10 pick the closest step.
  return (ratio >= Math.sqrt(50) ? 10 : ratio >= Math.sqrt(10) ? 5 : ratio >= Math.sqrt(2) ? 2 : 1) * power;
}

/** Round tick values within [lo, hi]; `integer` keeps only whole numbers (epoch numbers). */
export function niceTicks(lo: number, hi: number, count = 5, integer = false): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  let step = tickStep(lo, hi, count);
  if (integer) step = Math.max(1, Math.round(step));
  const start = Math.ceil(lo / step - 1e-9);
  const stop = Math.floor(hi / step + 1e-9);
  const ticks: number[] = [];
  for (let i = start; i <= stop; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** Short label for a tick value; `step` sets the number of decimals. */
export function formatTick(v: number, step: number): string {
  const decimals = step > 0 && step < 1 ? Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)) : 0;
  if (Math.abs(v) >= 1e5 || (Math.abs(v) > 0 && Math.abs(v) < 1e-4)) return v.toExponential(1);
  return v.toFixed(decimals);
}

/** Compact number for tooltips and legends. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return "–";
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return v.toPrecision(a >= 100 ? 5 : 3);
}
