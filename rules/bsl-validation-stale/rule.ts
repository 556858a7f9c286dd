// bsl-validation-stale: backup storage locations Velero stopped validating: the server is not running or not reconciling.
import { Severity } from '../../src/constants.js';
import type { RuleModule } from '../../src/engine/types.js';
import type { KubeObject } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import { formatDuration, nameOf, objectEvidence, parseGoDuration, timeOf } from '../../src/rules/support.js';

/** `--store-validation-frequency` / `spec.validationFrequency` default. */
const DEFAULT_VALIDATION_MS = 60_000;
/** Missed validations before the location counts as stale, and a floor for very frequent validation. */
const MISSED_VALIDATIONS = 10;
const MIN_STALE_MS = 30 * 60_000;

export const bslValidationStale: RuleModule = {
  meta: {
    id: 'bsl-validation-stale',
    title: 'Backup storage locations are no longer validated',
    severity: Severity.WARNING,
    category: 'storage',
    summary: 'A BackupStorageLocation’s last validation is far older than its validation frequency: the Velero server has stopped reconciling it.',
    explainedBy: ['velero-not-installed', 'velero-pod-not-running', 'velero-pod-oomkilled'],
  },
  check(ctx) {
    const { bundle } = ctx;
    const now = ctx.now.getTime();
    const stale: { bsl: KubeObject; text: string }[] = [];
    for (const bsl of bundle.objects.list('BackupStorageLocation')) {
      const frequency = parseGoDuration(bsl.spec?.validationFrequency) ?? DEFAULT_VALIDATION_MS;
      if (frequency === 0) continue;
      const threshold = Math.max(MISSED_VALIDATIONS * frequency, MIN_STALE_MS);
      const last = timeOf(bsl.status?.lastValidationTime);
      const created = timeOf(bsl.metadata.creationTimestamp);
      if (last !== null && now - last > threshold) {
        stale.push({ bsl, text: `${nameOf(bsl)} was last validated ${formatDuration(now - last)} ago (${bsl.status.lastValidationTime})` });
      } else if (last === null && created !== null && now - created > threshold) {
        stale.push({ bsl, text: `${nameOf(bsl)} has never been validated in the ${formatDuration(now - created)} since it was created` });
      }
    }
    if (stale.length === 0) return;
    ctx.report({
      message: `${stale.map((s) => `BackupStorageLocation ${s.text}`).join('; ')}, though Velero validates locations every few minutes: the server is not running or not reconciling them, and ${stale.length === 1 ? 'its' : 'their'} phase is out of date.`,
      resources: stale.map((s) => refOf(s.bsl)),
      evidence: stale.slice(0, 3).map((s) => objectEvidence(bundle, s.bsl, ['status.phase', 'status.lastValidationTime', 'status.lastSyncedTime', 'spec.validationFrequency', 'metadata.creationTimestamp'])),
      count: stale.length,
    });
  },
};
