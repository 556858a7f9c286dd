// The collection's steps: when each starts, what it asks the API server, and what of each answer goes to the bundle.
import type { BundleWriter } from '../bundle/writer.js';
import type { KubeObject } from '../model/kube.js';

import { KubeApiError, KubeNetworkError, type KubeClient } from './client.js';
import { discover, type ApiResource, type Discovery } from './discovery.js';
import { backupLogPath, builtinPath, credentialKeysPath, customResourcePath, podLogPath, resultsPath } from './layout.js';
import { jsonArray, type BuiltFile } from './array-file.js';
import { BundleFiles } from './bundle-files.js';
import { Priority } from './limiter.js';
import { groupByNamespace, NotJsonError } from './list-files.js';
import type { Offload } from './offload.js';
import { Pager } from './pager.js';
import {
  containerLogs,
  coverage,
  credentialSecrets,
  CRD_GROUPS_KEPT,
  downloadCandidates,
  locationCaCerts,
  kindOf,
  KOTSADM_SELECTOR,
  READ_LATER,
  VELERO_SELECTORS,
  type CredentialSecret,
} from './plan.js';
import type { CollectedEntry, CollectIssue, CollectManifest, CollectProgress, DownloadAttempt, ResolvedOptions } from './options.js';
import { secretKeys, sanitizeNode, slimPod } from './sanitize.js';
import { CollectError } from '../errors.js';
import { download, DownloadNotProcessedError, requestServerStatus, type DownloadTargetKind, type ServerStatus } from './velero-requests.js';
import { byCodeUnits } from '../util/compare.js';

export interface CollectorOutput {
  veleroNamespace: string | null;
  kotsadmNamespaces: string[];
  serverStatus: CollectManifest['serverStatus'];
  coveredNamespaces: string[] | 'all';
  collected: CollectedEntry[];
  truncatedLogs: string[];
  downloads: DownloadAttempt[];
  errors: CollectIssue[];
}

/**
 * One run of collection into an open BundleWriter: when each step starts and what it asks the API
 * server; what to fetch is decided in plan.ts, pages are read by Pager, files are written by
 * BundleFiles. Errors of single steps are recorded, never thrown.
 */
export class Collector {
  private readonly issues: CollectIssue[] = [];
  private readonly downloads: DownloadAttempt[] = [];
  private readonly counts = new Map<string, CollectedEntry>();
  private readonly truncated: string[] = [];
  private readonly loggedContainers = new Set<string>();
  private readonly pager: Pager;
  private readonly files: BundleFiles;
  private done = 0;
  private total = 0;
  private phase = 'connecting';

  constructor(
    private readonly client: KubeClient,
    writer: BundleWriter,
    private readonly offload: Offload,
    private readonly options: ResolvedOptions,
  ) {
    this.pager = new Pager(client, options.pageSize);
    this.files = new BundleFiles(writer, offload);
  }

