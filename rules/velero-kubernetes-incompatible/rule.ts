// velero-kubernetes-incompatible: the Kubernetes version is outside what the running Velero release supports or was tested on.
import { Severity } from '../../src/constants.js';
import type { RuleDefinition } from '../../src/engine/types.js';
import type { Bundle } from '../../src/model/bundle.js';
import { refOf } from '../../src/model/kube.js';
import type { Evidence } from '../../src/report/types.js';
import { checkVeleroKubernetes, CSI_V1_MIN_KUBERNETES, CSI_V1_MIN_VELERO, describeRange } from '../../src/rules/data/kubernetes-compat.js';
import { pluginFamily } from '../../src/rules/data/plugin-compat.js';
import { containerArgs, flagValue, inRange, listOf, nameOf, parseVersion } from '../../src/rules/support.js';

function versionEvidence(bundle: Bundle): Evidence[] {
  const evidence: Evidence[] = [];
  const deployment = bundle.workloads.veleroDeployment;
  if (deployment) {
    const image = listOf<{ name?: string; image?: string } | null>(deployment.spec?.template?.spec?.containers).find((c) => c?.name === 'velero')?.image;
    evidence.push({ file: bundle.sourceOf(deployment) ?? `Deployment/${nameOf(deployment)}`, text: `Deployment ${nameOf(deployment)}: image=${image ?? '?'} (Velero ${bundle.versions.velero})` });
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

export const veleroKubernetesIncompatible: RuleDefinition = {
  meta: {
    id: 'velero-kubernetes-incompatible',
    title: 'Velero does not support this Kubernetes version',
    severity: Severity.ERROR,
    category: 'compatibility',
    summary: 'The Kubernetes version is outside the range the running Velero release supports (its README compatibility matrix), or newer than it was tested on.',
    description: [
      'Each Velero release states the Kubernetes versions it is expected to work with and the ones it was',
      'tested on (the "Velero compatibility matrix" in its README). Velero 1.11 and later expect 1.18 or',
      'newer; 1.8–1.10 expect 1.16 or newer (1.10 installs only `apiextensions.k8s.io/v1` CRDs); 1.4–1.6.2',
      'stop at 1.21, because later Kubernetes removed the API versions they use. CSI snapshots need',
      '`snapshot.storage.k8s.io/v1`, served from Kubernetes 1.20, from Velero 1.9 (CSI plugin v0.3).',
      '',
      'Outside the supported range, Velero may fail to start, to list resources, or to restore them. A',
      'Kubernetes version newer than every tested one is reported for information: it is expected to work,',
      'but was not tested by the Velero project.',
    ].join('\n'),
    remediation: [
      'Upgrade Velero to a release whose compatibility matrix includes your Kubernetes version (one minor',
      'at a time, following each "Upgrading to Velero 1.x" page), or run a supported Kubernetes version.',
      'For KOTS, pick a Velero version that both KOTS and your Kubernetes version support.',
    ].join('\n'),
    docs: ['https://github.com/vmware-tanzu/velero#velero-compatibility-matrix', 'https://velero.io/docs/main/upgrade-to-1.18/', 'https://velero.io/docs/main/csi/'],
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
