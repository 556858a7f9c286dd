// Builds the Report from a read Bundle and the engine's findings: inventory, versions, detail tables, summary.
import { REPORT_SCHEMA_VERSION, SEVERITIES, TOOL_NAME, severityRank } from '../constants.js';
import type { Severity } from '../constants.js';
import type { Bundle } from '../model/bundle.js';
import type { KubeObject } from '../model/kube.js';
import { fillPlaceholders, fixFirst, groupFindings, orderFindings, placeholderValues } from './causes.js';
import type {
  BackupRow,
  Finding,
  Inventory,
  LocationRow,
  Report,
  ReportDetails,
  RepositoryRow,
  RestoreRow,
  RuleOutcome,
  ScheduleRow,
} from './types.js';
import { runsByDay } from './runs-by-day.js';
import { visibleStrings } from './visible.js';
import { byCodeUnits } from '../util/compare.js';
import { formatTimestamp } from '../util/words.js';

/** The detail tables keep the newest rows only, so that reports of huge clusters stay readable. */
export const MAX_DETAIL_ROWS = 500;

export interface BuildReportOptions {
  toolVersion: string;
  findings: Finding[];
  rules: RuleOutcome[];
  /** Masks secrets in any text taken from the input (evidence, messages). */
  redact?: (text: string) => string;
  generatedAt?: Date;
}

export function buildReport(bundle: Bundle, options: BuildReportOptions): Report {
  const redact = options.redact ?? ((text: string) => text);
  const grouped = groupFindings(sortFindings(options.findings), bundle);
  const findings = orderFindings(grouped).map((f): Finding => {
    const out: Finding = {
      ...f,
      message: redact(f.message),
      remediation: fillPlaceholders(f.remediation, placeholderValues(f, bundle)),
      evidence: f.evidence.map((e) => ({ ...e, text: redact(e.text) })),
    };
    if (f.objects) out.objects = f.objects.map((o) => ({ ...o, message: redact(o.message) }));
    return out;
  });
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) summary[f.severity] += 1;
  const first = bundle.inputs[0];
  // Text from the input (log lines, names, messages) may hold escape sequences, NULs or bidi overrides.
  return visibleStrings({
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: options.toolVersion },
    input:
      bundle.inputs.length === 1 && first
        ? { path: first.path, format: first.format }
        : { path: bundle.inputs.map((i) => i.path).join(', '), format: 'multiple' },
    inputs: bundle.inputs,
    generatedAt: formatTimestamp(options.generatedAt ?? new Date()),
    collectedAt: bundle.collectedAt,
    versions: { ...bundle.versions, plugins: bundle.versions.plugins.map((p) => ({ ...p })), sources: { ...bundle.versions.sources } },
    inventory: inventoryOf(bundle),
    fixFirst: fixFirst(findings),
    findings,
    summary,
    problems: redactStrings(bundle.problems, redact),
    rules: options.rules,
    // Status messages and failure reasons are the input's text: a URL with its signature, a password in an error.
    details: redactStrings(detailsOf(bundle), redact),
  });
}

/** A copy of a value with every string in it redacted. */
function redactStrings<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactStrings(item, redact)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactStrings(item as unknown, redact)])) as T;
  }
  return value;
}

