// The one in-memory Bundle of the tests: objects plus log files scanned through a real RuleSet scanner.
import { ObjectIndex, type Bundle, type InputFormat, type LogComponent, type LogFile, type LogScanner } from '../../src/model/bundle.js';
import type { KubeObject } from '../../src/model/kube.js';

export interface LogSpec {
  path: string;
  component?: LogComponent;
  text: string;
  owner?: LogFile['owner'];
  /** Feed the scanner chunks of this many bytes (default: the whole text at once). */
  chunkSize?: number;
}

export function emptyLogFile(path: string, component: LogComponent = 'server'): LogFile {
  return { path, input: 'test', component, previous: false, bytes: 0, lines: 0, tail: [], hits: [], hitCounts: {} };
}

export async function* chunksOf(bytes: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export async function scanText(scanner: LogScanner, spec: LogSpec): Promise<LogFile> {
  const file = emptyLogFile(spec.path, spec.component);
  if (spec.owner) file.owner = spec.owner;
  const bytes = Buffer.from(spec.text, 'utf8');
  await scanner.scan(file, chunksOf(bytes, spec.chunkSize ?? Math.max(1, bytes.length)));
  return file;
}

export interface BundleSpec {
  objects?: KubeObject[];
  logs?: LogSpec[];
  velero?: string | null;
  kubernetes?: string | null;
  kots?: string | null;
  plugins?: { name: string; version: string | null }[];
  collectedAt?: string | null;
  veleroNamespace?: string | null;
  /** The kinds the input could show (a rule about something missing judges only these); all when omitted. */
  collectedKinds?: string[];
  format?: InputFormat;
}

export async function makeBundle(scanner: LogScanner, spec: BundleSpec = {}): Promise<Bundle> {
  const objects = new ObjectIndex();
  const sources = new Map<KubeObject, string>();
  for (const obj of spec.objects ?? []) {
    objects.add(obj);
    sources.set(obj, `cluster-resources/${obj.kind.toLowerCase()}s.json`);
  }
  const logs: LogFile[] = [];
  for (const log of spec.logs ?? []) logs.push(await scanText(scanner, log));
  const deployments = objects.list('Deployment');
  const pods = objects.list('Pod');
  const daemonSets = objects.list('DaemonSet');
  return {
    inputs: [{ path: 'test-bundle', format: spec.format ?? 'troubleshoot' }],
    collectedAt: spec.collectedAt ?? '2024-06-01T12:00:00Z',
    veleroNamespace: spec.veleroNamespace === undefined ? 'velero' : spec.veleroNamespace,
    versions: {
      kubernetes: spec.kubernetes ?? null,
      velero: spec.velero === undefined ? null : spec.velero,
      kots: spec.kots ?? null,
      nodeAgent: null,
      plugins: spec.plugins ?? [],
    },
    objects,
    logs,
    // Found by name, as the readers find them.
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
    sourceOf: (obj) => sources.get(obj),
  };
}

export function obj(kind: string, name: string, rest: Partial<KubeObject> = {}, namespace = 'velero'): KubeObject {
  return { apiVersion: 'velero.io/v1', kind, metadata: { name, namespace }, ...rest };
}
