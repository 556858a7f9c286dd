// diffReports(): what changed between two Reports of one cluster (findings, versions, locations, repositories, runs).
import semver from 'semver';
import { SEVERITIES, TOOL_NAME, severityRank, type Severity } from '../constants.js';
import type { LocationRow, Report, RepositoryRow } from '../report/types.js';
import { byCodeUnits } from '../util/compare.js';
import { formatTimestamp } from '../util/words.js';
import { TOOL_VERSION } from '../version.js';
import { ObjectKeys, matchFindings } from './match.js';
import type {
  ClusterIdentity,
  DiffReport,
  DiffSide,
  FieldChange,
  FindingChange,
  LocationChange,
  RepositoryChange,
  RunBetween,
  VersionChange,
} from './types.js';

export interface DiffOptions {
  /** What each input shows of its cluster; without it, only the reports' own data is compared. */
  identities?: { old: ClusterIdentity; new: ClusterIdentity };
  /** The diff's `generatedAt` (tests pin it). */
  now?: Date;
}

const UNKNOWN_IDENTITY: ClusterIdentity = { clusterId: null, namespaces: [], veleroNamespace: null };
const STATUS_ORDER: Record<FindingChange['status'], number> = { new: 0, persisting: 1, resolved: 2 };

/** Compares an older and a newer Report. Pure: never reads files, never prints. */
export function diffReports(oldReport: Report, newReport: Report, options: DiffOptions = {}): DiffReport {
  const identities = options.identities ?? { old: identityFromReport(oldReport), new: identityFromReport(newReport) };
  const findings = matchFindings(
    oldReport.findings,
    newReport.findings,
    new ObjectKeys(oldReport.details.backups),
    new ObjectKeys(newReport.details.backups),
  ).sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      severityRank(a.finding.severity) - severityRank(b.finding.severity) ||
      byCodeUnits(a.finding.ruleId, b.finding.ruleId),
  );
  const open = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const c of findings) if (c.status !== 'resolved') open[c.finding.severity] += 1;
  const count = (status: FindingChange['status']) => findings.filter((c) => c.status === status).length;
  return {
    schemaVersion: 1,
    kind: 'diff',
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    generatedAt: formatTimestamp(options.now ?? new Date()),
    old: sideOf(oldReport, identities.old),
    new: sideOf(newReport, identities.new),
    differentCluster: differentClusterReasons(oldReport, newReport, identities.old, identities.new),
    notes: notesOn(oldReport, newReport),
    summary: { resolved: count('resolved'), new: count('new'), persisting: count('persisting'), open },
    findings,
    versions: versionChanges(oldReport, newReport),
    locations: locationChanges(oldReport.details.locations, newReport.details.locations),
    repositories: repositoryChanges(oldReport.details.repositories, newReport.details.repositories),
    runsBetween: runsBetween(oldReport, newReport),
  };
}

function sideOf(report: Report, identity: ClusterIdentity): DiffSide {
  return {
    path: report.input.path,
    format: report.input.format,
    collectedAt: report.collectedAt,
    versions: report.versions,
    summary: report.summary,
    identity,
    timeline: { backups: report.details.backups, restores: report.details.restores, truncated: report.details.truncated, ...(report.details.runsByDay ? { runsByDay: report.details.runsByDay } : {}) },
  };
}

/** What a Report alone shows of its cluster: the namespaces of the objects its findings and tables name. */
export function identityFromReport(report: Report): ClusterIdentity {
  const namespaces = new Set<string>();
  for (const f of report.findings) for (const r of f.resources) if (r.namespace) namespaces.add(r.namespace);
  const d = report.details;
  for (const row of [...d.backups, ...d.restores, ...d.schedules, ...d.locations, ...d.repositories]) {
    if (row.namespace) namespaces.add(row.namespace);
  }
  return { ...UNKNOWN_IDENTITY, namespaces: [...namespaces].sort(byCodeUnits) };
}

/** Namespaces every cluster has, or that a Velero or KOTS install brings: sharing them says nothing. */
const COMMON_NAMESPACES = /^(default|kube-.*|velero|openshift-adp|kotsadm|kurl|minio|cattle-.*|local-path-storage)$/;

