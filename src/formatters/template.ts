// Loads the handlebars templates in templates/ once, with the helpers every report template shares.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Handlebars from 'handlebars';
import { SEVERITIES } from '../constants.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { formatCount } from '../util/words.js';

let instance: typeof Handlebars | undefined;

/**
 * An isolated handlebars environment, so vendor rule templates and report templates never share
 * helpers; made on first use, so that formats without a template (JSON, text) never load handlebars.
 */
function reportHandlebars(): typeof Handlebars {
  if (instance) return instance;
  const hb = (createRequire(import.meta.url)('handlebars') as typeof Handlebars).create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  hb.registerHelper('plural', (count: unknown, one: string, many: string) => (Number(count) === 1 ? one : many));
  hb.registerHelper('join', (list: unknown, separator: unknown) => (Array.isArray(list) ? list.join(typeof separator === 'string' ? separator : ', ') : ''));
  hb.registerHelper('severities', () => SEVERITIES);
  hb.registerHelper('count', (n: unknown) => formatCount(n));
  hb.registerHelper('duration', (seconds: unknown) => formatDuration(Number(seconds)));
  return (instance = hb);
}

/** `3725` → `1h 2m`; empty for missing values. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${Math.round(seconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

const cache = new Map<string, Handlebars.TemplateDelegate>();

/**
 * The compiled template `templates/<name>`. `escape` false is for Markdown and text, where the
 * formatter escapes data itself; HTML keeps handlebars' escaping of every `{{…}}`.
 */
export function loadTemplate(name: string, options: { escape: boolean }): Handlebars.TemplateDelegate {
  const key = `${name}:${options.escape}`;
  let template = cache.get(key);
  if (!template) {
    const source = readFileSync(join(PACKAGE_ROOT, 'templates', name), 'utf8');
    template = reportHandlebars().compile(source, { noEscape: !options.escape, strict: false });
    cache.set(key, template);
  }
  return template;
}
