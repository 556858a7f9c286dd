// One input of a batch analyzed, with any failure turned into its one-line error (never thrown): the same on a worker or inline.
import { analyze } from '../analyze.js';
import { ExitCode } from '../constants.js';
import { SnapshotDoctorError } from '../errors.js';
import type { BatchAnalyzeOptions, BatchAnswer } from './protocol.js';

export async function runOne(id: number, input: string, options: BatchAnalyzeOptions): Promise<BatchAnswer> {
  try {
    const report = await analyze([input], {
      inputFormat: options.inputFormat,
      rulesDirs: options.rulesDirs ?? [],
      config: options.config,
      now: options.now ? new Date(options.now) : undefined,
    });
    return { id, report };
  } catch (error) {
    if (error instanceof SnapshotDoctorError) return { id, error: { message: error.message, exitCode: error.exitCode } };
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { id, error: { message: `${input}: internal error: ${message}`, exitCode: ExitCode.FATAL } };
  }
}
