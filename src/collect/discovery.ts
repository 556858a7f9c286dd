// API discovery: which groups and versions the cluster serves, and every resource of the groups we collect whole (velero.io).
import type { KubeClient } from './client.js';
import { byCodeUnits } from '../util/compare.js';

export interface ApiResource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export interface ApiGroupInfo {
  /** Served versions, the preferred one first. */
  versions: string[];
  preferred: string;
}

/**
 * Asks for aggregated discovery (every group, version and resource in one answer: Kubernetes 1.26+
 * as v2beta1, 1.30+ as v2), as kubectl does; older servers ignore the first two types and send a
 * plain APIGroupList.
 */
export const AGGREGATED_DISCOVERY_ACCEPT = [
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json',
].join(',');

interface APIGroupList {
  kind?: string;
  groups?: { name: string; versions?: { version: string }[]; preferredVersion?: { version: string } }[];
}

interface APIResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}

interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  items?: { metadata?: { name?: string }; versions?: APIVersionDiscovery[] }[];
}

/** One version of a group (versions come in order of preference). */
interface APIVersionDiscovery {
  version: string;
  /** `Stale`: an aggregated API server's resources could not be fetched; that version is asked for on its own. */
  freshness?: string;
  resources?: { resource: string; responseKind?: { kind?: string }; scope?: string; verbs?: string[] }[];
}

export class Discovery {
  constructor(
    readonly groups: Map<string, ApiGroupInfo>,
    private readonly resourcesByGroup: Map<string, ApiResource[]>,
  ) {}

  serves(group: string): boolean {
    return group === '' || this.groups.has(group);
  }

  preferredVersion(group: string): string | undefined {
    return group === '' ? 'v1' : this.groups.get(group)?.preferred;
  }

  /** Resources of an expanded group: one per plural, from the most preferred version that serves it. */
  resources(group: string): ApiResource[] {
    return this.resourcesByGroup.get(group) ?? [];
  }
}

type ResourceEntry = { name: string; kind: string; namespaced: boolean; verbs?: string[] };

/**
 * Reads `/apis` and the resources of every served version of each group in `expand`: from the one
 * aggregated answer where the server gives it, otherwise one request per version. A kind served in
 * several versions is listed once, in the preferred version (the same objects).
 */
export async function discover(client: KubeClient, expand: string[]): Promise<Discovery> {
  const answer = await client.getJson<APIGroupList | APIGroupDiscoveryList>('/apis', undefined, { accept: AGGREGATED_DISCOVERY_ACCEPT });
  const aggregated = answer.kind === 'APIGroupDiscoveryList' ? (answer as APIGroupDiscoveryList) : undefined;
  const groups = aggregated ? groupsOfAggregated(aggregated) : groupsOfList(answer as APIGroupList);
  const resourcesByGroup = new Map<string, ApiResource[]>();
  await Promise.all(
    expand
      .filter((group) => groups.has(group))
      .map(async (group) => {
        const versions = groups.get(group)?.versions ?? [];
        const entry = aggregated?.items?.find((item) => (item.metadata?.name ?? '') === group);
        const lists = await Promise.all(
          versions.map(async (version) => {
            const known = entry?.versions?.find((v) => v.version === version);
            if (known && known.freshness !== 'Stale') return { version, resources: resourcesOfAggregated(known.resources ?? []) };
            const list = await client.getJson<APIResourceList>(`/apis/${group}/${version}`);
            return { version, resources: list.resources ?? [] };
          }),
        );
        resourcesByGroup.set(group, mergeVersions(group, lists));
      }),
  );
  return new Discovery(groups, resourcesByGroup);
}

function groupsOfList(list: APIGroupList): Map<string, ApiGroupInfo> {
  const groups = new Map<string, ApiGroupInfo>();
  for (const group of list.groups ?? []) {
    const versions = (group.versions ?? []).map((v) => v.version);
    const preferred = group.preferredVersion?.version ?? versions[0];
    if (!preferred) continue;
    groups.set(group.name, { versions: [preferred, ...versions.filter((v) => v !== preferred)], preferred });
  }
  return groups;
}

function groupsOfAggregated(list: APIGroupDiscoveryList): Map<string, ApiGroupInfo> {
  const groups = new Map<string, ApiGroupInfo>();
  for (const item of list.items ?? []) {
    const versions = (item.versions ?? []).map((v) => v.version);
    const name = item.metadata?.name ?? '';
    if (name && versions[0]) groups.set(name, { versions, preferred: versions[0] });
  }
  return groups;
}

function resourcesOfAggregated(resources: NonNullable<APIVersionDiscovery['resources']>): ResourceEntry[] {
  return resources.map((r) => ({ name: r.resource, kind: r.responseKind?.kind ?? '', namespaced: r.scope !== 'Cluster', verbs: r.verbs }));
}

/** One resource per plural, from the first (most preferred) version that serves it; sub-resources and unlistable kinds left out. */
function mergeVersions(group: string, lists: { version: string; resources: ResourceEntry[] }[]): ApiResource[] {
  const seen = new Set<string>();
  const resources: ApiResource[] = [];
  for (const { version, resources: entries } of lists) {
    for (const r of entries) {
      if (r.name.includes('/') || seen.has(r.name) || !(r.verbs ?? ['list']).includes('list')) continue;
      seen.add(r.name);
      resources.push({ group, version, plural: r.name, kind: r.kind, namespaced: r.namespaced });
    }
  }
  return resources.sort((a, b) => byCodeUnits(a.plural, b.plural));
}
