// unexplained-errors: error lines and failure messages no other rule explains, grouped by message template, so a report is never silent over them.
import { Severity } from '../../src/constants.js';
import type { RuleModule } from '../../src/engine/types.js';
import { parseLogLine } from '../../src/logs/line.js';
import { maskMessage } from '../../src/logs/template.js';
import type { Bundle, ErrorGroup, LogFile } from '../../src/model/bundle.js';
import { refKey, refOf, type KubeObject, type ObjectRef } from '../../src/model/kube.js';
import type { Evidence } from '../../src/report/types.js';
import { at, nameOf, objectEvidence, stringsOf } from '../../src/rules/support.js';
import { formatTimestamp, plural, timesOf } from '../../src/util/words.js';

/** Groups shown in the message and evidence; the rest are counted. */
const SHOWN_GROUPS = 5;
/** Lines of one group in the newest day that make the finding a warning. */
const FREQUENT_PER_DAY = 10;
const DAY_MS = 86_400_000;

/** Failed states of the objects whose failures every report must mention, and the fields that say why. */
const FAILED: { kind: string; phases: string[]; why: string[] }[] = [
  { kind: 'Backup', phases: ['Failed', 'PartiallyFailed', 'FailedValidation'], why: ['status.failureReason', 'status.validationErrors'] },
  { kind: 'Restore', phases: ['Failed', 'PartiallyFailed', 'FailedValidation'], why: ['status.failureReason', 'status.validationErrors'] },
  { kind: 'PodVolumeBackup', phases: ['Failed'], why: ['status.message'] },
  { kind: 'PodVolumeRestore', phases: ['Failed'], why: ['status.message'] },
  { kind: 'DataUpload', phases: ['Failed'], why: ['status.message'] },
  { kind: 'DataDownload', phases: ['Failed'], why: ['status.message'] },
  { kind: 'BackupRepository', phases: ['NotReady'], why: ['status.message'] },
];

interface Merged {
  template: string;
  count: number;
  hours: Map<string, number>;
  firstTime?: string;
  lastTime?: string;
  example: { file: LogFile; line: number; text: string };
  files: Set<string>;
}

function mergeGroups(bundle: Bundle): Merged[] {
  const byTemplate = new Map<string, Merged>();
  for (const file of bundle.logs) {
    for (const group of file.unexplained ?? []) {
      let merged = byTemplate.get(group.template);
      if (!merged) {
        merged = { template: group.template, count: 0, hours: new Map(), example: { file, line: group.line, text: group.example }, files: new Set() };
        byTemplate.set(group.template, merged);
      }
      add(merged, group, file);
    }
  }
  return [...byTemplate.values()];
}

function add(merged: Merged, group: ErrorGroup, file: LogFile): void {
  merged.count += group.count;
  merged.files.add(file.path);
  for (const [hour, n] of Object.entries(group.hours)) merged.hours.set(hour, (merged.hours.get(hour) ?? 0) + n);
  if (group.firstTime && (!merged.firstTime || group.firstTime < merged.firstTime)) merged.firstTime = group.firstTime;
  if (group.lastTime && (!merged.lastTime || group.lastTime > merged.lastTime)) merged.lastTime = group.lastTime;
}

/** Lines of a group in the 24 hours before `now` (by the hour). */
function inNewestDay(merged: Merged, now: number): number {
  let n = 0;
  for (const [hour, count] of merged.hours) {
    const t = Date.parse(`${hour}:00:00Z`);
    if (t > now - DAY_MS && t <= now) n += count;
  }
  return n;
}

/** The failed objects no other finding is about, with what their status says (or that it says nothing). */
function unexplainedFailures(bundle: Bundle, explained: Set<string>): { object: KubeObject; why: string; fields: string[] }[] {
  const found: { object: KubeObject; why: string; fields: string[] }[] = [];
  for (const { kind, phases, why } of FAILED) {
    for (const object of bundle.objects.list(kind)) {
      const phase = String(object.status?.phase ?? '');
      if (!phases.includes(phase) || explained.has(refKey(refOf(object)))) continue;
      const reasons = why.flatMap((path) => {
        const value = at(object, path);
        return typeof value === 'string' ? (value.trim() ? [value.trim()] : []) : stringsOf(value);
      });
      found.push({ object, why: reasons.join('; '), fields: ['status.phase', ...why] });
    }
  }
  return found;
}

