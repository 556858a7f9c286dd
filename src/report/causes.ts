// What a person acts on: one finding per cause (a rule firing on many objects for one reason), fixes filled in from the bundle, and the Fix-first ranking.
import { SEVERITIES, severityRank } from '../constants.js';
import type { Bundle } from '../model/bundle.js';
import type { KubeObject, ObjectRef } from '../model/kube.js';
import type { AffectedObject, Finding, FixFirstItem } from './types.js';
import { byCodeUnits } from '../util/compare.js';
import { plural, pluralOf } from '../util/words.js';

/** Evidence lines kept on a grouped finding (the table of objects holds the rest). */
const GROUP_EVIDENCE = 5;

/** The "Likely caused by: …" sentence the engine appends to a symptom's message. */
const CAUSE_SUFFIX = /\s*Likely caused by: [^\n]*$/;

function timeOf(object: KubeObject | undefined): string | undefined {
  const status = object?.status as Record<string, unknown> | undefined;
  const time = status?.startTimestamp ?? status?.completionTimestamp ?? object?.metadata.creationTimestamp;
  return typeof time === 'string' && time ? time : undefined;
}

function errorsOf(object: KubeObject | undefined): number | undefined {
  const errors = (object?.status as Record<string, unknown> | undefined)?.errors;
  const n = Number(errors);
  return errors === undefined || errors === null || !Number.isFinite(n) ? undefined : n;
}

function lookup(bundle: Bundle, ref: ObjectRef | undefined): KubeObject | undefined {
  return ref ? bundle.objects.get(ref.kind, ref.name, ref.namespace) : undefined;
}

/** `PodVolumeBackup`, 2 → `pod volume backups`. */
export function kindNoun(kind: string, count: number): string {
  const words = kind.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return count === 1 ? words : pluralOf(words);
}

/** `1 backup`, `3 backups`. */
export function countOf(count: number, kind: string): string {
  return plural(count, kindNoun(kind, 1), kindNoun(kind, count));
}

/**
 * Findings of one rule, at one severity, explained by the same causes, and each about an object,
 * become one finding with a row per object (newest first). Other findings pass through unchanged.
 */
export function groupFindings(findings: Finding[], bundle: Bundle): Finding[] {
  const groups = new Map<string, Finding[]>();
  const order: (Finding | string)[] = [];
  for (const f of findings) {
    if (f.resources.length === 0) {
      order.push(f);
      continue;
    }
    const key = JSON.stringify([f.ruleId, f.severity, [...(f.explainedBy ?? [])].sort(), f.resources[0]!.kind, reasonOf(f)]);
    const list = groups.get(key);
    if (list) list.push(f);
    else {
      groups.set(key, [f]);
      order.push(key);
    }
  }
  return order.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const members = groups.get(entry)!;
    return members.length === 1 ? members[0]! : mergeGroup(members, bundle);
  });
}

/**
 * What a finding says apart from which object it is about: its message with the names of its
 * objects, numbers and quoted values blanked, first 80 characters. Two message variants of a rule
 * (two reasons) differ here; the same sentence about two backups does not.
 */
function reasonOf(f: Finding): string {
  let text = f.message.replace(CAUSE_SUFFIX, '');
  for (const r of f.resources) if (r.name) text = text.split(r.name).join('∗');
  return text.replace(/"[^"]*"/g, '""').replace(/\d+/g, '0').replace(/\s+/g, ' ').slice(0, 80);
}

function mergeGroup(members: Finding[], bundle: Bundle): Finding {
  const rows = members.map((m) => {
    const ref = m.resources[0]!;
    const object = lookup(bundle, ref);
    const row: AffectedObject = { kind: ref.kind, name: ref.name, message: m.message.replace(CAUSE_SUFFIX, '') };
    if (ref.namespace) row.namespace = ref.namespace;
    const time = timeOf(object);
    if (time) row.time = time;
    const errors = errorsOf(object);
    if (errors !== undefined) row.errors = errors;
    return { row, finding: m };
  });
  rows.sort((a, b) => byCodeUnits(b.row.time ?? '', a.row.time ?? '') || byCodeUnits(a.row.name, b.row.name));
  const first = rows[0]!;
  const kind = first.row.kind;
  const seen = new Set<string>();
  const resources: ObjectRef[] = [];
  for (const { finding } of rows) {
    for (const r of finding.resources) {
      const k = `${r.kind}/${r.namespace ?? ''}/${r.name}`;
      if (!seen.has(k)) {
        seen.add(k);
        resources.push(r);
      }
    }
  }
  const cause = CAUSE_SUFFIX.exec(first.finding.message)?.[0]?.trim();
  const newest = first.row.message.replace(/\s+$/, '');
  const message = `${countOf(rows.length, kind)} affected (listed below, newest first). The newest: ${newest}${/[.!?]$/.test(newest) ? '' : '.'}${cause ? ` ${cause}` : ''}`;
  const grouped: Finding = {
    ...first.finding,
    message,
    resources,
    evidence: rows.flatMap((r) => r.finding.evidence).slice(0, GROUP_EVIDENCE),
    count: rows.reduce((n, r) => n + r.finding.count, 0),
    objects: rows.map((r) => r.row),
  };
  return grouped;
}

