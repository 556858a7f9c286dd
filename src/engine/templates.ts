// Handlebars templates for rule messages and remediation: one isolated instance, plain-text output, a few helpers.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type HandlebarsModule from 'handlebars';
import { formatAge, plural, timesOf } from '../util/words.js';

type Handlebars = typeof HandlebarsModule;

const require = createRequire(import.meta.url);

/** How rule templates compile: output is not HTML-escaped (messages are plain text; formatters escape for their own output). */
const COMPILE_OPTIONS = { noEscape: true, knownHelpersOnly: false } as const;

let compiler: Handlebars | undefined;
let runtime: Handlebars | undefined;

/** The isolated instance with the helpers, loaded on first use: a command that renders no template never loads handlebars. */
function handlebars(): Handlebars {
  if (!compiler) registerHelpers((compiler = (require('handlebars') as Handlebars).create()));
  return compiler;
}

/** The same helpers on handlebars' runtime alone (no parser or compiler), for templates precompiled at build time. */
function handlebarsRuntime(): Handlebars {
  if (!runtime) registerHelpers((runtime = (require('handlebars/runtime') as Handlebars).create()));
  return runtime;
}

let precompiledFile: string | undefined;
/** Template text → handlebars' precompiled JavaScript for it (the spec object's source). */
let precompiled: Map<string, string> | undefined;

/**
 * Renders the templates that `file` (precompileTemplates() output, written at build time) holds from
 * their precompiled form, on handlebars' runtime; any other template is compiled as usual.
 */
export function usePrecompiledTemplates(file: string): void {
  precompiledFile = file;
  precompiled = undefined;
}

function precompiledTemplate(source: string): HandlebarsModule.TemplateDelegate | undefined {
  if (precompiledFile === undefined) return undefined;
  if (!precompiled) {
    try {
      precompiled = new Map(JSON.parse(readFileSync(precompiledFile, 'utf8')) as [string, string][]);
    } catch {
      precompiled = new Map();
    }
  }
  const code = precompiled.get(source);
  // The build's own handlebars wrote this code from the template; evaluating it is what compile() does.
  return code === undefined ? undefined : handlebarsRuntime().template(new Function(`return ${code};`)() as TemplateSpecification);
}

type TemplateSpecification = Parameters<Handlebars['template']>[0];

/** The templates among `sources` precompiled, as JSON for usePrecompiledTemplates(). */
export function precompileTemplates(sources: Iterable<string>): string {
  const hb = handlebars();
  return JSON.stringify([...new Set(sources)].filter(isTemplate).map((text) => [text, String(hb.precompile(text, COMPILE_OPTIONS))]));
}

function registerHelpers(hb: Handlebars): void {
  hb.registerHelper('default', (value: unknown, fallback: unknown) =>
    value === undefined || value === null || value === '' ? fallback : value,
  );
  hb.registerHelper('truncate', (value: unknown, length: unknown) => {
    const text = value === undefined || value === null ? '' : String(value);
    const max = typeof length === 'number' && length > 0 ? length : 200;
    return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
  });

  const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
  /** Handlebars passes its options object as the last argument of every helper call. */
  const args = (all: unknown[]): unknown[] => all.slice(0, -1);

  /** logfmt escapes: `\"` → `"`, `\\` → `\` (values quoted inside a logfmt field, such as Go's `%q` in `error=`). */
  hb.registerHelper('unescape', (value: unknown) => text(value).replace(/\\(["\\])/g, '$1'));
  /** `velero/nightly` → `nightly` (log fields name objects as namespace/name). */
  hb.registerHelper('shortName', (value: unknown) => {
    const t = text(value);
    return t.slice(t.indexOf('/') + 1);
  });
  /** Every occurrence of a literal string (no regex). */
  hb.registerHelper('replace', (value: unknown, find: unknown, by: unknown) => {
    const t = text(value);
    return find === undefined || find === null || text(find) === '' ? t : t.split(text(find)).join(text(by));
  });
  /** `{{#if (eq phase "Failed")}}`: compared as strings, as `where` does. */
  hb.registerHelper('eq', (...all: unknown[]) => {
    const [a, b] = args(all);
    return a === b || (a !== undefined && a !== null && b !== undefined && b !== null && String(a) === String(b));
  });
  /** The first truthy argument (or false): `{{#if (or a b)}}`, `{{or reason "unknown"}}`. */
  hb.registerHelper('or', (...all: unknown[]) => args(all).find((v) => Boolean(v) && !(Array.isArray(v) && v.length === 0)) ?? false);
  /** `{{plural count "line"}}` → `1 line` / `3 lines`; a third argument for an irregular plural (`"entries"`). */
  hb.registerHelper('plural', (...all: unknown[]) => {
    const [count, singular, pluralForm] = args(all);
    return plural(count, text(singular), typeof pluralForm === 'string' ? pluralForm : undefined);
  });
  /** `{{times count}}` → `once` / `4 times` (`seen {{times count}}`). */
  hb.registerHelper('times', (value: unknown) => timesOf(value));
  /** `{{after line.msg " is unavailable: "}}`: the text after the first marker (all of it without one), so a message does not name its object twice. */
  hb.registerHelper('after', (value: unknown, marker: unknown) => {
    const t = text(value);
    const at = text(marker) === '' ? -1 : t.indexOf(text(marker));
    return at < 0 ? t : t.slice(at + text(marker).length);
  });
  /** `{{ago object.status.completionTimestamp}}` → `12 days`: how long before the input's `now` (the collection time). */
  hb.registerHelper('ago', (value: unknown, options: { data?: { root?: { now?: unknown } } }) => {
    const then = Date.parse(text(value));
    const now = Date.parse(text(options.data?.root?.now));
    return Number.isFinite(then) && Number.isFinite(now) ? formatAge(now - then) : 'an unknown time';
  });
}

export type Template = (context: object) => string;

/** Checks a template's syntax now, throwing the parser's message: for rules the build has not checked. */
export function checkTemplate(source: string): void {
  if (isTemplate(source)) handlebars().parse(source);
}

/**
 * A template, compiled on its first render (or taken precompiled), with COMPILE_OPTIONS. Text without
 * `{{` is its own rendering, without handlebars.
 */
export function compileTemplate(source: string): Template {
  if (!isTemplate(source)) return () => source;
  let render: HandlebarsModule.TemplateDelegate | undefined;
  return (context) => (render ??= precompiledTemplate(source) ?? handlebars().compile(source, COMPILE_OPTIONS))(context, { allowProtoPropertiesByDefault: false });
}

/** Whether a string holds handlebars syntax at all (plain strings skip compilation). */
export function isTemplate(source: string): boolean {
  return source.includes('{{');
}
