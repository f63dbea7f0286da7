/**
 * The HTML report: a plain unit test of the markup (well-formed, escaped, offline), and a test in
 * a real headless Chromium (Debian's `chromium`, driven by playwright-core) of what a reader sees:
 * the counts, the filters, the keyboard, the phone layout, no console error and no request leaving
 * the page. Screenshots are kept in test-artifacts/. The browser test fails, never skips, when
 * /usr/bin/chromium is missing: install it with `apt-get install -y chromium`.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ScanResult } from '../../src/engine/scan.js';
import type { Finding } from '../../src/model/index.js';
import { renderHtml } from '../../src/reporters/html.js';
import { renderJson } from '../../src/reporters/json.js';
import { defaultContext } from '../../src/reporters/context.js';
import { TOOL } from '../../src/version.js';
import { ROOT, emptyScan, fixtureFolder, fixtureScan } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts');
const HOSTILE_FAMILY = 'café-<script>&"quoted"';
const HOSTILE_CONTAINER = 'line\nbreak <b>&amp; "q" \'s\' ünïcødé ✓';

/** The JSON report of `result`, parsed: what the HTML must agree with. */
function jsonOf(result: ScanResult): { findings: Finding[]; errors: unknown[]; skipped: unknown[]; summary: ScanResult['summary'] } {
  return JSON.parse(renderJson(result));
}

/** The JSON embedded in the report's data block, parsed. */
function embeddedData(html: string): { findings: Finding[]; errors: unknown[]; skipped: unknown[]; summary: unknown; tool: unknown } {
  const m = /<script type="application\/json" id="ecsguard-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'the data block is present');
  assert.doesNotMatch(m[1], /[<>&\u2028\u2029]/, 'the data block holds no <, >, & or line separators');
  return JSON.parse(m[1]);
}

/**
 * Asserts `html` is one well-formed document: a doctype, one html/head/body/main, exactly the
 * report's own two scripts, and the markup (with the report's own, trusted CSS and script bodies
 * taken out) well-formed XML with only XML's entities.
 */
function assertWellFormed(html: string): void {
  assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'), 'starts with the doctype');
  assert.ok(html.trimEnd().endsWith('</html>'), 'ends with </html>');
  for (const tag of ['html', 'head', 'body', 'main', 'style']) {
    assert.equal(html.match(new RegExp(`<${tag}[\\s>]`, 'g'))?.length, 1, `one <${tag}>`);
    assert.equal(html.match(new RegExp(`</${tag}>`, 'g'))?.length, 1, `one </${tag}>`);
  }
  assert.equal(html.match(/<script\b/gi)?.length, 2, 'exactly two <script> elements: the data block and the filter script');
  assert.equal(html.match(/<\/script/gi)?.length, 2, 'exactly two </script>');
  assert.equal(html.match(/<script type="application\/json" id="ecsguard-data">/g)?.length, 1);
  assert.equal(html.match(/<script>/g)?.length, 1);
  const markup = html.replace(/<style>[\s\S]*?<\/style>/, '<style></style>').replace(/<script>[\s\S]*?<\/script>/, '<script></script>');
  const valid = XMLValidator.validate(markup);
  assert.equal(valid, true, `well-formed: ${JSON.stringify(valid)}`);
  assert.doesNotMatch(markup, /&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-f]+);)/i, 'every & starts an XML entity');
  // Offline: no attribute points anywhere but inside the page, no CSS fetches.
  assert.doesNotMatch(html, /<[a-z][^>]*\s(?:src|srcset|action|formaction|poster|data)=/i, 'no src/action attributes');
  for (const m of html.matchAll(/\shref="([^"]*)"/g)) assert.match(m[1], /^#/, `href ${m[1]} stays in the page`);
  assert.doesNotMatch(html, /url\(|@import/i, 'no CSS url() or @import');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
}

const fixtureDirs: string[] = [];
function fixture(): { result: ScanResult; context: ReturnType<typeof defaultContext> } {
  const dir = fixtureFolder();
  fixtureDirs.push(dir);
  return fixtureScan(dir);
}
after(() => {
  for (const d of fixtureDirs) rmSync(d, { recursive: true, force: true });
});

