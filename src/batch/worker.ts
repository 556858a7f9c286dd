// Worker thread entry of analyzeEach(): analyzes the inputs it is sent, one at a time, and answers each with its Report or error.
import { parentPort } from 'node:worker_threads';
import type { BatchRequest } from './protocol.js';
import { runOne } from './run-one.js';

parentPort?.on('message', (request: BatchRequest) => {
  void runOne(request.id, request.input, request.options).then((answer) => parentPort?.postMessage(answer));
});
