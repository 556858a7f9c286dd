// node-agent-missing: file-system backup is used or requested, but no node-agent (restic) DaemonSet exists.
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { Bundle } from '../../src/model/bundle.js';
import type { KubeObject, ObjectRef } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import { containerArgs, flagValue, hasKots, inputCanShow, inRange, isTrue, nameOf, objectEvidence, parseVersion } from '../../src/rules/support.js';
import { plural } from '../../src/util/words.js';

interface Signal {
  what: string;
  evidence: Evidence;
  resources: ObjectRef[];
  /** Only the presence of KOTS suggests file-system backup: weaker than a request on an object. */
  weak?: boolean;
}

function requestsFsBackup(spec: unknown): boolean {
  const s = (spec ?? {}) as Record<string, unknown>;
  return isTrue(s.defaultVolumesToFsBackup) || isTrue(s.defaultVolumesToRestic);
}

/** Every sign in the bundle that pod volumes are, or are meant to be, backed up through the node-agent. */
export function fsBackupSignals(bundle: Bundle): Signal[] {
  const signals: Signal[] = [];
  const some = <T>(list: T[], n = 3) => list.slice(0, n);

  const pvbs = bundle.objects.list('PodVolumeBackup');
  if (pvbs.length > 0) {
    const stuck = pvbs.filter((p) => !p.status?.phase || p.status.phase === 'New');
    signals.push({
      what: `${plural(pvbs.length, 'PodVolumeBackup')} ${pvbs.length === 1 ? 'exists' : 'exist'}${stuck.length ? ` (${stuck.length} still New: no node-agent picked ${stuck.length === 1 ? 'it' : 'them'} up)` : ''}`,
      evidence: objectEvidence(bundle, stuck[0] ?? pvbs[0]!, ['spec.pod.name', 'spec.volume', 'spec.node', 'status.phase', 'metadata.labels']),
      resources: some(stuck.length ? stuck : pvbs).map(refOf),
    });
  }
  const backups = bundle.objects.list('Backup').filter((b) => requestsFsBackup(b.spec));
  if (backups.length > 0) {
    signals.push({
      what: `${plural(backups.length, 'Backup')} ${backups.length === 1 ? 'requests' : 'request'} file-system backup of all volumes (defaultVolumesToFsBackup)`,
      evidence: objectEvidence(bundle, backups[0]!, ['spec.defaultVolumesToFsBackup', 'spec.defaultVolumesToRestic', 'status.phase']),
      resources: some(backups).map(refOf),
    });
  }
  const schedules = bundle.objects.list('Schedule').filter((s) => requestsFsBackup(s.spec?.template));
  for (const schedule of some(schedules)) {
    signals.push({
      what: `Schedule ${nameOf(schedule)} requests file-system backup of all volumes`,
      evidence: objectEvidence(bundle, schedule, ['spec.schedule', 'spec.template.defaultVolumesToFsBackup', 'spec.template.defaultVolumesToRestic']),
      resources: [refOf(schedule)],
    });
  }
  const server = bundle.workloads.veleroDeployment;
  const args = containerArgs(server, 'velero');
  for (const flag of ['default-volumes-to-fs-backup', 'default-volumes-to-restic']) {
    const value = flagValue(args, flag);
    if (server && value !== undefined && isTrue(value)) {
      signals.push({
        what: `the Velero server runs with --${flag}`,
        evidence: objectEvidence(bundle, server, { args: args.join(' ') }),
        resources: [refOf(server)],
      });
    }
  }
  const annotated = bundle.objects
    .list('Pod')
    .filter((p) => p.metadata.annotations?.['backup.velero.io/backup-volumes'])
    .concat(
      ['Deployment', 'StatefulSet', 'DaemonSet'].flatMap((kind) =>
        bundle.objects.list(kind).filter((w: KubeObject) => w.spec?.template?.metadata?.annotations?.['backup.velero.io/backup-volumes']),
      ),
    );
  if (annotated.length > 0) {
    const first = annotated[0]!;
    const volumes = first.metadata.annotations?.['backup.velero.io/backup-volumes'] ?? first.spec?.template?.metadata?.annotations?.['backup.velero.io/backup-volumes'];
    signals.push({
      what: `${annotated.length === 1 ? '1 pod or workload opts' : `${annotated.length.toLocaleString('en-US')} pods or workloads opt`} volumes into file-system backup (backup.velero.io/backup-volumes)`,
      evidence: objectEvidence(bundle, first, { 'backup.velero.io/backup-volumes': volumes }),
      resources: some(annotated).map(refOf),
    });
  }
  if (signals.length === 0 && hasKots(bundle) && server) {
    const kotsadm = bundle.workloads.kotsadmDeployments[0] ?? bundle.workloads.kotsadmPods[0];
    signals.push({
      what: 'KOTS snapshots back up pod volumes with the node-agent (the Admin Console shows "Node Agent integration not found")',
      evidence: kotsadm ? objectEvidence(bundle, kotsadm, ['metadata.labels']) : objectEvidence(bundle, server, []),
      resources: [],
      weak: true,
    });
  }
  return signals;
}