describe('renderHtml (markup)', () => {
  it('renders an empty scan as one well-formed document with zero counts', () => {
    const result = emptyScan();
    const html = renderHtml(result, defaultContext({ now: new Date('2026-11-29T12:00:00Z'), cwd: '/' }));
    assertWellFormed(html);
    for (const id of ['count-FAILED', 'count-PASSED', 'count-NOT_AVAILABLE', 'count-errors', 'count-resources', 'row-count']) {
      assert.match(html, new RegExp(`data-testid="${id}"[^>]*>0<`), id);
    }
    assert.match(html, /The scan produced no findings/);
    assert.deepEqual(embeddedData(html).findings, []);
  });

  it('renders the fixture scan well-formed, with every input string escaped', () => {
    const { result, context } = fixture();
    const html = renderHtml(result, context);
    assertWellFormed(html);
    assert.ok(!html.includes('café-<script>'), 'the family name is never raw markup');
    assert.ok(html.includes('café-&lt;script&gt;&amp;&quot;quoted&quot;'), 'the family name appears escaped');
    // The newline in the container name is shown as a space, the rest escaped.
    assert.ok(html.includes('line break &lt;b&gt;&amp;amp; &quot;q&quot; &#39;s&#39; ünïcødé ✓'), 'the container name appears escaped');
    assert.ok(!html.includes('<b>&amp;'), 'the <b> in the container name is not markup');
    // Input errors are in the report.
    assert.ok(result.errors.length > 0);
    const plain = html.replace(/<wbr\/>/g, '');
    for (const e of result.errors) assert.ok(plain.includes(`<code>${e.file}</code>`), `input error for ${e.file} is shown`);
    assert.match(html, /<section id="errors"/);
    // Tool, version and scan time.
    assert.ok(html.includes(`${TOOL.name} ${TOOL.version}`));
    assert.ok(html.includes('datetime="2026-11-29T12:00:00.000Z"'));
    // Each control in the findings has its section with the fix snippet.
    for (const id of new Set(result.findings.map((f) => f.control))) assert.ok(html.includes(`id="control-${id}"`), `section for ${id}`);
    // The embedded data round-trips to exactly the JSON report.
    const json = jsonOf(result);
    const data = embeddedData(html);
    assert.deepEqual(data.findings, json.findings);
    assert.deepEqual(data.errors, json.errors);
    assert.deepEqual(data.skipped, json.skipped);
    assert.deepEqual(data.summary, json.summary);
    assert.equal(data.findings.find((f) => f.resource.id === HOSTILE_FAMILY)?.resource.name, HOSTILE_FAMILY);
  });

  it('keeps hostile messages from breaking out of the data block or the markup', () => {
    const { result, context } = fixture();
    const evil = '</script><script>alert(1)</script><!-- \u2028\u2029 \u202e ]]> <img src=x onerror=alert(2)>';
    const hostile: ScanResult = {
      ...result,
      errors: [...result.errors, { file: `odd/${evil}.json`, line: 1, column: 2, message: evil }],
      summary: { ...result.summary, errors: result.errors.length + 1 },
    };
    const html = renderHtml(hostile, context);
    assertWellFormed(html);
    assert.ok(!html.includes('<img'), 'no <img> from inputs');
    const markup = html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '');
    assert.ok(!markup.includes('\u202e'), 'a bidirectional override is shown escaped');
    assert.ok(markup.includes('\\u{202e}'), 'as a visible escape');
    assert.deepEqual(embeddedData(html).errors.at(-1), { file: `odd/${evil}.json`, line: 1, column: 2, message: evil });
  });
});

// ---------------------------------------------------------------------------------------------

/** Runs in the page: visible text whose colour contrast with its background is below WCAG AA. */
const CONTRAST_FAILURES = `(() => {
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('option, script, style, .sr-only')) continue;
    if (!Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    if (el.getClientRects().length === 0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || Number(cs.opacity) === 0) continue;
    const fg = parse(cs.color);
    const bg = background(el);
    const a = lum(fg), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(cs.fontSize);
    const large = size >= 24 || (Number(cs.fontWeight) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) out.push(el.tagName + '.' + el.className + ' "' + el.textContent.trim().slice(0, 30) + '" ' + cs.color + ' on ' + JSON.stringify(bg) + ' = ' + ratio.toFixed(2));
  }
  return out;
})()`;

