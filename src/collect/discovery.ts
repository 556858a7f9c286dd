// API discovery: which groups and versions the cluster serves, and every resource of the groups we collect whole (velero.io).
import type { KubeClient } from './client.js';

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

interface APIGroupList {
  groups?: { name: string; versions?: { version: string }[]; preferredVersion?: { version: string } }[];
}

interface APIResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
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

/**
 * Reads `/apis`, then the resource list of every served version of each group in `expand`.
 * A kind served in several versions is listed once, in the preferred version (the same objects).
 */
export async function discover(client: KubeClient, expand: string[]): Promise<Discovery> {
  const list = await client.getJson<APIGroupList>('/apis');
  const groups = new Map<string, ApiGroupInfo>();
  for (const group of list.groups ?? []) {
    const versions = (group.versions ?? []).map((v) => v.version);
    const preferred = group.preferredVersion?.version ?? versions[0];
    if (!preferred) continue;
    groups.set(group.name, { versions: [preferred, ...versions.filter((v) => v !== preferred)], preferred });
  }
  const resourcesByGroup = new Map<string, ApiResource[]>();
  await Promise.all(
    expand
      .filter((group) => groups.has(group))
      .map(async (group) => {
        const versions = groups.get(group)?.versions ?? [];
        const lists = await Promise.all(
          versions.map((version) => client.getJson<APIResourceList>(`/apis/${group}/${version}`).then((l) => ({ version, list: l }))),
        );
        const seen = new Set<string>();
        const resources: ApiResource[] = [];
        for (const { version, list: resourceList } of lists) {
          for (const r of resourceList.resources ?? []) {
            if (r.name.includes('/') || seen.has(r.name) || !(r.verbs ?? ['list']).includes('list')) continue;
            seen.add(r.name);
            resources.push({ group, version, plural: r.name, kind: r.kind, namespaced: r.namespaced });
          }
        }
        resourcesByGroup.set(group, resources.sort((a, b) => a.plural.localeCompare(b.plural)));
      }),
  );
  return new Discovery(groups, resourcesByGroup);
}
