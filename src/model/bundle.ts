// The one normalized model every reader produces and every rule reads: objects, logs, versions, problems.
import type { KubeObject } from './kube.js';

/** Which reader understood an input (the report's `input.format`). */
export type InputFormat = 'troubleshoot' | 'velero-debug' | 'snapshot-doctor' | 'log-file' | 'describe' | 'kubectl-dump';
export const INPUT_FORMATS: readonly InputFormat[] = [
  'troubleshoot',
  'velero-debug',
  'snapshot-doctor',
  'log-file',
  'describe',
  'kubectl-dump',
];

export interface InputInfo {
  /** The path as the user gave it. */
  path: string;
  format: InputFormat;
}

/** Something in the input that could not be read; the run goes on without it. */
export interface Problem {
  /** The file (inside the input) or collector step the problem is about. */
  source: string;
  message: string;
}

export interface PluginVersion {
  name: string;
  version: string | null;
  image?: string;
  source?: VersionSource;
}

/** Where a version was read: the kind of source, and the file (inside the input) it was read from. */
export interface VersionSource {
  from: 'image' | 'start-up line' | 'ServerStatusRequest' | 'version.txt' | 'collect manifest' | 'cluster version' | 'node' | 'annotation';
  file?: string;
  /** The image, the log line or the object the version was read from. */
  detail?: string;
}

export interface VersionSources {
  kubernetes?: VersionSource;
  velero?: VersionSource;
  kots?: VersionSource;
  nodeAgent?: VersionSource;
}

/** Versions are plain semver without a leading `v`, or null where the input does not tell. */
export interface Versions {
  kubernetes: string | null;
  velero: string | null;
  kots: string | null;
  nodeAgent: string | null;
  plugins: PluginVersion[];
  /** Where each known version came from (plugins carry their own `source`). */
  sources?: VersionSources;
}

/** Which program wrote a log, so that rules can limit patterns to it. */
export type LogComponent =
  | 'server' // the Velero server container (plugins run inside it and log through it)
  | 'node-agent' // node-agent DaemonSet, or the restic DaemonSet before Velero 1.10
  | 'plugin' // a plugin init container (copies the binary; rarely interesting)
  | 'backup-log' // `velero backup logs` download / backup_<b>.log / <b>-logs.gz
  | 'restore-log' // `velero restore logs` download / restore_<r>.log
  | 'describe' // `velero backup|restore describe` text
  | 'data-mover' // data-mover / fs-backup pods (Velero 1.15+)
  | 'maintenance' // repository maintenance Job pods (Velero 1.14+)
  | 'kotsadm'
  | 'other';
export const LOG_COMPONENTS: readonly LogComponent[] = [
  'server',
  'node-agent',
  'plugin',
  'backup-log',
  'restore-log',
  'describe',
  'data-mover',
  'maintenance',
  'kotsadm',
  'other',
];

/** A log line that the scanner matched against one rule pattern. */
export interface LogHit {
  /** `<ruleId>#<pattern index>`: which compiled pattern matched. */
  patternKey: string;
  /** 1-based line number in the file. */
  line: number;
  /** The line as written (bounded in length). */
  text: string;
  /** Named captures of the pattern's regular expression. */
  groups: Record<string, string>;
}

/** A start-up line (`Starting Velero server v1.12.4 (…)`): from that line on, this Velero wrote the log. */
export interface LogStartup {
  line: number;
  /** `server`, or `node-agent` (also the `restic server` of Velero before 1.10). */
  program: 'server' | 'node-agent';
  /** Normalized x.y.z. */
  version: string;
  time?: string;
}

/** Error- and fatal-level lines of one log that no rule pattern matched, sharing one message template. */
export interface ErrorGroup {
  /** The message with numbers, ids, names, durations and paths masked. */
  template: string;
  count: number;
  /** Lines per UTC hour (`2024-05-01T12`), to tell how frequent the group is lately. */
  hours: Record<string, number>;
  firstTime?: string;
  lastTime?: string;
  /** The first such line, as written (bounded), and its line number. */
  example: string;
  line: number;
}

/** One log file of the input, described and scanned, never held whole in memory. */
export interface LogFile {
  /** Path inside the input (forward slashes), shown as evidence `file`. For a single-file input, its base name. */
  path: string;
  /** The input (as the user gave it) this log came from. */
  input: string;
  component: LogComponent;
  namespace?: string;
  pod?: string;
  container?: string;
  /** A `-previous.log`: the container's previous run. */
  previous: boolean;
  /** For backup / restore logs and describe output: the object it belongs to. */
  owner?: { kind: 'Backup' | 'Restore'; name: string; namespace?: string };
  bytes: number;
  lines: number;
  /** Timestamps of the first and last parseable lines (ISO). */
  firstTime?: string;
  lastTime?: string;
  /** The last lines of the file (a few dozen at most), for crash context. */
  tail: string[];
  /** Pattern matches, at most a bounded number per pattern (see hitCounts for the true totals). */
  hits: LogHit[];
  /** Total matches per pattern key, including those not kept in `hits`. */
  hitCounts: Record<string, number>;
  /** Start-up lines found by the scan, in line order (a few at most). */
  startups?: LogStartup[];
  /** Error and fatal lines that no pattern matched, by template (bounded; see the scanner). */
  unexplained?: ErrorGroup[];
}

