// Log files: which component wrote them, the LogFile record, and streaming them through the scanner (or a counter).
import { parseLogLine } from '../logs/line.js';
import { parseStartup, STARTUP_LITERAL } from '../logs/startup.js';
import { normalizeVersion } from '../model/versions.js';
import type { LogComponent, LogFile, LogScanner } from '../model/bundle.js';
import { textLogChunks } from './log-bytes.js';

/** Lines kept in `LogFile.tail` by the built-in counter. */
export const TAIL_LINES = 30;

export function newLogFile(init: Omit<LogFile, 'bytes' | 'lines' | 'tail' | 'hits' | 'hitCounts' | 'previous'> & { previous?: boolean }): LogFile {
  return { previous: false, ...init, bytes: 0, lines: 0, tail: [], hits: [], hitCounts: {} };
}

const PLUGIN_CONTAINER = /plugin|^local-volume-provider$|^replicated-kots|^velero-plugin/;

/**
 * The component of a container log in a bundle, from the pod and container names (the pod objects may
 * only arrive later in the archive): `velero` → server; `node-agent`/`restic` → node-agent; plugin init
 * containers → plugin; kotsadm → kotsadm; `*-maintain-job-*` → maintenance; data-mover pods (one container,
 * named like the pod, as Velero 1.15+ creates them for each DataUpload / DataDownload / PodVolumeBackup) → data-mover.
 */
export function componentForContainer(pod: string, container: string): LogComponent {
  if (/-maintain-job-/.test(pod)) return 'maintenance';
  if (container === 'velero') return 'server';
  if (container === 'node-agent' || container === 'restic') return 'node-agent';
  if (PLUGIN_CONTAINER.test(container)) return 'plugin';
  if (container === 'kotsadm' || /^kotsadm(-|$)/.test(pod) && container.startsWith('kotsadm')) return 'kotsadm';
  if (container === pod) return 'data-mover';
  return 'other';
}

export interface OwnerHint {
  kind: 'Backup' | 'Restore';
  name: string;
}

/**
 * What a single log file's name says: `node-agent`/`restic` → node-agent; `backup-<b>.log`, `backup_<b>.log`,
 * `<b>-logs.gz` → that backup's log; `restore-…` → a restore log; `kotsadm` → kotsadm. Undefined when the
 * name says nothing (`velero.log`), and the content decides.
 */
export function componentFromFileName(fileName: string): { component: LogComponent; owner?: OwnerHint } | undefined {
  const name = fileName.toLowerCase();
  if (name.includes('node-agent') || name.includes('restic')) return { component: 'node-agent' };
  const base = fileName.replace(/\.gz$/i, '').replace(/\.(log|txt)$/i, '');
  let m = /^restore[-_](.+)$/i.exec(base);
  if (m) return { component: 'restore-log', owner: { kind: 'Restore', name: stripLogsSuffix(m[1]!) } };
  m = /^backup[-_](.+)$/i.exec(base);
  if (m) return { component: 'backup-log', owner: { kind: 'Backup', name: stripLogsSuffix(m[1]!) } };
  if (/-logs\.gz$/i.test(fileName)) {
    const owner = fileName.replace(/-logs\.gz$/i, '');
    // The BSL names restore logs `restore-<r>-logs.gz`, handled above; everything else is a backup's.
    return { component: 'backup-log', owner: { kind: 'Backup', name: owner } };
  }
  if (name.includes('kotsadm')) return { component: 'kotsadm' };
  return undefined;
}

function stripLogsSuffix(name: string): string {
  return name.replace(/-logs$/i, '');
}

/**
 * The component of a log by its first lines: a backup or restore log carries `backup=` / `restore=` on
 * (nearly) every line; a server log on some. The owner is the backup or restore most lines name.
 */
