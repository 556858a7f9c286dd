// Finds the Velero server, the node-agent (or restic) DaemonSet and kotsadm among the objects, with their pods.
import type { ObjectIndex, Workloads } from './bundle.js';
import type { KubeObject } from './kube.js';

type Containers = { name?: string; image?: string }[];

export function containersOf(workload: KubeObject, init = false): Containers {
  const podSpec = workload.kind === 'Pod' ? workload.spec : workload.spec?.template?.spec;
  const list = init ? podSpec?.initContainers : podSpec?.containers;
  return Array.isArray(list) ? (list as Containers) : [];
}

function hasContainer(workload: KubeObject, name: string): boolean {
  return containersOf(workload).some((c) => c.name === name);
}

/**
 * The Velero Deployment: labelled `component=velero` or named `velero`, in any namespace, running a
 * container named `velero` (the Helm chart, OADP and `velero install` all do). When several match, the
 * one named `velero` wins.
 */
export function findVeleroDeployment(objects: ObjectIndex): KubeObject | undefined {
  const candidates = objects
    .list('Deployment')
    .filter((d) => (d.metadata.labels?.component === 'velero' || d.metadata.name === 'velero' || d.metadata.labels?.['app.kubernetes.io/name'] === 'velero') && hasContainer(d, 'velero'));
  return candidates.find((d) => d.metadata.name === 'velero') ?? candidates[0];
}

/** node-agent (Velero 1.10+) or restic (before) DaemonSet; the one in the Velero namespace first. */
export function findNodeAgentDaemonSet(objects: ObjectIndex, veleroNamespace: string | null): KubeObject | undefined {
  const candidates = objects
    .list('DaemonSet')
    .filter((d) => ['node-agent', 'restic'].includes(d.metadata.name) || hasContainer(d, 'node-agent') || hasContainer(d, 'restic'));
  return candidates.find((d) => d.metadata.namespace === veleroNamespace) ?? candidates[0];
}

/** Does the pod belong to the workload: same namespace and matching its selector (else its template labels)? */
export function podBelongsTo(pod: KubeObject, workload: KubeObject): boolean {
  if (pod.metadata.namespace !== workload.metadata.namespace) return false;
  const selector: Record<string, string> | undefined = workload.spec?.selector?.matchLabels ?? workload.spec?.template?.metadata?.labels;
  const labels = pod.metadata.labels ?? {};
  if (selector && Object.keys(selector).length > 0) return Object.entries(selector).every(([k, v]) => labels[k] === v);
  const owner = pod.metadata.ownerReferences?.[0]?.name ?? '';
  return owner === workload.metadata.name || owner.startsWith(`${workload.metadata.name}-`) || pod.metadata.name.startsWith(`${workload.metadata.name}-`);
}

export function findWorkloads(objects: ObjectIndex, veleroNamespace: string | null): Workloads {
  const pods = objects.list('Pod');
  const veleroDeployment = findVeleroDeployment(objects);
  const nodeAgentDaemonSet = findNodeAgentDaemonSet(objects, veleroDeployment?.metadata.namespace ?? veleroNamespace);
  const veleroPods = veleroDeployment
    ? pods.filter((p) => podBelongsTo(p, veleroDeployment) && hasContainer(p, 'velero'))
    : pods.filter((p) => p.metadata.namespace === veleroNamespace && hasContainer(p, 'velero'));
  const nodeAgentPods = nodeAgentDaemonSet
    ? pods.filter((p) => podBelongsTo(p, nodeAgentDaemonSet))
    : pods.filter((p) => p.metadata.namespace === veleroNamespace && (hasContainer(p, 'node-agent') || hasContainer(p, 'restic')));
  const kotsadmDeployments = objects
    .list('Deployment')
    .filter((d) => d.metadata.name === 'kotsadm' || (d.metadata.labels?.app === 'kotsadm' && hasContainer(d, 'kotsadm')));
  const kotsadmPods = pods.filter(
    (p) => kotsadmDeployments.some((d) => podBelongsTo(p, d)) || (kotsadmDeployments.length === 0 && p.metadata.labels?.app === 'kotsadm' && hasContainer(p, 'kotsadm')),
  );
  const workloads: Workloads = { veleroPods, nodeAgentPods, kotsadmDeployments, kotsadmPods };
  if (veleroDeployment) workloads.veleroDeployment = veleroDeployment;
  if (nodeAgentDaemonSet) workloads.nodeAgentDaemonSet = nodeAgentDaemonSet;
  return workloads;
}
