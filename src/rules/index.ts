// The built-in TypeScript rules: logic the YAML rule format cannot express (compatibility tables, intervals, coverage).
import type { RuleDefinition } from '../engine/types.js';
import { backupStuck } from './backup-stuck.js';
import { backupsFailingSince } from './backups-failing-since.js';
import { bslMissing } from './bsl-missing.js';
import { bslValidationStale } from './bsl-validation-stale.js';
import { csiSnapshotClassMissing } from './csi-snapshot-class-missing.js';
import { kotsInstanceBackupMissingApp } from './kots-instance-backup-missing-app.js';
import { nodeAgentMissing } from './node-agent-missing.js';
import { nodeAgentOomKilled } from './node-agent-oomkilled.js';
import { noRecentSuccessfulBackup } from './no-recent-successful-backup.js';
import { pluginVersionMismatch } from './plugin-version-mismatch.js';
import { pvcNotBackedUp } from './pvc-not-backed-up.js';
import { resticDeprecated } from './restic-deprecated.js';
import { veleroKotsIncompatible } from './velero-kots-incompatible.js';
import { veleroKubernetesIncompatible } from './velero-kubernetes-incompatible.js';
import { veleroNotInstalled } from './velero-not-installed.js';
import { veleroPodNotRunning } from './velero-pod-not-running.js';
import { veleroPodOomKilled } from './velero-pod-oomkilled.js';

export const BUILTIN_TS_RULES: RuleDefinition[] = [
  veleroNotInstalled,
  veleroPodNotRunning,
  veleroPodOomKilled,
  nodeAgentMissing,
  nodeAgentOomKilled,
  bslMissing,
  pluginVersionMismatch,
  veleroKubernetesIncompatible,
  veleroKotsIncompatible,
  resticDeprecated,
  backupStuck,
  noRecentSuccessfulBackup,
  csiSnapshotClassMissing,
  kotsInstanceBackupMissingApp,
  backupsFailingSince,
  pvcNotBackedUp,
  bslValidationStale,
];
