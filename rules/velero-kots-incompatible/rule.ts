// velero-kots-incompatible: the Velero version is outside the range the running KOTS version supports.
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import { refOf } from '../../src/model/kube.js';
import { checkKotsVelero, firstKotsSupporting, KOTS_MIN_VELERO } from '../../src/rules/data/kots-compat.js';
import { inRange, nameOf, parseVersion } from '../../src/rules/support.js';

export const veleroKotsIncompatible: RuleModule = {
  meta: {
    id: 'velero-kots-incompatible',
    title: 'KOTS does not support this Velero version',
    severity: Severity.ERROR,
    category: 'kots',
    summary: 'The Velero version is outside the range that the installed KOTS version supports for snapshots.',
    otherSeverities: [
      { severity: Severity.WARNING, when: 'when Velero is older than the KOTS version supports' },
    ],
  },
  check(ctx) {
    const { bundle } = ctx;
    const kots = parseVersion(bundle.versions.kots);
    const velero = parseVersion(bundle.versions.velero);
    if (!kots || !velero) return;
    const verdict = checkKotsVelero(kots, velero);
    const evidence: Evidence[] = [];
    const kotsadm = bundle.workloads.kotsadmDeployments[0];
    if (kotsadm) evidence.push({ file: bundle.sourceOf(kotsadm) ?? `Deployment/${nameOf(kotsadm)}`, text: `Deployment ${nameOf(kotsadm)}: KOTS ${bundle.versions.kots}` });
    const server = bundle.workloads.veleroDeployment;
    if (server) evidence.push({ file: bundle.sourceOf(server) ?? `Deployment/${nameOf(server)}`, text: `Deployment ${nameOf(server)}: Velero ${bundle.versions.velero}` });
    if (evidence.length === 0) evidence.push({ file: bundle.inputs[0]?.path ?? 'input', text: `KOTS ${bundle.versions.kots}, Velero ${bundle.versions.velero}` });
    const resources = [kotsadm, server].filter((o) => o !== undefined).map(refOf);
    const k = bundle.versions.kots;
    const v = bundle.versions.velero;

    if (verdict.kind === 'too-new') {
      const first = firstKotsSupporting(velero);
      let message = `KOTS ${k} supports Velero ${verdict.row.label}; this cluster runs Velero ${v}.`;
      message += first ? ` KOTS ${first} or later supports it.` : ' No KOTS version supports it.';
      if (inRange(velero, '>=1.17.0') && !inRange(velero, '>=1.19.0')) message += ' Before KOTS 1.130.7, file-system backups on Velero 1.17+ fail: KOTS still asks for the removed restic uploader.';
      ctx.report({ message, resources, evidence });
    } else if (verdict.kind === 'too-old') {
      ctx.report({
        message: `KOTS ${k} supports Velero ${verdict.row.label}; this cluster runs the older Velero ${v}.${inRange(velero, `<${KOTS_MIN_VELERO}`) ? ` The Admin Console asks for ${KOTS_MIN_VELERO} or greater.` : ''}`,
        severity: Severity.WARNING,
        resources,
        evidence,
      });
    }
  },
};
