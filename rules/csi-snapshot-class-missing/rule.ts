// csi-snapshot-class-missing: no VolumeSnapshotClass fits a backed-up volume's CSI driver, by the objects or by Velero's own errors.
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { Bundle } from '../../src/model/bundle.js';
import type { KubeObject, ObjectRef } from '../../src/model/kube.js';
import { refKey, refOf } from '../../src/model/kube.js';
import { driverOf, selectionEra, selectSnapshotClass, VSC_DEFAULT_ANNOTATION, VSC_LABEL, VSC_PVC_ANNOTATION } from '../../src/rules/data/csi-snapshot-class.js';
import { pluginFamily } from '../../src/rules/data/plugin-compat.js';
import { backupRef, containerArgs, flagValue, inputCanShow, nameOf, objectEvidence, parseVersion, stringsOf } from '../../src/rules/support.js';
import { plural } from '../../src/util/words.js';

/** CSI snapshots are in use: the feature flag, the CSI plugin, CSI snapshots or data uploads in backups. */
export function csiInUse(bundle: Bundle): boolean {
  const features = flagValue(containerArgs(bundle.workloads.veleroDeployment, 'velero'), 'features') ?? '';
  if (features.split(',').includes('EnableCSI')) return true;
  if (bundle.versions.plugins.some((p) => pluginFamily(p.name) === 'csi' || pluginFamily(p.image ?? '') === 'csi')) return true;
  if (bundle.objects.count('DataUpload') > 0) return true;
  return bundle.objects.list('Backup').some((b) => Number(b.status?.csiVolumeSnapshotsAttempted ?? 0) > 0 || b.spec?.snapshotMoveData === true);
}

/** The namespaces backups and schedules cover: null for "all". */
function coveredNamespaces(bundle: Bundle): { included: Set<string> | null; excluded: Set<string> } {
  const specs = [...bundle.objects.list('Schedule').map((s) => s.spec?.template ?? {}), ...bundle.objects.list('Backup').map((b) => b.spec ?? {})];
  const excluded = new Set<string>();
  let included: Set<string> | null = new Set();
  for (const spec of specs) {
    const inc = stringsOf(spec.includedNamespaces);
    for (const ns of stringsOf(spec.excludedNamespaces)) excluded.add(ns);
    if (inc.length === 0 || inc.includes('*')) included = null;
    else if (included) for (const ns of inc) included.add(ns);
  }
  return { included: specs.length === 0 ? null : included, excluded };
}

interface DriverProblem {
  driver: string;
  reason: string;
  pvcs: KubeObject[];
  storageClasses: Set<string>;
  evidence: Evidence[];
  resources: ObjectRef[];
  logLines: number;
  backups: Set<string>;
}

