// Generates (and caches under os.tmpdir()) a large troubleshoot support bundle for the read and scan benchmarks.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BundleWriter } from '../../src/bundle/writer.js';

export interface GenerateBundleOptions {
  /** Total bytes of pod logs (split between the Velero server log and two node-agent logs). */
  logBytes: number;
  /** Backup objects in `cluster-resources/custom-resources/backups.velero.io/velero.json`. */
  backups: number;
  /** Fraction (0–1) of log lines that are error lines a rule would match; the rest are routine info lines. */
  matchFraction: number;
  /** Where the cache lives; defaults to `<os.tmpdir()>/snapshot-doctor-bench`. */
  cacheDir?: string;
}

export interface GeneratedBundle {
  path: string;
  /** Bytes of log text written. */
  logBytes: number;
  logLines: number;
  /** Log lines written from MATCHING_LINES. */
  matchingLines: number;
  backups: number;
  /** Size of the archive on disk. */
  archiveBytes: number;
  /** True when an archive made earlier with the same options was reused. */
  cached: boolean;
}

export const BENCH_COLLECTED_AT = '2024-05-01T12:30:00Z';
const ROOT = 'support-bundle-2024-05-01T12_30_00';
const NS = 'velero';
const VELERO_POD = 'velero-7d9f6c5b8-x2k4p';
const NODE_AGENT_PODS = ['node-agent-4kq9z', 'node-agent-t7w2m'];
/** Bumped whenever the generated content changes, so that stale caches are not reused. */
const GENERATOR_VERSION = 2;

/**
 * Error lines of real Velero failures (shapes from velero#5623, velero#6439 and helm-charts#578), with
 * the backup name as a placeholder. These are what the rules' literals are meant to find.
 */
export const MATCHING_LINES = [
  'time="{time}" level=error msg="Error backing up item" backup=velero/{backup} error="timed out waiting for all PodVolumeBackups to complete" error.file="/go/src/github.com/vmware-tanzu/velero/pkg/podvolume/backupper.go:254" error.function="github.com/vmware-tanzu/velero/pkg/podvolume.(*backupper).BackupPodVolumes" logSource="pkg/backup/backup.go:448" name=postgres-0',
  'time="{time}" level=error msg="Current BackupStorageLocations available/unavailable/unknown: 0/1/0, BackupStorageLocation \\"default\\" is unavailable: rpc error: code = Unknown desc = operation error S3: ListObjectsV2, https response error StatusCode: 403, RequestID: 17D0850741E9E650, api error AccessDenied: Access Denied)" controller=backup-storage-location logSource="pkg/controller/backup_storage_location_controller.go:178"',
  'time="{time}" level=error msg="Error getting backup store for this location" backupLocation=velero/default controller=backup-sync error="rpc error: code = Unknown desc = NoCredentialProviders: no valid providers in chain. Deprecated.\\n\\tFor verbose messaging see aws.Config.CredentialsChainVerboseErrors" error.file="/go/src/velero-plugin-for-aws/velero-plugin-for-aws/object_store.go:62" logSource="pkg/controller/backup_sync_controller.go:100"',
];

/** Routine lines of a busy server and node-agent (no rule should match them). */
const ROUTINE_LINES = [
  'time="{time}" level=info msg="Backed up {n} items out of an estimated total of 412 (estimate will change throughout the backup)" backup=velero/{backup} logSource="pkg/backup/backup.go:499" name=app-{n} namespace=app progress= resource=configmaps',
  'time="{time}" level=info msg="Processing item" backup=velero/{backup} logSource="pkg/backup/backup.go:449" name=app-{n} namespace=app progress= resource=secrets',
  'time="{time}" level=info msg="Validating BackupStorageLocation" backup-storage-location=velero/default controller=backup-storage-location logSource="pkg/controller/backup_storage_location_controller.go:152"',
  'time="{time}" level=info msg="BackupStorageLocations is valid, marking as available" backup-storage-location=velero/default controller=backup-storage-location logSource="pkg/controller/backup_storage_location_controller.go:137"',
  'time="{time}" level=info msg="PodVolumeBackup starting" backup=velero/{backup} controller=podvolumebackup logSource="pkg/controller/pod_volume_backup_controller.go:116" podvolumebackup=velero/{backup}-{n}',
  'time="{time}" level=debug msg="Skipping action because it does not apply to this resource" backup=velero/{backup} logSource="pkg/backup/item_backupper.go:404" name=app-{n} namespace=app resource=persistentvolumeclaims',
];

