// node-agent-oomkilled: a node-agent (restic) container was OOM-killed, or the uploader inside it was killed (`signal: killed`).
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { KubeObject, ObjectRef } from '../../src/model/kube.js';
import { refKey, refOf } from '../../src/model/kube.js';
import { containerEvidence, memoryLimit } from '../../src/rules/velero-pods.js';
import { backupRef, containerStatuses, inRange, nameOf, objectEvidence, parseVersion } from '../../src/rules/support.js';
import { plural } from '../../src/util/words.js';

const AGENT_CONTAINERS = ['node-agent', 'restic'];

export const nodeAgentOomKilled: RuleModule = {
  meta: {
    id: 'node-agent-oomkilled',
    title: 'The node-agent or its uploader was OOM-killed',
    severity: Severity.ERROR,
    category: 'resources',
    summary: 'A node-agent (restic) container was OOM-killed, or the restic / kopia uploader inside it was killed (`signal: killed`).',
  },
  logPatterns: [
    {
      regex: 'signal: killed',
      literals: ['signal: killed'],
      components: ['node-agent', 'backup-log', 'server', 'data-mover', 'describe'],
    },
  ],
  check(ctx) {
    const { bundle } = ctx;
    const velero = parseVersion(bundle.versions.velero);
    const evidence: Evidence[] = [];
    const resources = new Map<string, ObjectRef>();
    const addRef = (ref: ObjectRef | undefined) => ref && resources.set(refKey(ref), ref);
    const parts: string[] = [];

    const killedPods: { pod: KubeObject; container: string; limit?: string; when?: string }[] = [];
    for (const pod of bundle.workloads.nodeAgentPods) {
      for (const c of containerStatuses(pod)) {
        if (c.init) continue;
        if (!AGENT_CONTAINERS.includes(c.name) && containerStatuses(pod).filter((x) => !x.init).length > 1) continue;
        const terminated = [c.state?.terminated, c.lastState?.terminated].find((t) => t?.reason === 'OOMKilled');
        if (!terminated) continue;
        killedPods.push({ pod, container: c.name, limit: memoryLimit(pod, c.name), when: terminated.finishedAt });
        evidence.push(...containerEvidence(bundle, pod, c, 3));
        addRef(refOf(pod));
      }
    }
    if (killedPods.length > 0) {
      const limits = [...new Set(killedPods.map((k) => k.limit ?? 'none'))];
      parts.push(
        `${killedPods.length === 1 ? 'node-agent pod' : `${killedPods.length} node-agent pods`} ${killedPods.map((k) => `${nameOf(k.pod)}${k.when ? ` (at ${k.when})` : ''}`).join(', ')} ${killedPods.length === 1 ? 'was' : 'were'} OOM-killed (memory limit: ${limits.join(', ')})`,
      );
    }

    const killedPvbs = bundle.objects.list('PodVolumeBackup').filter((p) => /signal: killed/.test(String(p.status?.message ?? '')));
    for (const pvb of killedPvbs.slice(0, 3)) evidence.push(objectEvidence(bundle, pvb, ['spec.pod.name', 'spec.volume', 'spec.node', 'status.phase', 'status.message']));
    for (const pvb of killedPvbs) {
      addRef(refOf(pvb));
      const backup = pvb.metadata.labels?.['velero.io/backup-name'];
      if (backup) addRef({ kind: 'Backup', namespace: pvb.metadata.namespace, name: backup });
    }

    const hits = ctx.hits(0);
    for (const { file, hit } of hits.slice(0, 4)) evidence.push({ file: file.path, line: hit.line, text: hit.text });
    for (const { file, hit } of hits) {
      addRef(backupRef(hit.text, bundle.veleroNamespace) ?? (file.owner?.kind === 'Backup' ? { kind: 'Backup', namespace: file.owner.namespace, name: file.owner.name } : undefined));
    }
    const killedLines = ctx.hitCount(0);
    if (killedPvbs.length > 0 || killedLines > 0) {
      const backups = [...resources.values()].filter((r) => r.kind === 'Backup').map((r) => r.name);
      const counted = [killedPvbs.length ? plural(killedPvbs.length, 'PodVolumeBackup') : '', killedLines ? plural(killedLines, 'log line') : ''].filter(Boolean).join(' and ');
      parts.push(`the uploader was killed ("signal: killed") in ${counted}${backups.length ? `, affecting ${backups.length === 1 ? 'backup' : 'backups'} ${backups.slice(0, 5).join(', ')}${backups.length > 5 ? ` and ${backups.length - 5} more` : ''}` : ''}`);
    }
    if (parts.length === 0) return;

    let message = parts.join('; ') + '.';
    message = message.charAt(0).toUpperCase() + message.slice(1);
    if (velero && inRange(velero, '>=1.14.0') && killedPods.some((k) => !k.limit)) {
      message += ` Velero ${bundle.versions.velero} sets no node-agent limit: the node itself ran out of memory.`;
    }
    ctx.report({
      message,
      resources: [...resources.values()],
      evidence,
      count: killedPods.length + killedPvbs.length + killedLines,
    });
  },
};