/** The Backup, Restore or location a Velero line names in its fields (`backup=ns/name`, `backupLocation=…`) or as `BackupStorageLocation "name"`. */
function namedObjects(text: string, veleroNamespace: string | null): ObjectRef[] {
  const parsed = parseLogLine(text);
  const refs: ObjectRef[] = [];
  const add = (kind: string, value: string | undefined) => {
    if (!value) return;
    const slash = value.indexOf('/');
    const namespace = slash > 0 ? value.slice(0, slash) : (veleroNamespace ?? undefined);
    const name = slash > 0 ? value.slice(slash + 1) : value;
    refs.push(namespace ? { kind, namespace, name } : { kind, name });
  };
  add('Backup', parsed.backup);
  add('Restore', parsed.restore);
  add('BackupStorageLocation', parsed.fields.backupLocation ?? parsed.fields['backup-storage-location']);
  for (const m of text.matchAll(/BackupStorageLocation \\?"([^"\\]+)\\?"/g)) add('BackupStorageLocation', m[1]);
  return refs;
}

function when(merged: Merged): string {
  if (!merged.firstTime) return '';
  const first = formatTimestamp(merged.firstTime);
  const last = merged.lastTime ? formatTimestamp(merged.lastTime) : first;
  return first === last ? `, at ${first}` : `, ${first} to ${last}`;
}

export const unexplainedErrors: RuleModule = {
  meta: {
    id: 'unexplained-errors',
    title: 'Errors no rule explains',
    severity: Severity.INFO,
    category: 'backup',
    summary: 'Error- and fatal-level lines, or failure messages of Velero objects, that no other rule recognizes, grouped by message.',
    otherSeverities: [
      { severity: Severity.WARNING, when: 'when one kind of line was logged 10 or more times in the last day of the input' },
    ],
  },
  afterOthers: true,
  check(ctx) {
    const { bundle } = ctx;
    const now = ctx.now.getTime();
    const explained = new Set<string>();
    for (const finding of ctx.otherFindings?.() ?? []) for (const ref of finding.resources) explained.add(refKey(ref));
    // Lines about an object another finding is about (its backup, its location) are that finding's story.
    const groups = mergeGroups(bundle)
      .filter((g) => !namedObjects(g.example.text, bundle.veleroNamespace).some((ref) => explained.has(refKey(ref))))
      .sort((a, b) => b.count - a.count || (a.template < b.template ? -1 : 1));
    const failures = unexplainedFailures(bundle, explained);
    if (groups.length === 0 && failures.length === 0) return;

    const lines = groups.reduce((n, g) => n + g.count, 0);
    const shown = groups.slice(0, SHOWN_GROUPS);
    const parts: string[] = [];
    if (groups.length > 0) {
      const list = shown.map((g) => `"${g.template}" (seen ${timesOf(g.count)}${when(g)})`).join('; ');
      const rest = groups.length > shown.length ? `; and ${plural(groups.length - shown.length, 'other message')}` : '';
      const kinds = groups.length > 1 ? `, ${groups.length.toLocaleString('en-US')} different messages` : '';
      parts.push(`${plural(lines, 'error line')} that no rule explains${kinds}: ${list}${rest}.`);
    }
    if (failures.length > 0) {
      // Objects failing the same way read as one line: their reasons, masked, as the key.
      const byReason = new Map<string, KubeObject[]>();
      for (const f of failures) {
        const key = `${f.object.kind} ${f.object.status?.phase}: ${f.why ? maskMessage(f.why) : 'no message'}`;
        byReason.set(key, [...(byReason.get(key) ?? []), f.object]);
      }
      const list = [...byReason].map(([key, objects]) => `${key} (${objects.map(nameOf).slice(0, 3).join(', ')}${objects.length > 3 ? ', …' : ''})`).join('; ');
      parts.push(`${plural(failures.length, 'failed object')} whose failure no rule recognizes: ${list}.`);
    }
    const frequent = shown.find((g) => inNewestDay(g, now) >= FREQUENT_PER_DAY);
    if (frequent) parts.push(`"${frequent.template}" was logged ${inNewestDay(frequent, now)} times in the last day of the input.`);

    const evidence: Evidence[] = shown.map((g) => ({ file: g.example.file.path, line: g.example.line, text: g.example.text }));
    for (const f of failures.slice(0, SHOWN_GROUPS)) evidence.push(objectEvidence(bundle, f.object, f.fields));
    const resources: ObjectRef[] = failures.map((f) => refOf(f.object));
    ctx.report({
      message: parts.join(' '),
      severity: frequent ? Severity.WARNING : Severity.INFO,
      ...(frequent ? { severityReason: `raised to warning: one message was logged ${timesOf(inNewestDay(frequent, now))} in the last day of the input (${FREQUENT_PER_DAY} or more is not noise)` } : {}),
      resources,
      evidence,
      count: lines + failures.length,
    });
  },
};
