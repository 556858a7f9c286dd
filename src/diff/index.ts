// diff(): analyze two inputs of one cluster and compare them (the library side of `snapshot-doctor diff`).
import { analyzeWithBundle, type AnalyzeOptions } from '../analyze.js';
import { diffReports } from './compare.js';
import { identityOf } from './identity.js';
import type { DiffReport } from './types.js';

export { diffReports, identityFromReport, type DiffOptions } from './compare.js';
export { identityOf } from './identity.js';
export type * from './types.js';

/**
 * Analyzes the older and the newer input (each a path or several merged) with the same options and
 * compares them. Never prints, never exits: unreadable input throws SnapshotDoctorError.
 */
export async function diff(
  oldInputs: string | string[],
  newInputs: string | string[],
  options: Omit<AnalyzeOptions, 'now' | 'onProgress'> & { now?: Date } = {},
): Promise<DiffReport> {
  const { now, ...analyzeOptions } = options;
  const older = await analyzeWithBundle(oldInputs, analyzeOptions);
  const newer = await analyzeWithBundle(newInputs, analyzeOptions);
  return diffReports(older.report, newer.report, {
    identities: { old: identityOf(older.bundle), new: identityOf(newer.bundle) },
    now,
  });
}
