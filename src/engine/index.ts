// The rule engine: load the catalog, scan logs as readers stream them, evaluate rules into findings.
export { compileCatalog, loadRules, loadRuleFile, RULE_README, RULE_SCHEMA_PATH, RULE_TS, RULE_YAML, type RuleSet, type LoadRulesOptions } from './load.js';
export { catalogTemplates, type CompiledCatalog } from './compiled-catalog.js';
export { precompileTemplates, usePrecompiledTemplates } from './templates.js';
export { evaluate, type EvaluateOptions, type Evaluation } from './evaluate.js';
export { PatternScanner, type ScannerOptions } from './scanner.js';
export type { CompiledPattern } from './patterns.js';
export type { FindingInput, LoadedRule, LogHitRef, LogPatternSpec, RuleContext, RuleDefinition, RuleMeta } from './types.js';
