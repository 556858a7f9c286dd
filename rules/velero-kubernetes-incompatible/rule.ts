// velero-kubernetes-incompatible: the Kubernetes version is outside what the running Velero release supports or was tested on.
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { Bundle } from '../../src/model/bundle.js';
import { refOf } from '../../src/model/kube.js';
import { checkVeleroKubernetes, CSI_V1_MIN_KUBERNETES, CSI_V1_MIN_VELERO, describeRange } from '../../src/rules/data/kubernetes-compat.js';
import { pluginFamily } from '../../src/rules/data/plugin-compat.js';
import { containerArgs, flagValue, inRange, listOf, nameOf, parseVersion } from '../../src/rules/support.js';

function versionEvidence(bundle: Bundle): Evidence[] {
  const evidence: Evidence[] = [];
  const deployment = bundle.workloads.veleroDeployment;
  if (deployment) {
    const image = listOf<{ name?: string; image?: string } | null>(deployment.spec?.template?.spec?.containers).find((c) => c?.name === 'velero')?.image;
    evidence.push({ file: bundle.sourceOf(deployment) ?? `Deployment/${nameOf(deployment)}`, text: `Deployment ${nameOf(deployment)}: image=${image ?? 'unknown'} (Velero ${bundle.versions.velero})` });
  }
  evidence.push({ file: bundle.inputs[0]?.path ?? 'input', text: `Kubernetes ${bundle.versions.kubernetes}, Velero ${bundle.versions.velero}` });
  return evidence;
}

/** CSI snapshots are in use: the CSI plugin is installed, or the server runs with the EnableCSI feature. */
function usesCsi(bundle: Bundle): boolean {
  if (bundle.versions.plugins.some((p) => pluginFamily(p.name) === 'csi' || pluginFamily(p.image ?? '') === 'csi')) return true;
  const features = flagValue(containerArgs(bundle.workloads.veleroDeployment, 'velero'), 'features') ?? '';
  return features.split(',').includes('EnableCSI');
}

export const veleroKubernetesIncompatible: RuleModule = {
  meta: {
    id: 'velero-kubernetes-incompatible',
    title: 'Velero is not supported or not tested on this Kubernetes version',
    severity: Severity.ERROR,
    category: 'compatibility',
    summary: 'The Kubernetes version is outside the range the running Velero release supports (its README compatibility matrix), or newer than it was tested on.',
    otherSeverities: [
      { severity: Severity.INFO, when: 'when Kubernetes is only newer than every version the Velero release was tested on' },
    ],
  },
  check(ctx) {
    const { bundle } = ctx;
    const velero = parseVersion(bundle.versions.velero);
    const kube = parseVersion(bundle.versions.kubernetes);
    if (!velero || !kube) return;
    const resources = bundle.workloads.veleroDeployment ? [refOf(bundle.workloads.veleroDeployment)] : [];
    const evidence = versionEvidence(bundle);
    const verdict = checkVeleroKubernetes(velero, kube);
    const v = bundle.versions.velero;
    const k = `${kube.major}.${kube.minor}`;
    if (verdict.kind === 'below' || verdict.kind === 'above') {
      ctx.report({
        message: `Velero ${v} supports Kubernetes ${describeRange(verdict.row)} (README compatibility matrix, ${verdict.row.source}); this cluster runs Kubernetes ${bundle.versions.kubernetes}.`,
        resources,
        evidence,
      });
      return;
    }
    if (usesCsi(bundle) && inRange(velero, CSI_V1_MIN_VELERO) && inRange(kube, `<${CSI_V1_MIN_KUBERNETES}.0`)) {
      ctx.report({
        message: `Velero ${v} takes CSI snapshots through snapshot.storage.k8s.io/v1, which Kubernetes serves from ${CSI_V1_MIN_KUBERNETES}; this cluster runs Kubernetes ${bundle.versions.kubernetes}.`,
        resources,
        evidence,
      });
      return;
    }
    if (verdict.kind === 'newer-than-tested') {
      ctx.report({
        message: `Kubernetes ${k} is newer than every version Velero ${v} was tested on (${verdict.row.tested.join(', ')}); it is expected to work (${describeRange(verdict.row)}) but untested.`,
        severity: Severity.INFO,
        resources,
        evidence,
      });
    }
  },
};
