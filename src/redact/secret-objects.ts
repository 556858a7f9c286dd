// Kubernetes Secret objects: every value under `data` and `stringData` is a secret, whatever its key is called.

/** A value to mask: [start, end) in the line; `plain` when it is an unquoted YAML scalar. */
export type Range = [start: number, end: number, plain?: boolean];

/**
 * How the values of one `data` / `stringData` block are masked: `all` when the object is a Secret (or the
 * block is `stringData`, which only Secrets have); `base64` when the object's kind could not be seen (a
 * Secret's data is always base64, a ConfigMap's rarely); none when the object is of another kind.
 */
export type DataMode = 'all' | 'base64';

/** A `data:` / `stringData:` key opening a block on the following lines (YAML), or `"data": {` (JSON). */
const YAML_DATA_KEY = /^(\s*(?:-\s+)?)(data|stringData):[ \t]*(?:#.*)?\r?$/;
const JSON_DATA_KEY = /^(\s*)"(data|stringData)"\s*:\s*\{[ \t]*\r?$/;
/** `data: {…` / `"data": {…` with the map's entries on the same line: YAML flow style, JSON in YAML, a one-line map in pretty JSON. */
const YAML_DATA_FLOW = /^(\s*(?:-\s+)?)(data|stringData):[ \t]*\{/;
const JSON_DATA_FLOW = /^(\s*)"(data|stringData)"\s*:\s*\{/;
const YAML_KIND = /^\s*(?:-\s+)?kind:[ \t]*["']?([A-Za-z0-9]+)["']?[ \t]*(?:#.*)?\r?$/;
const JSON_KIND = /^\s*"kind"\s*:\s*"([A-Za-z0-9]+)"\s*,?\r?$/;
/** How far around a data key the object's kind is looked for, in lines (kubectl prints it right after the data). */
const MAX_SCAN_LINES = 1000;

export const BASE64_VALUE = /^[A-Za-z0-9+/]{4,}={0,2}$/;

/**
 * A data block opened by this line, or null. `flow`: the map starts on this line (`data: {a: b, …`), its
 * entries from that index on, up to the matching `}` (on this line or a later one).
 */
export function dataBlockStart(line: string): { indent: number; json: boolean; field: 'data' | 'stringData'; item: boolean; flow?: number } | null {
  if (!line.includes('ata')) return null;
  const yaml = YAML_DATA_KEY.exec(line);
  if (yaml) return { indent: (yaml[1] ?? '').length, json: false, field: yaml[2] as 'data' | 'stringData', item: (yaml[1] ?? '').includes('-') };
  const json = JSON_DATA_KEY.exec(line);
  if (json) return { indent: (json[1] ?? '').length, json: true, field: json[2] as 'data' | 'stringData', item: false };
  const yamlFlow = YAML_DATA_FLOW.exec(line);
  if (yamlFlow) return { indent: (yamlFlow[1] ?? '').length, json: false, field: yamlFlow[2] as 'data' | 'stringData', item: (yamlFlow[1] ?? '').includes('-'), flow: yamlFlow[0].length };
  const jsonFlow = JSON_DATA_FLOW.exec(line);
  if (jsonFlow) return { indent: (jsonFlow[1] ?? '').length, json: true, field: jsonFlow[2] as 'data' | 'stringData', item: false, flow: jsonFlow[0].length };
  return null;
}

/** A value of a flow map: [start, end) without its quotes; `plain` when it had none (a mask put there needs them in YAML). */
export interface FlowValue {
  start: number;
  end: number;
  plain: boolean;
}

const BLANK = new Set([' ', '\t', '\r']);
/** Characters that cannot start a plain scalar inside a flow collection (or that scanJson reads itself). */
const NOT_PLAIN_START = new Set([' ', '\t', '\r', '\n', ',', ':', '{', '}', '[', ']', '"', '#', '\\']);
const FLOW_END = new Set([',', '{', '}', '[', ']']);

/**
 * The values of a data map written in flow style (`{a: b, "c": "d"}`) on one line, from `from` on, the map
 * open `depth` deep (1: just inside its brace). Only the map's own values count (depth 1). Returns the
 * depth left open at the end of the line (0: the map is closed), for the next line to go on with.
 */
export function flowMapValues(line: string, from: number, depth: number): { values: FlowValue[]; depth: number } {
  const values: FlowValue[] = [];
  let afterColon = false;
  let i = from;
  while (i < line.length && depth > 0) {
    const c = line[i] ?? '';
    if (BLANK.has(c)) i += 1;
    else if (c === '{' || c === '[') {
      depth += 1;
      afterColon = false;
      i += 1;
    } else if (c === '}' || c === ']') {
      depth -= 1;
      afterColon = false;
      i += 1;
    } else if (c === ',') {
      afterColon = false;
      i += 1;
    } else if (c === ':') {
      afterColon = true;
      i += 1;
    } else if (c === '#' && (i === 0 || BLANK.has(line[i - 1] ?? ''))) {
      break;
    } else {
      const scalar = readFlowScalar(line, i);
      i = scalar.next;
      let k = i;
      while (BLANK.has(line[k] ?? '')) k += 1;
      const isKey = !afterColon && line[k] === ':';
      if (!isKey && afterColon && depth === 1 && scalar.end > scalar.start) values.push({ start: scalar.start, end: scalar.end, plain: scalar.plain });
      afterColon = false;
    }
  }
  return { values, depth };
}

/** One scalar of a flow collection: double- or single-quoted (its text inside the quotes), or plain (to `,`, `: `, a bracket or ` #`). */
function readFlowScalar(line: string, i: number, to = line.length): { start: number; end: number; next: number; plain: boolean } {
  const quote = line[i];
  if (quote === '"' || quote === "'") {
    let j = i + 1;
    while (j < to) {
      if (quote === '"' && line[j] === '\\') j += 2;
      else if (line[j] === quote && quote === "'" && line[j + 1] === "'") j += 2;
      else if (line[j] === quote) break;
      else j += 1;
    }
    const end = Math.min(j, to);
    return { start: i + 1, end, next: end + 1, plain: false };
  }
  let j = i;
  while (j < to) {
    const c = line[j] ?? '';
    if (FLOW_END.has(c)) break;
    if (c === ':' && (j + 1 >= to || BLANK.has(line[j + 1] ?? '') || FLOW_END.has(line[j + 1] ?? ''))) break;
    if (c === '#' && j > i && BLANK.has(line[j - 1] ?? '')) break;
    j += 1;
  }
  let end = j;
  while (end > i && BLANK.has(line[end - 1] ?? '')) end -= 1;
  return { start: i, end, next: Math.max(j, i + 1), plain: true };
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
  values: { field: 'data' | 'stringData'; range: Range; value: string; plain: boolean }[];
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
      if (mode === 'all' || v.field === 'stringData' || base64) out.push([raw(v.range[0]), raw(v.range[1]), v.plain]);
    }
  };
  let i = from;
  while (i < to) {
    const c = text[i] ?? '';
    // YAML flow style on a raw line (`{kind: Secret, data: {a: b}}`): plain and single-quoted scalars too.
    const yamlScalar = !map && stack.length > 0 && (c === "'" || !NOT_PLAIN_START.has(c));
    if (c === '"' || yamlScalar) {
      let valueStart: number;
      let valueEnd: number;
      if (c === '"') {
        let j = i + 1;
        while (j < to && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        valueStart = i + 1;
        valueEnd = Math.min(j, to);
        i = j + 1;
      } else {
        const scalar = readFlowScalar(text, i, to);
        valueStart = scalar.start;
        valueEnd = scalar.end;
        i = scalar.next;
      }
      const value = text.slice(valueStart, valueEnd);
      let k = i;
      while (k < to && (text[k] === ' ' || text[k] === '\t')) k += 1;
      const top = stack[stack.length - 1];
      if (text[k] === ':') {
        if (top && !top.array) top.key = value;
        continue;
      }
      if (!top || top.array) {
        if (depth < 3 && c === '"') nested(text, valueStart, valueEnd, map, out, depth);
        continue;
      }
      const parent = stack[stack.length - 2];
      if (top.field && parent && !parent.array) {
        parent.values.push({ field: top.field, range: [valueStart, valueEnd], value, plain: c !== '"' && c !== "'" });
      } else if (top.key === 'kind') {
        top.kind = value;
      } else if (depth < 3 && c === '"') {
        nested(text, valueStart, valueEnd, map, out, depth);
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