export const csiSnapshotClassMissing: RuleModule = {
  meta: {
    id: 'csi-snapshot-class-missing',
    title: 'No VolumeSnapshotClass fits the volume’s CSI driver',
    severity: Severity.ERROR,
    category: 'csi',
    summary: 'Velero cannot choose a VolumeSnapshotClass for a backed-up volume’s CSI driver, so its CSI snapshot fails.',
  },
  logPatterns: [
    // Velero ≤ 1.13: velero-plugin-for-csi internal/util/util.go.
    {
      regex: 'failed to get volumesnapshotclass for provisioner (?<driver>[^\\s,\\\\"]+), ensure that the desired volumesnapshot class has the velero\\.io/csi-volumesnapshot-class label',
      literals: ['failed to get volumesnapshotclass for provisioner'],
      velero: '<1.14.0',
    },
    // Velero 1.14–1.16: pkg/util/csi/volume_snapshot.go (a raw string: the rest follows an escaped newline).
    {
      regex: 'failed to get VolumeSnapshotClass for provisioner (?<driver>[^\\s,\\\\"]+),',
      literals: ['failed to get VolumeSnapshotClass for provisioner'],
      velero: '>=1.14.0 <1.17.0',
    },
    // Velero ≥ 1.17: the label or the is-default-class annotation (", ensure" in 1.17, ": ensure" from 1.18).
    {
      regex: 'failed to get VolumeSnapshotClass for provisioner (?<driver>[^\\s,:\\\\"]+)[,:] ensure that the desired VolumeSnapshot ?[Cc]lass has the velero\\.io/csi-volumesnapshot-class label or snapshot\\.storage\\.kubernetes\\.io/is-default-class annotation',
      literals: ['failed to get VolumeSnapshotClass for provisioner'],
      velero: '>=1.17.0',
    },
    {
      regex: 'No CSI VolumeSnapshotClass found with name (?<class>\\S+) for (?:provisioner|driver) (?<driver>[^\\s,:\\\\"]+)',
      literals: ['No CSI VolumeSnapshotClass found'],
    },
    {
      regex: 'Incorrect volumesnapshotclass,? (?:snapshot class )?(?<class>\\S+) is not for driver (?<driver>[^\\s,:\\\\"]+)',
      flags: 'i',
      literals: ['is not for driver'],
    },
  ],
  check(ctx) {
    const { bundle } = ctx;
    const velero = parseVersion(bundle.versions.velero);
    const era = selectionEra(velero);
    const problems = new Map<string, DriverProblem>();
    const problemFor = (driver: string, reason: string): DriverProblem => {
      let p = problems.get(driver);
      if (!p) {
        p = { driver, reason, pvcs: [], storageClasses: new Set(), evidence: [], resources: [], logLines: 0, backups: new Set() };
        problems.set(driver, p);
      }
      return p;
    };

    // Object side: every backed-up CSI volume, against the classes Velero would choose from.
    if (csiInUse(bundle) && inputCanShow(bundle, 'VolumeSnapshotClass') && bundle.objects.count('PersistentVolumeClaim') > 0) {
      const classes = bundle.objects.list('VolumeSnapshotClass');
      const storageClasses = new Map(bundle.objects.list('StorageClass').map((sc) => [sc.metadata.name, sc]));
      const pvs = new Map(bundle.objects.list('PersistentVolume').map((pv) => [pv.metadata.name, pv]));
      const csiDrivers = new Set(bundle.objects.list('CSIDriver').map((d) => d.metadata.name));
      const { included, excluded } = coveredNamespaces(bundle);
      for (const pvc of bundle.objects.list('PersistentVolumeClaim')) {
        const ns = pvc.metadata.namespace ?? '';
        if (excluded.has(ns) || (included && !included.has(ns))) continue;
        if (pvc.status?.phase && pvc.status.phase !== 'Bound') continue;
        const scName = pvc.spec?.storageClassName as string | undefined;
        const sc = scName ? storageClasses.get(scName) : undefined;
        const pv = pvc.spec?.volumeName ? pvs.get(pvc.spec.volumeName) : undefined;
        // Velero snapshots only CSI volumes: the PV says so, else a CSIDriver object names the provisioner.
        const driver: string | undefined = pv ? pv.spec?.csi?.driver : csiDrivers.has(String(sc?.provisioner)) ? String(sc?.provisioner) : undefined;
        if (!driver) continue;
        const named = pvc.metadata.annotations?.[VSC_PVC_ANNOTATION];
        if (named && era !== 'label-only') {
          const cls = classes.find((c) => c.metadata.name === named);
          if (cls && driverOf(cls) === driver) continue;
          const p = problemFor(
            driver,
            cls ? `the PVC annotation names VolumeSnapshotClass ${named}, whose driver is ${driverOf(cls)}` : `the PVC annotation names VolumeSnapshotClass ${named}, which does not exist`,
          );
          p.pvcs.push(pvc);
          if (scName) p.storageClasses.add(scName);
          continue;
        }
        const selection = selectSnapshotClass(driver, classes, era);
        if (selection.picked) continue;
        const names = selection.candidates.map((c) => c.metadata.name);
        const reason =
          selection.candidates.length === 0
            ? 'no VolumeSnapshotClass has that driver'
            : era === 'label-only'
              ? `VolumeSnapshotClass ${names.join(', ')} has that driver but not the ${VSC_LABEL} label, which Velero ${bundle.versions.velero ?? 'before 1.12'} requires`
              : `${names.length} VolumeSnapshotClasses (${names.join(', ')}) have that driver and none carries the ${VSC_LABEL} label${era === 'label-annotation-or-single' ? ` or the ${VSC_DEFAULT_ANNOTATION} annotation` : ''}, so Velero cannot choose`;
        const p = problemFor(driver, reason);
        if (p.evidence.length === 0) for (const c of selection.candidates.slice(0, 2)) p.evidence.push(objectEvidence(bundle, c, { driver: driverOf(c), labels: c.metadata.labels, annotations: c.metadata.annotations }));
        p.pvcs.push(pvc);
        if (scName) p.storageClasses.add(scName);
      }
      for (const p of problems.values()) {
        p.evidence.unshift(...p.pvcs.slice(0, 2).map((pvc) => objectEvidence(bundle, pvc, ['spec.storageClassName', 'spec.volumeName', 'status.phase'])));
        for (const name of p.storageClasses) {
          const sc = storageClasses.get(name);
          if (sc && p.evidence.length < 6) p.evidence.push(objectEvidence(bundle, sc, { provisioner: sc.provisioner }));
        }
        p.resources.push(...p.pvcs.map(refOf));
      }
    }

    // Log side: Velero's own failure to pick a class, per driver (a line two era variants both match counts once).
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      for (const { file, hit } of ctx.hits(i)) {
        const key = `${file.input}:${file.path}:${hit.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const driver = hit.groups.driver ?? 'unknown';
        const p = problemFor(driver, i < 3 ? 'Velero found no VolumeSnapshotClass to use' : i === 3 ? `the VolumeSnapshotClass named for it (${hit.groups.class}) does not exist` : `the VolumeSnapshotClass named for it (${hit.groups.class}) belongs to another driver`);
        p.logLines += 1;
        if (p.evidence.filter((e) => e.line !== undefined).length < 3) p.evidence.push({ file: file.path, line: hit.line, text: hit.text });
        const backup = backupRef(hit.text, bundle.veleroNamespace) ?? (file.owner?.kind === 'Backup' ? { kind: 'Backup', namespace: file.owner.namespace, name: file.owner.name } : undefined);
        if (backup) {
          p.backups.add(backup.name);
          if (!p.resources.some((r) => refKey(r) === refKey(backup))) p.resources.push(backup);
        }
      }
    }

    for (const p of problems.values()) {
      const parts = [`No VolumeSnapshotClass fits CSI driver ${p.driver}: ${p.reason}.`];
      if (p.pvcs.length > 0) {
        parts.push(
          `${plural(p.pvcs.length, 'backed-up PVC')} (${p.pvcs.slice(0, 4).map(nameOf).join(', ')}${p.pvcs.length > 4 ? ', …' : ''})${p.storageClasses.size ? ` of StorageClass ${[...p.storageClasses].join(', ')}` : ''} cannot be snapshotted.`,
        );
      }
      if (p.logLines > 0) parts.push(`Velero logged the failure ${plural(p.logLines, 'time')}${p.backups.size ? ` in backups ${[...p.backups].slice(0, 4).join(', ')}` : ''}.`);
      ctx.report({ message: parts.join(' '), resources: p.resources, evidence: p.evidence, count: Math.max(p.pvcs.length, p.logLines, 1) });
    }
  },
};
