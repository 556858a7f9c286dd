// A rule's README.md: its documentation as Markdown sections, read into the rule's description, remediation and links.
import { FieldError } from './field-error.js';
import type { RuleDocs } from './types.js';

/** The sections of a rule's README.md, in this order; the others are optional. */
export const README_SECTIONS = {
  means: 'What it means',
  why: 'Why it happens',
  fix: 'How to fix',
  links: 'Links',
  messages: 'Messages by Velero version',
  /** The public issues and source files the rule's patterns and cases quote: for maintainers, shown by `rules show`. */
  sources: 'Sources',
} as const;

const REQUIRED = [README_SECTIONS.means, README_SECTIONS.fix, README_SECTIONS.links];
const KNOWN = new Set<string>(Object.values(README_SECTIONS));

/**
 * The `## ` sections of a Markdown text, by heading, each body without its surrounding blank lines.
 * Lines inside fenced code blocks are never headings (a shell comment is not a section).
 */
export function markdownSections(text: string): { title?: string; sections: Map<string, string> } {
  const sections = new Map<string, string>();
  let title: string | undefined;
  let current: string | undefined;
  let body: string[] = [];
  let fence: string | undefined;
  const close = () => {
    if (current !== undefined) sections.set(current, trimBlankLines(body).join('\n'));
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === undefined ? marker : undefined;
    } else if (fence === undefined) {
      const heading = /^(#{1,2})\s+(.*?)\s*#*\s*$/.exec(line);
      if (heading?.[1] === '#' && title === undefined && current === undefined) {
        title = heading[2]!;
        continue;
      }
      if (heading?.[1] === '##') {
        close();
        if (sections.has(heading[2]!)) throw new FieldError(`## ${heading[2]}`, 'the section appears twice');
        current = heading[2]!;
        body = [];
        continue;
      }
    }
    body.push(line);
  }
  close();
  return { title, sections };
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return lines.slice(start, end).map((l) => l.trimEnd());
}

/** The list items of a Markdown section (`- item` / `* item`), continuation lines joined. */
function listItems(body: string, section: string): string[] {
  const items: string[] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    const item = /^[-*]\s+(.*)$/.exec(line);
    if (item) items.push(item[1]!.trim());
    else if (items.length > 0 && /^\s+\S/.test(line)) items[items.length - 1] += ` ${line.trim()}`;
    else throw new FieldError(`## ${section}`, `write a list ("- …"); found "${line.trim()}"`);
  }
  return items;
}

/** `https://x`, `<https://x>` or `[text](https://x)`: the URL. */
function linkOf(item: string, section: string): string {
  const url = /^\[[^\]]*\]\(([^)\s]+)\)$/.exec(item)?.[1] ?? /^<([^>\s]+)>$/.exec(item)?.[1] ?? item;
  if (!/^https?:\/\/\S+$/.test(url)) throw new FieldError(`## ${section}`, `not a link: "${item}"`);
  return url;
}

/** `` `velero >=1.12.0 <1.17.0`: the text `` → a message variant. */
function variantOf(item: string, section: string): { range: string; text: string } {
  const m = /^`([^`]+)`:\s*(.+)$/.exec(item);
  if (!m) throw new FieldError(`## ${section}`, `write each message as "- \`velero <range>\`: text"; found "${item}"`);
  return { range: m[1]!, text: m[2]! };
}

/**
 * The documentation a rule's README.md holds. "What it means", "How to fix" and "Links" are required;
 * "Why it happens" follows "What it means" in the description; "How to fix" is the remediation
 * template (handlebars placeholders are filled per finding).
 */
export function parseRuleReadme(text: string): RuleDocs {
  const { sections } = markdownSections(text);
  for (const name of sections.keys()) {
    if (!KNOWN.has(name)) throw new FieldError(`## ${name}`, `unknown section (a rule's README.md has: ${[...KNOWN].map((k) => `"## ${k}"`).join(', ')})`);
  }
  for (const name of REQUIRED) {
    if (!sections.get(name)) throw new FieldError(`## ${name}`, 'the section is required');
  }
  const why = sections.get(README_SECTIONS.why);
  const docs: RuleDocs = {
    description: why ? `${sections.get(README_SECTIONS.means)!}\n\n${why}` : sections.get(README_SECTIONS.means)!,
    remediation: sections.get(README_SECTIONS.fix)!,
    docs: listItems(sections.get(README_SECTIONS.links)!, README_SECTIONS.links).map((item) => linkOf(item, README_SECTIONS.links)),
  };
  if (why) docs.why = why;
  const sources = sections.get(README_SECTIONS.sources);
  if (sources) docs.sources = sources;
  const messages = sections.get(README_SECTIONS.messages);
  if (messages) docs.variants = listItems(messages, README_SECTIONS.messages).map((item) => variantOf(item, README_SECTIONS.messages));
  return docs;
}
