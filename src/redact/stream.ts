// Streaming redaction: bytes in, bytes out, line-aligned, byte-exact outside masked values, bounded memory.
import type { LineRedactor } from './engine.js';

/**
 * A line longer than this is cut into pieces at a pair boundary (`,"`, `, ` or a space) and each piece
 * redacted on its own, so that a hostile single-line file of hundreds of MB never sits in memory whole.
 */
export const MAX_LINE_CHARS = 1 << 20;
/** How far back from the cap a cut looks for a boundary before cutting hard. */
const CUT_WINDOW = 64 * 1024;

/**
 * Redacts a stream. Bytes are decoded as latin1 (one char per byte), so any input, including invalid
 * UTF-8 and binary files, comes out byte for byte identical except for the masked values; every
 * pattern is ASCII, so multi-byte UTF-8 text is matched correctly. Chunks without a candidate line
 * pass through as the same Buffer.
 */
export async function* redactStream(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  redactor: LineRedactor,
): AsyncIterable<Buffer> {
  // The unfinished last line, in pieces: joining it chunk by chunk would copy a long line over and over.
  let pieces: string[] = [];
  let piecesLength = 0;
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline < 0) {
      pieces.push(text);
      piecesLength += text.length;
      if (piecesLength > MAX_LINE_CHARS) {
        let line = pieces.join('');
        while (line.length > MAX_LINE_CHARS) {
          const cut = cutPoint(line);
          yield Buffer.from(redactor.redactLines(line.slice(0, cut)), 'latin1');
          line = line.slice(cut);
        }
        pieces = [line];
        piecesLength = line.length;
      }
      continue;
    }
    const hadPieces = pieces.length > 0;
    const head = lastNewline === text.length - 1 ? text : text.slice(0, lastNewline + 1);
    const complete = hadPieces ? pieces.join('') + head : head;
    pieces = lastNewline + 1 < text.length ? [text.slice(lastNewline + 1)] : [];
    piecesLength = pieces[0]?.length ?? 0;
    const redacted = redactor.redactLines(complete);
    if (redacted === complete && !hadPieces && pieces.length === 0 && typeof chunk !== 'string') yield chunk;
    else yield Buffer.from(redacted, 'latin1');
  }
  if (pieces.length > 0) yield Buffer.from(redactor.redactLines(pieces.join('')), 'latin1');
}

/** Where to cut an over-long line: after the last pair boundary near the cap, else at the cap. */
function cutPoint(text: string): number {
  const from = MAX_LINE_CHARS - CUT_WINDOW;
  const window = text.slice(from, MAX_LINE_CHARS);
  for (const boundary of [',"', ', ', ' ', ',']) {
    const at = window.lastIndexOf(boundary);
    if (at >= 0) return from + at + 1;
  }
  return MAX_LINE_CHARS;
}
