/**
 * The task definition JSON source, end to end through the library's entry points: every input
 * shape (describe output, bare task definition, register input, arrays, standard input),
 * resource IDs, the source map (line and column of the deciding field), revision scoping, and
 * bad input that must become `errors` without stopping the rest of the scan.
 * Fixtures: test/fixtures/taskdef/; bad inputs are written to temporary folders.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanPaths, type ScanOptions } from '../../src/api.js';
import { readInput, readText } from '../../src/sources/index.js';
import type { ScanResult } from '../../src/engine/scan.js';
import type { Finding, InputError, Location } from '../../src/model/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = resolve(HERE, '../fixtures/taskdef');
const SHAPES = join(FIXTURES, 'shapes');
const REVISIONS = join(FIXTURES, 'revisions');
const SECRETS = join(FIXTURES, 'secrets');

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const REGISTRY_AUTH = 'bWlycm9yYm90OlMzY3IzdC1QQHNzdzByZA==';

// ---------------------------------------------------------------- helpers

const tempDirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ecsguard-taskdef-test-'));
  tempDirs.push(d);
  return d;
}
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** Scans `text` as standard input (the file is reported as `<stdin>`). */
function scanText(text: string | Buffer, options: ScanOptions = {}): ScanResult {
  return scanPaths(['-'], { ...options, stdin: typeof text === 'string' ? Buffer.from(text, 'utf8') : text });
}

/** Findings of one resource, by control ID; fails when a control appears twice for the resource. */
function byControl(result: ScanResult, resourceId: string): Map<string, Finding> {
  const out = new Map<string, Finding>();
  for (const f of result.findings) {
    if (f.resource.id !== resourceId) continue;
    assert.ok(!out.has(f.control), `one finding per (resource, control): ${resourceId} ${f.control} appears twice`);
    out.set(f.control, f);
  }
  return out;
}

/**
 * `{ control: status }` of one resource's Security Hub controls, for exact comparison. ecsguard's
 * hardening checks (ECSG.*) also run by default; their verdicts on these inputs are held in
 * test/controls/extra-sources.test.ts.
 */
function statuses(result: ScanResult, resourceId: string): Record<string, string> {
  return Object.fromEntries([...byControl(result, resourceId)].filter(([, f]) => f.set !== 'extra').map(([c, f]) => [c, f.status]));
}

/** The one finding of `control` on `resourceId`. */
function finding(result: ScanResult, resourceId: string, control: string): Finding {
  const f = byControl(result, resourceId).get(control);
  assert.ok(f, `${resourceId} has a ${control} finding; it has ${[...byControl(result, resourceId).keys()].join(', ') || 'none'}`);
  return f;
}

function resourceIds(result: ScanResult): string[] {
  return [...new Set(result.findings.map((f) => f.resource.id))].sort();
}

/**
 * The expected location of `needle` on 1-based `line` of `file`: asserts the fixture really has
 * `needle` on that line (so a fixture edit is caught here, not as a puzzling off-by-one).
 */
function at(file: string, line: number, needle: string): { line: number; column: number } {
  const text = readFileSync(file, 'utf8').split('\n')[line - 1] ?? '';
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `fixture ${file} line ${line} contains ${needle}: ${text}`);
  return { line, column: i + 1 };
}

function assertLocation(loc: Location | null, file: string, expected: { line: number; column: number }, what: string): void {
  assert.ok(loc, `${what}: has a location`);
  assert.equal(resolve(loc.file), resolve(file), `${what}: file`);
  assert.deepEqual({ line: loc.line, column: loc.column }, expected, `${what}: line and column`);
}

/** The one error about `file` (compared as resolved paths). */
function errorFor(result: ScanResult | { errors: InputError[] }, file: string): InputError {
  const es = result.errors.filter((e) => resolve(e.file) === resolve(file));
  assert.equal(es.length, 1, `exactly one error for ${file}; errors: ${JSON.stringify(result.errors, null, 1)}`);
  return es[0];
}

// The statuses the task definition controls give for the shape fixtures (default controls).
const CHECKOUT_WEB = { 'ECS.3': 'PASSED', 'ECS.4': 'PASSED', 'ECS.5': 'PASSED', 'ECS.8': 'PASSED', 'ECS.9': 'FAILED', 'ECS.15': 'PASSED', 'ECS.17': 'PASSED', 'ECS.20': 'FAILED' };
const BILLING_API = { 'ECS.3': 'PASSED', 'ECS.4': 'PASSED', 'ECS.5': 'PASSED', 'ECS.8': 'PASSED', 'ECS.9': 'PASSED', 'ECS.15': 'PASSED', 'ECS.17': 'PASSED', 'ECS.20': 'FAILED' };

// ---------------------------------------------------------------- input shapes

