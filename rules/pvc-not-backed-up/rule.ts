// pvc-not-backed-up: PVCs in a backup's scope whose data no PodVolumeBackup, DataUpload or snapshot of that backup holds.
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { Bundle } from '../../src/model/bundle.js';
import type { KubeObject } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import { byLabel, inputCanShow, isTrue, listOf, nameOf, objectEvidence, stringsOf, timeOf } from '../../src/rules/support.js';
import { plural } from '../../src/util/words.js';

type Selector = { matchLabels?: Record<string, string> };

function selectorMatches(labels: Record<string, string> | undefined, selector: Selector): boolean {
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
}

/** Whether a backup's namespace and label filters take in this PVC. */
function inScope(backup: KubeObject, pvc: KubeObject, veleroNamespace: string | null): boolean {
  const spec = backup.spec ?? {};
  const ns = pvc.metadata.namespace ?? '';
  if (ns === veleroNamespace || ns === 'kube-system') return false;
  const included = stringsOf(spec.includedNamespaces);
  if (included.length > 0 && !included.includes('*') && !included.includes(ns)) return false;
  if (stringsOf(spec.excludedNamespaces).includes(ns)) return false;
  if (isTrue(pvc.metadata.labels?.['velero.io/exclude-from-backup'])) return false;
  if (spec.labelSelector && typeof spec.labelSelector === 'object' && !selectorMatches(pvc.metadata.labels, spec.labelSelector as Selector)) return false;
  const or = listOf<Selector>(spec.orLabelSelectors).filter((s) => s && typeof s === 'object');
  if (or.length > 0 && !or.some((s) => selectorMatches(pvc.metadata.labels, s))) return false;
  return true;
}

interface Mount {
  pod: KubeObject;
  volume: string;
}

/** Pods mounting each PVC, by `namespace/claim`. */
function mountsByClaim(bundle: Bundle): Map<string, Mount[]> {
  const map = new Map<string, Mount[]>();
  for (const pod of bundle.objects.list('Pod')) {
    for (const v of listOf<{ name?: string; persistentVolumeClaim?: { claimName?: string } } | null>(pod.spec?.volumes)) {
      if (!v || typeof v !== 'object') continue;
      const claim = v.persistentVolumeClaim?.claimName;
      if (!claim || !v.name) continue;
      const key = `${pod.metadata.namespace}/${claim}`;
      const list = map.get(key);
      if (list) list.push({ pod, volume: v.name });
      else map.set(key, [{ pod, volume: v.name }]);
    }
  }
  return map;
}

