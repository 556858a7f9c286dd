// The redaction engine: a cheap prefilter over whole chunks, then the redactors on the few candidate lines only.
import { classifyKey, isPlaceholderValue } from './keys.js';
import { AWS_SECRET_SHAPE, looksLikeAwsSecret, MASK, PEM_BEGIN, PEM_END, SHAPE_RULES } from './rules.js';
import { contentColumn, dataBlockStart, dataMode, flowMapValues, kindAround, masksDataValue, oneLineSecretValues, type DataMode } from './secret-objects.js';

/** A user-defined redactor from the config file: a `mask` named group masks only that part. */
export interface CustomRule {
  name: string;
  regex: RegExp;
}

interface Span {
  start: number;
  end: number;
  redactor: string;
  /** The value was a plain YAML scalar: the mask goes in quotes, or YAML would read `***…` as an alias. */
  quote?: boolean;
}

/**
 * The checks that every line holding a secret passes. Hot path: they run over every byte of every
 * log, so each is a regex over a whole chunk rather than per-line work, and they are kept apart
 * because V8 scans a few short alternations faster than one long one (bench/README.md). Lines
 * that pass one are handed to the redactors; the rest are copied untouched.
 */
const PREFILTERS: readonly RegExp[] = [
  /passw|passphrase|pwd|secret|token|bearer|credential/gi,
  /key/gi,
  /licen[cs]e[_. -]?id/gi,
  /auth(?:orization)?["']?\s*[:=]/gi,
  // Secret objects: a `data:` / `stringData:` key opens a block of values to mask (metadata: passes too, and is let go).
  /(?<![A-Za-z])(?:stringD|d)ata["']?[ \t]*:/g,
  /sig(?:nature)?["']?\s*[:=]/gi,
  /AKIA|ASIA|eyJ/g,
  /:\/\/[^\s/@"']*@/g,
  /@tcp\(/g,
];
/**
 * A base64 value right after a key (Secret data, docker configs), to be decoded and checked. A second
 * pass, made only over structured files: it costs as much as the first, and logs do not carry Secrets.
 */
const BASE64_PREFILTER = /:[ \t]*\\?["']?[A-Za-z0-9+/]{24}/g;

// Key/value syntaxes. Each captures the key (group 1) and the value (group `v`). A key or value followed
// by `[ \t]*` ends in a non-blank (greedy to the last one, then back): a lazy one would be tried at every
// split of a run of blanks, quadratic in its length.
const JSON_PAIR = /"([^"\\\n]{1,100})"\s*:\s*(?:"(?<v>(?:[^"\\]|\\.)*)(?:"|$)|(?<n>-?\d[\d.]*)(?=\s*[,}\]]|\s*$))/dg;
// Inside a JSON string holding JSON (last-applied-configuration, env dumps): \"key\":\"value\".
const ESCAPED_JSON_PAIR = /\\"([^"\\\n]{1,100})\\"\s*:\s*\\"(?<v>(?:[^"\\]|\\\\\\\\|\\\\\\"|\\{1,2}[^"\\])*)\\"/dg;
// YAML mappings, describe output, ini and env files with `:`; the key starts the line.
const LINE_KEY = /^(\s*(?:-\s+)?)(["']?)([A-Za-z0-9_.](?:[A-Za-z0-9_./ -]{0,98}[A-Za-z0-9_./-])?)\2[ \t]*:(?:[ \t]+(?<v>\S(?:.*\S)?))?[ \t\r]*$/d;
// env files, logfmt, ini, command-line flags, query strings, ADO / ODBC connection strings.
const EQUALS_PAIR =
  /(?<![\w./-])(-{0,2}[A-Za-z_][A-Za-z0-9_./-]{0,99})[ \t]*=[ \t]*(?<v>\\"(?:[^"\\]|\\[^"])*?\\"|"(?:[^"\\]|\\.)*"|'[^'\n]*'|[^\s&;"'\\]+)/dg;
// `token: abc123` in the middle of a plain-text line; only values that look random are masked. The value
// stops at a closing bracket: in a YAML flow map (`{token: abc123}`) that bracket is structure.
const INLINE_COLON = /(?<![\w.-])([A-Za-z_][A-Za-z0-9_.-]{0,99})[ \t]*:[ \t]+(?<v>[^\s,;"'\\}\]]{8,})/dg;
// Command-line flags with the value after a space: --client-secret abc (with `=`, EQUALS_PAIR has it).
const FLAG_PAIR = /(?<![\w-])--([A-Za-z][A-Za-z0-9-]{1,60})[ \t]+(?<v>"(?:[^"\\]|\\.)*"|'[^'\n]*'|[^\s"'-][^\s"']*)/dg;
// Kubernetes env entries on one line: {"name":"AWS_SECRET_ACCESS_KEY","value":"…"} (also escaped).
const ENV_PAIR = /"name"\s*:\s*"([^"\\]{1,100})"\s*,\s*"value"\s*:\s*"(?<v>(?:[^"\\]|\\.)*)"/dg;
const ESCAPED_ENV_PAIR = /\\"name\\"\s*:\s*\\"([^"\\]{1,100})\\"\s*,\s*\\"value\\"\s*:\s*\\"(?<v>(?:[^"\\]|\\\\\\\\|\\\\\\"|\\{1,2}[^"\\])*)\\"/dg;
const YAML_ENV_NAME = /^\s*(?:-\s+)?["']?name["']?\s*:\s*["']?([A-Za-z_][A-Za-z0-9_.-]{0,99})["']?,?[ \t\r]*$/;
const YAML_ENV_VALUE = /^\s*(?:-\s+)?["']?value["']?\s*:[ \t]*(?<v>(?:\S(?:.*[^\s,])?)?)[ \t]*,?[ \t\r]*$/d;
const BASE64_TOKEN = /(?<![A-Za-z0-9+/=_-])(?<v>[A-Za-z0-9+/]{24,}={0,2})(?![A-Za-z0-9+/=_-])/dg;
// A container's args with the flag and its value as two items: ["--api-token", "x"] (also escaped), or one per line.
const ARG_PAIR = /(\\?)"--([A-Za-z][A-Za-z0-9-]{1,60})\1"\s*,\s*\1"(?<v>(?:[^"\\]|\\.)*?)\1"/dg;
const ARG_LINE = /^\s*(?:-\s+)?(["']?)--([A-Za-z][A-Za-z0-9-]{1,60})\1,?[ \t\r]*$/;
const ARG_VALUE = /^\s*(?:-\s+)?(?<v>"(?:[^"\\]|\\.)*"|'[^'\n]*'|[^\s"'#,-](?:[^#]*[^\s#,])?)[ \t]*,?[ \t\r]*$/d;
// troubleshoot's `secret` collector output (secretExists, keyExists, then value): the value is a Secret's, whatever its key.
const SECRET_OUTPUT_FLAG = /"(?:secretExists|keyExists)"\s*:/;
const SECRET_OUTPUT_VALUE = /"value"\s*:\s*"(?<v>(?:[^"\\]|\\.)*)"/d;
// A key and its value inside a Secret's data block: `key: value` (YAML) or `"key": "value"` (JSON).
const DATA_YAML_PAIR = /^\s*(["']?)[^"'\s#](?:[^:]*?[^:\s])??\1[ \t]*:(?:[ \t]+(?<v>\S(?:.*\S)?))?[ \t\r]*$/d;
const DATA_JSON_PAIR = /^\s*"(?:[^"\\]|\\.)*"\s*:\s*"(?<v>(?:[^"\\]|\\.)*)"/d;
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|Digest|Negotiate|AWS4-HMAC-SHA256|SharedKey|SharedKeyLite)\s+/i;

const PEM_BEGIN_ALL = new RegExp(PEM_BEGIN.source, 'g');

/** Masks longer than this in one base64 value are not decoded (no secret file is that big). */
const MAX_BASE64_DECODE = 1 << 20;

type State =
  | { kind: 'none' }
  | { kind: 'pem' }
  | { kind: 'block'; indent: number; redactor: string }
  | { kind: 'env-value'; redactor: string }
  | { kind: 'secret-output' }
  | { kind: 'arg-value'; redactor: string }
  | { kind: 'secret-data'; indent: number; json: boolean; mode: DataMode; keyIndent: number }
  | { kind: 'secret-flow'; depth: number; mode: DataMode };

export interface EngineOptions {
  custom: CustomRule[];
  /** Called once per masked span with the redactor's name. */
  onRedaction: (redactor: string) => void;
  /** Decode base64 values and mask those that hide a secret (off for the nested decode itself). */
  decodeBase64?: boolean;
  /** The text is a YAML file: a mask that is a line's whole plain value is quoted (a bare `***…` is an alias). */
  yaml?: boolean;
}

/**
 * Redacts one file's lines in order. Keeps the little state that spans lines (a PEM block, a YAML
 * block scalar under a secret key, an env `name:` line whose `value:` follows), so one instance
 * serves exactly one file or text.
 */
export class LineRedactor {
  private state: State = { kind: 'none' };
  private readonly custom: CustomRule[];
  private readonly onRedaction: (redactor: string) => void;
  private readonly decodeBase64: boolean;
  private readonly yaml: boolean;

  constructor(options: EngineOptions) {
    this.custom = options.custom;
    this.onRedaction = options.onRedaction;
    this.decodeBase64 = options.decodeBase64 ?? true;
    this.yaml = options.yaml ?? false;
  }

  /** True when the next line must be looked at whatever the prefilter says. */
  get pending(): boolean {
    return this.state.kind !== 'none';
  }

  /**
   * Redacts a whole text (complete lines separated by `\n`; `\r\n` is kept). Lines that fail the
   * prefilter are copied as they are, so the result is byte-identical outside the masked values.
   */
  redactLines(text: string): string {
    const custom = this.custom;
    if (!this.pending && custom.length === 0) {
      if (!PREFILTERS.some((regex) => ((regex.lastIndex = 0), regex.test(text))) && !(this.decodeBase64 && ((BASE64_PREFILTER.lastIndex = 0), BASE64_PREFILTER.test(text)))) {
        return text;
      }
    }
    this.resetSearches();
    const out: string[] = [];
    let copiedTo = 0;
    let pos = 0;
    const length = text.length;
    while (pos < length) {
      let lineStart = pos;
      if (!this.pending) {
        const hit = this.nextCandidate(text, pos);
        if (hit < 0) break;
        lineStart = Math.max(pos, text.lastIndexOf('\n', hit) + 1);
      }
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = length;
      const line = text.slice(lineStart, lineEnd);
      this.context = { text, lineStart };
      const redacted = this.line(line);
      this.context = undefined;
      if (redacted !== line) {
        out.push(text.slice(copiedTo, lineStart), redacted);
        copiedTo = lineEnd;
      }
      pos = lineEnd + 1;
    }
    if (out.length === 0) return text;
    out.push(text.slice(copiedTo));
    return out.join('');
  }

  /** The index of the next prefilter (or custom pattern) hit at or after `from`, or -1. */
  private nextCandidate(text: string, from: number): number {
    // Hot path: hand-written so that each pattern scans the text once, whatever the number of candidates.
    let best = -1;
    for (const search of this.searchState) {
      // Each search remembers its next hit, so that a long chunk is scanned once per pattern, not once per candidate line.
      if (search.next !== -1 && search.next < from) {
        search.regex.lastIndex = from;
        search.next = search.regex.exec(text)?.index ?? -1;
      }
      if (search.next >= 0 && (best < 0 || search.next < best)) best = search.next;
    }
    return best;
  }

  /** Lines the Secret look-around may still read in this file: a file of nothing but `data:` keys stays linear. */
  private readonly kindScanBudget = { lines: 250_000 };

  /** The text the current line is part of, to look around it for a Secret's kind. */
  private context: { text: string; lineStart: number } | undefined;

  /** The prefilter searches over the current text, with the next hit of each (-2: not searched yet). */
  private searchState: { regex: RegExp; next: number }[] = [];

  private resetSearches(): void {
    const regexes = [...PREFILTERS, ...(this.decodeBase64 ? [BASE64_PREFILTER] : []), ...this.custom.map((c) => c.regex)];
    this.searchState = regexes.map((regex) => ({ regex, next: -2 }));
  }

  /** Redacts one line (no `\n`). */
  line(text: string): string {
    const spans: Span[] = [];
    if (!this.continueState(text, spans)) this.findSpans(text, spans);
    if (spans.length === 0) return text;
    return this.apply(text, spans);
  }

  /** Applies a multi-line state to this line; false when the line is to be redacted on its own. */
  private continueState(text: string, spans: Span[]): boolean {
    const state = this.state;
    switch (state.kind) {
      case 'none':
        return false;
      case 'pem': {
        const end = PEM_END.exec(text);
        const stop = end ? end.index : text.length;
        const start = text.length - text.trimStart().length;
        if (stop > start && text.slice(start, stop).trim()) spans.push({ start, end: trimEnd(text, start, stop), redactor: 'pem-private-key' });
        if (end) this.state = { kind: 'none' };
        return true;
      }
      case 'block': {
        const content = text.trimStart();
        if (content.trim() === '') return true;
        const indent = text.length - content.length;
        if (indent > state.indent) {
          spans.push({ start: indent, end: trimEnd(text, indent, text.length), redactor: state.redactor });
          return true;
        }
        this.state = { kind: 'none' };
        return false;
      }
      case 'secret-output': {
        const value = SECRET_OUTPUT_VALUE.exec(text);
        const range = value?.indices?.groups?.v;
        if (range) {
          this.pushValue(text, range[0], range[1], 'secret-collector-value', spans, '', true);
          this.state = { kind: 'none' };
          return true;
        }
        if (text.trimStart().startsWith('}')) this.state = { kind: 'none' };
        return false;
      }
      case 'secret-data':
        return this.secretDataLine(text, spans, state);
      case 'secret-flow': {
        // A flow map's later lines: its values masked, and the line redacted as any other too.
        const depth = this.flowSpans(text, 0, state.depth, state.mode, spans);
        this.state = depth > 0 ? { ...state, depth } : { kind: 'none' };
        return false;
      }
      case 'arg-value': {
        if (text.trim() === '') return true;
        this.state = { kind: 'none' };
        const range = ARG_VALUE.exec(text)?.indices?.groups?.v;
        if (!range) return false;
        this.pushValue(text, range[0], range[1], state.redactor, spans, '');
        return true;
      }
      case 'env-value': {
        if (text.trim() === '') return true;
        this.state = { kind: 'none' };
        const match = YAML_ENV_VALUE.exec(text);
        if (match?.indices?.groups?.v) {
          this.pushValue(text, match.indices.groups.v[0], match.indices.groups.v[1], state.redactor, spans, '');
          return true;
        }
        return false;
      }
    }
  }

  private findSpans(text: string, spans: Span[]): void {
    if (SECRET_OUTPUT_FLAG.test(text)) this.secretOutputSpans(text, spans);
    if (this.state.kind === 'none') this.secretDataStart(text, spans);
    if (text.includes('Secret') && /ata(?:\\*"|'?[ \t]*:[ \t]*\{)/.test(text)) {
      for (const [start, end, plain] of oneLineSecretValues(text)) {
        if (plain) spans.push({ start, end, redactor: 'kubernetes-secret', quote: true });
        else this.pushValue(text, start, end, 'kubernetes-secret', spans, '', true);
      }
    }
    this.shapeSpans(text, spans);
    this.keySpans(text, spans);
    if (this.decodeBase64) this.base64Spans(text, spans);
    for (const rule of this.custom) {
      const regex = rule.regex;
      regex.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = regex.exec(text)) !== null) {
        if (match[0].length === 0) {
          regex.lastIndex += 1;
          continue;
        }
        const range = match.indices?.groups?.mask ?? match.indices?.[0];
        if (range && range[1] > range[0] && !text.slice(range[0], range[1]).includes(MASK)) {
          spans.push({ start: range[0], end: range[1], redactor: rule.name });
        }
      }
    }
  }

  /**
   * A `data:` / `stringData:` key whose values belong to a Secret (or may): on the lines that follow, or
   * in a flow map that starts on this line (`data: {a: b}`, JSON in YAML) and may go on over the next.
   */
  private secretDataStart(text: string, spans: Span[]): void {
    const block = dataBlockStart(text);
    if (!block) return;
    const kind = this.context ? kindAround(this.context.text, this.context.lineStart, block.indent, block.json, block.item, this.kindScanBudget) : undefined;
    const mode = dataMode(block.field, kind);
    if (!mode) return;
    if (block.flow === undefined) {
      this.state = { kind: 'secret-data', indent: block.indent, json: block.json, mode, keyIndent: -1 };
      return;
    }
    const depth = this.flowSpans(text, block.flow, 1, mode, spans);
    if (depth > 0) this.state = { kind: 'secret-flow', depth, mode };
  }

  /** Masks the values of a data flow map on this line; the depth it leaves open. */
  private flowSpans(text: string, from: number, depth: number, mode: DataMode, spans: Span[]): number {
    const found = flowMapValues(text, from, depth);
    for (const value of found.values) {
      if (masksDataValue(text.slice(value.start, value.end), mode)) spans.push({ start: value.start, end: value.end, redactor: 'kubernetes-secret', quote: value.plain });
    }
    return found.depth;
  }

  /** A line inside a Secret's data block: its value masked; false when the block has ended. */
  private secretDataLine(text: string, spans: Span[], state: Extract<State, { kind: 'secret-data' }>): boolean {
    if (text.trim() === '') return true;
    if (state.json) {
      if (text.trimStart().startsWith('}')) {
        this.state = { kind: 'none' };
        return true;
      }
      const range = DATA_JSON_PAIR.exec(text)?.indices?.groups?.v;
      if (range && masksDataValue(text.slice(range[0], range[1]), state.mode)) this.pushValue(text, range[0], range[1], 'kubernetes-secret', spans, '', true);
      return true;
    }
    const { column } = contentColumn(text);
    if (column < 0) return true;
    if (column <= state.indent) {
      this.state = { kind: 'none' };
      return false;
    }
    if (state.keyIndent < 0) state.keyIndent = column;
    if (column > state.keyIndent) {
      // A block scalar's lines (a TLS key under `tls.key: |`): all of a Secret's, none of an unknown object's.
      if (state.mode !== 'all') return false;
      spans.push({ start: column, end: trimEnd(text, column, text.length), redactor: 'kubernetes-secret' });
      return true;
    }
    const range = DATA_YAML_PAIR.exec(text)?.indices?.groups?.v;
    if (!range) return true;
    let [s, e] = range;
    const quote = text[s];
    if ((quote === '"' || quote === "'") && e - s >= 2 && text[e - 1] === quote) {
      s += 1;
      e -= 1;
    }
    const value = text.slice(s, e);
    if (/^[|>][-+0-9]*$/.test(value.trim())) return true;
    if (masksDataValue(value, state.mode)) spans.push({ start: s, end: e, redactor: 'kubernetes-secret' });
    return true;
  }

  /** A secret collector's output: its value on this line (compact JSON) or on a line to come. */
  private secretOutputSpans(text: string, spans: Span[]): void {
    const flag = SECRET_OUTPUT_FLAG.exec(text);
    const value = SECRET_OUTPUT_VALUE.exec(text.slice(flag?.index ?? 0));
    const range = value?.indices?.groups?.v;
    if (range && flag) this.pushValue(text, flag.index + range[0], flag.index + range[1], 'secret-collector-value', spans, '', true);
    else if (this.state.kind === 'none') this.state = { kind: 'secret-output' };
  }

  private shapeSpans(text: string, spans: Span[]): void {
    for (const rule of SHAPE_RULES) {
      if (!rule.hint(text)) continue;
      const regex = rule.regex;
      regex.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = regex.exec(text)) !== null) {
        const range = match.indices?.groups?.v;
        if (!range || range[1] <= range[0]) continue;
        if (rule.accept && !rule.accept(text.slice(range[0], range[1]))) continue;
        spans.push({ start: range[0], end: range[1], redactor: rule.name });
        if (rule.name === 'aws-access-key-id') this.awsSecretsBesideId(text, spans);
      }
    }
    // The last block of the line is the one that may go on over the next lines.
    let begin: RegExpExecArray | undefined;
    if (text.includes('-----BEGIN')) {
      PEM_BEGIN_ALL.lastIndex = 0;
      for (let found; (found = PEM_BEGIN_ALL.exec(text)) !== null; ) begin = found;
    }
    if (begin && !PEM_END.test(text.slice(begin.index))) {
      // A multi-line block starts here: mask whatever follows the marker, then the lines up to -----END.
      const after = begin.index + begin[0].length;
      const end = trimEnd(text, after, text.length);
      if (end > after && !/^\\?["',]*$/.test(text.slice(after, end))) spans.push({ start: after, end, redactor: 'pem-private-key' });
      this.state = { kind: 'pem' };
    }
  }

  private awsSecretsBesideId(text: string, spans: Span[]): void {
    AWS_SECRET_SHAPE.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = AWS_SECRET_SHAPE.exec(text)) !== null) {
      if (looksLikeAwsSecret(match[0])) spans.push({ start: match.index, end: match.index + match[0].length, redactor: 'aws-secret-access-key' });
    }
  }

  private keySpans(text: string, spans: Span[]): void {
    let match: RegExpExecArray | null;
    const quoted = text.includes('"');
    if (quoted && text.includes('name')) {
      ENV_PAIR.lastIndex = 0;
      while ((match = ENV_PAIR.exec(text)) !== null) this.pushPair(text, match, spans);
      ESCAPED_ENV_PAIR.lastIndex = 0;
      while ((match = ESCAPED_ENV_PAIR.exec(text)) !== null) this.pushPair(text, match, spans);
    }
    JSON_PAIR.lastIndex = quoted ? 0 : text.length;
    while ((match = JSON_PAIR.exec(text)) !== null) {
      const key = match[1] ?? '';
      if (key === 'name' && match.groups?.v !== undefined && !/"value"\s*:/.test(text.slice(match.index + match[0].length))) {
        // {"name": "AWS_SECRET_ACCESS_KEY",\n "value": "…"}: the value is on the next line.
        const redactor = classifyKey(match.groups.v);
        if (redactor) this.state = { kind: 'env-value', redactor };
        continue;
      }
      this.pushPair(text, match, spans);
    }
    if (quoted && text.includes('\\"')) {
      ESCAPED_JSON_PAIR.lastIndex = 0;
      while ((match = ESCAPED_JSON_PAIR.exec(text)) !== null) this.pushPair(text, match, spans);
    }
    const lineKey = LINE_KEY.exec(text);
    if (lineKey) this.lineKeySpan(text, lineKey, spans);
    EQUALS_PAIR.lastIndex = text.includes('=') ? 0 : text.length;
    while ((match = EQUALS_PAIR.exec(text)) !== null) {
      if (this.pushPair(text, match, spans)) continue;
      // msg="… password=\"x\" …": look inside a quoted value whose key is no secret.
      const value = match.indices?.groups?.v;
      if (value && /["'\\]/.test(text[value[0]] ?? '')) EQUALS_PAIR.lastIndex = value[0] + 1;
    }
    FLAG_PAIR.lastIndex = text.includes('--') ? 0 : text.length;
    while ((match = FLAG_PAIR.exec(text)) !== null) this.pushPair(text, match, spans);
    if (quoted && text.includes('"--')) {
      ARG_PAIR.lastIndex = 0;
      while ((match = ARG_PAIR.exec(text)) !== null) {
        const redactor = classifyKey(match[2] ?? '');
        const range = match.indices?.groups?.v;
        if (redactor && range) this.pushValue(text, range[0], range[1], redactor, spans, match[2] ?? '');
      }
    }
    if (text.includes('--')) {
      const flag = ARG_LINE.exec(text);
      const redactor = flag ? classifyKey(flag[2] ?? '') : null;
      if (redactor && this.state.kind === 'none') this.state = { kind: 'arg-value', redactor };
    }
    INLINE_COLON.lastIndex = text.includes(': ') ? 0 : text.length;
    while ((match = INLINE_COLON.exec(text)) !== null) {
      const value = match.groups?.v ?? '';
      if (looksRandom(value)) this.pushPair(text, match, spans);
    }
  }

  private lineKeySpan(text: string, match: RegExpExecArray, spans: Span[]): void {
    const key = match[3] ?? '';
    const valueRange = match.indices?.groups?.v;
    const value = match.groups?.v ?? '';
    if (key === 'name' && valueRange) {
      const name = YAML_ENV_NAME.exec(text)?.[1];
      const redactor = name ? classifyKey(name) : null;
      if (redactor) this.state = { kind: 'env-value', redactor };
      return;
    }
    const redactor = classifyKey(key);
    if (!redactor) return;
    if (!valueRange) return;
    if (/^[|>][-+0-9]*(?:\s+#.*)?$/.test(value)) {
      this.state = { kind: 'block', indent: (match[1] ?? '').replace(/-/, ' ').length, redactor };
      return;
    }
    this.pushValue(text, valueRange[0], valueRange[1], redactor, spans, key);
  }

  /** Masks the value of a key/value match when its key is a secret's; true when the key is one. */
  private pushPair(text: string, match: RegExpExecArray, spans: Span[]): boolean {
    const redactor = classifyKey(match[1] ?? '');
    if (!redactor) return false;
    const range = match.indices?.groups?.v ?? match.indices?.groups?.n;
    if (range) this.pushValue(text, range[0], range[1], redactor, spans, match[1] ?? '');
    return true;
  }

  /**
   * Masks a value, inside its quotes, keeping an authorization scheme word readable. `whole`: the value is
   * a secret whatever it looks like (a Secret's data, a secret collector's value), a path or JSON included.
   */
  private pushValue(text: string, start: number, end: number, redactor: string, spans: Span[], key: string, whole = false): void {
    let s = start;
    let e = end;
    for (const quote of ['\\"', '"', "'"]) {
      if (e - s >= 2 * quote.length && text.startsWith(quote, s) && text.endsWith(quote, e)) {
        s += quote.length;
        e -= quote.length;
        break;
      }
    }
    let value = text.slice(s, e);
    if (whole) {
      if (value.trim() && !value.includes(MASK)) spans.push({ start: s, end: e, redactor });
      return;
    }
    if (isPlaceholderValue(value, MASK) || /^[{[&*]/.test(value)) return;
    if (/auth/i.test(key)) {
      const scheme = AUTH_SCHEME.exec(value);
      if (scheme) {
        s += scheme[0].length;
        value = value.slice(scheme[0].length);
        if (isPlaceholderValue(value, MASK)) return;
      }
    }
    spans.push({ start: s, end: e, redactor });
  }

  private base64Spans(text: string, spans: Span[]): void {
    BASE64_TOKEN.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = BASE64_TOKEN.exec(text)) !== null) {
      const token = match[0];
      if (token.length % 4 !== 0 || token.length > MAX_BASE64_DECODE) continue;
      const decoded = Buffer.from(token, 'base64');
      if (!isText(decoded)) continue;
      let found = false;
      const nested = new LineRedactor({ custom: this.custom, onRedaction: () => (found = true), decodeBase64: false });
      nested.redactLines(decoded.toString('latin1'));
      if (found) spans.push({ start: match.index, end: match.index + token.length, redactor: 'base64-encoded-secret' });
    }
  }

  /** Replaces the spans with the mask; overlapping spans merge and count once, for the first redactor. */
  private apply(text: string, spans: Span[]): string {
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    const out: string[] = [];
    let at = 0;
    let lastEnd = -1;
    let quote = false;
    const mask = () => (quote || (this.yaml && isWholePlainYamlValue(text, at, lastEnd)) ? `"${MASK}"` : MASK);
    for (const span of spans) {
      // Already masked (a second pass over redacted text): neither masked again nor counted.
      if (span.end - span.start === MASK.length && text.startsWith(MASK, span.start)) continue;
      if (span.start < lastEnd) {
        if (span.end > lastEnd) lastEnd = span.end;
        quote ||= span.quote === true;
        continue;
      }
      if (lastEnd > at) {
        out.push(mask());
        at = lastEnd;
      }
      out.push(text.slice(at, span.start));
      at = span.start;
      lastEnd = span.end;
      quote = span.quote === true;
      this.onRedaction(span.redactor);
    }
    if (lastEnd > at) {
      out.push(mask());
      at = lastEnd;
    }
    out.push(text.slice(at));
    return out.join('');
  }
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/**
 * Whether [start, end) is the whole plain value of a YAML line (`key: value`, `- value`), the rest of the
 * line blank or a comment: there a bare mask would read as an alias. A value inside quotes, a block
 * scalar's line, or a mask within a longer value is none.
 */
function isWholePlainYamlValue(text: string, start: number, end: number): boolean {
  let rest = end;
  while (rest < text.length && (isBlank(text[rest]) || text[rest] === '\r')) rest += 1;
  if (rest < text.length && text[rest] !== '#') return false;
  if (!isBlank(text[start - 1])) return false;
  let i = 0;
  let item = false;
  for (;;) {
    while (i < start && isBlank(text[i])) i += 1;
    if (text[i] !== '-' || !isBlank(text[i + 1])) break;
    item = true;
    i += 1;
  }
  if (i >= start) return item;
  // The key, quoted or plain, then `:` and blanks up to the value.
  const quote = text[i];
  if (quote === '"' || quote === "'") {
    i += 1;
    while (i < start && text[i] !== quote) i += quote === '"' && text[i] === '\\' ? 2 : 1;
    i += 1;
  }
  while (i < start && !(text[i] === ':' && (isBlank(text[i + 1]) || i + 1 === start))) i += 1;
  if (i >= start) return false;
  for (i += 1; i < start; i += 1) if (!isBlank(text[i])) return false;
  return true;
}

function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /[\s,]/.test(text[e - 1] ?? '')) e -= 1;
  // A quoted value on its own line: keep the closing quote and comma readable.
  while (e > start && (text[e - 1] === '"' || text[e - 1] === '\\')) e -= 1;
  return e;
}

/** Values in running text masked only when they look generated (a digit, mixed case or a symbol). */
function looksRandom(value: string): boolean {
  if (value.includes(MASK)) return false;
  const classes = Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/[0-9]/.test(value)) + Number(/[^A-Za-z0-9]/.test(value));
  return classes >= 2 && /[0-9+/=_!@#$%^&*-]/.test(value);
}

/** Printable text (UTF-8 or ASCII, tabs and newlines allowed): what a base64-wrapped secret file decodes to. */
function isText(bytes: Buffer): boolean {
  if (bytes.length < 8) return false;
  for (const byte of bytes) {
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f) return false;
  }
  return true;
}
