// Parses one Velero (logrus) log line, logfmt text or `--log-format=json`, tolerating paste prefixes and truncation.

export interface ParsedLogLine {
  /** `time` as written (RFC 3339), or the timestamp of a `kubectl logs --timestamps` prefix. */
  time?: string;
  /** Normalized: `debug`, `info`, `warning`, `error`, `fatal` (others lower-cased as written). */
  level?: string;
  msg?: string;
  /** `error` (text format) or `error.message` (JSON format). */
  error?: string;
  errorFile?: string;
  logSource?: string;
  /** `<namespace>/<name>` as Velero writes it (older versions: the name alone). */
  backup?: string;
  restore?: string;
  controller?: string;
  /** Every key and its decoded value (quotes and escapes removed). */
  fields: Record<string, string>;
  /** `text`: no key=value structure was found (describe output, stack traces, plain text). */
  format: 'logfmt' | 'json' | 'text';
}

const LEVEL_ALIASES: Record<string, string> = {
  warn: 'warning',
  warning: 'warning',
  err: 'error',
  error: 'error',
  fatal: 'fatal',
  panic: 'fatal',
  info: 'info',
  debug: 'debug',
  trace: 'debug',
};

/** `warn` → `warning`, `panic` → `fatal`, `INFO` → `info`. */
export function normalizeLevel(level: string): string {
  const lower = level.toLowerCase();
  return LEVEL_ALIASES[lower] ?? lower;
}

/** An RFC 3339 timestamp at the start of a line (`kubectl logs --timestamps`, aggregators, `…-05:00time=`). */
const PREFIX_TIME = /^\[?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)/;

/**
 * Where the logfmt record starts: logrus always writes `time=` (or `level=` when timestamps are off)
 * first. A digit may touch it (`…-05:00time=`, pasted without a separator); a letter may not (`runtime=`).
 */
const LOGFMT_START = /(?:^|[^A-Za-z_.-])(time|level|msg)=/;