/**
 * A failing result of another tool's analysis that came with the input (troubleshoot's `analysis.json`):
 * shown beside the findings as context, never turned into a finding.
 */
export interface ExternalResult {
  /** The file it was read from. */
  source: string;
  /** The check's title (`Backup nightly-1`, `Backup Storage Location default`). */
  title: string;
  message: string;
  severity: 'error' | 'warn';
  /** The object it is about: troubleshoot's involvedObject, or the kind and name its title names. */
  object?: { kind: string; namespace?: string; name: string };
}

/** The Velero, node-agent and KOTS workloads found among the objects. */
export interface Workloads {
  veleroDeployment?: KubeObject;
  veleroPods: KubeObject[];
  nodeAgentDaemonSet?: KubeObject;
  nodeAgentPods: KubeObject[];
  kotsadmDeployments: KubeObject[];
  kotsadmPods: KubeObject[];
}

export interface Bundle {
  inputs: InputInfo[];
  /** When the data was collected (ISO), for ages; null when the input does not tell. */
  collectedAt: string | null;
  /** Where the Velero server runs (or null if no Velero install was seen). */
  veleroNamespace: string | null;
  versions: Versions;
  objects: ObjectIndex;
  logs: LogFile[];
  workloads: Workloads;
  problems: Problem[];
  /**
   * Kinds the input was able to show, listed even where it held none of them (a troubleshoot
   * bundle's `cluster-resources/deployments/`, a collector that listed DaemonSets), so that rules can
   * tell "none exist" from "not collected". Readers that cannot tell leave it out.
   */
  collectedKinds?: ReadonlySet<string>;
  /**
   * The names (never the values) of the keys in credential Secrets, where the input recorded them
   * (`snapshot-doctor collect` does): lets rules tell a missing key from a wrong one.
   */
  credentialKeys?: { namespace: string; secret: string; keys: string[]; source: string }[];
  /** Failing Velero results of troubleshoot's own analysis in the input (its `analysis.json`). */
  externalResults?: ExternalResult[];
  /** The input file an object was read from (for evidence). */
  sourceOf(obj: KubeObject): string | undefined;
}

/** Objects by kind. `BackupRepository` also lists the older `ResticRepository` objects. */
export class ObjectIndex {
  private readonly byKind = new Map<string, KubeObject[]>();
  /** `kind` → name → objects of that name (any namespace), built on the first `get` of a kind: rules look names up per log line and per object. */
  private readonly byName = new Map<string, Map<string, KubeObject[]>>();

  add(obj: KubeObject): void {
    const list = this.byKind.get(obj.kind);
    if (list) list.push(obj);
    else this.byKind.set(obj.kind, [obj]);
    this.byName.clear();
  }

  list<T extends KubeObject = KubeObject>(kind: string): T[] {
    const own = (this.byKind.get(kind) ?? []) as T[];
    if (kind === 'BackupRepository') return [...own, ...((this.byKind.get('ResticRepository') ?? []) as T[])];
    return own;
  }

  get<T extends KubeObject = KubeObject>(kind: string, name: string, namespace?: string): T | undefined {
    let names = this.byName.get(kind);
    if (!names) {
      names = new Map();
      for (const o of this.list(kind)) {
        const same = names.get(o.metadata.name);
        if (same) same.push(o);
        else names.set(o.metadata.name, [o]);
      }
      this.byName.set(kind, names);
    }
    const found = names.get(name)?.find((o) => namespace === undefined || o.metadata.namespace === namespace);
    return found as T | undefined;
  }

  count(kind: string): number {
    return this.list(kind).length;
  }

  kinds(): string[] {
    return [...this.byKind.keys()].sort();
  }

  *all(): IterableIterator<KubeObject> {
    for (const list of this.byKind.values()) yield* list;
  }
}

/**
 * Scans log bytes as a reader streams them: counts lines, keeps the tail, and records lines that
 * match the loaded rules' patterns into `file.hits`. The rule engine provides the implementation.
 * Readers call it once per log file; it consumes the whole source.
 */
export interface LogScanner {
  scan(file: LogFile, source: AsyncIterable<Buffer>): Promise<void>;
}
