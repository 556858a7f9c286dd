// Puts a report's findings into a bundle archive as `analysis.json` at its root, where tools that open troubleshoot bundles look.
import { Readable } from 'node:stream';
import { posix } from 'node:path';
import { formatTroubleshoot } from '../formatters/troubleshoot.js';
import { openEntries } from '../readers/entries/index.js';
import type { Report } from '../report/types.js';
import { BundleWriter } from './writer.js';

/** troubleshoot's name for the analyzer results at a bundle's root. */
export const ANALYSIS_FILE = 'analysis.json';

/**
 * Rewrites the .tar.gz at `bundlePath` with `analysis.json` (the report as troubleshoot analyzer
 * results) at its root, replacing one that is there. A tar archive cannot grow in place: the entries
 * are copied into a new archive, which replaces the old one only once it is complete.
 */
export async function writeBundleAnalysis(bundlePath: string, report: Report, options: { level?: number } = {}): Promise<void> {
  const source = await openEntries(bundlePath);
  let writer: BundleWriter | undefined;
  try {
    for await (const entry of source) {
      // The root is known once the first entry is read.
      writer ??= await BundleWriter.create(bundlePath, { root: source.root, level: options.level });
      if (entry.path === ANALYSIS_FILE) continue;
      if (entry.type === 'symlink') {
        if (entry.linkTarget !== undefined) await writer.addSymlink(entry.path, posix.relative(posix.dirname(entry.path), entry.linkTarget));
        continue;
      }
      await writer.addStream(entry.path, Readable.from(entry.stream()), entry.size);
    }
    writer ??= await BundleWriter.create(bundlePath, { root: source.root, level: options.level });
    await writer.addFile(ANALYSIS_FILE, formatTroubleshoot(report));
    await writer.close();
  } catch (error) {
    await writer?.abort();
    throw error;
  }
}
