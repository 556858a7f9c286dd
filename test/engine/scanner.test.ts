// The log scanner: lines, bytes, tail, timestamps, prefilter candidates, filters and bounds, whatever the chunking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compilePattern } from '../../src/engine/patterns.js';
import { PatternScanner } from '../../src/engine/scanner.js';
import { deriveLiterals } from '../../src/engine/literals.js';
import { Prefilter } from '../../src/engine/prefilter.js';
import { scanText } from './support.js';

const line = (i: number, msg: string, level = 'info') => `time="2024-05-18T07:${String(i % 60).padStart(2, '0')}:00Z" level=${level} msg="${msg}" logSource="pkg/x.go:${i}"`;

function scanner(specs: Parameters<typeof compilePattern>[2][], options = {}) {
  return new PatternScanner(specs.map((s, i) => compilePattern('r', i, s)), options);
}

test('counts lines and bytes, keeps the tail and the first and last timestamps', async () => {
  const lines = Array.from({ length: 100 }, (_, i) => line(i, `step ${i}`));
  const text = `garbage first line\n${lines.join('\n')}\n`;
  const file = await scanText(scanner([{ regex: 'step 42"' }]), { path: 'v.log', text, chunkSize: 97 });
  assert.equal(file.lines, 101);
  assert.equal(file.bytes, Buffer.byteLength(text));
  assert.equal(file.tail.length, 30);
  assert.equal(file.tail.at(-1), lines.at(-1));
  assert.equal(file.tail[0], lines[70]);
  assert.equal(file.firstTime, '2024-05-18T07:00:00Z');
  assert.equal(file.lastTime, '2024-05-18T07:39:00Z');
  assert.deepEqual(file.hits.map((h) => [h.line, h.patternKey]), [[44, 'r#0']]);
});

test('a last line without a newline, CRLF endings, and an empty file', async () => {
  const s = scanner([{ regex: 'boom (?<n>\\d+)' }]);
  const file = await scanText(s, { path: 'a.log', text: 'one\r\nboom 1\r\nboom 2' });
  assert.equal(file.lines, 3);
  assert.deepEqual(file.hits.map((h) => [h.line, h.text, h.groups.n]), [[2, 'boom 1', '1'], [3, 'boom 2', '2']]);
  assert.deepEqual(file.tail, ['one', 'boom 1', 'boom 2']);
  const empty = await scanText(s, { path: 'e.log', text: '' });
  assert.equal(empty.lines, 0);
  assert.deepEqual(empty.tail, []);
});

test('literals match case-insensitively; the regex decides', async () => {
  const s = scanner([{ regex: 'AccessDenied', flags: 'i' }, { regex: 'AccessDenied' }]);
  const file = await scanText(s, { path: 'a.log', text: 'x accessdenied y\nx ACCESSDENIED\nx AccessDenied\n' });
  assert.deepEqual(file.hitCounts, { 'r#0': 3, 'r#1': 1 });
});

test('components and levels filter patterns', async () => {
  const s = scanner([
    { regex: 'timed out waiting', components: ['backup-log'] },
    { regex: 'timed out waiting', levels: ['error'] },
  ]);
  const text = `${line(1, 'timed out waiting', 'error')}\n${line(2, 'timed out waiting', 'warning')}\n`;
  const server = await scanText(s, { path: 's.log', component: 'server', text });
  assert.deepEqual(server.hitCounts, { 'r#1': 1 });
  const backup = await scanText(s, { path: 'b.log', component: 'backup-log', text });
  assert.deepEqual(backup.hitCounts, { 'r#0': 2, 'r#1': 1 });
  // JSON lines have levels too.
  const json = await scanText(s, { path: 'j.log', text: '{"level":"error","msg":"timed out waiting for all PodVolumeBackups to complete"}\n' });
  assert.deepEqual(json.hitCounts, { 'r#1': 1 });
});

test('hits are bounded per pattern per file; hitCounts keep the true totals', async () => {
  const s = scanner([{ regex: 'repeat' }], { maxHitsPerPattern: 5 });
  const text = Array.from({ length: 50 }, () => 'repeat').join('\n');
  const file = await scanText(s, { path: 'r.log', text, chunkSize: 13 });
  assert.equal(file.hits.length, 5);
  assert.equal(file.hitCounts['r#0'], 50);
});

test('long lines are cut at maxLineLength for matching and keeping', async () => {
  const s = scanner([{ regex: 'needle' }, { regex: 'start.*' }], { maxLineLength: 100 });
  const text = `start${'x'.repeat(500)}needle\nneedle\n`;
  const file = await scanText(s, { path: 'l.log', text, chunkSize: 64 });
  assert.deepEqual(file.hits.map((h) => [h.patternKey, h.line]), [['r#1', 1], ['r#0', 2]]);
  assert.equal(file.hits[0]!.text.length, 100);
  assert.equal(file.lines, 2);
});

