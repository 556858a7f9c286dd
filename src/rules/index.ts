// The built-in TypeScript rules: logic the YAML rule format cannot express (compatibility tables, intervals, coverage).
import type { RuleDefinition } from '../engine/types.js';

export const BUILTIN_TS_RULES: RuleDefinition[] = [];
