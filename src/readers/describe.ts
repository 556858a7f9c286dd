// Parses `velero backup|restore describe [--details]` text (1.9-style and the 1.13+ layout) into a Backup or Restore.
import type { KubeObject } from '../model/kube.js';

export interface DescribedObject {
  object: KubeObject;
  kind: 'Backup' | 'Restore';
}

/** Does this text look like describe output (and of which kind)? */
export function sniffDescribe(text: string): 'Backup' | 'Restore' | undefined {
  const head = text.slice(0, 16_384);
  if (!/^Name:\s+\S/m.test(head) || !/^Phase:\s+\S/m.test(head)) return undefined;
  // Restores name their backup; backups have a storage location, TTL and hooks of their own.
  if (/^Backup:\s+\S/m.test(head) || /^Restore PVs:/m.test(head)) return 'Restore';
  return 'Backup';
}

/** `2022-11-22 16:20:01 +0000 UTC` (Go's time.Time String) → ISO, or undefined. */
export function parseGoTime(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.\d+)?\s*(?:([+-]\d\d):?(\d\d))?/.exec(text.trim());
  if (!m) return undefined;
  const iso = `${m[1]}T${m[2]}${m[3] ? `${m[3]}:${m[4]}` : 'Z'}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
}

interface Field {
  value: string;
  /** Indented lines that follow the field (a block: labels, errors…). */
  block: string[];
}

/** Top-level `Key:  value` fields, each with the indented lines under it. */
function fieldsOf(text: string): Map<string, Field> {
  const fields = new Map<string, Field>();
  let current: Field | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\t/g, '  ');
    const top = /^([A-Z][A-Za-z0-9 ()/-]*?):(?:\s+(.*))?$/.exec(line);
    if (top && !/^\s/.test(line)) {
      current = { value: (top[2] ?? '').trim(), block: [] };
      if (!fields.has(top[1]!)) fields.set(top[1]!, current);
    } else if (current && /^\s+\S/.test(line)) {
      current.block.push(line.trim());
    } else if (line.trim() === '') {
      // Blank lines end nothing: blocks such as Errors: keep indented lines after a blank.
    } else {
      current = undefined;
    }
  }
  return fields;
}

function keyValues(field: Field | undefined): Record<string, string> | undefined {
  if (!field) return undefined;
  const out: Record<string, string> = {};
  for (const part of [field.value, ...field.block]) {
    if (!part || part === '<none>') continue;
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Errors / Warnings: a count (`Errors:  1`, before result files existed), or a block listing them by
 * scope (`Velero:`, `Cluster:`, `Namespaces:` then `<ns>:` lines): each message counts one.
 */
function countOf(field: Field | undefined): { count: number; messages: string[] } | undefined {
  if (!field) return undefined;
  if (/^\d+$/.test(field.value)) return { count: Number(field.value), messages: [] };
  const messages: string[] = [];
  for (const line of field.block) {
    const m = /^(?:Velero|Cluster|Namespaces|[a-z0-9.-]+):\s*(.*)$/.exec(line);
    const message = (m ? m[1]! : line).trim();
    if (message && message !== '<none>') messages.push(message);
  }
  return { count: messages.length, messages };
}

/** Builds the Backup or Restore the describe output shows; undefined when the text has no name. */
export function parseDescribe(text: string, kind: 'Backup' | 'Restore'): DescribedObject | undefined {
  const fields = fieldsOf(text);
  const name = fields.get('Name')?.value;
  if (!name) return undefined;
  const metadata: KubeObject['metadata'] = { name };
  const namespace = fields.get('Namespace')?.value;
  if (namespace) metadata.namespace = namespace;
  const labels = keyValues(fields.get('Labels'));
  if (labels) metadata.labels = labels;
  const annotations = keyValues(fields.get('Annotations'));
  if (annotations) metadata.annotations = annotations;
  const status: Record<string, unknown> = {};
  const phase = /^(\S+)/.exec(fields.get('Phase')?.value ?? '')?.[1];
  if (phase) status.phase = phase;
  const errors = countOf(fields.get('Errors'));
  if (errors) status.errors = errors.count;
  const warnings = countOf(fields.get('Warnings'));
  if (warnings) status.warnings = warnings.count;
  const validation = fields.get('Validation errors');
  if (validation) status.validationErrors = [validation.value, ...validation.block].filter(Boolean);
  const reason = fields.get('Failure reason') ?? fields.get('FailureReason');
  if (reason?.value) status.failureReason = reason.value;
  const started = parseGoTime(fields.get('Started')?.value);
  if (started) status.startTimestamp = started;
  const completed = parseGoTime(fields.get('Completed')?.value);
  if (completed) status.completionTimestamp = completed;
  const expiration = parseGoTime(fields.get('Expiration')?.value);
  if (expiration) status.expiration = expiration;
  const spec: Record<string, unknown> = {};
  if (kind === 'Backup') {
    const location = fields.get('Storage Location')?.value;
    if (location) spec.storageLocation = location;
    const ttl = fields.get('TTL')?.value;
    if (ttl) spec.ttl = ttl;
    const version = fields.get('Backup Format Version')?.value;
    if (version) status.formatVersion = version;
  } else {
    const backup = fields.get('Backup')?.value;
    if (backup) spec.backupName = backup;
  }
  const object: KubeObject = { apiVersion: 'velero.io/v1', kind, metadata, spec, status };
  return { object, kind };
}
