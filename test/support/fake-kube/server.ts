// A local HTTP server that speaks the Kubernetes API for a fixture cluster (discovery, list, get, logs, Velero requests, faults).
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import type { KubeObject } from '../../../src/model/kube.js';
import { logKey, type FakeCluster } from './cluster.js';
import { allowed, forbiddenMessage, type Grant } from './rbac.js';
import { BUILTIN_RESOURCES, VERBS, groupVersionOf, resourceFromCrd, type ResourceType } from './resources.js';

export interface Fault {
  /** Answer with this HTTP status (403, 404, 500, …) instead of the real answer. */
  status?: number;
  /** Wait this long before answering (a slow call); combined with `status`, the error comes late. */
  delayMs?: number;
  /** How many matching requests the fault applies to; every one when left out. */
  times?: number;
  /** Only requests with this method. */
  method?: string;
}

export interface FakeKubeOptions {
  /** Added to every API call (benchmarks). */
  latencyMs?: number;
  /** How long the simulated Velero server takes to process a ServerStatusRequest or DownloadRequest. */
  processDelayMs?: number;
  /** The bearer token clients must send. */
  token?: string;
  /** Roles and ClusterRoles that decide every resource request (all allowed when left out). */
  rbac?: Grant[];
  /**
   * `aggregated` (Kubernetes 1.30+, the default): /api and /apis answer with every resource when the
   * client asks for APIGroupDiscoveryList; `legacy`: only the group lists, as before 1.26.
   */
  discovery?: 'aggregated' | 'legacy';
  /** Group versions (`velero.io/v2alpha1`) the aggregated answer marks Stale, without their resources. */
  staleVersions?: string[];
  /**
   * Serve the pre-signed download URLs from an HTTPS "object store" of their own, with this key and
   * certificate (PEM; a private CA, as MinIO often has), apart from the API server's own endpoint.
   */
  objectStoreTls?: { key: string; cert: string };
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** When the request arrived and when its answer was sent (epoch ms). */
  at: number;
  doneAt: number;
}

interface StoredFault extends Fault {
  match: string | RegExp;
}

interface Route {
  type: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const LIST_MAX_DEFAULT = Number.POSITIVE_INFINITY;

/**
 * One type's objects in list order and, by form, the text of all of them as list items: pages of a
 * big list are slices of it, so this single-threaded server spends next to no CPU per page. A real
 * API server encodes on many cores elsewhere; here every millisecond of encoding would hold up every
 * other request under way and count against the collector (bench/collect.bench.ts).
 */
interface ListCache {
  items: KubeObject[];
  texts: Map<string, ListText>;
}

interface ListText {
  bytes: Buffer;
  /** Where each item's text ends in `bytes` (the next starts after a comma). */
  ends: number[];
}

/** A running fake API server; `close()` it when done. */
export class FakeKube {
  readonly requests: RequestRecord[] = [];
  private readonly server: Server;
  private readonly faults: StoredFault[] = [];
  private readonly store = new Map<string, Map<string, KubeObject>>();
  private types: ResourceType[] = [...BUILTIN_RESOURCES];
  private resourceVersion = 1000;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Each type's objects in list order and their list text by form, kept until the type changes (see ListCache). */
  private readonly lists = new Map<string, ListCache>();
  /**
   * Each object's JSON text as a list item, by the form it is served in (apiVersion, or typed without
   * kind/apiVersion): the real API server's watch cache keeps serialized objects too, so its list
   * pages cost a join rather than an encoding. Dropped when the object changes.
   */
  private readonly itemText = new WeakMap<KubeObject, Map<string, string>>();
  private readonly splitLogs = new Map<string, string[]>();
  private objectStore: HttpsServer | undefined;
  url = '';
  /** Where the download URLs point: the API server's own URL, or the HTTPS object store's. */
  objectStoreUrl = '';