  /**
   * Starts every step as soon as what it needs is known: the Velero workloads (whose logs are most
   * of the requests) and the built-in context lists with discovery, the Velero lists (the long chains
   * of pages) when discovery answers, and the rest in the slots around them.
   */
  async run(): Promise<CollectorOutput> {
    const veleroNamespaceFound = this.step('finding Velero', () => this.findVeleroNamespace()).then((ns) => ns ?? null);
    const kotsadmNamespaces = this.step('finding kotsadm', () => this.findKotsadmNamespaces()).then((ns) => ns ?? []);
    const discovered = this.step('discovery', () => discover(this.client, ['velero.io']));
    // Its start-up overlaps the first round trips instead of holding up the first big list's pages.
    void discovered.then((discovery) => discovery?.serves('velero.io') && this.offload.warmUp());
    const workloads = veleroNamespaceFound.then((ns) => (ns ? this.collectVeleroWorkloads(ns) : []));
    const events = veleroNamespaceFound.then((ns) => (ns ? this.collectList('events', '', 'v1', 'events', { namespace: ns }) : undefined));
    const independent = Promise.all([kotsadmNamespaces.then((ns) => this.collectKotsadm(ns)), this.collectClusterScoped(discovered)]);
    const discovery = await discovered;
    if (!discovery) {
      // Steps already under way settle before the caller throws the bundle away.
      await Promise.allSettled([workloads, events, independent]);
      throw new CollectError(`API discovery failed: ${this.issues.find((i) => i.source === 'discovery')?.message ?? 'no answer'}`);
    }
    if (!discovery.serves('velero.io')) {
      this.issue('velero.io', 'the velero.io API group is not served: the Velero CRDs are not installed');
    }
    const velero = this.collectVeleroObjects(discovery, veleroNamespaceFound);
    const listed = (plural: string) => velero.get(plural) ?? Promise.resolve([]);

    const veleroNamespace = await veleroNamespaceFound;
    const serverStatus = this.serverStatus(veleroNamespace, discovery);
    const coveredNamespaces = listed('backups').then((backups) => coverage(backups));
    const [status, covered] = await Promise.all([
      serverStatus,
      coveredNamespaces,
      coveredNamespaces.then((namespaces) => this.collectCoverage(namespaces, veleroNamespace)),
      Promise.all([listed('backups'), listed('restores'), listed('backupstoragelocations')]).then(([backups, restores, bsl]) => this.collectBackupLogs(backups, restores, bsl, veleroNamespace, discovery)),
      Promise.all([listed('backupstoragelocations'), listed('volumesnapshotlocations'), workloads]).then(([bsl, vsl, w]) => this.collectCredentialKeys([...bsl, ...vsl], w)),
      Promise.all(velero.values()),
      independent,
      events,
    ]);
    if (status) this.files.addToArray(customResourcePath('velero.io', 'serverstatusrequests', status.object.metadata.namespace), [status.object]);

    this.phase = 'writing';
    this.emit();
    await this.files.finish();
    return {
      veleroNamespace,
      kotsadmNamespaces: await kotsadmNamespaces,
      serverStatus: status?.processed ? { serverVersion: status.serverVersion, plugins: status.plugins } : null,
      coveredNamespaces: covered === 'all' ? 'all' : [...covered].sort(),
      collected: [...this.counts.values()].sort((a, b) => byCodeUnits(a.what, b.what)),
      truncatedLogs: this.truncated.sort(),
      downloads: this.downloads,
      errors: this.issues,
    };
  }

  // ── where things are ─────────────────────────────────────────────────────────────────────

  private async findVeleroNamespace(): Promise<string | null> {
    if (this.options.namespace) return this.checkVeleroNamespace(this.options.namespace);
    return this.searchVeleroNamespace('');
  }

  /** The namespace of the Velero server Deployment, searched in one namespace or (`''`) in all. */
  private async searchVeleroNamespace(namespace: string): Promise<string | null> {
    const base = namespace ? `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments` : '/apis/apps/v1/deployments';
    const candidates: KubeObject[] = [];
    try {
      const found = await Promise.all(VELERO_SELECTORS.map((selector) => this.pager.all(base, { labelSelector: selector })));
      candidates.push(...found.flat());
      if (candidates.length === 0) candidates.push(...(await this.pager.all(base, { fieldSelector: 'metadata.name=velero' })));
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
      if (namespace) {
        this.issue(`deployments (namespace ${namespace})`, `${describe(error)}; taking --namespace ${namespace} as the Velero namespace unchecked`);
        return namespace;
      }
      this.issue('deployments (all namespaces)', `${describe(error)}; looking in namespace "velero" only (pass --namespace to choose)`);
      const found = await this.client.getJson<KubeObject>('/apis/apps/v1/namespaces/velero/deployments/velero').catch(() => undefined);
      return found ? 'velero' : null;
    }
    // The server Deployment is named velero; the label alone also matches e.g. a restic or minio helper in some installs.
    const server = candidates.find((d) => d.metadata.name === 'velero') ?? candidates[0];
    return server?.metadata.namespace ?? null;
  }

  /**
   * `--namespace` without a Velero server in it would give a thin bundle and Velero requests that
   * nothing answers: say so, with where Velero does run, and collect nothing namespace-specific.
   */
  private async checkVeleroNamespace(namespace: string): Promise<string | null> {
    if ((await this.searchVeleroNamespace(namespace)) !== null) return namespace;
    const elsewhere = await this.searchVeleroNamespace('').catch(() => null);
    const hint = elsewhere ? `; Velero runs in namespace "${elsewhere}" (pass --namespace ${elsewhere})` : '';
    this.issue('velero namespace', `no Velero server Deployment in namespace "${namespace}" (given with --namespace)${hint}`);
    return null;
  }

