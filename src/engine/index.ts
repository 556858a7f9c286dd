// TEMPORARY placeholder, replaced by the engine work (issue 3).
import type { Config } from '../config/index.js';
import type { Bundle, LogFile, LogScanner } from '../model/bundle.js';
import type { Finding, RuleOutcome } from '../report/types.js';
import type { LoadedRule } from './types.js';

export interface RuleSet {
  rules: LoadedRule[];
  createScanner(): LogScanner;
}

export async function loadRules(_options: { rulesDirs: string[] }): Promise<RuleSet> {
  return {
    rules: [],
    createScanner: () => ({
      async scan(file: LogFile, source: AsyncIterable<Buffer>) {
        for await (const chunk of source) file.bytes += chunk.length;
      },
    }),
  };
}

export function evaluate(
  _ruleSet: RuleSet,
  _bundle: Bundle,
  _options: { config?: Config; now: Date },
): { findings: Finding[]; outcomes: RuleOutcome[] } {
  return { findings: [], outcomes: [] };
}
