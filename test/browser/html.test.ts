// The HTML report in a real headless Chromium: loads offline without errors, filters and search work, nothing injected runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { formatReport } from '../../src/formatters/index.js';
import type { Report } from '../../src/report/types.js';
import { manyBackupsReport } from '../support/many-backups.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
const skip = available ? false : `no ${CHROMIUM} (apt-get install chromium); run in CI`;

let browser: Browser;
let dir: string;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'sd-html-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
  dialogs: string[];
}

async function open(fixture: string, given?: Report): Promise<Opened> {
  const report = given ?? (JSON.parse(readFileSync(`fixtures/reports/${fixture}.json`, 'utf8')) as Report);
  const file = join(dir, `${fixture}.html`);
  writeFileSync(file, formatReport(report, 'html'));
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const opened: Opened = { page, errors: [], requests: [], dialogs: [] };
  page.on('console', (m) => m.type() === 'error' && opened.errors.push(m.text()));
  page.on('pageerror', (e) => opened.errors.push(String(e)));
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('dialog', (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
  return opened;
}

const visible = (page: Page) => page.locator('section.finding:not(.hidden)').count();

test('loads offline with no console errors and no requests but the page itself', { skip }, async () => {
  const { page, errors, requests } = await open('broken');
  assert.deepEqual(errors, []);
  assert.equal(requests.length, 1);
  assert.match(requests[0]!, /^file:/);
  await page.screenshot({ path: join(dir, 'broken.png'), fullPage: true });
  await page.close();
});

test('severity and category filters and the search box narrow the findings', { skip }, async () => {
  const report = JSON.parse(readFileSync('fixtures/reports/broken.json', 'utf8')) as Report;
  const { page } = await open('broken');
  assert.equal(await visible(page), report.findings.length);
  await page.uncheck('input.f-severity[value="critical"]');
  assert.equal(await visible(page), report.findings.filter((f) => f.severity !== 'critical').length);
  await page.check('input.f-severity[value="critical"]');
  const category = report.findings[0]!.category;
  await page.uncheck(`input.f-category[value="${category}"]`);
  assert.equal(await visible(page), report.findings.filter((f) => f.category !== category).length);
  await page.check(`input.f-category[value="${category}"]`);
  const target = report.findings.at(-1)!;
  await page.fill('#search', target.ruleId);
  assert.ok((await visible(page)) >= 1);
  assert.ok((await visible(page)) < report.findings.length);
  await page.fill('#search', 'no such text anywhere 9c1e');
  assert.equal(await visible(page), 0);
  assert.equal(await page.isVisible('#no-match'), true);
  await page.close();
});

test('hostile strings show as text: nothing injected runs', { skip }, async () => {
  const { page, errors, dialogs } = await open('hostile');
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
  assert.equal(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned), undefined);
  assert.equal(await page.locator('script').count(), 1);
  assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
  // Runs in the page; typed structurally because the project's tsconfig has no DOM lib.
  const handlers = await page.evaluate(() => {
    type El = { tagName: string; attributes: Iterable<{ name: string }> };
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<El> } }).document;
    return [...doc.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}[${a.name}]`));
  });
  assert.deepEqual(handlers, [], 'no element carries an inline event handler');
  const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
  assert.ok(width <= 1280, `long unbroken strings wrap inside the page (scrollWidth ${width})`);
  assert.ok((await page.textContent('body'))!.includes('<script>'), 'the hostile text is shown as text');
  await page.close();
});

test('the broken report opens with Fix first linking to its findings, and fixes are rendered Markdown (screenshot kept)', { skip }, async () => {
  const { page, errors } = await open('broken');
  const fixFirst = page.locator('#fix-first');
  assert.ok(await fixFirst.isVisible());
  const box = await fixFirst.boundingBox();
  assert.ok(box && box.y < 600, `Fix first is near the top (y=${box?.y})`);
  const firstLink = fixFirst.locator('li').first().locator('a').first();
  assert.equal(await firstLink.textContent(), 'A backup storage location is Unavailable');
  assert.equal(await firstLink.getAttribute('href'), '#finding-1');
  const fix = page.locator('#finding-1 .fix');
  assert.equal(await fix.locator('ol > li').count(), 3, 'the numbered steps are a list');
  assert.match((await fix.locator('.code pre code').first().textContent()) ?? '', /^kubectl -n velero create secret generic cloud-credentials/);
  assert.equal(await fix.locator('button.copy').count(), 1, 'a command has a copy button');
  assert.ok(await fix.locator('code', { hasText: 'acme-velero-backups' }).count() > 0, 'inline code is code');
  assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /```/, 'no fence markers anywhere');
  assert.equal(await page.locator('#finding-1 details[open]').count(), 1, 'a root cause shows its evidence');
  assert.equal(await page.locator('#finding-2 details[open]').count(), 0, 'a symptom keeps its evidence folded');
  mkdirSync('test-output/browser', { recursive: true });
  await page.screenshot({ path: 'test-output/browser/broken-report.png', fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('10,000 backups: the timeline is day cells with their counts, scrolled to the newest day; a day with a failure links to its finding', { skip }, async () => {
  const report = manyBackupsReport(10_000);
  const target = report.findings.findIndex((f) => f.ruleId === 'backup-partially-failed');
  report.findings[target]!.resources.push({ kind: 'Backup', namespace: 'velero', name: 'daily-09991' });
  const { page, errors } = await open('many-backups', report);
  assert.deepEqual(errors, []);
  const track = page.locator('#timeline ~ .timeline-wrap .timeline');
  assert.equal(await track.locator('circle').count(), 0);
  assert.equal(await track.locator('g > title').count(), 417);
  const last = track.locator('g > title').last();
  assert.equal(await last.textContent(), '2025-05-22, schedule daily: 16 backups (1 partially failed, 15 completed): click for the finding');
  // The row names stay in view while the days scroll: they are drawn apart from the track.
  assert.ok(await page.locator('#timeline ~ .timeline-wrap > svg text', { hasText: 'schedule daily' }).isVisible());
  const scroll = await track.evaluate((el) => ({ left: el.scrollLeft, width: el.scrollWidth, client: el.clientWidth }));
  assert.ok(scroll.width > scroll.client, 'a long history scrolls sideways');
  assert.ok(scroll.left + scroll.client >= scroll.width - 1, 'at its newest end');
  // Paper does not scroll: printed, the newest day is on the page, wherever the screen was scrolled to.
  await track.evaluate((el) => (el.scrollLeft = 0));
  await page.emulateMedia({ media: 'print' });
  const frame = (await track.boundingBox())!;
  const newest = (await track.locator('g').last().boundingBox())!;
  assert.ok(newest.x >= frame.x && newest.x + newest.width <= frame.x + frame.width + 1, 'the newest day is printed');
  await page.emulateMedia({ media: 'screen' });
  await track.locator(`a[href="#finding-${target + 1}"]`).last().click();
  assert.equal(new URL(page.url()).hash, `#finding-${target + 1}`);
  await page.screenshot({ path: join(dir, 'many-backups.png') });
  await page.close();
});
