// Single log files: logs that hold only the server's crash line, and Velero versions from start-up lines.
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyze } from '../../src/analyze.js';
import { InputError } from '../../src/errors.js';
import { readInputs } from '../../src/readers/index.js';
import { startupVersions } from '../../src/readers/logs.js';
import { FIXTURES, tempDir } from './support.js';

const CRASH = join(FIXTURES, 'formats/crash-line-log');
const STARTUP = join(FIXTURES, 'formats/startup-versions');

describe('a log of only the crash line', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(async () => tmp.cleanup());

  for (const [file, lines] of [
    ['plugin-register.log', 1],
    ['uploader-type.log', 1],
    ['unknown-command.log', 2],
    ['unknown-flag.log', 17],
  ] as const) {
    it(`${file} is read as a server log`, async () => {
      const bundle = await readInputs([join(CRASH, file)]);
      assert.equal(bundle.inputs[0]?.format, 'log-file');
      assert.equal(bundle.logs.length, 1);
      assert.equal(bundle.logs[0]!.component, 'server');
      assert.equal(bundle.logs[0]!.lines, lines);
      assert.deepEqual(bundle.problems, []);
    });
  }

  it('its line is scanned: the uploader-type rule fires on the one-line log', async () => {
    const report = await analyze([join(CRASH, 'uploader-type.log')]);
    assert.ok(report.findings.some((f) => f.ruleId === 'uploader-type-invalid'), report.findings.map((f) => f.ruleId).join(', '));
  });

  it('the unknown-flag error cobra prints, with the usage or alone, is read as a server log: server-flag-unknown fires', async () => {
    // Its own folder: the folder test below reads tmp.dir whole.
    await mkdir(join(tmp.dir, 'alone'));
    const alone = join(tmp.dir, 'alone', 'velero.log');
    await writeFile(alone, 'Error: unknown flag: --default-volumes-to-restic\n');
    for (const path of [join(CRASH, 'unknown-flag.log'), alone]) {
      const report = await analyze([path]);
      assert.equal(report.inputs[0]?.format, 'log-file');
      const finding = report.findings.find((f) => f.ruleId === 'server-flag-unknown');
      assert.ok(finding, report.findings.map((f) => f.ruleId).join(', '));
      assert.match(finding.message, /The Velero server .*--default-volumes-to-restic/);
    }
  });

  it('before the node-agent usage, the unknown-flag error is read as the node-agent log', async () => {
    await mkdir(join(tmp.dir, 'node-agent'));
    const path = join(tmp.dir, 'node-agent', 'previous.log');
    await writeFile(path, 'Error: unknown flag: --data-mover-prepare-timeout\nUsage:\n  velero node-agent server [flags]\n\nFlags:\n  -h, --help   help for server\n');
    const report = await analyze([path]);
    const finding = report.findings.find((f) => f.ruleId === 'server-flag-unknown');
    assert.match(finding?.message ?? '', /^The node-agent .*--data-mover-prepare-timeout/);
  });

  it('a folder of ticket attachments picks the crash-line log up', async () => {
    await copyFile(join(CRASH, 'plugin-register.log'), join(tmp.dir, 'velero-previous.log'));
    await writeFile(join(tmp.dir, 'notes.txt'), 'customer says backups stopped on Monday\n');
    const bundle = await readInputs([tmp.dir]);
    assert.deepEqual(bundle.inputs.map((i) => i.format), ['log-file']);
    assert.equal(bundle.logs[0]!.path, 'velero-previous.log');
  });

  it('other programs’ errors are still not Velero logs', async () => {
    for (const [name, text] of [
      ['cobra.log', 'Error: unknown command "srv" for "kubectl"\n'],
      ['prose.txt', 'Hello, we saw this:\n  An error occurred: see below.\n'],
      ['flag-prose.txt', 'The pod said Error: unknown flag: --default-volumes-to-restic after the upgrade.\n'],
      ['flag-later.txt', 'Notes from the call\nError: unknown flag: --default-volumes-to-restic\n'],
      ['flag-then-text.txt', 'Error: unknown flag: --default-volumes-to-restic\nwe removed it and it works now\n'],
      ['helm.log', 'Error: unknown flag: --set-strin\nUsage:\n  helm upgrade [RELEASE] [CHART] [flags]\n'],
      ['random.txt', 'lorem ipsum dolor sit amet\nconsectetur adipiscing elit\n'],
    ]) {
      const path = join(tmp.dir, name!);
      await writeFile(path, text!);
      await assert.rejects(readInputs([path]), (error: unknown) => error instanceof InputError && /not a Velero log/.test((error as Error).message));
    }
  });
});

