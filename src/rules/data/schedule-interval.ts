// When a Velero Schedule should last have run: cron fire times (robfig/cron "standard" syntax, as Velero parses it) and periods.
import { createRequire } from 'node:module';
import type * as CronParser from 'cron-parser';
import { parseGoDuration } from '../support.js';

let parser: typeof CronParser.CronExpressionParser | undefined;

/** cron-parser (and the date library under it) loads when a cron expression is first read, not with the catalog. */
function cronParser(): typeof CronParser.CronExpressionParser {
  return (parser ??= (createRequire(import.meta.url)('cron-parser') as typeof CronParser).CronExpressionParser);
}

export interface ScheduleTimes {
  /** The time between the last two fires (or the `@every` interval). */
  periodMs: number;
  /** The latest fire at or before `now`, and the one before it; absent for `@every`, which counts from the last backup. */
  lastFire?: Date;
  previousFire?: Date;
  /** The zone the expression runs in. */
  timeZone: string;
}

/**
 * Velero parses `spec.schedule` with robfig/cron's standard parser: five fields, the `@yearly … @hourly`
 * descriptors, `@every <Go duration>`, and an optional `CRON_TZ=` / `TZ=` prefix; the server's zone is UTC
 * in the Velero image. Six-field (seconds) expressions fail Velero's validation, so they get null here.
 */
export function scheduleTimes(expression: unknown, now: Date): ScheduleTimes | null {
  if (typeof expression !== 'string' || !expression) return null;
  let expr = expression.trim();
  let timeZone = 'UTC';
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(expr);
  if (tz) {
    timeZone = tz[1]!;
    expr = tz[2]!.trim();
  }
  const every = /^@every\s+(\S+)$/.exec(expr);
  if (every) {
    const periodMs = parseGoDuration(every[1]);
    return periodMs && periodMs > 0 ? { periodMs, timeZone } : null;
  }
  if (!expr.startsWith('@') && expr.split(/\s+/).length !== 5) return null;
  try {
    const parsed = cronParser().parse(expr, { currentDate: new Date(now.getTime() + 1000), tz: timeZone });
    const lastFire = parsed.prev().toDate();
    const previousFire = parsed.prev().toDate();
    return { periodMs: lastFire.getTime() - previousFire.getTime(), lastFire, previousFire, timeZone };
  } catch {
    return null;
  }
}
