// Shared reading of the Velero server pods: which container is the server, and what state it is in.
import type { Bundle } from '../model/bundle.js';
import type { ContainerStatus, KubeObject } from '../model/kube.js';
import type { Evidence } from '../engine/types.js';
import { containerStatuses, listOf, objectEvidence, podLogs, tailEvidence } from './support.js';

/** The server container's status: the one named `velero`, else the first regular container. */
export function serverContainer(pod: KubeObject): (ContainerStatus & { init: boolean }) | undefined {
  const regular = containerStatuses(pod).filter((c) => !c.init);
  return regular.find((c) => c.name === 'velero') ?? regular[0];
}

/** The evidence fields of a container status: state, restarts, last termination. */
export function containerFields(c: ContainerStatus): Record<string, unknown> {
  const waiting = c.state?.waiting;
  const terminated = c.state?.terminated;
  const last = c.lastState?.terminated;
  return {
    container: c.name,
    ready: c.ready,
    restartCount: c.restartCount,
    'state.waiting.reason': waiting?.reason,
    'state.waiting.message': waiting?.message,
    'state.terminated.reason': terminated?.reason,
    'state.terminated.exitCode': terminated?.exitCode,
    'lastState.terminated.reason': last?.reason,
    'lastState.terminated.exitCode': last?.exitCode,
    'lastState.terminated.finishedAt': last?.finishedAt,
    'lastState.terminated.message': last?.message,
  };
}

/** Evidence for a pod's container: the status line, then the last lines of its previous and current logs. */
export function containerEvidence(bundle: Bundle, pod: KubeObject, c: ContainerStatus, tailLines = 6): Evidence[] {
  const evidence: Evidence[] = [objectEvidence(bundle, pod, { 'status.phase': pod.status?.phase, ...containerFields(c) })];
  for (const log of podLogs(bundle, pod, c.name).sort((a, b) => Number(b.previous) - Number(a.previous))) {
    evidence.push(...tailEvidence(log, log.previous ? tailLines : Math.ceil(tailLines / 2)));
  }
  return evidence;
}

/** A memory limit from the pod spec of the named container, for messages. */
export function memoryLimit(pod: KubeObject, container: string): string | undefined {
  const containers = listOf<{ name?: string; resources?: { limits?: { memory?: unknown } } } | null>(pod.spec?.containers);
  const limit = containers.find((c) => c?.name === container)?.resources?.limits?.memory;
  return typeof limit === 'string' || typeof limit === 'number' ? String(limit) : undefined;
}
