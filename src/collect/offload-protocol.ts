// The messages between the collector and its worker thread (offload.ts ↔ offload-worker.ts).
import type { RedactionSummary } from '../redact/index.js';
import type { BuiltFile } from './array-file.js';
import type { ListTarget, PageSummary, Reads } from './list-files.js';

export type OffloadRequest =
  | { id: number; redact: { text: string; path: string } }
  | { id: number; summary: true }
  /** One page of a list, its bytes (as they arrived, in chunks) moved, not copied, to the worker. */
  | { id: number; page: { list: number; target: ListTarget; chunks: Uint8Array[]; reads?: Reads } }
  | { id: number; finish: { list: number } };

export interface OffloadAnswer {
  id: number;
  text?: string;
  summary?: RedactionSummary;
  page?: PageSummary;
  /** Buffers arrive as Uint8Arrays. */
  files?: BuiltFile[];
  error?: string;
  /** The page was not JSON. */
  notJson?: boolean;
}

/**
 * The memory of `data` when it can be moved to the other thread: only a buffer that owns the whole
 * of it (small Buffers share Node's pool, and moving that would take it from under the others).
 */
export function transferable(data: Uint8Array): ArrayBuffer[] {
  const memory = data.buffer;
  return memory instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === memory.byteLength ? [memory] : [];
}

/** A Buffer over the bytes of a Uint8Array that crossed threads (no copy). */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
