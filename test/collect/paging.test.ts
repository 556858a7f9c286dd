// The collector's paging pieces: the continue token read off a page, request priorities, and page-by-page array files.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ArrayFile, INDENT_LIMIT, jsonArray, type BuiltFile } from '../../src/collect/array-file.js';
import { ListFiles, pick, type Reads } from '../../src/collect/list-files.js';
import type { Worker } from 'node:worker_threads';
import { Limiter, Priority } from '../../src/collect/limiter.js';
import { Offload } from '../../src/collect/offload.js';
import { itemsText, listContinue } from '../../src/collect/pages.js';
import type { KubeObject } from '../../src/model/kube.js';

const pvb = (i: number): KubeObject => ({
  apiVersion: 'velero.io/v1',
  kind: 'PodVolumeBackup',
  metadata: { name: `b-${i}`, namespace: 'velero', annotations: i === 3 ? { note: 'password=hunter22' } : undefined },
  status: { phase: 'Completed' },
});

/** A page as the chunks a socket might hand over: `n` pieces of about equal size, each owning its memory. */
function inChunks(page: Buffer, n: number): Buffer[] {
  const size = Math.ceil(page.length / n);
  return Array.from({ length: n }, (_, i) => Buffer.from(page.subarray(i * size, (i + 1) * size))).filter((chunk) => chunk.length > 0);
}

test('the continue token is read off the list\'s own fields, at the head of a typed list and the tail of an unstructured one', () => {
  const read = (page: unknown, space?: number) => listContinue(Buffer.from(JSON.stringify(page, null, space)));
  assert.equal(read({ kind: 'PodList', apiVersion: 'v1', metadata: { continue: 'eyJ2Ijoi', resourceVersion: '1' }, items: [] }), 'eyJ2Ijoi');
  const items = Array.from({ length: 200 }, (_, i) => pvb(i));
  assert.equal(read({ apiVersion: 'velero.io/v1', items, kind: 'PodVolumeBackupList', metadata: { continue: 'tail-token', remainingItemCount: 5 } }), 'tail-token');
  assert.equal(read({ apiVersion: 'velero.io/v1', items, kind: 'PodVolumeBackupList', metadata: {} }), null, 'the last page');
  // An item's own `continue` field, nearest the end of the last page, is not the list's.
  const fooling = [...items, { ...pvb(999), spec: { continue: 'bm90LWEtdG9rZW4' } }];
  assert.equal(read({ apiVersion: 'velero.io/v1', items: fooling, kind: 'PodVolumeBackupList', metadata: { resourceVersion: '7' } }), null);
  assert.equal(read({ kind: 'PodList', metadata: { continue: 'x]"y' }, items: [{ metadata: { continue: 'no' } }] }), 'x]"y');
  // In chunks: the shell's cuts may fall across chunk boundaries, and the page may be bigger than what is read of either end.
  const big = Buffer.from(JSON.stringify({ apiVersion: 'velero.io/v1', items: Array.from({ length: 2000 }, (_, i) => pvb(i)), kind: 'PodVolumeBackupList', metadata: { continue: 'chunked' } }));
  assert.ok(big.length > 2 * 64 * 1024);
  for (const n of [1, 2, 7, 300, 5000]) assert.equal(listContinue(inChunks(big, n)), 'chunked', `${n} chunks`);
  const typed = Buffer.from(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { continue: 'head' }, items: [] }));
  assert.equal(listContinue(inChunks(typed, typed.length)), 'head', 'a byte per chunk');
});

test('a page whose token cannot be read with certainty is left to the parse', () => {
  const read = (text: string) => listContinue(Buffer.from(text));
  const items = [pvb(1), pvb(2)];
  assert.equal(read(JSON.stringify({ kind: 'L', metadata: { continue: 'x' }, items }, null, 2)), undefined, 'pretty-printed: no "items":[');
  assert.equal(read(JSON.stringify({ apiVersion: 'v1', items, kind: 'L', metadata: { continue: 'x' }, zz: [1] })), undefined, 'an array after the metadata');
  assert.equal(read(JSON.stringify({ items, metadata: { continue: 'x' } })), undefined, 'no kind: not a list');
  assert.equal(read('{"kind":"L","metadata":{},"items":[{"a":1}'), undefined, 'cut short');
  assert.equal(read('<html>503</html>'), undefined);
});