  private async findKotsadmNamespaces(): Promise<string[]> {
    try {
      const deployments = await this.pager.all('/apis/apps/v1/deployments', { labelSelector: KOTSADM_SELECTOR });
      return [...new Set(deployments.map((d) => d.metadata.namespace ?? ''))].filter(Boolean).sort();
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
      this.issue('kotsadm deployments (all namespaces)', describe(error));
      return [];
    }
  }

  // ── Velero ───────────────────────────────────────────────────────────────────────────────

  /** Every velero.io resource in every served version: cluster-wide, or the Velero namespace when that is all RBAC allows. */
  private collectVeleroObjects(discovery: Discovery, namespace: Promise<string | null>): Map<string, Promise<KubeObject[]>> {
    const lists = new Map<string, Promise<KubeObject[]>>();
    for (const resource of discovery.resources('velero.io')) {
      const listed = this.step(`${resource.plural}.velero.io`, () => this.listVelero(resource, namespace)).then((list) => {
        if (!list) return [];
        this.count(`${resource.plural}.velero.io`, resource.kind, list.count);
        if (resource.plural === 'serverstatusrequests') {
          // Our own ServerStatusRequest joins these later.
          for (const [ns, group] of groupByNamespace(list.items)) this.files.addToArray(customResourcePath('velero.io', resource.plural, ns || undefined), group);
        } else {
          // Steps waiting for these objects need not wait for the files as well.
          this.files.background(list.files.then((files) => this.files.writeBuilt(files)).catch((error: unknown) => this.failed(`${resource.plural}.velero.io`, error)));
        }
        return list.items;
      });
      lists.set(resource.plural, listed);
    }
    return lists;
  }

  /**
   * One velero.io list, each page handed to its files as it arrives (on the worker for big lists).
   * Of the objects, only those later steps read come back, cut down to the fields they read
   * (READ_LATER): the main thread never parses 20,000 PodVolumeBackups nor holds 5,000 Backups. Our
   * own kind, ServerStatusRequest, is read here whole: its file is written with the request this run adds.
   */
  private async listVelero(resource: ApiResource, namespacePromise: Promise<string | null>): Promise<{ files: Promise<BuiltFile[]>; items: KubeObject[]; count: number }> {
    const base = `/apis/velero.io/${resource.version}`;
    const listInto = async (path: string) => {
      if (resource.plural === 'serverstatusrequests') {
        const whole = await this.pager.all(path);
        return { files: Promise.resolve([]), items: whole, count: whole.length };
      }
      const builder = this.offload.list({ group: 'velero.io', plural: resource.plural });
      const items: KubeObject[] = [];
      let count = 0;
      await this.pager.pages(path, {}, Priority.OPENS, (chunks) =>
        builder.add(chunks, READ_LATER[resource.plural]).then(
          (summary) => {
            count += summary.count;
            for (const item of summary.kept ?? []) items.push(item);
            return summary.continue;
          },
          (error: unknown) => rethrowNotJson(path, error),
        ),
      );
      const files = builder.finish().catch((error: unknown) => rethrowNotJson(path, error));
      return { files, items, count };
    };
    try {
      return await listInto(`${base}/${resource.plural}`);
    } catch (error) {
      const namespace = await namespacePromise;
      if (!(error instanceof KubeApiError && error.status === 403 && namespace && resource.namespaced)) throw error;
      return listInto(`${base}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`);
    }
  }

  private async serverStatus(namespace: string | null, discovery: Discovery): Promise<ServerStatus | undefined> {
    if (!namespace || this.options.noCreate || !discovery.resources('velero.io').some((r) => r.plural === 'serverstatusrequests')) return undefined;
    const status = await this.step('server status', () => requestServerStatus(this.client, namespace, this.options.requestWaitMs));
    if (status && !status.processed) {
      this.issue(
        'ServerStatusRequest',
        `the Velero server did not process a ServerStatusRequest within ${Math.round(this.options.requestWaitMs / 1000)} s: it is not running, or not reconciling requests`,
      );
    }
    return status;
  }

  /** The Deployments, DaemonSets and pods of the Velero namespace, and the logs of every container. */
  private async collectVeleroWorkloads(namespace: string): Promise<KubeObject[]> {
    const [deployments, daemonSets] = await Promise.all([
      this.collectList('deployments', 'apps', 'v1', 'deployments', { namespace, priority: Priority.OPENS }),
      this.collectList('daemonsets', 'apps', 'v1', 'daemonsets', { namespace, priority: Priority.OPENS }),
      this.collectPods(namespace, undefined),
    ]);
    return [...(deployments ?? []), ...(daemonSets ?? [])];
  }

