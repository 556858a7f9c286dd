// A progress bar on stderr while inputs are read: only on a terminal, never with --quiet.
import cliProgress from 'cli-progress';
import type { ReadProgress } from '../readers/index.js';

export interface ProgressDisplay {
  update: (progress: ReadProgress) => void;
  stop: () => void;
}

export function createProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY || !process.stdout.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{phase} [{bar}] {percentage}% | {value}/{total} MB',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      const totalMb = Math.max(1, Math.round(progress.totalBytes / 1e6));
      const doneMb = Math.min(totalMb, Math.round(progress.bytesRead / 1e6));
      if (!started) {
        bar.start(totalMb, doneMb, { phase: progress.phase });
        started = true;
      } else bar.update(doneMb, { phase: progress.phase });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
