// Version-gated log patterns judge each line by the Velero that wrote it, not by the bundle's present version.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/analyze.js';

const RULE = `id: widget-quirk-before-1-12
title: A widget quirk of Velero before 1.12
severity: warning
category: backup
summary: Velero before 1.12 logged the widget quirk.
description: Only Velero before 1.12 has the widget quirk.
remediation: Upgrade Velero.
docs: [https://velero.io/docs/]
match:
  logs:
    - regex: 'msg="widget quirk'
      velero: "<1.12.0"
message: "The widget quirk: {{line.msg}}"
`;

const start = (version: string, time: string) =>
  `time="${time}" level=info msg="Starting Velero server v${version} (8f3ad5a5e2bcd5a3c8c6dbd7b5b1f4e0a4d1c0d2)" logSource="pkg/cmd/server/server.go:193"`;
const quirk = (time: string) => `time="${time}" level=warning msg="widget quirk seen" logSource="pkg/controller/widget.go:42"`;

describe('each log is judged by the Velero that wrote it', () => {
  let dir: string;
  let rulesDir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sd-log-versions-'));
    rulesDir = join(dir, 'rules');
    await mkdir(rulesDir);
    await writeFile(join(rulesDir, 'widget.yaml'), RULE);
    // Saved before the upgrade: Velero 1.11.1 wrote it.
    await writeFile(join(dir, 'velero-before-upgrade.log'), [start('1.11.1', '2024-03-01T08:00:00Z'), quirk('2024-03-01T09:00:00Z'), ''].join('\n'));
    // Today's server log: Velero 1.13.0.
    await writeFile(join(dir, 'velero-today.log'), [start('1.13.0', '2024-05-01T08:00:00Z'), quirk('2024-05-01T09:00:00Z'), ''].join('\n'));
    // A log without a start-up line, written while 1.11.1 ran (by the other logs' start-up lines).
    await writeFile(join(dir, 'velero-march.log'), [quirk('2024-03-02T10:00:00Z'), ''].join('\n'));
    // A log restarted after an upgrade inside it: lines after the second start are the newer Velero's.
    await writeFile(
      join(dir, 'velero-upgraded.log'),
      [start('1.11.1', '2024-03-01T08:00:00Z'), quirk('2024-03-01T09:00:00Z'), start('1.13.0', '2024-05-01T08:00:00Z'), quirk('2024-05-01T09:00:00Z'), ''].join('\n'),
    );
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const evidenceOf = async (files: string[]) => {
    const report = await analyze(
      files.map((f) => join(dir, f)),
      { rulesDirs: [rulesDir], now: new Date('2024-05-01T12:00:00Z') },
    );
    assert.equal(report.versions.velero, '1.13.0');
    return report.findings.filter((f) => f.ruleId === 'widget-quirk-before-1-12').flatMap((f) => f.evidence.map((e) => `${e.file}:${e.line}`));
  };

  it('the 1.11 log fires although the bundle runs 1.13; the log of an unknown writer falls to the start in effect then', async () => {
    assert.deepEqual((await evidenceOf(['velero-before-upgrade.log', 'velero-today.log', 'velero-march.log'])).sort(), ['velero-before-upgrade.log:2', 'velero-march.log:1']);
  });

  it('near miss: the same line written by 1.13 does not fire', async () => {
    assert.deepEqual(await evidenceOf(['velero-today.log']), []);
  });

  it('inside one log, lines before the second start-up line are the older Velero’s', async () => {
    assert.deepEqual(await evidenceOf(['velero-upgraded.log']), ['velero-upgraded.log:2']);
  });
});
