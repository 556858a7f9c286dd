// Which Velero versions each KOTS version supports, from Replicated's documentation.
import semver from 'semver';
import { inRange } from '../support.js';

export interface KotsVeleroRow {
  /** The first KOTS version the row applies to ("X and later" until the next row). */
  kotsFrom: string;
  /** Supported Velero versions, as a semver range. */
  velero: string;
  /** The range in the documentation's words. */
  label: string;
  source: string;
}

/**
 * replicatedhq/replicated-docs `docs/partials/snapshots/_velero-compatibility.mdx` at HEAD 3187d2dd6
 * (rows from KOTS 1.117.3 on), and the historical rows removed in docs commit a7e1d2813 and earlier
 * revisions (KOTS 1.15–1.94.x). The partial also states that Velero 1.19 is not supported.
 * Newest first.
 */
export const KOTS_VELERO: readonly KotsVeleroRow[] = [
  { kotsFrom: '1.130.7', velero: '>=1.11.0 <1.19.0', label: '1.11.0 to 1.18.x', source: '_velero-compatibility.mdx@3187d2dd6' },
  { kotsFrom: '1.125.2', velero: '>=1.11.0 <=1.16.2', label: '1.11.0 to 1.16.2', source: '_velero-compatibility.mdx@3187d2dd6' },
  { kotsFrom: '1.125.0', velero: '>=1.11.0 <=1.16.1', label: '1.11.0 to 1.16.1', source: '_velero-compatibility.mdx@3187d2dd6' },
  { kotsFrom: '1.124.18', velero: '>=1.11.0 <=1.16.0', label: '1.11.0 to 1.16.0', source: '_velero-compatibility.mdx@3187d2dd6' },
  { kotsFrom: '1.124.0', velero: '>=1.11.0 <=1.15.2', label: '1.11.0 to 1.15.2', source: '_velero-compatibility.mdx@3187d2dd6' },
  { kotsFrom: '1.123.1', velero: '>=1.11.0 <=1.15.1', label: '1.11.0 to 1.15.1', source: '_velero-compatibility.mdx@3187d2dd6' },
  { kotsFrom: '1.117.3', velero: '>=1.11.0 <=1.14.1', label: '1.11.0 to 1.14.1', source: '_velero-compatibility.mdx@3187d2dd6' },
  { kotsFrom: '1.94.1', velero: '>=1.6.0 <1.13.0', label: '1.6.x through 1.12.x', source: '_velero-compatibility.mdx before a7e1d2813' },
  { kotsFrom: '1.20.3', velero: '>=1.5.1 <1.10.0', label: '1.5.1 through 1.9.x', source: '_velero-compatibility.mdx before a7e1d2813' },
  { kotsFrom: '1.15.0', velero: '>=1.2.0 <1.3.0', label: '1.2.0', source: '_velero-compatibility.mdx before a7e1d2813' },
];

/** The row that applies to a KOTS version, or undefined for KOTS older than the table. */
export function kotsRowFor(kots: semver.SemVer): KotsVeleroRow | undefined {
  const plain = `${kots.major}.${kots.minor}.${kots.patch}`;
  return KOTS_VELERO.find((row) => semver.gte(plain, row.kotsFrom));
}

export type KotsVerdict =
  | { kind: 'ok'; row: KotsVeleroRow }
  | { kind: 'too-new'; row: KotsVeleroRow }
  | { kind: 'too-old'; row: KotsVeleroRow }
  | { kind: 'unknown' };

export function checkKotsVelero(kots: semver.SemVer, velero: semver.SemVer): KotsVerdict {
  const row = kotsRowFor(kots);
  if (!row) return { kind: 'unknown' };
  if (inRange(velero, row.velero)) return { kind: 'ok', row };
  const min = semver.minVersion(row.velero);
  const plain = `${velero.major}.${velero.minor}.${velero.patch}`;
  return min && semver.lt(plain, min) ? { kind: 'too-old', row } : { kind: 'too-new', row };
}

/** The first KOTS version whose documented range includes this Velero version, if any. */
export function firstKotsSupporting(velero: semver.SemVer): string | undefined {
  return [...KOTS_VELERO].reverse().find((row) => inRange(velero, row.velero))?.kotsFrom;
}

/** KOTS' own check (Admin Console): "To use snapshots reliably, install Velero version 1.5.1 or greater". */
export const KOTS_MIN_VELERO = '1.5.1';
