// Reads one file that is not a bundle: a Velero log (plain or gzipped), describe output, or a kubectl dump.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../errors.js';
import type { InputFormat, LogComponent, LogFile } from '../model/bundle.js';
import { parseLogLine } from '../logs/line.js';
import { parseDescribe, sniffDescribe } from './describe.js';
import { gunzipHead, gzipHoldsTar, sniffContainer } from './entries/index.js';
import { componentFromContent, componentFromFileName, newLogFile, scanLog } from './logs.js';
import { gunzipIfNeeded, type ReadContext } from './context.js';
import { extractObjects, parseDocuments, readAll, skippedItemsProblem, StructuredFileError } from './structured.js';
import { linesSource } from './results.js';
import { binaryKind, textLogHead } from './log-bytes.js';

/** Bytes looked at to decide what a file is. */
export const SNIFF_BYTES = 64 * 1024;

export type SingleFormat = Extract<InputFormat, 'log-file' | 'describe' | 'kubectl-dump'>;

async function readHead(path: string, gzipped: boolean): Promise<Buffer> {
  if (gzipped) return gunzipHead(path, SNIFF_BYTES);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of createReadStream(path, { start: 0, end: SNIFF_BYTES - 1 })) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks, total);
}

/**
 * What a Velero binary prints when it exits before its logger runs, with no `level=` / `msg=`: Velero's
 * `cmd.CheckError` (`An error occurred: unable to register plugin (kind=…`, `An error occurred: invalid
 * uploader type 'restic', valid type: 'kopia'`), and cobra's usage errors for the velero command
 * (`Error: unknown command "server-junk" for "velero"`). A ticket often carries a log of just that line.
 */
const CRASH_LINE = /^(?:An error occurred: \S|Error: .*\bfor "velero(?: [\w-]+)*"\s*$)/;

/**
 * cobra's flag error, which the Velero server or node-agent prints when started with a flag its release does
 * not define (velero#5782, `Error: unknown flag: --uploader-type`), then the usage of the velero command.
 * It names no program, so it counts only as the log's first line, alone or before a velero usage.
 */
const FLAG_ERROR = /^Error: unknown flag: --[A-Za-z0-9][\w-]*$/;
const VELERO_USAGE = /^ {2}velero(?: [\w-]+)* \[flags\]$/;

function isFlagErrorLog(lines: readonly string[]): boolean {
  if (!FLAG_ERROR.test(lines[0] ?? '')) return false;
  return lines.length === 1 || (lines[1] === 'Usage:' && VELERO_USAGE.test(lines[2] ?? ''));
}

function looksLikeLog(head: string): boolean {
  const lines = head
    .split('\n')
    .slice(0, 200)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim());
  for (const line of lines) {
    const p = parseLogLine(line);
    if (p.format !== 'text' && (p.level !== undefined || p.msg !== undefined)) return true;
    if (CRASH_LINE.test(line)) return true;
  }
  return isFlagErrorLog(lines);
}

function looksLikeDump(head: string): boolean {
  const trimmed = head.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    // A JSON-format log is one object per line with level / msg; a dump is one document with kind / items.
    const firstLine = trimmed.split('\n', 1)[0]!;
    try {
      const obj = JSON.parse(firstLine) as Record<string, unknown>;
      if (obj && typeof obj === 'object' && ('level' in obj || 'msg' in obj) && !('kind' in obj)) return false;
    } catch {
      // Not a one-line JSON object: a pretty-printed document.
    }
    return /"(kind|apiVersion|items|metadata)"\s*:/.test(head);
  }
  return /^(---\s*$|apiVersion:|kind:|items:|- apiVersion:)/m.test(head) && /^\s*(- )?(apiVersion|kind|metadata):/m.test(head);
}

/** What the content of a single file is, or undefined when it is none of the things we read. */
export function sniffSingle(head: string): SingleFormat | undefined {
  if (sniffDescribe(head)) return 'describe';
  if (looksLikeDump(head)) return 'kubectl-dump';
  if (looksLikeLog(head)) return 'log-file';
  return undefined;
}

/** What a regular file is, by its first bytes, without reading it; undefined for anything we do not read. */
export async function detectSingle(path: string): Promise<{ format: SingleFormat; gzipped: boolean } | undefined> {
  const container = await sniffContainer(path);
  if (container === 'tar') return undefined;
  const gzipped = container === 'gzip';
  if (gzipped && (await gzipHoldsTar(path))) return undefined;
  const bytes = await readHead(path, gzipped);
  if (bytes.length === 0 || binaryKind(bytes)) return undefined;
  const format = sniffSingle(textLogHead(bytes.toString('utf8')));
  return format ? { format, gzipped } : undefined;
}

