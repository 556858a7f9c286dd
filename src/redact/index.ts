// TEMPORARY placeholder, replaced by the redaction work (issue 6).
import type { RedactionConfig } from '../config/index.js';

export interface Redactor {
  redactText(text: string, file?: string): string;
}

export function createRedactor(_config?: RedactionConfig): Redactor {
  return { redactText: (text) => text };
}
