// The Velero ↔ Kubernetes compatibility matrix, as each Velero release's README publishes it, plus hard API minimums.
import semver from 'semver';
import { inRange } from '../support.js';

export interface VeleroKubernetesRow {
  /** The Velero versions the row covers (a semver range). */
  velero: string;
  /** Lowest Kubernetes minor the README names as expected to work. */
  minKubernetes: string;
  /** Highest Kubernetes minor expected to work, where the README bounds it. */
  maxKubernetes?: string;
  /** The Kubernetes versions the release was tested on. */
  tested: string[];
  source: string;
}

/**
 * Sources: the "Velero compatibility matrix" section of vmware-tanzu/velero README.md at the tag of each
 * release (README@v1.8.0 for 1.4–1.8, README@v1.9.0 … README@v1.15.0, README@HEAD for 1.16–1.18).
 * Velero 1.8–1.10 were listed as "1.16-latest" in their own README (1.18-latest in later ones); the
 * release's own statement is kept. 1.10+ install only apiextensions.k8s.io/v1 CRDs (upgrade-to-1.10.md).
 */
export const VELERO_KUBERNETES: readonly VeleroKubernetesRow[] = [
  { velero: '~1.18.0', minKubernetes: '1.18', tested: ['1.33.7', '1.34.1', '1.35.0'], source: 'README@HEAD' },
  { velero: '~1.17.0', minKubernetes: '1.18', tested: ['1.31.7', '1.32.3', '1.33.1', '1.34.0'], source: 'README@HEAD' },
  { velero: '~1.16.0', minKubernetes: '1.18', tested: ['1.31.4', '1.32.3', '1.33.0'], source: 'README@HEAD' },
  { velero: '~1.15.0', minKubernetes: '1.18', tested: ['1.28.8', '1.29.8', '1.30.4', '1.31.1'], source: 'README@v1.15.0' },
  { velero: '~1.14.0', minKubernetes: '1.18', tested: ['1.27.9', '1.28.9', '1.29.4'], source: 'README@v1.14.0' },
  { velero: '~1.13.0', minKubernetes: '1.18', tested: ['1.26.5', '1.27.3', '1.27.8', '1.28.3'], source: 'README@v1.13.0' },
  { velero: '~1.12.0', minKubernetes: '1.18', tested: ['1.25.7', '1.26.5', '1.26.7', '1.27.3'], source: 'README@v1.12.0' },
  { velero: '~1.11.0', minKubernetes: '1.18', tested: ['1.23.10', '1.24.9', '1.25.5', '1.26.1'], source: 'README@v1.11.0' },
  { velero: '~1.10.0', minKubernetes: '1.16', tested: ['1.22.5', '1.23.8', '1.24.6', '1.25.1'], source: 'README@v1.10.0' },
  { velero: '~1.9.0', minKubernetes: '1.16', tested: ['1.20.5', '1.21.2', '1.22.5', '1.23.0', '1.24.0'], source: 'README@v1.9.0' },
  { velero: '~1.8.0', minKubernetes: '1.16', tested: [], source: 'README@v1.8.0' },
  { velero: '>=1.6.3 <1.8.0', minKubernetes: '1.12', tested: [], source: 'README@v1.8.0' },
  { velero: '>=1.6.0 <1.6.3', minKubernetes: '1.12', maxKubernetes: '1.21', tested: [], source: 'README@v1.8.0' },
  { velero: '~1.5.0', minKubernetes: '1.12', maxKubernetes: '1.21', tested: [], source: 'README@v1.8.0' },
  { velero: '~1.4.0', minKubernetes: '1.10', maxKubernetes: '1.21', tested: [], source: 'README@v1.8.0' },
];

/** Releases newer than the table: the last row's expectations carry over (the README keeps "1.18-latest"). */
const NEWER_THAN_TABLE: VeleroKubernetesRow = { velero: '>=1.19.0', minKubernetes: '1.18', tested: [], source: 'README@HEAD' };

export type KubernetesVerdict =
  | { kind: 'below'; row: VeleroKubernetesRow }
  | { kind: 'above'; row: VeleroKubernetesRow }
  | { kind: 'newer-than-tested'; row: VeleroKubernetesRow; newestTested: string }
  | { kind: 'ok'; row: VeleroKubernetesRow }
  | { kind: 'unknown' };

function minorNumber(version: string): [number, number] {
  const v = semver.coerce(version);
  return v ? [v.major, v.minor] : [0, 0];
}

function compareMinor(a: string, b: string): number {
  const [am, an] = minorNumber(a);
  const [bm, bn] = minorNumber(b);
  return am - bm || an - bn;
}

export function rowFor(velero: semver.SemVer): VeleroKubernetesRow | undefined {
  if (inRange(velero, NEWER_THAN_TABLE.velero)) return NEWER_THAN_TABLE;
  return VELERO_KUBERNETES.find((row) => inRange(velero, row.velero));
}

/** Where a Kubernetes version stands against what a Velero release expects. */
export function checkVeleroKubernetes(velero: semver.SemVer, kubernetes: semver.SemVer): KubernetesVerdict {
  const row = rowFor(velero);
  if (!row) return { kind: 'unknown' };
  const kube = `${kubernetes.major}.${kubernetes.minor}`;
  if (compareMinor(kube, row.minKubernetes) < 0) return { kind: 'below', row };
  if (row.maxKubernetes && compareMinor(kube, row.maxKubernetes) > 0) return { kind: 'above', row };
  const newest = [...row.tested].sort(compareMinor).at(-1);
  if (newest && compareMinor(kube, newest) > 0) return { kind: 'newer-than-tested', row, newestTested: newest };
  return { kind: 'ok', row };
}

/** The Kubernetes range a row states, in the README's words. */
export function describeRange(row: VeleroKubernetesRow): string {
  return row.maxKubernetes ? `${row.minKubernetes}–${row.maxKubernetes}` : `${row.minKubernetes}-latest`;
}

/** CSI snapshots use snapshot.storage.k8s.io/v1 from Velero 1.9 (CSI plugin v0.3.0), served from Kubernetes 1.20 (csi.md). */
export const CSI_V1_MIN_KUBERNETES = '1.20';
export const CSI_V1_MIN_VELERO = '>=1.9.0';
