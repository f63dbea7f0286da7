/**
 * Baselines (src/engine/baseline.ts and `scan --write-baseline` / `scan --baseline`): the
 * fingerprint's stability (edits above the resource, another current directory, a Terraform block
 * moved to another file), the file format, the round trip (known findings suppressed, new ones
 * failing, fixed ones listed), bad baseline files, and the CLI's exit codes and reports.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanPaths } from '../../src/api.js';
import { applyBaseline, baselineOf, fingerprint, readBaseline, writeBaseline, type BaselineFile } from '../../src/engine/baseline.js';
import { ConfigError } from '../../src/engine/configuration.js';
import type { ScanResult } from '../../src/engine/scan.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderText } from '../../src/reporters/text.js';
import type { Finding } from '../../src/model/index.js';
import { tempDirs, writeFiles } from '../helpers/files.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

const tempDir = tempDirs('baseline');
const write = writeFiles;

const IMAGE = 'public.ecr.aws/nginx/nginx:1.27';

/**
 * A template with a web task definition (fails ECS.5 and ECS.9) and a worker (fails ECS.5);
 * `above` is put before Resources, `extra` appended to the resources.
 */
function template(opts: { above?: string; extra?: string; workerReadonly?: boolean } = {}): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Description: orders service
${opts.above ?? ''}Resources:
  WebTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      ContainerDefinitions:
        - Name: web
          Image: ${IMAGE}
          User: "1000"
  WorkerTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: worker
      ContainerDefinitions:
        - Name: worker
          Image: ${IMAGE}
          User: "1000"
          ReadonlyRootFilesystem: ${opts.workerReadonly ? 'true' : 'false'}
          LogConfiguration:
            LogDriver: awslogs
${opts.extra ?? ''}`;
}

const NEW_TASK = `  ReportTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: report
      ContainerDefinitions:
        - Name: report
          Image: ${IMAGE}
          User: "1000"
          LogConfiguration:
            LogDriver: awslogs
