// readInputs: detects what each input is (bundle archive or folder, log, describe output, kubectl dump) and reads them all into one Bundle.
import { stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { BundleBuilder } from '../model/build.js';
import type { Bundle, InputFormat } from '../model/bundle.js';
import { readBundle } from './bundle/read-bundle.js';
import { ReadContext } from './context.js';
import { gzipHoldsTar, openEntries, sniffContainer } from './entries/index.js';
import { readSingleFile, type SingleFormat } from './single.js';
import { resolveBudget, type ReadOptions } from './types.js';

export type { ReadBudget, ReadOptions, ReadProgress } from './types.js';
export { DEFAULT_BUDGET, resolveBudget } from './types.js';
export { openEntries } from './entries/index.js';
export type { Entry, EntrySource } from './entries/index.js';

const BUNDLE_FORMATS: readonly InputFormat[] = ['troubleshoot', 'velero-debug', 'snapshot-doctor'];

/**
 * Reads every input into one Bundle (a support bundle plus the backup log from the same ticket merge).
 * Logs stream through `options.scanner` as they are read. Throws InputError, naming the input, when one
 * cannot be read at all; what is only partly readable is listed under `problems`.
 */
export async function readInputs(paths: string[], options: ReadOptions = {}): Promise<Bundle> {
  if (paths.length === 0) throw new InputError('(no input)', 'give at least one bundle, folder or file to analyze');
  const builder = new BundleBuilder();
  const ctx = new ReadContext(builder, resolveBudget(options.budget), options.scanner, options.onProgress);
  for (const path of paths) {
    ctx.inputPath = path;
    const format = await readInput(path, ctx, options.inputFormat);
    builder.addInput({ path, format });
  }
  return builder.build();
}

async function readInput(path: string, ctx: ReadContext, forced: InputFormat | undefined): Promise<InputFormat> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' ? 'no such file or folder' : (error as Error).message);
  }
  const forcedBundle = forced && BUNDLE_FORMATS.includes(forced) ? forced : undefined;
  const forcedSingle = forced && !forcedBundle ? (forced as SingleFormat) : undefined;
  if (info.isDirectory()) {
    if (forcedSingle) throw new InputError(path, `a folder cannot be read as ${forcedSingle}`);
    return readBundle(await openEntries(path, ctx.budget), ctx, forcedBundle);
  }
  if (!info.isFile()) throw new InputError(path, 'not a regular file or folder');
  let container;
  try {
    container = await sniffContainer(path);
  } catch (error) {
    throw new InputError(path, (error as Error).message);
  }
  const isArchive = container === 'tar' || (container === 'gzip' && (await gzipHoldsTar(path)));
  if (isArchive && !forcedSingle) {
    const source = await openEntries(path, ctx.budget);
    try {
      return await readBundle(source, ctx, forcedBundle);
    } finally {
      ctx.progress(source, true);
    }
  }
  if (forcedBundle) throw new InputError(path, `not a ${forcedBundle} bundle: neither a folder nor a tar archive`);
  return readSingleFile(path, ctx, container === 'gzip', forcedSingle);
}
