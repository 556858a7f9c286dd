// backups-failing-since: a run of failed backups after the last success, with what changed around the first failure.
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { KubeObject } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import { serverContainer } from '../../src/rules/velero-pods.js';
import { formatDuration, objectEvidence, timeOf } from '../../src/rules/support.js';
import { formatTimestamp, plural } from '../../src/util/words.js';
import { STREAK_CAUSES, causesStreak } from '../../src/rules/data/streak-causes.js';

/** Terminal phases that mean the backup did not hold everything it should. */
const FAILED = new Set(['Failed', 'PartiallyFailed', 'FailedValidation']);
/** Fewer consecutive failures than this are noise, not a turning point. */
export const MIN_STREAK = 3;
/** A server (re)start this close before the first failure is named as a likely change. */
const CHANGE_WINDOW_MS = 24 * 3_600_000;
const K8S_VERSION_ANNOTATION = 'velero.io/source-cluster-k8s-gitversion';
/** KOTS schedules its snapshots itself: no Velero schedule label, this annotation instead. */
const KOTS_TRIGGER = 'kots.io/snapshot-trigger';
/** The group of backups KOTS's scheduler took (no-recent-successful-backup calls them the same). */
const KOTS_SCHEDULED = '\u0000kots-scheduled';

/** Which backups a series is: a schedule's runs, KOTS's scheduled snapshots, or the backups nothing scheduled. */
function seriesKey(b: KubeObject): string {
  return b.metadata.labels?.['velero.io/schedule-name'] ?? (b.metadata.annotations?.[KOTS_TRIGGER] === 'schedule' ? KOTS_SCHEDULED : '');
}

function seriesName(key: string): string {
  if (key === KOTS_SCHEDULED) return 'KOTS scheduled snapshots';
  return key ? `Schedule ${key}` : 'Backups that no schedule created';
}

interface Run {
  backup: KubeObject;
  time: number;
}

function runTime(b: KubeObject): number | null {
  return timeOf(b.status?.startTimestamp) ?? timeOf(b.metadata.creationTimestamp);
}

export const backupsFailingSince: RuleModule = {
  meta: {
    id: 'backups-failing-since',
    title: 'Backups have been failing since a point in time',
    severity: Severity.WARNING,
    category: 'backup',
    summary: 'The runs of a schedule (or the manual backups) have failed in a row since a given time, after an earlier success.',
    // Which findings can start a streak is data (src/rules/data/streak-causes.ts); the rule weighs each one.
    explainedBy: [...STREAK_CAUSES],
  },
  afterOthers: true,
  check(ctx) {
    const { bundle } = ctx;
    const others = ctx.otherFindings?.() ?? [];
    // One pass: each backup's run time parsed once, grouped by schedule (10,000 backups make re-parsing in the sort comparator, or copying the group per backup, the hot spot).
    const groups = new Map<string, Run[]>();
    for (const b of bundle.objects.list('Backup')) {
      const time = runTime(b);
      const phase = String(b.status?.phase);
      if (time === null || (phase !== 'Completed' && !FAILED.has(phase))) continue;
      const key = seriesKey(b);
      const list = groups.get(key);
      if (list) list.push({ backup: b, time });
      else groups.set(key, [{ backup: b, time }]);
    }
    const serverStarts = bundle.workloads.veleroPods
      .map((p) => timeOf(serverContainer(p)?.state?.running?.startedAt))
      .filter((t): t is number => t !== null);

    for (const [schedule, runs] of groups) {
      runs.sort((a, b) => a.time - b.time);
      let lastGood = -1;
      for (let i = runs.length - 1; i >= 0; i--) {
        if (runs[i]!.backup.status?.phase === 'Completed') {
          lastGood = i;
          break;
        }
      }
      if (lastGood < 0) continue;
      const streak = runs.slice(lastGood + 1).map((r) => r.backup);
      if (streak.length < MIN_STREAK) continue;
      const good = runs[lastGood]!.backup;
      const first = streak[0]!;
      const firstTime = runs[lastGood + 1]!.time;
      const goodTime = runs[lastGood]!.time;

      const changes: string[] = [];
      const kubeBefore = good.metadata.annotations?.[K8S_VERSION_ANNOTATION];
      const kubeAfter = first.metadata.annotations?.[K8S_VERSION_ANNOTATION];
      if (kubeBefore && kubeAfter && kubeBefore !== kubeAfter) changes.push(`Kubernetes went from ${kubeBefore} to ${kubeAfter}`);
      const restart = serverStarts.find((t) => t <= firstTime && firstTime - t <= CHANGE_WINDOW_MS && t > goodTime);
      if (restart !== undefined) changes.push(`the Velero server (re)started at ${formatTimestamp(restart)}, ${formatDuration(firstTime - restart)} before`);
      const reasons = [...new Set(streak.map((b) => b.status?.failureReason).filter(Boolean))];
      const phases = new Map<string, number>();
      for (const b of streak) phases.set(String(b.status?.phase), (phases.get(String(b.status?.phase)) ?? 0) + 1);

      const who = seriesName(schedule);
      let message = `${who}: the last ${plural(streak.length, 'backup')} have not completed (${[...phases].map(([p, n]) => `${n} ${p}`).join(', ')}), since ${first.metadata.name} at ${formatTimestamp(firstTime)}; the last Completed one was ${good.metadata.name} at ${formatTimestamp(goodTime)}.`;
      if (changes.length) message += ` Around then: ${changes.join('; ')}.`;
      if (reasons.length) message += ` ${reasons.length === 1 ? 'Failure reason' : 'Failure reasons'}: ${reasons.slice(0, 2).join(' | ')}.`;
      const evidence: Evidence[] = [good, first, streak[streak.length - 1]!]
        .filter((b, i, all) => all.indexOf(b) === i)
        .map((b) => objectEvidence(bundle, b, { 'status.phase': b.status?.phase, 'status.startTimestamp': b.status?.startTimestamp, 'status.errors': b.status?.errors, 'status.failureReason': b.status?.failureReason, [K8S_VERSION_ANNOTATION]: b.metadata.annotations?.[K8S_VERSION_ANNOTATION] }));
      const streakInfo = { backups: new Set(streak.map((b) => b.metadata.name)), newestFailure: runs[runs.length - 1]!.time };
      const causes = [...new Set(others.filter((f) => causesStreak(f, streakInfo)).map((f) => f.ruleId))];
      ctx.report({ message, resources: streak.slice(-5).map(refOf), evidence, count: streak.length, explainedBy: causes });
    }
  },
};
