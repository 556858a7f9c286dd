// Rule descriptions and fixes are Markdown: parsed once with markdown-it (raw HTML off, http(s) links only) and shown as HTML, terminal text or safe Markdown.
import { createRequire } from 'node:module';
import type MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { codeBlock, codeSpan, inline } from './markdown-escape.js';

let parser: MarkdownIt | undefined;

/** Only http(s) URLs become links; `javascript:`, `data:`, relative and mail links stay text. */
export function isSafeUrl(url: string): boolean {
  return /^https?:\/\/[^\s"'<>`]+$/i.test(url);
}

/** markdown-it, loaded on first use: the JSON and JUnit formats never pay for it. */
function markdownIt(): MarkdownIt {
  if (!parser) {
    const require = createRequire(import.meta.url);
    const Ctor = require('markdown-it') as typeof MarkdownIt;
    parser = new Ctor('commonmark', { html: false, linkify: false, typographer: false });
    parser.validateLink = isSafeUrl;
    // Images would load from anywhere when the report is opened: shown as their text.
    parser.renderer.rules.image = (tokens, i) => parser!.utils.escapeHtml(tokens[i]!.content);
    parser.renderer.rules.link_open = (tokens, i, options, _env, self) => {
      tokens[i]!.attrSet('rel', 'noopener noreferrer');
      return self.renderToken(tokens, i, options);
    };
    parser.renderer.rules.fence = (tokens, i) => codeBlockHtml(tokens[i]!.content);
    parser.renderer.rules.code_block = (tokens, i) => codeBlockHtml(tokens[i]!.content);
  }
  return parser;
}

function codeBlockHtml(code: string): string {
  const escaped = markdownIt().utils.escapeHtml(code.replace(/\n$/, ''));
  return `<div class="code"><button type="button" class="copy" title="Copy to the clipboard">Copy</button><pre><code>${escaped}</code></pre></div>\n`;
}

/** HTML for the HTML report: lists, inline code, links (http(s) only), commands as code blocks with a copy button. */
export function markdownToHtml(markdown: string): string {
  return markdownIt().render(markdown);
}

/** One line of Markdown (no paragraph around it) as inline HTML. */
export function markdownInlineToHtml(markdown: string): string {
  return markdownIt().renderInline(markdown);
}

/** A paragraph or list item's inline tokens as plain text: code spans without backticks, links as `text (url)`. */
function inlineText(tokens: Token[] | null, mode: 'terminal' | 'markdown'): string {
  let out = '';
  let href: string | null = null;
  let linkText = '';
  for (const t of tokens ?? []) {
    const text = (s: string) => {
      if (href !== null) linkText += s;
      else out += s;
    };
    switch (t.type) {
      case 'text':
        text(mode === 'markdown' ? inline(t.content) : t.content);
        break;
      case 'code_inline':
        text(mode === 'markdown' ? codeSpan(t.content) : t.content);
        break;
      case 'softbreak':
      case 'hardbreak':
        text(' ');
        break;
      case 'strong_open':
      case 'strong_close':
        if (mode === 'markdown') text('**');
        break;
      case 'em_open':
      case 'em_close':
        if (mode === 'markdown') text('_');
        break;
      case 'link_open':
        href = t.attrGet('href') ?? '';
        linkText = '';
        break;
      case 'link_close': {
        const url = href ?? '';
        href = null;
        if (!isSafeUrl(url)) out += linkText;
        else if (mode === 'markdown') out += `[${linkText}](${url})`;
        else out += linkText === url ? url : `${linkText} (${url})`;
        break;
      }
      case 'image':
        text(mode === 'markdown' ? inline(t.content) : t.content);
        break;
      default:
        if (t.content) text(mode === 'markdown' ? inline(t.content) : t.content);
    }
  }
  return out;
}

/** A Markdown block as it is read: paragraphs, lists (nested), code, headings. */
export type Block =
  | { type: 'paragraph'; text: string }
  | { type: 'heading'; text: string }
  | { type: 'code'; text: string; lang: string }
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] };

