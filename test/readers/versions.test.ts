// Versions wherever the input writes them: digest-pinned images, start-up lines in any log, and where each version came from.
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyze } from '../../src/analyze.js';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { formatReport } from '../../src/formatters/index.js';
import { FIXTURES, packFolder, tempDir } from './support.js';

const PINNED = join(FIXTURES, 'formats/troubleshoot-digest-pinned');
const DEBUG = join(FIXTURES, 'formats/velero-debug-v1.13');
const NOW = new Date('2024-05-01T12:00:00Z');
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(readFileSync('src/report/report.schema.json', 'utf8')) as object);

describe('versions of a digest-pinned install', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(async () => tmp.cleanup());

  for (const packed of [false, true]) {
    it(`troubleshoot bundle (${packed ? '.tar.gz' : 'folder'}): Velero and node-agent from their start-up lines, with where`, async () => {
      const input = packed ? await packFolder(PINNED, join(tmp.dir, 'support-bundle-2024-05-01T12_00_00.tar.gz'), { root: 'support-bundle-2024-05-01T12_00_00' }) : PINNED;
      const report = await analyze(input, { now: NOW });
      assert.equal(report.versions.velero, '1.12.4');
      assert.equal(report.versions.nodeAgent, '1.12.4');
      assert.deepEqual(report.versions.sources?.velero, {
        from: 'start-up line',
        file: 'cluster-resources/pods/logs/velero/velero-7d9c5b6f4-x2k8p/velero.log',
        detail: 'line 2',
      });
      assert.equal(report.versions.sources?.nodeAgent?.from, 'start-up line');
      assert.match(report.versions.sources?.nodeAgent?.file ?? '', /node-agent-q7w2m\/node-agent\.log$/);
      // A digest says nothing about the plugin's version, and no source is claimed for it.
      assert.deepEqual(report.versions.plugins.map((p) => [p.name, p.version, p.source]), [['velero-plugin-for-aws', null, undefined]]);
      assert.ok(validate(JSON.parse(formatReport(report, 'json'))), ajv.errorsText(validate.errors));
    });
  }

  it('near miss: a tagged image still wins over a start-up line, and says so', async () => {
    const dir = join(tmp.dir, 'tagged');
    await cp(PINNED, dir, { recursive: true });
    const file = join(dir, 'cluster-resources/deployments/velero.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('velero/velero@sha256:4c2b3f1e9a7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c', 'velero/velero:v1.13.0'));
    const report = await analyze(dir, { now: NOW });
    assert.equal(report.versions.velero, '1.13.0');
    assert.deepEqual(report.versions.sources?.velero, { from: 'image', file: 'cluster-resources/deployments/velero.json', detail: 'registry.example.com:5000/velero/velero:v1.13.0' });
  });

  it('velero debug tarball: the server log’s start-up line, before version.txt', async () => {
    const dir = join(tmp.dir, 'debug');
    await cp(DEBUG, dir, { recursive: true });
    const log = join(dir, 'velero-bundle/kubecapture/core_v1/velero/velero-6b7f9c8d5-q2xlz/velero/velero.log');
    await writeFile(log, `time="2024-05-01T00:00:01Z" level=info msg="Starting Velero server v1.13.2 (4d961fb6fec384ed7f3c1b7c65c818106107f5a6)" logSource="pkg/cmd/server/server.go:214"\n${await readFile(log, 'utf8')}`);
    const pods = join(dir, 'velero-bundle/kubecapture/core_v1/velero/pods-202405011230.0000.json');
    await writeFile(pods, (await readFile(pods, 'utf8')).replace(/"velero\/velero:v[\d.]+"/g, '"velero/velero@sha256:4c2b3f1e9a7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c"'));
    const report = await analyze(await packFolder(dir, join(tmp.dir, 'bundle-2024-05-01-12-30-00.tar.gz')), { now: NOW });
    assert.equal(report.versions.velero, '1.13.2');
    assert.equal(report.versions.sources?.velero?.from, 'start-up line');
    assert.match(report.versions.sources?.velero?.file ?? '', /velero-6b7f9c8d5-q2xlz\/velero\/velero\.log$/);
  });

  it('velero debug tarball without a start-up line: version.txt, and says so', async () => {
    const report = await analyze(DEBUG, { now: NOW });
    assert.ok(report.versions.velero);
    assert.ok(report.versions.sources?.velero, 'a source for the Velero version');
  });

  it('a log of an older Velero beside a newer bundle: the newest start-up line decides the bundle’s version', async () => {
    const dir = join(tmp.dir, 'upgrade');
    await mkdir(dir);
    await writeFile(
      join(dir, 'velero-old.log'),
      'time="2024-03-01T08:00:00Z" level=info msg="Starting Velero server v1.11.1 (bdbe7eb242b0f64d5b04a7fea86d1edbb3a3587c)" logSource="pkg/cmd/server/server.go:185"\n',
    );
    const report = await analyze([join(dir, 'velero-old.log'), PINNED], { now: NOW });
    assert.equal(report.versions.velero, '1.12.4');
    assert.equal(report.versions.sources?.velero?.detail, 'line 2');
  });
});
