// Message templates: a log message with what varies between occurrences (ids, names, numbers, times, paths) masked.
import type { ParsedLogLine } from './line.js';

/**
 * Masks, in order (earlier masks protect their text from later ones): URLs, file paths, UUIDs, IP
 * addresses (with ports), RFC 3339 times, Go durations and sizes, long hex ids, quoted strings
 * (object names, keys), then any word holding a digit (`daily-20240501`, `pod-7f9c`, `v1.2.3`) and
 * plain numbers.
 */
const MASKS: [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"',;)]+/gi, '<url>'],
  [/(?:^|(?<=[\s"'=(:]))(?:\/[\w.@%+~-]+){2,}\/?/g, '<path>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>'],
  [/\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, '<time>'],
  [/\b\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h)(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))*\b/g, '<duration>'],
  [/\b(?=[0-9a-f]*[a-f])[0-9a-f]{12,}\b/gi, '<id>'],
  [/"(?:[^"\\]|\\.){1,200}"/g, '"<…>"'],
  [/'[^'\s]{1,200}'/g, "'<…>'"],
  [/\b[\w.-]*\d[\w.-]*\b/g, '<n>'],
];

/** The template of a message: what stays the same between occurrences of one kind of error. */
export function maskMessage(message: string): string {
  let text = message.length > 2000 ? message.slice(0, 2000) : message;
  for (const [regex, mask] of MASKS) text = text.replace(regex, mask);
  // `<n>/<n>` (namespace/name) and runs of masks read as one.
  return text.replace(/<n>(?:[/:.-]<n>)+/g, '<n>').replace(/\s+/g, ' ').trim();
}

/** What a line says, without its time, level and context fields: `msg: error` for Velero's lines, the text otherwise. */
export function messageOf(parsed: ParsedLogLine, text: string): string {
  if (parsed.msg !== undefined || parsed.error !== undefined) {
    const msg = parsed.msg ?? '';
    return parsed.error !== undefined && parsed.error !== '' ? (msg ? `${msg}: ${parsed.error}` : parsed.error) : msg;
  }
  // Plain text: drop a leading timestamp and level word.
  return text.replace(/^\[?\d{4}-\d\d-\d\d[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?\]?\s*/, '').replace(/^(?:error|fatal|panic|err)\b[:\s]*/i, '');
}
