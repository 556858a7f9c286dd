// Which provider-plugin, CSI-plugin and local-volume-provider versions go with which Velero release, from each plugin's README table.
import type semver from 'semver';
import { inRange, parseVersion } from '../support.js';

export type PluginFamily = 'aws' | 'gcp' | 'azure' | 'csi' | 'lvp';

const FAMILY_PATTERNS: [PluginFamily, RegExp][] = [
  ['aws', /(?:^|\/)(?:velero-)?plugin-for-aws(?:[:@]|$)/],
  ['gcp', /(?:^|\/)(?:velero-)?plugin-for-gcp(?:[:@]|$)/],
  ['azure', /(?:^|\/)(?:velero-)?plugin-for-microsoft-azure(?:[:@]|$)/],
  ['csi', /(?:^|\/)(?:velero-)?plugin-for-csi(?:[:@]|$)/],
  ['lvp', /(?:^|\/)local-volume-provider(?:[:@]|$)/],
];

/** The plugin family a plugin name or image belongs to (`velero/velero-plugin-for-aws:v1.9.0` → aws). */
export function pluginFamily(nameOrImage: string): PluginFamily | undefined {
  const text = nameOrImage.toLowerCase();
  return FAMILY_PATTERNS.find(([, re]) => re.test(text))?.[0];
}

/**
 * velero-plugin-for-aws / -gcp / -microsoft-azure README "Compatibility" tables (identical in the three
 * repositories; aws README at v1.14.0-rc.1 lists plugin v1.14.x ↔ Velero v1.18.x): plugin minor = Velero
 * minor − 4 from Velero 1.6; v1.1.x ↔ Velero 1.4–1.5; v1.0.x ↔ Velero 1.2–1.3.
 */
export function expectedProviderPluginMinor(velero: semver.SemVer): string | null {
  if (velero.major !== 1) return null;
  if (velero.minor >= 6) return `1.${velero.minor - 4}`;
  if (velero.minor >= 4) return '1.1';
  if (velero.minor >= 2) return '1.0';
  return null;
}

/**
 * velero-plugin-for-csi README "Compatibility" table (archived after the plugin moved into Velero 1.14).
 * `null` from Velero 1.14: CSI support is built in and the plugin must not be installed.
 */
const CSI_PLUGIN_BY_VELERO_MINOR: Record<number, string> = {
  4: '0.1',
  5: '0.1',
  6: '0.1',
  7: '0.2',
  8: '0.2',
  9: '0.3',
  10: '0.4',
  11: '0.5',
  12: '0.6',
  13: '0.7',
};

export function expectedCsiPluginMinor(velero: semver.SemVer): string | null | undefined {
  if (velero.major !== 1) return undefined;
  if (velero.minor >= 14) return null;
  return CSI_PLUGIN_BY_VELERO_MINOR[velero.minor];
}

/**
 * replicatedhq/local-volume-provider README "Compatibility" table: v0.5.x ↔ Velero 1.10–1.16, v0.4.x ↔ 1.6–1.9.
 * v0.5 moved to the node-agent names of Velero 1.10; the later v0.6 releases (not in the table) keep that
 * range, so "0.5 or later" is what 1.10–1.16 need. No release supports Velero 1.17+: the plugin needs the
 * restic uploader, which 1.17 removed for backups (the README's note; the kots-lvp-kopia-incompatible rule
 * reports the locations that use it).
 */
const LVP_BY_VELERO: readonly { velero: string; plugin: string; label: string }[] = [
  { velero: '>=1.10.0 <1.17.0', plugin: '>=0.5.0', label: '0.5' },
  { velero: '>=1.6.0 <1.10.0', plugin: '>=0.4.0 <0.5.0', label: '0.4' },
];

/** The local-volume-provider row for a Velero release; undefined outside the table (1.17+ included). */
export function lvpRowFor(velero: semver.SemVer): { plugin: string; label: string } | undefined {
  return LVP_BY_VELERO.find((row) => inRange(velero, row.velero));
}

export type PluginVerdict =
  | { kind: 'ok' }
  | { kind: 'unknown' }
  | { kind: 'mismatch'; expected: string }
  | { kind: 'csi-built-in' };

/** Checks one installed plugin version against the Velero version. */
export function checkPlugin(family: PluginFamily, pluginVersion: string | null, velero: semver.SemVer): PluginVerdict {
  if (family === 'csi') {
    const expected = expectedCsiPluginMinor(velero);
    if (expected === null) return { kind: 'csi-built-in' };
    const plugin = parseVersion(pluginVersion);
    if (expected === undefined || !plugin) return { kind: 'unknown' };
    return `${plugin.major}.${plugin.minor}` === expected ? { kind: 'ok' } : { kind: 'mismatch', expected };
  }
  if (family === 'lvp') {
    const row = lvpRowFor(velero);
    const plugin = parseVersion(pluginVersion);
    if (!row || !plugin) return { kind: 'unknown' };
    return inRange(plugin, row.plugin) ? { kind: 'ok' } : { kind: 'mismatch', expected: row.label };
  }
  const expected = expectedProviderPluginMinor(velero);
  const plugin = parseVersion(pluginVersion);
  if (!expected || !plugin) return { kind: 'unknown' };
  return `${plugin.major}.${plugin.minor}` === expected ? { kind: 'ok' } : { kind: 'mismatch', expected };
}
