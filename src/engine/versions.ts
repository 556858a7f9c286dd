// Version checks: semver ranges against the loosely written versions bundles carry (`v1.13.2`, `1.29.4-eks-…`).
import semver from 'semver';

/** Checks a range at load time; returns a message when it is not a semver range. */
export function checkRange(range: string): string | undefined {
  return semver.validRange(range, { loose: true }) === null ? `invalid semver range "${range}"` : undefined;
}

/** True when the version is known and within the range (pre-releases count as their release). */
export function versionSatisfies(version: string | null | undefined, range: string): boolean {
  if (!version) return false;
  const coerced = semver.coerce(version, { includePrerelease: false });
  if (!coerced) return false;
  return semver.satisfies(coerced, range, { includePrerelease: true, loose: true });
}

/** A message variant applies to the bundle's version, or to every bundle whose version is unknown. */
export function variantApplies(range: string | undefined, version: string | null | undefined): boolean {
  if (range === undefined || !version || !semver.coerce(version)) return true;
  return versionSatisfies(version, range);
}
