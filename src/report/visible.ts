// Control characters and bidi overrides taken from the input made visible, so no report writes them raw to a terminal, a page or a ticket.

/**
 * What is never written raw: C0 controls but tab and LF, DEL, C1 controls, and the Unicode
 * direction marks, embeddings, overrides and isolates (a right-to-left override makes a line read
 * backwards: "Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_TEST = new RegExp(UNSAFE.source);

/**
 * Escapes as a Go or JavaScript string literal writes them (`\x1b`, `\u202e`): plain ASCII, so they
 * show in any font (the Control Pictures ␛ ␀ are missing from common page fonts) and mean nothing
 * to Markdown or HTML.
 */
function show(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with each unsafe character replaced by a visible escape (`\x1b[31m`, `\u202e`); safe text comes back as is. */
export function visibleText(text: string): string {
  return UNSAFE_TEST.test(text) ? text.replace(UNSAFE, show) : text;
}

/**
 * Every string in `value` (a Report, or any plain data) made visible, in a copy; the value is
 * returned as is when nothing in it needed a change.
 */
export function visibleStrings<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return visibleText(value);
  if (Array.isArray(value)) {
    let changed: unknown[] | undefined;
    value.forEach((item, i) => {
      const shown = walk(item);
      if (shown !== item) (changed ??= [...value])[i] = shown;
    });
    return changed ?? value;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let changed: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const shown = walk(item);
      const shownKey = visibleText(key);
      if (shown !== item || shownKey !== key) {
        changed ??= { ...(value as Record<string, unknown>) };
        if (shownKey !== key) delete changed[key];
        changed[shownKey] = shown;
      }
    }
    return changed ?? value;
  }
  return value;
}
