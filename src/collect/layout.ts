// Where each collected thing goes inside the bundle: the troubleshoot v1beta2 layout, plus our own `snapshot-doctor/` part.

/** Built-in resources, by `<group>/<plural>`, and the troubleshoot name of their folder (namespaced) or file (cluster-scoped). */
export const TROUBLESHOOT_NAMES: Record<string, string> = {
  '/pods': 'pods',
  '/events': 'events',
  '/persistentvolumeclaims': 'pvcs',
  '/namespaces': 'namespaces',
  '/nodes': 'nodes',
  '/persistentvolumes': 'pvs',
  'apps/deployments': 'deployments',
  'apps/daemonsets': 'daemonsets',
  'storage.k8s.io/storageclasses': 'storage-classes',
  // Not collected by troubleshoot's clusterResources; our extension, under its resource name.
  'storage.k8s.io/csidrivers': 'csidrivers',
  'apiextensions.k8s.io/customresourcedefinitions': 'custom-resource-definitions',
};

/** `cluster-resources/<name>/<ns>.json` or `cluster-resources/<name>.json` for a built-in resource (a List object). */
export function builtinPath(group: string, plural: string, namespace?: string): string {
  const name = TROUBLESHOOT_NAMES[`${group}/${plural}`] ?? plural;
  return namespace ? `cluster-resources/${name}/${namespace}.json` : `cluster-resources/${name}.json`;
}

/** `cluster-resources/custom-resources/<plural>.<group>/<ns>.json` (or `<plural>.<group>.json`): a bare JSON array. */
export function customResourcePath(group: string, plural: string, namespace?: string): string {
  const folder = `cluster-resources/custom-resources/${plural}.${group}`;
  return namespace ? `${folder}/${namespace}.json` : `${folder}.json`;
}

export function podLogPath(namespace: string, pod: string, container: string, previous: boolean): string {
  return `cluster-resources/pods/logs/${namespace}/${pod}/${container}${previous ? '-previous' : ''}.log`;
}

export const VERSION_YAML = 'version.yaml';
export const CLUSTER_VERSION = 'cluster-info/cluster_version.json';
export const MANIFEST = 'snapshot-doctor/manifest.json';

export function backupLogPath(kind: 'Backup' | 'Restore', namespace: string, name: string): string {
  return `snapshot-doctor/${kind === 'Backup' ? 'backup' : 'restore'}-logs/${namespace}/${name}.log`;
}

export function resultsPath(kind: 'Backup' | 'Restore', namespace: string, name: string): string {
  return `snapshot-doctor/${kind === 'Backup' ? 'backup' : 'restore'}-results/${namespace}/${name}.json`;
}

export function credentialKeysPath(namespace: string, secret: string): string {
  return `snapshot-doctor/credential-keys/${namespace}/${secret}.json`;
}
