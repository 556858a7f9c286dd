// The velero.io kinds the model knows, their plural names and API versions, and their typed status fields.
import type { KubeObject } from './kube.js';

/** Every velero.io kind, with its plural (the CRD / troubleshoot folder name) and served versions. */
export const VELERO_KINDS = {
  Backup: { plural: 'backups', versions: ['v1'] },
  Restore: { plural: 'restores', versions: ['v1'] },
  Schedule: { plural: 'schedules', versions: ['v1'] },
  BackupStorageLocation: { plural: 'backupstoragelocations', versions: ['v1'] },
  VolumeSnapshotLocation: { plural: 'volumesnapshotlocations', versions: ['v1'] },
  PodVolumeBackup: { plural: 'podvolumebackups', versions: ['v1'] },
  PodVolumeRestore: { plural: 'podvolumerestores', versions: ['v1'] },
  BackupRepository: { plural: 'backuprepositories', versions: ['v1'] },
  /** Velero before 1.10; the model lists it under BackupRepository as well. */
  ResticRepository: { plural: 'resticrepositories', versions: ['v1'] },
  DeleteBackupRequest: { plural: 'deletebackuprequests', versions: ['v1'] },
  DownloadRequest: { plural: 'downloadrequests', versions: ['v1'] },
  ServerStatusRequest: { plural: 'serverstatusrequests', versions: ['v1'] },
  DataUpload: { plural: 'datauploads', versions: ['v2alpha1'] },
  DataDownload: { plural: 'datadownloads', versions: ['v2alpha1'] },
} as const;
export type VeleroKind = keyof typeof VELERO_KINDS;

const KIND_BY_PLURAL = new Map<string, VeleroKind>(
  Object.entries(VELERO_KINDS).map(([kind, info]) => [info.plural, kind as VeleroKind]),
);

/** `backups` or `backups.velero.io` → `Backup`. */
export function veleroKindForPlural(plural: string): VeleroKind | undefined {
  return KIND_BY_PLURAL.get(plural.replace(/\.velero\.io$/, '').toLowerCase());
}

export function isVeleroKind(kind: string): kind is VeleroKind {
  return Object.hasOwn(VELERO_KINDS, kind);
}

export interface BackupStatus {
  phase?: string;
  version?: number;
  formatVersion?: string;
  expiration?: string;
  validationErrors?: string[];
  startTimestamp?: string;
  completionTimestamp?: string;
  failureReason?: string;
  warnings?: number;
  errors?: number;
  progress?: { totalItems?: number; itemsBackedUp?: number };
  volumeSnapshotsAttempted?: number;
  volumeSnapshotsCompleted?: number;
  csiVolumeSnapshotsAttempted?: number;
  csiVolumeSnapshotsCompleted?: number;
  backupItemOperationsAttempted?: number;
  backupItemOperationsCompleted?: number;
  backupItemOperationsFailed?: number;
  hookStatus?: { hooksAttempted?: number; hooksFailed?: number };
}
export type Backup = KubeObject & { kind: 'Backup'; status?: BackupStatus };

export interface RestoreStatus {
  phase?: string;
  validationErrors?: string[];
  warnings?: number;
  errors?: number;
  failureReason?: string;
  startTimestamp?: string;
  completionTimestamp?: string;
  progress?: { totalItems?: number; itemsRestored?: number };
  hookStatus?: { hooksAttempted?: number; hooksFailed?: number };
}
export type Restore = KubeObject & { kind: 'Restore'; status?: RestoreStatus };

export type Schedule = KubeObject & {
  kind: 'Schedule';
  spec?: { schedule?: string; paused?: boolean; template?: Record<string, unknown>; skipImmediately?: boolean };
  status?: { phase?: string; lastBackup?: string; lastSkipped?: string; validationErrors?: string[] };
};

export type BackupStorageLocation = KubeObject & {
  kind: 'BackupStorageLocation';
  spec?: {
    provider?: string;
    objectStorage?: { bucket?: string; prefix?: string; caCert?: string };
    config?: Record<string, string>;
    credential?: { name?: string; key?: string };
    default?: boolean;
    accessMode?: string;
    backupSyncPeriod?: string;
    validationFrequency?: string;
  };
  status?: { phase?: string; message?: string; lastSyncedTime?: string; lastValidationTime?: string; accessMode?: string };
};
