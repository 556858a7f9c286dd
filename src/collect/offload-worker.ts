// Worker thread entry: redacts big texts and builds the files of big custom-resource lists from their raw pages, keeping its own redaction tally.
import { parentPort, workerData } from 'node:worker_threads';
import type { RedactionConfig } from '../config/index.js';
import { createRedactor } from '../redact/index.js';
import type { BuiltFile } from './array-file.js';
import { ListFiles, NotJsonError, type ListTarget } from './list-files.js';
import { asBuffer, transferable, type OffloadAnswer, type OffloadRequest } from './offload-protocol.js';

const { config, level } = workerData as { config?: RedactionConfig; level: number };
const redactor = createRedactor(config);
const lists = new Map<number, ListFiles>();
const redact = (text: string, path: string) => redactor.redactText(text, path);

function listFor(id: number, target: ListTarget): ListFiles {
  let list = lists.get(id);
  if (!list) {
    list = new ListFiles(target, redact, level);
    lists.set(id, list);
  }
  return list;
}

async function answer(request: OffloadRequest): Promise<{ answer: OffloadAnswer; transfer?: ArrayBuffer[] }> {
  const { id } = request;
  if ('redact' in request) return { answer: { id, text: redactor.redactText(request.redact.text, request.redact.path) } };
  if ('summary' in request) return { answer: { id, summary: redactor.summary() } };
  if ('page' in request) {
    const { list, target, chunks, reads } = request.page;
    const text = Buffer.concat(chunks.map(asBuffer)).toString('utf8');
    return { answer: { id, page: listFor(list, target).add(text, reads) } };
  }
  const files: BuiltFile[] = (await lists.get(request.finish.list)?.finish()) ?? [];
  lists.delete(request.finish.list);
  return { answer: { id, files }, transfer: files.flatMap((file) => transferable('gzip' in file ? file.gzip : file.content)) };
}

parentPort?.on('message', (request: OffloadRequest) => {
  answer(request).then(
    ({ answer: reply, transfer }) => parentPort?.postMessage(reply, transfer ?? []),
    (error: unknown) =>
      parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error), notJson: error instanceof NotJsonError } satisfies OffloadAnswer),
  );
});
