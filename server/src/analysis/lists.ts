/** Small list helpers shared by the analysis modules. */

/** Whether both lists hold the same values (by identity: `===`) in the same order. */
export function sameList<T>(a: readonly T[] | null, b: readonly T[]): boolean {
  if (a === b) return true;
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
