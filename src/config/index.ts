// TEMPORARY placeholder, replaced by the engine work (issue 3): the --config file.
import type { ReadBudget } from '../readers/types.js';

export interface Ignore {
  rule: string;
  resource?: { kind?: string; namespace?: string; name?: string };
  reason: string;
  expires?: string;
}

export interface RedactionConfig {
  patterns?: { name: string; regex: string; flags?: string }[];
}

export interface Config {
  file?: string;
  ignores: Ignore[];
  redaction?: RedactionConfig;
  budget?: Partial<ReadBudget>;
}

export async function loadConfig(path: string): Promise<Config> {
  return { file: path, ignores: [] };
}