  private constructor(
    readonly cluster: FakeCluster,
    private readonly options: Required<Omit<FakeKubeOptions, 'rbac' | 'objectStoreTls'>> & Pick<FakeKubeOptions, 'rbac' | 'objectStoreTls'>,
  ) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.status(res, 500, 'InternalError', String(error));
      });
    });
    this.server.keepAliveTimeout = 5000;
    // CRDs first, so that their custom resources have a type whatever the order of the fixture files.
    const byCrdFirst = [...cluster.objects].sort((a, b) => Number(b.kind === 'CustomResourceDefinition') - Number(a.kind === 'CustomResourceDefinition'));
    for (const object of byCrdFirst) this.put(structuredClone(object));
  }

  /** Starts a server for `cluster` on 127.0.0.1 and a random port. */
  static async start(cluster: FakeCluster, options: FakeKubeOptions = {}): Promise<FakeKube> {
    const fake = new FakeKube(cluster, { latencyMs: 0, processDelayMs: 20, token: 'fake-token', discovery: 'aggregated', staleVersions: [], ...options });
    fake.warmLists();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    fake.objectStoreUrl = fake.url;
    if (options.objectStoreTls) {
      const store = createHttpsServer(options.objectStoreTls, (req, res) => {
        const url = new URL(req.url ?? '/', 'https://object-store');
        if (url.pathname.startsWith('/download/')) fake.download(url, res);
        else fake.status(res, 404, 'NotFound', 'the object store serves downloads only');
      });
      await new Promise<void>((resolve) => store.listen(0, '127.0.0.1', resolve));
      fake.objectStore = store;
      fake.objectStoreUrl = `https://127.0.0.1:${(store.address() as AddressInfo).port}`;
    }
    return fake;
  }

  /** Makes matching requests fail or slow down. A string matches the exact path; a RegExp is tested on path and query. */
  fault(match: string | RegExp, fault: Fault): void {
    this.faults.push({ ...fault, match });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Objects of a kind as they are now (for tests: were the Velero requests deleted?). */
  objectsOf(kind: string): KubeObject[] {
    const type = this.types.find((t) => t.kind === kind);
    return type ? [...(this.store.get(typeKey(type))?.values() ?? [])] : [];
  }

  /** Every object as the server holds it (with the uid, creationTimestamp and resourceVersion it assigned). */
  allObjects(): KubeObject[] {
    return [...this.store.values()].flatMap((bucket) => [...bucket.values()]).map((o) => structuredClone(o));
  }

  /** Writes a kubeconfig for this server into `dir` and returns its path. */
  async writeKubeconfig(dir: string, options: { token?: string; context?: string } = {}): Promise<string> {
    const context = options.context ?? 'fake';
    const path = join(dir, 'kubeconfig');
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      // client-node refuses plain-HTTP servers unless TLS verification is switched off.
      clusters: [{ name: 'fake', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'fake-user', user: { token: options.token ?? this.options.token } }],
      contexts: [{ name: context, context: { cluster: 'fake', user: 'fake-user' } }],
      'current-context': context,
    };
    await writeFile(path, stringify(config));
    return path;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.objectStore) {
      this.objectStore.closeAllConnections();
      await new Promise<void>((resolve) => this.objectStore!.close(() => resolve()));
    }
  }

  // ── store ──────────────────────────────────────────────────────────────────────────────────

  private put(object: KubeObject): void {
    if (object.kind === 'CustomResourceDefinition') {
      const type = resourceFromCrd(object);
      if (type) this.types = this.types.filter((t) => typeKey(t) !== typeKey(type)).concat(type);
    }
    const type = this.typeForObject(object);
    if (!type) throw new Error(`fake-kube: no resource type for ${object.apiVersion} ${object.kind} ${object.metadata?.name}`);
    const meta = object.metadata;
    meta.uid ??= randomUUID();
    meta.creationTimestamp ??= this.cluster.now.toISOString().replace(/\.\d+Z$/, 'Z');
    meta.resourceVersion = String(++this.resourceVersion);
    if (!type.namespaced) delete meta.namespace;
    const bucket = this.store.get(typeKey(type)) ?? new Map<string, KubeObject>();
    this.store.set(typeKey(type), bucket);
    bucket.set(`${meta.namespace ?? ''}/${meta.name}`, object);
    this.itemText.delete(object);
    this.encode(object, type);
    this.lists.delete(typeKey(type));
  }

  private typeForObject(object: KubeObject): ResourceType | undefined {
    const group = object.apiVersion?.includes('/') ? object.apiVersion.split('/')[0] : '';
    return this.types.find((t) => t.kind === object.kind && t.group === group);
  }

  // ── HTTP ───────────────────────────────────────────────────────────────────────────────────

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const record: RequestRecord = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0, at: Date.now(), doneAt: 0 };
    this.requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
      record.doneAt = Date.now();
    });
    res.on('error', () => {});

    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    const fault = this.takeFault(method, url);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (res.destroyed) return;
    if (fault?.status) return this.status(res, fault.status, reasonFor(fault.status), `injected ${fault.status} for ${url.pathname}`);

    if (url.pathname.startsWith('/download/')) return this.download(url, res);
    // kubectl sends no bearer token over plain HTTP: requests without credentials are anonymous and
    // allowed (as with --anonymous-auth); wrong credentials are refused as a real server does.
    if (req.headers.authorization !== undefined && req.headers.authorization !== `Bearer ${this.options.token}`) {
      return this.status(res, 401, 'Unauthorized', 'Unauthorized');
    }
    const body = method === 'POST' ? await readBody(req) : undefined;
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/version') return json(res, 200, this.cluster.version);
    const aggregated = this.aggregatedVersion(req.headers.accept);
    if (aggregated && (path === '/api' || path === '/apis')) return this.aggregatedDiscovery(path === '/api', aggregated, res);
    if (path === '/api') return json(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: url.host }] });
    if (path === '/apis') return json(res, 200, this.groupList());
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] === 'api' && segments.length === 2) return this.resourceList('', segments[1] ?? '', res);
    if (segments[0] === 'apis' && segments.length === 2) {
      const group = this.groupList().groups.find((g) => g.name === segments[1]);
      return group ? json(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...group }) : this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
    }
    if (segments[0] === 'apis' && segments.length === 3) return this.resourceList(segments[1] ?? '', segments[2] ?? '', res);
    const route = this.route(segments);
    if (!route) return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
    return this.serve(route, method, url, body, res);
  }

  private takeFault(method: string, url: URL): StoredFault | undefined {
    const fault = this.faults.find(
      (f) =>
        (f.times === undefined || f.times > 0) &&
        (!f.method || f.method === method) &&
        (typeof f.match === 'string' ? f.match === url.pathname : f.match.test(url.pathname + url.search)),
    );
    if (fault?.times !== undefined) fault.times -= 1;
    return fault;
  }

  private groupList() {
    const groups = new Map<string, string[]>();
    for (const type of this.types) {
      if (!type.group) continue;
      const versions = groups.get(type.group) ?? [];
      for (const v of type.versions) if (!versions.includes(v)) versions.push(v);
      groups.set(type.group, versions);
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => {
        // Preferred: v1 where served, like the real server's priority order for stable versions.
        const preferred = versions.includes('v1') ? 'v1' : (versions[0] ?? 'v1');
        return {
          name,
          versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
          preferredVersion: { groupVersion: `${name}/${preferred}`, version: preferred },
        };
      }),
    };
  }

  /** The aggregated discovery version the client accepts (v2 preferred), when this server serves it. */
  private aggregatedVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
    if (this.options.discovery !== 'aggregated' || !accept) return undefined;
    const offered = accept.split(',').map((type) => type.replace(/\s+/g, ''));
    for (const version of ['v2', 'v2beta1'] as const) {
      if (offered.some((type) => type.startsWith('application/json;') && type.includes('g=apidiscovery.k8s.io') && type.includes(`v=${version};`) && type.endsWith('as=APIGroupDiscoveryList'))) return version;
    }
    return undefined;
  }

  /** Every group (the core group alone for /api), version and resource in one APIGroupDiscoveryList. */
  private aggregatedDiscovery(core: boolean, version: 'v2' | 'v2beta1', res: ServerResponse): void {
    const preferredFirst = (g: { preferredVersion: { version: string }; versions: { version: string }[] }) => [
      g.preferredVersion.version,
      ...g.versions.map((v) => v.version).filter((v) => v !== g.preferredVersion.version),
    ];
    const groups = core ? [{ name: '', versions: ['v1'] }] : this.groupList().groups.map((g) => ({ name: g.name, versions: preferredFirst(g) }));
    const stale = (group: string, v: string) => this.options.staleVersions.includes(`${group}/${v}`);
    const items = groups.map(({ name, versions }) => ({
      metadata: { name, creationTimestamp: null },
      versions: versions.map((v) => ({
        version: v,
        resources: this.types
          .filter((t) => t.group === name && t.versions.includes(v) && !stale(name, v))
          .map((t) => ({
            resource: t.plural,
            responseKind: { group: name, version: v, kind: t.kind },
            scope: t.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: t.singular,
            verbs: VERBS,
            ...(t.shortNames ? { shortNames: t.shortNames } : {}),
            ...(t.subresources ? { subresources: t.subresources.map((sub) => ({ subresource: sub, responseKind: { group: '', version: 'v1', kind: 'Status' }, verbs: ['get'] })) } : {}),
          })),
        freshness: stale(name, v) ? 'Stale' : 'Current',
      })),
    }));
    const text = JSON.stringify({ kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items });
    res.writeHead(200, { 'content-type': `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`, 'content-length': Buffer.byteLength(text), vary: 'Accept' });
    res.end(text);
  }

  private resourceList(group: string, version: string, res: ServerResponse): void {
    const types = this.types.filter((t) => t.group === group && t.versions.includes(version));
    if (types.length === 0) return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const resources = types.flatMap((t) => [
      { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: VERBS, ...(t.shortNames ? { shortNames: t.shortNames } : {}) },
      ...(t.subresources ?? []).map((sub) => ({ name: `${t.plural}/${sub}`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get'] })),
    ]);
    json(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources });
  }

  private route(segments: string[]): Route | undefined {
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api') [group, version, rest] = ['', segments[1] ?? '', segments.slice(2)];
    else if (segments[0] === 'apis') [group, version, rest] = [segments[1] ?? '', segments[2] ?? '', segments.slice(3)];
    else return undefined;
    const find = (plural: string | undefined) => this.types.find((t) => t.group === group && t.plural === plural && t.versions.includes(version));
    let namespace: string | undefined;
    // `namespaces/<ns>/<plural>/…` is namespaced; `namespaces` or `namespaces/<name>` is the Namespace kind itself.
    if (group === '' && rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    } else if (group !== '' && rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const type = find(rest[0]);
    if (!type || rest.length > 3) return undefined;
    if (namespace !== undefined && !type.namespaced) return undefined;
    if (rest.length === 3 && !(type.subresources ?? []).includes(rest[2] ?? '')) return undefined;
    return { type, version, namespace, name: rest[1], subresource: rest[2] };
  }

  private serve(route: Route, method: string, url: URL, body: string | undefined, res: ServerResponse): void {
    if (this.options.rbac) {
      const verb = method === 'POST' ? 'create' : method === 'DELETE' ? 'delete' : route.name === undefined ? 'list' : 'get';
      const request = { verb, group: route.type.group, resource: route.subresource ? `${route.type.plural}/${route.subresource}` : route.type.plural, namespace: route.namespace };
      if (!allowed(this.options.rbac, request)) {
        return this.status(res, 403, 'Forbidden', forbiddenMessage(request, 'system:serviceaccount:velero:snapshot-doctor', route.name), route);
      }
    }
    const bucket = this.store.get(typeKey(route.type)) ?? new Map<string, KubeObject>();
    if (route.subresource === 'log' && method === 'GET') return this.podLog(route, url, res);
    if (route.name === undefined) {
      if (method === 'GET') return this.list(route, bucket, url, res);
      if (method === 'POST') return this.create(route, body ?? '', res);
      return this.status(res, 405, 'MethodNotAllowed', `${method} is not supported`);
    }
    const object = bucket.get(`${route.namespace ?? ''}/${route.name}`);
    if (!object) return this.status(res, 404, 'NotFound', `${route.type.plural}${route.type.group ? `.${route.type.group}` : ''} "${route.name}" not found`, route);
    if (method === 'GET') return json(res, 200, this.present(object, route));
    if (method === 'DELETE') {
      bucket.delete(`${route.namespace ?? ''}/${route.name}`);
      this.itemText.delete(object);
      this.lists.delete(typeKey(route.type));
      return json(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: route.name, group: route.type.group, kind: route.type.plural, uid: object.metadata.uid } });
    }
    return this.status(res, 405, 'MethodNotAllowed', `${method} is not supported`);
  }

  /** Objects as the API server returns them in the requested version. */
  private present(object: KubeObject, route: Route): KubeObject {
    return { ...object, apiVersion: groupVersionOf(route.type, route.version), kind: route.type.kind };
  }

  private list(route: Route, bucket: Map<string, KubeObject>, url: URL, res: ServerResponse): void {
    const params = url.searchParams;
    const cache = this.listCache(route.type, bucket);
    let items = cache.items;
    const whole = route.namespace === undefined && !params.get('labelSelector') && !params.get('fieldSelector');
    if (route.namespace !== undefined) items = items.filter((o) => o.metadata.namespace === route.namespace);
    const labelSelector = params.get('labelSelector');
    if (labelSelector) {
      const selector = parseLabelSelector(labelSelector);
      if (!selector) return this.status(res, 400, 'BadRequest', `unable to parse requirement: ${labelSelector}`);
      items = items.filter((o) => selector(o.metadata.labels ?? {}));
    }
    const fieldSelector = params.get('fieldSelector');
    if (fieldSelector) {
      const selector = parseFieldSelector(fieldSelector);
      if (!selector) return this.status(res, 400, 'BadRequest', `field label not supported: ${fieldSelector}`);
      items = items.filter(selector);
    }
    let offset = 0;
    const token = params.get('continue');
    if (token) {
      const decoded = decodeContinue(token);
      if (decoded === undefined) return this.status(res, 400, 'BadRequest', 'continue key is not valid: malformed');
      offset = decoded;
    }
    const limit = Number(params.get('limit') ?? 0) > 0 ? Number(params.get('limit')) : LIST_MAX_DEFAULT;
    const page = items.slice(offset, offset + limit);
    const next = offset + page.length;
    const builtin = BUILTIN_RESOURCES.includes(route.type);
    const metadata: Record<string, unknown> = { resourceVersion: String(this.resourceVersion) };
    if (next < items.length) {
      metadata.continue = encodeContinue(next);
      metadata.remainingItemCount = items.length - next;
    }
    const head = JSON.stringify({ kind: `${route.type.kind}List`, apiVersion: groupVersionOf(route.type, route.version), metadata });
    // The same bytes as JSON.stringify of the whole list (items is its last key), from cached item texts.
    const form = builtin ? '' : groupVersionOf(route.type, route.version);
    const open = `${head.slice(0, -1)},"items":[`;
    if (!whole) {
      jsonText(res, 200, `${open}${page.map((o) => this.itemJson(o, route.type, form)).join(',')}]}`);
      return;
    }
    // A page of the whole list is a slice of its text: the bytes leave as they are, nothing is encoded or joined.
    const text = this.listText(cache, route.type, form);
    const start = offset === 0 ? 0 : (text.ends[offset - 1] ?? 0) + 1;
    const part = page.length === 0 ? Buffer.alloc(0) : text.bytes.subarray(start, text.ends[next - 1]);
    const [opening, closing] = [Buffer.from(open), Buffer.from(']}')];
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': opening.length + part.length + closing.length });
    res.write(opening);
    res.write(part);
    res.end(closing);
  }

  /** Encodes every list as the watch cache holds it, so that no measured request pays for the first encoding. */
  private warmLists(): void {
    for (const type of this.types) {
      const bucket = this.store.get(typeKey(type));
      if (!bucket) continue;
      const cache = this.listCache(type, bucket);
      for (const version of type.versions) this.listText(cache, type, BUILTIN_RESOURCES.includes(type) ? '' : groupVersionOf(type, version));
    }
  }

  /** The whole list's items in one form, joined by commas as in the list text, with where each ends. */
  private listText(cache: ListCache, type: ResourceType, form: string): ListText {
    let text = cache.texts.get(form);
    if (!text) {
      const comma = Buffer.from(',');
      const chunks: Buffer[] = [];
      const ends: number[] = [];
      let at = 0;
      for (const item of cache.items) {
        if (chunks.length > 0) {
          chunks.push(comma);
          at += 1;
        }
        const part = Buffer.from(this.itemJson(item, type, form));
        chunks.push(part);
        at += part.length;
        ends.push(at);
      }
      text = { bytes: Buffer.concat(chunks), ends };
      cache.texts.set(form, text);
    }
    return text;
  }

  /** Encodes a changed object at once, in the version it was stored in, as the watch cache does on each event (not on the list that reads it). */
  private encode(object: KubeObject, type: ResourceType): void {
    if (BUILTIN_RESOURCES.includes(type)) this.itemJson(object, type, '');
    else if (object.apiVersion) this.itemJson(object, type, object.apiVersion);
  }

  /** An object's text as a list item: typed (built-in) lists carry no kind/apiVersion per item, as a real API server returns them. */
  private itemJson(object: KubeObject, type: ResourceType, form: string): string {
    let forms = this.itemText.get(object);
    if (!forms) this.itemText.set(object, (forms = new Map()));
    let text = forms.get(form);
    if (text === undefined) {
      if (form) text = JSON.stringify({ ...object, apiVersion: form, kind: type.kind });
      else {
        const { kind: _k, apiVersion: _a, ...rest } = object;
        text = JSON.stringify(rest);
      }
      forms.set(form, text);
    }
    return text;
  }

  private listCache(type: ResourceType, bucket: Map<string, KubeObject>): ListCache {
    let cache = this.lists.get(typeKey(type));
    if (!cache) {
      // Keys are `<ns>/<name>`: the plain code-unit order keeps pages stable, as etcd's key order does.
      cache = { items: [...bucket.entries()].sort(([a], [b]) => compareKeys(a, b)).map(([, o]) => o), texts: new Map() };
      this.lists.set(typeKey(type), cache);
    }
    return cache;
  }

  private create(route: Route, body: string, res: ServerResponse): void {
    let object: KubeObject;
    try {
      object = JSON.parse(body) as KubeObject;
    } catch {
      return this.status(res, 400, 'BadRequest', 'the request body is not JSON');
    }
    object.metadata ??= { name: '' };
    const generateName = (object.metadata as { generateName?: string }).generateName;
    if (!object.metadata.name && generateName) object.metadata.name = generateName + randomBytes(3).toString('hex').slice(0, 5);
    if (!object.metadata.name) return this.status(res, 422, 'Invalid', 'metadata.name: Required value');
    object.metadata.namespace = route.namespace;
    object.apiVersion = groupVersionOf(route.type, route.version);
    object.kind = route.type.kind;
    const bucket = this.store.get(typeKey(route.type));
    if (bucket?.has(`${route.namespace ?? ''}/${object.metadata.name}`)) {
      return this.status(res, 409, 'AlreadyExists', `${route.type.plural}.${route.type.group} "${object.metadata.name}" already exists`);
    }
    delete object.status;
    this.put(object);
    if (route.type.group === 'velero.io' && this.cluster.velero.running) this.scheduleProcessing(route.type, object);
    json(res, 201, this.present(object, route));
  }

  /** What the Velero server's controllers do with the requests the collector creates. */
  private scheduleProcessing(type: ResourceType, object: KubeObject): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const stored = this.store.get(typeKey(type))?.get(`${object.metadata.namespace ?? ''}/${object.metadata.name}`);
      if (!stored) return;
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      if (type.kind === 'ServerStatusRequest') {
        stored.status = {
          phase: 'Processed',
          processedTimestamp: now,
          serverVersion: this.cluster.velero.serverVersion,
          plugins: this.cluster.velero.plugins ?? [],
        };
      } else if (type.kind === 'DownloadRequest') {
        const target = (stored.spec as { target?: { kind?: string; name?: string } } | undefined)?.target ?? {};
        const expiration = new Date(Date.now() + 10 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
        stored.status = {
          phase: 'Processed',
          downloadURL: `${this.objectStoreUrl}/download/${encodeURIComponent(target.kind ?? '')}/${encodeURIComponent(target.name ?? '')}?X-Amz-Signature=fake`,
          expiration,
        };
      } else return;
      stored.metadata.resourceVersion = String(++this.resourceVersion);
      this.itemText.delete(stored);
      this.encode(stored, type);
      this.lists.get(typeKey(type))?.texts.clear();
    }, this.options.processDelayMs);
    this.timers.add(timer);
  }

  /** A pre-signed object-store URL: gzip bodies, as Velero stores logs and results. */
  private download(url: URL, res: ServerResponse): void {
    const [, , kind, name] = url.pathname.split('/').map(decodeURIComponent);
    const content = this.cluster.downloads.get(`${kind}/${name}`);
    if (content === undefined) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
      return;
    }
    const body = gzipSync(content);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  }

  private podLog(route: Route, url: URL, res: ServerResponse): void {
    const pod = this.store.get(typeKey(route.type))?.get(`${route.namespace ?? ''}/${route.name}`);
    if (!pod) return this.status(res, 404, 'NotFound', `pods "${route.name}" not found`, route);
    const params = url.searchParams;
    const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map((c) => c.name);
    const initContainers = ((pod.spec as { initContainers?: { name: string }[] } | undefined)?.initContainers ?? []).map((c) => c.name);
    let container = params.get('container');
    if (!container) {
      if (containers.length !== 1) {
        return this.status(res, 400, 'BadRequest', `a container name must be specified for pod ${route.name}, choose one of: [${containers.join(' ')}]`);
      }
      container = containers[0] ?? '';
    }
    if (!containers.includes(container) && !initContainers.includes(container)) {
      return this.status(res, 400, 'BadRequest', `container ${container} is not valid for pod ${route.name}`);
    }
    const previous = params.get('previous') === 'true';
    const text = this.cluster.logs.get(logKey(route.namespace ?? '', route.name ?? '', container, previous));
    if (text === undefined) {
      if (previous) return this.status(res, 400, 'BadRequest', `previous terminated container "${container}" in pod "${route.name}" not found`);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end();
      return;
    }
    let lines = this.logLines(text);
    const sinceSeconds = Number(params.get('sinceSeconds') ?? 0);
    const sinceTime = params.get('sinceTime');
    const cutoff = sinceSeconds > 0 ? this.cluster.now.getTime() - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
    if (cutoff !== undefined) lines = linesSince(lines, cutoff);
    const tail = Number(params.get('tailLines') ?? -1);
    if (tail >= 0) lines = lines.slice(Math.max(0, lines.length - tail));
    let body = Buffer.from(lines.join(''), 'utf8');
    const limitBytes = Number(params.get('limitBytes') ?? 0);
    if (limitBytes > 0 && body.length > limitBytes) body = body.subarray(0, limitBytes);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  }

  /** A log's lines, split once (the fixture's logs never change). */
  private logLines(text: string): string[] {
    let lines = this.splitLogs.get(text);
    if (!lines) {
      lines = text.split(/(?<=\n)/);
      this.splitLogs.set(text, lines);
    }
    return lines;
  }

  private status(res: ServerResponse, code: number, reason: string, message: string, route?: Route): void {
    json(res, code, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(route ? { details: { name: route.name, group: route.type.group, kind: route.type.plural } } : {}),
      code,
    });
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function typeKey(type: ResourceType): string {
  return `${type.group}/${type.plural}`;
}

