// bsl-missing: there is no BackupStorageLocation, or none is the default (and the server's default name matches none).
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import { refOf } from '../../src/model/kube.js';
import { containerArgs, flagValue, hasKots, inputCanShow, isTrue, listOf, nameOf, objectEvidence } from '../../src/rules/support.js';
import { plural } from '../../src/util/words.js';

// 1.6–1.14 write "wasn't … the server default 'x' doesn't exist" / "the default 'x' wasn't found";
// later versions "was not … the server default x does not exist" / "the default x was not found".
const NO_DEFAULT_VALIDATION_SOURCE =
  "backup storage location (?:was not|wasn't) specified at backup creation time and the (?:server )?default '?(?<location>[^\\s']+)'? (?:does not exist|doesn't exist|was not found|wasn't found)";
const NO_DEFAULT_VALIDATION = new RegExp(NO_DEFAULT_VALIDATION_SOURCE);

export const bslMissing: RuleModule = {
  meta: {
    id: 'bsl-missing',
    title: 'No backup storage location, or none is the default',
    severity: Severity.ERROR,
    category: 'storage',
    summary: 'There is no BackupStorageLocation, or none is marked default and backups that name no location have nowhere to go.',
    otherSeverities: [
      { severity: Severity.CRITICAL, when: 'when there is no BackupStorageLocation at all (or the server log says it finds none)' },
      { severity: Severity.WARNING, when: 'when only the server log tells, warning that no location is set as default' },
      { severity: Severity.INFO, when: "when none is marked default but the server's --default-backup-storage-location names one that exists" },
    ],
  },
  logPatterns: [
    {
      regex: 'No BackupStorageLocations found, at least one is required',
      literals: ['No BackupStorageLocations found'],
      components: ['server'],
    },
    {
      regex: 'There is no existing (?:BackupStorageLocation|backup storage location) set as default',
      flags: 'i',
      literals: ['set as default'],
      components: ['server'],
    },
    {
      regex: `an existing ${NO_DEFAULT_VALIDATION_SOURCE}`,
      literals: ['specified at backup creation time'],
    },
  ],
  check(ctx) {
    const { bundle } = ctx;
    const locations = bundle.objects.list('BackupStorageLocation');
    const canShow = inputCanShow(bundle, 'BackupStorageLocation');
    const server = bundle.workloads.veleroDeployment;
    const serverDefault = flagValue(containerArgs(server, 'velero'), 'default-backup-storage-location') ?? 'default';
    const kots = hasKots(bundle);
    const logEvidence = (indexes: number[]): Evidence[] =>
      indexes.flatMap((i) => ctx.hits(i).slice(0, 2).map(({ file, hit }) => ({ file: file.path, line: hit.line, text: hit.text })));

    if (canShow && locations.length === 0) {
      const evidence = logEvidence([0, 1, 2]);
      if (server) evidence.unshift(objectEvidence(bundle, server, { image: listOf<{ image?: string } | null>(server.spec?.template?.spec?.containers)[0]?.image }));
      if (evidence.length === 0) evidence.push({ file: 'custom-resources/backupstoragelocations.velero.io', text: 'no BackupStorageLocation in the input' });
      ctx.report({
        message: `There is no BackupStorageLocation${bundle.veleroNamespace ? ` in namespace ${bundle.veleroNamespace}` : ''}: Velero has nowhere to write backups${kots ? ', and KOTS reports "no backup store location found"' : ''}.`,
        severity: Severity.CRITICAL,
        evidence,
      });
      return;
    }

    if (locations.length > 0) {
      if (locations.some((l) => isTrue(l.spec?.default))) return;
      const named = locations.find((l) => l.metadata.name === serverDefault);
      const evidence = [...locations.slice(0, 3).map((l) => objectEvidence(bundle, l, ['spec.default', 'spec.provider', 'spec.objectStorage.bucket', 'status.phase'])), ...logEvidence([1, 2])];
      const list = locations.map((l) => l.metadata.name).join(', ');
      if (kots && !locations.some((l) => l.metadata.name === 'default')) {
        ctx.report({
          message: `No BackupStorageLocation is named "default" (found: ${list}); KOTS writes every snapshot to "default" and fails with "no backup store location found".`,
          resources: locations.map(refOf),
          evidence,
        });
        return;
      }
      if (named) {
        ctx.report({
          message: `No BackupStorageLocation is marked default (${list}); backups that name no location still go to ${nameOf(named)} through the server's --default-backup-storage-location=${serverDefault}, but Velero warns about it every minute.`,
          severity: Severity.INFO,
          resources: locations.map(refOf),
          evidence,
          remediation: `Mark it default: \`velero backup-location set ${named.metadata.name} --default\`.`,
        });
        return;
      }
      ctx.report({
        message: `No BackupStorageLocation is marked default (${list}), and none is named "${serverDefault}" (the server's --default-backup-storage-location): backups that name no location fail validation.`,
        resources: locations.map(refOf),
        evidence,
      });
      return;
    }

    // The input cannot show locations: only Velero's own words count (server log, validation errors).
    const refused = bundle.objects
      .list('Backup')
      .filter((b) => listOf(b.status?.validationErrors).some((e) => NO_DEFAULT_VALIDATION.test(String(e))));
    if (ctx.hitCount(0) > 0) {
      ctx.report({ message: 'The Velero server finds no BackupStorageLocation ("No BackupStorageLocations found, at least one is required").', severity: Severity.CRITICAL, evidence: logEvidence([0]), count: ctx.hitCount(0) });
    } else if (refused.length > 0) {
      const location = NO_DEFAULT_VALIDATION.exec(String(listOf(refused[0]?.status?.validationErrors)[0] ?? ''))?.groups?.location;
      ctx.report({
        message: `${plural(refused.length, 'Backup')} (${refused.slice(0, 5).map(nameOf).join(', ')}) failed validation: no location was given and the server default${location ? ` "${location}"` : ''} does not exist.`,
        resources: refused.map(refOf),
        evidence: [...refused.slice(0, 3).map((b) => objectEvidence(bundle, b, ['status.phase', 'status.validationErrors'])), ...logEvidence([2, 1])],
        count: refused.length,
      });
    } else if (ctx.hitCount(2) > 0) {
      const location = ctx.hits(2)[0]?.hit.groups.location;
      ctx.report({ message: `Backups failed validation because no location was given and the server default${location ? ` ${location}` : ''} does not exist.`, evidence: logEvidence([2, 1]), count: ctx.hitCount(2) });
    } else if (ctx.hitCount(1) > 0) {
      ctx.report({ message: 'The Velero server warns that no BackupStorageLocation is set as default.', severity: Severity.WARNING, evidence: logEvidence([1]), count: ctx.hitCount(1) });
    }
  },
};