describe('task definition JSON: input shapes', () => {
  it('register-task-definition --cli-input-json input: tags inside count for ECS.15, no revision', () => {
    const file = join(SHAPES, 'register-with-tags.json');
    const r = scanPaths([file]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(resourceIds(r), ['checkout-web']);
    assert.deepEqual(statuses(r, 'checkout-web'), CHECKOUT_WEB);
    const tags = finding(r, 'checkout-web', 'ECS.15');
    assert.equal(tags.messageId, 'tagged');
    assert.match(tags.reason, /\b2\b/);
    assert.equal(finding(r, 'checkout-web', 'ECS.20').messageId, 'userIsRoot');
    assert.match(finding(r, 'checkout-web', 'ECS.20').reason, /'config-sync'.*'root'/);
    assert.equal(r.summary.resources, 1);
  });

  it('describe-task-definition output: tags at the top level count for ECS.15', () => {
    const r = scanPaths([join(SHAPES, 'describe-with-tags.json')]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(resourceIds(r), ['billing-api:12']);
    assert.deepEqual(statuses(r, 'billing-api:12'), BILLING_API);
    const tags = finding(r, 'billing-api:12', 'ECS.15');
    assert.equal(tags.messageId, 'tagged');
    assert.equal(tags.path, 'tags');
  });

  it('describe output whose only top-level tags are aws: system tags fails ECS.15', () => {
    const text = JSON.stringify({
      taskDefinition: { family: 'cfn-job', revision: 2, status: 'ACTIVE', runtimePlatform: { operatingSystemFamily: 'LINUX' }, containerDefinitions: [{ name: 'job', image: 'x', user: '1000' }] },
      tags: [{ key: 'aws:cloudformation:stack-name', value: 'jobs' }],
    }, null, 2);
    const f = finding(scanText(text), 'cfn-job:2', 'ECS.15');
    assert.equal(f.status, 'FAILED');
    assert.equal(f.messageId, 'noTags');
  });

  it('describe output with an empty top-level tags list fails ECS.15 (tags are known: there are none)', () => {
    const text = JSON.stringify({ taskDefinition: { family: 'bare', revision: 1, status: 'ACTIVE', containerDefinitions: [{ name: 'a', image: 'x' }] }, tags: [] });
    const f = finding(scanText(text), 'bare:1', 'ECS.15');
    assert.equal(f.status, 'FAILED');
    assert.equal(f.messageId, 'noTags');
  });

  it('describe output without a tags key: ECS.15 is NOT_AVAILABLE, never FAILED or PASSED', () => {
    const r = scanPaths([join(SHAPES, 'describe-without-tags.json')]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(resourceIds(r), ['search-indexer:3']);
    assert.deepEqual(statuses(r, 'search-indexer:3'), {
      'ECS.3': 'PASSED', 'ECS.4': 'PASSED', 'ECS.5': 'PASSED', 'ECS.8': 'PASSED', 'ECS.9': 'PASSED', 'ECS.15': 'NOT_AVAILABLE', 'ECS.17': 'PASSED', 'ECS.20': 'PASSED',
    });
    const tags = finding(r, 'search-indexer:3', 'ECS.15');
    assert.equal(tags.messageId, 'tagsUnknown');
    assert.equal(tags.path, 'tags');
    assert.match(tags.reason, /--include TAGS/);
    assert.equal(r.summary.notAvailable, 1);
  });

  it('a bare task definition (the taskDefinition object alone) is read, with its revision in the id', () => {
    const file = join(SHAPES, 'bare-task-definition.json');
    const r = scanPaths([file]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(resourceIds(r), ['thumbnailer:5']);
    assert.deepEqual(statuses(r, 'thumbnailer:5'), {
      // It came from describe-task-definition (it has an ARN) but its tags were left behind: unknown.
      'ECS.3': 'PASSED', 'ECS.4': 'PASSED', 'ECS.5': 'FAILED', 'ECS.8': 'PASSED', 'ECS.9': 'PASSED', 'ECS.15': 'NOT_AVAILABLE', 'ECS.17': 'PASSED', 'ECS.20': 'PASSED',
    });
    const ro = finding(r, 'thumbnailer:5', 'ECS.5');
    assert.equal(ro.path, 'containerDefinitions[0].readonlyRootFilesystem');
    assertLocation(ro.location, file, at(file, 10, '"readonlyRootFilesystem"'), 'ECS.5');
  });

  it('a JSON array mixing describe output and register input gives one resource per element', () => {
    const r = scanPaths([join(SHAPES, 'array-mixed.json')]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(resourceIds(r), ['ledger-sync:3', 'notifier']);
    assert.deepEqual(statuses(r, 'ledger-sync:3'), {
      'ECS.3': 'PASSED', 'ECS.4': 'PASSED', 'ECS.5': 'PASSED', 'ECS.8': 'PASSED', 'ECS.9': 'PASSED', 'ECS.15': 'PASSED', 'ECS.17': 'PASSED', 'ECS.20': 'PASSED',
    });
    assert.deepEqual(statuses(r, 'notifier'), {
      'ECS.3': 'PASSED', 'ECS.4': 'PASSED', 'ECS.5': 'PASSED', 'ECS.8': 'PASSED', 'ECS.9': 'PASSED', 'ECS.15': 'PASSED', 'ECS.17': 'PASSED', 'ECS.20': 'FAILED',
    });
    assert.equal(finding(r, 'notifier', 'ECS.20').messageId, 'noUser');
    assert.equal(r.summary.resources, 2);
  });

  it('an array element that is not a task definition is an error at its line; the others are judged', () => {
    const text = [
      '[',
      '  { "family": "good", "containerDefinitions": [{ "name": "a", "image": "x", "user": "1000" }] },',
      '  { "name": "not-a-task-definition" },',
      '  { "family": "also-good", "containerDefinitions": [] }',
      ']',
    ].join('\n');
    const r = scanText(text);
    assert.deepEqual(resourceIds(r), ['also-good', 'good']);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].file, '<stdin>');
    assert.deepEqual([r.errors[0].line, r.errors[0].column], [3, 3]);
    assert.match(r.errors[0].message, /not a task definition/);
  });

  it('standard input (`-`) is read like a file and reported as <stdin>', () => {
    const text = readFileSync(join(SHAPES, 'describe-with-tags.json'));
    const r = scanPaths(['-'], { stdin: text });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(statuses(r, 'billing-api:12'), BILLING_API);
    const f = finding(r, 'billing-api:12', 'ECS.20');
    assert.deepEqual(f.location, { file: '<stdin>', ...at(join(SHAPES, 'describe-with-tags.json'), 32, '"user"') });
    // readInput gives the same resource directly.
    const direct = readInput('-', true, {}, text);
    assert.ok(direct);
    assert.deepEqual(direct.errors, []);
    assert.deepEqual(direct.resources.map((x) => x.id), ['billing-api:12']);
  });

  it('standard input together with files: both are scanned', () => {
    const r = scanPaths(['-', join(SHAPES, 'register-with-tags.json')], { stdin: readFileSync(join(SHAPES, 'describe-without-tags.json')) });
    assert.deepEqual(resourceIds(r), ['checkout-web', 'search-indexer:3']);
    assert.equal(finding(r, 'search-indexer:3', 'ECS.3').location?.file, '<stdin>');
  });

  it('empty standard input is an input error, not a crash', () => {
    const r = scanPaths(['-'], { stdin: Buffer.alloc(0) });
    assert.deepEqual(r.findings, []);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].file, '<stdin>');
    assert.match(r.errors[0].message, /empty/);
  });

  it('format detection by content: readText reads task definitions, skips other JSON when walking, reports it when named', () => {
    const td = readText('app.json', '{"family":"app","containerDefinitions":[]}', false);
    assert.ok(td);
    assert.deepEqual(td.resources.map((x) => x.id), ['app']);
    assert.equal(readText('package.json', '{"name":"x","version":"1.0.0"}', false), null);
    const named = readText('package.json', '{"name":"x","version":"1.0.0"}', true);
    assert.ok(named);
    assert.deepEqual(named.resources, []);
    assert.equal(named.errors.length, 1);
    assert.match(named.errors[0].message, /not a format ecsguard reads/);
  });
});

// ---------------------------------------------------------------- resource ids

describe('task definition JSON: resource ids', () => {
  it('family:revision when the file has a revision, else the family', () => {
    const r = scanPaths([SHAPES]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(resourceIds(r), ['billing-api:12', 'checkout-web', 'ledger-sync:3', 'notifier', 'search-indexer:3', 'thumbnailer:5']);
    for (const f of r.findings) {
      assert.equal(f.resource.type, 'AWS::ECS::TaskDefinition');
      assert.equal(f.resource.name, f.resource.id);
    }
  });

  it('revision 1 still gives family:1 (a falsy-looking revision is not dropped)', () => {
    const r = scanText('{"family":"first","revision":1,"status":"ACTIVE","containerDefinitions":[]}');
    assert.deepEqual(resourceIds(r), ['first:1']);
  });
});

// ---------------------------------------------------------------- source map

describe('task definition JSON: source map', () => {
  const register = join(SHAPES, 'register-with-tags.json');
  const describeOut = join(SHAPES, 'describe-with-tags.json');
  const array = join(SHAPES, 'array-mixed.json');

  it('a failing field points at its own line and column (containerDefinitions[1].user)', () => {
    const f = finding(scanPaths([register]), 'checkout-web', 'ECS.20');
    assert.equal(f.path, 'containerDefinitions[1].user');
    assertLocation(f.location, register, at(register, 28, '"user"'), 'ECS.20');
  });

  it('a missing field points at its container object', () => {
    const f = finding(scanPaths([register]), 'checkout-web', 'ECS.9');
    assert.equal(f.path, 'containerDefinitions[1].logConfiguration');
    assertLocation(f.location, register, at(register, 23, '{'), 'ECS.9');
  });

  it('tags inside a register input point at the tags key', () => {
    const f = finding(scanPaths([register]), 'checkout-web', 'ECS.15');
    assertLocation(f.location, register, at(register, 31, '"tags"'), 'ECS.15');
  });

  it('inside describe output, paths are under taskDefinition', () => {
    const r = scanPaths([describeOut]);
    const f = finding(r, 'billing-api:12', 'ECS.20');
    assert.equal(f.path, 'containerDefinitions[1].user');
    assertLocation(f.location, describeOut, at(describeOut, 32, '"user"'), 'ECS.20');
    assertLocation(finding(r, 'billing-api:12', 'ECS.17').location, describeOut, at(describeOut, 45, '"networkMode"'), 'ECS.17');
  });

  it('tags of describe output point at the top-level tags, not inside taskDefinition', () => {
    const f = finding(scanPaths([describeOut]), 'billing-api:12', 'ECS.15');
    assert.equal(f.path, 'tags');
    assertLocation(f.location, describeOut, at(describeOut, 62, '"tags"'), 'ECS.15');
  });

  it('inside an array element: fields, missing fields and tags', () => {
    const r = scanPaths([array]);
    // notifier (element 1) has no user: the container object.
    const user = finding(r, 'notifier', 'ECS.20');
    assert.equal(user.path, 'containerDefinitions[0].user');
    assertLocation(user.location, array, at(array, 27, '{'), 'notifier ECS.20');
    assertLocation(finding(r, 'notifier', 'ECS.15').location, array, at(array, 34, '"tags"'), 'notifier ECS.15');
    // ledger-sync (element 0, describe output): top-level tags of the element.
    assertLocation(finding(r, 'ledger-sync:3', 'ECS.15').location, array, at(array, 20, '"tags"'), 'ledger-sync ECS.15');
    assertLocation(finding(r, 'ledger-sync:3', 'ECS.17').location, array, at(array, 8, '"networkMode"'), 'ledger-sync ECS.17');
  });

  it('violations (the other failing containers) carry their own locations', () => {
    const text = [
      '{',
      '  "family": "two-roots",',
      '  "runtimePlatform": { "operatingSystemFamily": "LINUX" },',
      '  "containerDefinitions": [',
      '    { "name": "a", "image": "x", "user": "0:0" },',
      '    {',
      '      "name": "b",',
      '      "image": "x",',
      '      "user": "root"',
      '    }',
      '  ]',
      '}',
    ].join('\n');
    const f = finding(scanText(text), 'two-roots', 'ECS.20');
    assert.equal(f.path, 'containerDefinitions[0].user');
    assert.deepEqual(f.location, { file: '<stdin>', line: 5, column: 34 });
    assert.deepEqual(f.violations.map((v) => [v.path, v.location?.line, v.location?.column]), [['containerDefinitions[1].user', 9, 7]]);
  });

  it('CRLF line endings give the same lines and columns', () => {
    const text = readFileSync(register, 'utf8').replace(/\n/g, '\r\n');
    const r = scanText(text);
    assert.deepEqual(finding(r, 'checkout-web', 'ECS.20').location, { file: '<stdin>', ...at(register, 28, '"user"') });
    assert.deepEqual(finding(r, 'checkout-web', 'ECS.9').location, { file: '<stdin>', ...at(register, 23, '{') });
  });

  it('a UTF-8 byte order mark is accepted and does not shift locations', () => {
    const r = scanText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(register)]));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(statuses(r, 'checkout-web'), CHECKOUT_WEB);
    assert.deepEqual(finding(r, 'checkout-web', 'ECS.20').location, { file: '<stdin>', ...at(register, 28, '"user"') });
  });
});