test('a free slot goes to the waiting task of the highest priority, then to the one that waited longest', async () => {
  const limiter = new Limiter(1);
  const order: string[] = [];
  const held = await limiter.acquire();
  const tasks = [
    limiter.run(async () => void order.push('leaf 1'), Priority.LEAF),
    limiter.run(async () => void order.push('opens 1'), Priority.OPENS),
    limiter.run(async () => void order.push('leaf 2'), Priority.LEAF),
    limiter.run(async () => void order.push('chain'), Priority.CHAIN),
    limiter.run(async () => void order.push('opens 2')),
  ];
  held.release();
  await Promise.all(tasks);
  assert.deepEqual(order, ['chain', 'opens 1', 'opens 2', 'leaf 1', 'leaf 2']);
});

test('a held slot runs one task at a time and counts against the limit until released', async () => {
  const limiter = new Limiter(1);
  const slot = await limiter.acquire();
  let gate!: () => void;
  const first = slot.run(() => new Promise<void>((resolve) => (gate = resolve)));
  await assert.rejects(slot.run(async () => {}), /already in use/);
  let other = false;
  const waiting = limiter.run(async () => void (other = true));
  gate();
  await first;
  await slot.run(async () => {});
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(other, false, 'the slot is still held between its tasks');
  slot.release();
  await waiting;
  assert.equal(other, true);
  await assert.rejects(slot.run(async () => {}), /released/);
});

test('never more tasks at once than the limit', async () => {
  const limiter = new Limiter(3);
  let running = 0;
  let most = 0;
  const task = async () => {
    running += 1;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 1));
    running -= 1;
  };
  await Promise.all(Array.from({ length: 30 }, (_, i) => limiter.run(task, ([Priority.CHAIN, Priority.OPENS, Priority.LEAF] as const)[i % 3])));
  assert.equal(most, 3);
  assert.equal(running, 0);
});

/** The bytes of a built file, whichever form it came in. */
function bytesOf(file: BuiltFile): string {
  return ('gzip' in file ? gunzipSync(file.gzip) : file.content).toString('utf8');
}

test('an array file built page by page has the bytes of the whole list stringified at once, redacted', async () => {
  const redact = (text: string) => text.replace(/hunter22/g, '***HIDDEN***');
  for (const total of [0, 3, INDENT_LIMIT, INDENT_LIMIT + 1, 2 * INDENT_LIMIT + 500]) {
    const items = Array.from({ length: total }, (_, i) => pvb(i));
    const file = new ArrayFile('x.json', redact, 6);
    for (let at = 0; at < total || at === 0; at += 700) {
      file.add(items.slice(at, at + 700));
      if (total === 0) break;
    }
    assert.equal(file.count, total);
    const built = await file.finish();
    assert.equal(bytesOf(built), redact(jsonArray(items)), `${total} objects`);
    // Big files come compressed, with their size for the tar header.
    assert.equal('gzip' in built, total > INDENT_LIMIT);
    if ('gzip' in built) assert.equal(built.size, Buffer.byteLength(bytesOf(built)));
  }
});

test('a page\'s items are cut out of its text only where the cut is certain', () => {
  const items = [pvb(1), pvb(2)];
  const joined = items.map((i) => JSON.stringify(i)).join(',');
  const cut = (page: object, space?: number) => itemsText(JSON.stringify(page, null, space), page);
  assert.equal(cut({ apiVersion: 'velero.io/v1', items, kind: 'L', metadata: { continue: 'x' } }), joined);
  assert.equal(cut({ kind: 'L', metadata: {}, items }), joined);
  assert.equal(cut({ kind: 'L', items: [] }), '');
  // An array after the items (not a list's own field) makes the cut unsafe: no raw text.
  assert.equal(cut({ items, extra: [1] }), undefined);
  assert.equal(cut({ items, extra: { a: [1] }, tail: ']' }), undefined);
  assert.equal(cut({ kind: 'L', metadata: {} }), undefined);
  // A pretty-printed page (no API server sends one) is stringified again.
  assert.equal(cut({ kind: 'L', items }, 2), undefined);
});

test('an array file writes a page\'s raw text once it is compact, and stringifies the objects before that', async () => {
  const keep = (text: string) => text;
  const items = Array.from({ length: INDENT_LIMIT + 10 }, (_, i) => pvb(i));
  const file = new ArrayFile('x.json', keep, 6);
  file.add(items.slice(0, 10), () => 'NOT USED');
  file.add(items.slice(10), () => 'RAW'); // the switch to compact covers both pages: the raw text of one is not enough
  file.add([pvb(9999)], () => 'RAW2');
  assert.equal(bytesOf(await file.finish()), `[${items.map((i) => JSON.stringify(i)).join(',')},RAW2]\n`);
});

