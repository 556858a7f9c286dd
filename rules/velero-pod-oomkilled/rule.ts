// velero-pod-oomkilled: the Velero server container was OOM-killed (now or at its last termination).
import { Severity } from '../../src/constants.js';
import type { RuleDefinition } from '../../src/engine/types.js';
import { refOf } from '../../src/model/kube.js';
import { containerEvidence, memoryLimit, serverContainer } from '../../src/rules/velero-pods.js';
import { inRange, nameOf, parseVersion } from '../../src/rules/support.js';

export const veleroPodOomKilled: RuleDefinition = {
  meta: {
    id: 'velero-pod-oomkilled',
    title: 'The Velero server was OOM-killed',
    severity: Severity.ERROR,
    category: 'resources',
    summary: 'The Velero server container was killed for exceeding its memory limit.',
    description: [
      'The kernel killed the `velero` container because it used more memory than its limit (reason',
      '`OOMKilled`, exit code 137). Any backup or restore running at that moment is lost: Velero 1.9 and',
      'later mark it `Failed` ("found a backup with status \\"InProgress\\" during the server starting"),',
      'older versions leave it `InProgress` for ever.',
      '',
      'Memory grows with the number of Kubernetes objects Velero caches and backs up (the informer cache is',
      'on by default from 1.13), with repository maintenance that ran inside the server (restic',
      'prune, kopia maintenance, up to 1.13), and with large kopia repositories. `velero install` sets a 512Mi limit.',
    ].join('\n'),
    remediation: [
      'Raise the memory limit of the `velero` container (for example to 1Gi or 2Gi):',
      '',
      '```sh',
      'kubectl -n <velero-namespace> patch deployment velero --type json -p \\',
      '  \'[{"op":"replace","path":"/spec/template/spec/containers/0/resources/limits/memory","value":"2Gi"}]\'',
      '```',
      '',
      'or re-run `velero install … --velero-pod-mem-limit 2Gi`. On Velero 1.13 and later,',
      '`--disable-informer-cache` on the server lowers memory use on clusters with many objects.',
      'Then run again the backups that failed while the server restarted.',
    ].join('\n'),
    docs: ['https://velero.io/docs/main/customize-installation/#customize-resource-requests-and-limits', 'https://velero.io/docs/main/troubleshooting/'],
  },
  check(ctx) {
    const { bundle } = ctx;
    const velero = parseVersion(bundle.versions.velero);
    for (const pod of bundle.workloads.veleroPods) {
      const server = serverContainer(pod);
      if (!server) continue;
      const now = server.state?.terminated?.reason === 'OOMKilled';
      const last = server.lastState?.terminated?.reason === 'OOMKilled';
      if (!now && !last) continue;
      const limit = memoryLimit(pod, server.name);
      const when = now ? server.state?.terminated?.finishedAt : server.lastState?.terminated?.finishedAt;
      let message = `The Velero server container ${server.name} in pod ${nameOf(pod)} was OOM-killed${when ? ` at ${when}` : ''}`;
      message += limit ? ` (memory limit ${limit})` : ' (no memory limit: the node ran out of memory)';
      message += `; it has restarted ${server.restartCount ?? 0} times.`;
      if (velero && inRange(velero, '<1.9.0')) message += ` Velero ${bundle.versions.velero} leaves backups that were running at that moment InProgress for ever.`;
      ctx.report({
        message,
        resources: [refOf(pod)],
        evidence: containerEvidence(bundle, pod, server),
        count: 1,
      });
    }
  },
};