// ---------------------------------------------------------------- revision scoping

describe('task definition JSON: revision scoping', () => {
  const describeText = (revision: number, status: string | undefined, user = '1000:1000') =>
    JSON.stringify({
      taskDefinition: {
        family: 'orders', revision, ...(status ? { status } : {}), runtimePlatform: { operatingSystemFamily: 'LINUX' },
        containerDefinitions: [{ name: 'orders', image: 'x', user, readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs' } }],
      },
      tags: [{ key: 'team', value: 'commerce' }],
    }, null, 2);

  it('a folder with several revisions: only the highest ACTIVE is judged; INACTIVE and superseded ones are skipped; a register input is judged', () => {
    const r = scanPaths([REVISIONS]);
    assert.deepEqual(r.errors, []);
    // orders-register-input.json has no revision or status: judged on its own.
    assert.deepEqual(resourceIds(r), ['orders', 'orders:9']);
    assert.deepEqual(r.skipped.map((s) => s.resource.id).sort(), ['orders:10', 'orders:7']);
    const byId = new Map(r.skipped.map((s) => [s.resource.id, s]));
    assert.match(byId.get('orders:10')!.reason, /INACTIVE/);
    assert.match(byId.get('orders:7')!.reason, /revision 9/);
    assert.equal(resolve(byId.get('orders:7')!.location!.file), join(REVISIONS, 'orders-rev7.json'));
    assert.equal(resolve(byId.get('orders:10')!.location!.file), join(REVISIONS, 'orders-rev10.json'));
    // revision 7 runs as root: had it been judged, ECS.20 would fail. Nothing of it may remain.
    assert.equal(finding(r, 'orders:9', 'ECS.20').status, 'PASSED');
    // Security Hub's controls: the hardening checks (ECSG.*) judge these inputs too and are tested elsewhere.
    assert.equal(r.findings.filter((f) => f.status === 'FAILED' && f.set !== 'extra').length, 0);
    assert.equal(r.summary.resources, 2);
    assert.equal(r.summary.skipped, 2);
  });

  it('the outcome does not depend on reading order (higher revision read first)', () => {
    const d = tempDir();
    writeFileSync(join(d, 'a-orders-9.json'), describeText(9, 'ACTIVE'));
    writeFileSync(join(d, 'b-orders-7.json'), describeText(7, 'ACTIVE', 'root'));
    const r = scanPaths([d]);
    assert.deepEqual(resourceIds(r), ['orders:9']);
    assert.deepEqual(r.skipped.map((s) => s.resource.id), ['orders:7']);
    assert.equal(r.findings.filter((f) => f.status === 'FAILED' && f.set !== 'extra').length, 0);
  });

  it('an INACTIVE revision is skipped even when it is the highest; the highest ACTIVE one is judged', () => {
    const r = scanPaths([join(REVISIONS, 'orders-rev10.json'), join(REVISIONS, 'orders-rev7.json')]);
    assert.deepEqual(resourceIds(r), ['orders:7']);
    assert.deepEqual(r.skipped.map((s) => s.resource.id), ['orders:10']);
    assert.equal(finding(r, 'orders:7', 'ECS.20').status, 'FAILED');
  });

  it('DELETE_IN_PROGRESS is never judged', () => {
    const r = scanText(describeText(11, 'DELETE_IN_PROGRESS', 'root'));
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.skipped.map((s) => s.resource.id), ['orders:11']);
    assert.match(r.skipped[0].reason, /DELETE_IN_PROGRESS/);
  });

  it('allRevisions judges every ACTIVE revision, and still never an INACTIVE one', () => {
    const r = scanPaths([REVISIONS], { allRevisions: true });
    assert.deepEqual(resourceIds(r), ['orders', 'orders:7', 'orders:9']);
    assert.deepEqual(r.skipped.map((s) => s.resource.id), ['orders:10']);
    assert.equal(finding(r, 'orders:7', 'ECS.20').status, 'FAILED');
    assert.equal(r.summary.resources, 3);
  });

  it('a file without status or revision is judged, also beside revisions of its family', () => {
    const r = scanPaths([join(REVISIONS, 'orders-register-input.json')]);
    assert.deepEqual(resourceIds(r), ['orders']);
    assert.deepEqual(r.skipped, []);
    assert.equal(finding(r, 'orders', 'ECS.20').status, 'PASSED');
  });

  it('the same revision read twice is judged once', () => {
    const d = tempDir();
    writeFileSync(join(d, 'copy-a.json'), describeText(9, 'ACTIVE'));
    writeFileSync(join(d, 'copy-b.json'), describeText(9, 'ACTIVE'));
    const r = scanPaths([d]);
    assert.deepEqual(resourceIds(r), ['orders:9']);
    assert.equal(byControl(r, 'orders:9').size, r.findings.length);
    assert.equal(r.skipped.length, 1);
    assert.equal(r.summary.resources, 1);
  });

  it('revisions inside one array are scoped too', () => {
    const text = `[${describeText(3, 'ACTIVE', 'root')},${describeText(4, 'ACTIVE')}]`;
    const r = scanText(text);
    assert.deepEqual(resourceIds(r), ['orders:4']);
    assert.deepEqual(r.skipped.map((s) => s.resource.id), ['orders:3']);
  });
});

// ---------------------------------------------------------------- bad input

describe('task definition JSON: bad input in a folder', () => {
  let dir: string;
  let result: ScanResult;
  const file = (name: string) => join(dir, name);

  const GOOD = [
    '{',
    '  "family": "good-web",',
    '  "runtimePlatform": { "operatingSystemFamily": "LINUX" },',
    '  "containerDefinitions": [',
    '    {',
    '      "name": "web",',
    '      "image": "public.ecr.aws/nginx/nginx:1.27",',
    '      "user": "101:101",',
    '      "readonlyRootFilesystem": true,',
    '      "logConfiguration": { "logDriver": "awslogs" }',
    '    }',
    '  ],',
    '  "tags": [{ "key": "team", "value": "web" }]',
    '}',
    '',
  ].join('\n');

  before(() => {
    dir = tempDir();
    writeFileSync(file('good.json'), GOOD);
    // A missing comma after "image": the error is where "user" starts (line 7, column 7).
    writeFileSync(file('invalid.json'), [
      '{',
      '  "family": "broken-web",',
      '  "containerDefinitions": [',
      '    {',
      '      "name": "web",',
      '      "image": "public.ecr.aws/nginx/nginx:1.27"',
      '      "user": "101"',
      '    }',
      '  ]',
      '}',
      '',
    ].join('\n'));
    writeFileSync(file('containers-object.json'), [
      '{',
      '  "family": "containers-object",',
      '  "networkMode": "awsvpc",',
      '  "containerDefinitions": {',
      '    "name": "web",',
      '    "image": "public.ecr.aws/nginx/nginx:1.27"',
      '  },',
      '  "tags": [{ "key": "team", "value": "web" }]',
      '}',
      '',
    ].join('\n'));
    writeFileSync(file('user-number.json'), [
      '{',
      '  "family": "user-number",',
      '  "runtimePlatform": { "operatingSystemFamily": "LINUX" },',
      '  "containerDefinitions": [',
      '    {',
      '      "name": "app",',
      '      "image": "public.ecr.aws/docker/library/node:22-alpine",',
      '      "readonlyRootFilesystem": true,',
      '      "user": 1000,',
      '      "logConfiguration": { "logDriver": "awslogs" }',
      '    }',
      '  ],',
      '  "tags": [{ "key": "team", "value": "web" }]',
      '}',
      '',
    ].join('\n'));
    writeFileSync(file('privileged-string.json'), [
      '{',
      '  "family": "privileged-string",',
      '  "runtimePlatform": { "operatingSystemFamily": "LINUX" },',
      '  "containerDefinitions": [',
      '    {',
      '      "name": "agent",',
      '      "image": "public.ecr.aws/datadog/agent:7",',
      '      "user": "1000",',
      '      "privileged": "true"',
      '    }',
      '  ]',
      '}',
      '',
    ].join('\n'));
    writeFileSync(file('empty.json'), '');
    writeFileSync(file('blank.json'), '  \n\t\n   \n');
    // Latin-1: "Café" as a single 0xE9 byte on line 5.
    writeFileSync(file('latin1.json'), Buffer.concat([
      Buffer.from('{\n  "family": "latin1",\n  "containerDefinitions": [\n    {\n      "name": "caf', 'latin1'),
      Buffer.from([0xe9]),
      Buffer.from('",\n      "image": "x"\n    }\n  ]\n}\n', 'latin1'),
    ]));
    writeFileSync(file('utf16.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"family":"utf16","containerDefinitions":[]}\n', 'utf16le')]));
    writeFileSync(file('utf16-no-bom.json'), Buffer.from('{"family":"utf16nobom","containerDefinitions":[]}\n', 'utf16le'));
    // Walking skips these silently: not task definitions, or not JSON files at all.
    writeFileSync(file('package.json'), '{\n  "name": "infra",\n  "version": "1.0.0"\n}\n');
    writeFileSync(file('notes.txt'), 'containerDefinitions are in good.json\n');
    writeFileSync(file('tsconfig.json'), '{ "compilerOptions": { "strict": true } }\n');
    // Never walked into.
    mkdirSync(file('node_modules/some-lib'), { recursive: true });
    writeFileSync(file('node_modules/some-lib/taskdef.json'), '{"family":"from-node-modules","containerDefinitions":[]}');
    mkdirSync(file('.git'));
    writeFileSync(file('.git/taskdef.json'), '{"family":"from-git","containerDefinitions":[]}');
    // Symbolic link loops: a link to the parent folder, and a link to itself.
    mkdirSync(file('nested'));
    symlinkSync('..', file('nested/parent'));
    symlinkSync('self-link.json', file('self-link.json'));
    result = scanPaths([dir]);
  });

  it('the good file is still scanned, exactly once (the loop does not scan it again)', () => {
    assert.deepEqual(statuses(result, 'good-web'), {
      'ECS.3': 'PASSED', 'ECS.4': 'PASSED', 'ECS.5': 'PASSED', 'ECS.8': 'PASSED', 'ECS.9': 'PASSED', 'ECS.15': 'PASSED', 'ECS.17': 'PASSED', 'ECS.20': 'PASSED',
    });
    assert.equal(result.findings.filter((f) => f.resource.id === 'good-web' && f.set !== 'extra').length, 8);
  });

  it('exactly the bad files have errors; skipped directories and non-task-definition files have none', () => {
    const files = result.errors.map((e) => resolve(e.file)).sort();
    const expected = ['blank.json', 'containers-object.json', 'empty.json', 'invalid.json', 'latin1.json', 'nested/parent', 'privileged-string.json', 'self-link.json', 'user-number.json', 'utf16-no-bom.json', 'utf16.json']
      .map((n) => file(n)).sort();
    assert.deepEqual(files, expected);
    assert.equal(result.summary.errors, expected.length);
    for (const e of result.errors) assert.ok(e.message.length > 10, `a clear message for ${e.file}: ${e.message}`);
  });

  it('node_modules and .git are not walked; other JSON and non-JSON files are skipped silently', () => {
    const ids = resourceIds(result);
    assert.ok(!ids.includes('from-node-modules'), 'node_modules is skipped');
    assert.ok(!ids.includes('from-git'), '.git is skipped');
    assert.deepEqual(ids, ['containers-object', 'good-web', 'privileged-string', 'user-number']);
  });

  it('invalid JSON: the error has the line and column of the mistake', () => {
    const e = errorFor(result, file('invalid.json'));
    assert.deepEqual([e.line, e.column], [7, 7]);
    assert.match(e.message, /invalid JSON/i);
  });

  it('containerDefinitions that is not an array: an error at its line, container controls NOT_AVAILABLE, others still judged', () => {
    const e = errorFor(result, file('containers-object.json'));
    assert.deepEqual([e.line, e.column], [4, 3]);
    assert.match(e.message, /containerDefinitions is an object.*array/);
    assert.deepEqual(statuses(result, 'containers-object'), {
      'ECS.3': 'PASSED', 'ECS.4': 'NOT_AVAILABLE', 'ECS.5': 'NOT_AVAILABLE', 'ECS.8': 'NOT_AVAILABLE', 'ECS.9': 'NOT_AVAILABLE', 'ECS.15': 'PASSED', 'ECS.17': 'PASSED', 'ECS.20': 'NOT_AVAILABLE', 'ECS.21': 'NOT_AVAILABLE',
    });
  });

  it('user that is a number: an error at that line, ECS.20 NOT_AVAILABLE, the other controls still judge the task definition', () => {
    const e = errorFor(result, file('user-number.json'));
    assert.deepEqual([e.line, e.column], [9, 7]);
    assert.match(e.message, /containerDefinitions\[0\]\.user is a number.*string/);
    assert.deepEqual(statuses(result, 'user-number'), {
      'ECS.3': 'PASSED', 'ECS.4': 'PASSED', 'ECS.5': 'PASSED', 'ECS.8': 'PASSED', 'ECS.9': 'PASSED', 'ECS.15': 'PASSED', 'ECS.17': 'PASSED', 'ECS.20': 'NOT_AVAILABLE',
    });
    const f = finding(result, 'user-number', 'ECS.20');
    assert.equal(f.path, 'containerDefinitions[0].user');
    assert.deepEqual([f.location?.line, f.location?.column], [9, 7]);
  });

  it('privileged that is the string "true": an error at that line, and ECS.4 is not PASSED', () => {
    const e = errorFor(result, file('privileged-string.json'));
    assert.deepEqual([e.line, e.column], [9, 7]);
    assert.match(e.message, /containerDefinitions\[0\]\.privileged is a string.*boolean/);
    const f = finding(result, 'privileged-string', 'ECS.4');
    assert.equal(f.status, 'NOT_AVAILABLE');
    assert.equal(f.path, 'containerDefinitions[0].privileged');
    // user is fine, so ECS.20 still judges it.
    assert.equal(finding(result, 'privileged-string', 'ECS.20').status, 'PASSED');
  });

  it('an empty file and a whitespace-only file are errors that say so', () => {
    assert.match(errorFor(result, file('empty.json')).message, /empty/i);
    assert.match(errorFor(result, file('blank.json')).message, /whitespace|empty/i);
  });

  it('a file that is not UTF-8: the error has the line and column of the bad byte', () => {
    const e = errorFor(result, file('latin1.json'));
    assert.deepEqual([e.line, e.column], [5, 19]); // after `      "name": "caf` (18 characters)
    assert.match(e.message, /UTF-8/);
  });

  it('UTF-16, with or without a byte order mark, is an error that names the problem', () => {
    assert.match(errorFor(result, file('utf16.json')).message, /UTF-16/);
    assert.match(errorFor(result, file('utf16-no-bom.json')).message, /UTF-16|NUL|binary/);
  });

  it('a symbolic link to a parent folder and a self-referencing link are reported as loops', () => {
    assert.match(errorFor(result, file('nested/parent')).message, /loop/i);
    assert.match(errorFor(result, file('self-link.json')).message, /loop/i);
    assert.equal(errorFor(result, file('nested/parent')).line, null);
  });

  it('summary counts the resources read despite the errors', () => {
    assert.equal(result.summary.resources, 4);
    assert.equal(result.summary.errors, result.errors.length);
  });
});

