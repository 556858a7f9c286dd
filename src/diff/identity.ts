// What a Bundle shows of its cluster's identity: the kube-system uid, its namespaces, where Velero runs.
import type { Bundle } from '../model/bundle.js';
import { byCodeUnits } from '../util/compare.js';
import type { ClusterIdentity } from './types.js';

export function identityOf(bundle: Bundle): ClusterIdentity {
  const namespaceObjects = bundle.objects.list('Namespace');
  const kubeSystem = namespaceObjects.find((ns) => ns.metadata.name === 'kube-system');
  const names = new Set<string>();
  if (namespaceObjects.length > 0) for (const ns of namespaceObjects) names.add(ns.metadata.name);
  else for (const obj of bundle.objects.all()) if (obj.metadata.namespace) names.add(obj.metadata.namespace);
  return {
    clusterId: kubeSystem?.metadata.uid ?? null,
    namespaces: [...names].sort(byCodeUnits),
    veleroNamespace: bundle.veleroNamespace,
  };
}
