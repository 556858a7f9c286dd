// The helpers the TypeScript rules share: Go durations, flags, log-line backup names, tails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backupRef, flagValue, formatDuration, parseGoDuration, tailEvidence } from '../../src/rules/support.js';
import type { LogFile } from '../../src/model/bundle.js';

test('Go durations as Velero flags and annotations write them', () => {
  assert.equal(parseGoDuration('4h0m0s'), 4 * 3_600_000);
  assert.equal(parseGoDuration('240m'), 4 * 3_600_000);
  assert.equal(parseGoDuration('1h30m'), 90 * 60_000);
  assert.equal(parseGoDuration('1.5h'), 90 * 60_000);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('4 hours'), null);
  assert.equal(parseGoDuration('12'), null);
  assert.equal(parseGoDuration(undefined), null);
});

test('flag values: --a=b, --a b, bare booleans, absent', () => {
  const args = ['server', '--features=EnableCSI', '--uploader-type', 'restic', '--default-volumes-to-fs-backup', '--log-level=debug'];
  assert.equal(flagValue(args, 'features'), 'EnableCSI');
  assert.equal(flagValue(args, 'uploader-type'), 'restic');
  assert.equal(flagValue(args, 'default-volumes-to-fs-backup'), 'true');
  assert.equal(flagValue(args, 'fs-backup-timeout'), undefined);
});

test('the backup a log line names: logfmt and JSON fields, never words of a message', () => {
  assert.deepEqual(backupRef('level=error msg="x" backup=velero/nightly-1 logSource=a.go', null), { kind: 'Backup', namespace: 'velero', name: 'nightly-1' });
  assert.deepEqual(backupRef('{"backup":"infra/full-2","level":"error"}', null), { kind: 'Backup', namespace: 'infra', name: 'full-2' });
  assert.deepEqual(backupRef('level=info backup=daily-3', 'velero'), { kind: 'Backup', namespace: 'velero', name: 'daily-3' });
  assert.equal(backupRef('error: /pod volume backup failed: Failed to run kopia backup: signal: killed', 'velero'), undefined);
});

test('durations in words, and tails numbered from the end of the file', () => {
  assert.equal(formatDuration(26 * 3_600_000), '1d 2h');
  assert.equal(formatDuration(95 * 60_000), '1h 35m');
  assert.equal(formatDuration(40 * 60_000), '40m');
  const log = { path: 'velero.log', lines: 120, tail: ['a', '', 'b', 'c'] } as unknown as LogFile;
  assert.deepEqual(tailEvidence(log, 2), [
    { file: 'velero.log', line: 119, text: 'b' },
    { file: 'velero.log', line: 120, text: 'c' },
  ]);
});
