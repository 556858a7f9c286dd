// What `collect` takes and returns, its defaults, and the manifest it writes into the bundle.
import type { Config } from '../config/index.js';
import { UsageError } from '../errors.js';

export interface CollectOptions {
  /** A kubeconfig file; otherwise $KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
  kubeconfig?: string;
  /** A context of the kubeconfig other than its current one. */
  context?: string;
  /** The Velero namespace; found through the Velero Deployment when left out. */
  namespace?: string;
  /** Where the .tar.gz goes; `./snapshot-doctor-<timestamp>.tar.gz` by default. */
  output?: string;
  /** Only container log lines newer than this: seconds, or a duration such as `90m`, `24h`, `7d`. */
  since?: string | number;
  /** Create no ServerStatusRequest or DownloadRequest (a strictly read-only run). */
  noCreate?: boolean;
  /**
   * A PEM file of CA certificates trusted for object-store downloads (besides the system's and each
   * location's `spec.objectStorage.caCert`), as `velero backup logs --cacert`. Not used for the cluster.
   */
  cacert?: string;
  /** Do not verify object stores' TLS certificates (as `velero backup logs --insecure-skip-tls-verify`). Not for the cluster. */
  insecureSkipTlsVerify?: boolean;
  /** A --config file path or loaded config: its redaction patterns apply to everything written. */
  config?: string | Config;
  /** Requests in flight at once (8). */
  concurrency?: number;
  /** The whole collection must finish within this many seconds (300). */
  timeoutSeconds?: number;
  /** One request attempt is abandoned and retried after this many milliseconds (30,000). */
  requestTimeoutMs?: number;
  /** Retries of a transient failure (3), with exponential backoff from `backoffMs` (250). */
  retries?: number;
  backoffMs?: number;
  /**
   * Objects per list page (2,000). Pages of one list are a chain of round trips, so the page size
   * bounds the longest chain: kubectl's 500 makes 20,000 PodVolumeBackups 40 trips in a row, while
   * Velero's own CLI lists without pagination at all.
   */
  pageSize?: number;
  /** Per container and run: the newest lines (50,000), at most this many bytes (20 MiB). */
  maxLogLines?: number;
  maxLogBytes?: number;
  /** How many of the newest failed or partially failed backups, and restores, get their logs and results (5). */
  recentFailures?: number;
  /** How long to wait for the Velero server to process a ServerStatusRequest or DownloadRequest (30,000 ms). */
  requestWaitMs?: number;
  /** The clock (tests pin it). */
  now?: () => Date;
  /** Called as collection advances; the CLI draws a progress bar from it. */
  onProgress?: (progress: CollectProgress) => void;
}

export interface CollectProgress {
  /** What is being collected right now, e.g. `logs`, `backups.velero.io`. */
  phase: string;
  /** Collection steps finished, and known so far (the total grows as objects reveal more work). */
  done: number;
  total: number;
  requests: number;
}

/** One thing the collector could not gather; the reader lists these under the report's `problems`. */
export interface CollectIssue {
  source: string;
  message: string;
}

export interface CollectedEntry {
  /** A resource (`backups.velero.io`, `pods`, `nodes`) or a kind of file (`pod logs`, `backup logs`). */
  what: string;
  /** The object kind, for resources. */
  kind?: string;
  count: number;
}

export interface DownloadAttempt {
  kind: 'Backup' | 'Restore';
  name: string;
  /** Why it was a candidate: the first failure of a schedule's current streak, its newest failure, one of the newest failures, or a stand-in. */
  why: string;
  ok: boolean;
  /** Why the log did not arrive (the object store's or the server's answer). */
  error?: string;
}