describe('HTML report in headless Chromium', { timeout: 180_000 }, () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let fileUrl: string;
  let result: ScanResult;
  let json: ReturnType<typeof jsonOf>;
  let outDir: string;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];

  const watch = (p: Page) => {
    p.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`); });
    p.on('pageerror', (e) => pageErrors.push(String(e)));
    p.on('request', (r) => requests.push(r.url()));
    p.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  };
  /** The data-index of each row the filters leave visible (rendered, not only unhidden). */
  const visibleIndexes = (p: Page) => p.$$eval('#findings-table tbody tr[data-index]', (rows) =>
    rows.filter((r) => r.getClientRects().length > 0).map((r) => Number(r.getAttribute('data-index'))).sort((a, b) => a - b));
  const shownCount = async (p: Page) => Number((await p.getByTestId('row-count').textContent())?.replace(/,/g, ''));
  /** The tables whose content is wider than their box (they would scroll inside it). */
  const overflowingTables = (p: Page) => p.$$eval('.table-wrap', (els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.querySelector('caption')?.textContent ?? ''));
  const indexesWhere = (keep: (f: Finding) => boolean) => json.findings.flatMap((f, i) => (keep(f) ? [i] : []));

  // Set up by the first test that runs, not in a before() hook: a failing hook only "cancels" the
  // tests (node:test then prints "# fail 0"), while a missing browser must count as failures.
  let ready: Promise<void> | undefined;
  const setup = () => (ready ??= launch());
  const launch = async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with apt-get install -y chromium`);
    const scan = fixture();
    result = scan.result;
    json = jsonOf(result);
    outDir = mkdtempSync(join(tmpdir(), 'ecsguard-html-'));
    const file = join(outDir, 'report.html');
    writeFileSync(file, renderHtml(result, scan.context));
    fileUrl = pathToFileURL(file).href;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    watch(page);
    await page.goto(fileUrl, { waitUntil: 'load' });
  };

  after(async () => {
    await browser?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('shows the counts of the JSON output', async () => {
    await setup();
    const s = json.summary;
    const expected: Record<string, number> = {
      'count-PASSED': s.passed,
      'count-FAILED': s.failed,
      'count-NOT_AVAILABLE': s.notAvailable,
      'count-WARNING': s.warning,
      'count-SUPPRESSED': s.suppressed,
      'count-errors': s.errors,
      'count-resources': s.resources,
      'count-skipped': s.skipped,
      'row-count': json.findings.length,
      'row-total': json.findings.length,
    };
    assert.ok(s.failed > 0 && s.passed > 0 && s.errors > 0 && s.resources > 0, 'the fixture exercises the counts');
    for (const [testid, n] of Object.entries(expected)) {
      const text = await page.getByTestId(testid).textContent();
      assert.equal(Number(text?.replace(/,/g, '')), n, testid);
    }
    // The severity-by-status table adds up to the same findings.
    for (const sev of ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']) {
      for (const st of ['FAILED', 'PASSED', 'WARNING', 'NOT_AVAILABLE']) {
        const text = await page.getByTestId(`count-${sev}-${st}`).textContent();
        assert.equal(Number(text), json.findings.filter((f) => f.severity === sev && f.status === st).length, `${sev} ${st}`);
      }
    }
    // One table row per finding, the input error listed, the embedded data equal to the JSON report.
    assert.equal(await page.locator('#findings-table tbody tr').count(), json.findings.length);
    assert.deepEqual(await visibleIndexes(page), json.findings.map((_, i) => i));
    assert.match((await page.locator('#errors').textContent()) ?? '', /odd\/broken\.json/);
    const data = await page.evaluate(() => JSON.parse(document.getElementById('ecsguard-data')?.textContent ?? 'null'));
    assert.deepEqual(data.findings, json.findings);
    assert.deepEqual(data.summary, json.summary);
    assert.match(await page.title(), new RegExp(`^${TOOL.name} report: ${json.summary.failed} failed`));
  });

  it('the status filter leaves exactly the FAILED rows, and combines with the control filter', async () => {
    await setup();
    await page.selectOption('#filter-status', 'FAILED');
    const failed = indexesWhere((f) => f.status === 'FAILED');
    assert.deepEqual(await visibleIndexes(page), failed);
    assert.equal(await shownCount(page), failed.length);
    const control = json.findings[failed[0]].control;
    await page.selectOption('#filter-control', control);
    const both = indexesWhere((f) => f.status === 'FAILED' && f.control === control);
    assert.ok(both.length > 0);
    assert.deepEqual(await visibleIndexes(page), both);
    assert.equal(await shownCount(page), both.length);
    await page.selectOption('#filter-severity', 'CRITICAL');
    assert.deepEqual(await visibleIndexes(page), indexesWhere((f) => f.status === 'FAILED' && f.control === control && f.severity === 'CRITICAL'));
    await page.click('#filter-reset');
    assert.equal(await shownCount(page), json.findings.length);
    assert.equal(await page.inputValue('#filter-status'), '');
  });

  it('the resource filter matches part of the ID, name or file, and says when nothing matches', async () => {
    await setup();
    await page.fill('#filter-resource', 'CAFÉ-<script>');
    const hostile = indexesWhere((f) => f.resource.id.toLowerCase().includes('café-<script>'));
    assert.ok(hostile.length > 0);
    assert.deepEqual(await visibleIndexes(page), hostile);
    assert.equal(await shownCount(page), hostile.length);
    assert.ok(!(await page.isVisible('#no-match')));
    await page.fill('#filter-resource', 'examples/fully-compliant');
    const byFile = indexesWhere((f) => (f.location?.file ?? '').includes('examples/fully-compliant'));
    assert.ok(byFile.length > 0);
    assert.deepEqual(await visibleIndexes(page), byFile);
    await page.fill('#filter-resource', 'no-such-resource-anywhere');
    assert.equal(await shownCount(page), 0);
    assert.ok(await page.isVisible('#no-match'));
    await page.click('#filter-reset');
    assert.equal(await shownCount(page), json.findings.length);
  });

  it('is usable from the keyboard: Tab reaches every filter with a visible focus ring, and the filters work by keys', async () => {
    await setup();
    await page.goto(fileUrl, { waitUntil: 'load' });
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip', 'the first Tab stop is the skip link');
    const reached: string[] = [];
    for (let i = 0; i < 100 && !reached.includes('filter-reset'); i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.id ?? '');
      if (id) reached.push(id);
    }
    const filters = ['filter-control', 'filter-status', 'filter-severity', 'filter-resource', 'filter-reset'];
    assert.deepEqual(reached.filter((id) => filters.includes(id)), filters, 'Tab reaches the filters in order');
    // Back to the status select: its focus ring is visible, and the arrow keys change it.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'filter-status');
    const ring = await page.evaluate(() => { const cs = getComputedStyle(document.activeElement as Element); return { style: cs.outlineStyle, width: parseFloat(cs.outlineWidth) }; });
    assert.notEqual(ring.style, 'none');
    assert.ok(ring.width >= 2, 'the focus outline is at least 2px');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.inputValue('#filter-status'), 'FAILED', 'ArrowDown picks the first status');
    assert.deepEqual(await visibleIndexes(page), indexesWhere((f) => f.status === 'FAILED'));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'filter-resource');
    await page.keyboard.type('odd/escaping');
    assert.deepEqual(await visibleIndexes(page), indexesWhere((f) => f.status === 'FAILED' && f.location?.file === 'odd/escaping.json'));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.equal(await shownCount(page), json.findings.length, 'Enter on Reset shows every row again');
  });

  it('shows hostile names as text: no script runs, the name appears literally', async () => {
    await setup();
    assert.deepEqual(dialogs, []);
    assert.equal(await page.locator('script').count(), 2, 'only the report’s own scripts are in the DOM');
    assert.equal(await page.locator('b').count(), 0, 'the <b> in a container name did not become markup');
    const ids = await page.locator('#findings-table code.rid').allTextContents();
    assert.ok(ids.includes(HOSTILE_FAMILY), 'the family name is shown literally');
    const reasons = (await page.locator('#findings-table .reason').allTextContents()).join('\n');
    assert.ok(reasons.includes(HOSTILE_CONTAINER.replace('\n', ' ')), 'the container name is shown literally (newline as a space)');
  });

  it('meets basic accessibility: labels, captions, header scopes, landmarks, contrast', async () => {
    await setup();
    const facts = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      viewport: document.querySelector('meta[name="viewport"]')?.getAttribute('content') ?? '',
      mains: document.querySelectorAll('main').length,
      h1s: document.querySelectorAll('h1').length,
      unlabelled: Array.from(document.querySelectorAll('select, input, textarea')).filter((el) => {
        const labels = (el as HTMLInputElement).labels;
        return !labels || labels.length === 0 || !labels[0].textContent?.trim();
      }).map((el) => el.id),
      tablesWithoutCaption: Array.from(document.querySelectorAll('table')).filter((t) => !t.caption?.textContent?.trim()).length,
      thWithoutScope: Array.from(document.querySelectorAll('th')).filter((th) => !['col', 'row'].includes(th.getAttribute('scope') ?? '')).length,
      buttonsWithoutName: Array.from(document.querySelectorAll('button, a')).filter((b) => !b.textContent?.trim()).length,
    }));
    assert.equal(facts.lang, 'en');
    assert.match(facts.viewport, /width=device-width/);
    assert.equal(facts.mains, 1);
    assert.equal(facts.h1s, 1);
    assert.deepEqual(facts.unlabelled, []);
    assert.equal(facts.tablesWithoutCaption, 0);
    assert.equal(facts.thWithoutScope, 0);
    assert.equal(facts.buttonsWithoutName, 0);
    assert.deepEqual(await page.evaluate(CONTRAST_FAILURES), [], 'text contrast is at least 4.5:1 (3:1 for large text)');
  });

  it('fits a phone (390x844): no horizontal scrolling of the page, findings stacked', async () => {
    await setup();
    const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      const phone = await phoneContext.newPage();
      watch(phone);
      await phone.goto(fileUrl, { waitUntil: 'load' });
      const sizes = await phone.evaluate(() => ({
        inner: window.innerWidth,
        doc: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      assert.equal(sizes.inner, 390, 'the viewport meta gives a 390px layout viewport');
      assert.ok(sizes.doc <= sizes.client, `page is not wider than the screen (${sizes.doc} > ${sizes.client})`);
      assert.ok(sizes.body <= sizes.client, `body is not wider than the screen (${sizes.body} > ${sizes.client})`);
      assert.deepEqual(await overflowingTables(phone), [], 'the summary table and the findings fit without scrolling');
      const row = await phone.locator('#findings-table tbody tr').first().boundingBox();
      assert.ok(row && row.x >= 0 && row.x + row.width <= 390, 'a finding fits the screen');
      assert.deepEqual(await phone.evaluate(CONTRAST_FAILURES), []);
      await phone.selectOption('#filter-status', 'FAILED');
      assert.equal(await shownCount(phone), json.summary.failed);
      await phone.selectOption('#filter-status', '');
      mkdirSync(ARTIFACTS, { recursive: true });
      const height = await phone.evaluate(() => document.documentElement.scrollHeight);
      const path = join(ARTIFACTS, 'html-report-phone.png');
      await phone.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width: 390, height: Math.min(height, 3200) } });
      assert.ok(statSync(path).size > 10_000);
    } finally {
      await phoneContext.close();
    }
  });

  it('saves a laptop screenshot', async () => {
    await setup();
    await page.goto(fileUrl, { waitUntil: 'load' });
    mkdirSync(ARTIFACTS, { recursive: true });
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const sizes = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(sizes.doc <= sizes.client, 'no horizontal scrolling on a laptop either');
    assert.deepEqual(await overflowingTables(page), [], 'every table fits on a laptop');
    const path = join(ARTIFACTS, 'html-report-laptop.png');
    await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.min(height, 4000) } });
    assert.ok(statSync(path).size > 10_000);
  });

  it('logged no console error or page error, opened no dialog and requested nothing but the file itself', async () => {
    await setup();
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(dialogs, []);
    assert.ok(requests.length > 0, 'the page request itself was seen');
    assert.deepEqual([...new Set(requests)], [fileUrl], 'no request other than the report file');
  });
});
