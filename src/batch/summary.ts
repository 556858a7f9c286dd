// The batch summary: one row per input, and which rules fired in how many inputs (what dominates across bundles).
import { SEVERITIES, severityRank, type Severity } from '../constants.js';
import { byCodeUnits } from '../util/compare.js';
import type { BatchEntry, BatchResult } from './types.js';

export interface BatchRow {
  input: string;
  /** Absent for an input that could not be read. */
  format?: string;
  collectedAt: string | null;
  velero: string | null;
  kots: string | null;
  kubernetes: string | null;
  /** The first finding of the report: the most severe root cause. */
  topCause?: { ruleId: string; title: string; severity: Severity };
  counts: Record<Severity, number>;
  findings: number;
  error?: string;
  exitCode?: number;
}

export interface RuleRow {
  ruleId: string;
  title: string;
  /** The most severe severity it fired with. */
  severity: Severity;
  /** Inputs it fired in, of those that could be read. */
  inputs: number;
  /** Inputs where it was the top root cause. */
  topIn: number;
}

export interface BatchSummary {
  rows: BatchRow[];
  rules: RuleRow[];
  totals: { inputs: number; read: number; unreadable: number; withFindings: number; counts: Record<Severity, number> };
  workers: number;
  durationMs: number;
}

function zero(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}

function rowOf(entry: BatchEntry): BatchRow {
  const r = entry.report;
  if (!r) {
    return { input: entry.input, collectedAt: null, velero: null, kots: null, kubernetes: null, counts: zero(), findings: 0, error: entry.error?.message ?? 'not analyzed', exitCode: entry.error?.exitCode };
  }
  const top = r.findings[0];
  return {
    input: entry.input,
    format: r.input.format,
    collectedAt: r.collectedAt,
    velero: r.versions.velero,
    kots: r.versions.kots,
    kubernetes: r.versions.kubernetes,
    ...(top ? { topCause: { ruleId: top.ruleId, title: top.title, severity: top.severity } } : {}),
    counts: { ...r.summary },
    findings: r.findings.length,
  };
}

export function summarizeBatch(result: BatchResult): BatchSummary {
  const rows = result.entries.map(rowOf);
  const rules = new Map<string, RuleRow>();
  for (const entry of result.entries) {
    const findings = entry.report?.findings ?? [];
    const seen = new Set<string>();
    for (const f of findings) {
      let rule = rules.get(f.ruleId);
      if (!rule) {
        rule = { ruleId: f.ruleId, title: f.title, severity: f.severity, inputs: 0, topIn: 0 };
        rules.set(f.ruleId, rule);
      }
      if (severityRank(f.severity) < severityRank(rule.severity)) rule.severity = f.severity;
      if (!seen.has(f.ruleId)) rule.inputs += 1;
      seen.add(f.ruleId);
    }
    if (findings[0]) rules.get(findings[0].ruleId)!.topIn += 1;
  }
  const counts = zero();
  for (const row of rows) for (const s of SEVERITIES) counts[s] += row.counts[s];
  const read = rows.filter((r) => !r.error).length;
  return {
    rows,
    rules: [...rules.values()].sort(
      (a, b) => b.inputs - a.inputs || b.topIn - a.topIn || severityRank(a.severity) - severityRank(b.severity) || byCodeUnits(a.ruleId, b.ruleId),
    ),
    totals: { inputs: rows.length, read, unreadable: rows.length - read, withFindings: rows.filter((r) => r.findings > 0).length, counts },
    workers: result.workers,
    durationMs: result.durationMs,
  };
}