function differentClusterReasons(oldReport: Report, newReport: Report, a: ClusterIdentity, b: ClusterIdentity): string[] {
  const reasons: string[] = [];
  if (a.clusterId && b.clusterId && a.clusterId !== b.clusterId) {
    reasons.push(`different cluster ids (kube-system namespace uid ${a.clusterId} vs ${b.clusterId})`);
  }
  if (a.veleroNamespace && b.veleroNamespace && a.veleroNamespace !== b.veleroNamespace) {
    reasons.push(`Velero runs in namespace "${a.veleroNamespace}" in the old input and "${b.veleroNamespace}" in the new one`);
  }
  const own = (list: string[]) => list.filter((ns) => !COMMON_NAMESPACES.test(ns));
  const oldOwn = own(a.namespaces);
  const newOwn = new Set(own(b.namespaces));
  if (oldOwn.length > 0 && newOwn.size > 0 && !oldOwn.some((ns) => newOwn.has(ns))) {
    reasons.push(`no application namespace in common (old: ${sample(oldOwn)}; new: ${sample([...newOwn])})`);
  }
  const bsls = (r: Report) => r.details.locations.filter((l) => l.kind === 'BackupStorageLocation');
  const oldBsl = bsls(oldReport);
  const newBsl = bsls(newReport);
  const where = (l: LocationRow) => `${l.bucket ?? 'unknown'}${l.prefix ? `/${l.prefix}` : ''}`;
  if (
    oldBsl.length > 0 &&
    newBsl.length > 0 &&
    !oldBsl.some((o) => newBsl.some((n) => n.name === o.name || (o.bucket !== undefined && where(n) === where(o))))
  ) {
    reasons.push(
      `no backup storage location in common (old: ${sample(oldBsl.map((l) => `${l.name} → ${where(l)}`))}; new: ${sample(newBsl.map((l) => `${l.name} → ${where(l)}`))})`,
    );
  }
  return reasons;
}

function sample(list: string[], max = 3): string {
  return list.length > max ? `${list.slice(0, max).join(', ')} and ${list.length - max} more` : list.join(', ');
}

function notesOn(oldReport: Report, newReport: Report): string[] {
  const notes: string[] = [];
  const a = oldReport.collectedAt ? Date.parse(oldReport.collectedAt) : NaN;
  const b = newReport.collectedAt ? Date.parse(newReport.collectedAt) : NaN;
  if (a > b) notes.push(`the new input was collected (${newReport.collectedAt}) before the old one (${oldReport.collectedAt}): were they given in the wrong order?`);
  if (!oldReport.collectedAt || !newReport.collectedAt) notes.push('one input does not say when it was collected: backups and restores between the two are those the older input did not show');
  if (oldReport.details.truncated || newReport.details.truncated) notes.push('an input has more backups or restores than a report lists: only the newest were compared');
  return notes;
}

const VERSION_FIELDS = [
  ['kubernetes', 'kubernetes'],
  ['velero', 'velero'],
  ['node-agent', 'nodeAgent'],
  ['kots', 'kots'],
] as const;

function versionChange(component: string, oldVersion: string | null, newVersion: string | null): VersionChange | undefined {
  if (oldVersion === newVersion) return undefined;
  let change: VersionChange['change'] = 'changed';
  const a = oldVersion ? semver.coerce(oldVersion, { loose: true }) : null;
  const b = newVersion ? semver.coerce(newVersion, { loose: true }) : null;
  if (a && b && semver.neq(a, b)) change = semver.gt(b, a) ? 'upgraded' : 'downgraded';
  return { component, old: oldVersion, new: newVersion, change };
}

function versionChanges(oldReport: Report, newReport: Report): VersionChange[] {
  const changes: VersionChange[] = [];
  for (const [component, field] of VERSION_FIELDS) {
    const c = versionChange(component, oldReport.versions[field], newReport.versions[field]);
    if (c) changes.push(c);
  }
  const oldPlugins = new Map(oldReport.versions.plugins.map((p) => [p.name, p.version]));
  const newPlugins = new Map(newReport.versions.plugins.map((p) => [p.name, p.version]));
  for (const [name, version] of newPlugins) {
    if (!oldPlugins.has(name)) changes.push({ component: name, old: null, new: version, change: 'added' });
    else {
      const c = versionChange(name, oldPlugins.get(name) ?? null, version);
      if (c) changes.push(c);
    }
  }
  for (const [name, version] of oldPlugins) {
    if (!newPlugins.has(name)) changes.push({ component: name, old: version, new: null, change: 'removed' });
  }
  return changes;
}

function fieldChanges<T extends object>(a: T, b: T, fields: (keyof T & string)[]): FieldChange[] {
  const text = (v: unknown) => (v === undefined || v === null ? null : String(v));
  return fields
    .map((field) => ({ field, old: text(a[field]), new: text(b[field]) }))
    .filter((c) => c.old !== c.new);
}

const LOCATION_FIELDS: (keyof LocationRow & string)[] = ['phase', 'provider', 'bucket', 'prefix', 'default', 'accessMode'];

