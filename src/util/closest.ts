// The known names closest to one a person typed: for "did you mean" lines (options, rule ids).
import { byCodeUnits } from './compare.js';

/** Damerau-Levenshtein distance (adjacent swaps count once: `fial` → `fail`). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The names closest to `typed`, at most `max`: those that start with it, then those that hold it,
 * then those within a few edits (a third of its length, at least two), nearest first; ties by name.
 */
export function closestNames(typed: string, names: readonly string[], max = 5): string[] {
  const wanted = typed.trim().toLowerCase();
  if (wanted === '') return [];
  const prefix = names.filter((n) => n.toLowerCase().startsWith(wanted)).sort(byCodeUnits);
  const inside = names.filter((n) => !prefix.includes(n) && n.toLowerCase().includes(wanted)).sort(byCodeUnits);
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  const near = names
    .filter((n) => !prefix.includes(n) && !inside.includes(n))
    .map((n) => ({ n, d: editDistance(wanted, n.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || byCodeUnits(a.n, b.n))
    .map((x) => x.n);
  return [...prefix, ...inside, ...near].slice(0, max);
}
