// `rules list` as text: one line per rule off a terminal, titles wrapped within a terminal's width, a heading per category when narrow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../../src/catalog.js';
import { formatRuleList } from '../../src/ruledoc/list.js';

const metas = (await loadCatalog()).rules.map((r) => r.meta);
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;]*m/;

test('off a terminal every rule is one line of the table (for grep), by category then id', () => {
  const lines = formatRuleList(metas).split('\n');
  assert.match(lines[0]!, /^id +severity +category +title$/);
  assert.equal(lines.length, metas.length + 4, 'header, one line per rule, a blank line, the count, the final newline');
  assert.match(lines.find((l) => l.startsWith('bsl-unavailable '))!, /^bsl-unavailable +error +storage +A backup storage location is unavailable$/);
  assert.equal(lines.at(-2), `${metas.length} rules`);
  assert.ok(!ESCAPES.test(lines.join('\n')));
});

test('at 140 columns the table keeps its columns and wraps titles under themselves; at 80 a heading per category', () => {
  for (const width of [140, 80]) {
    const text = formatRuleList(metas, { width });
    for (const line of text.split('\n')) assert.ok(line.length < width, `${width}: "${line}" is ${line.length} columns`);
    for (const m of metas) assert.ok(text.includes(m.id), `${width}: ${m.id}`);
  }
  const wide = formatRuleList(metas, { width: 140 }).split('\n');
  assert.match(wide[0]!, /^id +severity +category +title$/);
  const narrow = formatRuleList(metas, { width: 80 }).split('\n');
  assert.equal(narrow[0], 'backup');
  assert.match(narrow.find((l) => l.includes('bsl-unavailable'))!, /^ {2}bsl-unavailable +error +A backup storage location/);
  assert.ok(narrow.includes('storage'), 'the category is a heading');
});

test('severities in colour only when asked', () => {
  assert.match(formatRuleList(metas, { width: 140, color: true }), ESCAPES);
  assert.ok(!ESCAPES.test(formatRuleList(metas, { width: 140 })));
});
