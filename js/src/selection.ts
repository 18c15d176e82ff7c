/** Selection logic for clicks in the point cloud (pure, so it is unit-tested without a browser). */

/**
 * The new `selected_units` after a click. `unit` is the picked node's unit, or null for a click on
 * empty space. A plain click selects only that unit; shift-click toggles it in the selection;
 * a plain click on empty space clears, a shift-click on empty space keeps the selection.
 */
export function clickSelection(selected: readonly number[], unit: number | null, shift: boolean): number[] {
  if (unit === null) return shift ? [...selected] : [];
  if (!shift) return [unit];
  return selected.includes(unit) ? selected.filter((u) => u !== unit) : [...selected, unit];
}

export function sameIndices(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
