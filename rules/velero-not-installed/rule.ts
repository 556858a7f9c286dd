// velero-not-installed: the input shows the cluster's Deployments, and none of them is a Velero server.
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { KubeObject } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import { hasKots, inputCanShow, listOf, nameOf } from '../../src/rules/support.js';
import { plural } from '../../src/util/words.js';

const VELERO_KINDS_IN_USE = ['Schedule', 'Backup', 'BackupStorageLocation', 'Restore'];

/** A Deployment that runs the Velero server, by name or by the labels `velero install` and the Helm chart set. */
export function isVeleroServerDeployment(deployment: KubeObject): boolean {
  const labels = deployment.metadata.labels ?? {};
  if (deployment.metadata.name === 'velero') return true;
  if (labels['app.kubernetes.io/name'] === 'velero' && !/node-agent|restic|minio|ui/.test(deployment.metadata.name)) return true;
  if (labels.component === 'velero' && !/node-agent|restic/.test(deployment.metadata.name)) {
    const containers = listOf<{ image?: string } | null>(deployment.spec?.template?.spec?.containers);
    return containers.some((c) => /(^|\/)velero(:|@|$)/.test(String(c?.image ?? '')));
  }
  return false;
}

export const veleroNotInstalled: RuleModule = {
  meta: {
    id: 'velero-not-installed',
    title: 'Velero is not installed',
    severity: Severity.ERROR,
    category: 'install',
    summary: 'The input shows the cluster’s Deployments, and none of them is a Velero server.',
    otherSeverities: [
      { severity: Severity.CRITICAL, when: 'when Schedules that are not paused exist: they no longer run' },
    ],
  },
  check(ctx) {
    const { bundle } = ctx;
    if (bundle.workloads.veleroDeployment) return;
    if (!inputCanShow(bundle, 'Deployment')) return;
    const deployments = bundle.objects.list('Deployment');
    if (deployments.some(isVeleroServerDeployment)) return;

    const namespaces = [...new Set(deployments.map((d) => d.metadata.namespace ?? ''))].filter(Boolean).sort();
    const evidence: Evidence[] = [];
    const sample = deployments.slice(0, 6).map((d) => nameOf(d));
    const first = deployments[0];
    evidence.push({
      file: (first && bundle.sourceOf(first)) ?? 'cluster-resources/deployments',
      text:
        deployments.length > 0
          ? `${plural(deployments.length, 'Deployment')} read in ${plural(namespaces.length, 'namespace')} (${sample.join(', ')}${deployments.length > sample.length ? ', …' : ''}); none is named velero or labelled component=velero / app.kubernetes.io/name=velero`
          : 'the input lists Deployments, and there are none',
    });

    const leftovers = VELERO_KINDS_IN_USE.map((kind) => [kind, bundle.objects.list(kind)] as const).filter(([, list]) => list.length > 0);
    for (const [kind, list] of leftovers) {
      const obj = list[0];
      if (!obj) continue;
      evidence.push({
        file: bundle.sourceOf(obj) ?? `${kind}/${nameOf(obj)}`,
        text: `${plural(list.length, kind)} ${list.length === 1 ? 'exists' : 'exist'} (e.g. ${nameOf(obj)}) but no server processes ${list.length === 1 ? 'it' : 'them'}`,
      });
    }

    const parts = ['No Velero server Deployment was found'];
    parts.push(namespaces.length > 0 ? ` among the ${plural(deployments.length, 'Deployment')} read (namespaces: ${namespaces.join(', ')})` : '');
    let message = parts.join('') + '.';
    if (leftovers.length > 0) {
      const ns = bundle.veleroNamespace ?? leftovers[0]?.[1][0]?.metadata.namespace;
      message += ` Velero objects still exist${ns ? ` in namespace ${ns}` : ''} (${leftovers.map(([k, l]) => `${l.length} ${k}`).join(', ')}): the server was removed, or its namespace was not collected.`;
    }
    if (hasKots(bundle)) message += ' KOTS snapshots need Velero: the Admin Console shows "No Velero installation has been detected".';

    const schedules = bundle.objects.list('Schedule').filter((s) => s.spec?.paused !== true);
    ctx.report({
      message,
      severity: schedules.length > 0 ? Severity.CRITICAL : Severity.ERROR,
      resources: leftovers.flatMap(([, list]) => list.slice(0, 5).map(refOf)),
      evidence,
      count: 1,
    });
  },
};
