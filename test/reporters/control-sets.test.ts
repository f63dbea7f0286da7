/**
 * Every report keeps ecsguard's hardening checks (ECSG.*) apart from Security Hub's controls:
 * text (a heading per resource), JSON (`set`), JUnit (suite order and a property), Markdown
 * (a table per set), HTML (a section and grouped filter options); SARIF, ASFF and OCSF are
 * covered by their own tests.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import type { ScanResult } from '../../src/engine/scan.js';
import type { ReportContext } from '../../src/reporters/context.js';
import { renderText } from '../../src/reporters/text.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { renderHtml } from '../../src/reporters/html.js';
import { fixtureFolder, fixtureScan } from './fixture.js';

describe('the two control sets in every report', () => {
  let dir: string;
  let result: ScanResult;
  let context: ReportContext;
  before(() => {
    dir = fixtureFolder();
    ({ result, context } = fixtureScan(dir));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every finding carries its set', () => {
    for (const f of result.findings) assert.equal(f.set, f.control.startsWith('ECSG.') ? 'extra' : 'security-hub', f.control);
    const json = JSON.parse(renderJson(result)) as { findings: { control: string; set: string }[] };
    assert.ok(json.findings.some((f) => f.set === 'extra') && json.findings.some((f) => f.set === 'security-hub'));
  });

  it('text: within a resource, Security Hub controls first, then a heading and the hardening checks', () => {
    const text = renderText(result, { width: 100 });
    const block = text.split('\n\n').find((b) => b.startsWith('TaskDefinition build-runner'))!;
    const lines = block.split('\n');
    const heading = lines.indexOf('  ecsguard hardening checks');
    assert.ok(heading > 0, block);
    const hubPassed = lines.findIndex((l) => /^ {2}PASSED\s+ECS\.3\b/.test(l));
    assert.ok(hubPassed > 0 && hubPassed < heading, 'Security Hub controls come first');
    assert.ok(lines.slice(heading).some((l) => /^ {2}FAILED\s+ECSG\.1 /.test(l)));
    assert.ok(!lines.slice(0, heading).some((l) => /ECSG\./.test(l)), 'no hardening check above its heading');
    const quiet = renderText(result, { width: 100, quiet: true });
    const compliant = quiet.split('\n\n').find((b) => b.startsWith('TaskDefinition customer-profile-api'))!;
    assert.match(compliant, /^ {2}ecsguard hardening checks\n {2}FAILED\s+ECSG\.6/m, 'a resource that fails only hardening checks still shows the heading');
  });

  it('JUnit: Security Hub suites first, each suite names its set', () => {
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(renderJunit(result, context));
    const suites = (parsed.testsuites.testsuite as Record<string, unknown>[]).filter((s) => s.name !== 'ecsguard input errors');
    const sets = suites.map((s) => ((s.properties as { property: { name: string; value: string }[] }).property.find((p) => p.name === 'controlSet')!.value));
    const firstExtra = sets.indexOf('extra');
    assert.ok(firstExtra > 0 && sets.slice(firstExtra).every((x) => x === 'extra') && sets.slice(0, firstExtra).every((x) => x === 'security-hub'), sets.join(' '));
    for (const [i, s] of suites.entries()) assert.equal(String(s.name).startsWith('ECSG.'), sets[i] === 'extra');
  });

  it('Markdown: a table per set under its heading, the hardening table after Security Hub\'s', () => {
    const md = renderMarkdown(result);
    const hub = md.indexOf('### AWS Security Hub controls');
    const extra = md.indexOf('### ecsguard hardening checks');
    assert.ok(hub > 0 && extra > hub, md.slice(0, 400));
    const rows = (from: number, to: number) => md.slice(from, to).split('\n').filter((l) => /^\| (LOW|MEDIUM|HIGH|CRITICAL) \|/.test(l));
    assert.ok(rows(hub, extra).every((r) => /\| ECS\.\d+ \|/.test(r)));
    assert.ok(rows(extra, md.length).length > 0 && rows(extra, md.length).every((r) => /\| ECSG\.\d+ \|/.test(r)));
    assert.match(md, /and ecsguard's hardening checks \(ECSG\)/);
  });

  it('HTML: a section of its own for the hardening checks and grouped control filter options', () => {
    const html = renderHtml(result, context);
    assert.match(html, /<section id="hardening" class="panel" aria-labelledby="hardening-title">/);
    const controls = html.slice(html.indexOf('<section id="controls"'), html.indexOf('<section id="hardening"'));
    const hardening = html.slice(html.indexOf('<section id="hardening"'));
    assert.ok(controls.includes('id="control-ECS.21"') && !controls.includes('id="control-ECSG.'));
    assert.ok(hardening.includes('id="control-ECSG.1"'));
    assert.match(html, /<optgroup label="AWS Security Hub controls">/);
    assert.match(html, /<optgroup label="ecsguard hardening checks"><option value="ECSG\.1">/);
    assert.match(html, /<a href="#hardening">Hardening checks<\/a>/);
    assert.match(html, /data-control="ECSG\.5" data-set="extra"/);
  });
});