export function componentFromContent(head: string): { component: LogComponent; owner?: OwnerHint & { namespace?: string } } {
  const lines = head.split('\n').filter((l) => l.trim().length > 0);
  if (lines.length > 1 && !head.endsWith('\n')) lines.pop();
  let backup = 0;
  let restore = 0;
  const counts = new Map<string, number>();
  for (const line of lines) {
    const parsed = parseLogLine(line);
    if (parsed.restore) {
      restore += 1;
      counts.set(`Restore ${parsed.restore}`, (counts.get(`Restore ${parsed.restore}`) ?? 0) + 1);
    } else if (parsed.backup) {
      backup += 1;
      counts.set(`Backup ${parsed.backup}`, (counts.get(`Backup ${parsed.backup}`) ?? 0) + 1);
    }
  }
  const most = (kind: 'Backup' | 'Restore') => {
    let best: string | undefined;
    let n = 0;
    for (const [key, c] of counts) if (key.startsWith(kind) && c > n) [best, n] = [key, c];
    if (!best) return undefined;
    const ref = best.slice(kind.length + 1);
    const slash = ref.indexOf('/');
    return slash > 0 ? { kind, name: ref.slice(slash + 1), namespace: ref.slice(0, slash) } : { kind, name: ref };
  };
  const total = lines.length;
  if (total > 0 && restore / total >= 0.9) return { component: 'restore-log', owner: most('Restore') };
  if (total > 0 && backup / total >= 0.9) return { component: 'backup-log', owner: most('Backup') };
  if (NODE_AGENT_USAGE.test(head)) return { component: 'node-agent' };
  return { component: 'server' };
}

/** cobra's usage of the node-agent (restic's before 1.10), printed after a flag error before any log line. */
const NODE_AGENT_USAGE = /^Usage:\r?\n {2}velero (?:node-agent|restic) server \[flags\]\r?$/m;

/**
 * Streams one log through the scanner. Without a scanner, counts lines and bytes and keeps the tail and
 * the first and last timestamps, so that the model is complete even when no rules run.
 */
export async function scanLog(file: LogFile, bytes: AsyncIterable<Buffer>, scanner: LogScanner | undefined): Promise<void> {
  // NUL padding, a BOM and CR-only line ends would otherwise hide lines from the scan.
  const source = textLogChunks(bytes);
  if (scanner) {
    await scanner.scan(file, source);
  } else {
    await countLog(file, source);
  }
  if ((!file.firstTime || !file.lastTime) && file.tail.length > 0) {
    for (let i = file.tail.length - 1; i >= 0 && !file.lastTime; i -= 1) {
      const time = parseLogLine(file.tail[i]!).time;
      if (time) file.lastTime = time;
    }
  }
}

async function countLog(file: LogFile, source: AsyncIterable<Buffer>): Promise<void> {
  let lines = 0;
  let bytes = 0;
  let lastByte = 0x0a;
  let head = '';
  let tail = Buffer.alloc(0);
  for await (const chunk of source) {
    bytes += chunk.length;
    noteStartups(file, chunk, lines);
    let at = chunk.indexOf(0x0a);
    while (at !== -1) {
      lines += 1;
      at = chunk.indexOf(0x0a, at + 1);
    }
    if (head.length < 8192) head += chunk.subarray(0, 8192).toString('utf8');
    // Keep only the last 64 KB: enough for the tail lines.
    tail = tail.length + chunk.length > 65_536 ? Buffer.concat([tail, chunk]).subarray(-65_536) : Buffer.concat([tail, chunk]);
    if (chunk.length > 0) lastByte = chunk[chunk.length - 1]!;
  }
  if (bytes > 0 && lastByte !== 0x0a) lines += 1;
  file.bytes += bytes;
  file.lines += lines;
  const tailLines = tail.toString('utf8').split('\n');
  if (tailLines[tailLines.length - 1] === '') tailLines.pop();
  file.tail = tailLines.slice(-TAIL_LINES).map((l) => l.slice(0, 4096));
  for (const line of head.split('\n').slice(0, 50)) {
    const time = parseLogLine(line).time;
    if (time) {
      file.firstTime = time;
      break;
    }
  }
}

const STARTUP = Buffer.from(STARTUP_LITERAL);

/** Start-up lines of a chunk (those cut by a chunk boundary are missed: this path only serves runs without rules). */
function noteStartups(file: LogFile, chunk: Buffer, linesBefore: number): void {
  for (let at = chunk.indexOf(STARTUP); at !== -1; at = chunk.indexOf(STARTUP, at + STARTUP.length)) {
    const start = chunk.lastIndexOf(0x0a, at) + 1;
    let end = chunk.indexOf(0x0a, at);
    if (end < 0) end = chunk.length;
    const text = chunk.toString('utf8', start, end);
    const startup = parseStartup(text);
    const version = normalizeVersion(startup?.version);
    if (!startup || !version) continue;
    let line = linesBefore + 1;
    for (let i = chunk.indexOf(0x0a); i !== -1 && i < start; i = chunk.indexOf(0x0a, i + 1)) line++;
    const time = parseLogLine(text).time;
    (file.startups ??= []).push(time ? { line, program: startup.program, version, time } : { line, program: startup.program, version });
  }
}

export { startupVersions } from '../logs/startup.js';
