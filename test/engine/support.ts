// Builds Bundles in memory for engine tests: objects plus log files scanned through a real RuleSet scanner.
import { ObjectIndex, type Bundle, type LogComponent, type LogFile, type LogScanner } from '../../src/model/bundle.js';
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
  plugins?: { name: string; version: string | null }[];
  collectedAt?: string | null;
  veleroNamespace?: string | null;
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
  return {
    inputs: [{ path: 'test-bundle', format: 'troubleshoot' }],
    collectedAt: spec.collectedAt ?? '2024-06-01T12:00:00Z',
    veleroNamespace: spec.veleroNamespace === undefined ? 'velero' : spec.veleroNamespace,
    versions: {
      kubernetes: spec.kubernetes ?? null,
      velero: spec.velero === undefined ? null : spec.velero,
      kots: null,
      nodeAgent: null,
      plugins: spec.plugins ?? [],
    },
    objects,
    logs,
    workloads: { veleroPods: [], nodeAgentPods: [], kotsadmDeployments: [], kotsadmPods: [] },
    problems: [],
    sourceOf: (obj) => sources.get(obj),
  };
}

export function obj(kind: string, name: string, rest: Partial<KubeObject> = {}, namespace = 'velero'): KubeObject {
  return { apiVersion: 'velero.io/v1', kind, metadata: { name, namespace }, ...rest };
}
