// Matching findings across two reports: by rule and by the objects they affect, seen through names that change between runs.
import type { ObjectRef } from '../model/kube.js';
import type { BackupRow, Finding } from '../report/types.js';
import type { FindingChange } from './types.js';

/** A scheduled backup's name: `<schedule>-<YYYYMMDDHHMMSS>` (Velero's `20060102150405` layout). */
const TIMESTAMPED = /^(.+)-\d{14}$/;
/** Objects named by Kubernetes' generateName: `<base>-<5 characters>`. */
const GENERATED = /^(.+)-[bcdfghjklmnpqrstvwxz2-9]{5}$/;
/** A Deployment's pod: `<deployment>-<pod-template-hash>-<5 characters>`. */
const DEPLOYMENT_POD = /^(.+)-[bcdfghjklmnpqrstvwxz2-9]{6,10}-[bcdfghjklmnpqrstvwxz2-9]{5}$/;

/** Kinds named after the backup or restore they belong to, with a generated suffix. */
const PER_BACKUP_KINDS = new Set(['PodVolumeBackup', 'DataUpload']);
const PER_RESTORE_KINDS = new Set(['PodVolumeRestore', 'DataDownload']);

/**
 * Turns an object into what stays the same between two collections of one cluster: a scheduled
 * backup becomes its schedule (by its `velero.io/schedule-name` label, else by its timestamped name),
 * a KOTS snapshot the KOTS series it belongs to, a controller's pod its controller, a pod volume
 * backup or data upload the (normalized) backup it belongs to.
 */
export class ObjectKeys {
  private readonly scheduleOf = new Map<string, string>();

  constructor(backups: BackupRow[]) {
    for (const b of backups) {
      const series = b.schedule ?? (b.kotsBackupType ? `kots ${b.kotsBackupType} snapshots` : undefined);
      if (series) this.scheduleOf.set(`${b.namespace ?? ''}/${b.name}`, series);
    }
  }

  key(ref: ObjectRef): string {
    const ns = ref.namespace ?? '';
    switch (ref.kind) {
      case 'Backup':
        return this.backupKey(ns, ref.name);
      case 'Restore':
        return `Restore ${this.restoreBase(ns, ref.name)}`;
      case 'Pod':
        return `Pod ${ns}/${DEPLOYMENT_POD.exec(ref.name)?.[1] ?? GENERATED.exec(ref.name)?.[1] ?? ref.name}`;
      default:
        if (PER_BACKUP_KINDS.has(ref.kind)) return `${ref.kind} of ${this.backupKey(ns, GENERATED.exec(ref.name)?.[1] ?? ref.name)}`;
        if (PER_RESTORE_KINDS.has(ref.kind)) return `${ref.kind} of Restore ${this.restoreBase(ns, GENERATED.exec(ref.name)?.[1] ?? ref.name)}`;
        return `${ref.kind} ${ns}/${ref.name}`;
    }
  }

  private backupKey(ns: string, name: string): string {
    const series = this.scheduleOf.get(`${ns}/${name}`) ?? TIMESTAMPED.exec(name)?.[1];
    return series ? `Schedule ${ns}/${series}` : `Backup ${ns}/${name}`;
  }

  /** `velero restore create --from-backup B` names the restore `B-<timestamp>`. */
  private restoreBase(ns: string, name: string): string {
    const backup = TIMESTAMPED.exec(name)?.[1];
    return backup ? `from ${this.backupKey(ns, backup)}` : `${ns}/${name}`;
  }
}

function keysOf(finding: Finding, keys: ObjectKeys): Set<string> {
  return new Set(finding.resources.map((r) => keys.key(r)));
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((k) => b.has(k));
}

function overlaps(a: Set<string>, b: Set<string>): boolean {
  return [...a].some((k) => b.has(k));
}

/**
 * Pairs old findings with new ones. First the same rule on the same (normalized) objects; then, of
 * what is left, the same rule on objects that share at least one. Unpaired old findings are resolved,
 * unpaired new ones are new.
 */
export function matchFindings(
  oldFindings: Finding[],
  newFindings: Finding[],
  oldKeys: ObjectKeys,
  newKeys: ObjectKeys,
): FindingChange[] {
  const olds = oldFindings.map((f) => ({ finding: f, keys: keysOf(f, oldKeys), taken: false }));
  const news = newFindings.map((f) => ({ finding: f, keys: keysOf(f, newKeys), taken: false }));
  const changes: FindingChange[] = [];
  const pass = (fits: (a: Set<string>, b: Set<string>) => boolean, matchedBy: FindingChange['matchedBy']) => {
    for (const n of news) {
      if (n.taken) continue;
      const o = olds.find((c) => !c.taken && c.finding.ruleId === n.finding.ruleId && fits(c.keys, n.keys));
      if (!o) continue;
      o.taken = n.taken = true;
      changes.push({ status: 'persisting', finding: n.finding, previous: o.finding, matchedBy });
    }
  };
  pass(sameSet, 'objects');
  pass(overlaps, 'rule');
  for (const n of news) if (!n.taken) changes.push({ status: 'new', finding: n.finding });
  for (const o of olds) if (!o.taken) changes.push({ status: 'resolved', finding: o.finding });
  return changes;
}