/** `snapshot-doctor/manifest.json`: what was collected, when, by which version, and what failed. */
export interface CollectManifest {
  tool: { name: string; version: string };
  collectedAt: string;
  /** When the collection finished (the manifest is written last). */
  finishedAt: string;
  cluster: { server: string; context: string | null; kubernetesVersion: string | null };
  veleroNamespace: string | null;
  kotsadmNamespaces: string[];
  /** The Velero server's own answer to a ServerStatusRequest, when one was processed. */
  serverStatus: { serverVersion: string | null; plugins: { name: string; kind: string }[] } | null;
  /** The namespaces whose PVCs, pods and events were collected because backups cover them. */
  coveredNamespaces: string[] | 'all';
  collected: CollectedEntry[];
  /** Logs cut at `maxLogBytes` (their oldest part is kept by the API server's limitBytes). */
  truncatedLogs: string[];
  /** Every backup and restore log download tried, in order: which, why it was chosen, and whether it arrived. */
  downloads: DownloadAttempt[];
  errors: CollectIssue[];
  options: {
    namespace: string | null;
    context: string | null;
    sinceSeconds: number | null;
    noCreate: boolean;
    maxLogLines: number;
    maxLogBytes: number;
    recentFailures: number;
  };
  requests: number;
}

export interface CollectResult {
  /** The absolute path of the bundle written. */
  path: string;
  manifest: CollectManifest;
  durationMs: number;
}

export interface ResolvedOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  output: string;
  sinceSeconds?: number;
  noCreate: boolean;
  concurrency: number;
  timeoutMs: number;
  requestTimeoutMs: number;
  retries: number;
  backoffMs: number;
  pageSize: number;
  maxLogLines: number;
  maxLogBytes: number;
  recentFailures: number;
  requestWaitMs: number;
  now: () => Date;
  onProgress: (progress: CollectProgress) => void;
}

export function resolveOptions(options: CollectOptions, startedAt: Date): ResolvedOptions {
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${name} must be a positive number, not ${value}`);
    return value;
  };
  return {
    kubeconfig: options.kubeconfig,
    context: options.context,
    namespace: options.namespace,
    output: options.output ?? `${bundleBaseName(startedAt)}.tar.gz`,
    sinceSeconds: options.since === undefined ? undefined : parseDuration(options.since),
    noCreate: Boolean(options.noCreate),
    concurrency: Math.floor(positive('concurrency', options.concurrency, 8)),
    timeoutMs: positive('timeout', options.timeoutSeconds, 300) * 1000,
    requestTimeoutMs: positive('request timeout', options.requestTimeoutMs, 30_000),
    retries: options.retries ?? 3,
    backoffMs: options.backoffMs ?? 250,
    pageSize: Math.floor(positive('page size', options.pageSize, 2000)),
    maxLogLines: Math.floor(positive('max log lines', options.maxLogLines, 50_000)),
    maxLogBytes: Math.floor(positive('max log bytes', options.maxLogBytes, 20 * 1024 * 1024)),
    recentFailures: options.recentFailures ?? 5,
    requestWaitMs: positive('request wait', options.requestWaitMs, 30_000),
    now: options.now ?? (() => new Date()),
    onProgress: options.onProgress ?? (() => {}),
  };
}

/** `snapshot-doctor-2024-05-20T09_00_00`: the bundle's folder and default file name, troubleshoot style. */
export function bundleBaseName(at: Date): string {
  return `snapshot-doctor-${at.toISOString().slice(0, 19).replace(/:/g, '_')}`;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `90`, `90s`, `15m`, `24h`, `7d`, `1h30m` → seconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return Math.floor(value);
    throw new UsageError(`--since must be a positive duration, not ${value}`);
  }
  const text = value.trim();
  if (/^\d+$/.test(text) && Number(text) > 0) return Number(text);
  let total = 0;
  const rest = text.replace(/(\d+(?:\.\d+)?)([smhdw])/g, (_m, amount: string, unit: string) => {
    total += Number(amount) * (UNITS[unit] ?? 0);
    return '';
  });
  if (rest !== '' || total <= 0) throw new UsageError(`--since "${value}" is not a duration (examples: 90m, 24h, 7d)`);
  return Math.ceil(total);
}
