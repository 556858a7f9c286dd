// The composition root of the rule catalog: the built-in rule folders (rules/<id>/), their compiled form, and the TypeScript rules among them.
import { BUILTIN_RULES_DIR, COMPILED_CATALOG, PRECOMPILED_TEMPLATES } from './catalog-meta.js';
import { compileCatalog, loadRules, usePrecompiledTemplates, type CompiledCatalog, type RuleSet } from './engine/index.js';
import type { RuleModule } from './engine/types.js';
import { backupStuck } from '../rules/backup-stuck/rule.js';
import { backupsFailingSince } from '../rules/backups-failing-since/rule.js';
import { bslMissing } from '../rules/bsl-missing/rule.js';
import { bslValidationStale } from '../rules/bsl-validation-stale/rule.js';
import { csiSnapshotClassMissing } from '../rules/csi-snapshot-class-missing/rule.js';
import { kotsInstanceBackupMissingApp } from '../rules/kots-instance-backup-missing-app/rule.js';
import { nodeAgentMissing } from '../rules/node-agent-missing/rule.js';
import { nodeAgentOomKilled } from '../rules/node-agent-oomkilled/rule.js';
import { noRecentSuccessfulBackup } from '../rules/no-recent-successful-backup/rule.js';
import { pluginVersionMismatch } from '../rules/plugin-version-mismatch/rule.js';
import { pvcNotBackedUp } from '../rules/pvc-not-backed-up/rule.js';
import { resticDeprecated } from '../rules/restic-deprecated/rule.js';
import { serverFlagUnknown } from '../rules/server-flag-unknown/rule.js';
import { veleroKotsIncompatible } from '../rules/velero-kots-incompatible/rule.js';
import { veleroKubernetesIncompatible } from '../rules/velero-kubernetes-incompatible/rule.js';
import { veleroNotInstalled } from '../rules/velero-not-installed/rule.js';
import { veleroPodNotRunning } from '../rules/velero-pod-not-running/rule.js';
import { veleroPodOomKilled } from '../rules/velero-pod-oomkilled/rule.js';
import { unexplainedErrors } from '../rules/unexplained-errors/rule.js';

export { BUILTIN_RULES_DIR, COMPILED_CATALOG, PRECOMPILED_TEMPLATES } from './catalog-meta.js';

if (PRECOMPILED_TEMPLATES !== undefined) usePrecompiledTemplates(PRECOMPILED_TEMPLATES);

/** The TypeScript rules: logic the YAML rule format cannot express (compatibility tables, intervals, coverage). */
export const BUILTIN_TS_RULES: readonly RuleModule[] = [
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
  serverFlagUnknown,
  backupStuck,
  noRecentSuccessfulBackup,
  csiSnapshotClassMissing,
  kotsInstanceBackupMissingApp,
  backupsFailingSince,
  pvcNotBackedUp,
  bslValidationStale,
  unexplainedErrors,
];

/** The built-in catalog compiled for COMPILED_CATALOG; throws what loading the folders would (the build fails on a bad rule). */
export function compileBuiltinCatalog(): Promise<CompiledCatalog> {
  return compileCatalog(BUILTIN_RULES_DIR, BUILTIN_TS_RULES);
}

/** The built-in catalog and the vendor rules of `--rules DIR` (each a rule folder, a folder of them, or YAML files). */
export function loadCatalog(rulesDirs: readonly string[] = []): Promise<RuleSet> {
  return loadRules({ builtinDir: BUILTIN_RULES_DIR, compiledCatalog: COMPILED_CATALOG, tsRules: BUILTIN_TS_RULES, rulesDirs: [...rulesDirs] });
}
