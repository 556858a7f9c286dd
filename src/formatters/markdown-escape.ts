// Markdown safety: inline text that cannot form links, HTML or emphasis, and code fences nothing can close.

/**
 * Characters that can start emphasis, code, links, HTML or a table cell anywhere in a line. Others
 * (`(`, `)`, `#`, `!`, `+`, `{`) only matter after an escaped `[` or at the start of a line, and
 * escaping them everywhere showed readers `\(troubleshoot\)`.
 */
const INLINE_SPECIALS = /[\\`*_[\]<>|~&]/g;

/**
 * What makes a line a heading, a list item, a thematic break or a setext underline: only when
 * followed by a blank or the end (`1.13.2` and `#42` stay as they are; `1. x` and `# x` do not).
 */
const LINE_START_MARK = /^(\s*)(#{1,6}(?=\s|$)|[+-](?=\s|$)|\d{1,9}[.)](?=\s|$)|[=-]+(?=\s*$))/;

/** Text safe inline in GitHub-flavoured Markdown (also in a table cell): one line, specials escaped. */
export function inline(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(INLINE_SPECIALS, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : `\\${ch}`))
    .replace(/\\\]\(/g, '\\]\\(')
    .replace(LINE_START_MARK, (_m, space: string, mark: string) => `${space}${mark.slice(0, -1)}\\${mark.slice(-1)}`);
}

/** A fenced code block whose fence is longer than any backtick run inside it, so the content cannot close it. */
export function codeBlock(text: string, info = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text.replace(/\r/g, '')}\n${fence}`;
}

/** A Markdown link for http(s) URLs only; anything else is shown as escaped text. */
export function link(url: string): string {
  return /^https?:\/\/[^\s()<>[\]`]+$/.test(url) ? `[${inline(url)}](${url})` : inline(url);
}

/** Cuts text to `max` characters, saying how much was cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/** A code span whose backtick run is longer than any inside it. */
export function codeSpan(text: string): string {
  const code = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = code.startsWith('`') || code.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${code}${pad}${ticks}`;
}

/** One line of prose with `code spans` kept as code and everything else escaped as inline text. */
export function inlineWithCode(text: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(/`([^`\r\n]+)`/g)) {
    parts.push(inline(text.slice(last, m.index)), codeSpan(m[1]!));
    last = m.index! + m[0].length;
  }
  parts.push(inline(text.slice(last)));
  return parts.join('');
}