describe('task definition JSON: bad input named explicitly', () => {
  it('a nonexistent path is an error; the other paths are still scanned', () => {
    const missing = join(tempDir(), 'does-not-exist.json');
    const r = scanPaths([missing, join(SHAPES, 'register-with-tags.json')]);
    assert.deepEqual(resourceIds(r), ['checkout-web']);
    const e = errorFor(r, missing);
    assert.equal(e.line, null);
    assert.match(e.message, /no such file/i);
  });

  it('a JSON file that is not a task definition is reported when named', () => {
    const d = tempDir();
    writeFileSync(join(d, 'package.json'), '{ "name": "infra" }\n');
    const r = scanPaths([join(d, 'package.json'), join(SHAPES, 'register-with-tags.json')]);
    assert.deepEqual(resourceIds(r), ['checkout-web']);
    assert.match(errorFor(r, join(d, 'package.json')).message, /not a format ecsguard reads/);
  });

  it('a file over maxFileBytes is an error; smaller files are still scanned', () => {
    const d = tempDir();
    writeFileSync(join(d, 'big.json'), JSON.stringify({ family: 'big', containerDefinitions: [{ name: 'a', image: 'x'.repeat(600) }] }));
    writeFileSync(join(d, 'small.json'), '{"family":"small","containerDefinitions":[]}');
    const r = scanPaths([d], { maxFileBytes: 512 });
    assert.deepEqual(resourceIds(r), ['small']);
    const e = errorFor(r, join(d, 'big.json'));
    assert.equal(e.line, null);
    assert.match(e.message, /limit/);
  });

  it('an invalid JSON file named explicitly with another extension is still reported', () => {
    const d = tempDir();
    writeFileSync(join(d, 'taskdef.txt'), '{ "family": "x", }');
    const r = scanPaths([join(d, 'taskdef.txt')]);
    const e = errorFor(r, join(d, 'taskdef.txt'));
    assert.deepEqual([e.line, e.column], [1, 18]);
  });
});

