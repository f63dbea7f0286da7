import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJunit } from '../../src/reporters/junit.js';
import { mdCell, renderMarkdown } from '../../src/reporters/markdown.js';
import { defaultContext } from '../../src/reporters/context.js';
import { emptyScan, fixtureFolder, fixtureScan } from './fixture.js';

const dir = fixtureFolder();
after(() => rmSync(dir, { recursive: true, force: true }));
const { result, context } = fixtureScan(dir);
const SECRETS = ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'];

const asArray = <T,>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

describe('JUnit XML', () => {
  const xml = renderJunit(result, context);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
  it('is well-formed XML', () => assert.equal(XMLValidator.validate(xml), true));
  it('a suite per control, a case per resource: failure for FAILED, skipped for NOT_AVAILABLE; totals add up', () => {
    const suites = asArray(parsed.testsuites.testsuite) as Record<string, unknown>[];
    const controls = new Set(result.findings.map((f) => f.control));
    assert.equal(suites.filter((s) => s.name !== 'ecsguard input errors').length, controls.size);
    let failures = 0;
    let cases = 0;
    let skipped = 0;
    for (const s of suites) {
      const tcs = asArray(s.testcase as Record<string, unknown>[]);
      assert.equal(Number(s.tests), tcs.length);
      assert.equal(Number(s.failures), tcs.filter((t) => t.failure).length);
      failures += tcs.filter((t) => t.failure).length;
      skipped += tcs.filter((t) => t.skipped).length;
      cases += tcs.length;
    }
    assert.equal(failures, result.summary.failed);
    assert.equal(skipped, result.summary.notAvailable);
    assert.equal(cases, result.findings.length + result.errors.length);
    assert.equal(Number(parsed.testsuites.failures), result.summary.failed);
  });
  it('input errors are a suite of errors with file and line', () => {
    const suite = asArray(parsed.testsuites.testsuite).find((s: Record<string, unknown>) => s.name === 'ecsguard input errors') as Record<string, unknown>;
    const tc = asArray(suite.testcase as Record<string, unknown>[])[0];
    assert.equal(tc.file, 'odd/broken.json');
    assert.equal(tc.line, '4');
    assert.ok((tc.error as Record<string, string>).message.startsWith('invalid JSON'));
  });
  it('hostile names survive escaping; no secret value appears', () => {
    assert.ok(xml.includes('café-&lt;script&gt;&amp;&quot;quoted&quot;'));
    const names = JSON.stringify(parsed);
    assert.ok(names.includes('café-<script>&\\"quoted\\"'));
    for (const s of SECRETS) assert.ok(!xml.includes(s));
  });
  it('an empty scan is a valid empty report', () => {
    const empty = renderJunit(emptyScan(), defaultContext());
    assert.equal(XMLValidator.validate(empty), true);
    assert.match(empty, /<testsuites[^>]*tests="0"/);
  });
});

describe('Markdown', () => {
  const md = renderMarkdown(result);
  it('summary line and one table row per FAILED finding', () => {
    assert.match(md.split('\n')[0], new RegExp(`^## ❌ ecsguard: ${result.summary.failed} failed, ${result.summary.passed} passed`));
    const rows = md.split('\n').filter((l) => /^\| (LOW|MEDIUM|HIGH|CRITICAL) \|/.test(l));
    assert.equal(rows.length, result.summary.failed);
    assert.ok(rows[0].startsWith('| HIGH |'), 'highest severity first');
  });
  it('input errors and NOT_AVAILABLE are in collapsed sections', () => {
    assert.match(md, /<details><summary>1 input error<\/summary>/);
    assert.ok(md.includes('odd/broken.json:4:1'));
  });
  it('cells cannot break the table or inject HTML', () => {
    assert.equal(mdCell('a|b\nc <img src=x> `x` *y*'), 'a\\|b c &lt;img src=x&gt; \\`x\\` \\*y\\*');
    const row = md.split('\n').find((l) => l.includes('caf'))!;
    assert.ok(!row.includes('<script>'));
    assert.equal(row.split(/(?<!\\)\|/).length, 7, row);
    for (const s of SECRETS) assert.ok(!md.includes(s));
  });
  it('a clean scan says so', () => {
    assert.match(renderMarkdown(emptyScan()), /^## ✅ ecsguard: 0 failed, 0 passed/);
  });
});
