// bsl-validation-stale: backup storage locations Velero stopped validating: the server is not running or not reconciling.
import { Severity } from '../../src/constants.js';
import type { RuleDefinition } from '../../src/engine/types.js';
import type { KubeObject } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import { formatDuration, nameOf, objectEvidence, parseGoDuration, timeOf } from '../../src/rules/support.js';

/** `--store-validation-frequency` / `spec.validationFrequency` default. */
const DEFAULT_VALIDATION_MS = 60_000;
/** Missed validations before the location counts as stale, and a floor for very frequent validation. */
const MISSED_VALIDATIONS = 10;
const MIN_STALE_MS = 30 * 60_000;

export const bslValidationStale: RuleDefinition = {
  meta: {
    id: 'bsl-validation-stale',
    title: 'Backup storage locations are no longer validated',
    severity: Severity.WARNING,
    category: 'storage',
    summary: 'A BackupStorageLocation’s last validation is far older than its validation frequency: the Velero server has stopped reconciling it.',
    description: [
      'A running Velero server validates every BackupStorageLocation every `validationFrequency` (one',
      'minute by default, `--store-validation-frequency`) and records `status.lastValidationTime`, whether',
      'the location is Available or not. A time many periods old means no server is reconciling the',
      'location: Velero is not running, crash-looping, scaled to zero, or its controllers are stuck. The',
      'location’s phase is then stale too, and says nothing about the store today.',
      '',
      'A location with `validationFrequency: 0s` is never validated on purpose and is not reported.',
    ].join('\n'),
    remediation: [
      'Check that the Velero server runs and what it logs about locations:',
      '',
      '```sh',
      'kubectl -n <velero-namespace> get pods',
      'kubectl -n <velero-namespace> logs deploy/velero | grep backup-storage-location',
      'velero backup-location get',
      '```',
    ].join('\n'),
    docs: ['https://velero.io/docs/main/locations/', 'https://velero.io/docs/main/debugging-install/'],
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
