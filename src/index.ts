// The library API: everything the CLI does is available here, without printing or exiting.
export { analyze, type AnalyzeOptions } from './analyze.js';
export type { ReadProgress } from './readers/types.js';
export { collect, type CollectOptions, type CollectResult, type CollectProgress, type CollectManifest } from './collect/index.js';
export { ExitCode, Severity, SEVERITIES, CATEGORIES, isAtLeast, severityRank } from './constants.js';
export type { Category } from './constants.js';
export * from './errors.js';
export type { Bundle, InputFormat, InputInfo, LogFile, LogComponent, Problem, Versions } from './model/bundle.js';
export type { KubeObject, ObjectRef } from './model/kube.js';
export type { Report, Finding, Evidence, Inventory } from './report/types.js';
export type { RuleDefinition, RuleMeta, RuleContext, LogPatternSpec } from './engine/types.js';
export { TOOL_VERSION } from './version.js';
export { writeBundleAnalysis, ANALYSIS_FILE } from './bundle/analysis.js';
export { troubleshootResults, type AnalyzerResult } from './formatters/troubleshoot.js';
export { supportBundleSpec, mergeSupportBundleSpec, type MergeResult } from './spec/index.js';
