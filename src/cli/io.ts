// Terminal and file output for the CLI: errors on stderr, reports to stdout or files.
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FORMAT_EXTENSIONS, type FormatName } from '../formatters/names.js';
import type { Report } from '../report/types.js';
import { visibleText } from '../report/visible.js';
import { describeFsError, makeDirs, OutputPathError, removeDirs } from '../util/output-path.js';

/**
 * A reader that goes away (`snapshot-doctor rules list | head -1`) closes the pipe: what is left to
 * write is dropped without a stack trace, and the run still ends with its own exit code.
 */
export function dropWritesToClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
      stream.destroy();
    });
  }
}

/** One message on stderr; names and text from the input never reach the terminal with raw escapes. */
export function printError(message: string): void {
  process.stderr.write(`snapshot-doctor: ${visibleText(message)}\n`);
}

export function printInfo(message: string, quiet = false): void {
  if (!quiet) process.stderr.write(`${message}\n`);
}

/** Writes one output file, making its folders level by level and removing them again if the write fails. */
export async function writeOutput(path: string, content: string): Promise<void> {
  const made = await makeDirs(dirname(path), path);
  try {
    await writeFile(path, content);
  } catch (error) {
    await removeDirs(made);
    throw new OutputPathError(path, `cannot write: ${describeFsError(error)}`, { cause: error });
  }
}

/** Colours on a terminal unless NO_COLOR is set; FORCE_COLOR (other than 0) turns them on anywhere. */
export function wantColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (force === '0' || force === 'false') return false;
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

export interface WriteReportsOptions {
  formats: FormatName[];
  output?: string;
  outputDir?: string;
  /** Base name of files written into outputDir. */
  baseName?: string;
  color: boolean;
  /** Columns of the terminal the text report is shown on. */
  width?: number;
  /** Called before each file is written (a progress display names it). */
  onWriting?: (path: string) => void;
}

/** Writes one format to stdout or --output, or several into --output-dir; returns the paths written. */
export async function writeReports(report: Report, options: WriteReportsOptions): Promise<string[]> {
  const { formatReport } = await import('../formatters/index.js');
  const written: string[] = [];
  if (options.outputDir) {
    for (const format of options.formats) {
      const path = resolve(join(options.outputDir, `${options.baseName ?? 'report'}.${FORMAT_EXTENSIONS[format]}`));
      options.onWriting?.(path);
      await writeOutput(path, formatReport(report, format, { color: false }));
      written.push(path);
    }
    return written;
  }
  const format = options.formats[0] ?? 'text';
  if (options.output) {
    options.onWriting?.(options.output);
    await writeOutput(options.output, formatReport(report, format as FormatName, { color: false }));
    written.push(resolve(options.output));
  } else {
    process.stdout.write(formatReport(report, format as FormatName, { color: options.color, width: options.width }));
  }
  return written;
}
