// velero-pod-oomkilled: the Velero server container was OOM-killed (now or at its last termination).
import { Severity } from '../../src/constants.js';
import type { RuleModule } from '../../src/engine/types.js';
import { refOf } from '../../src/model/kube.js';
import { containerEvidence, memoryLimit, serverContainer } from '../../src/rules/velero-pods.js';
import { inRange, nameOf, parseVersion } from '../../src/rules/support.js';

export const veleroPodOomKilled: RuleModule = {
  meta: {
    id: 'velero-pod-oomkilled',
    title: 'The Velero server was OOM-killed',
    severity: Severity.ERROR,
    category: 'resources',
    summary: 'The Velero server container was killed for exceeding its memory limit.',
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