  private async collectKotsadm(namespaces: string[]): Promise<void> {
    await Promise.all(
      namespaces.flatMap((ns) => [
        this.collectList('deployments', 'apps', 'v1', 'deployments', { namespace: ns, query: { labelSelector: KOTSADM_SELECTOR } }),
        this.collectPods(ns, KOTSADM_SELECTOR),
      ]),
    );
  }

  /** Pods (whole) and the logs of their containers, current and previous. */
  private async collectPods(namespace: string, labelSelector: string | undefined): Promise<void> {
    // Their logs wait for this list: it goes before the leaves.
    const pods = await this.collectList('pods', '', 'v1', 'pods', { namespace, query: labelSelector ? { labelSelector } : undefined, priority: Priority.OPENS });
    await Promise.all((pods ?? []).flatMap((pod) => this.collectLogs(pod)));
  }

  private collectLogs(pod: KubeObject): Promise<void>[] {
    return containerLogs(pod).map(({ container, previous }) => this.collectLog(pod.metadata.namespace ?? '', pod.metadata.name, container, previous));
  }

  private async collectLog(namespace: string, pod: string, container: string, previous: boolean): Promise<void> {
    const path = podLogPath(namespace, pod, container, previous);
    if (this.loggedContainers.has(path)) return;
    this.loggedContainers.add(path);
    const text = await this.step(
      'logs',
      () =>
        this.client.getText(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`, {
          container,
          previous: previous || undefined,
          sinceSeconds: this.options.sinceSeconds,
          tailLines: this.options.maxLogLines,
          limitBytes: this.options.maxLogBytes,
        }, { priority: Priority.LEAF }),
      `logs ${namespace}/${pod}/${container}${previous ? ' (previous)' : ''}`,
    );
    if (text === undefined) return;
    if (Buffer.byteLength(text) >= this.options.maxLogBytes) this.truncated.push(path);
    await this.writeText(path, text);
    this.count('pod logs', undefined, 1);
  }

  // ── cluster-wide context ─────────────────────────────────────────────────────────────────

  /** Built-in kinds every cluster serves (at once), and VolumeSnapshotClasses once discovery says in which version. */
  private async collectClusterScoped(discovered: Promise<Discovery | undefined>): Promise<void> {
    await Promise.all([
      this.collectList('nodes', '', 'v1', 'nodes', { transform: sanitizeNode }),
      this.collectList('namespaces', '', 'v1', 'namespaces'),
      this.collectList('storageclasses', 'storage.k8s.io', 'v1', 'storageclasses'),
      this.collectList('csidrivers', 'storage.k8s.io', 'v1', 'csidrivers'),
      this.collectList('customresourcedefinitions', 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions', {
        transform: (crd) => (CRD_GROUPS_KEPT.test(crd.metadata.name) ? crd : undefined),
      }),
      discovered.then((discovery) => discovery && this.collectVolumeSnapshotClasses(discovery)),
    ]);
  }

  private async collectVolumeSnapshotClasses(discovery: Discovery): Promise<void> {
    const version = discovery.preferredVersion('snapshot.storage.k8s.io');
    if (!version) {
      this.issue('snapshot.storage.k8s.io', 'the snapshot.storage.k8s.io API group is not served: the CSI snapshot CRDs are not installed');
      return;
    }
    await this.step('volumesnapshotclasses.snapshot.storage.k8s.io', async () => {
      const items = await this.pager.all(`/apis/snapshot.storage.k8s.io/${version}/volumesnapshotclasses`, {}, Priority.LEAF);
      this.count('volumesnapshotclasses.snapshot.storage.k8s.io', 'VolumeSnapshotClass', items.length);
      await this.writeText(customResourcePath('snapshot.storage.k8s.io', 'volumesnapshotclasses'), jsonArray(items));
    });
  }

  /** The names of the keys in the credential Secrets of locations and of the Velero workloads, never their values. */
  private async collectCredentialKeys(locations: KubeObject[], workloads: KubeObject[]): Promise<void> {
    await Promise.all(credentialSecrets(locations, workloads).map((secret) => this.collectCredentialKey(secret)));
  }

  private async collectCredentialKey({ namespace, name, usedBy }: CredentialSecret): Promise<void> {
    const secret = await this.step(
      'credential keys',
      () => this.client.getJson<KubeObject & { type?: string; data?: Record<string, unknown> }>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`, undefined, { priority: Priority.LEAF }),
      `secret ${namespace}/${name} (key names)`,
    );
    if (!secret) return;
    const keys = secretKeys(secret);
    await this.writeText(credentialKeysPath(namespace, name), `${JSON.stringify({ name, namespace, type: secret.type, keys, usedBy }, null, 2)}\n`);
    this.count('credential secrets (key names only)', 'Secret', 1);
  }

