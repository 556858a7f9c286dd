// Odd files are analyzed as far as they can be read: damaged logs are logs, binary files are skipped by name, budgets cut with a problem, and no report shows a raw control character.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { constants, createGzip, gzipSync } from 'node:zlib';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { runCli } from '../support/cli.js';
import { FORMAT_NAMES } from '../../src/formatters/names.js';
import { visibleText } from '../../src/report/visible.js';
import { binaryKind } from '../../src/readers/log-bytes.js';
import { tempDir } from './support.js';

const START = 'time="2024-05-01T02:00:00Z" level=info msg="Starting Velero server v1.13.2" logSource="pkg/cmd/server/server.go:236"';
const DENIED =
  'time="2024-05-01T02:00:02Z" level=error msg="Error getting backup store for this location" backupLocation=velero/default controller=backup-sync error="rpc error: code = Unknown desc = AccessDenied: Access Denied" logSource="pkg/controller/backup_sync_controller.go:98"';
/** The same line with a colour escape and a right-to-left override inside the message. */
const HOSTILE = DENIED.replace('for this location', 'for this \u001b[31mlocation\u001b[0m \u202eevil\u202c \u0085C1');
const POD_LOG = 'cluster-resources/pods/logs/velero/velero-7d9f-abcde/velero.log';

interface JsonReport {
  findings: { ruleId: string }[];
  problems: { source: string; message: string }[];
  inventory: { logFiles: number };
}