// ---------------------------------------------------------------- secrets

describe('task definition JSON: secret values never reach errors or findings', () => {
  const SECRET_VALUES = [ACCESS_KEY_ID, SECRET_ACCESS_KEY, REGISTRY_AUTH];
  const leaks = (what: unknown) => SECRET_VALUES.filter((s) => JSON.stringify(what).includes(s));

  it('environment values of the wrong type: errors at their lines without the values; ECS.8 still fails on the names', () => {
    const file = join(SECRETS, 'env-value-wrong-type.json');
    const r = scanPaths([file]);
    assert.deepEqual(r.errors.map((e) => [e.line, e.column]), [
      [17, at(file, 17, '"value"').column],
      [18, at(file, 18, '"value"').column],
      [19, at(file, 19, '"value"').column],
    ]);
    assert.match(r.errors[0].message, /environment\[1\]\.value is an array/);
    assert.match(r.errors[1].message, /environment\[2\]\.value is an object/);
    const f = finding(r, 'registry-mirror-sync', 'ECS.8');
    assert.equal(f.status, 'FAILED');
    assert.deepEqual([f.path, ...f.violations.map((v) => v.path)], [
      'containerDefinitions[0].environment[1].name',
      'containerDefinitions[0].environment[2].name',
      'containerDefinitions[0].environment[3].name',
    ]);
    assert.deepEqual(leaks(r), []);
  });

  it('environment written as a map instead of a list: an error without the values, ECS.8 NOT_AVAILABLE', () => {
    const text = [
      '{',
      '  "family": "env-map",',
      '  "containerDefinitions": [',
      '    {',
      '      "name": "app",',
      '      "image": "x",',
      `      "environment": { "AWS_ACCESS_KEY_ID": "${ACCESS_KEY_ID}", "AWS_SECRET_ACCESS_KEY": "${SECRET_ACCESS_KEY}" }`,
      '    }',
      '  ]',
      '}',
    ].join('\n');
    const r = scanText(text);
    assert.equal(r.errors.length, 1);
    assert.deepEqual([r.errors[0].line, r.errors[0].column], [7, 7]);
    assert.equal(finding(r, 'env-map', 'ECS.8').status, 'NOT_AVAILABLE');
    assert.deepEqual(leaks(r), []);
  });

  it('an environment entry written as a "NAME=value" string: an error without the value', () => {
    const text = JSON.stringify({ family: 'env-string', containerDefinitions: [{ name: 'app', image: 'x', environment: [`AWS_SECRET_ACCESS_KEY=${SECRET_ACCESS_KEY}`] }] }, null, 2);
    const r = scanText(text);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].message, /environment\[0\] is a string/);
    assert.deepEqual(leaks(r), []);
  });

  for (const [name, what] of [['unquoted-secret-invalid.json', 'an unquoted access key ID'], ['unterminated-secret-invalid.json', 'an unterminated secret string']]) {
    it(`invalid JSON at ${what}: the syntax error is on its line and does not quote the secret`, () => {
      const file = join(SECRETS, name);
      const r = scanPaths([file]);
      const e = errorFor(r, file);
      assert.equal(e.line, 9, "the error is on the secret's line");
      assert.match(e.message, /invalid JSON/i);
      // Neither the value nor a recognisable piece of it (the spec: never in any output or error message).
      for (const piece of [ACCESS_KEY_ID, SECRET_ACCESS_KEY, 'AKIAIOSFODNN', 'wJalrXUtnFEMI']) {
        assert.ok(!e.message.includes(piece), `the error message must not quote the secret: ${e.message}`);
      }
    });
  }
});
