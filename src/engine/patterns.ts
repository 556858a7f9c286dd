// Log patterns compiled once: the regex, its prefilter literals (given or derived), component and level filters.
import type { LogComponent } from '../model/bundle.js';
import { deriveLiterals, MIN_DERIVED_LITERAL } from './literals.js';
import type { LogPatternSpec } from './types.js';
import { checkRange } from './versions.js';
import { FieldError } from './field-error.js';

/** The shortest literal the prefilter accepts (the rule schema says the same). */
export const MIN_LITERAL = 3;

export interface CompiledPattern {
  /** `<ruleId>#<index>`, the LogHit.patternKey. */
  key: string;
  ruleId: string;
  index: number;
  regex: RegExp;
  literals: string[];
  components?: ReadonlySet<LogComponent>;
  levels?: ReadonlySet<string>;
  velero?: string;
}


export function patternKey(ruleId: string, index: number): string {
  return `${ruleId}#${index}`;
}

export function compilePattern(ruleId: string, index: number, spec: LogPatternSpec): CompiledPattern {
  const flags = spec.flags ?? '';
  if (/[gy]/.test(flags)) throw new FieldError('flags', `flags "${flags}": g and y are not allowed (each line is matched once)`);
  let regex: RegExp;
  try {
    regex = new RegExp(spec.regex, flags);
  } catch (error) {
    throw new FieldError('regex', `invalid regular expression: ${(error as Error).message}`);
  }
  let literals = spec.literals;
  if (!literals || literals.length === 0) {
    const derived = deriveLiterals(spec.regex);
    if ('missing' in derived) {
      throw new FieldError(
        'regex',
        `no prefilter literal can be derived from ${derived.missing === spec.regex ? 'the regex' : `the alternative "${derived.missing}"`} ` +
          `(it needs a plain run of at least ${MIN_DERIVED_LITERAL} characters); add \`literals\`: strings one of which every matching line contains`,
      );
    }
    literals = derived.literals;
  }
  const short = literals.find((l) => Buffer.byteLength(l) < MIN_LITERAL);
  if (short !== undefined) {
    throw new FieldError('literals', `literal "${short}" is too short: literals need at least ${MIN_LITERAL} characters (the scan skips by the shortest)`);
  }
  if (spec.velero !== undefined) {
    const problem = checkRange(spec.velero);
    if (problem) throw new FieldError('velero', problem);
  }
  const compiled: CompiledPattern = { key: patternKey(ruleId, index), ruleId, index, regex, literals: [...new Set(literals)] };
  if (spec.components) compiled.components = new Set(spec.components);
  if (spec.levels) compiled.levels = new Set(spec.levels);
  if (spec.velero !== undefined) compiled.velero = spec.velero;
  return compiled;
}
