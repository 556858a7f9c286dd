// A rule's Handlebars templates as a person reads them: placeholders such as `<location>`, conditions in words, walked from the parse tree.
import Handlebars from 'handlebars';

type Node = hbs.AST.Node;
type Expression = hbs.AST.Expression;
type Program = hbs.AST.Program;

/** One way a message can read, and the conditions (in words) under which it reads so. */
export interface MessageCase {
  /** Empty for the only case, or for the last ("otherwise") one. */
  when: string[];
  text: string;
}

export interface WordsOptions {
  /**
   * Named groups of the log pattern the message belongs to: `{{#if location}}` on one of them reads
   * "the log line names <location>" rather than "<location> is known".
   */
  lineCaptures?: readonly string[];
}

/**
 * The helpers this walk words (src/engine/templates.ts registers the others; Handlebars has the
 * blocks and `lookup`): a test checks every registered helper is here.
 */
export const HELPERS_IN_WORDS: ReadonlySet<string> = new Set(['default', 'truncate', 'unescape', 'shortName', 'replace', 'or', 'eq', 'lookup', 'times', 'plural', 'ago', 'after', 'if', 'unless', 'each', 'with']);

/** More conditions than this (2^n cases) and a message reads better with its conditions inline, in brackets. */
const MAX_CONDITIONS = 3;
/** More ways to read than this and the cases say less than the message with its conditions inline. */
const MAX_CASES = 4;

/**
 * What a fix says when nothing is known about the input (as `rules show` has no input): a value the
 * template defaults is its default (`{{default veleroNamespace "velero"}}` → `velero`), a block that
 * needs a value shows its `{{else}}` (or nothing), and any other value is a placeholder (`<name>`).
 */
export function fixInWords(source: string): string {
  return new Walker('fix', new Map(), new Set()).program(Handlebars.parse(source));
}

/**
 * The ways a finding's message can read: every value a placeholder, and one case per branch of its
 * `{{#if}}` blocks, each with its condition in words (`the log line names <location>`). A message
 * with more conditions than a few keeps them inline: `[if …: …; otherwise: …]`.
 */