function listAnnotation(obj: KubeObject, key: string): string[] {
  const value = obj.metadata.annotations?.[key];
  return (typeof value === 'string' ? value : '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export const pvcNotBackedUp: RuleModule = {
  meta: {
    id: 'pvc-not-backed-up',
    title: 'Volumes in the backup’s scope are not backed up',
    severity: Severity.WARNING,
    category: 'backup',
    summary: 'The newest backup of a schedule takes in namespaces whose PVCs no PodVolumeBackup, DataUpload or snapshot of that backup holds.',
    explainedBy: ['node-agent-missing', 'csi-snapshot-class-missing', 'kots-instance-backup-missing-app'],
  },
  check(ctx) {
    const { bundle } = ctx;
    if (!inputCanShow(bundle, 'PersistentVolumeClaim') || !inputCanShow(bundle, 'PodVolumeBackup')) return;
    const pvcs = bundle.objects.list('PersistentVolumeClaim').filter((p) => !p.status?.phase || p.status.phase === 'Bound');
    if (pvcs.length === 0) return;
    const mounts = mountsByClaim(bundle);

    // The newest backup that finished with data, per schedule (manual backups form one group).
    const newest = new Map<string, KubeObject>();
    for (const b of bundle.objects.list('Backup')) {
      if (!['Completed', 'PartiallyFailed'].includes(String(b.status?.phase))) continue;
      const key = b.metadata.labels?.['velero.io/schedule-name'] ?? '';
      const current = newest.get(key);
      if (!current || (timeOf(b.status?.startTimestamp) ?? 0) > (timeOf(current.status?.startTimestamp) ?? 0)) newest.set(key, b);
    }

    for (const backup of newest.values()) {
      const name = backup.metadata.name;
      const started = timeOf(backup.status?.startTimestamp) ?? timeOf(backup.metadata.creationTimestamp) ?? Infinity;
      const ofBackup = (kind: string) => byLabel(bundle, kind, 'velero.io/backup-name', name);
      const pvbs = ofBackup('PodVolumeBackup');
      const uploads = ofBackup('DataUpload');
      const snapshots = Number(backup.status?.volumeSnapshotsCompleted ?? 0) + Number(backup.status?.csiVolumeSnapshotsCompleted ?? 0);
      const uncovered: { pvc: KubeObject; why: string }[] = [];
      for (const pvc of pvcs) {
        if (!inScope(backup, pvc, bundle.veleroNamespace)) continue;
        if ((timeOf(pvc.metadata.creationTimestamp) ?? 0) > started) continue;
        const ns = pvc.metadata.namespace;
        const claimMounts = mounts.get(`${ns}/${pvc.metadata.name}`) ?? [];
        const byPvb = pvbs.some(
          (p) =>
            (pvc.metadata.uid && p.metadata.labels?.['velero.io/pvc-uid'] === pvc.metadata.uid) ||
            claimMounts.some((m) => p.spec?.pod?.name === m.pod.metadata.name && p.spec?.pod?.namespace === ns && p.spec?.volume === m.volume),
        );
        const byUpload = uploads.some((u) => u.spec?.sourcePVC === pvc.metadata.name && u.spec?.sourceNamespace === ns);
        if (byPvb || byUpload) continue;
        const optedOut = claimMounts.some((m) => listAnnotation(m.pod, 'backup.velero.io/backup-volumes-excludes').includes(m.volume));
        if (optedOut) continue;
        const optedIn = claimMounts.some((m) => listAnnotation(m.pod, 'backup.velero.io/backup-volumes').includes(m.volume));
        const why =
          claimMounts.length === 0
            ? 'no pod mounts it'
            : optedIn
              ? `opted in for file-system backup by ${nameOf(claimMounts[0]!.pod)}, but no PodVolumeBackup was made`
              : `mounted by ${nameOf(claimMounts[0]!.pod)} as volume ${claimMounts[0]!.volume}, not listed in backup.velero.io/backup-volumes`;
        uncovered.push({ pvc, why });
      }
      // Snapshot counts are not per PVC: when they could account for every uncovered PVC, say nothing.
      if (uncovered.length === 0 || uncovered.length <= snapshots) continue;
      const schedule = backup.metadata.labels?.['velero.io/schedule-name'];
      let message = `Backup ${nameOf(backup)}${schedule ? ` (schedule ${schedule})` : ''} holds no volume data for ${plural(uncovered.length, 'PVC')} in its scope: ${uncovered
        .slice(0, 4)
        .map((u) => `${nameOf(u.pvc)} (${u.why})`)
        .join('; ')}${uncovered.length > 4 ? '; …' : ''}.`;
      if (snapshots > 0) message += ` Its ${snapshots} volume snapshots may cover some of them.`;
      if (backup.spec?.snapshotVolumes === false) message += ' The backup sets snapshotVolumes: false.';
      const evidence: Evidence[] = [
        objectEvidence(bundle, backup, ['status.phase', 'spec.includedNamespaces', 'spec.snapshotVolumes', 'spec.defaultVolumesToFsBackup', 'status.volumeSnapshotsCompleted', 'status.csiVolumeSnapshotsCompleted']),
        ...uncovered.slice(0, 3).map((u) => objectEvidence(bundle, u.pvc, ['spec.storageClassName', 'spec.volumeName', 'status.phase'])),
      ];
      ctx.report({ message, resources: [refOf(backup), ...uncovered.map((u) => refOf(u.pvc))], evidence, count: uncovered.length });
    }
  },
};