/** Characters that must never reach a terminal, page or ticket raw. */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('odd files', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(async () => tmp.cleanup());

  async function file(name: string, content: string | Buffer): Promise<string> {
    const path = join(tmp.dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    return path;
  }

  async function analyzeJson(input: string, extra: string[] = []): Promise<{ code: number; report: JsonReport; stderr: string }> {
    const result = await runCli(['analyze', input, '--format', 'json', ...extra]);
    assert.ok(result.stdout, `a report for ${input}: ${result.stderr}`);
    return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
  }

  it('logs with NUL padding, invalid UTF-8, a BOM, CR-only line ends or escape sequences are read and scanned', async () => {
    const logs: [string, Buffer][] = [
      // A node that lost power: the cut-off line is followed by NUL padding, then the log goes on.
      ['nul-padded.log', Buffer.concat([Buffer.from(`${START}\ntime="2024-05-01T01:59:59Z" level=info msg="cut of`), Buffer.alloc(20_000), Buffer.from(`${DENIED}\n`)])],
      ['invalid-utf8.log', Buffer.concat([Buffer.from(`${START}\n`), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from(`${DENIED}\n`)])],
      ['bom.log', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${DENIED}\n`)])],
      ['cr-only.log', Buffer.from(`${START}\r${DENIED}\r`)],
      ['escapes.log', Buffer.from(`${START}\n${HOSTILE}\n`)],
    ];
    for (const [name, bytes] of logs) {
      const { code, report } = await analyzeJson(await file(name, bytes));
      assert.equal(code, 1, name);
      assert.ok(report.findings.some((f) => f.ruleId === 'objstore-access-denied'), `${name}: ${report.findings.map((f) => f.ruleId).join(', ')}`);
      assert.deepEqual(report.problems, [], name);
    }
  });

  it('control characters and bidi overrides from the input are made visible in every report format', async () => {
    const input = await file('hostile-text.log', `${START}\n${HOSTILE}\n`);
    for (const format of FORMAT_NAMES) {
      const result = await runCli(['analyze', input, '--format', format, '--fail-on', 'none']);
      assert.equal(result.code, 0, `${format}: ${result.stderr}`);
      assert.ok(result.stdout.includes('location'), format);
      assert.doesNotMatch(result.stdout.replace(/\n|\t/g, ''), RAW, `${format} has no raw control character`);
      if (['text', 'markdown', 'html'].includes(format)) assert.ok(result.stdout.includes('\\x1b[31m'), `${format} shows ESC as \\x1b`);
    }
    assert.equal(visibleText('a\u0000b\u001b[0m\u202e\u0085\u007f\tc\n'), 'a\\x00b\\x1b[0m\\u202e\\x85\\x7f\tc\n');
  });

  it('a binary file where a log should be is skipped with a problem naming it, its bytes in no report', async () => {
    const root = join(tmp.dir, 'bundle-with-image');
    await file('bundle-with-image/version.yaml', 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n');
    await file(`bundle-with-image/${POD_LOG}`, `${START}\n${DENIED}\n`);
    const marker = 'PLANTED-IMAGE-BYTES';
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`IHDR ${marker} `), Buffer.alloc(64, 0xfe)]);
    await file('bundle-with-image/cluster-resources/pods/logs/velero/node-agent-x1/node-agent.log', png);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.from(marker), Buffer.alloc(512)]);
    await file('bundle-with-image/snapshot-doctor/backup-logs/velero/b1.log', gzipSync(elf));
    const { code, report } = await analyzeJson(root, ['--fail-on', 'none']);
    assert.equal(code, 0);
    const problem = (path: string) => report.problems.find((p) => p.source.endsWith(path))?.message ?? '';
    assert.match(problem('node-agent-x1/node-agent.log'), /^a PNG image where a log should be: skipped$/);
    assert.match(problem('backup-logs/velero/b1.log'), /^an ELF executable where a log should be: skipped$/);
    assert.ok(report.findings.some((f) => f.ruleId === 'objstore-access-denied'), 'the rest is analyzed');
    for (const format of FORMAT_NAMES) {
      const result = await runCli(['analyze', root, '--format', format, '--fail-on', 'none']);
      assert.ok(!result.stdout.includes(marker), `${format}: no byte of the binary file`);
    }
    // Alone, a binary file is no input at all: one line naming it.
    const alone = await runCli(['analyze', await file('screenshot.log', png)]);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /screenshot\.log: a PNG image, not a log/);
    assert.equal(binaryKind(Buffer.alloc(4096)), undefined, 'NUL padding alone is no binary file');
  });

  it('an empty List is valid input; objects without a name are skipped with a problem, by every reader alike', async () => {
    for (const [name, text] of [
      ['empty.yaml', 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n'],
      ['empty.json', '{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}\n'],
    ] as const) {
      const result = await runCli(['analyze', await file(name, text), '--format', 'json']);
      assert.equal(result.code, 0, `${name}: ${result.stderr}`);
    }
    const nameless = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: velero.io/v1\n  kind: Backup\n  metadata:\n    namespace: velero\n- apiVersion: velero.io/v1\n  kind: Backup\n  metadata:\n    name: b1\n    namespace: velero\n';
    const dump = await analyzeJson(await file('nameless.yaml', nameless), ['--fail-on', 'none']);
    await file('nameless-bundle/version.yaml', 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n');
    await file('nameless-bundle/cluster-resources/custom-resources/backups.velero.io/velero.json', JSON.stringify([{ kind: 'Backup', metadata: { namespace: 'velero' } }, { kind: 'Backup', metadata: { name: 'b1', namespace: 'velero' } }]));
    await file('nameless-bundle/cluster-resources/custom-resources/restores.velero.io/velero.yaml', '- kind: Restore\n  metadata:\n    namespace: velero\n');
    const bundle = await analyzeJson(join(tmp.dir, 'nameless-bundle'), ['--fail-on', 'none']);
    const wording = '1 item is not a Kubernetes object (no kind or metadata.name): skipped';
    assert.deepEqual(dump.report.problems, [{ source: 'nameless.yaml', message: wording }]);
    assert.deepEqual(bundle.report.problems.map((p) => p.message), [wording, wording]);
  });

  it('a gzipped log bomb is read up to the log budget, analyzed, with a problem saying where it was cut', async () => {
    const bomb = join(tmp.dir, 'velero-bomb.log.gz');
    // 256 MB of log lines in a few hundred KB.
    const gzip = createGzip({ level: constants.Z_BEST_COMPRESSION });
    const out = createWriteStream(bomb);
    gzip.pipe(out);
    gzip.write(`${START}\n${DENIED}\n`);
    const block = Buffer.from(`${START}\n`.repeat(8192));
    for (let written = 0; written < 256 * 1024 ** 2; written += block.length) if (!gzip.write(block)) await once(gzip, 'drain');
    gzip.end();
    await once(out, 'close');
    const config = await file('log-budget.yaml', 'budget:\n  maxLogBytes: 4194304\n');
    const { code, report } = await analyzeJson(bomb, ['--config', config]);
    assert.equal(code, 1, 'the lines before the cut are analyzed');
    assert.ok(report.findings.some((f) => f.ruleId === 'objstore-access-denied'));
    assert.deepEqual(report.problems, [
      { source: 'velero-bomb.log.gz', message: 'inflates to more than 4 MB (the log budget, budget.maxLogBytes): analyzed up to there, the rest was not read' },
    ]);
  });

  it('more entries than the entry budget: what was read is analyzed, with a problem', async () => {
    const root = join(tmp.dir, 'many-entries');
    await file('many-entries/version.yaml', 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n');
    await file(`many-entries/${POD_LOG}`, `${START}\n${DENIED}\n`);
    for (let i = 0; i < 30; i++) await file(`many-entries/zz-padding/${i}.txt`, 'x');
    const config = await file('entries.yaml', 'budget:\n  maxEntries: 10\n');
    const { code, report } = await analyzeJson(root, ['--config', config]);
    assert.equal(code, 1);
    assert.ok(report.findings.some((f) => f.ruleId === 'objstore-access-denied'));
    assert.ok(report.problems.some((p) => p.source === root && /more than 10 entries \(the entry-count budget, budget\.maxEntries\): the first 10 were analyzed/.test(p.message)), JSON.stringify(report.problems));
  });
});
