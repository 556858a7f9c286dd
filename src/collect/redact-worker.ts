// Worker thread entry: redacts big texts for the collector on another core, keeping its own tally.
import { parentPort, workerData } from 'node:worker_threads';
import type { RedactionConfig } from '../config/index.js';
import { createRedactor } from '../redact/index.js';

type Request = { id: number; text: string; path: string } | { id: number; summary: true };

const redactor = createRedactor((workerData as { config?: RedactionConfig }).config);
parentPort?.on('message', (request: Request) => {
  try {
    if ('summary' in request) parentPort?.postMessage({ id: request.id, summary: redactor.summary() });
    else parentPort?.postMessage({ id: request.id, text: redactor.redactText(request.text, request.path) });
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
