// restic-deprecated: restic is used where Velero deprecated it (1.15–1.16), removed it for backups (1.17+) or for restores (1.19+).
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { KubeObject } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import { containerArgs, flagValue, hasKots, inRange, nameOf, objectEvidence, parseVersion } from '../../src/rules/support.js';

function isResticRepository(repo: KubeObject): boolean {
  return repo.kind === 'ResticRepository' || repo.spec?.repositoryType === 'restic' || repo.metadata.labels?.['velero.io/repository-type'] === 'restic';
}

export const resticDeprecated: RuleModule = {
  meta: {
    id: 'restic-deprecated',
    title: 'restic is used where Velero deprecated or removed it',
    severity: Severity.WARNING,
    category: 'fs-backup',
    summary: 'The restic uploader is configured or holds backup data on a Velero version that deprecated (1.15–1.16) or removed it (backups from 1.17, restores from 1.19).',
    otherSeverities: [
      { severity: Severity.ERROR, when: 'when the server is configured with the restic uploader on Velero 1.17 or later, which rejects it' },
      { severity: Severity.CRITICAL, when: 'on Velero 1.19 or later, which cannot restore the restic data that remains' },
    ],
    explainedBy: ['uploader-type-invalid'],
  },
  logPatterns: [
    { regex: "Uploader 'restic' is deprecated", literals: ["Uploader 'restic' is deprecated"] },
    { regex: "invalid uploader type 'restic', valid type: 'kopia'", literals: ["invalid uploader type 'restic'"] },
  ],
  check(ctx) {
    const { bundle } = ctx;
    const velero = parseVersion(bundle.versions.velero);
    const server = bundle.workloads.veleroDeployment;
    const args = containerArgs(server, 'velero');
    const resticArg = server && flagValue(args, 'uploader-type') === 'restic';
    const repos = bundle.objects.list('BackupRepository').filter(isResticRepository);
    const pvbs = bundle.objects.list('PodVolumeBackup').filter((p) => p.spec?.uploaderType === 'restic');
    const deprecatedLines = ctx.hitCount(0);
    const rejectedLines = ctx.hitCount(1);
    const hasData = repos.length > 0 || pvbs.length > 0;
    if (!resticArg && !hasData && deprecatedLines + rejectedLines === 0) return;

    // Which era: the version, else what the log lines say.
    const era = velero
      ? inRange(velero, '>=1.19.0')
        ? 'restore-removed'
        : inRange(velero, '>=1.17.0')
          ? 'backup-removed'
          : inRange(velero, '>=1.15.0')
            ? 'deprecated'
            : 'supported'
      : rejectedLines > 0
        ? 'backup-removed'
        : deprecatedLines > 0
          ? 'deprecated'
          : 'supported';
    if (era === 'supported') return;

    const evidence: Evidence[] = [];
    for (const i of [1, 0]) for (const { file, hit } of ctx.hits(i).slice(0, 2)) evidence.push({ file: file.path, line: hit.line, text: hit.text });
    if (resticArg && server) evidence.push(objectEvidence(bundle, server, { args: args.join(' ') }));
    for (const repo of repos.slice(0, 2)) evidence.push(objectEvidence(bundle, repo, ['spec.repositoryType', 'spec.volumeNamespace', 'spec.backupStorageLocation', 'status.phase']));
    for (const pvb of pvbs.slice(0, 2)) evidence.push(objectEvidence(bundle, pvb, ['spec.uploaderType', 'spec.pod.name', 'spec.volume', 'status.phase']));
    const backups = [...new Set(pvbs.map((p) => p.metadata.labels?.['velero.io/backup-name']).filter((b): b is string => Boolean(b)))];
    const resources = [...(resticArg && server ? [refOf(server)] : []), ...repos.map(refOf)];

    const v = bundle.versions.velero ? `Velero ${bundle.versions.velero}` : 'This Velero version';
    const dataText = [
      repos.length ? `${repos.length} restic repositor${repos.length === 1 ? 'y' : 'ies'} (${repos.slice(0, 3).map(nameOf).join(', ')})` : '',
      pvbs.length ? `${pvbs.length} restic PodVolumeBackups${backups.length ? ` of backups ${backups.slice(0, 4).join(', ')}${backups.length > 4 ? ', …' : ''}` : ''}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    const kots = hasKots(bundle) ? ' KOTS before 1.130.7 configures restic; upgrade KOTS before moving to Velero 1.17.' : '';
    const count = Math.max(1, Number(Boolean(resticArg)) + repos.length + pvbs.length + deprecatedLines + rejectedLines);

    if (era === 'deprecated') {
      ctx.report({
        message: `${v} deprecates the restic uploader, and it is still in use: ${[resticArg ? 'the server runs with --uploader-type=restic' : '', dataText].filter(Boolean).join('; ') || 'the server warns that restic is deprecated'}. Velero 1.17 rejects restic backups and 1.19 cannot restore them.${kots}`,
        resources,
        evidence,
        count,
      });
      return;
    }
    if (resticArg || rejectedLines > 0) {
      ctx.report({
        message: `${v} removed the restic uploader for backups, but the server is configured with --uploader-type=restic: it rejects the flag ("invalid uploader type 'restic'") and does not start.${kots}`,
        severity: Severity.ERROR,
        resources,
        evidence,
        count,
      });
      return;
    }
    if (era === 'restore-removed') {
      ctx.report({
        message: `${v} cannot restore volume data written by restic, and ${dataText} remain: those backups' volumes cannot be restored with this version.`,
        severity: Severity.CRITICAL,
        resources: [...resources, ...backups.map((name) => ({ kind: 'Backup', namespace: bundle.veleroNamespace ?? undefined, name }))],
        evidence,
        count,
      });
      return;
    }
    ctx.report({
      message: `${v} no longer takes restic backups; ${dataText} remain, restorable with Velero 1.17 and 1.18 only. Keep a version ≤ 1.18 until kopia backups replace them.`,
      resources,
      evidence,
      count,
    });
  },
};