describe('Velero versions from start-up lines', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(async () => tmp.cleanup());

  it('reads the server, node-agent and restic wordings, logfmt and JSON', () => {
    assert.deepEqual(startupVersions('time="t" level=info msg="Starting Velero server v1.12.1 (5a4bb4d)" logSource="x"\n'), { server: 'v1.12.1' });
    assert.deepEqual(startupVersions('time="t" level=info msg="Starting Velero node-agent server v1.12.1 (5a4bb4d)"\n'), { nodeAgent: 'v1.12.1' });
    assert.deepEqual(startupVersions('time="t" level=info msg="Starting Velero restic server v1.9.5 (2b5281f-dirty)"\n'), { nodeAgent: 'v1.9.5' });
    assert.deepEqual(startupVersions('{"level":"info","msg":"Starting Velero server v1.14.0-rc.1 (2fc6300)","time":"t"}'), { server: 'v1.14.0-rc.1' });
    // A development build states no version; other lines that start alike are not start-up lines.
    assert.deepEqual(startupVersions('msg="Starting Velero server main (abc123)"\nmsg="Starting Velero server metrics on :8085"\n'), {});
  });

  it('the last start in the head wins (a restart after an upgrade)', () => {
    const head = 'msg="Starting Velero server v1.12.1 (a)"\nmsg="Starting Velero server v1.13.2 (b)"\n';
    assert.deepEqual(startupVersions(head), { server: 'v1.13.2' });
  });

  const cases: [string, string | null, string | null][] = [
    ['velero.log', '1.12.1', null],
    ['velero-json.log', '1.14.0', null],
    ['node-agent.log', '1.12.1', '1.12.1'],
    ['restic.log', '1.9.5', '1.9.5'],
  ];
  for (const [file, velero, nodeAgent] of cases) {
    it(`${file}: velero ${velero}, node-agent ${nodeAgent}`, async () => {
      const bundle = await readInputs([join(STARTUP, file)]);
      assert.equal(bundle.versions.velero, velero);
      assert.equal(bundle.versions.nodeAgent, nodeAgent);
    });
  }

  it('the server log sets velero, the node-agent log only the node-agent, when both are given', async () => {
    const bundle = await readInputs([join(STARTUP, 'restic.log'), join(STARTUP, 'velero.log')]);
    assert.equal(bundle.versions.velero, '1.12.1');
    assert.equal(bundle.versions.nodeAgent, '1.9.5');
  });

  it('never overrides the version of an image', async () => {
    const dump = join(tmp.dir, 'deploy.yaml');
    await writeFile(
      dump,
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: velero, namespace: velero, labels: {component: velero}}',
        'spec:',
        '  selector: {matchLabels: {deploy: velero}}',
        '  template:',
        '    metadata: {labels: {deploy: velero}}',
        '    spec:',
        '      containers: [{name: velero, image: "velero/velero:v1.13.2"}]',
        '---',
        'apiVersion: apps/v1',
        'kind: DaemonSet',
        'metadata: {name: node-agent, namespace: velero}',
        'spec:',
        '  template:',
        '    spec:',
        '      containers: [{name: node-agent, image: "velero/velero:v1.13.2"}]',
        '',
      ].join('\n'),
    );
    const bundle = await readInputs([join(STARTUP, 'velero.log'), join(STARTUP, 'node-agent.log'), dump]);
    assert.equal(bundle.versions.velero, '1.13.2');
    assert.equal(bundle.versions.nodeAgent, '1.13.2');
  });
});
