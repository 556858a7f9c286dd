// The resource types the fake API server serves: the built-in ones it knows, plus those its CRD objects define.
import type { KubeObject } from '../../../src/model/kube.js';

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  /** Every served version; the first is the preferred one. */
  versions: string[];
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Sub-resources served, e.g. `log` for pods. */
  subresources?: string[];
}

const VERBS_ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const BUILTIN_RESOURCES: ResourceType[] = [
  { group: '', versions: ['v1'], kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'] },
  { group: '', versions: ['v1'], kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, shortNames: ['no'] },
  { group: '', versions: ['v1'], kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], subresources: ['log'] },
  { group: '', versions: ['v1'], kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'] },
  { group: '', versions: ['v1'], kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', namespaced: true, shortNames: ['pvc'] },
  { group: '', versions: ['v1'], kind: 'PersistentVolume', plural: 'persistentvolumes', singular: 'persistentvolume', namespaced: false, shortNames: ['pv'] },
  { group: '', versions: ['v1'], kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true },
  { group: '', versions: ['v1'], kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'] },
  { group: '', versions: ['v1'], kind: 'Service', plural: 'services', singular: 'service', namespaced: true, shortNames: ['svc'] },
  { group: 'apps', versions: ['v1'], kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, shortNames: ['deploy'] },
  { group: 'apps', versions: ['v1'], kind: 'DaemonSet', plural: 'daemonsets', singular: 'daemonset', namespaced: true, shortNames: ['ds'] },
  { group: 'apps', versions: ['v1'], kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', namespaced: true, shortNames: ['rs'] },
  { group: 'apps', versions: ['v1'], kind: 'StatefulSet', plural: 'statefulsets', singular: 'statefulset', namespaced: true, shortNames: ['sts'] },
  { group: 'batch', versions: ['v1'], kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'StorageClass', plural: 'storageclasses', singular: 'storageclass', namespaced: false, shortNames: ['sc'] },
  { group: 'storage.k8s.io', versions: ['v1'], kind: 'CSIDriver', plural: 'csidrivers', singular: 'csidriver', namespaced: false },
  {
    group: 'apiextensions.k8s.io',
    versions: ['v1'],
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
  },
];

/** The resource type a CustomResourceDefinition object defines (served versions only). */
export function resourceFromCrd(crd: KubeObject): ResourceType | undefined {
  const spec = crd.spec as
    | {
        group?: string;
        scope?: string;
        names?: { kind?: string; plural?: string; singular?: string; shortNames?: string[] };
        versions?: { name: string; served?: boolean; storage?: boolean }[];
      }
    | undefined;
  if (!spec?.group || !spec.names?.kind || !spec.names.plural) return undefined;
  const versions = (spec.versions ?? []).filter((v) => v.served !== false);
  // The storage version is the preferred one, as the API server reports it.
  versions.sort((a, b) => Number(Boolean(b.storage)) - Number(Boolean(a.storage)));
  if (versions.length === 0) return undefined;
  return {
    group: spec.group,
    versions: versions.map((v) => v.name),
    kind: spec.names.kind,
    plural: spec.names.plural,
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    shortNames: spec.names.shortNames,
  };
}

/** The verbs discovery lists; the fake server implements get, list, create and delete of them. */
export const VERBS = VERBS_ALL;

export function groupVersionOf(type: ResourceType, version: string): string {
  return type.group ? `${type.group}/${version}` : version;
}