/** A Kubernetes name, safe to put into a shell command as is. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function firstOf(finding: Finding, kind: string): ObjectRef | undefined {
  return finding.resources.find((r) => r.kind === kind);
}

function label(object: KubeObject | undefined, key: string): string | undefined {
  return object?.metadata.labels?.[key];
}

function newestBackup(bundle: Bundle, phase: string, schedule: string | undefined): KubeObject | undefined {
  let best: KubeObject | undefined;
  let bestTime = '';
  for (const b of bundle.objects.list('Backup')) {
    if (b.status?.phase !== phase) continue;
    if (schedule && label(b, 'velero.io/schedule-name') !== schedule) continue;
    const t = String(b.status?.completionTimestamp ?? b.status?.startTimestamp ?? '');
    if (t > bestTime || best === undefined) {
      best = b;
      bestTime = t;
    }
  }
  return best;
}

const FAILED_PHASES = new Set(['Failed', 'PartiallyFailed', 'FailedValidation']);

function firstFailed(bundle: Bundle, refs: ObjectRef[]): string | undefined {
  let first: { name: string; time: string } | undefined;
  for (const ref of refs) {
    if (ref.kind !== 'Backup') continue;
    const object = lookup(bundle, ref);
    if (!FAILED_PHASES.has(String(object?.status?.phase))) continue;
    const time = timeOf(object) ?? '';
    if (!first || byCodeUnits(time, first.time) < 0) first = { name: ref.name, time };
  }
  return first?.name;
}

/** The values of the fix placeholders (`<backup>`, `<velero-namespace>`, …) this finding and the bundle tell. */
export function placeholderValues(finding: Finding, bundle: Bundle): Record<string, string> {
  const values: Record<string, string | undefined> = {};
  const backupRef = firstOf(finding, 'Backup');
  const restoreRef = firstOf(finding, 'Restore');
  const restore = lookup(bundle, restoreRef);
  const pvb = lookup(bundle, firstOf(finding, 'PodVolumeBackup'));
  const backupName = backupRef?.name ?? restore?.spec?.backupName ?? label(pvb, 'velero.io/backup-name');
  const backup = backupName ? bundle.objects.get('Backup', backupName) : undefined;
  const schedule = firstOf(finding, 'Schedule')?.name ?? label(backup, 'velero.io/schedule-name') ?? label(restore, 'velero.io/schedule-name');
  const locationName = firstOf(finding, 'BackupStorageLocation')?.name ?? backup?.spec?.storageLocation;
  const location = locationName ? bundle.objects.get('BackupStorageLocation', locationName) : undefined;
  const podRef = firstOf(finding, 'Pod');
  const pod = lookup(bundle, podRef);
  values['velero-namespace'] = bundle.veleroNamespace ?? undefined;
  values.backup = backupName;
  values.restore = restoreRef?.name;
  values.schedule = schedule;
  values.location = locationName;
  values.bucket = location?.spec?.objectStorage?.bucket;
  values.prefix = location?.spec?.objectStorage?.prefix;
  values.region = location?.spec?.config?.region;
  values.provider = location?.spec?.provider;
  values.pod = podRef?.name;
  values.node = firstOf(finding, 'Node')?.name ?? pod?.spec?.nodeName;
  values['last good backup'] = newestBackup(bundle, 'Completed', schedule)?.metadata.name ?? newestBackup(bundle, 'Completed', undefined)?.metadata.name;
  // The oldest failed backup the finding is about: its table's last row, else the earliest of its failed Backups.
  const failed = finding.objects?.filter((o) => o.kind === 'Backup').at(-1)?.name ?? firstFailed(bundle, finding.resources);
  values['first failed backup'] = failed;
  const safe: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === 'string' && SAFE_NAME.test(v)) safe[k] = v;
  return safe;
}

/** Replaces the placeholders the report knows; the others stay for the person to fill in. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/<([a-z][a-z -]*)>/g, (whole, name: string) => values[name] ?? whole);
}

/** Causes of each finding, followed through causes that are themselves explained (by rule id). */
function causeClosure(findings: Finding[]): Map<Finding, Set<string>> {
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  const memo = new Map<Finding, Set<string>>();
  const visit = (f: Finding, path: Set<Finding>): Set<string> => {
    const known = memo.get(f);
    if (known) return known;
    const all = new Set<string>();
    if (path.has(f)) return all;
    path.add(f);
    for (const id of f.explainedBy ?? []) {
      all.add(id);
      for (const cause of byRule.get(id) ?? []) for (const deeper of visit(cause, path)) all.add(deeper);
    }
    path.delete(f);
    memo.set(f, all);
    return all;
  };
  for (const f of findings) visit(f, new Set());
  return memo;
}

