// Handlebars templates for rule messages and remediation: one isolated instance, plain-text output, three helpers.
import Handlebars from 'handlebars';

const hb = Handlebars.create();

// `lookup` is built into handlebars (`{{lookup object.metadata.annotations "kots.io/instance"}}`).
hb.registerHelper('default', (value: unknown, fallback: unknown) =>
  value === undefined || value === null || value === '' ? fallback : value,
);
hb.registerHelper('truncate', (value: unknown, length: unknown) => {
  const text = value === undefined || value === null ? '' : String(value);
  const max = typeof length === 'number' && length > 0 ? length : 200;
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
});

export type Template = (context: object) => string;

/**
 * Parses and compiles a template once. Throws the parser's message on bad syntax. Output is not
 * HTML-escaped: messages are plain text, and formatters escape for their own output.
 */
export function compileTemplate(source: string): Template {
  const ast = hb.parse(source);
  const render = hb.compile(ast, { noEscape: true, knownHelpersOnly: false });
  return (context) => render(context, { allowProtoPropertiesByDefault: false });
}

/** Whether a string holds handlebars syntax at all (plain strings skip compilation). */
export function isTemplate(source: string): boolean {
  return source.includes('{{');
}
