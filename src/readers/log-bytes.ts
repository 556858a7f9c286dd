// The bytes of a log as they come: text however damaged (NUL padding, bad UTF-8, a BOM, CR line ends), or a binary file where a log should be.

/** Bytes looked at to tell a damaged log from a binary file. */
export const BINARY_SNIFF_BYTES = 8 * 1024;

/** File signatures of what is never a log, by what to call it. */
const SIGNATURES: [string, number[], number?][] = [
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['an ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
  ['a Mach-O executable', [0xcf, 0xfa, 0xed, 0xfe]],
  ['a Mach-O executable', [0xce, 0xfa, 0xed, 0xfe]],
  ['a Mach-O executable', [0xfe, 0xed, 0xfa, 0xcf]],
  ['a Mach-O executable', [0xca, 0xfe, 0xba, 0xbe]],
  ['a WebAssembly module', [0x00, 0x61, 0x73, 0x6d]],
  ['a ZIP archive', [0x50, 0x4b, 0x03, 0x04]],
  ['a gzip file', [0x1f, 0x8b]],
  ['a bzip2 file', [0x42, 0x5a, 0x68]],
  ['an xz file', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['a zstd file', [0x28, 0xb5, 0x2f, 0xfd]],
  ['a 7-Zip archive', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['an SQLite database', [...Buffer.from('SQLite format 3\0')]],
  ['a tar archive', [...Buffer.from('ustar')], 257],
];

/** Share of the non-NUL bytes that may be neither text nor a terminal escape before the file counts as binary. */
const BINARY_SHARE = 0.3;

/**
 * What binary file `head` (a file's first bytes) starts, or undefined when it is text, however
 * damaged: runs of NUL bytes (a node that lost power pads its logs with them), invalid UTF-8 here and
 * there, control characters and escape sequences are all still a log.
 */
export function binaryKind(head: Buffer): string | undefined {
  for (const [name, signature, offset = 0] of SIGNATURES) {
    if (head.length >= offset + signature.length && signature.every((byte, i) => head[offset + i] === byte)) return name;
  }
  const sample = head.subarray(0, BINARY_SNIFF_BYTES);
  let text = 0;
  let other = 0;
  for (let i = 0; i < sample.length; i++) {
    const byte = sample[i]!;
    if (byte === 0) continue;
    // Tab, LF, VT, FF, CR and ESC occur in logs; every other C0 control and DEL does not.
    if ((byte < 0x20 && !(byte >= 0x09 && byte <= 0x0d) && byte !== 0x1b) || byte === 0x7f) other += 1;
    else text += 1;
  }
  // Bytes that are not valid UTF-8 decode to U+FFFD, one each.
  const decoded = sample.toString('utf8');
  let replaced = 0;
  for (let at = decoded.indexOf('\ufffd'); at !== -1; at = decoded.indexOf('\ufffd', at + 1)) replaced += 1;
  const counted = text + other;
  if (counted === 0) return undefined;
  return (other + replaced) / counted > BINARY_SHARE ? 'binary data' : undefined;
}

/**
 * A log's chunks made readable line by line: a leading BOM dropped, each run of NUL bytes made one
 * line end (padding then ends the cut-off line before it instead of gluing it to the next), and CR
 * line ends (old Mac style: no LF in the first chunk) made LF. A chunk without NUL passes through as
 * is, so the common case costs one `indexOf` per chunk.
 */
export async function* textLogChunks(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let first = true;
  let crOnly = false;
  let afterNul = false;
  for await (const input of source) {
    let chunk = input;
    if (first && chunk.length > 0) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      crOnly = chunk.indexOf(0x0d) !== -1 && chunk.indexOf(0x0a) === -1;
    }
    if (crOnly) chunk = replaceByte(chunk, 0x0d, 0x0a);
    if (chunk.indexOf(0) !== -1) {
      const { out, endsInNul } = collapseNulRuns(chunk, afterNul);
      afterNul = endsInNul;
      chunk = out;
    } else if (chunk.length > 0) {
      afterNul = false;
    }
    if (chunk.length > 0) yield chunk;
  }
}

/** The same change for a log's head already decoded (component and version sniffing). */
export function textLogHead(head: string): string {
  let text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  if (text.includes('\r') && !text.includes('\n')) text = text.replace(/\r/g, '\n');
  return text.includes('\0') ? text.replace(/\0+/g, '\n') : text;
}

function replaceByte(chunk: Buffer, from: number, to: number): Buffer {
  let at = chunk.indexOf(from);
  if (at === -1) return chunk;
  const out = Buffer.from(chunk);
  while (at !== -1) {
    out[at] = to;
    at = out.indexOf(from, at + 1);
  }
  return out;
}

/** Each run of NUL bytes as one LF; a run that goes on from the chunk before adds nothing. */
function collapseNulRuns(chunk: Buffer, afterNul: boolean): { out: Buffer; endsInNul: boolean } {
  const parts: Buffer[] = [];
  let start = 0;
  let inRun = afterNul;
  for (let at = chunk.indexOf(0); at !== -1; at = chunk.indexOf(0, start)) {
    if (at > start) {
      parts.push(chunk.subarray(start, at));
      inRun = false;
    }
    if (!inRun) parts.push(NEWLINE);
    inRun = true;
    start = at + 1;
    while (start < chunk.length && chunk[start] === 0) start += 1;
  }
  if (start < chunk.length) {
    parts.push(chunk.subarray(start));
    inRun = false;
  }
  return { out: Buffer.concat(parts), endsInNul: inRun };
}

const NEWLINE = Buffer.from('\n');

/**
 * Up to `bytes` bytes of a source's start, and the whole source again (the head included) to read on;
 * `close` ends the source for a caller that reads no further.
 */
export async function peekHead(
  source: AsyncIterable<Buffer>,
  bytes: number,
): Promise<{ head: Buffer; all: AsyncGenerator<Buffer>; close: () => Promise<void> }> {
  const iterator = source[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let total = 0;
  let done = false;
  while (total < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    seen.push(next.value);
    total += next.value.length;
  }
  async function* all(): AsyncGenerator<Buffer> {
    try {
      yield* seen;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      if (!done) await iterator.return?.();
    }
  }
  const close = async () => {
    if (!done) await iterator.return?.();
  };
  return { head: Buffer.concat(seen, total), all: all(), close };
}

/**
 * The source up to `max` bytes; past that it stops and `onCut` learns how many bytes were read.
 * A gzipped log inflating past its budget (a log bomb) is so read up to the budget, in bounded time.
 */
export async function* upTo(source: AsyncIterable<Buffer>, max: number, onCut: (bytesRead: number) => void): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of source) {
    if (total + chunk.length > max) {
      const rest = max - total;
      if (rest > 0) yield chunk.subarray(0, rest);
      onCut(max);
      return;
    }
    total += chunk.length;
    yield chunk;
  }
}
