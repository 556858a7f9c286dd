// The .tar.gz bundle writer: entries (ready gzip members too) read back by node-tar, tar(1) and our reader, atomic output, rejected paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar';
import { gzipSync } from 'node:zlib';
import { BundleWriter, BundleWriteError } from '../../src/bundle/writer.js';
import { openEntries } from '../../src/readers/entries/index.js';

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sd-writer-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('files, streams, long paths and relative symlinks read back intact', async () => {
  await withTemp(async (dir) => {
    const out = join(dir, 'out', 'bundle.tar.gz');
    const writer = await BundleWriter.create(out, { root: 'bundle-1' });
    const longPath = `cluster-resources/pods/logs/velero/${'node-agent-'.repeat(12)}abcde/node-agent-previous.log`;
    const big = Buffer.alloc(300_000, 'x');
    // Started together on purpose: entries are queued in call order.
    await Promise.all([
      writer.addFile('version.yaml', 'apiVersion: troubleshoot.sh/v1beta2\n'),
      writer.addFile(longPath, 'a log line\n'),
      writer.addStream('big.bin', Readable.from([big.subarray(0, 1000), big.subarray(1000)]), big.length),
      writer.addStream('unknown-size.txt', Readable.from(['one ', 'two'])),
      writer.addSymlink('velero/logs/p/velero.log', '../../../version.yaml'),
    ]);
    assert.equal(existsSync(out), false, 'nothing at the output path before close()');
    const written = await writer.close();
    assert.equal(written.entries, 5);
    assert.equal(written.path, out);

    const extracted = join(dir, 'x');
    await mkdir(extracted);
    await tar.x({ file: out, cwd: extracted });
    const root = join(extracted, 'bundle-1');
    assert.equal(await readFile(join(root, 'version.yaml'), 'utf8'), 'apiVersion: troubleshoot.sh/v1beta2\n');
    assert.equal(await readFile(join(root, longPath), 'utf8'), 'a log line\n');
    assert.deepEqual(await readFile(join(root, 'big.bin')), big);
    assert.equal(await readFile(join(root, 'unknown-size.txt'), 'utf8'), 'one two');
    assert.equal(await readlink(join(root, 'velero/logs/p/velero.log')), '../../../version.yaml');

    const listing = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n');
    assert.ok(listing.includes(`bundle-1/${longPath}`), 'GNU tar reads the PAX long path');
    assert.deepEqual(await readdir(join(dir, 'out')), ['bundle.tar.gz'], 'no temporary file left behind');
  });
});

test('a file given as a ready gzip member sits between ordinary entries: gunzip, tar(1), node-tar and our reader read the whole archive', async () => {
  await withTemp(async (dir) => {
    const out = join(dir, 'bundle.tar.gz');
    const writer = await BundleWriter.create(out, { root: 'b' });
    const big = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `{"name":"pvb-${i}"}`).join(','));
    await writer.addFile('before.txt', 'first\n');
    await writer.addGzipMember('custom-resources/pvbs.json', big.length, gzipSync(big));
    await writer.addGzipMember('empty.json', 0, gzipSync(Buffer.alloc(0)));
    await writer.addFile('after.txt', 'last\n');
    await assert.rejects(writer.addGzipMember('wrong-size.json', big.length + 1, gzipSync(big)), /not a gzip member of/);
    await assert.rejects(writer.addGzipMember('not-gzip.json', 3, Buffer.from('abc'.repeat(10))), /not a gzip member of/);
    await writer.close();

    // Several members, one after the other: one stream to every reader.
    const raw = await readFile(out);
    assert.ok(raw.subarray(2).indexOf(Buffer.from([0x1f, 0x8b, 0x08])) > 0, 'more than one gzip member');
    const listing = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(listing, ['b/before.txt', 'b/custom-resources/pvbs.json', 'b/empty.json', 'b/after.txt']);
    const extracted = join(dir, 'x');
    await mkdir(extracted);
    await tar.x({ file: out, cwd: extracted });
    assert.deepEqual(await readFile(join(extracted, 'b/custom-resources/pvbs.json')), big);
    assert.equal(await readFile(join(extracted, 'b/after.txt'), 'utf8'), 'last\n');
    const seen = new Map<string, number>();
    const source = await openEntries(out);
    for await (const entry of source) {
      let bytes = 0;
      for await (const chunk of entry.stream()) bytes += chunk.length;
      seen.set(entry.path, bytes);
    }
    assert.deepEqual([...seen], [['before.txt', 6], ['custom-resources/pvbs.json', big.length], ['empty.json', 0], ['after.txt', 5]]);
  });
});

test('abort leaves neither the output nor a temporary file', async () => {
  await withTemp(async (dir) => {
    const out = join(dir, 'bundle.tar.gz');
    const writer = await BundleWriter.create(out);
    await writer.addFile('a.txt', 'a');
    await writer.abort();
    assert.deepEqual(await readdir(dir), []);
    await assert.rejects(writer.addFile('b.txt', 'b'), BundleWriteError);
  });
});

test('paths leaving the bundle, duplicates and short streams are refused', async () => {
  await withTemp(async (dir) => {
    const writer = await BundleWriter.create(join(dir, 'b.tar.gz'));
    await assert.rejects(writer.addFile('../evil', 'x'), /not a relative path/);
    await assert.rejects(writer.addFile('/etc/passwd', 'x'), /not a relative path/);
    await assert.rejects(writer.addSymlink('a/link', '../../outside'), /outside the bundle/);
    await assert.rejects(writer.addSymlink('a/link', '/etc/passwd'), /relative path/);
    await writer.addFile('a/file', 'x');
    await assert.rejects(writer.addFile('./a/file', 'y'), /twice/);
    assert.ok(writer.has('a/file'));
    await assert.rejects(writer.addStream('short', Readable.from([Buffer.from('abc')]), 10), /ended after 3 of 10/);
    // The archive is broken after a failed entry: close() refuses and removes the temporary file.
    await assert.rejects(writer.close());
    assert.deepEqual(await readdir(dir), []);
  });
});
