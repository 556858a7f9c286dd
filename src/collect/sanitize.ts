// What the collector drops from objects before they are written: node addresses, and all but the volume facts of application pods.
import type { KubeObject } from '../model/kube.js';

const IP_LIKE = /\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b/i;

/** Keeps taints, labels, conditions, capacity and nodeInfo (kubelet version, OS, arch); drops addresses and image lists. */
export function sanitizeNode(node: KubeObject): KubeObject {
  const copy = structuredClone(node);
  const annotations = copy.metadata.annotations;
  if (annotations) {
    // CNI and cloud annotations carry the node's addresses (flannel public-ip, k3s internal-ip, calico IPv4Address…).
    for (const [key, value] of Object.entries(annotations)) if (IP_LIKE.test(value)) delete annotations[key];
  }
  if (copy.status) {
    delete copy.status.addresses;
    delete copy.status.images;
    delete copy.status.daemonEndpoints;
  }
  return copy;
}

interface Container {
  name: string;
  image?: string;
  volumeMounts?: unknown[];
}

/**
 * A pod of an application namespace reduced to what coverage rules need: labels and annotations
 * (`backup.velero.io/backup-volumes`…), owner, node, volumes and mounts, and container states.
 * Environment, commands and probes stay behind: they are the application's business.
 */
export function slimPod(pod: KubeObject): KubeObject {
  const spec = (pod.spec ?? {}) as { nodeName?: string; volumes?: unknown[]; containers?: Container[]; initContainers?: Container[] };
  const status = (pod.status ?? {}) as Record<string, unknown>;
  const containers = (list?: Container[]) => list?.map((c) => ({ name: c.name, image: c.image, volumeMounts: c.volumeMounts }));
  const meta = pod.metadata;
  return {
    apiVersion: pod.apiVersion ?? 'v1',
    kind: 'Pod',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      creationTimestamp: meta.creationTimestamp,
      labels: meta.labels,
      annotations: meta.annotations,
      ownerReferences: meta.ownerReferences,
    },
    spec: {
      nodeName: spec.nodeName,
      volumes: spec.volumes,
      initContainers: containers(spec.initContainers),
      containers: containers(spec.containers),
    },
    status: {
      phase: status.phase,
      reason: status.reason,
      conditions: status.conditions,
      initContainerStatuses: status.initContainerStatuses,
      containerStatuses: status.containerStatuses,
    },
  };
}

/** The names of a Secret's keys; the values are never kept. */
export function secretKeys(secret: { data?: Record<string, unknown>; stringData?: Record<string, unknown> }): string[] {
  return [...new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})])].sort();
}