export function parseLogLine(text: string): ParsedLogLine {
  const line = text.endsWith('\r') ? text.slice(0, -1) : text;
  const brace = line.indexOf('{"');
  if (brace >= 0 && (brace === 0 || !/(?:^|[\s"])(?:time|level)=/.test(line.slice(0, brace)))) {
    const fields = parseJsonFields(line, brace);
    if (fields && ('level' in fields || 'msg' in fields || 'time' in fields)) return finish(fields, 'json', line, brace);
  }
  const start = findLogfmtStart(line);
  if (start >= 0) {
    const fields = parseLogfmt(line, start);
    if (Object.keys(fields).length > 0) return finish(fields, 'logfmt', line, start);
  }
  const parsed: ParsedLogLine = { fields: {}, format: 'text' };
  const prefixTime = PREFIX_TIME.exec(line.trimStart());
  if (prefixTime) parsed.time = prefixTime[1];
  return parsed;
}

function findLogfmtStart(line: string): number {
  const m = LOGFMT_START.exec(line);
  if (!m) return -1;
  // The match may include the one separator character before the key.
  return m.index + m[0].length - m[1]!.length - 1;
}

function finish(fields: Record<string, string>, format: 'logfmt' | 'json', line: string, start: number): ParsedLogLine {
  const parsed: ParsedLogLine = { fields, format };
  const time = fields.time ?? PREFIX_TIME.exec(line.slice(0, start).trimStart())?.[1];
  if (time !== undefined) parsed.time = time;
  if (fields.level !== undefined) parsed.level = normalizeLevel(fields.level);
  if (fields.msg !== undefined) parsed.msg = fields.msg;
  const error = fields.error ?? fields['error.message'];
  if (error !== undefined) parsed.error = error;
  if (fields['error.file'] !== undefined) parsed.errorFile = fields['error.file'];
  if (fields.logSource !== undefined) parsed.logSource = fields.logSource;
  if (fields.backup !== undefined) parsed.backup = fields.backup;
  if (fields.restore !== undefined) parsed.restore = fields.restore;
  if (fields.controller !== undefined) parsed.controller = fields.controller;
  return parsed;
}

const GO_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '"': '"',
  '\\': '\\',
  "'": "'",
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

/**
 * logfmt as logrus writes it: `key=value` pairs, values quoted Go-style (`%q`) when they hold spaces or
 * quotes. Keys may hold spaces (`logger name="[shared-manager]"`, `worker count=1`), so a key is
 * everything up to the next `=` that is not inside a value. A line cut off inside a quoted value keeps
 * what it has.
 */
export function parseLogfmt(line: string, start = 0): Record<string, string> {
  const fields: Record<string, string> = {};
  const n = line.length;
  let i = start;
  while (i < n) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const eq = line.indexOf('=', i);
    if (eq < 0) break;
    const quote = line.indexOf('"', i);
    if (quote >= 0 && quote < eq) {
      // Not a key: stray text (a truncated value, a paste artifact). Skip past the next space.
      const space = line.indexOf(' ', i);
      if (space < 0) break;
      i = space + 1;
      continue;
    }
    const key = line.slice(i, eq).trim();
    i = eq + 1;
    let value: string;
    if (line.charCodeAt(i) === 34) {
      const [decoded, end] = readQuoted(line, i + 1);
      value = decoded;
      i = end;
    } else {
      let end = line.indexOf(' ', i);
      if (end < 0) end = n;
      value = line.slice(i, end);
      i = end;
    }
    if (key) fields[key] = value;
  }
  return fields;
}

/** Reads a Go-quoted string starting after its opening quote; returns the decoded text and the index after the closing quote. */
function readQuoted(line: string, from: number): [string, number] {
  const n = line.length;
  let i = from;
  let out = '';
  let runStart = i;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 34) {
      out += line.slice(runStart, i);
      return [out, i + 1];
    }
    if (c === 92 && i + 1 < n) {
      out += line.slice(runStart, i);
      const next = line[i + 1]!;
      const simple = GO_ESCAPES[next];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if ((next === 'x' || next === 'u' || next === 'U') && i + 2 < n) {
        const width = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const hex = line.slice(i + 2, i + 2 + width);
        if (/^[0-9a-fA-F]+$/.test(hex) && hex.length === width) {
          const code = parseInt(hex, 16);
          out += code <= 0x10ffff ? String.fromCodePoint(code) : line.slice(i, i + 2 + width);
          i += 2 + width;
        } else {
          out += '\\' + next;
          i += 2;
        }
      } else {
        out += '\\' + next;
        i += 2;
      }
      runStart = i;
      continue;
    }
    i++;
  }
  // Truncated: no closing quote.
  out += line.slice(runStart, n);
  return [out, n];
}

/**
 * The top-level members of a JSON object, values as strings (nested values re-serialized). Tolerates a
 * line cut off mid-object: the members read before the cut are kept.
 */
export function parseJsonFields(line: string, start: number): Record<string, string> | undefined {
  try {
    const value: unknown = JSON.parse(line.slice(start));
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
      }
      return fields;
    }
    return undefined;
  } catch {
    return parseTruncatedJson(line, start);
  }
}

/** Member-by-member reading of `{"k":"v",…` for lines that JSON.parse refuses (cut off, or with trailing junk). */
function parseTruncatedJson(line: string, start: number): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  const member = /\s*"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null)\s*([,}]|$)/y;
  member.lastIndex = start + 1;
  let found = false;
  for (;;) {
    const at = member.lastIndex;
    const m = member.exec(line);
    if (!m) {
      // A final string value cut off before its closing quote.
      const tail = /\s*"((?:[^"\\]|\\.)*)"\s*:\s*"((?:[^"\\]|\\.)*)\\?$/y;
      tail.lastIndex = at;
      const t = tail.exec(line);
      if (t) {
        fields[unescapeJson(t[1]!)] = unescapeJson(t[2]!);
        found = true;
      }
      break;
    }
    found = true;
    const raw = m[2]!;
    fields[unescapeJson(m[1]!)] = raw.startsWith('"') ? unescapeJson(raw.slice(1, -1)) : raw;
    if (m[3] !== ',') break;
  }
  return found ? fields : undefined;
}

function unescapeJson(s: string): string {
  if (!s.includes('\\')) return s;
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s.replace(/\\(.)/g, '$1');
  }
}
