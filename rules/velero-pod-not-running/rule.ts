// velero-pod-not-running: the Velero server pod is crash-looping, pending, not ready, or the Deployment has no pod.
import { Severity } from '../../src/constants.js';
import type { RuleModule } from '../../src/engine/types.js';
import type { KubeObject } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import { containerEvidence, serverContainer } from '../../src/rules/velero-pods.js';
import { containerStatuses, formatDuration, listOf, nameOf, objectEvidence, timeOf } from '../../src/rules/support.js';

/** Waiting reasons that mean the container cannot run, whatever its age. */
const BROKEN_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'ErrImageNeverPull',
]);
/** A pod may take this long to start before "still starting" counts as a problem. */
const START_GRACE_MS = 10 * 60_000;
/** Restarts this recent, this many times, are crash-looping even while the container happens to be up. */
const RECENT_RESTART_MS = 60 * 60_000;
const MANY_RESTARTS = 3;

interface PodProblem {
  pod: KubeObject;
  summary: string;
}

function diagnosePod(pod: KubeObject, now: number): PodProblem | undefined {
  const phase = String(pod.status?.phase ?? '');
  const created = timeOf(pod.metadata.creationTimestamp);
  const oldEnough = created === null || now - created > START_GRACE_MS;
  if (pod.metadata.deletionTimestamp) return undefined;

  for (const c of containerStatuses(pod)) {
    const waiting = c.state?.waiting?.reason;
    if (waiting && BROKEN_WAITING.has(waiting)) {
      const kind = c.init ? 'plugin init container' : 'container';
      const last = c.lastState?.terminated;
      const lastText = last?.reason ? `; last exit: ${last.reason}${last.exitCode !== undefined ? ` (code ${last.exitCode})` : ''}` : '';
      return { pod, summary: `${kind} ${c.name} is ${waiting} after ${c.restartCount ?? 0} restarts${lastText}` };
    }
  }
  if (phase === 'Failed' || phase === 'Unknown') {
    return { pod, summary: `pod is ${phase}${pod.status?.reason ? ` (${pod.status.reason}${pod.status?.message ? `: ${pod.status.message}` : ''})` : ''}` };
  }
  if (phase === 'Pending' && oldEnough) {
    const conditions = listOf<{ type?: string; status?: string; reason?: string; message?: string } | null>(pod.status?.conditions).filter((c) => c !== null && typeof c === 'object') as { type?: string; status?: string; reason?: string; message?: string }[];
    const unscheduled = conditions.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    const waiting = containerStatuses(pod).find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
    const why = unscheduled ? `not scheduled (${unscheduled.reason ?? 'Unschedulable'}${unscheduled.message ? `: ${unscheduled.message}` : ''})` : waiting ? `waiting: ${waiting}` : 'not started';
    return { pod, summary: `pod is Pending, ${why}` };
  }
  const server = serverContainer(pod);
  if (!server) return undefined;
  const last = server.lastState?.terminated;
  const lastEnd = timeOf(last?.finishedAt);
  if ((server.restartCount ?? 0) >= MANY_RESTARTS && lastEnd !== null && now - lastEnd < RECENT_RESTART_MS) {
    return {
      pod,
      summary: `container ${server.name} restarted ${server.restartCount} times, last at ${last?.finishedAt} (${last?.reason ?? 'exit'}${last?.exitCode !== undefined ? ` code ${last.exitCode}` : ''})`,
    };
  }
  if (phase === 'Running' && server.ready === false && oldEnough) {
    const started = timeOf(server.state?.running?.startedAt);
    if (started === null || now - started > START_GRACE_MS / 2) return { pod, summary: `container ${server.name} is running but not ready` };
  }
  return undefined;
}

export const veleroPodNotRunning: RuleModule = {
  meta: {
    id: 'velero-pod-not-running',
    title: 'The Velero server is not running',
    severity: Severity.CRITICAL,
    category: 'install',
    summary: 'The Velero server pod is crash-looping, pending or not ready, or its Deployment has no available pod.',
    explainedBy: ['velero-pod-oomkilled', 'crds-missing', 'plugin-duplicate-registration', 'uploader-type-invalid', 'restic-deprecated', 'plugin-version-mismatch', 'server-flag-unknown'],
  },
  check(ctx) {
    const { bundle } = ctx;
    const now = ctx.now.getTime();
    const pods = bundle.workloads.veleroPods;
    const problems = pods.map((pod) => diagnosePod(pod, now)).filter((p): p is PodProblem => p !== undefined);

    for (const { pod, summary } of problems) {
      const statuses = containerStatuses(pod);
      const culprit =
        statuses.find((c) => c.state?.waiting?.reason && BROKEN_WAITING.has(c.state.waiting.reason)) ?? serverContainer(pod) ?? statuses[0];
      const evidence = culprit ? containerEvidence(bundle, pod, culprit) : [objectEvidence(bundle, pod, ['status.phase', 'status.reason'])];
      ctx.report({
        message: `The Velero server pod ${nameOf(pod)} is not running: ${summary}.`,
        resources: [refOf(pod)],
        evidence,
        count: 1,
      });
    }
    if (problems.length > 0) return;

    // No pod shows a problem (or none was collected): the Deployment's own status still tells.
    const deployment = bundle.workloads.veleroDeployment;
    if (!deployment) return;
    const healthyPod = pods.some((p) => p.status?.phase === 'Running' && serverContainer(p)?.ready !== false);
    if (healthyPod) return;
    const wanted = deployment.spec?.replicas;
    const available = Number(deployment.status?.availableReplicas ?? 0);
    const evidence = [objectEvidence(bundle, deployment, ['spec.replicas', 'status.replicas', 'status.availableReplicas', 'status.unavailableReplicas'])];
    if (wanted === 0) {
      ctx.report({
        message: `The Velero Deployment ${nameOf(deployment)} is scaled to 0 replicas: no backup, restore or schedule is processed.`,
        resources: [refOf(deployment)],
        evidence,
        remediation: `Scale it back up: \`kubectl -n ${deployment.metadata.namespace ?? 'velero'} scale deployment/${deployment.metadata.name} --replicas=1\`.`,
      });
      return;
    }
    if (available === 0 && deployment.status !== undefined) {
      const conditions = listOf<{ type?: string; status?: string; message?: string; lastUpdateTime?: string } | null>(deployment.status?.conditions).filter((c) => c !== null && typeof c === 'object') as { type?: string; status?: string; message?: string; lastUpdateTime?: string }[];
      const progressing = conditions.find((c) => c.type === 'Available' && c.status === 'False');
      const since = timeOf(progressing?.lastUpdateTime);
      ctx.report({
        message: `The Velero Deployment ${nameOf(deployment)} has no available pod${since !== null ? ` (unavailable for ${formatDuration(now - since)})` : ''}${progressing?.message ? `: ${progressing.message}` : ''}.`,
        resources: [refOf(deployment)],
        evidence,
      });
    }
  },
};
