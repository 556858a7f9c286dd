// Every formatter on the hand-made Report fixtures: content, bounds, and hostile strings kept in their place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatReport, FORMAT_NAMES } from '../../src/formatters/index.js';
import type { Report } from '../../src/report/types.js';

// The ANSI escape that starts every colour sequence.
const ESC = String.fromCharCode(27);
const load = (name: string) => JSON.parse(readFileSync(`fixtures/reports/${name}.json`, 'utf8')) as Report;
const broken = load('broken');
const healthy = load('healthy');
const hostile = load('hostile');

/** Lines of Markdown outside fenced code blocks, tracking fence length as CommonMark does. */
function outsideFences(markdown: string): string[] {
  const outside: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const m = /^(`{3,})/.exec(line);
    if (fence === null && m) fence = m[1]!;
    else if (fence !== null && m && m[1]!.length >= fence.length && line.trim() === m[1]) fence = null;
    else if (fence === null) outside.push(line);
  }
  assert.equal(fence, null, 'every code block is closed');
  return outside;
}

test('every format renders every fixture', () => {
  for (const format of FORMAT_NAMES) {
    for (const report of [broken, healthy, hostile]) {
      const out = formatReport(report, format);
      assert.ok(out.length > 100, `${format} output is not empty`);
    }
  }
});

test('text: findings most severe first with message, evidence and fix; plain without colour', () => {
  const out = formatReport(broken, 'text', { color: false });
  assert.ok(!out.includes(`${ESC}[`));
  const first = broken.findings[0]!;
  assert.ok(out.indexOf(first.title) < out.indexOf(broken.findings.at(-1)!.title));
  assert.match(out, /fix:/);
  assert.match(formatReport(healthy, 'text'), /No findings/);
  assert.ok(formatReport(broken, 'text', { color: true }).includes(`${ESC}[`));
});

test('markdown: summary, every finding, evidence in closed code blocks, links only for http(s)', () => {
  const out = formatReport(broken, 'markdown');
  assert.match(out, /\| Critical \| \d+ \|/);
  for (const f of broken.findings) assert.ok(out.includes(f.ruleId), `${f.ruleId} is shown`);
  outsideFences(out);
});

test('markdown: hostile strings cannot break out of code blocks or inject links and HTML', () => {
  const out = formatReport(hostile, 'markdown');
  // Code spans render their content as text, so only what stands outside fences and code spans counts.
  const outside = outsideFences(out)
    .join('\n')
    .replace(/`[^`\n]*`/g, '');
  assert.doesNotMatch(outside, /<(script|img|iframe)\b/i, 'no raw HTML from the report outside code');
  assert.doesNotMatch(outside, /\]\(javascript:/i, 'no javascript: links');
  assert.doesNotMatch(outside, /(?<!\\)\[[^\]]*\]\((?!https?:|#[\p{L}\p{N}_-]*\))/u, 'no links but http(s) ones and anchors of this page');
});

test('markdown: a huge report stays under 64 KB and says what it cut', () => {
  const finding = broken.findings[0]!;
  const big: Report = {
    ...broken,
    findings: Array.from({ length: 200 }, (_, i) => ({
      ...finding,
      ruleId: `${finding.ruleId}-${i}`,
      count: 400,
      evidence: Array.from({ length: 10 }, (_, j) => ({ file: 'velero.log', line: j + 1, text: 'x'.repeat(2000) })),
    })),
  };
  const out = formatReport(big, 'markdown');
  assert.ok(Buffer.byteLength(out) < 64 * 1024, `size ${Buffer.byteLength(out)}`);
  assert.match(out, /more findings? not shown in full/);
  assert.match(out, /more not shown/);
  const typical = formatReport(broken, 'markdown');
  assert.ok(Buffer.byteLength(typical) < 64 * 1024, `typical report is ${Buffer.byteLength(typical)} bytes`);
});

test('junit: one test case per rule, failed where it fired, valid escaping', () => {
  const out = formatReport(broken, 'junit');
  assert.equal((out.match(/<testcase /g) ?? []).length, broken.rules.length);
  const fired = new Set(broken.findings.map((f) => f.ruleId));
  assert.equal((out.match(/<failure /g) ?? []).length, broken.rules.filter((r) => fired.has(r.id)).length);
  const hostileXml = formatReport(hostile, 'junit');
  assert.doesNotMatch(hostileXml, /<script/i);
  assert.doesNotMatch(hostileXml.replace(/<\/?(testsuites|testsuite|testcase|failure)\b[^>]*>/g, ''), /<[a-z]/i);
});

test('html: self-contained, and data is escaped', () => {
  const out = formatReport(hostile, 'html');
  assert.doesNotMatch(out, /<(link|img|iframe)\b[^>]*\b(src|href)=["']?https?:/i, 'no external resources');
  assert.doesNotMatch(out, /<script>(?![\s\S]*?<\/script>[\s\S]*<script>)[\s\S]*?alert/i);
  assert.equal((out.match(/<script>/g) ?? []).length, 1, 'only the report\'s own script');
  assert.doesNotMatch(out, /href="javascript:/i);
  assert.doesNotMatch(out, /<[a-z]+[^>]*\son[a-z]+=/i, 'no event handler attributes');
});

test('html and markdown: counts are grouped by thousands and an unknown Velero version reads "unknown"', () => {
  const big: Report = structuredClone(broken);
  big.inventory = { ...big.inventory, backups: 10000, podVolumeBackups: 20480 };
  big.versions = { ...big.versions, velero: null };
  const html = formatReport(big, 'html');
  assert.match(html, /<div class="n">10,000<\/div><div class="label">backups<\/div>/);
  assert.match(html, /<td class="num">20,480<\/td>/);
  assert.match(html, /<div class="n">unknown<\/div><div class="label">Velero<\/div>/);
  assert.doesNotMatch(html, /<div class="n">\?<\/div>/);
  assert.match(formatReport(big, 'markdown'), /^\| 10,000 \| /m);
});
