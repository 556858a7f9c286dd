// readInputs: detects what each input is (bundle archive or folder, log, describe output, kubectl dump) and reads them all into one Bundle.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BudgetError, InputError } from '../errors.js';
import { BundleBuilder } from '../model/build.js';
import type { Bundle, InputFormat, InputInfo } from '../model/bundle.js';
import { NotABundleError, readBundle } from './bundle/read-bundle.js';
import { ReadContext } from './context.js';
import { ReadMeter } from './progress.js';
import { estimateInputBytes } from './size-estimate.js';
import { gzipHoldsTar, openEntries, sniffContainer, statInput } from './entries/index.js';
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
  const budget = resolveBudget(options.budget);
  const meter = new ReadMeter(options.onProgress, 'reading');
  if (options.onProgress) meter.plan(await Promise.all(paths.map((p) => estimateInputBytes(p, budget.maxEntries))));
  const ctx = new ReadContext(builder, budget, options.scanner, meter);
  for (const path of paths) {
    meter.beginInput(path);
    ctx.inputPath = path;
    try {
      const format = await readInput(path, ctx, options.inputFormat);
      builder.addInput({ path, format });
    } catch (error) {
      if (!(error instanceof NotABundleError) || options.inputFormat || !(await stat(path)).isDirectory()) throw error;
      // A ticket's folder (a bundle archive, a server log, a describe output, a dump): each is an input.
      const problemsBefore = builder.problems.length;
      const files = await ticketFolder(path, ctx);
      if (files.length === 0) {
        builder.problems.length = problemsBefore;
        throw error;
      }
      for (const info of files) builder.addInput(info);
    }
  }
  meter.finish();
  return builder.build();
}

/**
 * A ticket's folder (no bundle layout of its own): every file and folder at its top is read as if it
 * had been given on the command line (bundle archives and unpacked bundles included); what is not
 * read is listed under `problems` with the reason. Budget errors still stop the run.
 */
async function ticketFolder(folder: string, ctx: ReadContext): Promise<InputInfo[]> {
  const read: InputInfo[] = [];
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const d of entries) {
    const path = join(folder, d.name);
    if (!d.isFile() && !d.isDirectory()) {
      ctx.builder.addProblem(d.name, 'skipped: not a regular file or folder');
      continue;
    }
    ctx.inputPath = path;
    try {
      read.push({ path, format: await readInput(path, ctx, undefined) });
    } catch (error) {
      if (error instanceof BudgetError || !(error instanceof InputError)) throw error;
      ctx.builder.addProblem(d.name, `skipped: ${error.problem}`);
    }
  }
  return read;
}

async function readInput(path: string, ctx: ReadContext, forced: InputFormat | undefined): Promise<InputFormat> {
  const info = await statInput(path);
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