function locationChanges(oldRows: LocationRow[], newRows: LocationRow[]): LocationChange[] {
  const keyOf = (l: LocationRow) => `${l.kind} ${l.namespace ?? ''}/${l.name}`;
  const olds = new Map(oldRows.map((l) => [keyOf(l), l]));
  const news = new Map(newRows.map((l) => [keyOf(l), l]));
  const changes: LocationChange[] = [];
  for (const [key, n] of news) {
    const o = olds.get(key);
    const base = { kind: n.kind, name: n.name, ...(n.namespace ? { namespace: n.namespace } : {}) };
    if (!o) changes.push({ ...base, change: 'added', fields: [], new: n });
    else {
      const fields = fieldChanges(o, n, LOCATION_FIELDS);
      if (fields.length > 0) changes.push({ ...base, change: 'changed', fields, old: o, new: n });
    }
  }
  for (const [key, o] of olds) {
    if (!news.has(key)) changes.push({ kind: o.kind, name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}), change: 'removed', fields: [], old: o });
  }
  return changes;
}

const REPOSITORY_FIELDS: (keyof RepositoryRow & string)[] = ['phase', 'message'];

/** A repository's name ends in a random suffix; what it stores is its volume namespace, location and type. */
function repositoryKey(r: RepositoryRow): string {
  return r.volumeNamespace ? `${r.volumeNamespace} in ${r.storageLocation ?? 'unknown'} (${r.type ?? 'unknown'})` : r.name;
}

function repositoryChanges(oldRows: RepositoryRow[], newRows: RepositoryRow[]): RepositoryChange[] {
  const olds = new Map(oldRows.map((r) => [repositoryKey(r), r]));
  const news = new Map(newRows.map((r) => [repositoryKey(r), r]));
  const changes: RepositoryChange[] = [];
  for (const [key, n] of news) {
    const o = olds.get(key);
    if (!o) changes.push({ key, name: n.name, change: 'added', fields: [], new: n });
    else {
      const fields = fieldChanges(o, n, REPOSITORY_FIELDS);
      if (fields.length > 0) changes.push({ key, name: n.name, change: 'changed', fields, old: o, new: n });
    }
  }
  for (const [key, o] of olds) if (!news.has(key)) changes.push({ key, name: o.name, change: 'removed', fields: [], old: o });
  return changes;
}

/**
 * Backups and restores of the newer input that started after the older one was collected, or that
 * the older input showed in another phase (still running then). Backups a repaired location syncs in
 * from the bucket started earlier, so they are not counted as having run between.
 */
function runsBetween(oldReport: Report, newReport: Report): RunBetween[] {
  const since = oldReport.collectedAt ? Date.parse(oldReport.collectedAt) : NaN;
  const until = newReport.collectedAt ? Date.parse(newReport.collectedAt) : Infinity;
  const ranBetween = (started: string | undefined, oldPhase: string | undefined, isNew: boolean): boolean => {
    const at = started ? Date.parse(started) : NaN;
    if (oldPhase !== undefined) return false;
    if (Number.isFinite(since) && Number.isFinite(at)) return at >= since && at <= until;
    return isNew;
  };
  const oldBackups = new Map(oldReport.details.backups.map((b) => [`${b.namespace ?? ''}/${b.name}`, b.phase]));
  const oldRestores = new Map(oldReport.details.restores.map((r) => [`${r.namespace ?? ''}/${r.name}`, r.phase]));
  const runs: RunBetween[] = [];
  for (const b of newReport.details.backups) {
    const oldPhase = oldBackups.get(`${b.namespace ?? ''}/${b.name}`);
    const changedPhase = oldPhase !== undefined && oldPhase !== b.phase;
    if (!changedPhase && !ranBetween(b.started, oldPhase, !oldBackups.has(`${b.namespace ?? ''}/${b.name}`))) continue;
    runs.push(
      clean({
        kind: 'Backup',
        name: b.name,
        namespace: b.namespace,
        phase: b.phase,
        started: b.started,
        completed: b.completed,
        schedule: b.schedule,
        errors: b.errors,
        warnings: b.warnings,
        failureReason: b.failureReason,
      }),
    );
  }
  for (const r of newReport.details.restores) {
    const oldPhase = oldRestores.get(`${r.namespace ?? ''}/${r.name}`);
    const changedPhase = oldPhase !== undefined && oldPhase !== r.phase;
    if (!changedPhase && !ranBetween(r.started, oldPhase, !oldRestores.has(`${r.namespace ?? ''}/${r.name}`))) continue;
    runs.push(
      clean({
        kind: 'Restore',
        name: r.name,
        namespace: r.namespace,
        phase: r.phase,
        started: r.started,
        completed: r.completed,
        backup: r.backup,
        errors: r.errors,
        warnings: r.warnings,
        failureReason: r.failureReason,
      }),
    );
  }
  return runs.sort((x, y) => byCodeUnits(x.started ?? '', y.started ?? '') || byCodeUnits(x.name, y.name));
}

function clean<T extends object>(row: T): T {
  for (const key of Object.keys(row) as (keyof T)[]) if (row[key] === undefined) delete row[key];
  return row;
}