  /** PVCs, pods (volumes and annotations only) and events of the namespaces the backups cover. */
  private async collectCoverage(namespaces: Set<string> | 'all', veleroNamespace: string | null): Promise<void> {
    const targets = namespaces === 'all' ? [undefined] : [...namespaces].filter((ns) => ns !== veleroNamespace);
    await Promise.all(
      targets.flatMap((ns) => [
        this.collectList('persistentvolumeclaims', '', 'v1', 'persistentvolumeclaims', { namespace: ns }),
        this.collectList('events', '', 'v1', 'events', { namespace: ns, transform: (e) => (e.metadata.namespace === veleroNamespace ? undefined : e) }),
        this.collectList('pods', '', 'v1', 'pods', { namespace: ns, transform: (p) => (p.metadata.namespace === veleroNamespace ? undefined : slimPod(p)), merge: 'keep' }),
      ]),
    );
  }

  /**
   * Logs and results of failed and partially failed backups and restores, through DownloadRequests.
   * The candidates (downloadCandidates) are tried in order; one whose log cannot be downloaded (403,
   * 404, an expired URL) gives way to the next until as many logs as wanted have arrived. Every
   * attempt is recorded in the manifest's `downloads`.
   */
  private async collectBackupLogs(backups: KubeObject[], restores: KubeObject[], locations: KubeObject[], namespace: string | null, discovery: Discovery): Promise<void> {
    if (this.options.noCreate || !namespace || !discovery.resources('velero.io').some((r) => r.plural === 'downloadrequests')) return;
    const mine = (list: KubeObject[]) => list.filter((o) => o.metadata.namespace === namespace);
    const caOf = locationCaCerts(mine(locations));
    const backupLocation = new Map(mine(backups).map((b) => [b.metadata.name, String(b.spec?.storageLocation ?? '')]));
    const plans = [
      { kind: 'Backup' as const, ...downloadCandidates(mine(backups), this.options.recentFailures, true) },
      { kind: 'Restore' as const, ...downloadCandidates(mine(restores), this.options.recentFailures, false) },
    ];
    await Promise.all(
      plans.map(async ({ kind, candidates, wanted }) => {
        const queue = [...candidates];
        let succeeded = 0;
        const worker = async () => {
          while (succeeded < wanted) {
            const next = queue.shift();
            if (!next) return;
            const object = next.object;
            const location = kind === 'Backup' ? backupLocation.get(object.metadata.name) : backupLocation.get(String(object.spec?.backupName ?? ''));
            const caCert = caOf(location);
            const error = await this.downloadOne(kind, namespace, object.metadata.name, `${kind}Log`, caCert);
            this.downloads.push({ kind, name: object.metadata.name, why: next.why, ok: error === undefined, ...(error ? { error } : {}) });
            if (error !== undefined) continue;
            succeeded += 1;
            await this.downloadOne(kind, namespace, object.metadata.name, `${kind}Results`, caCert);
          }
        };
        await Promise.all(Array.from({ length: Math.max(0, wanted) }, worker));
      }),
    );
  }

  /** One DownloadRequest, written into the bundle; returns why it failed (also a manifest error), or undefined. */
  private async downloadOne(kind: 'Backup' | 'Restore', namespace: string, name: string, target: DownloadTargetKind, caCert: string | undefined): Promise<string | undefined> {
    const isLog = target.endsWith('Log');
    const source = `DownloadRequest ${target} ${namespace}/${name}`;
    const before = this.issues.length;
    const data = await this.step(`${kind.toLowerCase()} ${isLog ? 'logs' : 'results'}`, () => download(this.client, namespace, target, name, this.options.requestWaitMs, caCert), source);
    if (!data) return this.issues.slice(before).find((i) => i.source === source)?.message ?? 'failed';
    const path = isLog ? backupLogPath(kind, namespace, name) : resultsPath(kind, namespace, name);
    await this.writeText(path, data.toString('utf8'));
    this.count(`${kind.toLowerCase()} ${isLog ? 'logs' : 'results'}`, undefined, 1);
    return undefined;
  }