test('several literals of several patterns on one line: each pattern is tried once', async () => {
  const s = scanner([{ regex: 'alpha|beta' }, { regex: 'beta.*gamma' }, { regex: 'delta' }]);
  const file = await scanText(s, { path: 'm.log', text: 'alpha beta gamma alpha\nnothing here\ndelta\n' });
  assert.deepEqual(file.hits.map((h) => [h.patternKey, h.line]), [['r#0', 1], ['r#1', 1], ['r#2', 3]]);
  assert.deepEqual(file.hitCounts, { 'r#0': 1, 'r#1': 1, 'r#2': 1 });
});

test('chunking never changes the result (property)', async () => {
  const words = ['error', 'AccessDenied', 'is unavailable', 'ok', 'é', '\n', '\r\n', ' ', 'time="2024-01-01T00:00:00Z" '];
  const s = scanner([{ regex: 'AccessDenied' }, { regex: 'is unavailable' }, { regex: 'e(?<x>r+)or', literals: ['err'] }], { maxLineLength: 40 });
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom(...words), { maxLength: 60 }), fc.integer({ min: 1, max: 50 }), async (parts, size) => {
      const text = parts.join('');
      const whole = await scanText(s, { path: 'p.log', text });
      const chunked = await scanText(s, { path: 'p.log', text, chunkSize: size });
      assert.deepEqual(chunked, whole);
    }),
    { numRuns: 300 },
  );
});

test('deriveLiterals: the longest plain run of each top-level alternative', () => {
  assert.deepEqual(deriveLiterals('BackupStorageLocation \\\\?"(?<n>[^"]+)\\\\?" is unavailable'), { literals: ['BackupStorageLocation '] });
  assert.deepEqual(deriveLiterals('error: (?:a|b) timed out|signal: killed'), { literals: [' timed out', 'signal: killed'] });
  assert.deepEqual(deriveLiterals('repository not initiali[sz]ed'), { literals: ['repository not initiali'] });
  assert.deepEqual(deriveLiterals('colou?r mismatch'), { literals: ['r mismatch'] });
  assert.deepEqual(deriveLiterals('a\\.b\\.cd\\d+efgh'), { literals: ['a.b.cd'] });
  assert.deepEqual(deriveLiterals('x{2,}yyyy'), { literals: ['xyyyy'] });
  assert.deepEqual(deriveLiterals('StatusCode: 40[13]'), { literals: ['StatusCode: 40'] });
  assert.ok('missing' in deriveLiterals('foo|\\d+ bar'));
  assert.ok('missing' in deriveLiterals('(?:AccessDenied|Forbidden)'));
});

test('the prefilter never misses a line the regexes match (property, against the naive loop)', async () => {
  // Literals of different lengths sharing prefixes and suffixes, so that windows, shifts and buckets overlap.
  const specs = [
    { regex: 'AccessDenied', flags: 'i' },
    { regex: 'is unavailable: (?<why>\\w+)' },
    { regex: 'no such host' },
    { regex: 'signal: killed' },
    { regex: 'Error 403' },
    { regex: 'code: 403 Forbidden' },
    { regex: 'some backup storage locations are invalid' },
    { regex: 'backup storage', literals: ['backup storage'] },
    { regex: 'x509: certificate signed by unknown authority' },
    { regex: 'é[tT]é', literals: ['été', 'éTé'] },
  ];
  const s = scanner(specs);
  const words = ['AccessDenied', 'accessdenied', 'Access', 'Denied', 'is unavailable: ', 'no such host', 'no such', ' host', 'signal: killed', 'signal:', 'Error 403', 'code: 403 Forbidden', 'code: 403', 'some backup storage locations are invalid', 'backup storage', 'backup', ' storage', 'x509: certificate signed by unknown authority', 'x509', 'été', 'éTé', 'ÉTÉ', 'abc', ' ', '=', '"', '\n', '\r\n', 'level=error '];
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom(...words), { maxLength: 80 }), fc.integer({ min: 1, max: 64 }), async (parts, size) => {
      const text = parts.join('');
      const file = await scanText(s, { path: 'p.log', text, chunkSize: size });
      const expected: [string, number][] = [];
      text.split('\n').forEach((raw, i) => {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        s.patterns.forEach((p) => {
          if (p.regex.test(line)) expected.push([p.key, i + 1]);
        });
      });
      assert.deepEqual(file.hits.map((h) => [h.patternKey, h.line]), expected);
    }),
    { numRuns: 500 },
  );
});

