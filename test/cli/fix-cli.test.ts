/**
 * `ecsguard fix` as a user runs it from the built CLI: the diff on standard output applies with
 * `git apply`, --write changes the files, the summary lists what a human must still do, and
 * usage errors exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

function run(args: string[], cwd: string) {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-fixcli-'));
  for (const n of names) cpSync(join(ROOT, 'examples', n), join(dir, n), { recursive: true });
  return dir;
}

test('fix prints a unified diff that git apply accepts, leaves the files alone, and the applied result scans clean', () => {
  const dir = workspace('secrets-in-environment.json', 'monitoring-agent-privileged-host.json');
  const before = readFileSync(join(dir, 'secrets-in-environment.json'), 'utf8');
  const r = run(['fix', '.'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^diff --git a\/monitoring-agent-privileged-host\.json b\/monitoring-agent-privileged-host\.json$/m);
  assert.match(r.stdout, /^-\s+"privileged": true,?$/m);
  assert.equal(readFileSync(join(dir, 'secrets-in-environment.json'), 'utf8'), before, 'the default is a diff, not a write');
  // The summary (standard error) says what was fixed and what a human must do.
  assert.match(r.stderr, /fixed {4}ECS\.8: container 'worker': moved AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY from environment to secrets/);
  assert.match(r.stderr, /to do {4}Store each moved value in Secrets Manager/);
  assert.match(r.stderr, /not changed automatically:\n {2}ECS\.17 on datadog-agent-daemon: networkMode 'host' is not changed automatically/);
  const git = (args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8', input: r.stdout });
  assert.equal(git(['init', '-q']).status, 0);
  const applied = git(['apply', '-']);
  assert.equal(applied.status, 0, applied.stderr);
  const after = run(['scan', '.', '--controls', 'ECS.4,ECS.8,ECS.3', '--format', 'json'], dir);
  const findings = JSON.parse(after.stdout).findings as { control: string; status: string }[];
  assert.ok(findings.length >= 4);
  assert.deepEqual(findings.filter((f) => f.status !== 'PASSED'), []);
});

test('fix --write changes the files and prints what it wrote; a second run has nothing to do', () => {
  const dir = workspace('windows-iis-container-administrator.json');
  const r = run(['fix', '--write', '--controls', 'ECS.21'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^wrote windows-iis-container-administrator\.json$/m);
  assert.match(readFileSync(join(dir, 'windows-iis-container-administrator.json'), 'utf8'), /"user": "ContainerUser"/);
  const again = run(['fix', '--write', '--controls', 'ECS.21'], dir);
  assert.equal(again.code, 0);
  assert.doesNotMatch(again.stdout, /wrote/);
  assert.match(again.stdout, /nothing to change/);
});

test('fix --format json reports diffs, applied fixes with their todo lists, and refusals', () => {
  const dir = workspace('cloudformation/windows-iis-service.yaml');
  const r = run(['fix', '--format', 'json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.mode, 'diff');
  const ecs21 = report.refused.find((x: { control: string }) => x.control === 'ECS.21');
  assert.match(ecs21.reason, /parameter ContainerUser/);
  assert.equal(ecs21.resource.id, 'PortalTaskDefinition');
});

test('fix settings come from the configuration file fix: key, and flags override them', () => {
  const dir = workspace('batch-job-root-user.json');
  writeFileSync(join(dir, '.ecsguard.yml'), 'fix:\n  linuxUser: "10001:10001"\n');
  const r = run(['fix', '--controls', 'ECS.20'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\+\s+"user": "10001:10001",$/m);
  const r2 = run(['fix', '--controls', 'ECS.20', '--linux-user', 'app'], dir);
  assert.match(r2.stdout, /^\+\s+"user": "app",$/m);
});

test('fix usage errors exit 2', () => {
  const dir = workspace('batch-job-root-user.json');
  assert.equal(run(['fix', '--write', '--diff'], dir).code, 2);
  const r = run(['fix', '.', '--apply'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--apply, --yes, --deregister-previous and --family are for --aws/);
  assert.equal(run(['fix', 'no-such-file.json'], dir).code, 2);
});

test('explain says whether ecsguard fix changes a control automatically', () => {
  const fixable = run(['explain', 'ECS.21'], ROOT);
  assert.match(fixable.stdout, /Automatic fix\n {2}ecsguard fix changes the failing fields/);
  const manual = run(['explain', 'ECS.17'], ROOT);
  assert.match(manual.stdout, /Automatic fix\n {2}none: ecsguard fix lists this control's failures/);
});

test('a fix user the controls would fail is a usage error, and standard input is refused', () => {
  const dir = workspace('no-runtime-platform.json');
  for (const args of [['--linux-user', 'root'], ['--linux-user', '0:0'], ['--linux-user', ''], ['--windows-user', 'ContainerAdministrator']]) {
    const r = run(['fix', '.', ...args], dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, /ecsguard: (linux|windows)User '.*' is (root|empty|the administrator account), which ECS\.2[01] fails/);
    assert.equal(r.stdout, '', 'nothing is printed as fixed');
  }
  const r = run(['fix', '-'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /standard input \(-\) cannot be patched/);
});

test('configuration warnings (a suppression pattern that matches everything) go to standard error and do not stop the scan', () => {
  const dir = workspace('batch-job-root-user.json');
  writeFileSync(join(dir, '.ecsguard.yml'), 'suppressions:\n  - control: ECS.20\n    resources: "*"\n    reason: accepted for the pilot\n');
  const r = run(['scan', '.', '--controls', 'ECS.20'], dir);
  assert.equal(r.code, 0, 'the suppressed finding does not fail the gate');
  assert.match(r.stderr, /^ecsguard: warning: \.ecsguard\.yml:3:\d+: suppressions\[0\]\.resources: '\*' matches every resource: every ECS\.20 finding is suppressed/m);
  const quiet = run(['scan', '.', '--controls', 'ECS.20', '--quiet'], dir);
  assert.match(quiet.stderr, /warning: .*matches every resource/, '--quiet does not hide what the configuration may be hiding');
});

test('adopting on an existing repo: baseline, fix --write, then the baseline gate passes and lists what the fix repaired', () => {
  const dir = workspace('batch-job-root-user.json', 'secrets-in-environment.json', 'cloudformation/orders-api.yaml');
  assert.equal(run(['scan', '.', '--write-baseline', '.ecsguard-baseline.json'], dir).code, 0);
  const fixed = run(['fix', '.', '--write'], dir);
  assert.equal(fixed.code, 0, fixed.stderr);
  const gate = run(['scan', '.', '--baseline', '.ecsguard-baseline.json', '--format', 'json'], dir);
  const report = JSON.parse(gate.stdout) as { findings: { status: string; suppressed: unknown; control: string; resource: { id: string } }[]; baseline: { fixed: { control: string }[] } };
  const fresh = report.findings.filter((f) => f.status === 'FAILED' && !f.suppressed).map((f) => `${f.resource.id} ${f.control}`);
  assert.deepEqual(fresh, [], 'findings the fix did not touch (describe output unwrapped) are still known');
  assert.equal(gate.code, 0);
  const repaired = new Set(report.baseline.fixed.map((e) => e.control));
  for (const c of ['ECS.3', 'ECS.4', 'ECS.8', 'ECS.20']) assert.ok(repaired.has(c), `${c} listed as fixed since the baseline`);
});
