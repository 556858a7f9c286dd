// The troubleshoot collectors that gather what snapshot-doctor reads, wherever Velero runs (label selectors, no namespace).

/** One entry of a SupportBundle's `spec.collectors`: a single key naming the collector type. */
export type CollectorEntry = Record<string, Record<string, unknown>>;

/**
 * Log limits of the Velero pods: as many lines as `snapshot-doctor collect` takes by default (a
 * server at debug level writes tens of thousands of lines between two backups), at most 20 MB each.
 */
export const VELERO_LOG_LIMITS = { maxLines: 50_000, maxBytes: 20_000_000 };
/** kotsadm logs a lot about things other than snapshots: troubleshoot's own default limits are enough. */
export const KOTSADM_LOG_LIMITS = { maxLines: 10_000, maxBytes: 5_000_000 };

/** A `logs` collector of the spec, with what it is for (the YAML comment above it). */
export interface LogsCollector {
  comment: string;
  logs: {
    collectorName: string;
    /** The folder of the bundle its symlinks go in (`<name>/<pod>/<container>.log`). */
    name: string;
    selector: string[];
    limits: { maxLines: number; maxBytes: number };
  };
}

/**
 * Every pod whose logs a rule reads. troubleshoot joins one collector's selectors with AND, so each
 * label set is a collector of its own; none names a namespace, so the pods are found wherever Velero
 * runs. Current and previous logs of every container come with each (troubleshoot always asks for both).
 * `velero/logs` is the folder troubleshoot's own `velero` analyzer reads.
 */
export const LOGS_COLLECTORS: readonly LogsCollector[] = [
  {
    comment: 'Velero server and node-agent (restic before Velero 1.10) pods installed by the velero CLI or KOTS',
    logs: { collectorName: 'velero', name: 'velero/logs', selector: ['component=velero'], limits: VELERO_LOG_LIMITS },
  },
  {
    comment: 'Velero server and node-agent pods installed by the vmware-tanzu Helm chart',
    logs: { collectorName: 'velero-helm', name: 'velero/logs', selector: ['app.kubernetes.io/name=velero'], limits: VELERO_LOG_LIMITS },
  },
  {
    comment: 'data-mover backup pods of DataUploads (Velero 1.12+)',
    logs: { collectorName: 'velero-data-upload', name: 'velero/data-mover', selector: ['velero.io/data-upload'], limits: VELERO_LOG_LIMITS },
  },
  {
    comment: 'data-mover restore pods of DataDownloads (Velero 1.12+)',
    logs: { collectorName: 'velero-data-download', name: 'velero/data-mover', selector: ['velero.io/data-download'], limits: VELERO_LOG_LIMITS },
  },
  {
    comment: 'file-system backup pods of PodVolumeBackups (Velero 1.17+)',
    logs: { collectorName: 'velero-pod-volume-backup', name: 'velero/pod-volume', selector: ['velero.io/pod-volume-backup'], limits: VELERO_LOG_LIMITS },
  },
  {
    comment: 'file-system restore pods of PodVolumeRestores (Velero 1.17+)',
    logs: { collectorName: 'velero-pod-volume-restore', name: 'velero/pod-volume', selector: ['velero.io/pod-volume-restore'], limits: VELERO_LOG_LIMITS },
  },
  {
    comment: 'repository maintenance Job pods (Velero 1.14+)',
    logs: { collectorName: 'velero-maintenance', name: 'velero/maintenance', selector: ['velero.io/repo-name'], limits: VELERO_LOG_LIMITS },
  },
  {
    comment: 'the KOTS Admin Console (snapshot settings, instance backups and restores)',
    logs: { collectorName: 'kotsadm', name: 'kots/admin_console', selector: ['app=kotsadm'], limits: KOTSADM_LOG_LIMITS },
  },
];

/**
 * What `clusterResources` brings, and what needs more than this spec can ask for. Written as the
 * comment above it, so that whoever reads the spec knows what the bundle will hold.
 */
export const CLUSTER_RESOURCES_COMMENT = [
  'Every velero.io custom resource, in the newest version its CRD serves (Backup, Restore, Schedule,',
  'BackupStorageLocation, VolumeSnapshotLocation, PodVolumeBackup/Restore, BackupRepository (ResticRepository',
  'before Velero 1.10), DeleteBackupRequest, DownloadRequest, ServerStatusRequest, DataUpload/DataDownload),',
  'CSI VolumeSnapshot(Class|Content)s, the Velero Deployment and DaemonSet, pods, Jobs, events, PVCs, PVs,',
  'nodes, storage classes and CRDs. Only for the namespaces it lists: with a list, Velero\'s namespace must be',
  'in it. Not in a troubleshoot bundle: per-backup and per-restore logs and results kept in object storage,',
  'the key names of credential Secrets, and the server\'s plugin list; `snapshot-doctor collect` gathers those.',
];
