// kots-instance-backup-missing-app: a KOTS instance (full) backup whose application part is missing or leaves app workloads out.
import { Severity } from '../../src/constants.js';
import type { RuleModule } from '../../src/engine/types.js';
import type { Bundle } from '../../src/model/bundle.js';
import type { KubeObject } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import { formatDuration, inputCanShow, isTrue, listOf, nameOf, objectEvidence, stringsOf, timeOf } from '../../src/rules/support.js';
import { plural } from '../../src/util/words.js';

const KOTS_BACKUP_LABEL = 'kots.io/backup';
const DR_VERSION = 'replicated.com/disaster-recovery-version';
const DR_BACKUP_NAME = 'replicated.com/backup-name';
const DR_BACKUP_COUNT = 'replicated.com/backup-count';
const DR_BACKUP_TYPE = 'replicated.com/backup-type';
/** Namespaces an instance backup includes for KOTS itself, not for the application. */
const NON_APP_NAMESPACES = new Set(['kurl', 'kube-system', 'velero']);
/** Parts of a multi-part backup are created within minutes of each other. */
const PART_GRACE_MS = 60 * 60_000;

/** KOTS' IsInstanceBackup: the improved-DR annotation, or `kots.io/instance: "true"`. */
export function isInstanceBackup(backup: KubeObject): boolean {
  const a = backup.metadata.annotations ?? {};
  return a[DR_VERSION] !== undefined || isTrue(a['kots.io/instance']);
}

type Selector = { matchLabels?: Record<string, string> };

function matches(labels: Record<string, string> | undefined, selectors: Selector[]): boolean {
  return selectors.some((s) => Object.entries(s.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v) && Object.keys(s.matchLabels ?? {}).length > 0);
}

function appSlugs(backup: KubeObject): string[] {
  try {
    return Object.keys(JSON.parse(backup.metadata.annotations?.['kots.io/apps-sequences'] ?? '{}') as Record<string, unknown>);
  } catch {
    return [];
  }
}

/** App workloads in the backup's namespaces that its label selectors leave out. */
function leftOut(bundle: Bundle, backup: KubeObject): KubeObject[] {
  const spec = backup.spec ?? {};
  const selectors: Selector[] = [...listOf<Selector>(spec.orLabelSelectors), ...(spec.labelSelector && typeof spec.labelSelector === 'object' ? [spec.labelSelector as Selector] : [])].filter((s) => s && typeof s === 'object');
  if (selectors.length === 0) return [];
  const included = stringsOf(spec.includedNamespaces);
  const excluded = new Set(stringsOf(spec.excludedNamespaces));
  const kotsNamespace = backup.metadata.annotations?.['kots.io/kotsadm-deploy-namespace'];
  const all = included.length === 0 || included.includes('*');
  const inScope = (ns: string) => !excluded.has(ns) && !NON_APP_NAMESPACES.has(ns) && ns !== bundle.veleroNamespace && (all ? ns === kotsNamespace : included.includes(ns));
  const started = timeOf(backup.status?.startTimestamp) ?? timeOf(backup.metadata.creationTimestamp) ?? Infinity;
  return ['Deployment', 'StatefulSet']
    .flatMap((kind) => bundle.objects.list(kind))
    .filter((w) => inScope(w.metadata.namespace ?? ''))
    .filter((w) => !isTrue(w.metadata.labels?.['kots.io/kotsadm']) && !bundle.workloads.kotsadmDeployments.includes(w))
    .filter((w) => (timeOf(w.metadata.creationTimestamp) ?? 0) < started)
    .filter((w) => !matches(w.metadata.labels, selectors) || !matches(w.spec?.template?.metadata?.labels, selectors));
}

