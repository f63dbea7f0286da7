import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const SECRETS = ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'];
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20 });

describe('every report format from the CLI', () => {
  const checks: Record<string, (out: string) => void> = {
    json: (o) => assert.equal(JSON.parse(o).version, 1),
    sarif: (o) => assert.equal(JSON.parse(o).version, '2.1.0'),
    asff: (o) => assert.ok(Array.isArray(JSON.parse(o)) && JSON.parse(o)[0].SchemaVersion === '2018-10-08'),
    ocsf: (o) => assert.equal(JSON.parse(o)[0].class_uid, 2003),
    junit: (o) => assert.equal(XMLValidator.validate(o), true),
    html: (o) => assert.match(o, /^<!DOCTYPE html>/i),
    markdown: (o) => assert.match(o, /^## /),
    text: (o) => assert.match(o, /\d+ resources; (findings: )?\d+ failed/),
  };
  for (const [format, check] of Object.entries(checks)) {
    it(`--format ${format}: exit 1 on the examples, parseable, no secret value`, () => {
      const r = run(['scan', 'examples', '--format', format, '--account', '111122223333', '--region', 'eu-west-1']);
      assert.equal(r.status, 1, r.stderr);
      check(r.stdout);
      for (const s of SECRETS) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), `${format} leaks`);
    });
  }
  it('an unknown format or publish target is a usage error', () => {
    assert.equal(run(['scan', 'examples', '--format', 'pdf']).status, 2);
    assert.equal(run(['scan', 'examples', '--publish', 'splunk']).status, 2);
  });
  it('--only-recognized skips named files ecsguard does not read (pre-commit passes every staged file)', () => {
    const r = run(['scan', 'package.json', 'examples/fully-compliant.json', '--only-recognized', '--controls', 'security-hub', '-f', 'json']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).errors, []);
    assert.equal(run(['scan', 'package.json', '--only-recognized']).status, 0);
    assert.equal(run(['scan', 'package.json']).status, 2);
  });
});