test('literals shorter than three bytes are refused: the scan skips by the shortest', () => {
  assert.throws(() => compilePattern('r', 0, { regex: 'ab', literals: ['ab'] }), (e: Error & { field?: string }) => e.field === 'literals' && /literal "ab" is too short/.test(e.message));
});

test('a Go error printed over several lines (continuations start with a tab) is matched and kept as one', async () => {
  const s = scanner([{ regex: 'NoSuchBucket[\\s\\S]*status code: 404' }, { regex: 'status code: 403' }]);
  const text = [
    line(1, 'before'),
    'An error occurred: rpc error: code = Unknown desc = NoSuchBucket: The specified bucket does not exist',
    '\tstatus code: 404, request id: 17A5F2B3C4D5E6F7, host id: ',
    line(4, 'between'),
    'error getting backup store: AccessDenied: Access Denied',
    '\tstatus code: 403, request id: 9B8A7C6D5E4F3A2B',
    line(7, 'after'),
    '',
  ].join('\n');
  for (const chunkSize of [text.length, 4096]) {
    const file = await scanText(s, { path: 'v.log', text, chunkSize });
    assert.equal(file.lines, 7);
    // Found by the continuation's literal, matched and reported at the line it continues.
    assert.deepEqual(
      file.hits.map((h) => [h.patternKey, h.line, h.text]),
      [
        ['r#0', 2, 'An error occurred: rpc error: code = Unknown desc = NoSuchBucket: The specified bucket does not exist\n\tstatus code: 404, request id: 17A5F2B3C4D5E6F7, host id: '],
        ['r#1', 5, 'error getting backup store: AccessDenied: Access Denied\n\tstatus code: 403, request id: 9B8A7C6D5E4F3A2B'],
      ],
    );
  }
});

test('near miss: a line after a tab-indented one without a literal is not joined to anything', async () => {
  const s = scanner([{ regex: 'status code: 404' }]);
  const file = await scanText(s, { path: 'v.log', text: 'plain text\n  status code: 404 (spaces, not a tab)\n' });
  assert.deepEqual(file.hits.map((h) => [h.line, h.text]), [[2, '  status code: 404 (spaces, not a tab)']]);
});

test('start-up lines are found in the same pass, anywhere in the log', async () => {
  const lines = Array.from({ length: 5000 }, (_, i) => line(i, `step ${i}`));
  lines.splice(4000, 0, 'time="2024-05-18T09:00:00Z" level=info msg="Starting Velero server v1.12.4 (8f3ad5a)" logSource="pkg/cmd/server/server.go:193"');
  const file = await scanText(scanner([{ regex: 'never there' }]), { path: 'v.log', text: `${lines.join('\n')}\n`, chunkSize: 65536 });
  assert.deepEqual(file.startups, [{ line: 4001, program: 'server', version: '1.12.4', time: '2024-05-18T09:00:00Z' }]);
});

test('error and fatal lines no pattern matches are grouped by template, with counts, times and one example', async () => {
  const s = scanner([{ regex: 'known failure' }, { regex: 'server-only failure', components: ['server'] }]);
  const text = [
    line(1, 'error syncing backup daily-20240518010000 from location default: timed out after 30s', 'error'),
    line(2, 'error syncing backup daily-20240518020000 from location default: timed out after 45s', 'error'),
    line(3, 'known failure', 'error'),
    line(4, 'server-only failure in pod app-7f9c', 'error'),
    line(5, 'an info line mentioning level=error in its text'),
    '{"level":"fatal","ts":"2024-05-18T07:06:00Z","msg":"cannot open /var/lib/kopia/cache/5f1c/index: permission denied"}',
    '',
  ].join('\n');
  const file = await scanText(s, { path: 'b.log', component: 'backup-log', text });
  assert.deepEqual(
    file.unexplained?.map((g) => [g.template, g.count, g.line, g.firstTime, g.lastTime, g.hours]),
    [
      ['error syncing backup <n> from location default: timed out after <duration>', 2, 1, '2024-05-18T07:01:00.000Z', '2024-05-18T07:02:00.000Z', { '2024-05-18T07': 2 }],
      ['cannot open <path>: permission denied', 1, 6, '2024-05-18T07:06:00.000Z', '2024-05-18T07:06:00.000Z', { '2024-05-18T07': 1 }],
    ],
  );
  assert.equal(file.unexplained?.[0]?.example, line(1, 'error syncing backup daily-20240518010000 from location default: timed out after 30s', 'error'));
  // Near miss: a log of another program is not collected from.
  const other = await scanText(s, { path: 'o.log', component: 'other', text });
  assert.equal(other.unexplained, undefined);
});

