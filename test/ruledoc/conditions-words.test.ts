// Conditions in words: Velero ranges, object queries, log patterns and `when`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionInWords, logPatternInWords, queryInWords, rangeInWords } from '../../src/ruledoc/conditions-words.js';

test('version ranges as a person says them', () => {
  assert.equal(rangeInWords('>=1.9.0'), 'Velero 1.9 or later');
  assert.equal(rangeInWords('<1.9.0'), 'Velero before 1.9');
  assert.equal(rangeInWords('>=1.10.0 <1.13.0'), 'Velero 1.10 to 1.12');
  assert.equal(rangeInWords('>=1.12.0 <1.12.2'), 'Velero 1.12 to 1.12.1');
  assert.equal(rangeInWords('>=1.13.0 <1.13.1'), 'Velero 1.13.0');
  assert.equal(rangeInWords('<1.13.0 || >=1.13.1'), 'Velero before 1.13, or 1.13.1 or later');
  assert.equal(rangeInWords('>=1.15.1', 'KOTS'), 'KOTS 1.15.1 or later');
  assert.equal(rangeInWords('~1.2'), 'Velero ~1.2', 'a range it cannot word stays as written');
});

test('object queries and log patterns in words', () => {
  assert.equal(
    queryInWords('Backup', { 'status.phase': 'Failed', 'status.completionTimestamp': { olderThan: '7d' }, 'status.failureReason': { matches: '^(?<reason>.+)$' }, 'spec.ttl': { exists: false } }),
    "a Backup whose status.phase is Failed, status.completionTimestamp is more than 7 days old, status.failureReason matches the rule's pattern and spec.ttl is not set",
  );
  assert.equal(queryInWords('ObjectBucket', undefined), 'an ObjectBucket');
  assert.equal(
    logPatternInWords({ regex: 'x', literals: ['a b c', 'd e f', 'g h i', 'j k l'], components: ['server', 'node-agent'], levels: ['error'], velero: '<1.9.0' }),
    'a line of the Velero server log or a node-agent log at level error with "a b c", "d e f", "g h i" or …, for Velero before 1.9',
  );
  assert.equal(logPatternInWords({ regex: 'x' }, ['derived text']), 'a line of any log with "derived text"');
});

test('a rule\'s `when` in words', () => {
  assert.equal(conditionInWords({ velero: '>=1.14.0', plugin: { name: 'velero-plugin-for-csi' } }), 'Velero 1.14 or later and the velero-plugin-for-csi plugin is installed');
  assert.equal(
    conditionInWords({ all: [{ absent: { kind: 'Backup', where: { 'status.phase': 'Completed' } } }, { any: [{ kots: '>=1.100.0' }, { logs: 'kotsadm' }] }] }),
    'there is no Backup whose status.phase is Completed and either KOTS 1.100 or later or the input holds the kotsadm log',
  );
  assert.equal(conditionInWords({ not: { exists: { kind: 'Schedule' } } }), 'not (there is a Schedule)');
  assert.equal(
    conditionInWords({ all: [{ absent: { kind: 'Backup', where: { a: 1, b: 2 } } }, { absent: { kind: 'Restore', where: { c: 3 } } }] }),
    'there is no Backup whose a is 1 and b is 2; and there is no Restore whose c is 3',
    'parts that say "and" themselves are set apart',
  );
});
