// Which findings' resources are about the same thing: the object model's relations (Backup ↔ location, volumes, nodes; Restore ↔ Backup).
import type { Bundle } from '../model/bundle.js';
import { refKey, type KubeObject, type ObjectRef } from '../model/kube.js';

const BACKUP_LABEL = 'velero.io/backup-name';
const RESTORE_LABEL = 'velero.io/restore-name';
/** Per-volume kinds, their owner's label, and the owner's kind. */
const VOLUME_KINDS: Record<string, { label: string; owner: string }> = {
  PodVolumeBackup: { label: BACKUP_LABEL, owner: 'Backup' },
  DataUpload: { label: BACKUP_LABEL, owner: 'Backup' },
  PodVolumeRestore: { label: RESTORE_LABEL, owner: 'Restore' },
  DataDownload: { label: RESTORE_LABEL, owner: 'Restore' },
};
const REPOSITORY_KINDS = new Set(['BackupRepository', 'ResticRepository']);

const key = (kind: string, namespace: string | undefined, name: string) => refKey(namespace ? { kind, namespace, name } : { kind, name });
const nodeKey = (name: string) => key('Node', undefined, name);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The relations of a bundle, built once per evaluation: for each object a rule may name, the keys of the
 * objects it is about. A BackupStorageLocation relates to nothing further (every backup shares it);
 * a Pod only narrows when it is a node-agent pod (it runs on one node); other kinds (the server's
 * Deployment or pods, CRDs, DaemonSets) are cluster-wide.
 */
export class Relations {
  /** Owner key (Backup / Restore) → its per-volume objects. */
  private readonly volumesByOwner = new Map<string, KubeObject[]>();
  private readonly nodeAgentPods: Set<string>;

  constructor(private readonly bundle: Bundle) {
    for (const [kind, { label, owner }] of Object.entries(VOLUME_KINDS)) {
      for (const obj of bundle.objects.list(kind)) {
        const name = str(obj.metadata.labels?.[label]);
        if (!name) continue;
        const k = key(owner, obj.metadata.namespace, name);
        const list = this.volumesByOwner.get(k);
        if (list) list.push(obj);
        else this.volumesByOwner.set(k, [obj]);
      }
    }
    this.nodeAgentPods = new Set(bundle.workloads.nodeAgentPods.map((p) => key('Pod', p.metadata.namespace, p.metadata.name)));
  }

  /** A backup's location: `spec.storageLocation`, else (as Velero does) the default one, or the only one there is. */
  private locationOf(backup: KubeObject | undefined, ns: string | undefined): string | undefined {
    const named = str(backup?.spec?.storageLocation);
    if (named) return named;
    const locations = this.bundle.objects.list('BackupStorageLocation').filter((l) => ns === undefined || l.metadata.namespace === ns);
    return (locations.find((l) => l.spec?.default === true) ?? (locations.length === 1 ? locations[0] : undefined))?.metadata.name;
  }

  /** Whether a reference can be narrowed to some objects at all (else its finding is cluster-wide). */
  narrows(ref: ObjectRef): boolean {
    if (ref.kind === 'Pod') return this.nodeAgentPods.has(refKey(ref));
    return ref.kind in VOLUME_KINDS || REPOSITORY_KINDS.has(ref.kind) || ['Backup', 'Restore', 'BackupStorageLocation', 'Node'].includes(ref.kind);
  }

  /** The keys of the objects a reference is about: itself and its neighbours in the model. */
  scope(ref: ObjectRef): Set<string> {
    const keys = new Set<string>([refKey(ref)]);
    const ns = ref.namespace;
    const obj = this.bundle.objects.get(ref.kind, ref.name, ns);
    const addVolumes = (ownerKey: string) => {
      for (const v of this.volumesByOwner.get(ownerKey) ?? []) {
        keys.add(key(v.kind, v.metadata.namespace, v.metadata.name));
        const node = str(v.spec?.node) ?? str(v.status?.node);
        if (node) keys.add(nodeKey(node));
      }
    };
    switch (ref.kind) {
      case 'Backup': {
        const location = this.locationOf(obj, ns);
        if (location) keys.add(key('BackupStorageLocation', ns, location));
        addVolumes(refKey(ref));
        break;
      }
      case 'Restore': {
        const backup = str(obj?.spec?.backupName);
        if (backup) {
          keys.add(key('Backup', ns, backup));
          const location = this.locationOf(this.bundle.objects.get('Backup', backup, ns), ns);
          if (location) keys.add(key('BackupStorageLocation', ns, location));
        }
        addVolumes(refKey(ref));
        break;
      }
      case 'Pod': {
        const node = str(obj?.spec?.nodeName);
        if (node) keys.add(nodeKey(node));
        break;
      }
      default: {
        const volume = VOLUME_KINDS[ref.kind];
        if (volume) {
          const owner = str(obj?.metadata.labels?.[volume.label]);
          if (owner) keys.add(key(volume.owner, ns, owner));
          const node = str(obj?.spec?.node) ?? str(obj?.status?.node);
          if (node) keys.add(nodeKey(node));
        } else if (REPOSITORY_KINDS.has(ref.kind)) {
          const location = str(obj?.spec?.backupStorageLocation);
          if (location) keys.add(key('BackupStorageLocation', ns, location));
        }
      }
    }
    return keys;
  }

  /**
   * Whether a root cause about `causes` explains a symptom about `symptoms`: a cause with nothing to
   * narrow explains everything; else some pair is the same object, one is in the other's scope, or
   * a pod ran on a node the other's volumes used (a node-agent pod and a volume backup there).
   */
  explains(causes: ObjectRef[], symptoms: ObjectRef[]): boolean {
    const narrowing = causes.filter((c) => this.narrows(c));
    if (narrowing.length === 0 || symptoms.length === 0) return true;
    const causeScopes = narrowing.map((c) => ({ ref: c, scope: this.scope(c) }));
    for (const s of symptoms) {
      const sKey = refKey(s);
      const sScope = this.scope(s);
      for (const { ref, scope } of causeScopes) {
        if (scope.has(sKey) || sScope.has(refKey(ref))) return true;
        // Sharing a node links a node-agent pod to what ran there, not two backups to each other.
        if (ref.kind === 'Pod' || s.kind === 'Pod') for (const k of scope) if (k.startsWith('Node/') && sScope.has(k)) return true;
      }
    }
    return false;
  }
}