test('an error line is explained by any pattern whose literal it holds: another component, other levels, a continuation line', async () => {
  const s = scanner([
    { regex: 'quota exceeded for (?<what>\\w+)', components: ['server'] },
    { regex: 'disk pressure', levels: ['warning'] },
    { regex: 'NoSuchBucket[\\s\\S]*status code: 404', components: ['server'], literals: ['status code: 404'] },
    // A pattern that names the level literal itself: its line is both a candidate and an error line.
    { regex: 'level=error msg="lease lost"', components: ['server'], literals: ['level=error'] },
  ]);
  const text = [
    line(1, 'quota exceeded for pods', 'error'),
    line(2, 'disk pressure on node-1', 'error'),
    `${line(3, 'NoSuchBucket: The specified bucket does not exist', 'error')}`,
    '\tstatus code: 404, request id: 17A5F2B3C4D5E6F7',
    line(5, 'lease lost', 'error'),
    line(6, 'quota checked, nothing exceeded', 'error'),
    '',
  ].join('\n');
  for (const chunkSize of [text.length, 4096]) {
    const file = await scanText(s, { path: 'b.log', component: 'backup-log', text, chunkSize });
    assert.deepEqual(file.hitCounts, {});
    // Only the line no pattern matches is unexplained.
    assert.deepEqual(file.unexplained?.map((g) => [g.template, g.count, g.line]), [['quota checked, nothing exceeded', 1, 6]]);
  }
});

test('unexplained error lines: the single pass agrees with every line against every pattern (property)', async () => {
  const specs = [
    { regex: 'AccessDenied', components: ['server' as const] },
    { regex: 'timed out waiting', levels: ['warning'] },
    { regex: 'no such host', components: ['backup-log' as const] },
    { regex: 'backup storage (?:location|loc)', literals: ['backup storage'] },
    { regex: 'level=error msg="x509', literals: ['level=error'] },
  ];
  const s = scanner(specs);
  const levels = ['error', 'fatal', 'warning', 'info'];
  const messages = ['AccessDenied', 'accessdenied', 'timed out waiting', 'no such host', 'no such', 'backup storage location', 'backup storage', 'x509 bad', 'plain', 'Starting Velero '];
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.constantFrom(...levels), fc.array(fc.constantFrom(...messages), { minLength: 1, maxLength: 3 })), { maxLength: 30 }),
      fc.constantFrom('server' as const, 'backup-log' as const, 'node-agent' as const),
      async (rows, component) => {
        const lines = rows.map(([level, words], i) => line(i, words.join(' '), level));
        const file = await scanText(s, { path: 'p.log', component, text: `${lines.join('\n')}\n` });
        const expected = lines.flatMap((text, i) => {
          const level = rows[i]![0];
          if (level !== 'error' && level !== 'fatal') return [];
          return s.patterns.some((p) => p.regex.test(text)) ? [] : [i + 1];
        });
        const counted = (file.unexplained ?? []).reduce((n, g) => n + g.count, 0);
        assert.equal(counted, expected.length);
        assert.deepEqual((file.unexplained ?? []).map((g) => g.line), [...new Set((file.unexplained ?? []).map((g) => g.line))].filter((l) => expected.includes(l)));
      },
    ),
    { numRuns: 300 },
  );
});

test('Prefilter.eachLiteral reports every occurrence of every literal, case-insensitively (property, against indexOf)', () => {
  const literals = ['backup storage', 'storage loc', 'AccessDenied', 'été', 'level=error', 'no such host'];
  const prefilter = new Prefilter(literals.map((l) => l.toLowerCase()));
  const words = ['backup', ' storage', ' loc', 'backup storage location', 'ACCESSDENIED', 'AccessDenied', 'été', 'ÉTÉ', 'level=error', 'level=', 'no such host', ' ', '\n'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...words), { maxLength: 40 }), (parts) => {
      const text = parts.join('');
      const buf = Buffer.from(text, 'utf8');
      const folded = Buffer.from(text.replace(/[A-Z]+/g, (w) => w.toLowerCase()), 'utf8');
      const found: string[] = [];
      prefilter.eachLiteral(buf, 0, buf.length, (id) => found.push(literals[id]!));
      const expected: string[] = [];
      literals.forEach((l) => {
        for (let at = folded.indexOf(l.toLowerCase()); at >= 0; at = folded.indexOf(l.toLowerCase(), at + 1)) expected.push(l);
      });
      assert.deepEqual(found.sort(), expected.sort());
    }),
    { numRuns: 500 },
  );
});
