// Runs one TypeScript rule against an in-memory Bundle, so that rule logic is tested without the readers.
import type { Bundle, InputFormat, LogComponent, LogFile } from '../../../src/model/bundle.js';
import { ObjectIndex } from '../../../src/model/bundle.js';
import type { KubeObject } from '../../../src/model/kube.js';
import type { FindingInput, LogHitRef, RuleModule } from '../../../src/engine/types.js';

export interface TestLog {
  path?: string;
  component: LogComponent;
  lines: string[];
  pod?: string;
  namespace?: string;
  container?: string;
  previous?: boolean;
  owner?: LogFile['owner'];
}

export interface TestBundle {
  objects?: KubeObject[];
  logs?: TestLog[];
  format?: InputFormat;
  collectedAt?: string | null;
  collectedKinds?: string[];
  versions?: Partial<Bundle['versions']>;
  veleroNamespace?: string | null;
}

/** Builds a Bundle the way a reader would, with Velero / node-agent / kotsadm workloads found by name. */
export function makeBundle(spec: TestBundle): Bundle {
  const objects = new ObjectIndex();
  for (const obj of spec.objects ?? []) objects.add(obj);
  const deployments = objects.list('Deployment');
  const pods = objects.list('Pod');
  const daemonSets = objects.list('DaemonSet');
  const logs: LogFile[] = (spec.logs ?? []).map((log, i) => ({
    path: log.path ?? `log-${i}.log`,
    input: 'test',
    component: log.component,
    pod: log.pod,
    namespace: log.namespace,
    container: log.container,
    previous: log.previous ?? false,
    owner: log.owner,
    bytes: log.lines.join('\n').length,
    lines: log.lines.length,
    tail: log.lines.slice(-40),
    hits: [],
    hitCounts: {},
  }));
  return {
    inputs: [{ path: 'test', format: spec.format ?? 'kubectl-dump' }],
    collectedAt: spec.collectedAt ?? null,
    veleroNamespace: spec.veleroNamespace ?? deployments.find((d) => d.metadata.name === 'velero')?.metadata.namespace ?? null,
    versions: { kubernetes: null, velero: null, kots: null, nodeAgent: null, plugins: [], ...spec.versions },
    objects,
    logs,
    workloads: {
      veleroDeployment: deployments.find((d) => d.metadata.name === 'velero'),
      veleroPods: pods.filter((p) => /^velero-/.test(p.metadata.name)),
      nodeAgentDaemonSet: daemonSets.find((d) => ['node-agent', 'restic'].includes(d.metadata.name)),
      nodeAgentPods: pods.filter((p) => /^(node-agent|restic)-/.test(p.metadata.name)),
      kotsadmDeployments: deployments.filter((d) => d.metadata.name === 'kotsadm'),
      kotsadmPods: pods.filter((p) => /^kotsadm-/.test(p.metadata.name)),
    },
    problems: [],
    collectedKinds: spec.collectedKinds ? new Set(spec.collectedKinds) : undefined,
    sourceOf: (obj) => `objects/${obj.kind}.yaml`,
  };
}

/** Runs the rule's check with its log patterns matched naively (every line against every pattern). */
export function runRule(rule: RuleModule, bundle: Bundle, now: Date): FindingInput[] {
  const findings: FindingInput[] = [];
  const patterns = (rule.logPatterns ?? []).map((p) => ({ ...p, re: new RegExp(p.regex, p.flags ?? '') }));
  const hitsByPattern: LogHitRef[][] = patterns.map(() => []);
  for (const file of bundle.logs) {
    const lines = (file as LogFile & { _lines?: string[] })._lines ?? file.tail;
    lines.forEach((text, i) => {
      patterns.forEach((p, index) => {
        if (p.components && !p.components.includes(file.component)) return;
        const m = p.re.exec(text);
        if (!m) return;
        const hit = { patternKey: `${rule.meta.id}#${index}`, line: i + 1, text, groups: { ...(m.groups ?? {}) } };
        file.hits.push(hit);
        hitsByPattern[index]?.push({ file, hit });
      });
    });
  }
  rule.check({
    bundle,
    now,
    hits: (index) => (index === undefined ? hitsByPattern.flat() : (hitsByPattern[index] ?? [])),
    hitCount: (index) => (index === undefined ? hitsByPattern.flat().length : (hitsByPattern[index]?.length ?? 0)),
    report: (finding) => findings.push(finding),
  });
  return findings;
}

/** A minimal object of a kind. */
export function obj(kind: string, name: string, rest: Partial<KubeObject> & { namespace?: string } = {}): KubeObject {
  const { namespace = 'velero', metadata, ...others } = rest;
  return { apiVersion: 'v1', kind, metadata: { name, namespace, ...metadata }, ...others } as KubeObject;
}

/** The tag of an image (`velero/velero:v1.13.2` → `1.13.2`), as the readers take versions from images. */
function imageVersion(image: unknown): string | null {
  const m = /:v?(\d+\.\d+\.\d+[^@]*)(?:@.*)?$/.exec(String(image ?? ''));
  return m?.[1] ?? null;
}

/** The newest timestamp in the text, which stands in for "now" when an input has no collection time. */
function newestTimestamp(texts: string[]): Date {
  let newest = 0;
  for (const text of texts) {
    for (const m of text.matchAll(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g)) newest = Math.max(newest, Date.parse(m[0]));
  }
  return new Date(newest || Date.now());
}

/**
 * A stand-in reader for fixture cases made of `objects.yaml` and `*.log` files: enough for rule unit tests
 * before (and independently of) the real readers. Returns the bundle and the "now" the engine would use.
 */
export async function bundleFromCase(dir: string): Promise<{ bundle: Bundle; now: Date }> {
  const { readdir, readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const YAML = await import('yaml');
  const objects: KubeObject[] = [];
  const logs: TestLog[] = [];
  const texts: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name === 'case.yaml') continue;
    const text = await readFile(join(dir, name), 'utf8');
    texts.push(text);
    if (/\.ya?ml$|\.json$/.test(name)) {
      for (const doc of YAML.parseAllDocuments(text)) {
        const value = doc.toJS() as KubeObject & { items?: KubeObject[] };
        for (const item of value?.items ?? [value]) if (item?.kind) objects.push(item);
      }
    } else if (name.endsWith('.log')) {
      const backup = /^backup-(.+)\.log$/.exec(name)?.[1];
      const component: LogComponent = backup ? 'backup-log' : name.startsWith('node-agent') ? 'node-agent' : 'server';
      logs.push({ path: name, component, lines: text.split('\n').filter((l) => l !== ''), owner: backup ? { kind: 'Backup', name: backup } : undefined });
    }
  }
  const images = objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')
    .flatMap((o) => [...(o.spec?.template?.spec?.containers ?? []), ...(o.spec?.template?.spec?.initContainers ?? [])]) as { image?: string }[];
  const velero = images.find((c) => /(^|\/)velero:/.test(String(c.image)));
  const kots = images.find((c) => /kotsadm:/.test(String(c.image)));
  const plugins = images
    .filter((c) => /plugin-for-|local-volume-provider/.test(String(c.image)))
    .map((c) => ({ name: String(c.image).replace(/^.*\/|:.*$/g, ''), version: imageVersion(c.image), image: c.image }));
  const bundle = makeBundle({
    objects,
    logs,
    format: objects.length > 0 ? 'kubectl-dump' : 'log-file',
    versions: { velero: imageVersion(velero?.image), kots: imageVersion(kots?.image), plugins },
  });
  return { bundle, now: newestTimestamp(texts) };
}
