// A bundle laid out as troubleshoot writes it for our spec: every catalog rule can fire from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { analyze } from '../../src/analyze.js';
import { loadCatalog } from '../../src/catalog.js';
import { layOutAsTroubleshoot } from '../support/troubleshoot-layout.js';

const DEFAULT_NOW = '2025-01-15T12:00:00Z';

/**
 * Rules whose every case rests on what a troubleshoot bundle cannot hold (per-backup and per-restore
 * logs and results kept in object storage, `velero describe` output): `snapshot-doctor collect` gets
 * those. Each is named with the reason; the test fails when one of them can fire after all.
 */
const NEEDS_MORE_THAN_A_TROUBLESHOOT_BUNDLE: Record<string, string> = {
  'backup-item-operation-timeout': 'the timed-out operation is named in `velero backup describe --details` only',
  'csi-feature-disabled': 'said in the backup log only',
  'csi-snapshot-crds-missing': 'said in the backup log only (the CRDs list shows they are missing, but not that a backup needed them)',
  'fs-backup-volume-skipped': 'skipped volumes are said in the backup log only',
  'restore-already-exists': 'said in the restore log and results only',
  'restore-item-error': 'item errors are in the restore log and results only',
  'restore-namespace-terminating': 'said in the restore log and results only',
  'restore-quota-exceeded': 'said in the restore log and results only',
  'restore-webhook-rejected': 'said in the restore log and results only',
};

const catalog = await loadCatalog();

test('every catalog rule fires from a case laid out as troubleshoot writes a bundle for `snapshot-doctor spec`', async () => {
  const root = await mkdtemp(join(tmpdir(), 'spec-bundle-'));
  const cannot: string[] = [];
  for (const rule of catalog.rules) {
    const id = rule.meta.id;
    const casesDir = join('rules', id, 'cases');
    if (!existsSync(casesDir)) continue;
    let fired = false;
    const skipped: string[] = [];
    for (const name of (await readdir(casesDir)).sort()) {
      const dir = join(casesDir, name);
      const spec = parse(await readFile(join(dir, 'case.yaml'), 'utf8')) as { fires: boolean; now?: string };
      if (!spec.fires) continue;
      const out = join(root, id, name);
      const layout = await layOutAsTroubleshoot(dir, out);
      skipped.push(...layout.skipped.map((s) => `${name}/${s.file}: ${s.reason}`));
      if (layout.used.length === 0) continue;
      const report = await analyze(out, { now: new Date(spec.now ?? DEFAULT_NOW) });
      assert.equal(report.input.format, 'troubleshoot', `${id}/${name}: read as a troubleshoot bundle`);
      if (report.findings.some((f) => f.ruleId === id)) {
        fired = true;
        break;
      }
    }
    if (!fired) cannot.push(`${id}${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
  }
  assert.deepEqual(cannot.map((c) => c.split(' ')[0]).sort(), Object.keys(NEEDS_MORE_THAN_A_TROUBLESHOOT_BUNDLE).sort(), `rules that no case fires through the troubleshoot layout:\n  ${cannot.join('\n  ')}`);
});
