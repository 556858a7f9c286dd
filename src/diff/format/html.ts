// The diff as one self-contained HTML page: findings by status, the two timelines one above the other on one axis.
import { buildTimeline } from '../../formatters/html-timeline.js';
import { loadTemplate } from '../../formatters/template.js';
import type { DiffReport, DiffSide } from '../types.js';
import { STATUSES, STATUS_BLURB, STATUS_HEADINGS, byStatus, interval, objectName, severityChange } from './common.js';

/** Epoch ms of every start time of both sides, with the two collection times: the shared axis. */
function range(report: DiffReport): { min: number; max: number } | undefined {
  const times = [report.old, report.new]
    .flatMap((s) => [...s.timeline.backups.map((b) => b.started), ...s.timeline.restores.map((r) => r.started)])
    .map((t) => (t ? Date.parse(t) : NaN))
    .filter(Number.isFinite);
  if (times.length === 0) return undefined;
  const min = Math.min(...times);
  return { min, max: Math.max(min + 60_000, ...times) };
}

function timelineOf(label: string, side: DiffSide, axis: { min: number; max: number } | undefined, cutAt: string | null) {
  const timeline = buildTimeline(side.timeline, axis);
  let cut: number | undefined;
  if (timeline && axis && cutAt) {
    const at = Date.parse(cutAt);
    // The same scale buildTimeline uses (its axis ticks run from the first to the last x).
    const first = timeline.axis[0]!.x;
    const last = timeline.axis[timeline.axis.length - 1]!.x;
    if (at >= axis.min && at <= axis.max) cut = Math.round(first + ((at - axis.min) / (axis.max - axis.min)) * (last - first));
  }
  return { label, timeline, cut, axisY: timeline ? timeline.height - 16 : 0 };
}

export function formatDiffHtml(report: DiffReport): string {
  const axis = range(report);
  const timelines = [
    timelineOf(`Old: ${report.old.path}`, report.old, axis, null),
    timelineOf(`New: ${report.new.path}`, report.new, axis, report.old.collectedAt),
  ];
  const legend = [...new Map(timelines.flatMap((t) => t.timeline?.legend ?? []).map((l) => [l.phase, l])).values()];
  const fieldRows = (object: string, change: string, fields: { field: string; old: string | null; new: string | null }[]) =>
    fields.length === 0 ? [{ object, change, field: '', old: '', new: '' }] : fields.map((f) => ({ object, change, field: f.field, old: f.old ?? '', new: f.new ?? '' }));
  const view = {
    report,
    title: `snapshot-doctor diff: ${report.old.path} → ${report.new.path}`,
    later: interval(report),
    sections: STATUSES.map((status) => ({
      heading: STATUS_HEADINGS[status],
      blurb: STATUS_BLURB[status],
      showMessage: status !== 'resolved',
      rows: byStatus(report, status).map((c) => {
        const on = c.finding.resources.map(objectName);
        const before = (c.previous?.resources ?? []).map(objectName);
        return {
          status,
          severity: c.finding.severity,
          was: severityChange(c),
          title: c.finding.title,
          ruleId: c.finding.ruleId,
          on,
          before: before.join() === on.join() ? [] : before,
          message: status === 'resolved' ? '' : c.finding.message,
        };
      }),
    })).filter((s) => s.rows.length > 0),
    timelines,
    legend,
    changes: [
      ...report.locations.flatMap((l) => fieldRows(`${l.kind} ${l.namespace ? `${l.namespace}/` : ''}${l.name}`, l.change, l.fields)),
      ...report.repositories.flatMap((r) => fieldRows(`repository ${r.key}`, r.change, r.fields)),
    ],
  };
  return loadTemplate('diff.html.hbs', { escape: true })(view);
}