function json(res: ServerResponse, code: number, body: unknown): void {
  jsonText(res, code, JSON.stringify(body));
}

function jsonText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function reasonFor(status: number): string {
  return ({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' } as Record<number, string>)[status] ?? 'Unknown';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function encodeContinue(offset: number): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', start: offset })).toString('base64url');
}

function decodeContinue(token: string): number | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start?: unknown };
    return typeof value.start === 'number' && value.start >= 0 ? value.start : undefined;
  } catch {
    return undefined;
  }
}

const LINE_TIME = /time="([^"]+)"|"time":"([^"]+)"|^(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d))/;

/** Lines logged at or after `cutoff`; a line without a timestamp belongs with the line before it. */
function linesSince(lines: string[], cutoff: number): string[] {
  let keep = false;
  return lines.filter((line) => {
    const match = LINE_TIME.exec(line);
    const stamp = match ? Date.parse(match[1] ?? match[2] ?? match[3] ?? '') : Number.NaN;
    if (!Number.isNaN(stamp)) keep = stamp >= cutoff;
    return keep;
  });
}

/** Equality, inequality, set and existence requirements, comma-separated (the label selector grammar). */
export function parseLabelSelector(selector: string): ((labels: Record<string, string>) => boolean) | undefined {
  const requirements: ((labels: Record<string, string>) => boolean)[] = [];
  for (const raw of selector.split(/,(?![^(]*\))/)) {
    const part = raw.trim();
    if (!part) continue;
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(part))) {
      const [, key = '', op, value] = m;
      requirements.push(op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value);
    } else if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) {
      const [, key = '', op, list = ''] = m;
      const values = list.split(',').map((v) => v.trim());
      requirements.push(op === 'in' ? (l) => l[key] !== undefined && values.includes(l[key]) : (l) => l[key] === undefined || !values.includes(l[key]));
    } else if ((m = /^(!?)([\w./-]+)$/.exec(part))) {
      const [, not, key = ''] = m;
      requirements.push(not ? (l) => !(key in l) : (l) => key in l);
    } else return undefined;
  }
  return (labels) => requirements.every((r) => r(labels));
}

function parseFieldSelector(selector: string): ((object: KubeObject) => boolean) | undefined {
  const requirements: ((object: KubeObject) => boolean)[] = [];
  for (const part of selector.split(',')) {
    const m = /^(metadata\.name|metadata\.namespace)\s*(==|=|!=)\s*(.*)$/.exec(part.trim());
    if (!m) return undefined;
    const [, field, op, value] = m;
    const get = (o: KubeObject) => (field === 'metadata.name' ? o.metadata.name : o.metadata.namespace);
    requirements.push(op === '!=' ? (o) => get(o) !== value : (o) => get(o) === value);
  }
  return (object) => requirements.every((r) => r(object));
}
