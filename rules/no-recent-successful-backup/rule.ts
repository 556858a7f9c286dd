// no-recent-successful-backup: no backup Completed within the expected interval (each Schedule's period, else a default).
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { KubeObject } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import type { Bundle } from '../../src/model/bundle.js';
import { scheduleTimes } from '../../src/rules/data/schedule-interval.js';
import { byLabel, formatDuration, inputCanShow, isTrue, nameOf, objectEvidence, timeOf } from '../../src/rules/support.js';
import { formatTimestamp } from '../../src/util/words.js';

/** Without a Schedule, a cluster that takes backups is expected to have a Completed one this recent. */
export const DEFAULT_INTERVAL_MS = 7 * 24 * 3_600_000;
/** Backups are created a little after their fire time; this much slack keeps the comparison fair. */
const FIRE_SLACK_MS = 10 * 60_000;
/** `@every` schedules: allow two periods and this much more before calling the last success too old. */
const EVERY_GRACE_MS = 3_600_000;

function runTime(backup: KubeObject): number | null {
  return timeOf(backup.status?.startTimestamp) ?? timeOf(backup.metadata.creationTimestamp);
}

/** Each run time parsed once (a comparator that parses costs n log n Date.parse calls on 10,000 backups). */
function newestFirst(list: KubeObject[]): KubeObject[] {
  return list
    .map((backup) => ({ backup, time: runTime(backup) ?? 0 }))
    .sort((a, b) => b.time - a.time)
    .map((r) => r.backup);
}

/** The median time between consecutive runs, from at least three of them; null when there are fewer. */
export function medianGap(backups: KubeObject[]): number | null {
  const times = backups
    .map(runTime)
    .filter((t): t is number => t !== null)
    .sort((a, b) => a - b);
  if (times.length < 3) return null;
  const gaps = times.slice(1).map((t, i) => t - times[i]!).sort((a, b) => a - b);
  const gap = gaps[Math.floor(gaps.length / 2)]!;
  return gap > 0 ? gap : null;
}

function recentRuns(bundle: Bundle, backups: KubeObject[], n = 3): { text: string; evidence: Evidence[] } {
  const recent = newestFirst(backups).slice(0, n);
  return {
    text: recent.map((b) => `${b.metadata.name} ${b.status?.phase ?? 'New'}${b.status?.failureReason ? ` (${b.status.failureReason})` : ''}`).join(', '),
    evidence: recent.map((b) => objectEvidence(bundle, b, ['status.phase', 'status.startTimestamp', 'status.completionTimestamp', 'status.errors', 'status.failureReason'])),
  };
}

