// Schedule fire times and periods as Velero's robfig/cron parser would see them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scheduleTimes } from '../../src/rules/data/schedule-interval.js';

const now = new Date('2025-03-05T11:00:00Z');

test('a five-field cron expression gives the last two fires and their period', () => {
  const t = scheduleTimes('0 2 * * *', now);
  assert.equal(t?.lastFire?.toISOString(), '2025-03-05T02:00:00.000Z');
  assert.equal(t?.previousFire?.toISOString(), '2025-03-04T02:00:00.000Z');
  assert.equal(t?.periodMs, 24 * 3_600_000);
});

test('a fire exactly at now counts as the last fire', () => {
  assert.equal(scheduleTimes('0 11 * * *', now)?.lastFire?.toISOString(), '2025-03-05T11:00:00.000Z');
});

test('descriptors, @every durations and CRON_TZ prefixes', () => {
  assert.equal(scheduleTimes('@daily', now)?.lastFire?.toISOString(), '2025-03-05T00:00:00.000Z');
  assert.equal(scheduleTimes('@weekly', now)?.periodMs, 7 * 24 * 3_600_000);
  const every = scheduleTimes('@every 1h30m', now);
  assert.equal(every?.periodMs, 90 * 60_000);
  assert.equal(every?.lastFire, undefined);
  const berlin = scheduleTimes('CRON_TZ=Europe/Berlin 0 3 * * *', now);
  assert.equal(berlin?.lastFire?.toISOString(), '2025-03-05T02:00:00.000Z');
  assert.equal(berlin?.timeZone, 'Europe/Berlin');
});

test('expressions Velero rejects give null: six fields, garbage, empty', () => {
  assert.equal(scheduleTimes('0 0 2 * * *', now), null);
  assert.equal(scheduleTimes('every day', now), null);
  assert.equal(scheduleTimes('', now), null);
  assert.equal(scheduleTimes('@every soon', now), null);
});
