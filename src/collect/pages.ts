// Paging helpers: a cheap guess at a list page's continue token from its raw bytes, so the next page is asked for before this one is parsed.

/** How far from either end of a page the list's own metadata is looked for. */
const WINDOW = 4096;
const CONTINUE_KEY = Buffer.from('"continue":"');

/**
 * The continue token of a raw list page, guessed without parsing it: null when there seems to be
 * none. Typed lists put `metadata` first and unstructured (custom resource) lists, whose keys the
 * API server sorts, put it last, so only both ends are searched. A guess can be fooled by an item
 * with a `continue` field; the caller checks it against the parsed page and asks again if wrong.
 */
export function guessContinue(body: Buffer): string | null {
  const head = body.subarray(0, WINDOW);
  let at = head.indexOf(CONTINUE_KEY);
  let base = 0;
  if (at < 0 && body.length > WINDOW) {
    base = Math.max(WINDOW, body.length - WINDOW);
    at = body.subarray(base).lastIndexOf(CONTINUE_KEY);
  }
  if (at < 0) return null;
  const start = base + at + CONTINUE_KEY.length;
  const end = body.indexOf(0x22, start); // the closing quote: tokens are base64, never escaped
  if (end < 0 || end - start > WINDOW) return null;
  const token = body.toString('latin1', start, end);
  return token.includes('\\') ? null : token;
}