`;

const CONTROLS = ['ECS.5', 'ECS.9'];
const failing = (r: ScanResult) => r.findings.filter((f) => f.status === 'FAILED' && !f.suppressed).map((f) => `${f.resource.id} ${f.control}`).sort();

describe('fingerprints', () => {
  it('do not change when unrelated lines above the resource change (the line does)', () => {
    const dir = tempDir();
    write(dir, { 'a/orders.yaml': template() });
    const before = scanPaths([join(dir, 'a/orders.yaml')], { controls: CONTROLS });
    write(dir, { 'a/orders.yaml': template({ above: 'Parameters:\n  Env:\n    Type: String\n    Default: prod\n# a comment\n\n' }) });
    const afterEdit = scanPaths([join(dir, 'a/orders.yaml')], { controls: CONTROLS });
    const web = (r: ScanResult) => r.findings.find((f) => f.resource.id === 'WebTask' && f.control === 'ECS.5')!;
    assert.notEqual(web(before).location?.line, web(afterEdit).location?.line);
    assert.deepEqual(afterEdit.findings.map((f) => fingerprint(f, dir)), before.findings.map((f) => fingerprint(f, dir)));
  });

  it('are relative to the baseline folder: the same from another current directory', () => {
    const base: Finding = {
      control: 'ECS.5', title: '', severity: 'HIGH', status: 'FAILED', resource: { type: 'AWS::ECS::TaskDefinition', id: 'WebTask', name: 'web' },
      location: { file: 'proj/infra/web.yaml', line: 10, column: 3 }, path: 'containerDefinitions[0].readonlyRootFilesystem', messageId: 'notReadonly', reason: '', suppressed: null, violations: [], notes: [],
    };
    const fromProject: Finding = { ...base, location: { file: 'infra/web.yaml', line: 12, column: 3 }, path: 'containerDefinitions[1].readonlyRootFilesystem' };
    assert.equal(fingerprint(base, '/x/proj', '/x'), fingerprint(fromProject, '/x/proj', '/x/proj'));
    assert.notEqual(fingerprint(base, '/x/proj', '/x'), fingerprint({ ...base, messageId: 'other' }, '/x/proj', '/x'), 'the kind of failure counts');
    assert.notEqual(fingerprint(base, '/x/proj', '/x'), fingerprint({ ...base, location: { file: 'proj/infra/api.yaml', line: 10, column: 3 } }, '/x/proj', '/x'), 'the file counts');
    assert.notEqual(fingerprint(base, '/x/proj', '/x'), fingerprint({ ...base, control: 'ECS.9' }, '/x/proj', '/x'));
  });

  it('an ARN identifies the resource wherever it was read; a Terraform address within its root module', () => {
    const arn = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:3';
    const live: Finding = {
      control: 'ECS.5', title: '', severity: 'HIGH', status: 'FAILED', resource: { type: 'AWS::ECS::TaskDefinition', id: arn, name: 'web:3', arn },
      location: null, path: null, messageId: 'notReadonly', reason: '', suppressed: null, violations: [], notes: [],
    };
    assert.equal(fingerprint(live, '/x'), fingerprint({ ...live, location: { file: 'describe.json', line: 3, column: 1 } }, '/x'));
    const tf: Finding = { ...live, resource: { type: 'AWS::ECS::TaskDefinition', id: 'aws_ecs_task_definition.app', name: 'app', root: 'infra/prod' }, location: { file: 'infra/prod/main.tf', line: 3, column: 1 } };
    assert.equal(fingerprint(tf, '/x', '/x'), fingerprint({ ...tf, location: { file: 'infra/prod/ecs.tf', line: 40, column: 1 } }, '/x', '/x'), 'moved to another file of the module');
    assert.notEqual(fingerprint(tf, '/x', '/x'), fingerprint({ ...tf, resource: { ...tf.resource, root: 'infra/staging' } }, '/x', '/x'), 'another root module');
  });
});

describe('writing and applying a baseline', () => {
  it('the file: version, tool, created, FAILED findings only, sorted, 2-space indent, final newline', () => {
    const dir = tempDir();
    write(dir, { 'orders.yaml': template() });
    const r = scanPaths([join(dir, 'orders.yaml')], { controls: CONTROLS });
    const file = join(dir, 'baselines', '.ecsguard-baseline.json');
    assert.equal(writeBaseline(r, file, { created: '2026-06-15' }), 3);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.endsWith('}\n'));
    assert.match(text, /^\{\n {2}"version": 1,\n {2}"tool": "ecsguard",\n {2}"created": "2026-06-15",\n {2}"findings": \[\n {4}\{\n {6}"fingerprint"/);
    const b = JSON.parse(text) as BaselineFile;
    assert.deepEqual(b.findings.map((e) => e.fingerprint), [...b.findings.map((e) => e.fingerprint)].sort());
    assert.deepEqual(b.findings.map((e) => `${e.resource.id} ${e.control} ${e.messageId}`).sort(), failing(r).map((s) => `${s} ${r.findings.find((f) => `${f.resource.id} ${f.control}` === s)!.messageId}`));
    for (const e of b.findings) {
      assert.equal(e.file, '../orders.yaml', 'relative to the baseline folder');
      assert.match(e.fingerprint, /^[0-9a-f]{64}$/);
      assert.deepEqual(Object.keys(e), ['fingerprint', 'control', 'resource', 'file', 'messageId']);
    }
    // Written twice from the same findings: the same bytes.
    writeBaseline(r, file, { created: '2026-06-15' });
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  it('leaves out findings suppressed by configuration or inline, keeps those the old baseline covered', () => {
    const dir = tempDir();
    write(dir, { 'orders.yaml': template() });
    const r = scanPaths([join(dir, 'orders.yaml')], { controls: CONTROLS, suppressions: [{ control: 'ECS.9', resources: ['WebTask'], reason: 'sidecar' }] });
    const b = baselineOf(r, dir);
    assert.deepEqual(b.findings.map((e) => `${e.resource.id} ${e.control}`).sort(), ['WebTask ECS.5', 'WorkerTask ECS.5']);
    const file = join(dir, 'b.json');
    writeBaseline(r, file);
    const again = scanPaths([join(dir, 'orders.yaml')], { controls: CONTROLS, suppressions: [{ control: 'ECS.9', resources: ['WebTask'], reason: 'sidecar' }] });
    applyBaseline(again, file);
    assert.deepEqual(baselineOf(again, dir).findings, b.findings);
  });

  it('round trip: all known; a new failing task definition alone fails; a fixed one is listed', () => {
    const dir = tempDir();
    const tpl = join(dir, 'infra', 'orders.yaml');
    const file = join(dir, '.ecsguard-baseline.json');
    write(dir, { 'infra/orders.yaml': template() });
    writeBaseline(scanPaths([tpl], { controls: CONTROLS }), file, { created: '2026-06-15' });

    const same = scanPaths([tpl], { controls: CONTROLS });
    const outcome = applyBaseline(same, file);
    assert.deepEqual(failing(same), []);
    assert.deepEqual(outcome, { file, matched: 3, fixed: [] });
    assert.equal(same.summary.suppressed, 3);
    assert.equal(same.findings.find((f) => f.resource.id === 'WebTask' && f.control === 'ECS.5')?.suppressed?.reason, `in baseline ${file} (recorded 2026-06-15)`);
    assert.equal(same.findings.find((f) => f.resource.id === 'WebTask' && f.control === 'ECS.5')?.suppressed?.by, 'baseline');

    write(dir, { 'infra/orders.yaml': template({ above: '# reviewed 2026-06\n', extra: NEW_TASK }) });
    const added = scanPaths([tpl], { controls: CONTROLS });
    applyBaseline(added, file);
    assert.deepEqual(failing(added), ['ReportTask ECS.5'], 'only the new task definition fails');

    write(dir, { 'infra/orders.yaml': template({ workerReadonly: true }) });
    const fixed = scanPaths([tpl], { controls: CONTROLS });
    const out = applyBaseline(fixed, file);
    assert.deepEqual(failing(fixed), []);
    assert.equal(out.matched, 2);
    assert.deepEqual(out.fixed.map((e) => `${e.resource.id} ${e.control} ${e.file}`), ['WorkerTask ECS.5 infra/orders.yaml']);
    const json = JSON.parse(renderJson(fixed)) as { baseline: { matched: number; fixed: { control: string }[] }; summary: { suppressed: number } };
    assert.equal(json.baseline.matched, 2);
    assert.equal(json.baseline.fixed[0].control, 'ECS.5');
    assert.equal(json.summary.suppressed, 2);
    const text = renderText(fixed);
    assert.match(text, new RegExp(`baseline ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 2 known, 1 fixed since\\n {2}fixed ECS\\.5 TaskDefinition WorkerTask {2}infra/orders\\.yaml\\n`));
  });

  it('a missing or malformed baseline is a ConfigError naming the file', () => {
    const dir = tempDir();
    const r = (): ScanResult => ({ findings: [], errors: [], skipped: [], summary: { resources: 0, passed: 0, failed: 0, warning: 0, notAvailable: 0, suppressed: 0, errors: 0, skipped: 0, inputsRead: 1 } });
    const missing = join(dir, 'nope.json');
    assert.throws(() => applyBaseline(r(), missing), (e: Error) => e instanceof ConfigError && e.message.startsWith(`${missing}: cannot read the baseline: no such file`));
    const cases: Record<string, string> = {
      'broken.json': '{ "version": 1, ',
      'array.json': '[]',
      'other-tool.json': '{ "version": 1, "tool": "checkov", "findings": [] }',
      'newer.json': '{ "version": 2, "tool": "ecsguard", "findings": [] }',
      'bad-entry.json': '{ "version": 1, "tool": "ecsguard", "created": "2026-06-15", "findings": [ { "fingerprint": "abc", "control": "ECS.5" } ] }',
    };
    write(dir, cases);
    for (const name of Object.keys(cases)) {
      const file = join(dir, name);
      assert.throws(() => readBaseline(file), (e: Error) => e instanceof ConfigError && e.message.startsWith(`${file}: not an ecsguard baseline`), name);
    }
  });
});

describe('the CLI: --write-baseline and --baseline', () => {
  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run 'npm run build' first (npm test does)`);
  });
  const run = (args: string[], cwd: string) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('records, then passes; a new failing resource fails alone; a fixed one is listed; --fail-on still gates new findings', () => {
    const dir = tempDir();
    write(dir, { 'infra/orders.yaml': template() });
    const scan = ['scan', 'infra', '--controls', 'ECS.5,ECS.9'];
    const first = run([...scan, '--write-baseline', '.ecsguard-baseline.json'], dir);
    assert.equal(first.code, 0, 'recording a baseline does not fail on what it records');
    assert.match(first.stderr, /recorded 3 failed findings in the baseline \.ecsguard-baseline\.json/);
    const b = JSON.parse(readFileSync(join(dir, '.ecsguard-baseline.json'), 'utf8')) as BaselineFile;
    assert.equal(b.findings.length, 3);
    assert.equal(b.findings[0].file, 'infra/orders.yaml');

    const ok = run([...scan, '--baseline', '.ecsguard-baseline.json'], dir);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /baseline \.ecsguard-baseline\.json: 3 known, 0 fixed since/);
    assert.match(ok.stdout, /suppressed by baseline: in baseline \.ecsguard-baseline\.json \(recorded \d{4}-\d{2}-\d{2}\)/);

    write(dir, { 'infra/orders.yaml': template({ above: 'Metadata:\n  Owner: orders\n', extra: NEW_TASK }) });
    const added = run([...scan, '--baseline', '.ecsguard-baseline.json', '--format', 'json'], dir);
    assert.equal(added.code, 1);
    const report = JSON.parse(added.stdout) as { findings: Finding[]; baseline: { file: string; matched: number; fixed: unknown[] }; summary: { suppressed: number } };
    assert.deepEqual(report.findings.filter((f) => f.status === 'FAILED' && !f.suppressed).map((f) => `${f.resource.id} ${f.control}`), ['ReportTask ECS.5']);
    assert.deepEqual(report.baseline, { file: '.ecsguard-baseline.json', matched: 3, fixed: [] });
    assert.equal(report.summary.suppressed, 3);
    assert.equal(run([...scan, '--baseline', '.ecsguard-baseline.json', '--fail-on', 'critical'], dir).code, 0, 'ECS.5 is HIGH: under the gate');

    write(dir, { 'infra/orders.yaml': template({ workerReadonly: true }) });
    const fixed = run([...scan, '--baseline', '.ecsguard-baseline.json'], dir);
    assert.equal(fixed.code, 0);
    assert.match(fixed.stdout, /baseline \.ecsguard-baseline\.json: 2 known, 1 fixed since\n {2}fixed ECS\.5 TaskDefinition WorkerTask {2}infra\/orders\.yaml\n/);

    const sarif = JSON.parse(run([...scan, '--baseline', '.ecsguard-baseline.json', '--format', 'sarif'], dir).stdout) as { runs: { results: { baselineState?: string; properties: { status: string }; suppressions?: { kind: string; properties?: { by?: string } }[] }[] }[] };
    const suppressed = sarif.runs[0].results.filter((x) => x.suppressions);
    assert.equal(suppressed.length, 2);
    for (const x of suppressed) assert.deepEqual([x.suppressions?.[0].kind, x.suppressions?.[0].properties?.by, x.baselineState], ['external', 'baseline', 'unchanged']);
    // Every other result of a scan with a baseline is SARIF's 'new'.
    for (const x of sarif.runs[0].results.filter((r) => !r.suppressions)) assert.equal(x.baselineState, 'new');
    const plain = JSON.parse(run([...scan, '--format', 'sarif'], dir).stdout) as { runs: { results: { baselineState?: string }[] }[] };
    assert.ok(plain.runs[0].results.every((x) => x.baselineState === undefined), 'no baselineState without --baseline');
  });

  it('a missing or malformed baseline exits 2 naming the file', () => {
    const dir = tempDir();
    write(dir, { 'infra/orders.yaml': template(), 'bad.json': 'not json' });
    const missing = run(['scan', 'infra', '--baseline', 'nope.json'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.json: cannot read the baseline/);
    const bad = run(['scan', 'infra', '--baseline', 'bad.json'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.json: not an ecsguard baseline/);
  });

  it('--write-baseline exits 2 and writes nothing when no input could be read', () => {
    const dir = tempDir();
    write(dir, { 'broken.json': '{ "containerDefinitions": [ ' });
    const r = run(['scan', 'broken.json', '--write-baseline', 'b.json'], dir);
    assert.equal(r.code, 2);
    assert.ok(!existsSync(join(dir, 'b.json')));
  });
});
