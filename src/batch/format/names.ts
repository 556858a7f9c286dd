// The batch summary's format names and file extensions, apart from the formatters, so option parsing loads none of them.
export const BATCH_FORMAT_NAMES = ['text', 'markdown', 'html', 'json'] as const;
export type BatchFormatName = (typeof BATCH_FORMAT_NAMES)[number];

/** `json` is JSON Lines: one Report (or one error) per line. */
export const BATCH_EXTENSIONS: Record<BatchFormatName, string> = { text: 'txt', markdown: 'md', html: 'html', json: 'jsonl' };

export function isBatchFormatName(name: string): name is BatchFormatName {
  return (BATCH_FORMAT_NAMES as readonly string[]).includes(name);
}
