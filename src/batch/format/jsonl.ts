// The batch as JSON Lines for aggregation: one Report per line, or for an unreadable input its path and error.
import type { BatchEntry, BatchResult } from '../types.js';

/** One line: the entry's Report, or `{"schemaVersion":1,"input":{"path":…},"error":{"message":…,"exitCode":2}}`. */
export function jsonLine(entry: BatchEntry): string {
  const value = entry.report ?? { schemaVersion: 1, input: { path: entry.input }, error: entry.error };
  return `${JSON.stringify(value)}\n`;
}

export function formatBatchJsonLines(result: BatchResult): string {
  return result.entries.map(jsonLine).join('');
}
