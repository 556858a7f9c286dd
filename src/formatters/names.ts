// The report format names and file extensions, apart from the formatters so that the CLI can parse flags without loading them.

export type FormatName = 'text' | 'markdown' | 'html' | 'json' | 'junit' | 'troubleshoot';

export const FORMAT_NAMES: FormatName[] = ['text', 'markdown', 'html', 'json', 'junit', 'troubleshoot'];

/** File extension used with --output-dir. */
export const FORMAT_EXTENSIONS: Record<FormatName, string> = {
  text: 'txt',
  markdown: 'md',
  html: 'html',
  json: 'json',
  junit: 'xml',
  troubleshoot: 'analysis.json',
};

export function isFormatName(name: string): name is FormatName {
  return (FORMAT_NAMES as string[]).includes(name);
}