/** The blocks of a Markdown text, their inline parts already written for `mode`. */
export function markdownBlocks(markdown: string, mode: 'terminal' | 'markdown'): Block[] {
  const tokens = markdownIt().parse(markdown, {});
  let i = 0;
  const blocks = (until: string | null): Block[] => {
    const out: Block[] = [];
    while (i < tokens.length) {
      const t = tokens[i]!;
      if (until !== null && t.type === until) {
        i++;
        return out;
      }
      i++;
      switch (t.type) {
        case 'paragraph_open':
          out.push({ type: 'paragraph', text: inlineText(tokens[i]!.children, mode) });
          i += 2;
          break;
        case 'heading_open':
          out.push({ type: 'heading', text: inlineText(tokens[i]!.children, mode) });
          i += 2;
          break;
        case 'fence':
        case 'code_block':
          out.push({ type: 'code', text: t.content.replace(/\n$/, ''), lang: /^[A-Za-z0-9_+-]{1,20}$/.test(t.info.trim()) ? t.info.trim() : '' });
          break;
        case 'bullet_list_open':
        case 'ordered_list_open': {
          const ordered = t.type === 'ordered_list_open';
          const list: Block = { type: 'list', ordered, start: Number(t.attrGet('start') ?? 1), items: [] };
          const close = ordered ? 'ordered_list_close' : 'bullet_list_close';
          while (i < tokens.length && tokens[i]!.type !== close) {
            if (tokens[i]!.type === 'list_item_open') {
              i++;
              list.items.push(blocks('list_item_close'));
            } else i++;
          }
          i++;
          out.push(list);
          break;
        }
        case 'blockquote_open':
          out.push(...blocks('blockquote_close'));
          break;
        default:
          break;
      }
    }
    return out;
  };
  return blocks(null);
}

/** Wraps `text` to `width` columns at spaces, never inside a word. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/**
 * Markdown as a terminal shows it: prose wrapped to `width`, list markers with a hanging indent,
 * commands indented by four spaces with no fence markers (copyable as they are).
 */
export function markdownToTerminal(markdown: string, width: number): string[] {
  const render = (blocks: Block[], indent: number): string[] => {
    const out: string[] = [];
    const room = Math.max(20, width - indent);
    blocks.forEach((b, n) => {
      if (n > 0 && (b.type !== 'list' || blocks[n - 1]!.type !== 'paragraph')) out.push('');
      const pad = ' '.repeat(indent);
      if (b.type === 'paragraph' || b.type === 'heading') out.push(...wrapWords(b.text, room).map((l) => pad + l));
      else if (b.type === 'code') out.push(...b.text.split('\n').map((l) => `${pad}    ${l}`.trimEnd()));
      else {
        b.items.forEach((item, k) => {
          const marker = b.ordered ? `${b.start + k}. ` : '• ';
          const body = render(item, indent + marker.length);
          const first = body.findIndex((l) => l.trim() !== '');
          if (first >= 0) body[first] = pad + marker + body[first]!.slice(indent + marker.length);
          out.push(...body);
        });
      }
    });
    return out;
  };
  return render(markdownBlocks(markdown, 'terminal'), 0);
}

/**
 * Markdown re-written from its parse, so that it shows what it says and nothing more: no raw HTML,
 * links only http(s), no images, code in fences nothing inside can close.
 */
export function markdownToSafeMarkdown(markdown: string): string {
  const render = (blocks: Block[], indent: string): string[] => {
    const out: string[] = [];
    for (const b of blocks) {
      if (out.length > 0) out.push('');
      if (b.type === 'paragraph') out.push(indent + b.text);
      else if (b.type === 'heading') out.push(`${indent}**${b.text}**`);
      else if (b.type === 'code') out.push(...codeBlock(b.text, b.lang).split('\n').map((l) => indent + l));
      else {
        b.items.forEach((item, k) => {
          const marker = b.ordered ? `${b.start + k}. ` : '- ';
          const body = render(item, indent + ' '.repeat(marker.length));
          if (body.length > 0) body[0] = indent + marker + body[0]!.slice(indent.length + marker.length);
          out.push(...body);
        });
      }
    }
    return out;
  };
  return render(markdownBlocks(markdown, 'markdown'), '').join('\n');
}
