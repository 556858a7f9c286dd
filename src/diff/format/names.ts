// The diff format names and file extensions, apart from the formatters, so the CLI's option parsing loads no formatter.
export const DIFF_FORMAT_NAMES = ['text', 'markdown', 'html', 'json', 'junit'] as const;
export type DiffFormatName = (typeof DIFF_FORMAT_NAMES)[number];

export const DIFF_EXTENSIONS: Record<DiffFormatName, string> = { text: 'txt', markdown: 'md', html: 'html', json: 'json', junit: 'xml' };

export function isDiffFormatName(name: string): name is DiffFormatName {
  return (DIFF_FORMAT_NAMES as readonly string[]).includes(name);
}
