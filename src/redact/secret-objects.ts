// Kubernetes Secret objects: every value under `data` and `stringData` is a secret, whatever its key is called.

/** A value to mask: [start, end) in the line. */
export type Range = [number, number];

/**
 * How the values of one `data` / `stringData` block are masked: `all` when the object is a Secret (or the
 * block is `stringData`, which only Secrets have); `base64` when the object's kind could not be seen (a
 * Secret's data is always base64, a ConfigMap's rarely); none when the object is of another kind.
 */
export type DataMode = 'all' | 'base64';

/** A `data:` / `stringData:` key opening a block on the following lines (YAML), or `"data": {` (JSON). */
const YAML_DATA_KEY = /^(\s*(?:-\s+)?)(data|stringData):[ \t]*(?:#.*)?\r?$/;
const JSON_DATA_KEY = /^(\s*)"(data|stringData)"\s*:\s*\{[ \t]*\r?$/;
const YAML_KIND = /^\s*(?:-\s+)?kind:[ \t]*["']?([A-Za-z0-9]+)["']?[ \t]*(?:#.*)?\r?$/;
const JSON_KIND = /^\s*"kind"\s*:\s*"([A-Za-z0-9]+)"\s*,?\r?$/;
/** How far around a data key the object's kind is looked for, in lines (kubectl prints it right after the data). */
const MAX_SCAN_LINES = 1000;

export const BASE64_VALUE = /^[A-Za-z0-9+/]{4,}={0,2}$/;

/** A data block opened by this line, or null. */
export function dataBlockStart(line: string): { indent: number; json: boolean; field: 'data' | 'stringData'; item: boolean } | null {
  if (!line.includes('ata')) return null;
  const yaml = YAML_DATA_KEY.exec(line);
  if (yaml) return { indent: (yaml[1] ?? '').length, json: false, field: yaml[2] as 'data' | 'stringData', item: (yaml[1] ?? '').includes('-') };
  const json = JSON_DATA_KEY.exec(line);
  if (json) return { indent: (json[1] ?? '').length, json: true, field: json[2] as 'data' | 'stringData', item: false };
  return null;
}

/** The column where a line's content starts, after indentation and a YAML list dash; -1 for a blank or comment line. */
export function contentColumn(line: string): { column: number; item: boolean } {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i += 1;
  let item = false;
  while (line[i] === '-' && (line[i + 1] === ' ' || line[i + 1] === '\t')) {
    item = true;
    i += 2;
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i += 1;
  }
  if (i >= line.length || line[i] === '#' || line[i] === '\r') return { column: -1, item };
  return { column: i, item };
}

/**
 * The kind of the object whose `data` key sits at `column` on the line starting at `lineStart`: its
 * sibling `kind` line, before (manifests) or after (kubectl sorts keys: data comes before kind).
 * Undefined when the object's bounds or its kind are not within `text`.
 */
export function kindAround(text: string, lineStart: number, column: number, json: boolean, item: boolean, budget: { lines: number }): string | undefined {
  if (budget.lines <= 0) return undefined;
  const kindOf = (line: string) => (json ? JSON_KIND : YAML_KIND).exec(line)?.[1];
  // Backward, to the object's first line (none when the data key starts a list item).
  let end = item ? -1 : lineStart - 1;
  for (let n = 0; end >= 0 && n < MAX_SCAN_LINES; n += 1) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    end = start - 1;
    budget.lines -= 1;
    if (line.startsWith('---') || line.startsWith('...')) break;
    const at = contentColumn(line);
    if (at.column < 0 || at.column > column) continue;
    if (at.column < column) break;
    const kind = kindOf(line);
    if (kind) return kind;
    if (at.item) break;
  }
  // Forward, to the object's last line.
  let start = text.indexOf('\n', lineStart);
  for (let n = 0; start >= 0 && n < MAX_SCAN_LINES; n += 1) {
    start += 1;
    let stop = text.indexOf('\n', start);
    if (stop < 0) stop = text.length;
    const line = text.slice(start, stop);
    budget.lines -= 1;
    if (line.startsWith('---') || line.startsWith('...')) return undefined;
    const at = contentColumn(line);
    if (at.column >= 0 && at.column <= column) {
      if (at.column < column || at.item) return undefined;
      const kind = kindOf(line);
      if (kind) return kind;
    }
    if (stop >= text.length) return undefined;
    start = stop;
  }
  return undefined;
}

/** How a data block's values are masked, knowing (or not) the object's kind; null: leave them. */
export function dataMode(field: 'data' | 'stringData', kind: string | undefined): DataMode | null {
  if (kind === 'Secret') return 'all';
  if (kind !== undefined) return null;
  return field === 'stringData' ? 'all' : 'base64';
}

/** Whether a value of a data block of this mode is masked. */
export function masksDataValue(value: string, mode: DataMode): boolean {
  const v = value.trim();
  if (!v) return false;
  // Words (`fast`, `true`) have the shape of base64 too: encoded values mix cases, digits or symbols.
  return mode === 'all' || (BASE64_VALUE.test(v) && v.length % 4 === 0 && (/[0-9+/=]/.test(v) || (/[a-z]/.test(v) && /[A-Z]/.test(v))));
}

/**
 * Secrets written as JSON on one line (a `last-applied-configuration` annotation, `kubectl -o json | jq -c`,
 * JSON in a string): the ranges of every string value under `data` / `stringData` of an object whose
 * kind is Secret, also inside JSON strings holding JSON (escaped once or more). `stringData` is masked
 * whatever the kind (only Secrets have it); `data` of an object without a kind when its values are base64.
 */
export function oneLineSecretValues(line: string): Range[] {
  const ranges: Range[] = [];
  scanJson(line, 0, line.length, null, ranges, 0);
  return ranges;
}

interface Frame {
  array: boolean;
  /** For an object: its last key, its kind, and the values of its data / stringData members. */
  key?: string;
  kind?: string;
  field?: 'data' | 'stringData';
  values: { field: 'data' | 'stringData'; range: Range; value: string }[];
}

/**
 * Walks JSON-ish text (tolerant: text outside braces is skipped) between `from` and `to`. `map` gives the
 * raw position of each character when the text is a decoded JSON string (null: positions are raw).
 */
function scanJson(text: string, from: number, to: number, map: number[] | null, out: Range[], depth: number): void {
  const raw = (i: number) => (map ? (map[i] ?? map[map.length - 1] ?? i) : i);
  const stack: Frame[] = [];
  const close = (frame: Frame) => {
    const mode = frame.kind === 'Secret' ? 'all' : frame.kind === undefined ? null : undefined;
    if (mode === undefined) return;
    const data = frame.values.filter((v) => v.field === 'data');
    const base64 = data.every((v) => masksDataValue(v.value, 'base64') || !v.value);
    for (const v of frame.values) {
      if (mode === 'all' || v.field === 'stringData' || base64) out.push([raw(v.range[0]), raw(v.range[1])]);
    }
  };
  let i = from;
  while (i < to) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < to && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const value = text.slice(i + 1, Math.min(j, to));
      const valueStart = i + 1;
      i = j + 1;
      let k = i;
      while (k < to && (text[k] === ' ' || text[k] === '\t')) k += 1;
      const top = stack[stack.length - 1];
      if (text[k] === ':') {
        if (top && !top.array) top.key = value;
        continue;
      }
      if (!top || top.array) {
        if (depth < 3) nested(text, valueStart, valueStart + value.length, map, out, depth);
        continue;
      }
      const parent = stack[stack.length - 2];
      if (top.field && parent && !parent.array) {
        parent.values.push({ field: top.field, range: [valueStart, valueStart + value.length], value });
      } else if (top.key === 'kind') {
        top.kind = value;
      } else if (depth < 3) {
        nested(text, valueStart, valueStart + value.length, map, out, depth);
      }
      continue;
    }
    if (c === '{' || c === '[') {
      const top = stack[stack.length - 1];
      const field = c === '{' && top && !top.array && (top.key === 'data' || top.key === 'stringData') ? top.key : undefined;
      stack.push({ array: c === '[', field, values: [] });
    } else if (c === '}' || c === ']') {
      const frame = stack.pop();
      if (frame && !frame.array && !frame.field) close(frame);
    }
    i += 1;
  }
  while (stack.length > 0) {
    const frame = stack.pop();
    if (frame && !frame.array && !frame.field) close(frame);
  }
}

/** A JSON string value that holds a Secret as JSON: decoded, walked, its ranges mapped back to raw positions. */
function nested(text: string, start: number, end: number, map: number[] | null, out: Range[], depth: number): void {
  const slice = text.slice(start, end);
  if (!slice.includes('Secret') || !/ata\\+"/.test(slice)) return;
  const decoded: string[] = [];
  const positions: number[] = [];
  const raw = (i: number) => (map ? (map[i] ?? i) : i);
  for (let i = start; i < end; i += 1) {
    positions.push(raw(i));
    if (text[i] !== '\\') {
      decoded.push(text[i] ?? '');
      continue;
    }
    const next = text[i + 1] ?? '';
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      decoded.push(String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)));
      i += 5;
    } else {
      decoded.push(next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next);
      i += 1;
    }
  }
  positions.push(raw(end));
  scanJson(decoded.join(''), 0, decoded.length, positions, out, depth + 1);
}
