// Inline Markdown escaping: what could change a line's meaning is escaped, and nothing else (checked by rendering it with markdown-it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { inline } from '../../src/formatters/markdown-escape.js';

const md = new MarkdownIt({ html: true });

/** The text a CommonMark reader sees, when `inline(text)` is a paragraph of its own: one <p>, nothing else. */
function rendered(text: string): string {
  const html = md.render(inline(text)).trim();
  const m = /^<p>([\s\S]*)<\/p>$/.exec(html);
  assert.ok(m, `"${text}" stays a paragraph, got ${html}`);
  return m[1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

test('line-start marks are escaped only where they would make a heading, list or rule', () => {
  for (const text of ['1. first', '2) second', '# heading', '###### six', '- item', '+ item', '-', '---', '===', '  1. indented']) {
    assert.equal(rendered(text), text.trim(), text);
  }
  for (const text of ['1.13.2', 'v1.13.2', '#42 in the tracker', '-1 exit code', '+5 more', '2024-05-01T12:30:00Z', '1.0)', '(troubleshoot)']) {
    assert.equal(inline(text), text, `"${text}" needs no escape`);
    assert.equal(rendered(text), text);
  }
});

test('links, HTML, emphasis and table pipes stay text', () => {
  for (const text of ['[x](https://evil.example)', '<script>alert(1)</script>', '*not bold* _nor this_', 'a | b', '`code`', '~~gone~~']) {
    assert.equal(rendered(text), text, text);
  }
});
