// A bundle laid out as troubleshoot writes it for our spec: every catalog rule can fire from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { analyze } from '../../src/analyze.js';
import { loadCatalog } from '../../src/catalog.js';
import { layOutAsTroubleshoot } from '../support/troubleshoot-layout.js';
import { tempDir } from '../support/temp.js';

const DEFAULT_NOW = '2025-01-15T12:00:00Z';

const catalog = await loadCatalog();

/**
 * A rule must fire from a troubleshoot bundle when one of its firing cases fits in one whole. A case
 * that rests on what such a bundle cannot hold (per-backup and per-restore logs and results kept in
 * object storage, `velero describe` output: `snapshot-doctor collect` gets those) is laid out without
 * those files; the rules that fire from none of their cases then are listed, not failed.
 */
test('every catalog rule fires from a case laid out as troubleshoot writes a bundle for `snapshot-doctor spec`', async (t) => {
  const root = tempDir('spec-bundle-');
  const cannot: string[] = [];
  const needMore: string[] = [];
  for (const rule of catalog.rules) {
    const id = rule.meta.id;
    const casesDir = join('rules', id, 'cases');
    if (!existsSync(casesDir)) continue;
    let fired = false;
    let whole = false;
    const skipped: string[] = [];
    for (const name of (await readdir(casesDir)).sort()) {
      const dir = join(casesDir, name);
      const spec = parse(await readFile(join(dir, 'case.yaml'), 'utf8')) as { fires: boolean; now?: string };
      if (!spec.fires) continue;
      const out = join(root, id, name);
      const layout = await layOutAsTroubleshoot(dir, out);
      skipped.push(...layout.skipped.map((s) => `${name}/${s.file}: ${s.reason}`));
      if (layout.skipped.length === 0) whole = true;
      if (layout.used.length === 0) continue;
      const report = await analyze(out, { now: new Date(spec.now ?? DEFAULT_NOW) });
      assert.equal(report.input.format, 'troubleshoot', `${id}/${name}: read as a troubleshoot bundle`);
      if (report.findings.some((f) => f.ruleId === id)) {
        fired = true;
        break;
      }
    }
    if (fired) continue;
    if (whole) cannot.push(id);
    else needMore.push(`${id} (${skipped.join('; ')})`);
  }
  t.diagnostic(`${needMore.length} rules have cases only with per-backup/restore logs or describe output:\n  ${needMore.join('\n  ')}`);
  assert.deepEqual(cannot, [], 'rules with a case a troubleshoot bundle holds whole, that do not fire from it');
  assert.ok(needMore.length < catalog.rules.length / 4, 'most rules fire from a troubleshoot bundle');
});
