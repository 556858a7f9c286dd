// backups-failing-since: a run of failed backups after the last success, with what changed around the first failure.
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { KubeObject } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import { serverContainer } from '../../src/rules/velero-pods.js';
import { formatDuration, objectEvidence, timeOf } from '../../src/rules/support.js';
import { formatTimestamp } from '../../src/util/words.js';

/** Terminal phases that mean the backup did not hold everything it should. */
const FAILED = new Set(['Failed', 'PartiallyFailed', 'FailedValidation']);
/** Fewer consecutive failures than this are noise, not a turning point. */
export const MIN_STREAK = 3;
/** A server (re)start this close before the first failure is named as a likely change. */
const CHANGE_WINDOW_MS = 24 * 3_600_000;
const K8S_VERSION_ANNOTATION = 'velero.io/source-cluster-k8s-gitversion';

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
    explainedBy: ['bsl-unavailable', 'velero-kubernetes-incompatible', 'plugin-version-mismatch', 'restic-deprecated', 'node-agent-missing'],
  },
  check(ctx) {
    const { bundle } = ctx;
    // One pass: each backup's run time parsed once, grouped by schedule (10,000 backups make re-parsing in the sort comparator, or copying the group per backup, the hot spot).
    const groups = new Map<string, Run[]>();
    for (const b of bundle.objects.list('Backup')) {
      const time = runTime(b);
      const phase = String(b.status?.phase);
      if (time === null || (phase !== 'Completed' && !FAILED.has(phase))) continue;
      const key = b.metadata.labels?.['velero.io/schedule-name'] ?? '';
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

      const who = schedule ? `Schedule ${schedule}` : 'Backups without a schedule';
      let message = `${who}: the last ${streak.length} backups have not completed (${[...phases].map(([p, n]) => `${n} ${p}`).join(', ')}), since ${first.metadata.name} at ${formatTimestamp(firstTime)}; the last Completed one was ${good.metadata.name} at ${formatTimestamp(goodTime)}.`;
      if (changes.length) message += ` Around then: ${changes.join('; ')}.`;
      if (reasons.length) message += ` Failure reason${reasons.length === 1 ? '' : 's'}: ${reasons.slice(0, 2).join(' | ')}.`;
      const evidence: Evidence[] = [good, first, streak[streak.length - 1]!]
        .filter((b, i, all) => all.indexOf(b) === i)
        .map((b) => objectEvidence(bundle, b, { 'status.phase': b.status?.phase, 'status.startTimestamp': b.status?.startTimestamp, 'status.errors': b.status?.errors, 'status.failureReason': b.status?.failureReason, [K8S_VERSION_ANNOTATION]: b.metadata.annotations?.[K8S_VERSION_ANNOTATION] }));
      ctx.report({ message, resources: streak.slice(-5).map(refOf), evidence, count: streak.length });
    }
  },
};