export const nodeAgentMissing: RuleModule = {
  meta: {
    id: 'node-agent-missing',
    title: 'File-system backup is used but the node-agent is not installed',
    severity: Severity.ERROR,
    category: 'fs-backup',
    summary: 'Pod volumes are (or are meant to be) backed up with file-system backup, but there is no node-agent / restic DaemonSet.',
    otherSeverities: [
      { severity: Severity.WARNING, when: 'when only the presence of KOTS suggests file-system backup (no object or log line asks for it)' },
    ],
  },
  logPatterns: [
    {
      regex: 'Velero (?:node agent|restic daemonset) not found(?: for (?<os>linux|Windows) nodes)?; (?:pod volume|restic) backups/restores',
      literals: ['node agent not found', 'restic daemonset not found'],
      components: ['server'],
    },
  ],
  check(ctx) {
    const { bundle } = ctx;
    if (bundle.workloads.nodeAgentDaemonSet) return;
    const daemonSets = bundle.objects.list('DaemonSet');
    if (daemonSets.some((d) => ['node-agent', 'restic', 'node-agent-windows'].includes(d.metadata.name))) return;

    const logHits = ctx.hits(0);
    const canShow = inputCanShow(bundle, 'DaemonSet');
    const signals = canShow ? fsBackupSignals(bundle) : [];
    if (signals.length === 0 && logHits.length === 0) return;

    const velero = parseVersion(bundle.versions.velero);
    // 1.16+ checks Linux and Windows nodes apart; the Windows warning alone means node-agent-windows is missing.
    const windowsOnly = logHits.length > 0 && signals.length === 0 && logHits.every(({ hit }) => hit.groups.os === 'Windows');
    const name = velero && inRange(velero, '<1.10.0') ? 'restic' : windowsOnly ? 'node-agent-windows' : 'node-agent';
    const evidence: Evidence[] = [];
    for (const { file, hit } of logHits.slice(0, 2)) evidence.push({ file: file.path, line: hit.line, text: hit.text });
    for (const s of signals) evidence.push(s.evidence);
    const reasons = signals.map((s) => s.what);
    if (logHits.length > 0) reasons.unshift('the Velero server logs that the node agent was not found');
    const where = bundle.veleroNamespace ? ` in namespace ${bundle.veleroNamespace}` : '';
    const weakOnly = signals.length > 0 && signals.every((s) => s.weak) && logHits.length === 0;
    ctx.report({
      message: `No ${name} DaemonSet${where}${canShow ? '' : ' is running'}, but file-system backup is in use: ${reasons.join('; ')}. Pod volume data is not backed up.`,
      ...(weakOnly
        ? { severity: Severity.WARNING, severityReason: 'downgraded to warning: only the presence of KOTS suggests file-system backup; no backup, schedule or pod asks for it, and no log line shows it failing' }
        : {}),
      resources: signals.flatMap((s) => s.resources),
      evidence,
      count: Math.max(1, ctx.hitCount(0) + signals.length),
    });
  },
};
