// Counted nouns and times in the words a person writes: "1 backup", "3 backups", "seen once", one timestamp format.

/** `backup` → `backups`, `class` → `classes`, `policy` → `policies`; the last word of a phrase changes. */
export function pluralOf(singular: string): string {
  if (/(s|x|z|ch|sh)$/.test(singular)) return `${singular}es`;
  if (/[^aeiouAEIOU]y$/.test(singular)) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

/**
 * `1 backup`, `3 backups`, `10,000 backups`; `pluralForm` for nouns the rule above gets wrong. A count
 * that is not a number reads `an unknown number of backups` (never `?`).
 */
export function plural(count: unknown, singular: string, pluralForm?: string): string {
  const n = typeof count === 'number' ? count : typeof count === 'string' && count.trim() !== '' ? Number(count) : Number.NaN;
  const many = pluralForm ?? pluralOf(singular);
  if (!Number.isFinite(n)) return `an unknown number of ${many}`;
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : many}`;
}

/** `10000` → `10,000`: a count as a person reads it; what is not a number is returned as given. */
export function formatCount(count: unknown): string {
  return typeof count === 'number' && Number.isFinite(count) ? count.toLocaleString('en-US') : String(count ?? '');
}

/** `once`, `2 times`, `1,204 times`: how often something was seen (`seen once`, `seen 4 times`). */
export function timesOf(count: unknown): string {
  const n = typeof count === 'number' ? count : Number(count);
  if (!Number.isFinite(n)) return 'an unknown number of times';
  return n === 1 ? 'once' : `${n.toLocaleString('en-US')} times`;
}

/** `12 days`, `1 day`, `5 hours`, `40 minutes`: how long ago, in words (whole units, rounded down). */
export function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return plural(hours, 'hour');
  return plural(Math.floor(hours / 24), 'day');
}

/**
 * The one timestamp format of every report: RFC 3339 in UTC to the second (`2024-05-01T02:00:00Z`),
 * as Kubernetes writes them. Accepts epoch milliseconds, a Date or a parseable string; what does not
 * parse is returned as given.
 */
export function formatTimestamp(time: number | Date | string): string {
  const ms = time instanceof Date ? time.getTime() : typeof time === 'number' ? time : Date.parse(time);
  if (!Number.isFinite(ms)) return String(time);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