export const noRecentSuccessfulBackup: RuleModule = {
  meta: {
    id: 'no-recent-successful-backup',
    title: 'No recent successful backup',
    severity: Severity.ERROR,
    category: 'schedule',
    summary: 'No backup has Completed within the expected interval: two periods of each Schedule’s cron expression, or 7 days without a Schedule.',
    otherSeverities: [
      { severity: Severity.WARNING, when: 'when no Schedule runs and it judges by the backups alone' },
    ],
    explainedBy: [
      'velero-not-installed',
      'velero-pod-not-running',
      'bsl-unavailable',
      'bsl-missing',
      'backup-failed',
      'backup-partially-failed',
      'backup-failed-validation',
      'backup-stuck',
      'schedule-failed-validation',
    ],
  },
  check(ctx) {
    const { bundle } = ctx;
    if (!inputCanShow(bundle, 'Backup') && bundle.objects.count('Schedule') === 0) return;
    const now = ctx.now.getTime();
    const backups = bundle.objects.list('Backup');
    const schedules = bundle.objects.list('Schedule').filter((s) => !isTrue(s.spec?.paused));
    // A dump of only Schedules says nothing about their backups: only status.lastBackup, when each last fired.
    const backupsListed = inputCanShow(bundle, 'Backup');

    for (const schedule of schedules) {
      const times = scheduleTimes(schedule.spec?.schedule, ctx.now);
      if (!times) continue;
      const created = timeOf(schedule.metadata.creationTimestamp);
      const own = byLabel(bundle, 'Backup', 'velero.io/schedule-name', schedule.metadata.name).filter((b) => (b.metadata.namespace ?? '') === (schedule.metadata.namespace ?? ''));
      const completed = newestFirst(own.filter((b) => b.status?.phase === 'Completed'));
      const lastSuccess = completed[0] ? runTime(completed[0]) : null;
      const expectedAfter = times.previousFire ? times.previousFire.getTime() - FIRE_SLACK_MS : now - 2 * times.periodMs - EVERY_GRACE_MS;
      // A schedule younger than the window has not had the chance to run twice.
      if (created !== null && created > expectedAfter) continue;
      if (lastSuccess !== null && lastSuccess >= expectedAfter) continue;
      // When the Schedule last created a backup (whatever became of it): all an input without Backups can tell.
      const lastCreated = timeOf(schedule.status?.lastBackup);
      if (!backupsListed) {
        if (lastCreated === null || lastCreated >= expectedAfter) continue;
        ctx.report({
          message: `Schedule ${nameOf(schedule)} (cron "${schedule.spec?.schedule}", every ${formatDuration(times.periodMs)}) last created a backup ${formatDuration(now - lastCreated)} ago (status.lastBackup ${schedule.status?.lastBackup}): it has stopped firing, so no backup since then can have Completed. The input holds no Backups to say more.`,
          resources: [refOf(schedule)],
          evidence: [objectEvidence(bundle, schedule, ['spec.schedule', 'status.phase', 'status.lastBackup', 'spec.paused'])],
          count: 1,
        });
        continue;
      }
      // Its backups are missing from the input although it created one lately: they were deleted, or live elsewhere; nothing to conclude.
      if (own.length === 0 && lastCreated !== null && lastCreated >= expectedAfter) continue;

      const runs = recentRuns(bundle, own);
      const evidence = [objectEvidence(bundle, schedule, ['spec.schedule', 'status.phase', 'status.lastBackup', 'status.validationErrors']), ...runs.evidence];
      const every = `every ${formatDuration(times.periodMs)}`;
      const since =
        lastSuccess !== null
          ? `its last Completed backup ${completed[0]!.metadata.name} ran ${formatDuration(now - lastSuccess)} ago (${formatTimestamp(lastSuccess)})`
          : own.length > 0
            ? 'none of its backups has Completed'
            : lastCreated !== null
              ? `none of its backups is left, and it last created one ${formatDuration(now - lastCreated)} ago (status.lastBackup ${schedule.status?.lastBackup})`
              : 'it has no backups at all';
      let message = `Schedule ${nameOf(schedule)} (cron "${schedule.spec?.schedule}", ${every}) has no Completed backup since ${formatTimestamp(expectedAfter + (times.previousFire ? FIRE_SLACK_MS : 0))}: ${since}.`;
      if (runs.text) message += ` Latest runs: ${runs.text}.`;
      if (schedule.status?.phase === 'FailedValidation') message += ' The Schedule itself failed validation.';
      ctx.report({
        message,
        resources: [refOf(schedule), ...newestFirst(own).slice(0, 3).map(refOf)],
        evidence,
        count: 1,
      });
    }
    if (schedules.length > 0 || backups.length === 0) return;

    // KOTS schedules live in KOTS, not in Velero: their period shows in the spacing of the scheduled snapshots.
    const kotsScheduled = backups.filter((b) => b.metadata.annotations?.['kots.io/snapshot-trigger'] === 'schedule');
    const kotsPeriod = medianGap(kotsScheduled);
    if (kotsPeriod !== null) {
      const completedScheduled = newestFirst(kotsScheduled.filter((b) => b.status?.phase === 'Completed'));
      const last = completedScheduled[0] ? runTime(completedScheduled[0]) : null;
      const window = 2 * kotsPeriod + EVERY_GRACE_MS;
      if (last !== null && now - last <= window) return;
      const runs = recentRuns(bundle, kotsScheduled);
      ctx.report({
        message: `KOTS scheduled snapshots run about every ${formatDuration(kotsPeriod)} (from their spacing), and none has Completed in the last ${formatDuration(window)}: ${
          last !== null ? `the last Completed one, ${nameOf(completedScheduled[0]!)}, ran ${formatDuration(now - last)} ago` : 'none has ever Completed'
        }. Latest runs: ${runs.text}.`,
        resources: newestFirst(kotsScheduled).slice(0, 3).map(refOf),
        evidence: runs.evidence,
        count: 1,
      });
      return;
    }

    // No schedule: any backup at all shows the cluster is meant to be backed up.
    const completed = newestFirst(backups.filter((b) => b.status?.phase === 'Completed'));
    const lastSuccess = completed[0] ? runTime(completed[0]) : null;
    if (lastSuccess !== null && now - lastSuccess <= DEFAULT_INTERVAL_MS) return;
    if (lastSuccess === null) {
      // Backups that are all young and still running have not had the chance to complete.
      const failed = backups.some((b) => /Fail/.test(String(b.status?.phase ?? '')));
      const oldest = backups.reduce((min, b) => Math.min(min, runTime(b) ?? now), now);
      if (!failed && now - oldest < 24 * 3_600_000) return;
    }
    const runs = recentRuns(bundle, backups);
    ctx.report({
      message:
        lastSuccess !== null
          ? `No backup has Completed in the last ${formatDuration(DEFAULT_INTERVAL_MS)}: the newest Completed backup, ${nameOf(completed[0]!)}, ran ${formatDuration(now - lastSuccess)} ago. Latest backups: ${runs.text}.`
          : `${backups.length === 1 ? 'The only backup has not' : `None of the ${backups.length.toLocaleString('en-US')} backups has`} Completed. Latest backups: ${runs.text}.`,
      severity: Severity.WARNING,
      resources: newestFirst(backups).slice(0, 3).map(refOf),
      evidence: runs.evidence,
      count: 1,
    });
  },
};
