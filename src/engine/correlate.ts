// Which objects a log line is about: the backup= / restore= fields, the owner of a downloaded log, the location fields.
import type { ParsedLogLine } from '../logs/line.js';
import type { Bundle, LogFile } from '../model/bundle.js';
import { refKey, type ObjectRef } from '../model/kube.js';

const LOCATION_FIELDS = ['backupLocation', 'backup-storage-location'];

/** `velero/nightly` or `nightly` (older Velero) → a reference, the namespace taken from the bundle when missing. */
export function refFromField(kind: string, value: string, bundle: Bundle): ObjectRef {
  const slash = value.indexOf('/');
  if (slash > 0) return { kind, namespace: value.slice(0, slash), name: value.slice(slash + 1) };
  const known = bundle.objects.get(kind, value);
  const namespace = known?.metadata.namespace ?? bundle.veleroNamespace ?? undefined;
  return namespace ? { kind, namespace, name: value } : { kind, name: value };
}

/**
 * The resources a log line names, deduplicated, in a stable order: backup, restore, the log's owner,
 * location. Named captures `backup`, `restore` and `location` count too, for names that only appear in
 * the message (`BackupStorageLocation "default" is unavailable`).
 */
export function resourcesOfLine(file: LogFile, line: ParsedLogLine, bundle: Bundle, groups: Record<string, string> = {}): ObjectRef[] {
  const refs: ObjectRef[] = [];
  for (const value of [line.backup, groups.backup]) if (value) refs.push(refFromField('Backup', value, bundle));
  for (const value of [line.restore, groups.restore]) if (value) refs.push(refFromField('Restore', value, bundle));
  if (file.owner) {
    const { kind, name } = file.owner;
    const namespace = file.owner.namespace ?? refFromField(kind, name, bundle).namespace;
    refs.push(namespace ? { kind, namespace, name } : { kind, name });
  }
  for (const value of [...LOCATION_FIELDS.map((f) => line.fields[f]), groups.location]) {
    if (value) refs.push(refFromField('BackupStorageLocation', value, bundle));
  }
  return dedupeRefs(refs);
}

export function dedupeRefs(refs: Iterable<ObjectRef>): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const ref of refs) if (!seen.has(refKey(ref))) seen.set(refKey(ref), ref);
  return [...seen.values()];
}