export const kotsInstanceBackupMissingApp: RuleModule = {
  meta: {
    id: 'kots-instance-backup-missing-app',
    title: 'A KOTS instance backup leaves the application out',
    severity: Severity.ERROR,
    category: 'kots',
    summary: 'A KOTS full (instance) snapshot lacks its application part, or its label selectors leave application workloads out.',
  },
  check(ctx) {
    const { bundle } = ctx;
    const now = ctx.now.getTime();
    const instance = bundle.objects.list('Backup').filter(isInstanceBackup);
    if (instance.length === 0) return;

    // Multi-part (improved DR) snapshots: every part of a snapshot carries its name and the expected count.
    const groups = new Map<string, KubeObject[]>();
    for (const b of instance) {
      // Only improved-DR snapshots (Embedded Cluster) are split into parts; KOTS counts parts only for them.
      const name = b.metadata.labels?.[DR_BACKUP_NAME];
      if (!name || b.metadata.annotations?.[DR_VERSION] === undefined) continue;
      const parts = groups.get(name);
      if (parts) parts.push(b);
      else groups.set(name, [b]);
    }
    for (const [name, parts] of groups) {
      const expected = Number(parts[0]?.metadata.annotations?.[DR_BACKUP_COUNT] ?? 1);
      if (!Number.isFinite(expected) || parts.length >= expected) continue;
      const newest = Math.max(...parts.map((p) => timeOf(p.metadata.creationTimestamp) ?? 0));
      if (now - newest < PART_GRACE_MS) continue;
      const types = parts.map((p) => p.metadata.annotations?.[DR_BACKUP_TYPE] ?? 'legacy');
      const missing = ['infra', 'app'].filter((t) => !types.includes(t));
      ctx.report({
        message: `KOTS snapshot ${name} has ${parts.length} of its ${expected} Velero backups (${parts.map((p) => `${p.metadata.name} [${p.metadata.annotations?.[DR_BACKUP_TYPE] ?? 'unknown type'}]`).join(', ')}); the ${missing.join(' and ') || 'other'} part is missing ${formatDuration(now - newest)} later, so the Admin Console shows it Failed and it cannot be restored.`,
        resources: parts.map(refOf),
        evidence: parts.map((p) => objectEvidence(bundle, p, { [DR_BACKUP_NAME]: name, [DR_BACKUP_TYPE]: p.metadata.annotations?.[DR_BACKUP_TYPE], [DR_BACKUP_COUNT]: p.metadata.annotations?.[DR_BACKUP_COUNT], 'status.phase': p.status?.phase })),
      });
    }

    // Single-part instance backups: app workloads the label selectors leave out (newest backup only).
    if (!inputCanShow(bundle, 'Deployment') && !inputCanShow(bundle, 'StatefulSet')) return;
    const legacy = instance
      .filter((b) => !b.metadata.labels?.[DR_BACKUP_NAME] || b.metadata.annotations?.[DR_BACKUP_TYPE] === 'app')
      .sort((a, b) => (timeOf(b.metadata.creationTimestamp) ?? 0) - (timeOf(a.metadata.creationTimestamp) ?? 0));
    const newest = legacy[0];
    if (!newest) return;
    const missing = leftOut(bundle, newest);
    if (missing.length === 0) return;
    const apps = appSlugs(newest);
    const namespaces = [...new Set(missing.map((w) => w.metadata.namespace))];
    ctx.report({
      message: `KOTS instance backup ${nameOf(newest)}${apps.length ? ` (apps: ${apps.join(', ')})` : ''} leaves out ${plural(missing.length, 'application workload')} in ${namespaces.join(', ')}: ${missing
        .slice(0, 5)
        .map((w) => `${w.kind} ${w.metadata.name}`)
        .join(', ')}${missing.length > 5 ? ', …' : ''}. They (or their pod templates) lack the ${KOTS_BACKUP_LABEL}: velero label the backup selects, so their objects and volumes are not in the snapshot.`,
      resources: [refOf(newest), ...missing.map(refOf)],
      evidence: [
        objectEvidence(bundle, newest, ['spec.includedNamespaces', 'spec.orLabelSelectors', 'status.phase', 'status.progress.totalItems']),
        ...missing.slice(0, 3).map((w) => objectEvidence(bundle, w, { labels: w.metadata.labels ?? {}, 'template.labels': w.spec?.template?.metadata?.labels ?? {} })),
      ],
      count: missing.length,
    });
  },
};
