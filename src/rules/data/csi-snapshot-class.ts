// How Velero picks a VolumeSnapshotClass for a CSI driver, per era, so that a rule can predict a failed pick.
import type semver from 'semver';
import type { KubeObject } from '../../model/kube.js';
import { inRange } from '../support.js';

export const VSC_LABEL = 'velero.io/csi-volumesnapshot-class';
export const VSC_DEFAULT_ANNOTATION = 'snapshot.storage.kubernetes.io/is-default-class';
/** PVC annotation naming the class (CSI plugin v0.6 / Velero 1.12+). */
export const VSC_PVC_ANNOTATION = 'velero.io/csi-volumesnapshot-class';
/** Backup annotation prefix naming the class per driver: `velero.io/csi-volumesnapshot-class_<driver>` (1.12+). */
export const VSC_BACKUP_ANNOTATION_PREFIX = 'velero.io/csi-volumesnapshot-class_';

export type SelectionEra = 'label-only' | 'label-or-single' | 'label-annotation-or-single';

/**
 * Selection rules, read from the source at each tag:
 * - velero-plugin-for-csi ≤ v0.5 (Velero ≤ 1.11), internal/util/util.go: a class whose driver matches and that
 *   carries the label (any value);
 * - plugin v0.6–v0.7 (Velero 1.12–1.13) and Velero 1.14–1.16 pkg/util/csi/volume_snapshot.go: the labelled
 *   class, else the only class of that driver;
 * - Velero ≥ 1.17: the labelled class, else one with the is-default-class annotation (present, any value),
 *   else the only class of that driver.
 * An unknown Velero version gets the most lenient (newest) rules, so that the rule never guesses a failure.
 */
export function selectionEra(velero: semver.SemVer | null): SelectionEra {
  if (!velero || inRange(velero, '>=1.17.0')) return 'label-annotation-or-single';
  if (inRange(velero, '>=1.12.0')) return 'label-or-single';
  return 'label-only';
}

export function driverOf(vsc: KubeObject): string | undefined {
  const driver = (vsc as { driver?: unknown }).driver ?? vsc.spec?.driver;
  return typeof driver === 'string' ? driver : undefined;
}

export interface Selection {
  /** The class Velero would use, if any. */
  picked?: KubeObject;
  /** Every class of that driver. */
  candidates: KubeObject[];
}

/** The VolumeSnapshotClass Velero would choose for a driver, given every class in the cluster. */
export function selectSnapshotClass(driver: string, classes: KubeObject[], era: SelectionEra): Selection {
  const candidates = classes.filter((c) => driverOf(c) === driver);
  const labelled = candidates.find((c) => c.metadata.labels?.[VSC_LABEL] !== undefined);
  if (labelled) return { picked: labelled, candidates };
  if (era === 'label-annotation-or-single') {
    const annotated = candidates.find((c) => c.metadata.annotations?.[VSC_DEFAULT_ANNOTATION] !== undefined);
    if (annotated) return { picked: annotated, candidates };
  }
  if (era !== 'label-only' && candidates.length === 1) return { picked: candidates[0], candidates };
  return { candidates };
}
