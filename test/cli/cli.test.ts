/**
 * The built command line (dist/cli/main.js), run as a user or a CI pipeline runs it: exit codes,
 * the JSON output contract (../shared/spec/cli-and-output.md), options, the text report, secrets
 * never printed, and `explain` / `controls` / `--help` / `--version`.
 * Needs `npm run build` first (`npm test` builds before running the tests).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const SECRETS = join(ROOT, 'test/fixtures/taskdef/secrets');

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const REGISTRY_AUTH = 'bWlycm9yYm90OlMzY3IzdC1QQHNzdzByZA==';
const ANSI = /\u001b\[/;

// ---------------------------------------------------------------- running the CLI

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with NO_COLOR=1 (unless `env` says otherwise), piped, without COLUMNS or FORCE_COLOR. */
function run(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string | Buffer } = {}): Run {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  delete env.COLUMNS;
  delete env.ECSGUARD_DEBUG;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env, input: options.input, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonFinding {
  control: string;
  set: 'security-hub' | 'extra';
  title: string;
  severity: string;
  status: string;
  resource: { type: string; id: string; name: string; arn?: string };
  location: { file: string; line: number; column: number } | null;
  path: string | null;
  messageId: string;
  reason: string;
  suppressed: unknown;
  violations: unknown[];
  notes: string[];
}
interface JsonReport {
  version: number;
  tool: { name: string; version: string };
  findings: JsonFinding[];
  errors: { file: string; line: number | null; column: number | null; message: string }[];
  skipped?: { resource: { id: string } }[];
  summary: Record<string, number>;
}

/** Runs `scan ... --format json` and parses standard output. */
function scanJson(args: string[], options: Parameters<typeof run>[1] = {}): Run & { report: JsonReport } {
  const r = run(['scan', ...args, '--format', 'json'], options);
  let report: JsonReport;
  try {
    report = JSON.parse(r.stdout) as JsonReport;
  } catch (e) {
    throw new Error(`stdout is not JSON (exit ${r.code}): ${r.stdout.slice(0, 500)}\nstderr: ${r.stderr}`, { cause: e });
  }
  return { ...r, report };
}

/** `{ control: status }` of one resource in a JSON report; fails on a duplicate (resource, control). */
function statusesOf(report: JsonReport, id: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of report.findings) {
    if (f.resource.id !== id) continue;
    assert.ok(!(f.control in out), `one finding per (resource, control): ${id} ${f.control} twice`);
    out[f.control] = f.status;
  }
  return out;
}

const tempDirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ecsguard-cli-test-'));
  tempDirs.push(d);
  return d;
}