export function messageInWords(source: string, options: WordsOptions = {}): MessageCase[] {
  const ast = Handlebars.parse(source);
  const captures = new Set(options.lineCaptures ?? []);
  const keys = conditionKeys(ast);
  if (keys.length === 0 || keys.length > MAX_CONDITIONS) return [{ when: [], text: oneLine(new Walker('inline', new Map(), captures).program(ast)) }];
  let cases: MessageCase[] = [];
  const seen = new Set<string>();
  // Every assignment of the conditions, "holds" first; the walk records the ones it consulted.
  for (let n = 0; n < 2 ** keys.length; n++) {
    const facts = new Map(keys.map((k, i) => [k, (n & (2 ** (keys.length - 1 - i))) === 0]));
    const walker = new Walker('cases', facts, captures);
    const text = oneLine(walker.program(ast));
    if (seen.has(text)) continue;
    seen.add(text);
    cases.push({ when: walker.consulted, text });
  }
  if (cases.length > MAX_CASES) cases = [{ when: [], text: oneLine(new Walker('inline', new Map(), captures).program(ast)) }];
  if (cases.length === 1) return [{ when: [], text: cases[0]!.text }];
  // The last case is what is left: "otherwise" says it without repeating every negation.
  cases[cases.length - 1] = { when: [], text: cases[cases.length - 1]!.text };
  return cases;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/** The conditions of a template's `{{#if}}` / `{{#unless}}` blocks, by source text, in order (not those inside `{{#each}}`: they are per item). */
function conditionKeys(program: Program): string[] {
  const keys: string[] = [];
  const visit = (p: Program | undefined) => {
    for (const node of p?.body ?? []) {
      if (node.type !== 'BlockStatement') continue;
      const block = node as hbs.AST.BlockStatement;
      const helper = pathName(block.path);
      if (helper === 'each') continue;
      if ((helper === 'if' || helper === 'unless') && block.params[0] && block.params[0].type !== 'BooleanLiteral' && !isOptionalClause(block)) {
        const key = sourceOf(block.params[0]);
        if (!keys.includes(key)) keys.push(key);
      }
      visit(block.program);
      visit(block.inverse);
    }
  };
  visit(program);
  return keys;
}

/**
 * How a walk treats a condition: `fix` (nothing is known: it does not hold), `cases` (the facts
 * decide, and the walk records which it consulted), `inline` (written in brackets), `each` (inside
 * a list item: it holds).
 */
type Mode = 'fix' | 'cases' | 'inline' | 'each';

class Walker {
  /** The conditions this walk's text depends on, in words, in the order met. */
  readonly consulted: string[] = [];

  constructor(
    private readonly mode: Mode,
    private readonly facts: ReadonlyMap<string, boolean>,
    private readonly lineCaptures: ReadonlySet<string>,
  ) {}

  program(program: Program | undefined): string {
    return (program?.body ?? []).map((node) => this.statement(node)).join('');
  }

  private statement(node: Node): string {
    switch (node.type) {
      case 'ContentStatement':
        return (node as hbs.AST.ContentStatement).value;
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        return this.call(m.path, m.params);
      }
      case 'BlockStatement':
        return this.block(node as hbs.AST.BlockStatement);
      default:
        // Comments and partials (never in a rule) read as nothing.
        return '';
    }
  }

  private block(block: hbs.AST.BlockStatement): string {
    const helper = pathName(block.path);
    // A message reads with its values there: a clause that only shows a value leaves no case.
    if (this.mode !== 'fix' && isOptionalClause(block)) return this.program(block.program);
    if (helper === 'if' || helper === 'unless') {
      const condition = block.params[0]!;
      const positive = helper === 'if' ? block.program : block.inverse;
      const negative = helper === 'if' ? block.inverse : block.program;
      const holds = this.holds(condition);
      if (holds !== undefined) return this.program(holds ? positive : negative);
      return this.inline(condition, positive, negative);
    }
    if (helper === 'each') {
      // One item, as the reader pictures the list: `(<image> …)`.
      const item = new Walker('each', this.facts, this.lineCaptures).program(block.program).trim();
      return item ? `${item} …` : '';
    }
    // `with` and any other block: its body, values read inside it.
    return this.program(block.program);
  }

  /** Whether a condition holds on this walk; undefined when it is written inline. */
  private holds(condition: Expression): boolean | undefined {
    if (condition.type === 'BooleanLiteral') return (condition as hbs.AST.BooleanLiteral).value;
    const fact = this.facts.get(sourceOf(condition));
    if (fact !== undefined) {
      const words = this.condition(condition, fact);
      if (this.mode === 'cases' && !this.consulted.includes(words)) this.consulted.push(words);
      return fact;
    }
    if (this.mode === 'fix') return false;
    if (this.mode === 'each') return true;
    return undefined;
  }

  /** Both branches in brackets: `[if <x> is known: …; otherwise: …]`. */
  private inline(condition: Expression, positive: Program | undefined, negative: Program | undefined): string {
    const yes = this.program(positive).trim();
    const no = this.program(negative).trim();
    if (!no) return yes ? ` [if ${this.condition(condition, true)}: ${yes}] ` : '';
    if (!yes) return ` [if ${this.condition(condition, false)}: ${no}] `;
    return ` [if ${this.condition(condition, true)}: ${yes}; otherwise: ${no}] `;
  }

  /** `location` → "the log line names <location>" / "<location> is known"; `eq a "b"` → "<a> is b". */
  private condition(condition: Expression, holds: boolean): string {
    if (condition.type === 'SubExpression') {
      const sub = condition as hbs.AST.SubExpression;
      const name = pathName(sub.path);
      const [a, b] = sub.params;
      if (name === 'eq' && a && b) return `${this.value(a)} is ${holds ? '' : 'not '}${this.value(b)}`;
      if (name === 'or' && sub.params.length > 0) {
        const values = sub.params.map((p) => this.value(p));
        return holds ? `${values.join(' or ')} is known` : `neither ${values.join(' nor ')} is known`;
      }
      if (name === 'lookup' && a && b) return `${this.value(condition)} is ${holds ? '' : 'not '}set`;
    }
    const name = pathName(condition);
    const value = this.value(condition);
    if (name !== undefined && (this.lineCaptures.has(name) || name.startsWith('line.'))) return holds ? `the log line names ${value}` : `the log line names no ${value}`;
    if (name === 'object') return holds ? 'the finding is about an object' : 'the finding comes from log lines alone';
    if (name === 'names') return holds ? 'the finding names objects' : 'the finding names no object';
    return `${value} is ${holds ? '' : 'not '}known`;
  }

  /** A mustache or sub-expression: a helper call or a value. */
  private call(path: Expression, params: Expression[]): string {
    const name = pathName(path);
    if (params.length === 0 || name === undefined) return this.value(path);
    const [first, second, third] = params;
    switch (name) {
      case 'default': {
        // The value when it is there (always, in a message); the template's own fallback when it is not.
        const known = this.facts.get(sourceOf(first!)) ?? (this.mode !== 'fix');
        return this.value(known || second === undefined ? first! : second);
      }
      case 'truncate':
      case 'after':
      case 'unescape':
      case 'shortName':
      case 'replace':
      case 'or':
        return this.value(first!);
      case 'lookup':
        return placeholder(lookupName(second) ?? 'value');
      case 'eq':
        return `${this.value(first!)} = ${this.value(second!)}`;
      case 'times':
        // `{{times count}}` → `<count> times` (`once` where the count is 1).
        return this.facts.get(`(eq ${sourceOf(first!)} 1)`) ? 'once' : `${this.value(first!)} times`;
      case 'ago':
        // `{{ago object.status.completionTimestamp}}` → `<age of completion-timestamp>` (`12 days` in a report).
        return placeholder(`age of ${this.value(first!).replace(/^<|>$/g, '')}`);
      case 'plural': {
        // `{{plural count "backup"}}` → `<count> backups`; `1 backup` where the count is 1.
        const noun = literal(second) ?? 'item';
        const many = literal(third) ?? `${noun}s`;
        return this.facts.get(`(eq ${sourceOf(first!)} 1)`) ? `1 ${noun}` : `${this.value(first!)} ${many}`;
      }
      default:
        // A helper this walk does not know: its arguments, so that nothing is lost and no `{{` shows.
        return params.map((p) => this.value(p)).join(' ');
    }
  }

  private value(node: Expression): string {
    switch (node.type) {
      case 'StringLiteral':
        return (node as hbs.AST.StringLiteral).value;
      case 'NumberLiteral':
        return String((node as hbs.AST.NumberLiteral).value);
      case 'BooleanLiteral':
        return String((node as hbs.AST.BooleanLiteral).value);
      case 'SubExpression': {
        const sub = node as hbs.AST.SubExpression;
        return this.call(sub.path, sub.params);
      }
      case 'PathExpression':
        return placeholder(nameOfPath(node as hbs.AST.PathExpression));
      default:
        return '';
    }
  }
}