function isRoot(f: Finding): boolean {
  return !f.explainedBy || f.explainedBy.length === 0;
}

/**
 * Orders findings so that a cause comes before the symptoms it explains: by the most severe of itself
 * and what it explains, then causes before symptoms (fewest causes above first), then by rule id.
 */
export function orderFindings(findings: Finding[]): Finding[] {
  const causes = causeClosure(findings);
  const effective = new Map<Finding, number>(findings.map((f) => [f, severityRank(f.severity)]));
  for (const f of findings) {
    for (const id of causes.get(f)!) {
      for (const cause of findings) {
        if (cause.ruleId === id) effective.set(cause, Math.min(effective.get(cause)!, severityRank(f.severity)));
      }
    }
  }
  return [...findings].sort(
    (a, b) =>
      effective.get(a)! - effective.get(b)! ||
      causes.get(a)!.size - causes.get(b)!.size ||
      severityRank(a.severity) - severityRank(b.severity) ||
      byCodeUnits(a.ruleId, b.ruleId) ||
      b.count - a.count,
  );
}

/**
 * The first thing to do, in one line, from a Markdown remediation: the first command of a leading
 * code block, or the first sentence of the first paragraph or list item.
 */
export function firstAction(remediation: string): string {
  const text = remediation.trim();
  const fence = /^(```|~~~)[^\n]*\n([\s\S]*?)(\n\1|$)/.exec(text);
  if (fence) {
    const command = fence[2]!
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .find((l) => l && !l.startsWith('#'));
    if (command) return `Run \`${command.replace(/\s*\\$/, ' …')}\``;
  }
  const block = text.split(/\n\s*\n/)[0]!.split('\n');
  const firstItem: string[] = [];
  for (const [i, line] of block.entries()) {
    if (i > 0 && /^\s*([-*+]|\d+[.)])\s/.test(line)) break;
    firstItem.push(line.trim());
  }
  const paragraph = firstItem.join(' ').replace(/^([-*+]|\d+[.)])\s+/, '').replace(/\s+/g, ' ').replace(/:$/, '').replace(/,? (for example|e\.g\.|such as)$/, '');
  return firstSentence(paragraph);
}

/** Up to the first `. ` outside inline code, or the whole text; at most about 200 characters. */
function firstSentence(text: string): string {
  let inCode = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '`') inCode = !inCode;
    else if (!inCode && ch === '.' && (text[i + 1] === ' ' || i === text.length - 1) && i > 20) return text.slice(0, i + 1);
    else if (!inCode && ch === ':' && text[i + 1] === ' ' && i > 20) {
      // "Do this: `command`" keeps the command; "Do this: and more prose" stops at the colon.
      const close = text[i + 2] === '`' ? text.indexOf('`', i + 3) : -1;
      return close > 0 && close < 200 ? text.slice(0, close + 1) : text.slice(0, i);
    }
  }
  return text.length > 220 ? `${text.slice(0, 219)}…` : text;
}

/**
 * The root causes (findings nothing else explains) at warning or above, or explaining anything,
 * ranked by the most severe of themselves and their symptoms, then by how many findings they explain.
 */
export function fixFirst(findings: Finding[]): FixFirstItem[] {
  const causes = causeClosure(findings);
  const items: (FixFirstItem & { rank: number; own: number })[] = [];
  findings.forEach((f, index) => {
    if (!isRoot(f)) return;
    const explains: number[] = [];
    findings.forEach((g, j) => {
      if (j !== index && causes.get(g)!.has(f.ruleId)) explains.push(j);
    });
    if (explains.length === 0 && severityRank(f.severity) > severityRank('warning')) return;
    const worst = Math.min(severityRank(f.severity), ...explains.map((j) => severityRank(findings[j]!.severity)));
    const severity = SEVERITIES.find((s) => severityRank(s) === worst) ?? f.severity;
    items.push({ finding: index, ruleId: f.ruleId, title: f.title, severity, action: firstAction(f.remediation), explains, rank: worst, own: severityRank(f.severity) });
  });
  items.sort((a, b) => a.rank - b.rank || b.explains.length - a.explains.length || a.own - b.own || a.finding - b.finding);
  // One entry per rule: a rule that fired twice (two locations denied) is one thing to fix.
  const byRule = new Map<string, (typeof items)[number]>();
  for (const item of items) {
    const first = byRule.get(item.ruleId);
    if (!first) byRule.set(item.ruleId, item);
    else first.explains = [...new Set([...first.explains, ...item.explains])].sort((x, y) => x - y);
  }
  return [...byRule.values()].map(({ rank: _rank, own: _own, ...item }) => item);
}