  // ── building blocks ──────────────────────────────────────────────────────────────────────

  /**
   * Lists a built-in resource into its troubleshoot List file(s). Returns the items (untransformed),
   * or undefined when the list failed (recorded).
   */
  private async collectList(what: string, group: string, version: string, plural: string, how: ListOptions = {}): Promise<KubeObject[] | undefined> {
    const { namespace, query, transform = (o) => o, merge = 'replace', priority = Priority.LEAF } = how;
    const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const path = namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${plural}` : `${prefix}/${plural}`;
    const source = `${what}${group ? `.${group}` : ''}${namespace ? ` (${namespace})` : ''}`;
    const items = await this.step(what, () => this.pager.all(path, query, priority), source);
    if (!items) return undefined;
    const kept = items.map(transform).filter((o): o is KubeObject => o !== undefined);
    const apiVersion = group ? `${group}/${version}` : version;
    const kind = items[0]?.kind ?? kindOf(plural);
    this.count(group ? `${plural}.${group}` : plural, kind, kept.length);
    const namespaced = namespace !== undefined || kept.some((o) => o.metadata.namespace);
    if (namespaced) {
      for (const [ns, group_] of groupByNamespace(kept)) this.files.addToList(builtinPath(group, plural, ns), apiVersion, kind, group_, merge);
      // An empty namespace still gets its (empty) file: "none there" differs from "not collected".
      if (namespace && kept.length === 0) this.files.addToList(builtinPath(group, plural, namespace), apiVersion, kind, [], merge);
    } else this.files.addToList(builtinPath(group, plural), apiVersion, kind, kept, merge);
    return items;
  }

  /** Runs one collection step, counting it for progress; a Kubernetes failure becomes a manifest error. */
  private async step<T>(phase: string, run: () => Promise<T>, source = phase): Promise<T | undefined> {
    this.total += 1;
    this.phase = phase;
    this.emit();
    try {
      return await run();
    } catch (error) {
      this.failed(source, error);
      return undefined;
    } finally {
      this.done += 1;
      this.emit();
    }
  }

  /** Records a failure collection survives; rethrows any other. */
  private failed(source: string, error: unknown): void {
    if (!isStepFailure(error)) throw error;
    this.issue(source, describe(error));
  }

  private issue(source: string, message: string): void {
    this.issues.push({ source, message });
  }

  private count(what: string, kind: string | undefined, n: number): void {
    const entry = this.counts.get(what) ?? { what, ...(kind ? { kind } : {}), count: 0 };
    entry.count += n;
    this.counts.set(what, entry);
  }

  /** Every text file goes through the redactor before it reaches the archive. */
  async writeText(path: string, text: string): Promise<void> {
    await this.files.writeText(path, text);
  }

  private emit(): void {
    const progress: CollectProgress = { phase: this.phase, done: this.done, total: this.total, requests: this.client.requestCount };
    this.options.onProgress(progress);
  }
}

interface ListOptions {
  namespace?: string;
  query?: Record<string, string>;
  /** Reshapes or drops an item before it is written. */
  transform?: (object: KubeObject) => KubeObject | undefined;
  /** `keep`: an object already in the file (a whole kotsadm pod) is not replaced (by a slimmed copy). */
  merge?: 'replace' | 'keep';
  /** Of the first page; LEAF unless other requests wait for this list. */
  priority?: Priority;
}

function rethrowNotJson(path: string, error: unknown): never {
  throw error instanceof NotJsonError ? new KubeApiError(path, 200, undefined, error.message) : error;
}

/** Failures of one step that collection survives: API errors, no answer, a request Velero never processed, a corrupt gzip. */
function isStepFailure(error: unknown): boolean {
  if (error instanceof KubeApiError || error instanceof KubeNetworkError || error instanceof DownloadNotProcessedError) return true;
  return error instanceof Error && /^Z_/.test(String((error as { code?: unknown }).code ?? ''));
}

/** One line for the manifest: the API server's own message where it gave one. */
export function describe(error: unknown): string {
  if (error instanceof KubeApiError) {
    if (error.status === 403) return `forbidden: ${error.message}`;
    if (error.status === 404) return `not found: ${error.message}`;
    return error.message;
  }
  return error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
}