test('a collect worker that dies fails what it was asked, and later lists are built inline, redacted as before', async () => {
  const offload = new Offload(undefined, 6);
  const target = { group: 'velero.io', plural: 'podvolumebackups' };
  const page = () => [Buffer.from(JSON.stringify({ apiVersion: 'velero.io/v1', kind: 'PodVolumeBackupList', metadata: {}, items: Array.from({ length: 3000 }, (_, i) => pvb(i)) }))];
  try {
    const first = offload.list(target);
    assert.deepEqual(await first.add(page()), { count: 3000, continue: undefined }, 'a page over 256 KiB goes to the worker');
    await (offload as unknown as { worker: Worker }).worker.terminate();
    await assert.rejects(first.finish(), /collect worker/);
    const second = offload.list(target);
    assert.equal((await second.add(page())).count, 3000);
    const [file] = await second.finish();
    assert.ok(file && 'gzip' in file, 'still compact and compressed');
    const text = bytesOf(file);
    assert.equal((JSON.parse(text) as unknown[]).length, 3000);
    assert.ok(!text.includes('hunter22') && text.includes('password='), 'redacted inline');
  } finally {
    await offload.close();
  }
});

test('a page sends back only the objects and fields later steps read, from the worker as inline', async () => {
  // Backup i covers namespace app-(i mod 3); every fourth one failed.
  const backup = (i: number): KubeObject => ({
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: { name: `b-${i}`, namespace: 'velero', labels: { big: 'x'.repeat(200) } },
    spec: { includedNamespaces: [`app-${i % 3}`], storageLocation: 'default' },
    status: { phase: i % 4 === 3 ? 'Failed' : 'Completed', progress: { itemsBackedUp: 10 } },
  });
  const fields = ['metadata.namespace', 'spec.includedNamespaces', 'status.phase', 'status.startTimestamp'];
  const cut = (i: number) => ({ kind: 'Backup', metadata: { name: `b-${i}`, namespace: 'velero' }, spec: { includedNamespaces: [`app-${i % 3}`] }, status: { phase: i % 4 === 3 ? 'Failed' : 'Completed' } });
  assert.deepEqual(pick(backup(3), fields), cut(3), 'a path the object lacks (startTimestamp) is left out');
  // The failed ones, and the first with each set of included namespaces.
  const reads: Reads = { fields, when: { path: 'status.phase', values: ['Failed'] }, firstOf: 'spec.includedNamespaces' };
  const read = [0, 1, 2, 3, 7, 11];

  const list = (items: KubeObject[], token?: string) =>
    Buffer.from(JSON.stringify({ apiVersion: 'velero.io/v1', items, kind: 'BackupList', metadata: token ? { continue: token } : {} }));
  const backups = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => backup(from + k));
  const inline = new ListFiles({ group: 'velero.io', plural: 'backups' }, (text) => text, 6);
  assert.deepEqual(inline.add(list(backups(0, 12)).toString('utf8'), reads).kept, read.map(cut));
  assert.deepEqual(inline.add(list(backups(0, 2)).toString('utf8'), { fields: ['status.phase'] }).kept?.length, 2, 'without a choice, every object');

  // A list of several pages goes to the worker; the chosen objects come back with each page's answer,
  // "first of" counted over the whole list.
  const offload = new Offload(undefined, 6);
  try {
    const builder = offload.list({ group: 'velero.io', plural: 'backups' });
    // Pages come in the chunks they arrived in, cut anywhere (here inside the first object).
    const first = await builder.add(inChunks(list(backups(0, 5), 'next'), 3), reads);
    const second = await builder.add(inChunks(list(backups(5, 12)), 2), reads);
    assert.equal((offload as unknown as { worker?: Worker }).worker !== undefined, true, 'built on the worker');
    assert.deepEqual([first.continue, second.continue], ['next', undefined]);
    assert.deepEqual([first.count, second.count], [5, 7]);
    assert.deepEqual([...(first.kept ?? []), ...(second.kept ?? [])], read.map(cut));
    const [file] = await builder.finish();
    assert.ok(file);
    assert.deepEqual(JSON.parse(bytesOf(file)), backups(0, 12), 'the file has every whole object');
  } finally {
    await offload.close();
  }
});
