// The collector's paging pieces: the continue-token guess, urgent requests first, and page-by-page array files.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrayFile, INDENT_LIMIT, jsonArray } from '../../src/collect/array-file.js';
import { Limiter } from '../../src/collect/limiter.js';
import { guessContinue } from '../../src/collect/pages.js';
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
