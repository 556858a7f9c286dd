// The collector's paging pieces: the continue-token guess, urgent requests first, and page-by-page array files.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrayFile, INDENT_LIMIT, jsonArray } from '../../src/collect/array-file.js';
import { Limiter } from '../../src/collect/limiter.js';
import { guessContinue, itemsText } from '../../src/collect/pages.js';
import type { KubeObject } from '../../src/model/kube.js';

const pvb = (i: number): KubeObject => ({
  apiVersion: 'velero.io/v1',
  kind: 'PodVolumeBackup',
  metadata: { name: `b-${i}`, namespace: 'velero', annotations: i === 3 ? { note: 'password=hunter22' } : undefined },
  status: { phase: 'Completed' },
});

test('the continue token is read from the head of a typed list and the tail of an unstructured one', () => {
  const typed = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { continue: 'eyJ2Ijoi', resourceVersion: '1' }, items: [] });
  assert.equal(guessContinue(Buffer.from(typed)), 'eyJ2Ijoi');
  const items = Array.from({ length: 200 }, (_, i) => pvb(i));
  const sorted = JSON.stringify({ apiVersion: 'velero.io/v1', items, kind: 'PodVolumeBackupList', metadata: { continue: 'tail-token', remainingItemCount: 5 } });
  assert.ok(sorted.length > 8192);
  assert.equal(guessContinue(Buffer.from(sorted)), 'tail-token');
  assert.equal(guessContinue(Buffer.from(JSON.stringify({ apiVersion: 'velero.io/v1', items, kind: 'PodVolumeBackupList', metadata: {} }))), null);
});

test('urgent tasks take the next free slot before ordinary ones that waited longer', async () => {
  const limiter = new Limiter(1);
  const order: string[] = [];
  let release!: () => void;
  const first = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
  const ordinary = limiter.run(async () => void order.push('ordinary'));
  const urgent = limiter.run(async () => void order.push('urgent'), true);
  release();
  await Promise.all([first, ordinary, urgent]);
  assert.deepEqual(order, ['urgent', 'ordinary']);
});

test('an array file built page by page has the bytes of the whole list stringified at once, redacted', async () => {
  const redact = async (text: string) => text.replace(/hunter22/g, '***HIDDEN***');
  for (const total of [0, 3, INDENT_LIMIT, INDENT_LIMIT + 1, 2 * INDENT_LIMIT + 500]) {
    const items = Array.from({ length: total }, (_, i) => pvb(i));
    const file = new ArrayFile('x.json', redact);
    for (let at = 0; at < total || at === 0; at += 700) {
      file.add(items.slice(at, at + 700));
      if (total === 0) break;
    }
    assert.equal(file.count, total);
    assert.equal(await file.text(), await redact(jsonArray(items)), `${total} objects`);
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
  const keep = async (text: string) => text;
  const items = Array.from({ length: INDENT_LIMIT + 10 }, (_, i) => pvb(i));
  const file = new ArrayFile('x.json', keep);
  file.add(items.slice(0, 10), 'NOT USED');
  file.add(items.slice(10), 'RAW'); // the switch to compact covers both pages: the raw text of one is not enough
  file.add([pvb(9999)], 'RAW2');
  assert.equal(await file.text(), `[${items.map((i) => JSON.stringify(i)).join(',')},RAW2]\n`);
});
