// Progress while reading: decompressed bytes, never decreasing, against a total from the gzip trailer or the files' sizes, ending at the true total.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { analyze } from '../../src/analyze.js';
import { readInputs, type ReadProgress } from '../../src/readers/index.js';
import { redactCopy } from '../../src/redact/copy.js';
import { estimateInputBytes, gzipTrailerSize, inflatedEstimate } from '../../src/readers/size-estimate.js';
import { FIXTURES, packFolder, tempDir } from './support.js';

function assertSteady(seen: ReadProgress[], trueTotal: number, what: string, phase: ReadProgress['phase'] = 'reading'): void {
  assert.ok(seen.length > 0, what);
  for (const [i, p] of seen.entries()) {
    assert.equal(p.phase, phase, what);
    assert.ok(p.total !== undefined && p.total >= p.done, `${what}: total below done at ${i}: ${JSON.stringify(p)}`);
    if (i > 0) assert.ok(p.done >= seen[i - 1]!.done, `${what}: done went back at ${i}`);
  }
  const last = seen.at(-1)!;
  assert.equal(last.done, trueTotal, `${what}: ends at the true total`);
  assert.equal(last.total, trueTotal, what);
}

describe('read progress', () => {
  it('a .tar.gz bundle: decompressed bytes, the total known from the gzip trailer from the first report, ending at the tar size', async () => {
    const tmp = await tempDir();
    try {
      const archive = await packFolder(join(FIXTURES, 'sample-bundle'), join(tmp.dir, 'sample.tar.gz'));
      const tarSize = gunzipSync(await readFile(archive)).length;
      const seen: ReadProgress[] = [];
      await readInputs([archive], { onProgress: (p) => seen.push(p) });
      assertSteady(seen, tarSize, 'archive');
      assert.equal(seen[0]!.total, tarSize, 'the trailer tells the size before anything is read');
      assert.equal(seen[0]!.input, archive);
      assert.ok(tarSize > (await readFile(archive)).length * 2, 'decompressed bytes, not the archive size');
    } finally {
      await tmp.cleanup();
    }
  });

  it('a gzipped log and a plain one: bytes once decompressed', async () => {
    const tmp = await tempDir();
    try {
      const log = await readFile(join(FIXTURES, 'formats/server-log-logfmt/velero.log'));
      const gz = join(tmp.dir, 'velero.log.gz');
      await writeFile(gz, gzipSync(log));
      for (const input of [gz, join(FIXTURES, 'formats/server-log-logfmt/velero.log')]) {
        const seen: ReadProgress[] = [];
        await readInputs([input], { onProgress: (p) => seen.push(p) });
        assertSteady(seen, log.length, input);
        assert.equal(seen[0]!.total, log.length, input);
      }
    } finally {
      await tmp.cleanup();
    }
  });

  it('a folder and two inputs: the files passed over count too, the total spans every input', async () => {
    const folder = join(FIXTURES, 'sample-bundle');
    const log = join(FIXTURES, 'formats/server-log-logfmt/velero.log');
    // The bundle is the folder's one subfolder: the README beside it is in the estimate, not in what is read.
    const estimated = (await estimateInputBytes(folder, 1000))!;
    const bundleBytes = (await estimateInputBytes(join(folder, 'support-bundle-2024-05-01T12_30_00'), 1000))!;
    const logBytes = (await readFile(log)).length;
    const seen: ReadProgress[] = [];
    await readInputs([folder, log], { onProgress: (p) => seen.push(p) });
    assertSteady(seen, bundleBytes + logBytes, 'folder and log');
    assert.equal(seen[0]!.total, estimated + logBytes, 'both inputs are in the total from the start');
    assert.deepEqual([...new Set(seen.map((p) => p.input))], [folder, log]);
  });

  it('redactCopy of a .tar.gz: the same decompressed bytes, as redacting', async () => {
    const tmp = await tempDir();
    try {
      const archive = await packFolder(join(FIXTURES, 'sample-bundle'), join(tmp.dir, 'sample.tar.gz'));
      const seen: ReadProgress[] = [];
      await redactCopy(archive, join(tmp.dir, 'redacted.tar.gz'), { onProgress: (p) => seen.push(p) });
      assertSteady(seen, gunzipSync(await readFile(archive)).length, 'redact', 'redacting');
    } finally {
      await tmp.cleanup();
    }
  });

  it('analyze: reading, then every rule, then the report', async () => {
    const seen: ReadProgress[] = [];
    await analyze(join(FIXTURES, 'sample-bundle'), { onProgress: (p) => seen.push(p) });
    const phases = seen.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1]);
    assert.deepEqual(phases, ['reading', 'rules', 'report']);
    const rules = seen.filter((p) => p.phase === 'rules');
    assert.equal(rules[0]!.done, 0);
    assert.equal(rules.at(-1)!.done, rules.at(-1)!.total);
    assert.ok(rules.at(-1)!.total! > 50);
    assert.deepEqual(seen.at(-1), { phase: 'report', done: 1, total: 1, unit: 'steps' });
  });
});

describe('decompressed size estimate', () => {
  it('reads ISIZE from the trailer; not gzip: undefined', async () => {
    const tmp = await tempDir();
    try {
      const file = join(tmp.dir, 'x.gz');
      const content = Buffer.alloc(123_456, 'a');
      await writeFile(file, gzipSync(content));
      assert.equal(await gzipTrailerSize(file, gzipSync(content).length), 123_456);
      const plain = join(tmp.dir, 'x.txt');
      await writeFile(plain, content);
      assert.equal(await gzipTrailerSize(plain, content.length), undefined);
    } finally {
      await tmp.cleanup();
    }
  });

  it('past 4 GiB, the trailer (mod 2^32) is placed by the ratio read so far', () => {
    const GiB = 2 ** 30;
    const actual = 9 * GiB + 12_345;
    const isize = actual % 2 ** 32;
    // Nothing read yet: the trailer as it stands (a file under 4 GiB is the usual case).
    assert.equal(inflatedEstimate(isize, { size: 600e6, read: 0, inflated: 0 }), isize);
    // A tenth read at a 15:1 ratio points past 8 GiB: the trailer's candidate nearest to it.
    assert.equal(inflatedEstimate(isize, { size: 600e6, read: 60e6, inflated: 900e6 }), actual);
    // Never below what was already inflated.
    assert.ok(inflatedEstimate(1000, { size: 10e6, read: 1e6, inflated: 5e6 }) >= 5e6);
  });

  it('a trailer far from the ratio (a file of several gzip members) falls back to the ratio', () => {
    // The last member alone holds 1 MB; a quarter of the file gave 50 MB.
    assert.equal(inflatedEstimate(1e6, { size: 40e6, read: 10e6, inflated: 50e6 }), 200e6);
    assert.equal(inflatedEstimate(undefined, { size: 40e6, read: 10e6, inflated: 50e6 }), 200e6);
  });
});
