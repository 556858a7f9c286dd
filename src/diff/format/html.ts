// The diff as one self-contained HTML page: findings by status, the two timelines one above the other on one axis.
import { buildTimeline, timelineMode } from '../../formatters/html-timeline.js';
import { loadTemplate } from '../../formatters/template.js';
import type { DiffReport, DiffSide } from '../types.js';
import { STATUSES, STATUS_BLURB, STATUS_HEADINGS, byStatus, interval, objectName, severityChange } from './common.js';

/** Epoch ms of every start time (and, drawn by day, every counted day) of both sides: the shared axis. */
function range(report: DiffReport, mode: 'runs' | 'days'): { min: number; max: number } | undefined {
  const times = [report.old, report.new]
    .flatMap((s) => [
      ...s.timeline.backups.map((b) => b.started),
      ...s.timeline.restores.map((r) => r.started),
      ...(mode === 'days' ? (s.timeline.runsByDay ?? []) : []).map((d) => `${d.day}T00:00:00Z`),
    ])
    .map((t) => (t ? Date.parse(t) : NaN))
    .filter(Number.isFinite);
  if (times.length === 0) return undefined;
  const min = Math.min(...times);
  return { min, max: Math.max(min + 60_000, ...times) };
}

function timelineOf(label: string, side: DiffSide, axis: { min: number; max: number } | undefined, mode: 'runs' | 'days', cutAt: string | null) {
  const timeline = buildTimeline(side.timeline, { range: axis, mode });
  let cut: number | undefined;
  if (timeline && axis && cutAt) {
    const at = Date.parse(cutAt);
    const { origin, originX, pxPerMs } = timeline.scale;
    if (at >= axis.min && at <= axis.max) cut = Math.round(originX + (at - origin) * pxPerMs);
  }
  return { label, timeline, cut, axisY: timeline ? timeline.height - 16 : 0 };
}

export function formatDiffHtml(report: DiffReport): string {
  // One drawing and one axis for both, so that they line up: day cells if either side needs them.
  const mode = [report.old, report.new].some((s) => timelineMode(s.timeline) === 'days') ? 'days' : 'runs';
  const axis = range(report, mode);
  const timelines = [
    timelineOf(`Old: ${report.old.path}`, report.old, axis, mode, null),
    timelineOf(`New: ${report.new.path}`, report.new, axis, mode, report.old.collectedAt),
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
    mode,
    legend,
    changes: [
      ...report.locations.flatMap((l) => fieldRows(`${l.kind} ${l.namespace ? `${l.namespace}/` : ''}${l.name}`, l.change, l.fields)),
      ...report.repositories.flatMap((r) => fieldRows(`repository ${r.key}`, r.change, r.fields)),
    ],
  };
  return loadTemplate('diff.html.hbs', { escape: true })(view);
}
