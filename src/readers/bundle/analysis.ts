// troubleshoot's `analysis.json`: its failing Velero results, as context for the findings (never findings themselves).
import type { ExternalResult } from '../../model/bundle.js';
import { TROUBLESHOOT_RULE_ID_LABEL } from '../../constants.js';

/** What a result is about, for the checks that concern Velero (troubleshoot's `velero` analyzer and vendors' own). */
const VELERO_SUBJECT = /velero|backup|restore|snapshot|restic|kopia|node-agent|node agent|schedule|storage location|repositor|data ?upload|data ?download/i;

/** troubleshoot's `velero` analyzer names the object in the title: `Backup Storage Location default`, `Pod Volume Backup x`. */
const TITLED_KINDS: [RegExp, string][] = [
  [/^Backup Storage Location \[?([^\]\s]+)\]?$/, 'BackupStorageLocation'],
  [/^Volume Snapshot Location \[?([^\]\s]+)\]?$/, 'VolumeSnapshotLocation'],
  [/^Backup Repository \[?([^\]\s]+)\]?$/, 'BackupRepository'],
  [/^Restic Repository \[?([^\]\s]+)\]?$/, 'BackupRepository'],
  [/^Pod Volume Backup \[?([^\]\s]+)\]?$/, 'PodVolumeBackup'],
  [/^Pod Volume Restore \[?([^\]\s]+)\]?$/, 'PodVolumeRestore'],
  [/^Backup \[?([^\]\s]+)\]?$/, 'Backup'],
  [/^Restore \[?([^\]\s]+)\]?$/, 'Restore'],
  [/^Schedule \[?([^\]\s]+)\]?$/, 'Schedule'],
];

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The entries of an `analysis.json` that failed or warned about Velero. Entries snapshot-doctor wrote
 * (a bundle of `collect`, read again) are left out: they are this run's findings already.
 */
export function failingVeleroResults(doc: unknown, source: string): ExternalResult[] {
  if (!Array.isArray(doc)) return [];
  const results: ExternalResult[] = [];
  for (const item of doc as unknown[]) {
    if (!item || typeof item !== 'object') continue;
    const entry = item as { name?: unknown; labels?: unknown; severity?: unknown; insight?: { primary?: unknown; detail?: unknown }; error?: unknown; involvedObject?: unknown };
    const labels = (entry.labels && typeof entry.labels === 'object' ? entry.labels : {}) as Record<string, unknown>;
    if (TROUBLESHOOT_RULE_ID_LABEL in labels) continue;
    const severity = entry.severity;
    if (severity !== 'error' && severity !== 'warn') continue;
    const title = text(entry.insight?.primary) || text(entry.name);
    const message = text(entry.insight?.detail) || text(entry.error);
    if (!VELERO_SUBJECT.test(`${text(entry.name)} ${title} ${message}`)) continue;
    const result: ExternalResult = { source, title, message, severity };
    const object = involvedObject(entry.involvedObject) ?? titledObject(title);
    if (object) result.object = object;
    results.push(result);
  }
  return results;
}

function involvedObject(value: unknown): ExternalResult['object'] {
  if (!value || typeof value !== 'object') return undefined;
  const { kind, name, namespace } = value as { kind?: unknown; name?: unknown; namespace?: unknown };
  if (typeof kind !== 'string' || typeof name !== 'string' || !kind || !name) return undefined;
  return typeof namespace === 'string' && namespace ? { kind, name, namespace } : { kind, name };
}

function titledObject(title: string): ExternalResult['object'] {
  for (const [pattern, kind] of TITLED_KINDS) {
    const name = pattern.exec(title.trim())?.[1];
    if (name) return { kind, name };
  }
  return undefined;
}
