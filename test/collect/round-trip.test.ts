// Round trip: what collect gathers from a fixture cluster is analyzed to the same findings as the fixture itself, given by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { analyze } from '../../src/analyze.js';
import { collect } from '../../src/collect/index.js';
import type { Finding, Report } from '../../src/report/types.js';
import { runCli } from '../support/cli.js';
import type { FakeKube } from '../support/fake-kube/server.js';
import { withFake } from './helpers.js';

const NOW = new Date('2024-05-20T09:00:00Z');

/**
 * The fixture as a support engineer gets it without our collector: `kubectl get -o yaml` of every
 * object but Secrets (one multi-document dump), `kubectl logs` of each container saved as
 * `<pod>_<container>.log`, and `velero backup|restore logs` saved as `backup-<name>.log` /
 * `restore-<name>.log`. These go through other readers (kubectl-dump, single log files) than the
 * collected bundle does (troubleshoot layout), so agreement says the collector lost nothing a rule needs.
 */
async function exportByHand(fake: FakeKube, dir: string): Promise<string[]> {
  const cluster = fake.cluster;
  await mkdir(dir, { recursive: true });
  const dump = join(dir, 'kubectl-get-all.yaml');
  // As the API server shows them (kubectl's view): with the uid and creationTimestamp it assigned.
  const objects = fake.allObjects().filter((o) => o.kind !== 'Secret');
  await writeFile(dump, objects.map((o) => stringify(o)).join('---\n'));
  const inputs = [dump];
  for (const [key, text] of cluster.logs) {
    // Previous runs are what `kubectl logs --previous` shows; a hand export names them so.
    const [, pod, container, previous] = key.split('/');
    const path = join(dir, `${pod}_${container}${previous ? '_previous' : ''}.log`);
    await writeFile(path, text);
    inputs.push(path);
  }
  for (const [key, text] of cluster.downloads) {
    const [kind, name] = key.split('/');
    if (kind !== 'BackupLog' && kind !== 'RestoreLog') continue;
    const path = join(dir, `${kind === 'BackupLog' ? 'backup' : 'restore'}-${name}.log`);
    await writeFile(path, text);
    inputs.push(path);
  }
  return inputs;
}

/** What a finding says, without where its evidence was read from (file paths differ between layouts by design). */
function verdicts(report: Report): string[] {
  const key = (f: Finding) =>
    `${f.severity} ${f.ruleId} [${f.resources
      .map((r) => `${r.kind}/${r.namespace ?? ''}/${r.name}`)
      .sort()
      .join(' ')}]`;
  return report.findings.map(key).sort();
}

test('the collected bundle gives the findings of the hand-exported fixture (plus only what downloaded results reveal)', async () => {
  await withFake(async ({ dir, kubeconfig, fake }) => {
    const collected = await collect({ kubeconfig, output: join(dir, 'bundle.tar.gz'), now: () => NOW, requestWaitMs: 2000 });
    const fromCollect = await analyze(collected.path, { now: NOW });
    const byHand = await exportByHand(fake, join(dir, 'by-hand'));
    const direct = await analyze(byHand, { now: NOW });

    assert.equal(fromCollect.input.format, 'snapshot-doctor');
    assert.ok(fromCollect.findings.length > 0, 'the fixture is a broken cluster: there must be findings');
    // Everything found by hand is found in the collected bundle. Collect may find more only where its
    // evidence is Velero's results JSON, which only a DownloadRequest fetches (no hand export has it).
    const collectedVerdicts = verdicts(fromCollect);
    const missing = verdicts(direct).filter((v) => !collectedVerdicts.includes(v));
    assert.deepEqual(missing, [], 'the collector lost what a rule needs');
    const extra = fromCollect.findings.filter((f) => !verdicts({ ...fromCollect, findings: [f] }).every((v) => verdicts(direct).includes(v)));
    for (const finding of extra) {
      assert.ok(
        finding.evidence.length > 0 && finding.evidence.every((e) => /^snapshot-doctor\/(backup|restore)-results\//.test(e.file)),
        `${finding.ruleId} is found only in the collected bundle, but not from results: ${JSON.stringify(finding.evidence.map((e) => e.file))}`,
      );
    }
    // Where each version was read differs (a collected bundle vs a hand-made dump); the versions must not.
    assert.deepEqual({ ...fromCollect.versions, sources: {} }, { ...direct.versions, plugins: fromCollect.versions.plugins, sources: {} });
    assert.deepEqual(fromCollect.inventory.backups, direct.inventory.backups);
    // The one problem the collected bundle has is the collector's own (a results file the bucket lacks).
    assert.deepEqual(
      fromCollect.problems.map((p) => p.source),
      ['DownloadRequest BackupResults velero/instance-7vd5p'],
    );
  });
});

test('diagnose writes the bundle and the reports into one folder, prints the summary, and exits as analyze', async () => {
  await withFake(async ({ dir, kubeconfig }) => {
    const folder = join(dir, 'diagnosis');
    const result = await runCli(['diagnose', '--kubeconfig', kubeconfig, '--output-dir', folder, '--format', 'json', '--quiet']);
    assert.equal(result.code, 1, result.stderr);
    const files = (await readdir(folder)).sort();
    assert.equal(files.length, 2);
    assert.match(files[0] ?? '', /^report\.json$/);
    assert.match(files[1] ?? '', /^snapshot-doctor-.*\.tar\.gz$/);
    assert.match(result.stdout, /^\d+ findings? \(\d+ critical, \d+ error, \d+ warning, \d+ info\)/);
    assert.match(result.stdout, /\nFix first:\n {2}1\. CRITICAL The object store denies access \[objstore-access-denied\]\n/);
    assert.equal(result.stdout.match(/\[objstore-access-denied\]/g)?.length, 1, 'one root cause, once');
    assert.match(result.stdout, new RegExp(`bundle: +${folder.replace(/[.]/g, '\\.')}/snapshot-doctor-`));
    assert.match(result.stdout, /report: +.*report\.json/);
    const none = await runCli(['diagnose', '--kubeconfig', kubeconfig, '--output-dir', join(dir, 'again'), '--format', 'json', '--fail-on', 'none', '--quiet']);
    assert.equal(none.code, 0);
  });
});

test('collect on the command line: exit 0 and the bundle path on stdout; an unreachable cluster is exit 2 without a stack trace', async () => {
  await withFake(async ({ dir, kubeconfig, fake }) => {
    const output = join(dir, 'out.tar.gz');
    const ok = await runCli(['collect', '--kubeconfig', kubeconfig, '--output', output, '--quiet', '--no-create']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `${output}\n`);
    await fake.close();
    // The refused connections use up their retries (about 2 s of backoff) well inside the deadline, even on a loaded machine.
    const down = await runCli(['collect', '--kubeconfig', kubeconfig, '--output', join(dir, 'x.tar.gz'), '--quiet', '--timeout', '30']);
    assert.equal(down.code, 2);
    assert.match(down.stderr, /^snapshot-doctor: cannot reach the cluster at http:\/\/127\.0\.0\.1:\d+ \(context "fake"\): .*ECONNREFUSED/);
    assert.doesNotMatch(down.stderr, /\n\s+at /);
    assert.equal(down.stdout, '');
    const bad = await runCli(['collect', '--since', 'yesterday', '--kubeconfig', kubeconfig]);
    assert.equal(bad.code, 64);
    assert.match(bad.stderr, /--since "yesterday" is not a duration/);
  });
});
