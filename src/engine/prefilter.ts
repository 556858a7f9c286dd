// The scan prefilter: one Aho-Corasick automaton over bytes for every literal of every pattern, ASCII case-insensitive.
//
// Written by hand because it is the hot path: every byte of every log passes through `scan` once.
// Measured (bench/scan.bench.ts) against the alternatives on this 2-core machine: one `Buffer.indexOf`
// pass per literal grows linearly with the catalog, a combined alternation RegExp over decoded text
// costs far more per byte, and per-line regex testing is the naive loop the issue rules out. A dense
// DFA (next state premultiplied by the class count, bytes mapped to a few classes) costs two typed-array
// loads per byte, whatever the number of literals.

/** What `scan` reports: a newline, or a state whose outputs name literal ids. */
export interface PrefilterHandler {
  /** A literal ended at byte `i` of the chunk; `outputs` lists the ids of every literal that ends there. */
  onLiteral(outputs: readonly number[], i: number): void;
  /** A newline at byte `i` of the chunk. */
  onNewline(i: number): void;
}

export class Prefilter {
  /** Byte → class (0: a byte no literal holds). */
  private readonly classOf: Uint8Array;
  private readonly classCount: number;
  /** Transition table: delta[state * classCount + class] = next state * classCount. */
  private readonly delta: Int32Array;
  /** Per premultiplied state: 0 nothing, 1 literal outputs, 2 newline. */
  private readonly flag: Uint8Array;
  private readonly outputs: (readonly number[])[];
  private readonly newlineState: number;
  readonly literalCount: number;

  constructor(literals: readonly string[]) {
    this.literalCount = literals.length;
    const encoded = literals.map((l) => foldAscii(Buffer.from(l, 'utf8')));
    const classOf = new Uint8Array(256);
    let classes = 1;
    for (const bytes of encoded) for (const b of bytes) if (classOf[b] === 0) classOf[b] = classes++;
    // Upper-case letters share the class of their lower-case form.
    for (let b = 65; b <= 90; b++) classOf[b] = classOf[b + 32]!;
    const newlineClass = classes++;
    classOf[10] = newlineClass;
    if (classes > 255) throw new Error('too many distinct literal bytes');
    this.classOf = classOf;
    this.classCount = classes;

    // The trie.
    const children: Map<number, number>[] = [new Map()];
    const out: number[][] = [[]];
    encoded.forEach((bytes, id) => {
      let s = 0;
      for (const b of bytes) {
        const c = classOf[b]!;
        let next = children[s]!.get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          out.push([]);
          children[s]!.set(c, next);
        }
        s = next;
      }
      if (bytes.length > 0) out[s]!.push(id);
    });
    const stateCount = children.length + 1; // + the newline state
    const C = classes;
    const delta = new Int32Array(stateCount * C);
    const fail = new Int32Array(children.length);
    // Breadth-first: complete the DFA with failure transitions, merging outputs along failure links.
    const queue: number[] = [];
    for (let c = 0; c < C; c++) {
      const next = children[0]!.get(c);
      delta[c] = (next ?? 0) * C;
      if (next !== undefined) queue.push(next);
    }
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q]!;
      for (let c = 0; c < C; c++) {
        const next = children[s]!.get(c);
        if (next !== undefined) {
          const f = delta[fail[s]! * C + c]! / C;
          fail[next] = f;
          if (out[f]!.length > 0) out[next] = [...out[next]!, ...out[f]!];
          delta[s * C + c] = next * C;
          queue.push(next);
        } else {
          delta[s * C + c] = delta[fail[s]! * C + c]!;
        }
      }
    }
    const newlineState = children.length;
    for (let c = 0; c < C; c++) delta[newlineState * C + c] = delta[c]!;
    for (let s = 0; s < stateCount; s++) delta[s * C + newlineClass] = newlineState * C;
    const flag = new Uint8Array(stateCount * C);
    const outputs: (readonly number[])[] = new Array<readonly number[]>(stateCount * C).fill([]);
    for (let s = 0; s < children.length; s++) {
      if (out[s]!.length > 0) {
        flag[s * C] = 1;
        outputs[s * C] = out[s]!;
      }
    }
    flag[newlineState * C] = 2;
    this.delta = delta;
    this.flag = flag;
    this.outputs = outputs;
    this.newlineState = newlineState * C;
  }

  /** The state to start a file in (as after a newline). */
  get initialState(): number {
    return this.newlineState;
  }

  /** Runs bytes [start, end) of `buf` from `state`, calling the handler; returns the state to continue from. */
  scan(buf: Uint8Array, start: number, end: number, state: number, handler: PrefilterHandler): number {
    const delta = this.delta;
    const classOf = this.classOf;
    const flag = this.flag;
    let s = state;
    for (let i = start; i < end; i++) {
      s = delta[s + classOf[buf[i]!]!]!;
      const f = flag[s]!;
      if (f !== 0) {
        if (f === 2) handler.onNewline(i);
        else handler.onLiteral(this.outputs[s]!, i);
      }
    }
    return s;
  }
}

function foldAscii(bytes: Buffer): Buffer {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 65 && b <= 90) bytes[i] = b + 32;
  }
  return bytes;
}
