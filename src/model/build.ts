// BundleBuilder: every input feeds it objects, logs, problems and hints; build() makes the one Bundle.
import type { Bundle, ExternalResult, InputInfo, LogFile, Problem } from './bundle.js';
import { ObjectIndex } from './bundle.js';
import type { KubeObject } from './kube.js';
import { isVeleroKind } from './velero.js';
import { detectVersions, type VersionHints } from './versions.js';
import { findWorkloads } from './workloads.js';

/** The names (never the values) of the keys in a location's credential Secret, as `collect` records them. */
export interface CredentialKeys {
  namespace: string;
  secret: string;
  keys: string[];
  /** The file it was read from. */
  source: string;
}

/** How sure a collection time is: said outright by the input, read off capture file names, or guessed from content. */
export type TimeConfidence = 'stated' | 'captured' | 'inferred';
const CONFIDENCE_RANK: Record<TimeConfidence, number> = { stated: 0, captured: 1, inferred: 2 };

interface StoredObject {
  object: KubeObject;
  source: string;
  /** Made up from describe output: a real object of the same name replaces it. */
  synthesized: boolean;
}

export class BundleBuilder {
  readonly inputs: InputInfo[] = [];
  readonly problems: Problem[] = [];
  readonly logs: LogFile[] = [];
  readonly credentialKeys: CredentialKeys[] = [];
  readonly externalResults: ExternalResult[] = [];
  readonly collectedKinds = new Set<string>();
  readonly versionHints: VersionHints = {};
  private readonly objects = new Map<string, StoredObject>();
  private readonly logIdentities = new Set<string>();
  private collectedAt: { time: string; confidence: TimeConfidence } | undefined;
  private veleroNamespaceHint: string | undefined;
  private newestSeen: string | undefined;
  private tellsCollectedKinds = false;

  addInput(info: InputInfo): void {
    this.inputs.push(info);
  }

  addProblem(source: string, message: string): void {
    this.problems.push({ source, message });
  }

  /** Adds an object unless one of the same kind, namespace and name is already known (the first one read wins). */
  addObject(object: KubeObject, source: string, options: { synthesized?: boolean } = {}): boolean {
    const key = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const existing = this.objects.get(key);
    if (existing && !(existing.synthesized && !options.synthesized)) return false;
    this.objects.set(key, { object, source, synthesized: Boolean(options.synthesized) });
    this.noteTime(object.status?.completionTimestamp ?? object.status?.startTimestamp ?? object.metadata.creationTimestamp);
    return true;
  }

  hasObject(kind: string, name: string, namespace?: string): boolean {
    return this.objects.has(`${kind}/${namespace ?? ''}/${name}`);
  }

  /**
   * Claims a log identity (`<pod>/<container>/<previous>`, or an owner log's kind and name). The first
   * claim wins: a collector alias of a canonical pod log, or a second copy, is not read twice.
   */
  claimLog(identity: string): boolean {
    if (this.logIdentities.has(identity)) return false;
    this.logIdentities.add(identity);
    return true;
  }

  addLog(file: LogFile): void {
    this.logs.push(file);
  }

  /** Kinds the input could show even where it holds none of them. */
  noteCollectedKind(kind: string): void {
    this.tellsCollectedKinds = true;
    this.collectedKinds.add(kind);
  }

  noteCollectedAt(time: string | undefined, confidence: TimeConfidence): void {
    if (!time || Number.isNaN(Date.parse(time))) return;
    const iso = new Date(time).toISOString().replace('.000Z', 'Z');
    const current = this.collectedAt;
    if (!current || CONFIDENCE_RANK[confidence] < CONFIDENCE_RANK[current.confidence] || (confidence === current.confidence && iso > current.time)) {
      this.collectedAt = { time: iso, confidence };
    }
  }

  /** A timestamp seen in content (objects, last log lines): the newest one is the collection time of last resort. */
  noteTime(time: unknown): void {
    if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) return;
    const iso = new Date(time).toISOString().replace('.000Z', 'Z');
    if (!this.newestSeen || iso > this.newestSeen) this.newestSeen = iso;
  }

  noteVeleroNamespace(namespace: string | undefined): void {
    if (namespace && !this.veleroNamespaceHint) this.veleroNamespaceHint = namespace;
  }

  build(): Bundle {
    const index = new ObjectIndex();
    const sources = new WeakMap<KubeObject, string>();
    for (const { object, source } of this.objects.values()) {
      index.add(object);
      sources.set(object, source);
    }
    const veleroNamespace = this.veleroNamespaceOf(index);
    const workloads = findWorkloads(index, veleroNamespace);
    const resolvedNamespace = workloads.veleroDeployment?.metadata.namespace ?? veleroNamespace;
    this.completeLogs(index, resolvedNamespace);
    for (const log of this.logs) this.noteTime(log.lastTime);
    const collectedAt = this.collectedAt?.time ?? this.newestSeen ?? null;
    const bundle: Bundle = {
      inputs: this.inputs,
      collectedAt,
      veleroNamespace: resolvedNamespace,
      versions: detectVersions(index, workloads, this.versionHints, this.logs, (o) => sources.get(o)),
      objects: index,
      logs: this.logs,
      workloads,
      problems: this.problems,
      sourceOf: (obj) => sources.get(obj),
    };
    if (this.tellsCollectedKinds) bundle.collectedKinds = this.collectedKinds;
    if (this.credentialKeys.length > 0) bundle.credentialKeys = this.credentialKeys;
    if (this.externalResults.length > 0) bundle.externalResults = this.externalResults;
    return bundle;
  }

  /** The Velero Deployment's namespace; else what the input said; else where the BSLs and backups live. */
  private veleroNamespaceOf(index: ObjectIndex): string | null {
    if (this.veleroNamespaceHint) {
      const deployment = index.list('Deployment').find((d) => d.metadata.namespace === this.veleroNamespaceHint);
      if (deployment || !index.list('Deployment').length) return this.veleroNamespaceHint;
    }
    const counts = new Map<string, number>();
    for (const object of index.all()) {
      if (!isVeleroKind(object.kind) || !object.metadata.namespace) continue;
      counts.set(object.metadata.namespace, (counts.get(object.metadata.namespace) ?? 0) + 1);
    }
    let best: string | null = this.veleroNamespaceHint ?? null;
    let n = 0;
    for (const [ns, c] of counts) if (c > n) [best, n] = [ns, c];
    return best;
  }

  /** Logs read before the objects that describe them: fill in namespaces and owner namespaces. */
  private completeLogs(index: ObjectIndex, veleroNamespace: string | null): void {
    const podNamespace = new Map<string, string>();
    for (const pod of index.list('Pod')) if (pod.metadata.namespace) podNamespace.set(pod.metadata.name, pod.metadata.namespace);
    for (const log of this.logs) {
      if (log.pod && !log.namespace) {
        const ns = podNamespace.get(log.pod);
        if (ns) log.namespace = ns;
      }
      if (log.owner && !log.owner.namespace && veleroNamespace) log.owner.namespace = veleroNamespace;
    }
  }
}