/** Reads `path` (a regular file, possibly gzipped, not an archive) into the context's builder. */
export async function readSingleFile(path: string, ctx: ReadContext, gzipped: boolean, forced?: SingleFormat): Promise<SingleFormat> {
  const bytes = await readHead(path, gzipped);
  if (bytes.length === 0) throw new InputError(path, gzipped ? 'the gzip file is empty or truncated before any content' : 'the file is empty');
  const binary = binaryKind(bytes);
  if (binary && !forced) throw new InputError(path, `${binary}, not a log, describe output, kubectl dump or bundle`);
  // NUL padding, a BOM or CR line ends leave a log a log.
  const head = textLogHead(bytes.toString('utf8'));
  const format = forced ?? sniffSingle(head);
  if (!format) throw new InputError(path, 'not a Velero log, describe output, kubectl dump or bundle (nothing in it is recognizable)');
  const name = basename(path);
  const content = () => ctx.metered(gunzipIfNeeded(createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>));
  switch (format) {
    case 'kubectl-dump':
      await readDump(path, name, content(), ctx);
      break;
    case 'describe':
      await readDescribe(path, name, content(), ctx);
      break;
    case 'log-file':
      await readLog(path, name, head, ctx.metered(ctx.inflateLog(createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>, name)), ctx);
      break;
  }
  return format;
}

async function readDump(path: string, name: string, source: AsyncIterable<Buffer>, ctx: ReadContext): Promise<void> {
  let documents: unknown[];
  try {
    const data = await readAll(source, ctx.budget.maxStructuredFileBytes, name);
    documents = parseDocuments(data.toString('utf8'), ctx.budget, { yaml: true });
  } catch (error) {
    if (error instanceof StructuredFileError) throw new InputError(path, error.message);
    throw new InputError(path, (error as Error).message, { cause: error });
  }
  const { objects, skipped, lists } = extractObjects(documents);
  // An empty List is what `kubectl get` prints when nothing of the kind exists: an answer, not a broken file.
  if (objects.length === 0 && lists === 0) throw new InputError(path, 'no Kubernetes objects in it (no kind and metadata.name)');
  for (const object of objects) ctx.builder.addObject(object, name);
  if (skipped > 0) ctx.builder.addProblem(name, skippedItemsProblem(skipped));
}

async function readDescribe(path: string, name: string, source: AsyncIterable<Buffer>, ctx: ReadContext): Promise<void> {
  const text = (await readAll(source, ctx.budget.maxStructuredFileBytes, name)).toString('utf8');
  const kind = sniffDescribe(text) ?? 'Backup';
  const described = parseDescribe(text, kind);
  if (!described) throw new InputError(path, `no ${kind.toLowerCase()} name in the describe output`);
  ctx.builder.addObject(described.object, name, { synthesized: true });
  const owner: { kind: 'Backup' | 'Restore'; name: string; namespace?: string } = { kind, name: described.object.metadata.name };
  if (described.object.metadata.namespace) owner.namespace = described.object.metadata.namespace;
  const file = newLogFile({ path: name, input: ctx.inputPath, component: 'describe', owner });
  ctx.builder.addLog(file);
  await scanLog(file, linesSource([text.replace(/\n$/, '')]), ctx.scanner);
}

async function readLog(path: string, name: string, head: string, source: AsyncIterable<Buffer>, ctx: ReadContext): Promise<void> {
  const byName = componentFromFileName(name);
  const byContent = componentFromContent(head);
  let component: LogComponent = byName?.component ?? byContent.component;
  // The content's owner (`backup=<ns>/<name>` on most lines) is surer than a file name, which may carry a prefix.
  let owner: LogFile['owner'];
  if (component === 'backup-log' || component === 'restore-log') {
    const kind = component === 'backup-log' ? 'Backup' : 'Restore';
    const fromContent = byContent.owner?.kind === kind ? byContent.owner : undefined;
    owner = fromContent ?? (byName?.owner ? { kind, name: byName.owner.name } : undefined);
  } else if (!byName && (byContent.component === 'backup-log' || byContent.component === 'restore-log')) {
    component = byContent.component;
    owner = byContent.owner;
  }
  const file = newLogFile({ path: name, input: ctx.inputPath, component });
  if (owner) file.owner = owner;
  ctx.builder.addLog(file);
  let bytes = 0;
  const counted = async function* () {
    for await (const chunk of source) {
      bytes += chunk.length;
      yield chunk;
    }
  };
  try {
    await scanLog(file, counted(), ctx.scanner);
  } catch (error) {
    const reason = /unexpected end of file/i.test((error as Error).message) ? 'the gzip stream is truncated' : (error as Error).message;
    if (bytes === 0) throw new InputError(path, reason, { cause: error });
    ctx.builder.addProblem(name, `${reason}; read the first ${bytes} bytes`);
  }
}
