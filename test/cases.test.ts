/**
 * The known-verdict cases (a copy of ../shared/cases in test/fixtures/cases, each distilled from
 * a fault a peer tool had): every expectation is held here. Cases in a format this version does not read must be
 * reported as an input error naming the format, never silently pass.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scanPaths } from '../src/api.js';

const CASES = resolve(import.meta.dirname, 'fixtures', 'cases');
const READ_FORMATS = new Set(['taskdef-json', 'cfn-yaml', 'cfn-json', 'tf-hcl']);

interface Expectation { resource: string; control: string; status: string; also_ok?: string[]; ambiguous?: boolean }

describe('known-verdict cases', () => {
  const names = readdirSync(CASES).sort();
  it('the copied cases are all here', () => assert.ok(names.length >= 9, `only ${names.length} cases`));
  for (const name of names) {
    const dir = join(CASES, name);
    if (!existsSync(join(dir, 'expected.json'))) continue;
    const exp = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { format: string; expect: Expectation[] };
    const inputs = readdirSync(dir).filter((f) => f !== 'expected.json' && !f.endsWith('.md')).map((f) => join(dir, f));
    it(`${name} (${exp.format})`, () => {
      const result = scanPaths(inputs, { controls: [...new Set(exp.expect.map((e) => e.control))] });
      if (!READ_FORMATS.has(exp.format)) {
        assert.ok(result.errors.some((e) => /not read yet/.test(e.message)), 'an unread format is reported, not passed');
        assert.equal(result.findings.length, 0);
        return;
      }
      assert.deepEqual(result.errors, []);
      for (const e of exp.expect) {
        const f = result.findings.find((x) => x.control === e.control && (x.resource.id === e.resource || x.resource.id.split(':')[0] === e.resource));
        const got = f?.status ?? 'NOT_APPLICABLE';
        const ok = [e.status, ...(e.also_ok ?? [])];
        assert.ok(ok.includes(got), `${e.resource} ${e.control}: expected ${ok.join('/')}, got ${got}${f ? ` (${f.reason})` : ''}`);
      }
    });
  }
});