/**
 * `{{#if bucket}} bucket "{{bucket}}"{{/if}}`: a clause shown when a value is there, whose `{{else}}`
 * (if any) says nothing in words: only punctuation and other values. Its words are not a case of
 * their own.
 */
function isOptionalClause(block: hbs.AST.BlockStatement): boolean {
  if (pathName(block.path) !== 'if' || block.params[0]?.type === 'BooleanLiteral') return false;
  return literalText(block.inverse).replace(/[\s\p{P}]/gu, '') === '';
}

/** The words a program writes itself, in every branch: its text and the string literals it passes. */
function literalText(program: Program | undefined): string {
  const strings = (params: Expression[]): string =>
    params.map((p) => (p.type === 'StringLiteral' ? (p as hbs.AST.StringLiteral).value : p.type === 'SubExpression' ? strings((p as hbs.AST.SubExpression).params) : '')).join(' ');
  return (program?.body ?? [])
    .map((node) => {
      if (node.type === 'ContentStatement') return (node as hbs.AST.ContentStatement).value;
      if (node.type === 'MustacheStatement') return strings((node as hbs.AST.MustacheStatement).params);
      if (node.type === 'BlockStatement') {
        const block = node as hbs.AST.BlockStatement;
        return `${literalText(block.program)} ${literalText(block.inverse)}`;
      }
      return '';
    })
    .join(' ');
}

function pathName(node: Expression): string | undefined {
  return node.type === 'PathExpression' ? (node as hbs.AST.PathExpression).original : undefined;
}

function literal(node: Expression | undefined): string | undefined {
  return node?.type === 'StringLiteral' ? (node as hbs.AST.StringLiteral).value : undefined;
}

/** `velero.io/backup-name` → `backup-name`: the part of a label or annotation key a person would say. */
function lookupName(node: Expression | undefined): string | undefined {
  const key = literal(node);
  return key === undefined ? undefined : key.slice(key.lastIndexOf('/') + 1);
}

/** The source text of an expression: the key under which a condition is remembered along one path. */
function sourceOf(node: Expression): string {
  switch (node.type) {
    case 'PathExpression':
      return (node as hbs.AST.PathExpression).original;
    case 'StringLiteral':
      return JSON.stringify((node as hbs.AST.StringLiteral).value);
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return String((node as hbs.AST.NumberLiteral).value);
    case 'SubExpression': {
      const sub = node as hbs.AST.SubExpression;
      return `(${[sub.path, ...sub.params].map(sourceOf).join(' ')})`;
    }
    default:
      return node.type;
  }
}

/** Names a path the way a reader says it: `object.spec.objectStorage.bucket` → `bucket`, `versions.velero` → `velero-version`. */
function nameOfPath(path: hbs.AST.PathExpression): string {
  const parts = path.parts.filter((p) => p !== 'this');
  if (parts.length === 0) return 'item';
  if (parts[0] === 'versions' && parts.length === 2) return `${parts[1]}-version`;
  if (parts[0] === 'line' && parts[1] === 'msg') return 'message';
  if (parts[0] === 'file' && parts[1] === 'path') return 'file';
  const last = parts[parts.length - 1]!;
  const before = parts[parts.length - 2];
  if (last === 'name' && before !== undefined && !['object', 'metadata', 'line', 'file'].includes(before)) return `${before}-name`;
  return last;
}

/** `veleroNamespace` → `<velero-namespace>`. */
function placeholder(name: string): string {
  return `<${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}>`;
}
