// Which inputs a batch analyzes: files as given; a folder that is a bundle as itself; any other folder as each of its entries.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { byCodeUnits } from '../util/compare.js';

/** Entries at the top of an unpacked bundle (troubleshoot, `snapshot-doctor collect`, `velero debug`). */
const BUNDLE_MARKERS = new Set(['version.yaml', 'cluster-resources', 'cluster-info', 'kubecapture', 'analysis.json']);
/** A folder's notes, not inputs. */
const NOT_INPUTS = /^(\..*|README(\..*)?|.*\.md)$/i;

/**
 * Expands each input: a file stays as it is; a folder with a bundle's top-level entries is one
 * input; any other folder stands for its entries (bundles, archives, log files), one level deep.
 * A path that cannot be read stays as it is, so that its analysis reports the error on its row.
 */
export async function expandInputs(inputs: string[]): Promise<string[]> {
  const expanded: string[] = [];
  for (const input of inputs) {
    let names: string[];
    try {
      if (!(await stat(input)).isDirectory()) {
        expanded.push(input);
        continue;
      }
      names = await readdir(input);
    } catch {
      expanded.push(input);
      continue;
    }
    if (names.some((name) => BUNDLE_MARKERS.has(name))) {
      expanded.push(input);
      continue;
    }
    const entries = names.filter((name) => !NOT_INPUTS.test(name)).sort(byCodeUnits);
    // An empty folder is still an input: its row says there was nothing to read.
    if (entries.length === 0) expanded.push(input);
    else expanded.push(...entries.map((name) => join(input, name)));
  }
  return expanded;
}
