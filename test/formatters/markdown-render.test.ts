// Markdown fixes shown in each format: HTML with lists, code and copy buttons; terminal text without fences; safe Markdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markdownToHtml, markdownToSafeMarkdown, markdownToTerminal, wrapWords } from '../../src/formatters/markdown-render.js';

const FIX = [
  'Give the node-agent more memory (2Gi or more), for example:',
  '',
  '```sh',
  'kubectl -n velero patch daemonset node-agent -p \\',
  `  '{"spec":{}}'`,
  '```',
  '',
  '1. Check `velero backup-location get`.',
  '2. See [the docs](https://velero.io/docs/) and [this](javascript:alert(1)).',
].join('\n');

test('HTML: lists, inline code, a code block with a copy button; no raw HTML, links only http(s), images as text', () => {
  const html = markdownToHtml(`${FIX}\n\n<script>alert(1)</script> ![x](https://evil.example/x.png)`);
  assert.match(html, /<ol>\s*<li>Check <code>velero backup-location get<\/code>\.<\/li>/);
  assert.match(html, /<button type="button" class="copy"[^>]*>Copy<\/button><pre><code>kubectl -n velero patch daemonset node-agent -p \\\n {2}'\{&quot;spec&quot;:\{\}\}'<\/code><\/pre>/);
  assert.match(html, /<a href="https:\/\/velero\.io\/docs\/" rel="noopener noreferrer">the docs<\/a>/);
  assert.doesNotMatch(html, /<script|href="javascript:|<img/);
});

test('terminal: prose wrapped with hanging indents, commands indented, no fence or backticks', () => {
  const lines = markdownToTerminal(FIX, 40);
  assert.ok(lines.filter((l) => !l.startsWith('    ')).every((l) => l.length <= 40), lines.join('\n'));
  assert.ok(lines.includes('    kubectl -n velero patch daemonset node-agent -p \\'));
  assert.ok(lines.includes('1. Check velero backup-location get.'));
  assert.ok(lines.includes('2. See the docs'), lines.join('\n'));
  assert.ok(lines.includes('   (https://velero.io/docs/) and'), 'the continuation of a list item hangs under its text');
  assert.doesNotMatch(lines.join('\n'), /```|`/);
});

test('Markdown: the fix as Markdown, code in a fence, no escaped parentheses, unsafe links as text', () => {
  const md = markdownToSafeMarkdown(`${FIX}\n\n<b>bold</b>`);
  assert.match(md, /^Give the node-agent more memory \(2Gi or more\), for example:$/m);
  assert.match(md, /^```sh\nkubectl -n velero patch/m);
  assert.match(md, /^1\. Check `velero backup-location get`\.$/m);
  assert.match(md, /\[the docs\]\(https:\/\/velero\.io\/docs\/\) and \\\[this\\\]\\\(javascript/);
  assert.doesNotMatch(md, /(?<!\\)\]\(javascript|<b>/);
});

test('words are never split when wrapping', () => {
  assert.deepEqual(wrapWords('PartiallyFailed backups need attention', 16), ['PartiallyFailed', 'backups need', 'attention']);
});
