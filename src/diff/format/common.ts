// Wording every diff format shares: status and change labels, object names, how far apart the two collections were.
import type { ObjectRef } from '../../model/kube.js';
import type { DiffReport, FindingChange, FindingStatus, VersionChange } from '../types.js';

export const STATUS_HEADINGS: Record<FindingStatus, string> = {
  new: 'New',
  persisting: 'Still there',
  resolved: 'Resolved',
};

export const STATUS_BLURB: Record<FindingStatus, string> = {
  new: 'found in the new input only',
  persisting: 'found in both inputs',
  resolved: 'found in the old input only',
};

export const STATUSES: FindingStatus[] = ['new', 'persisting', 'resolved'];

export function objectName(r: ObjectRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

export function objectList(refs: ObjectRef[], max = 4): string {
  const names = refs.slice(0, max).map(objectName).join(', ');
  return refs.length > max ? `${names} and ${refs.length - max} more` : names;
}

export function byStatus(report: DiffReport, status: FindingStatus): FindingChange[] {
  return report.findings.filter((c) => c.status === status);
}

/** `3 resolved, 1 new, 4 still there`. */
export function headline(report: DiffReport): string {
  const s = report.summary;
  if (s.resolved + s.new + s.persisting === 0) return 'No findings in either input.';
  return `${s.resolved} resolved, ${s.new} new, ${s.persisting} still there`;
}

export function versionText(v: VersionChange): string {
  switch (v.change) {
    case 'added':
      return `${v.new ?? 'unknown'} (added)`;
    case 'removed':
      return `${v.old ?? 'unknown'} (removed)`;
    default:
      return `${v.old ?? 'unknown'} → ${v.new ?? 'unknown'} (${v.change})`;
  }
}

/** `2 days later`, `5 hours later`; empty when either time is unknown. */
export function interval(report: DiffReport): string {
  const a = report.old.collectedAt ? Date.parse(report.old.collectedAt) : NaN;
  const b = report.new.collectedAt ? Date.parse(report.new.collectedAt) : NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return '';
  const hours = Math.round(Math.abs(b - a) / 3_600_000);
  const amount = hours >= 48 ? `${Math.round(hours / 24)} days` : hours === 1 ? '1 hour' : `${hours} hours`;
  return b >= a ? `${amount} later` : `${amount} earlier`;
}

/** A persisting finding's severity change, e.g. `was warning`; empty when unchanged. */
export function severityChange(c: FindingChange): string {
  return c.previous && c.previous.severity !== c.finding.severity ? `was ${c.previous.severity}` : '';
}