/** Most severe first; within a severity, root causes before the symptoms they explain; then by rule id. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      Number(Boolean(a.explainedBy?.length)) - Number(Boolean(b.explainedBy?.length)) ||
      byCodeUnits(a.ruleId, b.ruleId) ||
      b.count - a.count,
  );
}

export function inventoryOf(bundle: Bundle): Inventory {
  const n = (kind: string) => bundle.objects.count(kind);
  return {
    backups: n('Backup'),
    restores: n('Restore'),
    schedules: n('Schedule'),
    backupStorageLocations: n('BackupStorageLocation'),
    volumeSnapshotLocations: n('VolumeSnapshotLocation'),
    podVolumeBackups: n('PodVolumeBackup'),
    podVolumeRestores: n('PodVolumeRestore'),
    backupRepositories: n('BackupRepository'),
    dataUploads: n('DataUpload'),
    dataDownloads: n('DataDownload'),
    deleteBackupRequests: n('DeleteBackupRequest'),
    logFiles: bundle.logs.length,
  };
}

function durationSeconds(start?: string, end?: string): number | undefined {
  if (!start || !end) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : undefined;
}

function newestFirst(a: KubeObject, b: KubeObject): number {
  const time = (o: KubeObject) => String(o.status?.startTimestamp ?? o.metadata.creationTimestamp ?? '');
  return byCodeUnits(time(b), time(a));
}

function optional<T extends object>(row: T): T {
  for (const key of Object.keys(row) as (keyof T)[]) if (row[key] === undefined) delete row[key];
  return row;
}

function detailsOf(bundle: Bundle): ReportDetails {
  const backups = bundle.objects.list('Backup').sort(newestFirst);
  const restores = bundle.objects.list('Restore').sort(newestFirst);
  const backupRows = backups.slice(0, MAX_DETAIL_ROWS).map((b): BackupRow => {
    const annotations = b.metadata.annotations ?? {};
    return optional({
      name: b.metadata.name,
      namespace: b.metadata.namespace,
      phase: String(b.status?.phase ?? 'New'),
      schedule: b.metadata.labels?.['velero.io/schedule-name'],
      storageLocation: b.spec?.storageLocation,
      started: b.status?.startTimestamp,
      completed: b.status?.completionTimestamp,
      durationSeconds: durationSeconds(b.status?.startTimestamp, b.status?.completionTimestamp),
      expiration: b.status?.expiration,
      errors: Number(b.status?.errors ?? 0),
      warnings: Number(b.status?.warnings ?? 0),
      failureReason: b.status?.failureReason,
      kotsBackupType:
        annotations['replicated.com/backup-type'] ??
        (annotations['kots.io/instance'] === 'true' ? 'instance' : annotations['kots.io/snapshot-trigger'] ? 'application' : undefined),
    });
  });
  const restoreRows = restores.slice(0, MAX_DETAIL_ROWS).map(
    (r): RestoreRow =>
      optional({
        name: r.metadata.name,
        namespace: r.metadata.namespace,
        phase: String(r.status?.phase ?? 'New'),
        backup: r.spec?.backupName,
        started: r.status?.startTimestamp,
        completed: r.status?.completionTimestamp,
        durationSeconds: durationSeconds(r.status?.startTimestamp, r.status?.completionTimestamp),
        errors: Number(r.status?.errors ?? 0),
        warnings: Number(r.status?.warnings ?? 0),
        failureReason: r.status?.failureReason,
      }),
  );
  const schedules = bundle.objects.list('Schedule').map(
    (s): ScheduleRow =>
      optional({
        name: s.metadata.name,
        namespace: s.metadata.namespace,
        schedule: s.spec?.schedule,
        paused: Boolean(s.spec?.paused),
        phase: String(s.status?.phase ?? 'New'),
        lastBackup: s.status?.lastBackup,
      }),
  );
  const locations: LocationRow[] = [
    ...bundle.objects.list('BackupStorageLocation').map((l) =>
      optional<LocationRow>({
        kind: 'BackupStorageLocation',
        name: l.metadata.name,
        namespace: l.metadata.namespace,
        provider: l.spec?.provider,
        bucket: l.spec?.objectStorage?.bucket,
        prefix: l.spec?.objectStorage?.prefix,
        phase: String(l.status?.phase ?? 'Unknown'),
        default: Boolean(l.spec?.default),
        accessMode: l.spec?.accessMode,
        message: l.status?.message,
        lastValidationTime: l.status?.lastValidationTime,
      }),
    ),
    ...bundle.objects.list('VolumeSnapshotLocation').map((l) =>
      optional<LocationRow>({
        kind: 'VolumeSnapshotLocation',
        name: l.metadata.name,
        namespace: l.metadata.namespace,
        provider: l.spec?.provider,
        phase: String(l.status?.phase ?? 'Unknown'),
        default: false,
      }),
    ),
  ];
  const repositories = bundle.objects.list('BackupRepository').map(
    (r): RepositoryRow =>
      optional({
        name: r.metadata.name,
        namespace: r.metadata.namespace,
        type: r.spec?.repositoryType ?? (r.kind === 'ResticRepository' ? 'restic' : undefined),
        volumeNamespace: r.spec?.volumeNamespace,
        storageLocation: r.spec?.backupStorageLocation,
        phase: String(r.status?.phase ?? 'New'),
        message: r.status?.message,
        lastMaintenanceTime: r.status?.lastMaintenanceTime,
      }),
  );
  return {
    backups: backupRows,
    restores: restoreRows,
    schedules,
    locations,
    repositories,
    truncated: backups.length > MAX_DETAIL_ROWS || restores.length > MAX_DETAIL_ROWS,
    runsByDay: runsByDay(backups, restores),
  };
}
