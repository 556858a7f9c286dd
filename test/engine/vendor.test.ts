// `--rules DIR` end to end: the vendor rule example of docs/rule-authoring.md, run as written through the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import type { Report } from '../../src/report/types.js';

/** The fenced block after a heading of docs/rule-authoring.md, so that the documentation is what is tested. */
async function readmeBlock(heading: string, language: string): Promise<string> {
  const readme = await readFile('docs/rule-authoring.md', 'utf8');
  const section = readme.slice(readme.indexOf(`## ${heading}`));
  const block = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(section)?.[1];
  assert.ok(block, `docs/rule-authoring.md: no \`\`\`${language} block under "${heading}"`);
  return block;
}

test('the README vendor rule fires through `analyze --rules DIR` as documented', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sd-vendor-'));
  try {
    const rulesDir = join(dir, 'my-rules');
    // Laid out as the example's first line says: a rule folder named after the rule's id.
    await mkdir(join(rulesDir, 'acme-db-freeze-hook-failed'), { recursive: true });
    await writeFile(join(rulesDir, 'acme-db-freeze-hook-failed', 'rule.yaml'), await readmeBlock('A vendor rule', 'yaml'));
    const readme = await readFile('docs/rule-authoring.md', 'utf8');
    const hookLine = /^time=.*level=error msg="Error executing hook".*$/m.exec(readme.slice(readme.indexOf('## A vendor rule')))?.[0];
    assert.ok(hookLine, 'docs/rule-authoring.md: the hook error line of the vendor example');
    const log = join(dir, 'velero.log');
    await writeFile(
      log,
      [
        'time="2024-05-02T01:00:00Z" level=info msg="Setting up backup log" backup=velero/acme-nightly-20240502010000 controller=backup logSource="pkg/controller/backup_controller.go:663"',
        'time="2024-05-02T01:00:07Z" level=info msg="running exec hook" backup=velero/acme-nightly-20240502010000 hookCommand="[/bin/sh -c acme-ctl freeze]" hookContainer=db hookName=acme-freeze hookOnError=Fail hookPhase=pre hookSource=annotation hookTimeout="{30s}" hookType=exec logSource="pkg/podexec/pod_command_executor.go:124" name=db-0 namespace=acme resource=pods',
        hookLine,
        '',
      ].join('\n'),
    );
    const result = await runCli(['analyze', log, '--rules', rulesDir, '--format', 'json', '--fail-on', 'none']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as Report;
    const mine = report.findings.filter((f) => f.ruleId === 'acme-db-freeze-hook-failed');
    assert.equal(mine.length, 1, JSON.stringify(report.findings.map((f) => f.ruleId)));
    const f = mine[0]!;
    assert.equal(f.severity, 'error');
    assert.equal(f.message, 'The acme-freeze hook failed in velero/acme-nightly-20240502010000: command terminated with exit code 1');
    assert.equal(f.remediation, 'Check that the `db` pod in acme is running, then run the backup again.');
    assert.deepEqual(f.resources, [{ kind: 'Backup', namespace: 'velero', name: 'acme-nightly-20240502010000' }]);
    assert.deepEqual(f.evidence.map((e) => e.line), [3]);
    assert.ok(report.rules.some((r) => r.id === 'acme-db-freeze-hook-failed' && r.fired));

    // The same directory with a broken rule: exit 2 and a one-line error naming the file and field.
    await writeFile(join(rulesDir, 'broken.yaml'), 'id: broken-rule\ntitle: x\n');
    const broken = await runCli(['analyze', log, '--rules', rulesDir, '--format', 'json']);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /broken\.yaml: severity: is required/);
    assert.doesNotMatch(broken.stderr, /\n\s+at /);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