before(() => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run 'npm run build' first (npm test does)`);
});
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

// The expected verdicts for examples/, from examples/README.md ("Expected results"): the FAILED
// controls and the task definition controls that give no finding; every other default task
// definition control PASSES. payments:41 is INACTIVE and not judged. `hardening` lists the
// ecsguard hardening checks (ECSG.*) that fail; ECSG.4 gives no finding without bind mounts,
// ECSG.1 to ECSG.3 none for Windows, and ECSG.7 none while allowedRegistries is empty.
const TASK_DEFINITION_CONTROLS = ['ECS.3', 'ECS.4', 'ECS.5', 'ECS.8', 'ECS.9', 'ECS.15', 'ECS.17', 'ECS.18', 'ECS.20', 'ECS.21'];
const HARDENING_CONTROLS = ['ECSG.1', 'ECSG.2', 'ECSG.3', 'ECSG.4', 'ECSG.5', 'ECSG.6', 'ECSG.7', 'ECSG.8', 'ECSG.10'];
const LINUX_NO_BIND = ['ECSG.4', 'ECSG.7'];
const WINDOWS_NO_BIND = ['ECSG.1', 'ECSG.2', 'ECSG.3', 'ECSG.4', 'ECSG.7'];
const EXAMPLES: Record<string, { file: string; failed: string[]; absent: string[]; hardening: string[]; hardeningAbsent: string[] }> = {
  'storefront-web': { file: 'examples/linux-web-with-sidecars.json', failed: ['ECS.5', 'ECS.20'], absent: ['ECS.18', 'ECS.21'], hardening: ['ECSG.2', 'ECSG.6', 'ECSG.10'], hardeningAbsent: LINUX_NO_BIND },
  'intranet-iis': { file: 'examples/windows-iis-container-administrator.json', failed: ['ECS.21'], absent: ['ECS.5', 'ECS.18', 'ECS.20'], hardening: ['ECSG.6'], hardeningAbsent: WINDOWS_NO_BIND },
  'intranet-iis-hardened': { file: 'examples/windows-iis-hardened.json', failed: [], absent: ['ECS.5', 'ECS.18', 'ECS.20'], hardening: ['ECSG.6'], hardeningAbsent: WINDOWS_NO_BIND },
  'orders-api': { file: 'examples/fargate-arm-api.json', failed: ['ECS.9'], absent: ['ECS.18', 'ECS.21'], hardening: ['ECSG.2', 'ECSG.6'], hardeningAbsent: LINUX_NO_BIND },
  'datadog-agent-daemon': { file: 'examples/monitoring-agent-privileged-host.json', failed: ['ECS.3', 'ECS.4', 'ECS.5', 'ECS.17', 'ECS.20', 'ECS.21'], absent: ['ECS.18'], hardening: ['ECSG.1', 'ECSG.2', 'ECSG.4', 'ECSG.6'], hardeningAbsent: ['ECSG.7'] },
  'invoice-exporter-worker': { file: 'examples/secrets-in-environment.json', failed: ['ECS.8'], absent: ['ECS.18', 'ECS.21'], hardening: ['ECSG.2', 'ECSG.5', 'ECSG.6'], hardeningAbsent: LINUX_NO_BIND },
  'marketing-wordpress': { file: 'examples/efs-without-transit-encryption.json', failed: ['ECS.18'], absent: ['ECS.21'], hardening: ['ECSG.2', 'ECSG.6'], hardeningAbsent: LINUX_NO_BIND },
  'legacy-catalog': { file: 'examples/no-runtime-platform.json', failed: ['ECS.20', 'ECS.21'], absent: ['ECS.18'], hardening: ['ECSG.2', 'ECSG.6'], hardeningAbsent: LINUX_NO_BIND },
  'payments:42': { file: 'examples/describe-output-with-tags.json', failed: [], absent: ['ECS.18', 'ECS.21'], hardening: ['ECSG.2', 'ECSG.6'], hardeningAbsent: LINUX_NO_BIND },
  'customer-profile-api': { file: 'examples/fully-compliant.json', failed: [], absent: ['ECS.21'], hardening: ['ECSG.6'], hardeningAbsent: LINUX_NO_BIND },
  'nightly-ledger-reconcile:17': { file: 'examples/batch-job-root-user.json', failed: ['ECS.15', 'ECS.20'], absent: ['ECS.18', 'ECS.21'], hardening: ['ECSG.2', 'ECSG.6', 'ECSG.10'], hardeningAbsent: LINUX_NO_BIND },
  'admin-portal': { file: 'examples/register-inputs-array.json', failed: ['ECS.15'], absent: ['ECS.18', 'ECS.21'], hardening: ['ECSG.2', 'ECSG.6'], hardeningAbsent: LINUX_NO_BIND },
  'report-renderer': { file: 'examples/register-inputs-array.json', failed: ['ECS.5', 'ECS.20'], absent: ['ECS.18', 'ECS.21'], hardening: ['ECSG.2', 'ECSG.6', 'ECSG.10'], hardeningAbsent: LINUX_NO_BIND },
  // Passes every Security Hub control and fails every hardening check a task definition can fail.
  'build-runner': { file: 'examples/hardening-risks.json', failed: [], absent: ['ECS.18', 'ECS.21'], hardening: ['ECSG.1', 'ECSG.2', 'ECSG.3', 'ECSG.4', 'ECSG.5', 'ECSG.6', 'ECSG.8', 'ECSG.10'], hardeningAbsent: ['ECSG.7'] },
};

/** A task definition that passes every default control of both sets. */
const HARDENED = {
  family: 'hardened-api',
  taskRoleArn: 'arn:aws:iam::111122223333:role/hardened-api-task',
  executionRoleArn: 'arn:aws:iam::111122223333:role/hardened-api-execution',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'ARM64' },
  containerDefinitions: [{
    name: 'api',
    image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
    essential: true,
    user: '1000:1000',
    readonlyRootFilesystem: true,
    linuxParameters: { capabilities: { drop: ['ALL'] } },
    healthCheck: { command: ['CMD', '/api', 'health'], interval: 30, timeout: 5, retries: 3 },
    logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/api', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'api', mode: 'non-blocking' } },
  }],
  tags: [{ key: 'team', value: 'platform' }],
};

/** The task definition JSON files at the top of examples/ (the folder also holds other sources). */
const EXAMPLE_FILES = [...new Set(Object.values(EXAMPLES).map((e) => e.file)), 'examples/describe-inactive-old-revision.json'].sort();

/**
 * The counts of the text report's closing summary line, by label ("13 resources", "19 failed",
 * "1 skipped", "0 input errors"); the layout between them is free. Null when it is not one.
 */
function parseSummaryLine(line: string): Record<string, number> | null {
  const labels: Record<string, RegExp> = {
    resources: /(\d+) resources?\b/, failed: /(\d+) failed\b/, passed: /(\d+) passed\b/, notAvailable: /(\d+) not available\b/,
    suppressed: /(\d+) suppressed\b/, skipped: /(\d+) skipped\b/, errors: /(\d+) input errors?\b/,
  };
  const out: Record<string, number> = {};
  for (const [k, re] of Object.entries(labels)) {
    const m = re.exec(line);
    if (m) out[k] = Number(m[1]);
  }
  return 'resources' in out && 'failed' in out && 'passed' in out ? out : null;
}

/** Asserts the summary line states `expected` (a count left out of the line must be 0). */
function assertSummaryLine(line: string, expected: Record<string, number>): void {
  const got = parseSummaryLine(line);
  assert.ok(got, `a summary line: ${line}`);
  for (const [k, v] of Object.entries(expected)) assert.equal(got[k] ?? 0, v, `summary line '${line}': ${k}`);
}

// ---------------------------------------------------------------- exit codes

describe('ecsguard scan: exit codes', () => {
  let invalidJson: string;
  let hardened: string;
  before(() => {
    const d = tempDir();
    invalidJson = join(d, 'broken.json');
    writeFileSync(invalidJson, '{\n  "family": "broken",\n  "containerDefinitions": [\n}\n');
    hardened = join(d, 'hardened.json');
    writeFileSync(hardened, JSON.stringify(HARDENED, null, 2));
  });

  const cases: { name: string; args: () => string[]; code: number }[] = [
    { name: 'a FAILED finding at the default --fail-on low', args: () => ['examples'], code: 1 },
    { name: 'only a LOW finding fails, default gate', args: () => ['examples/register-inputs-array.json', '--controls', 'ECS.15'], code: 1 },
    { name: '--fail-on none never fails', args: () => ['examples', '--fail-on', 'none'], code: 0 },
    { name: '--fail-on critical when only HIGH and MEDIUM fail', args: () => ['examples/monitoring-agent-privileged-host.json', '--fail-on', 'critical'], code: 0 },
    { name: '--fail-on critical on the whole examples folder (nothing is CRITICAL)', args: () => ['examples', '--fail-on', 'critical'], code: 0 },
    { name: '--fail-on high when HIGH fails', args: () => ['examples/monitoring-agent-privileged-host.json', '--fail-on', 'high'], code: 1 },
    { name: '--fail-on high when only MEDIUM fails', args: () => ['examples/no-runtime-platform.json', '--fail-on', 'high'], code: 0 },
    { name: '--fail-on medium when MEDIUM fails', args: () => ['examples/no-runtime-platform.json', '--fail-on', 'medium'], code: 1 },
    { name: '--fail-on high when LOW and MEDIUM fail', args: () => ['examples/batch-job-root-user.json', '--fail-on', 'high'], code: 0 },
    { name: '--fail-on medium when LOW and MEDIUM fail', args: () => ['examples/batch-job-root-user.json', '--fail-on', 'medium'], code: 1 },
    { name: 'a fully compliant input (Security Hub controls)', args: () => ['examples/fully-compliant.json', '--controls', 'security-hub'], code: 0 },
    { name: 'several compliant inputs and a skipped INACTIVE revision', args: () => ['examples/fully-compliant.json', 'examples/windows-iis-hardened.json', 'examples/describe-output-with-tags.json', 'examples/describe-inactive-old-revision.json', '--controls', 'security-hub'], code: 0 },
    { name: 'an input error in one file beside a compliant one stays 0', args: () => ['examples/fully-compliant.json', invalidJson, '--controls', 'security-hub'], code: 0 },
    { name: 'a missing path beside a compliant one stays 0', args: () => ['examples/fully-compliant.json', 'does-not-exist.json', '--controls', 'security-hub'], code: 0 },
    { name: 'the Security Hub-compliant example fails a LOW hardening check by default', args: () => ['examples/fully-compliant.json'], code: 1 },
    { name: 'the hardening checks are gated like the others: only LOW ones fail', args: () => ['examples/fully-compliant.json', '--fail-on', 'medium'], code: 0 },
    { name: 'an input that passes every Security Hub control but fails HIGH hardening checks', args: () => ['examples/hardening-risks.json', '--fail-on', 'high'], code: 1 },
    { name: 'the same input with only the Security Hub controls', args: () => ['examples/hardening-risks.json', '--controls', 'security-hub'], code: 0 },
    { name: 'the same input with the hardening checks skipped', args: () => ['examples/hardening-risks.json', '--skip-controls', 'extra'], code: 0 },
    { name: 'a hardened input passes both sets', args: () => [hardened], code: 0 },
    { name: 'an input error beside a failing file stays 1', args: () => ['examples/batch-job-root-user.json', invalidJson], code: 1 },
    { name: 'only a nonexistent path: nothing could be read', args: () => ['does-not-exist.json'], code: 2 },
    { name: 'only an invalid JSON file: nothing could be read', args: () => [invalidJson], code: 2 },
  ];
  for (const c of cases) {
    it(`exit ${c.code}: ${c.name}`, () => {
      const r = run(['scan', ...c.args()]);
      assert.equal(r.code, c.code, `stdout: ${r.stdout.slice(-400)}\nstderr: ${r.stderr}`);
    });
  }

  it('input errors are reported even when they do not change the exit code', () => {
    const r = scanJson(['examples/fully-compliant.json', invalidJson, 'does-not-exist.json', '--controls', 'security-hub']);
    assert.equal(r.code, 0);
    assert.equal(r.report.errors.length, 2);
    assert.equal(r.report.summary.errors, 2);
    const missing = r.report.errors.find((e) => e.file === 'does-not-exist.json');
    assert.ok(missing, JSON.stringify(r.report.errors));
    assert.deepEqual([missing.line, missing.column], [null, null]);
    const broken = r.report.errors.find((e) => resolve(ROOT, e.file) === invalidJson);
    assert.ok(broken, JSON.stringify(r.report.errors));
    assert.deepEqual([broken.line, broken.column], [4, 1]);
    assert.deepEqual(statusesOf(r.report, 'customer-profile-api')['ECS.20'], 'PASSED');
  });

  const usage: { name: string; args: string[]; stderr: RegExp }[] = [
    { name: 'an unknown option', args: ['scan', '--bogus', 'examples'], stderr: /--bogus/ },
    { name: 'an unknown control in --controls', args: ['scan', '--controls', 'ECS.20,ECS.99', 'examples'], stderr: /ECS\.99/ },
    { name: 'an unknown control in --skip-controls', args: ['scan', '--skip-controls', 'ECS.6', 'examples'], stderr: /ECS\.6/ },
    { name: 'a bad --fail-on value', args: ['scan', '--fail-on', 'severe', 'examples'], stderr: /--fail-on/ },
    { name: 'a bad --format', args: ['scan', '--format', 'xml', 'examples'], stderr: /--format|xml/ },
    { name: 'an unknown command', args: ['scna', 'examples'], stderr: /scna|unknown/i },
  ];
  for (const u of usage) {
    it(`exit 2: ${u.name}, with a message on stderr and no report`, () => {
      const r = run(u.args);
      assert.equal(r.code, 2, `stderr: ${r.stderr}`);
      assert.match(r.stderr, u.stderr);
      assert.equal(r.stdout, '');
    });
  }
});

// ---------------------------------------------------------------- JSON contract

describe('ecsguard scan --format json: the output contract', () => {
  // r: the task definition JSON examples, whose verdicts are known exactly; all: the whole folder.
  let r: Run & { report: JsonReport };
  let all: Run & { report: JsonReport };
  before(() => {
    r = scanJson(EXAMPLE_FILES);
    all = scanJson(['examples']);
  });

  it('exits 1 and writes only JSON to stdout', () => {
    for (const x of [r, all]) {
      assert.equal(x.code, 1);
      assert.ok(x.stdout.startsWith('{') && x.stdout.endsWith('}\n'));
    }
  });

  it('version 1 and the tool with the package version', () => {
    for (const x of [r, all]) {
      assert.equal(x.report.version, 1);
      assert.deepEqual(x.report.tool, { name: 'ecsguard', version: PACKAGE.version });
      for (const k of ['version', 'tool', 'findings', 'errors', 'summary']) assert.ok(k in x.report, `top-level ${k}`);
      for (const k of Object.keys(x.report)) assert.ok(['version', 'tool', 'findings', 'errors', 'skipped', 'summary'].includes(k), `unexpected top-level field ${k}`);
    }
  });

  it("every finding has exactly the contract's fields plus violations and notes, with valid values (whole examples folder)", () => {
    assert.ok(all.report.findings.length > 0);
    // `set` (which set the control belongs to) is an addition to the contract.
    const keys = ['control', 'set', 'title', 'severity', 'status', 'resource', 'location', 'path', 'messageId', 'reason', 'suppressed', 'violations', 'notes'].sort();
    const types = ['AWS::ECS::TaskDefinition', 'AWS::ECS::Service', 'AWS::ECS::Cluster', 'AWS::ECS::TaskSet', 'AWS::ECS::CapacityProvider'];
    for (const f of all.report.findings) {
      const where = `${f.resource?.id} ${f.control}`;
      assert.deepEqual(Object.keys(f).sort(), keys, where);
      assert.match(f.control, /^ECSG?\.\d+$/, where);
      assert.equal(f.set, f.control.startsWith('ECSG.') ? 'extra' : 'security-hub', where);
      assert.ok(f.title.length > 10, where);
      assert.ok(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].includes(f.severity), where);
      assert.ok(['PASSED', 'FAILED', 'WARNING', 'NOT_AVAILABLE'].includes(f.status), where);
      // resource: the contract's type, id, name (other sources may add fields; see the next test).
      for (const k of ['type', 'id', 'name']) assert.equal(typeof (f.resource as Record<string, unknown>)[k], 'string', `${where}: resource.${k}`);
      if (f.resource.arn !== undefined) assert.match(f.resource.arn, /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:/, where);
      assert.ok(types.includes(f.resource.type), `${where}: type ${f.resource.type}`);
      assert.ok(f.resource.id.length > 0 && f.resource.name.length > 0, where);
      assert.ok(f.location, `${where}: a file finding has a location`);
      assert.deepEqual(Object.keys(f.location).sort(), ['column', 'file', 'line'], where);
      assert.ok(Number.isInteger(f.location.line) && f.location.line >= 1, where);
      assert.ok(Number.isInteger(f.location.column) && f.location.column >= 1, where);
      assert.ok(f.path === null || (typeof f.path === 'string' && f.path.length > 0), where);
      assert.ok(typeof f.messageId === 'string' && /^\w+$/.test(f.messageId), where);
      assert.ok(typeof f.reason === 'string' && f.reason.length > 0 && !/\{\w+\}/.test(f.reason), `${where}: ${f.reason}`);
      assert.equal(f.suppressed, null, where);
      assert.ok(Array.isArray(f.violations) && Array.isArray(f.notes), where);
    }
  });

  it('task definition JSON findings: resource is exactly {type, id, name}, plus arn only when the input has taskDefinitionArn', () => {
    const withArn: Record<string, string> = {
      'payments:42': 'arn:aws:ecs:eu-west-1:111122223333:task-definition/payments:42',
      'nightly-ledger-reconcile:17': 'arn:aws:ecs:us-east-1:111122223333:task-definition/nightly-ledger-reconcile:17',
    };
    for (const f of r.report.findings) {
      const expected: Record<string, string> = { type: 'AWS::ECS::TaskDefinition', id: f.resource.id, name: f.resource.id };
      if (withArn[f.resource.id]) expected.arn = withArn[f.resource.id];
      assert.deepEqual(f.resource, expected, `${f.resource.id} ${f.control}`);
    }
  });

  it('location.file is relative to the current directory and names the file read', () => {
    for (const f of r.report.findings) assert.equal(f.location!.file, EXAMPLES[f.resource.id].file, f.resource.id);
    for (const f of all.report.findings) {
      assert.ok(!isAbsolute(f.location!.file), f.location!.file);
      assert.ok(f.location!.file.startsWith('examples/') && existsSync(join(ROOT, f.location!.file)), f.location!.file);
    }
  });

  it('one finding per (resource, control) in the whole examples folder', () => {
    const seen = new Set<string>();
    for (const f of all.report.findings) {
      const key = `${f.resource.type} ${f.resource.id} ${f.location?.file} ${f.control}`;
      assert.ok(!seen.has(key), `duplicate finding ${key}`);
      seen.add(key);
    }
  });

  it('each example gets exactly the verdicts examples/README.md lists, PASSED ones included', () => {
    const ids = [...new Set(r.report.findings.map((f) => f.resource.id))].sort();
    assert.deepEqual(ids, Object.keys(EXAMPLES).sort());
    for (const [id, e] of Object.entries(EXAMPLES)) {
      const expected: Record<string, string> = {};
      for (const c of TASK_DEFINITION_CONTROLS) if (!e.absent.includes(c)) expected[c] = e.failed.includes(c) ? 'FAILED' : 'PASSED';
      for (const c of HARDENING_CONTROLS) if (!e.hardeningAbsent.includes(c)) expected[c] = e.hardening.includes(c) ? 'FAILED' : 'PASSED';
      assert.deepEqual(statusesOf(r.report, id), expected, id);
    }
  });

  it('ECS.21 gives no finding for a LINUX task definition, ECS.20 none for a Windows one; unset OS gets both', () => {
    assert.ok(!('ECS.21' in statusesOf(r.report, 'payments:42')));
    assert.ok(!('ECS.21' in statusesOf(r.report, 'customer-profile-api')));
    assert.ok(!('ECS.20' in statusesOf(r.report, 'intranet-iis')));
    assert.equal(statusesOf(r.report, 'legacy-catalog')['ECS.20'], 'FAILED');
    assert.equal(statusesOf(r.report, 'legacy-catalog')['ECS.21'], 'FAILED');
  });

  it('the INACTIVE revision is not judged (listed in skipped) and ECS.1 is off by default', () => {
    assert.ok(!r.report.findings.some((f) => f.resource.id === 'payments:41'));
    assert.deepEqual((r.report.skipped ?? []).map((s) => s.resource.id), ['payments:41']);
    assert.ok(!r.report.findings.some((f) => f.control === 'ECS.1'));
  });

  it('summary counts are consistent with findings and errors', () => {
    for (const x of [r, all]) {
      const count = (st: string) => x.report.findings.filter((f) => f.status === st).length;
      const s = x.report.summary;
      for (const k of ['resources', 'passed', 'failed', 'notAvailable', 'suppressed', 'errors']) assert.equal(typeof s[k], 'number', `summary.${k}`);
      assert.equal(s.passed, count('PASSED'));
      assert.equal(s.failed, count('FAILED'));
      assert.equal(s.notAvailable, count('NOT_AVAILABLE'));
      assert.equal(s.suppressed, x.report.findings.filter((f) => f.suppressed !== null).length);
      assert.equal(s.errors, x.report.errors.length);
      assert.equal(s.resources, new Set(x.report.findings.map((f) => `${f.resource.type} ${f.resource.id} ${f.location?.file}`)).size);
    }
    const s = r.report.summary;
    assert.deepEqual([s.resources, s.failed, s.passed, s.notAvailable, s.errors], [14, 56, 152, 0, 0]);
    // The Security Hub controls alone: the counts before the hardening checks, plus the passing hardening-risks.json.
    const hub = r.report.findings.filter((f) => f.set === 'security-hub');
    assert.deepEqual([hub.filter((f) => f.status === 'FAILED').length, hub.filter((f) => f.status === 'PASSED').length], [19, 95]);
  });

  it('location.file is relative to the current directory also when the path is given as an absolute path', () => {
    const abs = scanJson([join(ROOT, 'examples/fully-compliant.json'), '--controls', 'security-hub']);
    assert.equal(abs.code, 0);
    assert.ok(abs.report.findings.length > 0);
    for (const f of abs.report.findings) assert.equal(f.location?.file, 'examples/fully-compliant.json');
  });

  it('location.file is relative to the directory the command runs in', () => {
    const sub = scanJson(['.'], { cwd: join(ROOT, 'examples') });
    const files = new Set(sub.report.findings.map((f) => f.location?.file));
    assert.ok(files.has('fully-compliant.json'), [...files].join(', '));
    for (const f of files) assert.ok(f && !isAbsolute(f) && !f.startsWith('examples/'), f);
  });

  it('errors[] entries have file, line, column and message; file relative to the current directory', () => {
    const abs = scanJson([join(ROOT, 'test/fixtures/taskdef/secrets/unterminated-secret-invalid.json'), 'examples/fully-compliant.json']);
    assert.equal(abs.report.errors.length, 1);
    const e = abs.report.errors[0];
    assert.deepEqual(Object.keys(e).sort(), ['column', 'file', 'line', 'message']);
    assert.equal(e.file, 'test/fixtures/taskdef/secrets/unterminated-secret-invalid.json');
    assert.equal(e.line, 9);
  });

  it('standard input is scanned with `-`', () => {
    const s = scanJson(['-', '--controls', 'security-hub'], { input: readFileSync(join(ROOT, 'examples/fully-compliant.json')) });
    assert.equal(s.code, 0);
    assert.deepEqual(Object.keys(statusesOf(s.report, 'customer-profile-api')).length, 9);
    assert.ok(s.report.findings.every((f) => f.location?.file === '<stdin>'));
  });
});

// ---------------------------------------------------------------- options

describe('ecsguard scan: options', () => {
  it('--output FILE writes the report to the file and nothing to stdout', () => {
    const out = join(tempDir(), 'report.json');
    const r = run(['scan', 'examples', '--format', 'json', '--output', out]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const fromFile = JSON.parse(readFileSync(out, 'utf8')) as JsonReport;
    const fromStdout = scanJson(['examples']).report;
    assert.deepEqual(fromFile, fromStdout);
  });

  it('--output FILE with the text format', () => {
    const out = join(tempDir(), 'report.txt');
    const r = run(['scan', 'examples/batch-job-root-user.json', '--output', out]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const text = readFileSync(out, 'utf8');
    assert.match(text, /FAILED\s+ECS\.20/);
    assert.match(text, /ecsguard hardening checks\n\s+FAILED\s+ECSG\.2/);
    assertSummaryLine(text.trimEnd().split('\n').at(-1)!, { resources: 1, failed: 5, passed: 10, notAvailable: 0, errors: 0 });
    assert.doesNotMatch(text, ANSI);
  });

  it('--controls ECS.20,ECS.21 limits the findings to those controls', () => {
    const r = scanJson(['examples', '--controls', 'ECS.20,ECS.21']);
    // The whole folder: other sources too, and still only these two controls.
    assert.deepEqual([...new Set(r.report.findings.map((f) => f.control))].sort(), ['ECS.20', 'ECS.21']);
    assert.deepEqual(statusesOf(r.report, 'legacy-catalog'), { 'ECS.20': 'FAILED', 'ECS.21': 'FAILED' });
    assert.deepEqual(statusesOf(r.report, 'intranet-iis-hardened'), { 'ECS.21': 'PASSED' });
  });

  it('--controls takes the set names security-hub, extra and all, mixed with IDs', () => {
    const hub = scanJson([...EXAMPLE_FILES, '--controls', 'security-hub']);
    assert.deepEqual([...new Set(hub.report.findings.map((f) => f.set))], ['security-hub']);
    assert.ok(!hub.report.findings.some((f) => f.control === 'ECS.1'), 'a set name does not turn on the retired ECS.1');
    const extra = scanJson([...EXAMPLE_FILES, '--controls', 'extra']);
    assert.deepEqual([...new Set(extra.report.findings.map((f) => f.control))].sort(), ['ECSG.1', 'ECSG.10', 'ECSG.2', 'ECSG.3', 'ECSG.4', 'ECSG.5', 'ECSG.6', 'ECSG.8']);
    const all = scanJson([...EXAMPLE_FILES, '--controls', 'all']);
    assert.deepEqual(all.report.findings, scanJson(EXAMPLE_FILES).report.findings);
    const mixed = scanJson([...EXAMPLE_FILES, '--controls', 'ECS.20,extra,ECS.1']);
    assert.deepEqual([...new Set(mixed.report.findings.filter((f) => f.set === 'security-hub').map((f) => f.control))].sort(), ['ECS.1', 'ECS.20']);
    assert.equal(mixed.report.findings.filter((f) => f.set === 'extra').length, extra.report.findings.length);
    const cased = scanJson(['examples/hardening-risks.json', '--controls', 'Security-Hub']);
    assert.equal(cased.code, 0);
  });

  it('the configuration file takes set names and hardening check parameters', () => {
    const cfg = join(tempDir(), 'ecsguard.yml');
    writeFileSync(cfg, 'controls: [extra]\nskip-controls: [ECSG.6]\nparameters:\n  ECSG.7: { allowedRegistries: ["*.dkr.ecr.*.amazonaws.com"] }\n');
    const r = scanJson(['examples/hardening-risks.json', '--config', cfg]);
    assert.deepEqual(Object.keys(statusesOf(r.report, 'build-runner')).sort(), ['ECSG.1', 'ECSG.10', 'ECSG.2', 'ECSG.3', 'ECSG.4', 'ECSG.5', 'ECSG.7', 'ECSG.8']);
    assert.equal(statusesOf(r.report, 'build-runner')['ECSG.7'], 'FAILED');
    writeFileSync(cfg, 'parameters:\n  ECSG.4: { sensitiveHostPaths: [etc] }\n');
    const bad = run(['scan', 'examples/hardening-risks.json', '--config', cfg]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /ECSG\.4 parameter 'sensitiveHostPaths'/);
  });

  it('--skip-controls leaves those controls out and keeps the rest', () => {
    const r = scanJson([...EXAMPLE_FILES, '--skip-controls', 'ECS.15,ECS.9,extra']);
    const controls = new Set(r.report.findings.map((f) => f.control));
    assert.ok(!controls.has('ECS.15') && !controls.has('ECS.9'));
    assert.deepEqual([...controls].sort(), ['ECS.17', 'ECS.18', 'ECS.20', 'ECS.21', 'ECS.3', 'ECS.4', 'ECS.5', 'ECS.8']);
    // admin-portal fails only ECS.15: skipping it leaves it all PASSED.
    assert.ok(Object.values(statusesOf(r.report, 'admin-portal')).every((s) => s === 'PASSED'));
  });

  it('--controls ECS.1 turns the retired ECS.1 on (and only it)', () => {
    const r = scanJson([...EXAMPLE_FILES, '--controls', 'ECS.1']);
    assert.equal(r.code, 0);
    assert.deepEqual([...new Set(r.report.findings.map((f) => f.control))], ['ECS.1']);
    assert.equal(r.report.findings.length, 14);
    // Host mode with a privileged container is acceptable to ECS.1 (the rule is an OR).
    assert.deepEqual(statusesOf(r.report, 'datadog-agent-daemon'), { 'ECS.1': 'PASSED' });
  });

  it('--controls ECS.1 fails a host-mode task definition with an unprivileged root container', () => {
    const td = { family: 'node-exporter', networkMode: 'host', containerDefinitions: [{ name: 'exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2', user: '0' }], tags: [{ key: 'team', value: 'sre' }] };
    const r = scanJson(['-', '--controls', 'ECS.1,ECS.17'], { input: JSON.stringify(td, null, 2) });
    assert.equal(r.code, 1);
    assert.deepEqual(statusesOf(r.report, 'node-exporter'), { 'ECS.1': 'FAILED', 'ECS.17': 'FAILED' });
    assert.equal(r.report.findings.find((f) => f.control === 'ECS.1')!.path, 'containerDefinitions[0].user');
  });

  it('--all-revisions judges every ACTIVE revision (never an INACTIVE one)', () => {
    const r = scanJson(['test/fixtures/taskdef/revisions', '--all-revisions', '--controls', 'security-hub']);
    assert.deepEqual([...new Set(r.report.findings.map((f) => f.resource.id))].sort(), ['orders', 'orders:7', 'orders:9']);
    assert.deepEqual((r.report.skipped ?? []).map((s) => s.resource.id), ['orders:10']);
    const latest = scanJson(['test/fixtures/taskdef/revisions', '--controls', 'security-hub']);
    assert.deepEqual([...new Set(latest.report.findings.map((f) => f.resource.id))].sort(), ['orders', 'orders:9']);
    assert.equal(latest.code, 0);
    assert.equal(r.code, 1);
  });

  it('--quiet prints no PASSED lines but keeps failures and the summary', () => {
    const r = run(['scan', ...EXAMPLE_FILES, '--quiet']);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout, /PASSED/);
    assert.match(r.stdout, /FAILED\s+ECS\.8/);
    assert.match(r.stdout, /FAILED\s+ECSG\.5/);
    assertSummaryLine(r.stdout.trimEnd().split('\n').at(-1)!, { resources: 14, failed: 56, passed: 152 });
    const whole = run(['scan', 'examples', '--quiet']);
    assert.equal(whole.code, 1);
    assert.doesNotMatch(whole.stdout, /PASSED/);
  });
});

// ---------------------------------------------------------------- text report

describe('ecsguard scan: the text report', () => {
  let text: Run;
  before(() => {
    text = run(['scan', 'examples']);
  });

  it('`scan examples` shows both PASSED and FAILED and exits 1', () => {
    assert.equal(text.code, 1);
    assert.match(text.stdout, /PASSED/);
    assert.match(text.stdout, /FAILED/);
    assert.match(text.stdout, /customer-profile-api/);
  });

  it('ends with a one-line summary whose counts match the JSON summary', () => {
    const lines = text.stdout.split('\n');
    assert.equal(lines.at(-1), '', 'ends with a newline');
    assert.notEqual(lines.at(-2), '', 'the summary is the last line');
    const s = scanJson(['examples']).report.summary;
    assertSummaryLine(lines.at(-2)!, { resources: s.resources, failed: s.failed, passed: s.passed, notAvailable: s.notAvailable, suppressed: s.suppressed, skipped: s.skipped ?? 0, errors: s.errors });
    // And exactly, for the task definition JSON examples (1 INACTIVE revision not judged).
    const td = run(['scan', ...EXAMPLE_FILES]).stdout.trimEnd().split('\n').at(-1)!;
    assertSummaryLine(td, { resources: 14, failed: 56, passed: 152, notAvailable: 0, suppressed: 0, skipped: 1, errors: 0 });
  });

  it('no line is longer than 80 columns when COLUMNS is unset', () => {
    for (const args of [['scan', 'examples'], ['scan', 'examples', '--quiet'], ['scan', 'examples', 'does-not-exist.json']]) {
      const r = run(args);
      const long = r.stdout.split('\n').filter((l) => l.length > 80);
      assert.deepEqual(long, [], `${args.join(' ')}: lines over 80 columns`);
    }
  });

  it('no ANSI escapes with NO_COLOR=1', () => {
    assert.doesNotMatch(text.stdout + text.stderr, ANSI);
  });

  it('no ANSI escapes when piped, even without NO_COLOR', () => {
    const r = run(['scan', 'examples', 'does-not-exist.json'], { env: { NO_COLOR: undefined } });
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout + r.stderr, ANSI);
    const j = run(['scan', 'examples', '--format', 'json'], { env: { NO_COLOR: undefined } });
    assert.doesNotMatch(j.stdout + j.stderr, ANSI);
  });

  it('input errors are listed with file:line:column', () => {
    const d = tempDir();
    writeFileSync(join(d, 'broken.json'), '{\n  "family": "x",\n  "containerDefinitions": [\n}\n');
    const r = run(['scan', 'examples/fully-compliant.json', join(d, 'broken.json'), '--controls', 'security-hub']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /broken\.json:4:1/);
    assertSummaryLine(r.stdout.trimEnd().split('\n').at(-1)!, { resources: 1, failed: 0, errors: 1 });
  });
});

// ---------------------------------------------------------------- secrets

describe('ecsguard scan: secret values never appear in any output', () => {
  const SECRET_VALUES = [ACCESS_KEY_ID, SECRET_ACCESS_KEY, REGISTRY_AUTH];
  const variants: string[][] = [[], ['--quiet'], ['--format', 'json'], ['--format', 'json', '--quiet']];
  const inputs: { name: string; args: string[] }[] = [
    { name: 'examples/secrets-in-environment.json', args: ['examples/secrets-in-environment.json'] },
    { name: 'an environment value of the wrong type', args: ['test/fixtures/taskdef/secrets/env-value-wrong-type.json'] },
    { name: 'the whole examples folder with both', args: ['examples', 'test/fixtures/taskdef/secrets/env-value-wrong-type.json'] },
  ];
  for (const input of inputs) {
    for (const v of variants) {
      it(`${input.name}, ${v.length ? v.join(' ') : 'text'}: ECS.8 fails, no value on stdout or stderr`, () => {
        const r = run(['scan', ...input.args, ...v]);
        assert.equal(r.code, 1);
        assert.match(r.stdout, /ECS\.8/);
        for (const s of SECRET_VALUES) {
          assert.ok(!r.stdout.includes(s), `stdout must not contain ${s.slice(0, 4)}...`);
          assert.ok(!r.stderr.includes(s), `stderr must not contain ${s.slice(0, 4)}...`);
        }
      });
    }
  }

  it('the wrong-type values are reported as input errors at their lines, without the values', () => {
    const r = scanJson(['test/fixtures/taskdef/secrets/env-value-wrong-type.json']);
    assert.deepEqual(r.report.errors.map((e) => e.line), [17, 18, 19]);
    assert.deepEqual(statusesOf(r.report, 'registry-mirror-sync')['ECS.8'], 'FAILED');
    // Errors also go to stderr in the JSON format: still without the values.
    for (const s of SECRET_VALUES) assert.ok(!(r.stdout + r.stderr).includes(s));
  });

  it('--output FILE does not contain the values either', () => {
    const out = join(tempDir(), 'report.json');
    run(['scan', 'examples/secrets-in-environment.json', 'test/fixtures/taskdef/secrets/env-value-wrong-type.json', '--format', 'json', '--output', out]);
    const written = readFileSync(out, 'utf8');
    assert.match(written, /"ECS\.8"/);
    for (const s of SECRET_VALUES) assert.ok(!written.includes(s));
  });

  for (const v of [[], ['--format', 'json']]) {
    it(`invalid JSON around a secret value (${v.length ? 'json' : 'text'}): the syntax error does not quote it`, () => {
      const r = run(['scan', 'test/fixtures/taskdef/secrets/unquoted-secret-invalid.json', 'test/fixtures/taskdef/secrets/unterminated-secret-invalid.json', 'examples/fully-compliant.json', '--controls', 'security-hub', ...v]);
      assert.equal(r.code, 0);
      assert.match(r.stdout + r.stderr, /invalid JSON/);
      for (const piece of [ACCESS_KEY_ID, SECRET_ACCESS_KEY, 'AKIAIOSFODNN', 'wJalrXUtnFEMI']) {
        assert.ok(!(r.stdout + r.stderr).includes(piece), `output must not quote the secret (${piece.slice(0, 4)}...)`);
      }
    });
  }
});

// ---------------------------------------------------------------- explain, controls, help, version

describe('ecsguard explain, controls, --help, --version', () => {
  const SECURITY_HUB_CONTROLS = ['ECS.1', 'ECS.2', 'ECS.3', 'ECS.4', 'ECS.5', 'ECS.8', 'ECS.9', 'ECS.10', 'ECS.12', 'ECS.13', 'ECS.14', 'ECS.15', 'ECS.16', 'ECS.17', 'ECS.18', 'ECS.19', 'ECS.20', 'ECS.21'];
  const HARDENING = ['ECSG.1', 'ECSG.2', 'ECSG.3', 'ECSG.4', 'ECSG.5', 'ECSG.6', 'ECSG.7', 'ECSG.8', 'ECSG.9', 'ECSG.10'];
  let controls: { id: string; set: string; configRule: string | null; severity: string; enabledByDefault: boolean; peers: { tool: string; id: string }[] }[];
  before(() => {
    const r = run(['controls', '--format', 'json']);
    assert.equal(r.code, 0);
    controls = JSON.parse(r.stdout);
  });

  it('`controls --format json` lists every Security Hub ECS control, then the hardening checks; ECS.1 off by default', () => {
    assert.deepEqual(controls.map((c) => c.id), [...SECURITY_HUB_CONTROLS, ...HARDENING]);
    assert.deepEqual(controls.filter((c) => c.set === 'security-hub').map((c) => c.id), SECURITY_HUB_CONTROLS);
    assert.deepEqual(controls.filter((c) => c.set === 'extra').map((c) => c.id), HARDENING);
    assert.deepEqual(controls.filter((c) => !c.enabledByDefault).map((c) => c.id), ['ECS.1']);
    assert.equal(controls.find((c) => c.id === 'ECS.21')!.configRule, 'ecs-task-definition-windows-user-non-admin');
    for (const c of controls) assert.equal(c.configRule === null, c.set === 'extra', `${c.id}: only Security Hub controls mirror a Config rule`);
    assert.deepEqual(controls.find((c) => c.id === 'ECSG.8')!.peers.map((p) => `${p.tool} ${p.id}`), ['Checkov CKV_AWS_249']);
  });

  it('`controls` prints the two sets as separate groups', () => {
    const r = run(['controls']);
    assert.equal(r.code, 0);
    const lines = r.stdout.split('\n');
    const hub = lines.findIndex((l) => /^AWS Security Hub controls/.test(l));
    const extra = lines.findIndex((l) => /^ecsguard hardening checks/.test(l));
    assert.ok(hub === 0 && extra > hub, r.stdout);
    assert.ok(lines.slice(hub, extra).some((l) => l.startsWith('ECS.21 ')));
    assert.ok(!lines.slice(hub, extra).some((l) => l.startsWith('ECSG.')));
    assert.ok(lines.slice(extra).some((l) => l.startsWith('ECSG.10 ')));
  });

  it('`explain` prints every section, with content, for every listed control', () => {
    const sections = [/^What it checks$/, /^Why it matters$/, /^How to fix$/, /^CloudFormation$/, /^Terraform$/, /^False positives/];
    for (const c of controls) {
      const r = run(['explain', c.id]);
      assert.equal(r.code, 0, `explain ${c.id}: ${r.stderr}`);
      const lines = r.stdout.split('\n');
      assert.ok(lines[0].startsWith(c.id), `explain ${c.id}: first line ${lines[0]}`);
      if (c.configRule) assert.ok(lines.includes(`AWS Config rule: ${c.configRule}`), `explain ${c.id}: AWS Config rule`);
      else {
        assert.ok(lines.some((l) => l.startsWith('AWS Config rule: none')), `explain ${c.id}: no Config rule`);
        assert.ok(lines.some((l) => /^Set: ecsguard hardening checks/.test(l)), `explain ${c.id}: names its set`);
        const peers = lines.findIndex((l) => l === 'Peer checks');
        assert.ok(peers > 0 && /^ {2}\S/.test(lines[peers + 1] ?? ''), `explain ${c.id}: a Peer checks section with content`);
        for (const p of c.peers) assert.ok(r.stdout.includes(`${p.tool} ${p.id}`), `explain ${c.id}: peer ${p.id}`);
      }
      let last = -1;
      for (const s of sections) {
        const i = lines.findIndex((l) => s.test(l));
        assert.ok(i > last, `explain ${c.id}: section ${s} present, after the previous one`);
        assert.match(lines[i + 1] ?? '', /^ {2,}\S/, `explain ${c.id}: section ${s} has content`);
        last = i;
      }
    }
  });

  it('`explain ECS.21` names the Windows admin user and ContainerUser', () => {
    const r = run(['explain', 'ECS.21']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /ContainerAdministrator/);
    assert.match(r.stdout, /ContainerUser/);
    assert.match(r.stdout, /Severity: MEDIUM/);
  });

  it('`explain ECSG.5` says it is not a Security Hub control and lists the peer checks', () => {
    const r = run(['explain', 'ecsg.5']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ECSG\.5 /);
    assert.match(r.stdout, /not a Security Hub control/);
    assert.match(r.stdout, /Trivy AVD-AWS-0036/);
    assert.match(r.stdout, /Prowler ecs_task_definitions_no_environment_secrets/);
    assert.match(r.stdout, /never the\s+value/);
  });

  it('`explain ECS.99` exits 2 with a message', () => {
    const r = run(['explain', 'ECS.99']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /ECS\.99/);
  });

  it('--help exits 0 and shows the commands', () => {
    const r = run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: ecsguard/);
    for (const cmd of ['scan', 'explain', 'controls']) assert.match(r.stdout, new RegExp(`\\b${cmd}\\b`));
    const scan = run(['scan', '--help']);
    assert.equal(scan.code, 0);
    for (const opt of ['--format', '--output', '--controls', '--skip-controls', '--fail-on', '--quiet']) assert.ok(scan.stdout.includes(opt), `scan --help shows ${opt}`);
  });

  it("--version exits 0 and prints package.json's version", () => {
    for (const flag of ['--version', '-V']) {
      const r = run([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout.trim(), PACKAGE.version);
    }
  });
});