function cacheKey(options: GenerateBundleOptions): string {
  const key = JSON.stringify([GENERATOR_VERSION, options.logBytes, options.backups, options.matchFraction]);
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Returns the cached archive for these options, generating it first when needed. */
export async function generateBundle(options: GenerateBundleOptions): Promise<GeneratedBundle> {
  const dir = options.cacheDir ?? join(tmpdir(), 'snapshot-doctor-bench');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `bundle-${cacheKey(options)}.tar.gz`);
  const metaPath = `${path}.json`;
  if (existsSync(path) && existsSync(metaPath)) {
    const { readFile } = await import('node:fs/promises');
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as GeneratedBundle;
    return { ...meta, path, cached: true };
  }
  const result = await writeBundle(path, options);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(metaPath, JSON.stringify(result));
  return result;
}

async function writeBundle(path: string, options: GenerateBundleOptions): Promise<GeneratedBundle> {
  const writer = await BundleWriter.create(path, { root: ROOT, level: 1, mtime: new Date(BENCH_COLLECTED_AT) });
  try {
    await writer.addFile('version.yaml', 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v0.100.0\n');
    await writer.addFile(
      'cluster-info/cluster_version.json',
      JSON.stringify({ info: { major: '1', minor: '29', gitVersion: 'v1.29.4', platform: 'linux/amd64' }, string: 'v1.29.4' }, null, 2),
    );
    await writer.addFile('cluster-resources/deployments/velero.json', list('DeploymentList', 'apps/v1', [veleroDeployment()]));
    await writer.addFile('cluster-resources/daemonsets/velero.json', list('DaemonSetList', 'apps/v1', [nodeAgentDaemonSet()]));
    await writer.addFile('cluster-resources/pods/velero.json', list('PodList', 'v1', [veleroPod(), ...NODE_AGENT_PODS.map(nodeAgentPod)]));
    await writer.addFile('cluster-resources/custom-resources/backupstoragelocations.velero.io/velero.json', json([bsl()]));
    await writer.addFile('cluster-resources/custom-resources/schedules.velero.io/velero.json', json([schedule()]));
    await writer.addFile('cluster-resources/custom-resources/backups.velero.io/velero.json', backupsJson(options.backups));

    const shares = [0.6, 0.2, 0.2];
    const pods = [
      { pod: VELERO_POD, container: 'velero' },
      ...NODE_AGENT_PODS.map((pod) => ({ pod, container: 'node-agent' })),
    ];
    let logBytes = 0;
    let logLines = 0;
    let matchingLines = 0;
    for (const [i, { pod, container }] of pods.entries()) {
      const target = Math.floor(options.logBytes * shares[i]!);
      const log = generateLog(target, options.matchFraction, i);
      const canonical = `cluster-resources/pods/logs/${NS}/${pod}/${container}.log`;
      await writer.addStream(canonical, Readable.from(log.chunks()), log.size);
      await writer.addSymlink(`velero/logs/${pod}/${container}.log`, `../../../${canonical}`);
      logBytes += log.size;
      logLines += log.lines;
      matchingLines += log.matching;
    }
    await writer.close();
    return { path, logBytes, logLines, matchingLines, backups: options.backups, archiveBytes: (await stat(path)).size, cached: false };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/**
 * A log of exactly `size` bytes, produced chunk by chunk. The sizes are computed first (a dry pass over the
 * same deterministic sequence) because a tar header states the size before the content.
 */
function generateLog(size: number, matchFraction: number, seed: number) {
  const start = Date.parse('2024-04-24T00:00:00Z');
  // A deterministic sequence: line i is a matching line when its slot in every 10,000 falls under the fraction.
  const matchPerTenThousand = Math.round(matchFraction * 10_000);
  const lineAt = (i: number): string => {
    const time = new Date(start + i * 37).toISOString().replace(/\.\d+Z$/, 'Z');
    const backup = `daily-${20240424000000 + Math.floor(i / 50_000) * 10_000}`;
    const matching = (i * 7919 + seed) % 10_000 < matchPerTenThousand;
    const template = matching ? MATCHING_LINES[i % MATCHING_LINES.length]! : ROUTINE_LINES[i % ROUTINE_LINES.length]!;
    return `${template.replace('{time}', time).replaceAll('{backup}', backup).replaceAll('{n}', String(i % 997))}\n`;
  };
  // Count lines and bytes up to the target; the last line is cut (as a real truncated log would be).
  let lines = 0;
  let bytes = 0;
  let matching = 0;
  while (bytes < size) {
    const line = lineAt(lines);
    if ((lines * 7919 + seed) % 10_000 < matchPerTenThousand) matching += 1;
    bytes += Buffer.byteLength(line);
    lines += 1;
  }
  return {
    size,
    lines,
    matching,
    *chunks(): Generator<Buffer> {
      let written = 0;
      let parts: string[] = [];
      let partBytes = 0;
      for (let i = 0; i < lines; i += 1) {
        const line = lineAt(i);
        parts.push(line);
        partBytes += line.length;
        if (partBytes >= 1 << 20 || i === lines - 1) {
          let buffer = Buffer.from(parts.join(''));
          if (written + buffer.length > size) buffer = buffer.subarray(0, size - written);
          written += buffer.length;
          yield buffer;
          parts = [];
          partBytes = 0;
        }
      }
    },
  };
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function list(kind: string, apiVersion: string, items: unknown[]): string {
  return json({ kind, apiVersion, metadata: { resourceVersion: '48213' }, items });
}

/** The backups array written as a stream of strings would be nicer, but 10,000 backups is ~15 MB: fine in memory. */
function backupsJson(count: number): string {
  const items = [];
  const base = Date.parse('2024-04-01T00:00:00Z');
  for (let i = 0; i < count; i += 1) {
    const started = new Date(base + i * 3_600_000);
    const name = `daily-${started.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
    const failed = i % 97 === 0;
    items.push({
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: {
        name,
        namespace: NS,
        uid: `0b6a${String(i).padStart(8, '0')}-5c1e-4a53-9f0d-2b7c1e9d4a11`,
        creationTimestamp: started.toISOString().replace(/\.\d+Z$/, 'Z'),
        labels: { 'velero.io/schedule-name': 'daily', 'velero.io/storage-location': 'default' },
        annotations: { 'velero.io/source-cluster-k8s-gitversion': 'v1.29.4' },
      },
      spec: { includedNamespaces: ['app'], storageLocation: 'default', ttl: '720h0m0s', defaultVolumesToFsBackup: true },
      status: {
        phase: failed ? 'PartiallyFailed' : 'Completed',
        version: 1,
        formatVersion: '1.1.0',
        startTimestamp: started.toISOString().replace(/\.\d+Z$/, 'Z'),
        completionTimestamp: new Date(started.getTime() + 240_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        expiration: new Date(started.getTime() + 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        errors: failed ? 1 : 0,
        warnings: 0,
        progress: { totalItems: 412, itemsBackedUp: 412 },
      },
    });
  }
  return json(items);
}

function veleroDeployment() {
  return {
    metadata: { name: 'velero', namespace: NS, labels: { component: 'velero' } },
    spec: {
      replicas: 1,
      template: {
        metadata: { labels: { deploy: 'velero', component: 'velero' } },
        spec: {
          initContainers: [{ name: 'velero-plugin-for-aws', image: 'velero/velero-plugin-for-aws:v1.9.2' }],
          containers: [{ name: 'velero', image: 'velero/velero:v1.13.2', args: ['server', '--uploader-type=kopia'] }],
        },
      },
    },
    status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
  };
}

function nodeAgentDaemonSet() {
  return {
    metadata: { name: 'node-agent', namespace: NS, labels: { component: 'velero' } },
    spec: { template: { metadata: { labels: { name: 'node-agent' } }, spec: { containers: [{ name: 'node-agent', image: 'velero/velero:v1.13.2' }] } } },
    status: { desiredNumberScheduled: 2, numberReady: 2 },
  };
}

function runningStatus(name: string, image: string) {
  return { name, image, ready: true, restartCount: 0, state: { running: { startedAt: '2024-04-20T08:00:00Z' } } };
}

function veleroPod() {
  return {
    metadata: { name: VELERO_POD, namespace: NS, labels: { component: 'velero', deploy: 'velero' } },
    spec: {
      nodeName: 'worker-1',
      initContainers: [{ name: 'velero-plugin-for-aws', image: 'velero/velero-plugin-for-aws:v1.9.2' }],
      containers: [{ name: 'velero', image: 'velero/velero:v1.13.2' }],
    },
    status: { phase: 'Running', containerStatuses: [runningStatus('velero', 'velero/velero:v1.13.2')] },
  };
}

function nodeAgentPod(name: string, i: number) {
  return {
    metadata: { name, namespace: NS, labels: { component: 'velero', name: 'node-agent' } },
    spec: { nodeName: `worker-${i + 1}`, containers: [{ name: 'node-agent', image: 'velero/velero:v1.13.2' }] },
    status: { phase: 'Running', containerStatuses: [runningStatus('node-agent', 'velero/velero:v1.13.2')] },
  };
}

function bsl() {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'BackupStorageLocation',
    metadata: { name: 'default', namespace: NS },
    spec: { provider: 'aws', default: true, objectStorage: { bucket: 'acme-backups', prefix: 'cluster-a' }, config: { region: 'us-east-1' } },
    status: { phase: 'Available', lastValidationTime: '2024-05-01T12:29:40Z' },
  };
}

function schedule() {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Schedule',
    metadata: { name: 'daily', namespace: NS },
    spec: { schedule: '0 * * * *', template: { includedNamespaces: ['app'], ttl: '720h0m0s' } },
    status: { phase: 'Enabled', lastBackup: '2024-05-01T12:00:00Z' },
  };
}
